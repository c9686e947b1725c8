"""Models named by a Hugging Face hub id: can one be loaded here, said at once.

Given a hub id ('sentence-transformers/all-mpnet-base-v2') that is not in the local
Hugging Face cache, on a machine without internet, the libraries retry their requests for
over a minute, logging a warning each time, before they fail (80 s measured here for one
embedding model). :func:`unreachable` finds that case in a few seconds at most: one
connection to the hub (``$HF_ENDPOINT``, default huggingface.co), tried only when the
model is not cached, no proxy is set (the libraries may reach the hub through it) and
offline mode is off (the libraries then fail at once themselves).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from qa.fileio import looks_like_path

#: Seconds to wait for the hub to accept a connection.
PROBE_SECONDS = 5.0
_PROXIES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
_TRUE = {"1", "true", "yes", "on"}


def _cached(repo_id: str) -> bool:
    """Whether the local Hugging Face cache holds the model's config.json."""
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(repo_id, "config.json"), str)
    except Exception:  # noqa: BLE001 - not a valid repo id, an unreadable cache: not cached
        return False


def unreachable(name: str) -> str | None:
    """Why the hub model ``name`` cannot be loaded here ('huggingface.co cannot be reached
    ([Errno -2] Name or service not known)'), or None when it may be: ``name`` is a local
    path, a folder here, cached, or the hub accepts a connection (or it is not tried: a
    proxy is set, or offline mode is on)."""
    if looks_like_path(name) or Path(name).is_dir():
        return None
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in _TRUE or any(
            os.environ.get(key) for key in _PROXIES):
        return None
    if _cached(name):
        return None
    endpoint = urlsplit(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    try:
        socket.create_connection((host, port), timeout=PROBE_SECONDS).close()
    except OSError as exc:
        return f"it is not in the local Hugging Face cache and {host} cannot be reached ({exc})"
    return None

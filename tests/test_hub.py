"""qa.hub: a hub id that cannot be loaded here is told at once, not after the libraries'
retries (80 s with a warning each, measured offline for one embedding model)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from qa.embed import Embedder
from qa.errors import ModelLoadError
from qa.hub import unreachable
from qa.reader import ExtractiveReader


@pytest.fixture
def closed_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A hub endpoint that refuses connections (a port nothing listens on), an empty
    cache, no proxy, offline mode off."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    for key in ("HF_HUB_OFFLINE", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
                "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(key, raising=False)
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    return f"127.0.0.1:{port}"


def test_a_hub_id_the_hub_cannot_serve_is_said_at_once(closed_hub: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    why = unreachable("owner/some-model")
    assert why is not None and "not in the local Hugging Face cache" in why
    assert "127.0.0.1 cannot be reached" in why
    # a local folder, or a path, is never looked up
    assert unreachable(str(tmp_path)) is None and unreachable("./no-such-folder") is None
    # offline mode: the libraries say so at once; a proxy: they may reach the hub through it
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert unreachable("owner/some-model") is None
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert unreachable("owner/some-model") is None


def test_a_cached_hub_model_is_loaded_from_the_cache(closed_hub: str, tmp_path: Path) -> None:
    snapshot = tmp_path / "hf-cache" / "models--owner--cached" / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    refs = tmp_path / "hf-cache" / "models--owner--cached" / "refs"
    refs.mkdir()
    (refs / "main").write_text("0" * 40)
    assert unreachable("owner/cached") is None
    assert unreachable("owner/not-cached") is not None


def test_embedder_and_reader_refuse_an_unreachable_hub_id_quickly(closed_hub: str) -> None:
    for load, kind in ((lambda: Embedder("owner/some-embedder").load(), "embedding model"),
                       (lambda: ExtractiveReader("owner/some-reader").load(), "reader model")):
        with pytest.raises(ModelLoadError, match=rf"cannot load the {kind} 'owner/some-\w+': "
                                                 r"it is not in the local Hugging Face cache"):
            load()  # said by the probe, not after the libraries' retries

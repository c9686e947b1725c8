"""Defaults and their environment overrides."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def in_checkout() -> bool:
    """Whether qa runs from its source checkout (``pip install -e``, or the checkout on the
    path), which holds ``index/`` and ``seeds/``; not from an installed copy, whose
    PROJECT_ROOT is site-packages."""
    return (PROJECT_ROOT / "pyproject.toml").is_file()


def user_data_dir() -> Path:
    """Where an installed qa keeps its data: ``$XDG_DATA_HOME/qa``, else
    ``~/.local/share/qa`` (a relative $XDG_DATA_HOME is ignored, as the XDG spec says)."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "qa"


def env_index_dir() -> Path | None:
    """$QA_INDEX_DIR, when set: a folder chosen like ``--index``, never built from the seeds."""
    value = os.environ.get("QA_INDEX_DIR")
    return Path(value).expanduser() if value else None


def default_index_dir() -> Path:
    """$QA_INDEX_DIR, else ``index/`` of the project checkout, else (an installed copy, not
    site-packages) ``index/`` of :func:`user_data_dir`."""
    if (chosen := env_index_dir()) is not None:
        return chosen
    return PROJECT_ROOT / "index" if in_checkout() else user_data_dir() / "index"


def default_corpus() -> Path | None:
    """$QA_CORPUS, else ``seeds/`` of the project checkout; None for an installed copy,
    which ships no seed articles (the user indexes their own)."""
    value = os.environ.get("QA_CORPUS")
    if value:
        return Path(value)
    return PROJECT_ROOT / "seeds" if in_checkout() else None


#: "auto": bf16 where the CPU computes bf16 natively (AVX512-BF16, AMX), else fp32.
PRECISIONS = ("auto", "fp32", "bf16")


def default_embed_precision() -> str:
    """$QA_EMBED_PRECISION (auto, fp32 or bf16), else auto."""
    return os.environ.get("QA_EMBED_PRECISION") or "auto"


def default_reader_precision() -> str:
    """$QA_READER_PRECISION (auto, fp32 or bf16), else auto."""
    return os.environ.get("QA_READER_PRECISION") or "auto"


def default_reader_compile() -> str:
    """$QA_READER_COMPILE (1/on/true or 0/off/false), else off."""
    return os.environ.get("QA_READER_COMPILE") or "off"


DEFAULT_TOP_K = 5
DEFAULT_THRESHOLD = 0.25
MAX_QUESTION_CHARS = 1000

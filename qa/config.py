"""Defaults and their environment overrides."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def env_index_dir() -> Path | None:
    """$QA_INDEX_DIR, when set: a folder chosen like ``--index``, never built from the seeds."""
    value = os.environ.get("QA_INDEX_DIR")
    return Path(value).expanduser() if value else None


def default_index_dir() -> Path:
    """$QA_INDEX_DIR, else ``index/`` of the project checkout."""
    return env_index_dir() or PROJECT_ROOT / "index"


def default_corpus() -> Path:
    """$QA_CORPUS, else ``seeds/`` of the project checkout."""
    return Path(os.environ.get("QA_CORPUS") or PROJECT_ROOT / "seeds")


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

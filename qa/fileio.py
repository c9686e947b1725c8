"""File helpers: atomic writes (a reader sees the old file or the new one, never half of
one), and telling a local model path from a hub id."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: str | Path, data: str) -> Path:
    """Write ``data`` (UTF-8) to a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return path


def looks_like_path(name: str) -> bool:
    """A local path rather than a hub id ('owner/name'): absolute, ./ or ../, or ~."""
    return name.startswith(("/", "./", "../", "~", "\\")) or Path(name).is_absolute()

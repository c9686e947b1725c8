"""File helpers: atomic writes (a reader sees the old file or the new one, never half of
one), and telling a local model path from a hub id."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
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


#: The byte-order marks of UTF-16 (little- and big-endian) a text file may start with.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def utf16_without_bom(data: bytes) -> str | None:
    """``data`` decoded as UTF-16 without a byte-order mark when it looks like it: NUL
    bytes on one side only (the high bytes of Latin text), at least 30% of them; else
    None."""
    half = len(data) // 2
    if len(data) % 2 or not half:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    encoding = ("utf-16-le" if even == 0 and odd >= 0.3 * half
                else "utf-16-be" if odd == 0 and even >= 0.3 * half else None)
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def utf16_text(raw: bytes, what: str) -> str | None:
    """``raw`` decoded as UTF-16 when it starts with a UTF-16 byte-order mark (Windows
    PowerShell's ``>`` writes such files) or looks like UTF-16 without one
    (:func:`utf16_without_bom`); None otherwise. ValueError, saying how to save ``what``
    ("the questions") again, when it starts with the mark but is not valid UTF-16."""
    if not raw.startswith(UTF16_BOMS):
        return utf16_without_bom(raw)
    try:
        return raw.decode("utf-16")
    except UnicodeDecodeError as exc:  # an odd byte count (cut short), a lone surrogate
        raise ValueError(f"starts as UTF-16 text but is not valid UTF-16 (byte {exc.start}, "
                         f"cut short?): save {what} again, as UTF-8 or UTF-16") from None


def without_bom(data: bytes) -> bytes:
    """``data`` less a UTF-8 byte-order mark at its start: a BOM is no error, and the
    positions of a decoding error then count from after it."""
    return data.removeprefix(b"\xef\xbb\xbf")


def not_utf8_at(exc: UnicodeDecodeError, *, lines: bool = True) -> str:
    """Where ``exc`` (from decoding bytes as UTF-8) found a byte that is not UTF-8, for a
    message: "byte 0xe9 at line 2, column 37" (columns count characters, from 1); only
    "byte 0xe9 at column 37" when ``lines`` is False (the bytes were one line already)."""
    data = bytes(exc.object)
    before = data[:exc.start]
    start_of_line = before.rfind(b"\n") + 1
    column = len(before[start_of_line:].decode("utf-8", errors="replace")) + 1
    line = before.count(b"\n") + 1
    where = f"line {line}, column {column}" if lines else f"column {column}"
    return f"byte {data[exc.start]:#04x} at {where}"


def looks_like_path(name: str) -> bool:
    """A local path rather than a hub id ('owner/name'): absolute, ./ or ../, or ~."""
    return name.startswith(("/", "./", "../", "~", "\\")) or Path(name).is_absolute()


@contextlib.contextmanager
def quiet_model_loading(logger: logging.Logger) -> Iterator[None]:
    """No "Loading weights" bars from transformers while a model loads, unless ``logger``
    logs debug detail: they are the library's noise, not progress of ours (a script that
    only asks a question would see two on stderr)."""
    from transformers.utils import logging as hf_logging

    if logger.isEnabledFor(logging.DEBUG) or not hf_logging.is_progress_bar_enabled():
        yield
        return
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.enable_progress_bar()

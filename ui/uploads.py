"""Articles uploaded from the page: validated, safely named, saved atomically.

Only the base name of an uploaded file is kept, reduced to letters, digits, ``-``,
``_``, ``.`` and spaces: ``../../x.txt`` and ``/etc/x.txt`` become ``x.txt``; empty
and hidden names (``.x``) are refused. A file is written to a temporary name in the
uploads folder, then hard-linked to its final name, which never overwrites: a name
already taken gets ``-1``, ``-2``… appended. A new version of an earlier upload (a plain
file of the same name in the uploads folder, nothing outside it) takes its place with
:func:`replace_upload`: renamed over it, the earlier one kept aside until the index has the
new one. An upload is taken back with :func:`set_aside_upload`: renamed to a hidden name
(which indexing skips) until the index no longer has it.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import unicodedata
import uuid
from collections.abc import Collection
from pathlib import Path

from qa.errors import IngestError
from qa.ingest import SUPPORTED_SUFFIXES, decode_bytes
from qa.pdf import pdf_to_text

# what `qa index` reads, no more and no less (a list of its own refused '.markdown')
ALLOWED_SUFFIXES = tuple(SUPPORTED_SUFFIXES)
DEFAULT_MAX_UPLOAD_BYTES = 2_000_000
#: How many times the article size limit a file may be on its way to the server.
TRANSFER_FACTOR = 10
_MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^\w.\- ]+")


def default_uploads_dir(index_dir: Path) -> Path:
    """The uploads folder of the index in ``index_dir``, beside it and its own: ``index/``
    -> ``uploads/`` (the checkout's layout), any other name -> ``NAME-uploads/``, so two
    indexes in one folder (``~/indexes/a``, ``~/indexes/b``) never share their uploads."""
    index_dir = Path(index_dir).resolve()
    name = "uploads" if index_dir.name == "index" else f"{index_dir.name}-uploads"
    return index_dir.parent / name


def transfer_limit(max_upload_bytes: int) -> int:
    """Gradio's own limit on a file sent to the server (``launch(max_file_size=)``).

    Above the article limit, so that a file too large for an article still reaches
    :func:`check_upload`, which says so in the chat's status line with the file's size and
    the limit. Gradio refuses a file over this one in the browser, with a passing notice
    and nothing in the status line; that is kept only so that no huge file is sent at all.
    """
    return TRANSFER_FACTOR * max_upload_bytes


def safe_filename(name: str) -> str:
    """A file name that stays inside the uploads folder; IngestError when unusable."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    base = _UNSAFE.sub("_", base).strip(" ")
    if not base or set(base) <= {".", "_", " "}:
        raise IngestError(f"'{name}' is not a usable file name: rename the file and try again")
    if base.startswith("."):  # the uploads folder's own files (set aside) start with '.'
        raise IngestError(f"'{name}' is not a usable file name: a name starting with '.' is "
                          "a hidden file, which is not indexed; rename the file so that its "
                          "name does not start with '.' and try again")
    suffix = Path(base).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise IngestError(f"'{base}': unsupported file type '{suffix or 'none'}'. "
                          f"Upload {', '.join(ALLOWED_SUFFIXES)} files.")
    stem = Path(base).stem[: _MAX_NAME_CHARS - len(suffix)].rstrip(" .") or "article"
    return stem + suffix


def check_upload(path: Path, name: str, max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> str:
    """Validate an uploaded file; return its safe name. IngestError says what is wrong."""
    safe = safe_filename(name)
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(f"'{safe}' is {size / 1e6:.1f} MB; the limit is "
                          f"{max_bytes / 1e6:.1f} MB. Split it or upload a smaller file.")
    # worded as a file refused after it was read ("'x.md' was not added: …", ChatService)
    if size == 0:
        raise IngestError(f"'{safe}' was not added: empty file (no text)")
    try:
        if Path(safe).suffix.lower() == ".pdf":
            pdf_to_text(path.read_bytes())  # readable, not encrypted, with a text layer
        else:
            decode_bytes(path.read_bytes())
    except IngestError as exc:
        raise IngestError(f"'{safe}' was not added: {exc}") from None
    return safe


def _write_temporary(path: Path, root: Path) -> Path:
    """A copy of ``path`` under a hidden temporary name in ``root``, flushed to disk."""
    tmp = root / f".upload-{uuid.uuid4().hex}.tmp"
    try:
        with open(path, "rb") as src, open(tmp, "xb") as dst:
            dst.write(src.read())
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def save_upload(path: Path, name: str, uploads_dir: Path, *,
                taken: Collection[str] = (),
                max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> Path:
    """Copy the uploaded file at ``path`` into ``uploads_dir`` under a safe, unused name.

    ``taken`` holds names to avoid besides existing files (e.g. ids already indexed).
    """
    safe = check_upload(path, name, max_bytes)
    uploads_dir.mkdir(parents=True, exist_ok=True)
    root = uploads_dir.resolve()
    tmp = _write_temporary(path, root)
    try:
        stem, suffix = Path(safe).stem, Path(safe).suffix
        for n in range(1000):
            candidate = root / (safe if n == 0 else f"{stem}-{n}{suffix}")
            if candidate.parent != root:  # cannot happen with a safe name; belt and braces
                raise IngestError(f"'{name}' would be written outside the uploads folder")
            if candidate.name in taken:
                continue
            try:
                os.link(tmp, candidate)
            except FileExistsError:
                continue
            except OSError:  # no hard links here: replace, after checking the name is free
                if candidate.exists():
                    continue
                os.replace(tmp, candidate)
            return candidate
        raise IngestError(f"too many uploads named '{safe}': rename the file")
    finally:
        tmp.unlink(missing_ok=True)


def earlier_upload(name: str, uploads_dir: Path) -> Path | None:
    """The earlier upload a file uploaded as ``name`` is a new version of: the plain file
    (not a link, not a folder) of its safe name directly in ``uploads_dir``; None when
    there is none, or the name is unusable (:func:`save_upload` says why)."""
    try:
        safe = safe_filename(name)
    except IngestError:
        return None
    root = uploads_dir.resolve()
    candidate = root / safe
    if candidate.parent != root:  # cannot happen with a safe name; belt and braces
        return None
    try:
        return candidate if stat.S_ISREG(os.lstat(candidate).st_mode) else None
    except OSError:
        return None


def replace_upload(path: Path, name: str, uploads_dir: Path, *,
                   max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> tuple[Path, Path]:
    """Write the uploaded file at ``path`` over the earlier upload of its name
    (:func:`earlier_upload`), atomically: written to a temporary name in the uploads
    folder, then renamed over it. Returns (the file, the earlier version kept aside under
    a hidden name): :func:`restore_upload` puts that back (the new one was refused, or
    indexing failed); delete it once the index has the new one. IngestError when the
    uploads folder holds no plain file of that name: only an earlier upload is replaced."""
    safe = check_upload(path, name, max_bytes)
    target = earlier_upload(safe, uploads_dir)
    if target is None:
        raise IngestError(f"'{safe}': no earlier upload of that name to replace")
    root = target.parent
    tmp = _write_temporary(path, root)
    # hidden (never indexed), named after the upload: a chat stopped before the index had
    # the new version puts this one back at its next start (ui.removal.recover_replacements)
    backup = root / f".replaced-{uuid.uuid4().hex}-{target.name}"
    try:
        try:
            os.link(target, backup)
        except OSError:  # no hard links here
            shutil.copy2(target, backup)
        os.replace(tmp, target)
    except BaseException:
        backup.unlink(missing_ok=True)
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return target, backup


def restore_upload(path: Path, backup: Path) -> None:
    """Put the earlier upload :func:`replace_upload` kept aside back in place of ``path``."""
    os.replace(backup, path)


def upload_names(uploads_dir: Path) -> list[str]:
    """The uploads in ``uploads_dir`` by name: its plain files (not links, not folders,
    not hidden ones) of a type the chat takes, in name order; none when it is missing."""
    try:
        entries = list(uploads_dir.iterdir())
    except OSError:
        return []
    names = []
    for p in entries:
        if p.name.startswith(".") or p.suffix.lower() not in ALLOWED_SUFFIXES:
            continue
        try:
            if stat.S_ISREG(os.lstat(p).st_mode):
                names.append(p.name)
        except OSError:
            continue
    return sorted(names)


def set_aside_upload(name: str, uploads_dir: Path) -> tuple[Path, Path]:
    """Take the upload named ``name`` (exactly: a plain file directly in ``uploads_dir``)
    out of the uploads folder: renamed to a hidden name there (``.removed-…``, with its
    suffix), which indexing skips.
    Returns (where it was, where it is now): :func:`restore_upload` puts it back (the index
    could not be built without it); delete it once the index no longer has it.
    IngestError when the uploads folder holds no upload of that name."""
    target = earlier_upload(name, uploads_dir) if name else None
    if target is None or target.name != name:
        if name and Path(name).name == name and not (uploads_dir / name).exists():
            # as a file name, it may be an upload removed meanwhile (from another tab)
            raise IngestError(f"'{name}' is not in the uploads folder: it was removed "
                              "already, or is not an upload")
        raise IngestError(f"'{name}' is not an upload: only files in the uploads folder "
                          "can be removed")
    # hidden, and of the upload's type: its text can still be read (for its title)
    backup = target.parent / f".removed-{uuid.uuid4().hex}{target.suffix}"
    os.replace(target, backup)
    return target, backup


def why_not_indexed(exc: Exception) -> str:
    """What stopped the index from taking uploads (or letting one go), as the status line
    says it: a QAError's own message, or the OSError of a full disk or a read-only index
    folder."""
    if isinstance(exc, OSError):
        return f"the index could not be written ({exc.strerror or exc})"
    return str(exc)

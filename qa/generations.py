"""The generation folders of an index: their names, what they hold, and which of them a
build may remove.

A build writes each index as a new generation folder beside the live one and names it in
CURRENT (see :mod:`qa.index`). A build removes only folders it wrote (a generation's name
and nothing in them but a generation's files), never a folder of the user's that happens
to be called ``gen-…``.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
import uuid
from pathlib import Path

logger = logging.getLogger(__name__)

#: The name of a generation folder ('gen-20261202024518-6ceb5a1a': when, and a random tag).
GENERATION_NAME = re.compile(r"gen-\d{14}-[0-9a-f]{8}")
#: What a generation holds: its data files (the manifest holds a checksum of each), the
#: manifest, and the BM25 cache (a folder).
DATA_FILES = ("passages.sqlite", "vectors.npy", "dense.faiss")
BM25_CACHE = "bm25"
_GENERATION_FILES = frozenset({*DATA_FILES, "passages.sqlite-journal", "manifest.json",
                               BM25_CACHE})


def new_generation_name() -> str:
    # UTC: the names sort in the order they were written whatever the clock's time zone
    return f"gen-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"


#: Temporary names a build or a cache write uses inside a generation.
_TEMPORARY = re.compile(r"\.bm25\.(?:tmp|old)-[0-9a-f]{8}|\.manifest\.json\.[0-9a-f]{32}\.tmp")
_CACHE_FILE = re.compile(r"[\w.-]+\.(?:json|npy|npz)")


def is_built_generation(path: Path) -> bool:
    """Whether ``path`` is a generation folder a build wrote: its name, and nothing in it
    that a build does not write (its files as files, the BM25 cache as a folder of cache
    files, temporary names), so that removing it removes nothing of the user's."""
    if not (path.is_dir() and not path.is_symlink() and GENERATION_NAME.fullmatch(path.name)):
        return False
    try:
        return all(_written_by_a_build(entry) for entry in path.iterdir())
    except OSError:
        return False


def _written_by_a_build(entry: Path) -> bool:
    if entry.is_symlink():
        return False
    if entry.name == BM25_CACHE or (_TEMPORARY.fullmatch(entry.name) and entry.is_dir()):
        return entry.is_dir() and all(  # the cache: files bm25s and qa write, no folders
            f.is_file() and not f.is_symlink() and _CACHE_FILE.fullmatch(f.name)
            for f in entry.iterdir())
    return entry.is_file() and (entry.name in _GENERATION_FILES
                                or bool(_TEMPORARY.fullmatch(entry.name)))


def newest_complete_generation(index_dir: Path) -> Path | None:
    """The newest generation in ``index_dir`` that a build finished writing (it has its
    manifest); None when there is none."""
    complete = sorted(d for d in index_dir.glob("gen-*") if is_built_generation(d)
                      and (d / "manifest.json").is_file())
    return complete[-1] if complete else None


_WARNED: set[tuple[Path, str, str]] = set()


def warn_once(index_dir: Path, generation: Path, why: str = "it has no CURRENT file"
              ) -> None:
    """Warn, once per folder, generation and reason, that ``generation`` is used in
    ``index_dir`` because of ``why`` (no CURRENT, or a damaged one)."""
    key = (index_dir.resolve(), generation.name, why)
    if key not in _WARNED:
        _WARNED.add(key)
        logger.warning("%s: %s; using its newest complete generation, %s (the next qa "
                       "index names it)", index_dir, why, generation.name)


def remove_leftover_generations(index_dir: Path, keep: Path | None,
                                keep_complete: bool = False) -> None:
    """Remove the generations a stopped build left in ``index_dir``, all but ``keep``;
    folders a build did not write stay. ``keep_complete``: complete generations (with
    their manifest) stay too, for when ``keep`` was not named by a sound CURRENT (the
    one CURRENT named may be among them)."""
    for d in index_dir.glob("gen-*"):
        if d != keep and is_built_generation(d) and not (
                keep_complete and (d / "manifest.json").is_file()):
            shutil.rmtree(d, ignore_errors=True)


#: How the index folder was chosen, for messages that say how to choose another: the
#: ``--index`` option (or ``QAPipeline(index_dir)``), or ``$QA_INDEX_DIR``.
BY_OPTION = "--index"
BY_ENVIRONMENT = "$QA_INDEX_DIR"


def _choose_another(named_by: str) -> str:
    return ("set $QA_INDEX_DIR to another folder" if named_by == BY_ENVIRONMENT
            else f"choose another with {named_by}")


def a_file_not_a_folder(path: Path, named_by: str = BY_OPTION) -> str:
    """What to say when the index folder ``path`` (chosen with ``named_by``) is a file."""
    whence = f" (from {named_by})" if named_by == BY_ENVIRONMENT else ""
    return (f"the index folder {path}{whence} is a file, not a folder: "
            f"{_choose_another(named_by)}")


def cannot_write(path: Path, exc: OSError, named_by: str = BY_OPTION) -> str:
    """Why the index folder ``path`` cannot be written, and what to do."""
    if path.exists() and not path.is_dir():
        return a_file_not_a_folder(path, named_by)
    how = ("set $QA_INDEX_DIR to a folder you can write to" if named_by == BY_ENVIRONMENT
           else "choose a folder you can write to with --index (or $QA_INDEX_DIR)")
    return f"cannot write the index at {path} ({exc.strerror or exc}): {how}"

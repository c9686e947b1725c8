"""What an index's manifest must hold, and the messages that say what is wrong with an
index folder and how to mend it (:mod:`qa.index` reads and writes the index itself)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from qa.checks import check_threshold, check_top_k
from qa.chunk import ChunkSettings
from qa.config import default_index_dir, env_index_dir
from qa.errors import ConfigError
from qa.generations import GENERATION_NAME, a_file_not_a_folder

#: The FAISS index types an index may be built as: exact, or approximate (large corpora).
INDEX_TYPES = ("flat", "hnsw")


def rebuild_hint(path: Path, articles_needed: bool = False) -> str:
    """How to rebuild the index at ``path``; ``articles_needed`` when the index's record of
    what it was built from is what is damaged, so a rebuild must be told."""
    if articles_needed:
        return (f"Rebuild it with: qa index --rebuild --index {path} ARTICLES… (the folders "
                "and files it held: its record of them is lost too)")
    return f"Rebuild it with: qa index --rebuild --index {path} [ARTICLES…]"


def _holds_articles(folder: Path, look_at: int = 2000) -> bool:
    """Whether ``folder`` holds files that qa indexes (the first ``look_at`` entries of its
    tree are looked at)."""
    from qa.ingest import SUPPORTED_SUFFIXES

    seen = 0
    try:
        for _root, _dirs, files in os.walk(folder):
            for name in files:
                if Path(name).suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("."):
                    return True
                seen += 1
            seen += 1
            if seen > look_at:
                return False
    except OSError:
        return False
    return False


def manifest_problem(manifest: dict[str, Any]) -> str | None:
    """What is wrong with a current-format manifest's structure, or None."""
    if not isinstance(manifest.get("dimension"), int) or manifest["dimension"] < 1:
        return "no valid 'dimension'"
    documents = manifest.get("documents")
    if not isinstance(documents, dict) or not all(
        isinstance(d, dict) and isinstance(d.get("hash"), str) for d in documents.values()
    ):
        return "no valid 'documents'"
    problem = _build_problem(manifest)
    if problem:
        return problem
    files = manifest.get("files", {})
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return "no valid 'files'"
    sources = manifest.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(v, str) for v in sources):
        return "'sources' is not a list of paths"
    settings = manifest.get("settings", {})
    if not isinstance(settings, dict):
        return "'settings' is not an object"
    for key, check, what in (("threshold", check_threshold, "a number between 0 and 1"),
                             ("top_k", check_top_k, "a whole number from 1 to 50")):
        value = settings.get(key)
        try:
            if value is not None:
                check(value)  # what answering accepts as given is what may be stored
        except ConfigError:
            return f"the stored {key} {value!r} is not {what}"
    if not isinstance(settings.get("answer_types", True), bool):
        return "the stored answer_types is not true or false"
    return None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _build_problem(manifest: dict[str, Any]) -> str | None:
    """What is wrong with how the manifest says the index was built (its passage length
    and overlap, passage count and index type), or None: `qa info` reports them, and a
    refresh builds with them."""
    problem = chunking_problem(manifest)
    if problem:
        return problem
    if not _whole(manifest.get("passages")) or manifest["passages"] < 0:
        return f"the stored passage count {manifest.get('passages')!r} is not a whole number"
    return index_type_problem(manifest)


def chunking_problem(manifest: dict[str, Any]) -> str | None:
    """What is wrong with the passage length and overlap the manifest records, or None."""
    chunking = manifest.get("chunking")
    if not isinstance(chunking, dict):
        return "no valid 'chunking'"
    for key in ("max_words", "overlap_words"):
        if not _whole(chunking.get(key)):
            return f"the stored {key} {chunking.get(key)!r} is not a whole number"
    try:
        ChunkSettings(chunking["max_words"], chunking["overlap_words"])
    except ConfigError as exc:  # what `qa index` refuses as given may not be stored
        return f"the stored {exc}"
    return None


def index_type_problem(manifest: dict[str, Any]) -> str | None:
    """What is wrong with the index type the manifest records (none recorded: flat), or
    None."""
    if manifest.get("index_type", "flat") not in INDEX_TYPES:
        return (f"the stored index type {manifest['index_type']!r} is not one of "
                f"{', '.join(INDEX_TYPES)}")
    return None


def manifest_stamp(generation: Path | None) -> tuple[int, int] | None:
    """Which file ``generation``'s manifest is, and when it was written (a rewrite replaces
    the file); None when it cannot be told."""
    try:
        info = (generation / "manifest.json").stat() if generation else None
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns) if info else None


def same_contents(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether a build's manifest describes the very index already live (then the build
    writes nothing, and the live generation keeps its caches)."""
    keys = ("format_version", "embedding_model", "dimension", "chunking", "chunker",
            "index_type", "documents", "passages", "sources")
    return all(old.get(k) == new.get(k) for k in keys)


def index_of_generation(path: Path) -> Path | None:
    """The index whose generation folder ``path`` is (it holds a manifest, and is named
    like a generation or sits beside a CURRENT pointer), else None."""
    parent = path.absolute().parent
    if (path / "manifest.json").is_file() and (
            GENERATION_NAME.fullmatch(path.name) or (parent / "CURRENT").is_file()):
        return path.parent if path.name else parent
    return None


def no_index_message(path: Path, named_by: str) -> str:
    """Why there is no index at this folder, and what to do: a file; one generation of
    an index (use the index's folder); a folder of articles (index them into another
    folder); else how to build one here."""
    if path.exists() and not path.is_dir():
        return a_file_not_a_folder(path, named_by)
    index = index_of_generation(path)
    if index is not None:
        return (f"{path} is not an index: that is one generation of the index {index}: "
                f"use --index {index}")
    if _holds_articles(path):
        return (f"{path} holds articles, not an index: build one with qa index {path} "
                f"--index {path}-index (an index needs a folder of its own), then use "
                f"--index {path}-index")
    # the default folder (an installed qa's ~/.local/share/qa/index) needs no --index
    option = "" if env_index_dir() is None and path == default_index_dir() else f" --index {path}"
    return (f"no index at {path}. Build one with: qa index{option} "
            f"ARTICLES… (in Python: QAPipeline('{path}').build([ARTICLES…]))")

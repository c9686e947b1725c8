"""What an index is built from: the folders and files given to a build, as sets of places.

Each place counts once however it is spelled (``notes``, ``./notes/``, ``~/notes``), and a
place inside another is part of it: these rules decide what a build reads, what it records
and what it says it no longer indexes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from qa.ingest import IngestReport, hidden_note

logger = logging.getLogger(__name__)

__all__ = ["dropped_sources", "merged_sources", "nothing_read", "unique_roots"]


def unique_roots(paths: Iterable[str | Path]) -> list[Path]:
    """``paths`` in order, each folder or file once, however it is spelled."""
    roots: list[Path] = []
    for p in paths:
        root = Path(p).expanduser()
        if root.resolve() not in {r.resolve() for r in roots}:
            roots.append(root)
    return roots


def dropped_sources(before: Sequence[Path], roots: Sequence[Path]) -> list[Path]:
    """The recorded sources ``before`` that a build of ``roots`` no longer indexes: a
    source equal to or inside a root is indexed still (built from m/a, then m)."""
    given = [r.resolve() for r in roots]
    return [p for p in before if not any(p.resolve().is_relative_to(root) for root in given)]


def merged_sources(sources: Sequence[Path], paths: Sequence[str | Path]) -> list[Path]:
    """``sources`` and the added ``paths``, each place once: a path inside a folder already
    indexed adds nothing (it would be read twice, a duplicate at every build), and an added
    folder takes the place of the sources inside it."""
    merged = list(sources)
    for path in map(Path, paths):
        where = path.expanduser().resolve()
        holder = next((s for s in merged if where == s.resolve() or (
            s.is_dir() and where.is_relative_to(s.resolve()))), None)
        if holder is not None:
            logger.info("%s is indexed already, as part of %s", path, holder)
            continue
        if where.is_dir():
            inside = [s for s in merged if s.resolve().is_relative_to(where)]
            for s in inside:
                logger.info("%s is indexed as part of %s from now on", s, path)
            merged = [s for s in merged if s not in inside]
        merged.append(path)
    return merged


def nothing_read(roots: Sequence[Path], report: IngestReport, index_exists: bool) -> str:
    """Why a build read no article: three of the files skipped and a count of the rest
    (the log's warnings named each), the hidden files left out, and what was left as it
    was; and which files to give, when some were of a type not read or none were found."""
    where = ", ".join(map(str, roots))
    shown = [f"{path}: {reason}" for path, reason in report.skipped[:_SHOWN]]
    if len(report.skipped) > _SHOWN:
        shown.append(f"{len(report.skipped) - _SHOWN} more skipped")
    if report.hidden:  # ('qa index .draft.md' read nothing: say why)
        shown.append(hidden_note(report.hidden))
    why = "; ".join(shown) or "no files found"
    left = "the index was left unchanged" if index_exists else "no index was written"
    other_types = not report.skipped or any(
        reason.startswith("unsupported file type") for _, reason in report.skipped)
    hint = " Give folders or .txt/.md/.html/.pdf files." if other_types else ""
    return f"no article could be read from {where} ({why}); {left}.{hint}"


#: The skipped files named when nothing could be read (the log names each).
_SHOWN = 3

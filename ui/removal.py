"""Taking back an article uploaded from the chat: its file leaves the uploads folder and
the index is built again from what it was built from, which no longer holds it. Nothing is
lost when that fails: the file is put back, and the index stays as it was.

Only a file in the uploads folder is removed, and only where that folder holds uploads
alone (``ChatService._uploads_alone``): an uploads folder that is the corpus, or inside a
folder the index is built from, holds the user's own articles, which the chat never
deletes."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from qa.errors import QAError
from qa.ingest import read_document
from qa.pipeline import QAPipeline
from qa.text import counted
from ui.uploads import restore_upload, set_aside_upload, upload_names, why_not_indexed

logger = logging.getLogger(__name__)

#: Why removal is refused where the uploads folder holds more than uploads.
NOT_ALONE = ("uploads are not removed here: the uploads folder is part of the folders the "
             "index is built from, where files are your own articles. Delete the file "
             "there and index again")


def remove_upload(pipeline: QAPipeline, uploads_dir: Path, name: str, *,
                  alone: bool, max_bytes: int) -> tuple[bool, str]:
    """Remove the upload named ``name`` from ``uploads_dir`` and from the index; (whether
    it was removed, a status line). ``alone``: whether the uploads folder holds uploads
    alone; where it does not, nothing is removed. The caller keeps other uploads and
    removals out meanwhile (``ChatService``'s upload lock)."""
    if not alone:
        return False, NOT_ALONE
    if not name:
        return False, ("choose an uploaded article to remove" if upload_names(uploads_dir)
                       else "there is no uploaded article to remove")
    try:
        path, aside = set_aside_upload(name, uploads_dir)
    except QAError as exc:
        return False, str(exc)
    except OSError as exc:
        return False, f"'{name}' could not be removed: {exc.strerror or exc}"
    title = _indexed_title(pipeline, aside, max_bytes)
    try:
        pipeline.add_documents()
    except (QAError, OSError) as exc:  # OSError: a full disk, a read-only index folder
        restore_upload(path, aside)
        why = why_not_indexed(exc)
        logger.warning("removing the upload %s failed: %s", path, why)
        return False, f"'{name}' was not removed, it is still indexed: {why}"
    aside.unlink(missing_ok=True)
    held = _article_count(pipeline)
    what = f"removed '{name}'" + (f" ({title})" if title else "")
    return True, f"{what}: the index holds {counted(held, 'article')}"


def recover_removals(uploads_dir: Path, documents: dict[str, Any], max_bytes: int) -> None:
    """Finish what a chat stopped in the middle of a removal left: an upload set aside
    (``.removed-…``) that the index still holds goes back under its name (the removal did
    not happen); one the index no longer holds is deleted (it did). ``documents``: the
    index's manifest documents. Call only where the uploads folder holds uploads alone."""
    for aside in sorted(uploads_dir.glob(".removed-*")):
        content_hash = _content_hash(aside, max_bytes)
        if content_hash is None:
            logger.warning("left %s in place: an upload set aside by a removal the chat did "
                           "not finish, which cannot be read", aside)
            continue
        found = _find(documents, content_hash)
        if found is None:
            aside.unlink(missing_ok=True)
            logger.info("deleted %s: an upload whose removal had finished", aside)
            continue
        doc_id = found[0]  # its file name, or qualified ('uploads/notes.md')
        back = uploads_dir / Path(doc_id).name
        if back.exists():
            logger.warning("left %s in place: the index still holds it as '%s', and %s "
                           "is taken", aside, doc_id, back)
            continue
        os.replace(aside, back)
        logger.warning("put back %s: the chat stopped while removing it, before the index "
                       "was built without it", back)


_REPLACED = re.compile(r"\.replaced-[0-9a-f]{32}-(?P<name>.+)")


def recover_replacements(uploads_dir: Path, documents: dict[str, Any], max_bytes: int) -> None:
    """Finish what a chat stopped in the middle of replacing an upload left: the earlier
    version kept aside (``.replaced-…-NAME``) goes back in place of NAME when the index
    still holds it (the new version was never indexed, and the page never said
    "replaced"); it is deleted when the index no longer holds it (the replacement was
    indexed). ``documents``: the index's manifest documents. Call only where the uploads
    folder holds uploads alone."""
    for aside in sorted(uploads_dir.glob(".replaced-*")):
        named = _REPLACED.fullmatch(aside.name)
        content_hash = _content_hash(aside, max_bytes) if named else None
        if named is None or content_hash is None:
            logger.warning("left %s in place: an earlier upload kept aside by a replacement "
                           "the chat did not finish, which cannot be read", aside)
            continue
        back = uploads_dir / named.group("name")
        if _find(documents, content_hash) is None:
            aside.unlink(missing_ok=True)
            logger.info("deleted %s: an earlier upload whose replacement had finished", aside)
            continue
        os.replace(aside, back)
        logger.warning("put back the earlier %s: the chat stopped while replacing it, before "
                       "the index had the new version", back)


def _content_hash(path: Path, max_bytes: int) -> str | None:
    """The hash the index keeps of the text of the file at ``path``; None when it cannot
    be read."""
    try:
        return read_document(path, path.name, max_bytes).content_hash
    except (QAError, OSError):
        return None


def _find(documents: dict[str, Any], content_hash: str) -> tuple[str, dict[str, Any]] | None:
    """(id, manifest entry) of the indexed document of that text; None when there is none."""
    for doc_id, meta in documents.items():
        if meta.get("hash") == content_hash:
            return doc_id, meta
    return None


def _indexed_title(pipeline: QAPipeline, path: Path, max_bytes: int) -> str | None:
    """The title the index has for the upload at ``path`` (found by its text: its id may
    be qualified, 'uploads/notes.md'); None when the index does not have it."""
    try:
        documents = pipeline.index.manifest.get("documents", {})
    except QAError:
        return None
    content_hash = _content_hash(path, max_bytes)
    found = None if content_hash is None else _find(documents, content_hash)
    return None if found is None else str(found[1].get("title") or found[0])


def _article_count(pipeline: QAPipeline) -> int:
    try:
        return len(pipeline.index.manifest.get("documents", {}))
    except QAError:
        return 0

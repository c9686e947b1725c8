"""What a build reuses from the previous index: the passages and vectors of the articles
it still holds (under their own names, or renamed or moved), and the count of what was
embedded, kept, renamed and removed (:class:`BuildStats`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.chunk import CHUNKER_VERSION, ChunkSettings, chunk_document
from qa.embed import Embedder
from qa.text import counted
from qa.types import Document, Passage

if TYPE_CHECKING:
    from qa.index import LoadedIndex

logger = logging.getLogger(__name__)


@dataclass
class BuildStats:
    documents: int = 0
    passages: int = 0
    embedded_documents: list[str] = field(default_factory=list)
    #: articles whose passages and vectors were reused: the text their id had (or a text
    #: the previous index still holds under another id, e.g. a copy)
    reused_documents: list[str] = field(default_factory=list)
    removed_documents: list[str] = field(default_factory=list)
    #: articles the previous index did not hold under their id and whose text it did not
    #: hold either (new, or renamed and edited); empty when there was no previous index
    added_documents: list[str] = field(default_factory=list)
    #: (old id, new id) of articles renamed or moved: their vectors were reused. Two files
    #: that swapped their texts are two of them (each text has another id now)
    renamed_documents: list[tuple[str, str]] = field(default_factory=list)
    embedded_passages: int = 0
    seconds: float = 0.0
    #: folders and files the index was built from before that this build left out (the
    #: index holds exactly the paths a build is given; QAPipeline.add_documents adds)
    dropped_sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def assemble(documents: Sequence[Document], embedder: Embedder,
             chunking: ChunkSettings, previous: LoadedIndex | None,
             progress: bool) -> tuple[BuildStats, list[Passage], np.ndarray]:
    """The passages and vectors of ``documents``: an article whose text the previous
    index holds (under its id, or another: renamed, moved) keeps its passages and
    vectors; any other is chunked, and only passages whose text the previous index
    lacks are embedded (an edit re-embeds the passages it touched)."""
    stats = BuildStats(documents=len(documents))
    old_docs = previous.manifest["documents"] if previous else {}
    old_rows: dict[str, list[int]] = {}
    by_text: dict[str, int] = {}
    if previous:
        for row, p in enumerate(previous.passages):
            old_rows.setdefault(p.doc_id, []).append(row)
            by_text.setdefault(p.text, row)
    # passages cut by another chunker (CHUNKER_VERSION) are cut again, not reused whole
    same_cuts = previous is not None and previous.manifest.get("chunker", 1) == CHUNKER_VERSION
    by_hash = {info["hash"]: doc_id for doc_id, info in old_docs.items()
               if doc_id in old_rows}
    # an id holding a text that another id held and no longer holds (that one is removed,
    # or holds another text now: two files swapped their texts, one was moved over another)
    # was renamed or moved (new id -> old id)
    new_hashes = {d.doc_id: d.content_hash for d in documents}
    gone = set(old_docs) - set(new_hashes)
    left_by_hash: dict[str, list[str]] = {}
    for doc_id in sorted(old_docs):
        if new_hashes.get(doc_id) != old_docs[doc_id]["hash"]:
            left_by_hash.setdefault(old_docs[doc_id]["hash"], []).append(doc_id)
    renamed_from: dict[str, str] = {}
    for doc in documents:
        left = left_by_hash.get(doc.content_hash)
        if left and old_docs.get(doc.doc_id, {}).get("hash") != doc.content_hash:
            renamed_from[doc.doc_id] = left.pop(0)
    # per article: its passages, and for each the previous index's row (None: embed it)
    parts: list[tuple[Document, list[Passage], list[int | None]]] = []
    to_embed: list[Passage] = []
    for doc in documents:
        own = old_docs.get(doc.doc_id)  # the article's own id first, then its text
        same = (doc.doc_id if own and own["hash"] == doc.content_hash
                and doc.doc_id in old_rows else by_hash.get(doc.content_hash))
        if same is not None and same_cuts:  # passages and vectors as they are
            rows: list[int | None] = list(old_rows[same])
            chunks = [previous.passages[r] for r in old_rows[same]]  # type: ignore[union-attr]
        else:  # cut (again); passages whose text the previous index holds keep vectors
            chunks = chunk_document(doc, chunking)
            rows = [by_text.get(c.text) for c in chunks]
            to_embed.extend(c for c, r in zip(chunks, rows) if r is None)
        parts.append((doc, chunks, rows))
        if None in rows:
            stats.embedded_documents.append(doc.doc_id)
        elif doc.doc_id in renamed_from:
            stats.renamed_documents.append((renamed_from[doc.doc_id], doc.doc_id))
        else:
            stats.reused_documents.append(doc.doc_id)
    stats.removed_documents = sorted(gone - set(renamed_from.values()))
    if previous is not None:
        stats.added_documents = [d for d in stats.embedded_documents if d not in old_docs]
    if to_embed:  # nothing new: the embedding model need not even load
        logger.info("embedding %s of %s (%d unchanged, %d removed)",
                    counted(len(to_embed), "passage"),
                    counted(len(stats.embedded_documents), "article"),
                    len(stats.reused_documents), len(stats.removed_documents))
    new_vectors = iter(embedder.encode([p.text for p in to_embed], progress=progress)
                       if to_embed else ())
    stats.embedded_passages = len(to_embed)
    if to_embed:
        _warn_of_cut_passages(embedder, to_embed, chunking)
    passages: list[Passage] = []
    rows_out: list[np.ndarray] = []
    for doc, chunks, rows in parts:
        for p, old_row in zip(chunks, rows):  # the id and title as read now (not hashed)
            rows_out.append(next(new_vectors) if old_row is None
                            else previous.vectors[old_row])  # type: ignore[union-attr]
            passages.append(Passage(doc.doc_id, doc.title, p.text, p.start, p.end,
                                    len(passages)))
    vectors = (np.stack(rows_out).astype(np.float32) if rows_out
               else np.zeros((0, embedder.dimension), dtype=np.float32))
    stats.passages = len(passages)
    return stats, passages, vectors


def _warn_of_cut_passages(embedder: Embedder, embedded: Sequence[Passage],
                          chunking: ChunkSettings) -> None:
    """One warning when passages embedded are longer than the embedding model reads:
    passages are cut by words, the model reads tokens, and a token-dense passage (another
    script, code, addresses) has more of them than its words."""
    over = embedder.count_over_limit([p.text for p in embedded])
    if over:
        logger.warning(
            "%d of the %d passages embedded are longer than the embedding model reads (%s "
            "tokens): their ends do not shape their vectors, so what those ends say is "
            "found by keyword search only. To embed passages whole, index with shorter "
            "ones: qa index --max-words N [--index DIR], N under %d", over, len(embedded),
            embedder.max_tokens, chunking.max_words)


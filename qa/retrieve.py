"""Retrieval: dense (FAISS), keyword (BM25) and their reciprocal rank fusion."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.embed import Embedder
from qa.text import CJK, unify
from qa.types import Passage, Retrieved

logger = logging.getLogger(__name__)

CACHE_KEY_FILE = "qa-cache-key.json"

#: Reciprocal rank fusion's k, and how much a BM25 rank counts against a dense one. Chosen
#: on 2,000 questions of the reader's held-out SQuAD articles over all 442 training articles
#: (18,538 passages): recall@1 / @5 66.5 / 89.0 % with k 60 and equal weights, 69.7 / 90.1
#: with these (a plateau: BM25 weight 1.25-1.75, k 5-10 all within 0.7 of it).
RRF_K = 10
BM25_WEIGHT = 1.5


class Retriever(Protocol):
    def retrieve(self, query: str, top_k: int) -> list[Retrieved]: ...


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[int]], k: int = RRF_K,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[int, float, dict[str, int]]]:
    """Fuse ranked id lists: score(id) = sum over lists of weight / (k + rank), rank from
    1, weight 1 for a list that ``weights`` does not name.

    Returns (id, score, {list name: rank}) best first; ties keep first-seen order.
    """
    scores: dict[int, float] = {}
    ranks: dict[int, dict[str, int]] = {}
    for name, ranking in rankings.items():
        weight = (weights or {}).get(name, 1.0)
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
            ranks.setdefault(item, {})[name] = rank
    order = sorted(scores, key=lambda i: -scores[i])
    return [(i, scores[i], ranks[i]) for i in order]


class DenseRetriever:
    """Inner product over normalized vectors in a FAISS index."""

    def __init__(self, passages: Sequence[Passage], faiss_index: Any, embedder: Embedder):
        self.passages = passages
        self.index = faiss_index
        self.embedder = embedder

    def search(self, query_vector: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        k = min(top_k, self.index.ntotal)
        if k <= 0:
            return []
        scores, ids = self.index.search(query_vector.reshape(1, -1).astype(np.float32), k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def retrieve(self, query: str, top_k: int) -> list[Retrieved]:
        hits = self.search(self.embedder.encode([query])[0], top_k)
        return [Retrieved(self.passages[i], s, {"dense": r}) for r, (i, s) in enumerate(hits, 1)]


class BM25Retriever:
    """Okapi BM25 (bm25s) over the passages, English stop words and Snowball stemming.

    With ``cache_dir``, the built index is saved there and loaded on the next start
    (18,538 passages: about 2 s to build): the folder must belong to these passages only,
    such as the index generation they were read from. A cache that does not match the
    passages, or cannot be read or written, is ignored and the index built as usual.
    """

    def __init__(self, passages: Sequence[Passage], cache_dir: Path | None = None):
        import bm25s

        # bm25s sets its logger to DEBUG when imported: let the application's level decide
        logging.getLogger("bm25s").setLevel(logging.NOTSET)
        self.passages = passages
        self._stemmer = _stemmer()
        self._bm25 = bm25s.BM25()
        self._empty = True  # no passage has a keyword: every search finds nothing
        if not passages:
            return
        key = _cache_key(passages, self._stemmer is not None)
        cached = _load_cache(cache_dir, key) if cache_dir else None
        if cached is not None:
            self._bm25, self._empty = cached, False
            return
        tokens = bm25s.tokenize([bm25_text(p.text) for p in passages], stopwords="en",
                                stemmer=self._stemmer, show_progress=False)
        if not tokens.vocab:
            # Only stop words, emoji or lone CJK characters ('To be or not to be.'): bm25s
            # cannot index that (max() of an empty sequence); dense retrieval answers alone.
            logger.info("no passage has a keyword for BM25: keyword search finds nothing")
            return
        self._bm25.index(tokens, show_progress=False)
        self._empty = False
        if cache_dir:
            _save_cache(self._bm25, cache_dir, key)

    def search(self, query: str, top_k: int) -> list[tuple[int, float]]:
        import bm25s

        k = min(top_k, len(self.passages))
        if k <= 0 or self._empty:
            return []
        q = bm25s.tokenize([bm25_text(query)], stopwords="en", stemmer=self._stemmer,
                           return_ids=False, show_progress=False)
        if not q or not q[0]:
            return []
        ids, scores = self._bm25.retrieve(q, k=k, show_progress=False)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if s > 0]

    def retrieve(self, query: str, top_k: int) -> list[Retrieved]:
        hits = self.search(query, top_k)
        return [Retrieved(self.passages[i], s, {"bm25": r}) for r, (i, s) in enumerate(hits, 1)]


def _cache_key(passages: Sequence[Passage], stemmed: bool) -> dict[str, Any]:
    """What a saved BM25 index must have been built from to serve these passages."""
    import bm25s

    digest = hashlib.sha256()
    for p in passages:
        digest.update(p.text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return {"passages": len(passages), "sha256": digest.hexdigest(), "stemmed": stemmed,
            "stopwords": "en", "bm25s": bm25s.__version__, "text": BM25_TEXT_VERSION}


#: What :func:`bm25_text` does, in the cache key: a cache built otherwise is rebuilt.
BM25_TEXT_VERSION = "unify+cjk-bigrams-2"
#: Runs of Chinese characters and Japanese kana, which no spaces part into words.
_CJK_RUN = re.compile(f"[{CJK}]+")


def _bigrams(run: re.Match[str]) -> str:
    chars = run.group(0)  # one character alone stays: bm25s drops it as too short
    return " " + " ".join(chars[i:i + 2] for i in range(max(len(chars) - 1, 1))) + " "


def bm25_text(text: str) -> str:
    """The text BM25 tokenizes: in one Unicode form (:func:`qa.text.unify`; an article's
    decomposed 'Brasília' must meet the one a keyboard types), with each run of Chinese
    or Japanese characters as its overlapping character pairs ('毎年五月' -> '毎年 年五
    五月'), the usual way to give keyword search words where no spaces mark them."""
    return _CJK_RUN.sub(_bigrams, unify(text))


def _load_cache(cache_dir: Path, key: dict[str, Any]) -> Any | None:
    import bm25s

    try:
        stored = json.loads((cache_dir / CACHE_KEY_FILE).read_text(encoding="utf-8"))
        if stored != key:
            logger.info("the BM25 cache in %s is for other passages: rebuilding", cache_dir)
            return None
        return bm25s.BM25.load(str(cache_dir), show_progress=False)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - any damage: build it again
        logger.info("the BM25 cache in %s cannot be read (%s): rebuilding", cache_dir, exc)
        return None


def _save_cache(bm25: Any, cache_dir: Path, key: dict[str, Any]) -> None:
    """Write to a temporary folder, then rename it into place, moving an outdated cache
    aside first (another process may win). Never creates the folder the cache goes in (a
    generation a new build removed)."""
    if not cache_dir.parent.is_dir():
        logger.debug("BM25 cache not saved: %s is gone", cache_dir.parent)
        return
    tag = uuid.uuid4().hex[:8]
    tmp = cache_dir.with_name(f".{cache_dir.name}.tmp-{tag}")
    old = cache_dir.with_name(f".{cache_dir.name}.old-{tag}")
    try:
        bm25.save(str(tmp), show_progress=False)
        (tmp / CACHE_KEY_FILE).write_text(json.dumps(key), encoding="utf-8")
        if cache_dir.exists():  # for other passages, or another way of reading them
            os.rename(cache_dir, old)
        os.rename(tmp, cache_dir)
    except OSError as exc:  # read-only index, a deleted generation, or lost the race
        logger.debug("BM25 cache not saved in %s: %s", cache_dir, exc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _stemmer() -> Any:
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # pragma: no cover - PyStemmer is a dependency
        logger.warning("PyStemmer missing: BM25 runs without stemming")
        return None


class HybridRetriever:
    """Dense and BM25 candidates fused by (weighted) reciprocal rank fusion."""

    def __init__(self, dense: DenseRetriever, bm25: BM25Retriever, candidates: int = 50,
                 rrf_k: int = RRF_K, bm25_weight: float = BM25_WEIGHT):
        if candidates < 1 or rrf_k < 0 or bm25_weight < 0:
            raise ValueError("candidates must be positive, rrf_k and bm25_weight >= 0")
        self.dense = dense
        self.bm25 = bm25
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.weights = {"dense": 1.0, "bm25": bm25_weight}

    def retrieve(self, query: str, top_k: int, query_vector: np.ndarray | None = None
                 ) -> list[Retrieved]:
        if query_vector is None:
            query_vector = self.dense.embedder.encode([query])[0]
        n = max(self.candidates, top_k)
        rankings = {
            "dense": [i for i, _ in self.dense.search(query_vector, n)],
            "bm25": [i for i, _ in self.bm25.search(query, n)],
        }
        fused = reciprocal_rank_fusion(rankings, self.rrf_k, self.weights)[:top_k]
        return [Retrieved(self.dense.passages[i], s, r) for i, s, r in fused]

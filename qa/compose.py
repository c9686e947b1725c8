"""The answer from the readings of the retrieved passages: equal spans merged across
passages, the answer checks applied, the best answer kept above the threshold, and every
passage cited with where the answer sits in it (:class:`qa.pipeline.QAPipeline` calls it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qa.answer_type import admissible
from qa.metrics import normalize_text
from qa.reader import Reading, Span
from qa.text import has_words
from qa.types import Alternative, Answer, Retrieved, Source


def compose_answer(question: str, hits: Sequence[Retrieved], readings: Sequence[Reading],
                   threshold: float, timings: dict[str, float] | None = None, *,
                   answer_types: bool = True) -> Answer:
    """Merge spans across passages by normalized text; abstain under ``threshold``.

    A span's score is its calibrated confidence when the reader gives one, else its
    probability; an answer scores its best span. With ``answer_types``, spans of the wrong
    type for the question are left out (the next best span of a passage may then win), and
    so is a count of something other than the named thing a "how many" question counts,
    with the spans inside it.
    """
    merged: dict[str, dict[str, Any]] = {}
    for h_idx, (hit, reading) in enumerate(zip(hits, readings)):
        spans = (admissible(question, hit.passage.text, reading.spans) if answer_types
                 else reading.spans)
        for span in spans:
            key = _merge_key(span.text)
            if not key:
                continue
            score = _score(span)
            entry = merged.setdefault(key, {"text": "", "score": -1.0, "where": {}})
            if score > entry["score"]:
                entry["text"], entry["score"] = _one_line(span.text), score
            best_here = entry["where"].get(h_idx)
            if best_here is None or score > _score(best_here):
                entry["where"][h_idx] = span
    ranked = sorted(merged.values(), key=lambda e: -e["score"])
    # the score as the answer gives it (6 places) decides, as it does when `qa eval`
    # applies a threshold to answers given at 0: both answer or both abstain
    best = ranked[0] if ranked and round(ranked[0]["score"], 6) >= threshold else None
    sources = []
    for h_idx, hit in enumerate(hits):
        p = hit.passage
        found: Span | None = best["where"].get(h_idx) if best else None
        sources.append(Source(
            doc_id=p.doc_id, title=p.title, passage=p.text,
            passage_start=p.start, passage_end=p.end,
            answer_start=p.start + found.start if found else None,
            answer_end=p.start + found.end if found else None,
            retrieval_score=round(hit.score, 6),
            reader_score=round(_score(found), 6) if found else 0.0,
            retrieval_rank=h_idx + 1,
        ))
    sources.sort(key=lambda s: (not s.has_answer, -s.reader_score))
    alternatives = tuple(Alternative(e["text"], round(e["score"], 6))
                         for e in ranked[1 if best else 0 : 4])
    score = best["score"] if best else (ranked[0]["score"] if ranked else 0.0)
    return Answer(question, best["text"] if best else None, round(float(score), 6),
                  tuple(sources), alternatives,
                  {k: round(v, 2) for k, v in (timings or {}).items()})


def _merge_key(text: str) -> str:
    """What spans of one answer share: the normalized text ('O’Brien' and 'O'Brien' are
    one answer). A span that normalizes to nothing but has a letter or digit (an article:
    "got an A") is keyed by its casefolded words without punctuation, which no normalized
    key equals (those never consist of articles); a span of punctuation alone has none."""
    key = normalize_text(text)
    if key or not has_words(text):
        return key
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


#: A hyphen at a line's end between two words ('Vaughan-' then 'Hughes'): a text wrapped
#: at its hyphens, as word wrapping does ("Eleri Vaughan- Hughes" was the answer).
_WRAPPED_HYPHEN = re.compile(r"(?<=[^\W_])-[^\S\n]*\n\s*(?=[^\W_])")


def _one_line(text: str) -> str:
    """An answer as it is given: its runs of whitespace (a line break inside the span,
    a passage's double space) one space each, and none after a hyphen that ends a line
    ('Vaughan-\\nHughes' is 'Vaughan-Hughes'). Where it sits in its passage, as it is
    written there, is what the sources say."""
    return " ".join(_WRAPPED_HYPHEN.sub("-", text).split())


def _score(span: Span) -> float:
    return span.confidence if span.confidence is not None else span.score


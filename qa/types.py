"""Typed, frozen results. ``Answer.text is None`` means: not in the articles."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """An ingested article: ``doc_id`` is its path relative to the corpus root, under
    that root's name ('work/README.md') when another root has a file of that path.
    ``guessed_encoding`` names the encoding the file was read in when that was a guess (its
    bytes are not UTF-8 and declare none): 'Windows-1252' or 'Latin-1'; else None."""

    doc_id: str
    title: str
    text: str
    content_hash: str
    guessed_encoding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __repr__(self) -> str:  # the text shortened: a printed build result stays readable
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return (f"Document(doc_id={self.doc_id!r}, title={self.title!r}, text={text!r} "
                f"({len(self.text):,} chars), content_hash={self.content_hash[:12]!r}…"
                + (f", guessed_encoding={self.guessed_encoding!r}" if self.guessed_encoding
                   else "") + ")")


@dataclass(frozen=True)
class Passage:
    """A chunk of a document: ``document.text[start:end] == text``."""

    doc_id: str
    title: str
    text: str
    start: int
    end: int
    passage_id: int = -1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Retrieved:
    """A passage with its fused retrieval score and its rank in each retriever."""

    passage: Passage
    score: float
    ranks: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Source:
    """Where an answer comes from. Answer offsets are into the document, or None."""

    doc_id: str
    title: str
    passage: str
    passage_start: int
    passage_end: int
    answer_start: int | None
    answer_end: int | None
    retrieval_score: float
    reader_score: float = 0.0
    retrieval_rank: int = 0  # 1-based place in the retriever's ranking; 0 when unknown

    @property
    def has_answer(self) -> bool:
        return self.answer_start is not None

    def highlight(self) -> tuple[str, str, str]:
        """The passage split as (before, answer, after); answer empty when absent."""
        if self.answer_start is None or self.answer_end is None:
            return self.passage, "", ""
        a = self.answer_start - self.passage_start
        b = self.answer_end - self.passage_start
        return self.passage[:a], self.passage[a:b], self.passage[b:]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Alternative:
    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """The reply to a question. ``text is None``: the articles do not hold the answer."""

    question: str
    text: str | None
    score: float
    sources: tuple[Source, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def found(self) -> bool:
        return self.text is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "score": self.score,
            "sources": [s.to_dict() for s in self.sources],
            "alternatives": [a.to_dict() for a in self.alternatives],
            "timings_ms": dict(self.timings_ms),
        }

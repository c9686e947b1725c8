"""SQuAD-format data: loading, a by-article split, and no-answer example mining."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import DataError
from qa.metrics import normalize_answer


@dataclass(frozen=True)
class QAExample:
    """One question over one context. ``answer_start is None`` means: no answer here."""

    id: str
    title: str
    question: str
    context: str
    answers: tuple[str, ...] = field(default_factory=tuple)
    answer_start: int | None = None

    @property
    def answer_text(self) -> str | None:
        return self.answers[0] if self.answer_start is not None and self.answers else None


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: tuple[str, ...]
    examples: tuple[QAExample, ...]


def load_squad(path: str | Path) -> list[Article]:
    """Read a SQuAD v1.1/v2.0 JSON file into articles with their examples.

    Unanswerable (``is_impossible``) questions become examples with no answer.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"SQuAD file not found: {path}. Pass the path of a SQuAD-format JSON file.")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        data = raw["data"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise DataError(f"{path} is not a SQuAD-format JSON file ({exc}).") from exc
    articles = []
    for a_idx, art in enumerate(data):
        title = art.get("title", f"article-{a_idx}")
        paragraphs, examples = [], []
        for p_idx, para in enumerate(art["paragraphs"]):
            context = para["context"]
            paragraphs.append(context)
            for q_idx, qa in enumerate(para["qas"]):
                qid = qa.get("id") or f"{a_idx}-{p_idx}-{q_idx}"
                answers = qa.get("answers") or []
                if qa.get("is_impossible") or not answers:
                    examples.append(QAExample(qid, title, qa["question"], context))
                    continue
                examples.append(
                    QAExample(
                        qid,
                        title,
                        qa["question"],
                        context,
                        tuple(a["text"] for a in answers),
                        int(answers[0]["answer_start"]),
                    )
                )
        articles.append(Article(title, tuple(paragraphs), tuple(examples)))
    return articles


def split_by_article(
    articles: list[Article], n_val: int, seed: int
) -> tuple[list[Article], list[Article]]:
    """Hold out ``n_val`` whole articles, chosen by ``seed``; returns (train, val)."""
    if not 0 < n_val < len(articles):
        raise DataError(f"cannot hold out {n_val} of {len(articles)} articles")
    held = set(random.Random(seed).sample(range(len(articles)), n_val))
    train = [a for i, a in enumerate(articles) if i not in held]
    val = [a for i, a in enumerate(articles) if i in held]
    return train, val


def mine_negatives(
    articles: list[Article], ratio: float, seed: int
) -> list[QAExample]:
    """No-answer examples: a question paired with a paragraph that lacks its answer.

    For a ``ratio`` share of the answerable questions, one negative is made: half
    of them from another paragraph of the same article (on topic, the hard case a
    retriever produces) whose text does not contain any gold answer, half from a
    paragraph of another article.
    """
    rng = random.Random(seed)
    negatives: list[QAExample] = []
    n_articles = len(articles)
    for a_idx, art in enumerate(articles):
        for ex in art.examples:
            if ex.answer_start is None or rng.random() >= ratio:
                continue
            context = None
            if rng.random() < 0.5 and len(art.paragraphs) > 1:
                golds = [normalize_answer(g) for g in ex.answers]
                candidates = [
                    p for p in art.paragraphs
                    if p != ex.context and not any(g and g in normalize_answer(p) for g in golds)
                ]
                if candidates:
                    context = rng.choice(candidates)
            if context is None and n_articles > 1:
                other = rng.randrange(n_articles - 1)
                other += other >= a_idx
                context = rng.choice(articles[other].paragraphs)
            if context is not None:
                negatives.append(
                    QAExample(f"{ex.id}-neg", ex.title, ex.question, context, ex.answers, None)
                )
    return negatives


def examples_of(articles: list[Article]) -> list[QAExample]:
    return [ex for art in articles for ex in art.examples]

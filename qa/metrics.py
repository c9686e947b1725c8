"""Answer-matching metrics with the official SQuAD v1.1 normalization."""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCT = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and articles, collapse white space (SQuAD v1.1)."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str | None, gold: str) -> float:
    """1.0 when the normalized prediction equals the normalized gold answer."""
    if prediction is None:
        return 0.0
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1(prediction: str | None, gold: str) -> float:
    """Token-overlap F1 between normalized prediction and gold answer."""
    if prediction is None:
        return 0.0
    pred_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(gold).split()
    if not pred_tokens or not gold_tokens:
        return float(pred_tokens == gold_tokens)
    common = Counter(pred_tokens) & Counter(gold_tokens)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(pred_tokens)
    recall = overlap / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def best_over_golds(prediction: str | None, golds: Sequence[str]) -> tuple[float, float]:
    """(EM, F1) of a prediction, each the best over the acceptable gold answers."""
    if not golds:
        raise ValueError("best_over_golds needs at least one gold answer")
    return (
        max(exact_match(prediction, g) for g in golds),
        max(f1(prediction, g) for g in golds),
    )


@cache
def _unicode_punctuation() -> dict[int, None]:
    """A str.translate table deleting every Unicode punctuation character (category P*)."""
    return {cp: None for cp in range(sys.maxunicode + 1)
            if unicodedata.category(chr(cp)).startswith("P")}


def normalize_text(text: str) -> str:
    """:func:`normalize_answer` for finding an answer in article text: also compatibility-
    composed (NFKC: 'Zoë' typed or decomposed, 'ﬁ' and 'fi' alike) and without *any*
    punctuation, so that the curly quotes and dashes of an article ('can only account for
    “dozens.”') drop like ASCII ones do. (EM and F1 keep the official normalization.)"""
    text = unicodedata.normalize("NFKC", text).translate(_unicode_punctuation())
    return normalize_answer(text)


def contains_answer(passage: str, golds: Iterable[str]) -> bool:
    """True when a gold answer occurs in the passage, both :func:`normalize_text`-ed,
    word-aligned."""
    return holds_answer(f" {normalize_text(passage)} ", golds)


def holds_answer(normalized: str, golds: Iterable[str]) -> bool:
    """:func:`contains_answer` for text normalized already (:func:`normalize_text`), with
    a space at each end (normalize a large text once, then look for many answers in it)."""
    return any(
        normalize_text(g) and f" {normalize_text(g)} " in normalized for g in golds
    )

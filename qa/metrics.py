"""Answer-matching metrics: the official SQuAD v1.1 normalization, and the same extended
to all of Unicode (:func:`normalize_text`) for gold files written by people."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cache

from qa.text import CJK, is_mark, unify

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCT = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation and articles, collapse white space (SQuAD v1.1)."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


Normalize = Callable[[str], str]


def exact_match(prediction: str | None, gold: str,
                normalize: Normalize = normalize_answer) -> float:
    """1.0 when the normalized prediction equals the normalized gold answer."""
    if prediction is None:
        return 0.0
    return float(normalize(prediction) == normalize(gold))


def f1(prediction: str | None, gold: str, normalize: Normalize = normalize_answer) -> float:
    """Token-overlap F1 between normalized prediction and gold answer."""
    if prediction is None:
        return 0.0
    pred_tokens = normalize(prediction).split()
    gold_tokens = normalize(gold).split()
    if not pred_tokens or not gold_tokens:
        return float(pred_tokens == gold_tokens)
    common = Counter(pred_tokens) & Counter(gold_tokens)
    overlap = sum(common.values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(pred_tokens)
    recall = overlap / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def best_over_golds(prediction: str | None, golds: Sequence[str],
                    normalize: Normalize = normalize_answer) -> tuple[float, float]:
    """(EM, F1) of a prediction, each the best over the acceptable gold answers."""
    if not golds:
        raise ValueError("best_over_golds needs at least one gold answer")
    return (
        max(exact_match(prediction, g, normalize) for g in golds),
        max(f1(prediction, g, normalize) for g in golds),
    )


@cache
def _unicode_punctuation() -> dict[int, None]:
    """A str.translate table deleting every Unicode punctuation character (category P*;
    all of them lie in the first two planes)."""
    return {cp: None for cp in range(0x20000) if unicodedata.category(chr(cp)).startswith("P")}


_CJK_CHAR = re.compile(f"([{CJK}])")


def normalize_text(text: str) -> str:
    """:func:`normalize_answer` extended to all of Unicode, for answers people write and
    the articles they come from: compatibility-composed (NFKC: 'Zoë' typed or decomposed,
    'ﬁ' and 'fi' alike), without *any* punctuation (the curly quotes and dashes of
    'account for “dozens.”' drop like ASCII ones do), and each Chinese character or kana
    a word of its own (those scripts have no spaces; F1 over characters is how Chinese
    reading comprehension is scored). Equal to the official normalization on ASCII text."""
    text = unicodedata.normalize("NFKC", unify(text)).translate(_unicode_punctuation())
    return normalize_answer(_CJK_CHAR.sub(r" \1 ", text))


def mentions(text: str, golds: Iterable[str]) -> bool:
    """Whether a gold answer occurs anywhere in ``text`` under the official normalization,
    inside words too: how training data and SQuAD evaluation tell a paragraph that must not
    hold the answer (a negative must not even come close)."""
    normalized = normalize_answer(text)
    return any(g and g in normalized for g in map(normalize_answer, golds))


def contains_answer(passage: str, golds: Iterable[str]) -> bool:
    """True when a gold answer occurs in the passage, both :func:`normalize_text`-ed,
    word-aligned."""
    return holds_answer(f" {normalize_text(passage)} ", golds)


def holds_answer(normalized: str, golds: Iterable[str]) -> bool:
    """:func:`contains_answer` for text normalized already (:func:`normalize_text`), with
    a space at each end (normalize a large text once, then look for many answers in it)."""
    return any((n := normalize_text(g)) and f" {n} " in normalized for g in golds)


def _words(text: str) -> list[tuple[str, int, int]]:
    """The words of ``text`` as :func:`normalize_text` leaves them, each with the
    [start, end) of the characters it came from; articles left out."""
    words: list[tuple[str, int, int]] = []
    chars: list[str] = []
    start = end = 0

    def close() -> None:
        word = normalize_answer("".join(chars))  # the ASCII punctuation and articles
        if word:
            words.append((word, start, end))
        chars.clear()

    i, punct = 0, _unicode_punctuation()
    while i < len(text):
        j = _cluster_end(text, i)
        for ch in unicodedata.normalize("NFKC", unify(text[i:j])).translate(punct):
            if ch.isspace():  # ('´' is a space and an accent in NFKC)
                close()
            elif _CJK_CHAR.fullmatch(ch):  # a Chinese character or kana: a word alone
                close()
                chars.append(ch)
                start, end = i, j
                close()
            else:  # punctuation dropped out of its word above: O’Connell’s, 19:00–23:30
                if not chars:
                    start = i
                chars.append(ch)
                end = j
        i = j
    close()
    return words


#: What NFKC composes with the character before it besides combining marks: Hangul vowel
#: and final jamo, and the half-width katakana voicing marks ('ｶﾞ' -> 'ガ').
_CONJOINING = re.compile("[\u1160-\u11ff\ud7b0-\ud7ff\uff9e\uff9f]")


def _cluster_end(text: str, i: int) -> int:
    """The end of the character at ``i`` with what composes with it (accents, jamo)."""
    j = i + 1
    while j < len(text) and (is_mark(text[j]) or _CONJOINING.match(text[j])):
        j += 1
    return j


def answer_spans(passage: str, golds: Iterable[str]) -> list[tuple[int, int]]:
    """[start, end) of each place in ``passage`` that holds a gold answer, matched word by
    word as :func:`contains_answer` matches (to show where the answer stands)."""
    words = _words(passage)
    found = []
    for gold in golds:
        want = normalize_text(gold).split()
        if not want:
            continue
        for i in range(len(words) - len(want) + 1):
            if all(words[i + k][0] == w for k, w in enumerate(want)):
                found.append((words[i][1], words[i + len(want) - 1][2]))
    return sorted(set(found))

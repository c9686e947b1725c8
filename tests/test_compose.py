"""Composing the answer from the readings: merging spans, the threshold."""

from __future__ import annotations

import pytest

from qa.compose import compose_answer
from qa.reader import Reading, Span
from qa.types import Passage, Retrieved


def _hits(*texts: str) -> list[Retrieved]:
    return [Retrieved(Passage(f"d{i}", f"T{i}", t, 0, len(t), i), 1.0 / (i + 1))
            for i, t in enumerate(texts)]


def _span(passage: str, text: str, score: float) -> Span:
    start = passage.index(text)
    return Span(text, start, start + len(text), score)


def test_a_one_letter_answer_that_is_an_article_is_kept() -> None:
    first, second = "Tom got an A on the exam.", "Tom got an A. He was glad."
    readings = [Reading((_span(first, "A", 0.7), _span(first, "the exam", 0.2)), 0.1),
                Reading((_span(second, "A.", 0.6), _span(second, "glad", 0.1)), 0.1)]
    answer = compose_answer("What grade did Tom get?", _hits(first, second), readings,
                            threshold=0.25)
    assert answer.text == "A" and answer.score == pytest.approx(0.7)
    # "A" and "A." are one answer, found in both passages
    assert [s.has_answer for s in answer.sources] == [True, True]
    assert [a.text for a in answer.alternatives] == ["the exam", "glad"]


def test_a_span_of_punctuation_alone_is_no_answer() -> None:
    passage = "It was -- well -- fine."
    readings = [Reading((_span(passage, "--", 0.9), _span(passage, "fine", 0.4)), 0.1)]
    answer = compose_answer("How was it?", _hits(passage), readings, threshold=0.25)
    assert answer.text == "fine"
    assert [a.text for a in answer.alternatives] == []

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


@pytest.mark.parametrize("score, answered", [(0.2499996, True), (0.2499994, False)])
def test_the_threshold_decides_on_the_score_the_answer_gives(score: float,
                                                             answered: bool) -> None:
    """qa ask (threshold applied here) and qa eval (applied to the answer's score) agree."""
    from qa.evaluate import record_from_answer
    from qa.gold import GoldItem

    passage = "The bridge was finished in 1742."
    readings = [Reading((_span(passage, "1742", score),), 0.1)]
    item = GoldItem("q1", "When was the bridge finished?", ("1742",))
    asked = compose_answer(item.question, _hits(passage), readings, threshold=0.25)
    evaluated = record_from_answer(item, compose_answer(item.question, _hits(passage),
                                                        readings, threshold=0.0), 1.0)
    assert (asked.text is not None) == answered
    assert evaluated.prediction(0.25) == asked.text
    assert asked.score == evaluated.score == round(score, 6)


@pytest.mark.parametrize("wrapped, given", [
    ("Eleri Vaughan-\nHughes", "Eleri Vaughan-Hughes"),
    ("the well-  \n   known Ada", "the well-known Ada"),
    ("1990-\n1995", "1990-1995"),
    ("Ada -\nMoss", "Ada - Moss"),  # a dash between words, not a hyphen
])
def test_a_hyphen_at_a_lines_end_joins_its_words(wrapped: str, given: str) -> None:
    # a text wrapped at its hyphens (as word wrapping does) gave "Eleri Vaughan- Hughes"
    passage = f"The soloist is {wrapped}, who sings."
    answer = compose_answer("Who is the soloist?", _hits(passage),
                            [Reading((_span(passage, wrapped, 0.8),), 0.1)], threshold=0.25)
    assert answer.text == given
    assert answer.sources[0].highlight()[1] == wrapped


def test_an_answer_across_a_line_break_is_given_on_one_line() -> None:
    """The span keeps its place in the passage (the source's offsets); the answer's text
    has its line break and runs of spaces as one space each."""
    passage = "The keeper was Ada\nMoss,  of Harwick.\nShe painted it blue."
    span = _span(passage, "Ada\nMoss,  of Harwick", 0.8)
    answer = compose_answer("Who was the keeper?", _hits(passage),
                            [Reading((span,), 0.1)],
                            threshold=0.25)
    assert answer.text == "Ada Moss, of Harwick"
    source = answer.sources[0]
    assert source.highlight()[1] == "Ada\nMoss,  of Harwick"

"""The not-English hint: which questions seem asked in another language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.language import seems_not_english

GOLD = Path(__file__).resolve().parent.parent / "eval" / "gold.jsonl"


@pytest.mark.parametrize("question", [
    "Wer ist der Anführer Tschetscheniens?",
    "Wie viel verdienen die Freiwilligen?",
    "¿Quién es el líder checheno?",
    "Qui est le dirigeant tchétchène ?",
    "Chi è il leader ceceno?",
    "Quem é o líder checheno?",
    "Кто глава Чечни?",
    "车臣领导人是谁？",
])
def test_questions_in_other_languages_are_told(question: str) -> None:
    assert seems_not_english(question)


@pytest.mark.parametrize("question", [
    "Who is the Chechen leader?",
    "Who founded Le Monde?",  # names are not counted
    "What did von der Leyen say?",  # two foreign words, as many English ones
    "Where is El Paso del Norte?",
    "Kadyrov?",
    "Is das a word?",  # one foreign word is not enough
    "What is y in x and y?",
    "Who is Putin's son?",
    "2 + 2?",
    "",
])
def test_english_questions_are_not(question: str) -> None:
    assert not seems_not_english(question)


def test_no_gold_question_is_told() -> None:
    questions = [json.loads(line)["question"] for line in GOLD.read_text().splitlines()
                 if line.strip()]
    assert len(questions) >= 60
    assert not [q for q in questions if seems_not_english(q)]

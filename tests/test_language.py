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
    # a trial's, missed before: an opening question word or 'ist' counts twice; elisions
    "Wer hat den Leuchtturm gebaut?",
    "Wo wurde Ingrid Solberg geboren?",
    "Combien coûte l'adhésion au club?",
    "Was ist libtasn1?",
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
    # a trial's, told before: particles of a name, quoted words
    "Has von der Leyen resigned?",
    "Did von der Leyen visit El Paso?",
    'Who said "c\'est la vie"?',
    "What did de Gaulle say?",
    "Was the lighthouse painted blue?",
    "Who is Putin's son?",
    "2 + 2?",
    "",
])
def test_english_questions_are_not(question: str) -> None:
    assert not seems_not_english(question)


@pytest.mark.slow
def test_no_squad_training_question_is_told() -> None:
    """87,599 English questions, many about foreign names and places: none is told (the
    data lies beside the checkout, as on CI; skipped where it does not)."""
    squad = Path(__file__).resolve().parents[2] / "shared" / "data" / "qa" / \
        "squad-v1.1-train.json"
    if not squad.exists():
        pytest.skip(f"no SQuAD training file at {squad}")
    data = json.loads(squad.read_text(encoding="utf-8"))
    questions = [q["question"] for a in data["data"] for p in a["paragraphs"] for q in p["qas"]]
    assert len(questions) == 87_599
    assert [q for q in questions if seems_not_english(q)] == []


def test_no_gold_question_is_told() -> None:
    questions = [json.loads(line)["question"] for line in GOLD.read_text().splitlines()
                 if line.strip()]
    assert len(questions) >= 60
    assert not [q for q in questions if seems_not_english(q)]

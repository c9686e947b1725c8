"""Reader-only evaluation: EM/F1, abstention shares and article-level intervals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.reader import Reading, Span
from qa.reader_eval import evaluate_reader
from qa.squad import QAExample

TINY_V2 = Path(__file__).resolve().parent / "fixtures" / "squad_tiny_v2.json"


class ScriptedReader:
    """Answers each question with a fixed (span, no-answer score): logic only."""

    def __init__(self, script: dict[str, tuple[str | None, float, float]]) -> None:
        self.script = script

    def read_pairs(self, pairs: Sequence[tuple[str, str]]) -> list[Reading]:
        out = []
        for question, context in pairs:
            text, score, null = self.script[question]
            spans = (Span(text, context.index(text), context.index(text) + len(text), score),
                     ) if text else ()
            out.append(Reading(spans, null))
        return out


def _ex(title: str, qid: str, answer: str | None, context: str) -> QAExample:
    start = context.index(answer) if answer else None
    return QAExample(qid, title, qid, context, (answer,) if answer else (), start)


CTX = "Ada Lovelace wrote the first program in 1843 in London."


def test_em_f1_abstention_and_no_answer_accuracy_hand_computed() -> None:
    examples = [
        _ex("A", "q1", "1843", CTX),  # right
        _ex("A", "q2", "Ada Lovelace", CTX),  # "Lovelace": EM 0, F1 2/3
        _ex("B", "q3", "London", CTX),  # right span, but no-answer wins: abstained
        _ex("B", "q4", None, CTX),  # no-answer wins: right
        _ex("B", "q5", None, CTX),  # span wins: wrong
    ]
    reader = ScriptedReader({"q1": ("1843", 0.9, 0.01), "q2": ("Lovelace", 0.6, 0.1),
                             "q3": ("London", 0.3, 0.5), "q4": ("London", 0.2, 0.7),
                             "q5": ("1843", 0.8, 0.1)})
    m = evaluate_reader(reader, examples, batch_pairs=2)  # type: ignore[arg-type]
    assert (m["answerable"], m["no_answer"]) == (3, 2)
    assert m["exact_match"] == round(100 * 2 / 3, 2)  # the v1.1 protocol: best span counts
    assert m["f1"] == round(100 * (1 + 2 / 3 + 1) / 3, 2)
    assert m["answerable_abstained"] == round(100 / 3, 2)
    assert m["no_answer_accuracy"] == 50.0
    # Articles are resampled whole: A (EM 1 of 2) and B (EM 1 of its 1 answerable
    # question) drawn as A+A give 2/4, A+B 2/3 and B+B 2/2.
    assert m["intervals_95"]["exact_match"] == [50.0, 100.0]


def test_one_article_leaves_no_room_to_resample() -> None:
    examples = [_ex("A", "q1", "1843", CTX), _ex("A", "q2", "London", CTX)]
    reader = ScriptedReader({"q1": ("1843", 0.9, 0.01), "q2": ("Ada", 0.9, 0.01)})
    m = evaluate_reader(reader, examples)  # type: ignore[arg-type]
    assert m["exact_match"] == 50.0
    assert m["intervals_95"] == {"exact_match": [50.0, 50.0], "f1": [50.0, 50.0]}


def test_only_unanswerable_examples_give_no_answer_accuracy_only() -> None:
    reader = ScriptedReader({"q4": (None, 0.0, 0.9)})
    m = evaluate_reader(reader, [_ex("B", "q4", None, CTX)])  # type: ignore[arg-type]
    assert m == {"answerable": 0, "no_answer": 1, "no_answer_accuracy": 100.0}


@pytest.mark.slow
def test_cli_eval_reader_with_the_shipped_reader() -> None:
    result = CliRunner().invoke(main, ["eval-reader", str(TINY_V2)])
    assert result.exit_code == 0, result.output
    m = json.loads(result.stdout)
    assert (m["answerable"], m["no_answer"]) == (11, 1)
    assert m["f1"] >= 60  # short, plain paragraphs: the shipped reader gets most of them
    for key in ("exact_match", "f1"):
        lo, hi = m["intervals_95"][key]
        assert lo <= m[key] <= hi
    assert m["no_answer_accuracy"] in (0.0, 100.0)

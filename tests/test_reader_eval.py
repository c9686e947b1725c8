"""Reader-only evaluation: EM/F1, abstention shares and article-level intervals."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.errors import DataError
from qa.reader import Reading, Span
from qa.reader_eval import evaluate_reader, screen_examples
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


def test_one_article_leaves_no_room_to_resample(caplog) -> None:
    examples = [_ex("A", "q1", "1843", CTX), _ex("A", "q2", "London", CTX)]
    reader = ScriptedReader({"q1": ("1843", 0.9, 0.01), "q2": ("Ada", 0.9, 0.01)})
    with caplog.at_level(logging.WARNING, logger="qa.reader_eval"):
        m = evaluate_reader(reader, examples)  # type: ignore[arg-type]
    assert m["exact_match"] == 50.0
    assert m["intervals_95"] == {"exact_match": None, "f1": None}  # not [50.0, 50.0]: n/a
    assert "95% intervals: n/a (they resample whole articles; the answerable questions " \
           "come from 1)" in caplog.text


def test_screen_examples_leaves_out_empty_ones_and_names_doubtful_answers(caplog) -> None:
    examples = [
        _ex("A", "q1", "1843", CTX),
        QAExample("q2", "A", "  ", CTX, ("1843",), CTX.index("1843")),  # no question
        QAExample("q3", "A", "When?", "", (), None),  # no context
        QAExample("q4", "A", "Where?", CTX, ("London",), 3),  # answer_start off
        QAExample("q5", "A", "Who?", CTX, ("",), 0),  # an empty answer
        _ex("B", "q1", "London", CTX),  # q1 again
    ]
    with caplog.at_level(logging.WARNING, logger="qa.reader_eval"):
        kept = screen_examples(examples)
    assert [ex.id for ex in kept] == ["q1", "q4", "q5", "q1"]
    assert "2 question(s) left out: an empty question or context: q2, q3" in caplog.text
    assert "2 answer(s) empty or not in their context at answer_start (scored anyway; " \
           "check the file): q4, q5" in caplog.text
    assert "1 question id(s) given more than once (each copy is scored): q1" in caplog.text
    caplog.clear()
    assert screen_examples(examples[:1]) == examples[:1] and not caplog.text  # clean: silent
    with pytest.raises(DataError, match="no question to evaluate: all 2 have an empty "
                                        "question or context"):
        screen_examples(examples[1:3])


def _squad(tmp_path: Path, body: object, name: str = "squad.json") -> str:
    path = tmp_path / name
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return str(path)


def test_cli_eval_reader_refuses_bad_files_and_limits_plainly(tmp_path: Path) -> None:
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["eval-reader", *args])
        assert "Traceback" not in result.output
        return result.exit_code, result.stderr

    code, err = run(_squad(tmp_path, {"data": []}))
    assert code == 1 and err.startswith(f"Error: {tmp_path / 'squad.json'} holds no questions")
    code, err = run(_squad(tmp_path, {"data": [{"title": "Syria", "paragraphs": [
        {"context": "Syrians came.", "qas": [
            {"id": "s1", "question": "Who came?", "answers": "Syrians"}]}]}]}))
    assert code == 1 and "article 0 ('Syria'), paragraph 0, question 0 (id 's1'): 'answers' " \
                         "must be a list of {'text', 'answer_start'} objects" in err
    gold = _squad(tmp_path, '{"id": "q1", "question": "Who?", "answers": ["Kyiv"]}\n' * 2,
                  "gold.jsonl")
    code, err = run(gold)
    assert code == 1 and "the gold-file format of `qa eval FILE`" in err
    code, err = run(str(TINY_V2), "--limit", "-1")
    assert code == 2 and "Invalid value for '--limit': -1 is not in the range x>=0" in err


@pytest.mark.slow
def test_cli_eval_reader_names_doubtful_questions_and_gives_no_interval_for_one_article(
        tmp_path: Path, caplog) -> None:
    qas = [{"id": "a1", "question": "When did Ada Lovelace write the first program?",
            "answers": [{"text": "1843", "answer_start": CTX.index("1843")}]},
           {"id": "a2", "question": "", "answers": []},
           {"id": "a3", "question": "Where did she write it?",
            "answers": [{"text": "London", "answer_start": 0}]},
           {"id": "a1", "question": "Who wrote the first program?",
            "answers": [{"text": "Ada Lovelace", "answer_start": 0}]}]
    path = _squad(tmp_path, {"data": [{"title": "Ada", "paragraphs": [
        {"context": CTX, "qas": qas},
        {"context": " ", "qas": [{"id": "a4", "question": "Why?", "answers": []}]}]}]})
    with caplog.at_level(logging.WARNING, logger="qa.reader_eval"):
        result = CliRunner().invoke(main, ["eval-reader", path])
    assert result.exit_code == 0, result.output
    m = json.loads(result.stdout)
    assert (m["answerable"], m["no_answer"]) == (3, 0)  # a2 and a4 left out
    assert m["intervals_95"] == {"exact_match": None, "f1": None}
    assert "left out: an empty question or context: a2, a4" in caplog.text
    assert "1 answer(s) empty or not in their context at answer_start" in caplog.text
    assert "given more than once (each copy is scored): a1" in caplog.text
    assert "95% intervals: n/a" in caplog.text


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

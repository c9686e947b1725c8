"""Hardening: any question text gives an Answer or a clear QAError, never another exception."""

from __future__ import annotations

import json
import logging
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.checks import _ANSI_ESCAPE
from qa.cli import main
from qa.config import MAX_QUESTION_CHARS
from qa.errors import ConfigError, QAError, QuestionError
from qa.pipeline import QAPipeline, clean_question
from qa.text import unify
from qa.types import Answer

LIMIT = f"{MAX_QUESTION_CHARS:,}"
RTL = "مَن جنّدت روسيا للقتال في أوكرانيا؟"

# (name, question, what must happen: "answer", "empty" or "too long")
SPECIAL = [
    ("empty", "", "empty"),
    ("spaces", "   ", "empty"),
    ("whitespace-mix", "\t\n\r\x0b\x0c \u00a0\u2003\u3000", "empty"),
    ("controls-only", "\x00\x01\x02\x1b\x7f\x9f", "empty"),
    ("format-chars-only", "\u200b\u200e\u200f\u202e\u2066\ufeff", "empty"),
    ("lone-surrogates", "\ud800\udfff", "empty"),
    ("10k-chars", "x" * 10_000, "too long"),
    ("10k-words", "why " * 2_500, "too long"),
    ("just-over", "y" * (MAX_QUESTION_CHARS + 1), "too long"),
    ("at-limit", "Who is " + "z" * (MAX_QUESTION_CHARS - 7), "answer"),
    ("padded-at-limit", "  \n" + "q" * MAX_QUESTION_CHARS + "\t " * 3000, "answer"),
    ("controls-inside", "Who\x00 did\x07 Russia\x1b recruit?\x7f", "answer"),
    ("rtl", RTL, "answer"),
    ("rtl-override", "\u202eWho did Russia recruit?\u202c", "answer"),
    ("hebrew-mixed", "מי גויס? Who did Russia recruit to fight?", "answer"),
    ("emoji", "Who 🤔 did Russia recruit? 🇷🇺🇺🇦👩‍👩‍👧", "answer"),
    ("emoji-only", "😀" * 40, "answer"),
    ("combining", "e\u0301" * 30 + "\u0301" * 20, "answer"),
    ("cjk", "俄罗斯招募了谁去乌克兰作战？", "answer"),
    ("stopwords-only", "the of and a an", "answer"),
    ("punctuation", "?!.,;:()[]{}<>\"'`~@#$%^&*-_=+|\\/", "answer"),
    ("html", "<script>alert('x')</script> Who did Russia recruit?", "answer"),
    ("sql", "'; DROP TABLE passages; -- who?", "answer"),
    ("newlines", "Who did\nRussia\n\nrecruit?", "answer"),
    ("ansi-colours", "Who did \x1b[31mRussia\x1b[0m recruit?", "answer"),
]
FAST = [s for s in SPECIAL if s[2] != "answer"]

question_text = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So", "Lo"]),
            max_size=60),
    st.sampled_from([q for _, q, _ in SPECIAL]),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(200, 4000)),
    st.builds(lambda a, b: f"{a} Who did Russia recruit? {b}", st.text(max_size=30),
              st.text(max_size=30)),
)


def visible_text(question: str) -> str:
    """What a question shows: terminal escapes and format characters gone, other
    unprintable characters as spaces, whitespace runs as one space, in the Unicode form
    articles are read in."""
    question = _ANSI_ESCAPE.sub("", question).replace("\u200b", " ")
    return unify(" ".join("".join(
        c if c.isprintable() or c in "\u200c\u200d"
        else ("" if unicodedata.category(c) == "Cf" else " ")
        for c in question).split()))


def _printable(text: str) -> bool:
    """Printable, but for the joiners a question keeps."""
    return text.replace("\u200c", "").replace("\u200d", "").isprintable()


def visible_length(question: str) -> int:
    return len(visible_text(question))


def check_outcome(question: str, outcome: Answer | QAError, top_k: int = 5) -> None:
    """The contract: an Answer that makes sense, or a QuestionError that says what to do."""
    visible = visible_text(question)
    if isinstance(outcome, QAError):
        assert isinstance(outcome, QuestionError), repr(outcome)
        message = str(outcome)
        assert "\n" not in message and message
        if not visible:
            assert "empty" in message
        else:
            assert len(visible) > MAX_QUESTION_CHARS, f"refused a valid question: {message}"
            assert f"the limit is {LIMIT}" in message and f"{len(visible):,}" in message
        return
    assert visible and len(visible) <= MAX_QUESTION_CHARS
    answer = outcome
    assert answer.question == visible
    assert 0.0 <= answer.score <= 1.0
    assert 1 <= len(answer.sources) <= top_k
    json.dumps(answer.to_dict(), ensure_ascii=False)
    if answer.found:
        holder = answer.sources[0]
        assert holder.answer_start is not None and holder.answer_end is not None
        held = holder.passage[holder.answer_start - holder.passage_start:
                              holder.answer_end - holder.passage_start]
        assert answer.text == " ".join(held.split())  # on one line (compose._one_line)


def run_answer(pipe: QAPipeline, question: str, **kwargs) -> Answer | QAError:
    try:
        return pipe.answer(question, **kwargs)
    except QAError as exc:
        return exc


# -- clean_question alone (no models) ------------------------------------------------------
@pytest.mark.parametrize(("name", "question", "expect"), SPECIAL, ids=[s[0] for s in SPECIAL])
def test_clean_question_cases(name: str, question: str, expect: str) -> None:
    try:
        cleaned = clean_question(question)
    except QuestionError as exc:
        assert expect != "answer", f"{name}: {exc}"
        assert ("empty" if expect == "empty" else f"the limit is {LIMIT}") in str(exc)
        return
    assert expect == "answer", f"{name} was accepted: {cleaned[:50]!r}"
    assert cleaned == cleaned.strip() and _printable(cleaned)


def test_a_question_takes_the_unicode_form_of_the_articles() -> None:
    # typed decomposed (some keyboards and pastes), or with a ligature: as articles are read
    assert clean_question("Who founded Cafe\u0301 Brasi\u0301lia?") == "Who founded Café Brasília?"
    assert clean_question("Who runs the o\ufb03ce?") == "Who runs the office?"
    # joiners are how Persian words and emoji are written: kept, as in articles
    persian = "\u06a9\u062a\u0627\u0628 \u0645\u06cc\u200c\u062e\u0648\u0627\u0646\u0645?"
    assert clean_question(persian) == persian


@settings(max_examples=300, deadline=None)
@given(question_text)
def test_clean_question_property(question: str) -> None:
    try:
        cleaned = clean_question(question)
    except QuestionError as exc:
        check_outcome(question, exc)
        return
    assert 0 < len(cleaned) <= MAX_QUESTION_CHARS
    assert _printable(cleaned) and cleaned == " ".join(cleaned.split())


def test_non_text_questions_are_refused() -> None:
    for bad in (None, 42, b"bytes", ["list"]):
        with pytest.raises(QuestionError, match="must be text"):
            clean_question(bad)


def test_bad_top_k_and_threshold_are_config_errors(tmp_path: Path) -> None:
    pipe = QAPipeline(tmp_path / "index")
    for k in (0, -1, 51, 2.5, "3", True, None.__class__):
        with pytest.raises(ConfigError, match="top_k must be a whole number from 1 to 50"):
            pipe.answer("Who?", top_k=k)
    for t in (-0.1, 1.5, float("nan"), "0.3", True):
        with pytest.raises(ConfigError, match="threshold must be a number from 0 to 1"):
            pipe.answer("Who?", threshold=t)
        with pytest.raises(ConfigError, match="threshold must be a number from 0 to 1"):
            QAPipeline(tmp_path / "index", threshold=t)
    with pytest.raises(ConfigError, match="max_question_chars must be at least 1"):
        QAPipeline(tmp_path / "index", max_question_chars=0)
    import numpy as np  # numbers from numpy are numbers

    assert QAPipeline(tmp_path / "index", top_k=np.int64(3), threshold=np.float32(0.5)).top_k == 3


# -- QAPipeline.answer with the real models ------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(("name", "question", "expect"), SPECIAL, ids=[s[0] for s in SPECIAL])
def test_answer_special_questions(seeds_pipeline: QAPipeline, name: str, question: str,
                                  expect: str) -> None:
    outcome = run_answer(seeds_pipeline, question)
    assert isinstance(outcome, Answer) == (expect == "answer"), (name, outcome)
    check_outcome(question, outcome)


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(question=question_text, query=st.one_of(st.none(), question_text),
       top_k=st.one_of(st.none(), st.integers(1, 8)))
def test_answer_property(seeds_pipeline: QAPipeline, question: str, query: str | None,
                         top_k: int | None) -> None:
    outcome = run_answer(seeds_pipeline, question, query=query, top_k=top_k)
    query_error = None
    if query:
        try:
            clean_question(query)
        except QuestionError as exc:
            query_error = str(exc)
    if query_error is not None and visible_length(question):
        # a valid question with an unusable retrieval query: refused, with the query's reason
        if visible_length(question) <= MAX_QUESTION_CHARS:
            assert isinstance(outcome, QuestionError) and str(outcome) == query_error
            return
    check_outcome(question, outcome, top_k or 5)


# -- qa ask ------------------------------------------------------------------------------
def ask(index_dir: Path, question: str, *options: str):
    return CliRunner().invoke(main, ["-q", "ask", "--index", str(index_dir), *options, "--",
                                     question])


def check_cli(question: str, result, as_json: bool = False) -> None:
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    clean: str | None
    try:
        clean = clean_question(question)
    except QuestionError:
        clean = None
    if clean is None:
        assert result.exit_code == 1, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: the question is "), lines
        assert "empty" in lines[0] or f"the limit is {LIMIT}" in lines[0]
        return
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    if as_json:
        data = json.loads(result.stdout)
        assert data["question"] == clean
        assert isinstance(data["sources"], list) and data["sources"]
    else:
        assert result.stdout.strip()
        if result.stdout.startswith("Not found in the articles."):
            assert "Closest passages:" in result.stdout
        else:
            assert "score " in result.stdout and " from " in result.stdout


@pytest.mark.parametrize(("name", "question", "expect"), FAST, ids=[s[0] for s in FAST])
def test_qa_ask_refuses_bad_questions_in_one_line(tmp_path: Path, name: str, question: str,
                                                  expect: str) -> None:
    result = ask(tmp_path / "no-index", question)  # refused before the index is even opened
    check_cli(question, result)


def test_qa_ask_without_an_index(tmp_path: Path) -> None:
    result = ask(tmp_path / "no-index", "Who did Russia recruit?")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: no index at {tmp_path / 'no-index'}. Build one with: "
        f"qa index --index {tmp_path / 'no-index'} ARTICLES… (in Python: "
        f"QAPipeline('{tmp_path / 'no-index'}').build([ARTICLES…]))"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["rtl", "emoji", "controls-inside", "at-limit"])
def test_qa_ask_special_questions(seeds_pipeline: QAPipeline, name: str) -> None:
    question = next(q for n, q, _ in SPECIAL if n == name)
    check_cli(question, ask(seeds_pipeline.index_dir, question))
    check_cli(question, ask(seeds_pipeline.index_dir, question, "--json"), as_json=True)


@pytest.mark.slow
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(question=question_text, as_json=st.booleans())
def test_qa_ask_property(seeds_pipeline: QAPipeline, question: str, as_json: bool) -> None:
    options = ("--json",) if as_json else ()
    check_cli(question, ask(seeds_pipeline.index_dir, question, *options), as_json=as_json)


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--top-k", "0", "0 is not in the range 1<=x<=50."),
    ("--top-k", "-4", "-4 is not in the range 1<=x<=50."),
    ("--threshold", "1.5", "1.5 is not in the range 0.0<=x<=1.0."),
    ("--threshold", "nan", "'nan' is not a number from 0 to 1."),
])
@pytest.mark.parametrize("command", ["ask", "eval"])
def test_bad_top_k_and_threshold_are_usage_errors(tmp_path: Path, option: str, value: str,
                                                  says: str, command: str) -> None:
    """`qa ask` and `qa eval` check --top-k and --threshold alike, before any work: a
    usage error (status 2) whose last line names the option and the range."""
    target = "Who?" if command == "ask" else str(tmp_path / "gold.jsonl")
    result = CliRunner().invoke(main, [command, "--index", str(tmp_path / "no-index"),
                                       option, value, target])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '{option}': {says}"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("flags", "root", "faiss"), [
    ([], logging.INFO, logging.WARNING),   # progress, not faiss's note on its AVX2 build
    (["-v"], logging.DEBUG, logging.WARNING),  # our debug detail, not the libraries'
    (["-q"], logging.ERROR, logging.ERROR),
])
def test_log_levels_of_the_command_line(tmp_path: Path, flags: list[str], root: int,
                                        faiss: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # basicConfig only configures an unconfigured root logger: start from one
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logging.getLogger(), "level", logging.WARNING)
    monkeypatch.setattr(logging.getLogger("faiss"), "level", logging.NOTSET)
    res = CliRunner().invoke(main, [*flags, "ask", "--index", str(tmp_path / "none"), "Q?"])
    assert res.exit_code == 1
    assert logging.getLogger().level == root
    assert logging.getLogger("faiss").getEffectiveLevel() == faiss

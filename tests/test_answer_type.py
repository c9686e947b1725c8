"""The answer-type check: how many / how much questions want a number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.answer_type import admissible, binds, expected_type, fits, names_number
from qa.cli import main
from qa.compose import compose_answer
from qa.reader import ExtractiveReader, Reading, Span
from qa.types import Passage, Retrieved


@pytest.mark.parametrize("question,expected", [
    ("How many Syrians did Putin want to recruit?", "number"),
    ("how much are the recruits paid per month?", "number"),
    ("Of the daily applications, HOW  MANY are realistic?", "number"),
    ("In what year did the airstrikes begin?", "year"),
    ("Which year saw the first strike?", "year"),
    ("What percentage of voters agreed?", "percentage"),
    ("What percent of the vote did he get?", "percentage"),
    ("How long are the contracts?", None),
    ("Who is the Chechen leader?", None),
    ("Which company made many cars?", None),
    ("Why does it cost so much?", None),
    ("Why did they never say how much it cost?", None),  # asks why, not how much
    ("What place was lucky, considering how much he charged?", None),
    ("What yearly fee is charged?", None),
    ("Is it raining?", None),
])
def test_expected_type(question: str, expected: str | None) -> None:
    assert expected_type(question) == expected


@pytest.mark.parametrize("text", [
    "127", "US $200", "30-50", "more than 2,000", "three", "Only one", "the third time",
    "hundreds", "dozens of volunteers", "half", "a quarter", "twice", "seventeenth", "free",
    "none", "doubled", "Twenty-one",
])
def test_names_number(text: str) -> None:
    assert names_number(text)


@pytest.mark.parametrize("text", [
    "how many", "many", "several", "Several volunteers", "a number of", "few", "some",
    "multiple", "volunteers", "the recruiter", "someone", "often",
])
def test_names_no_number(text: str) -> None:
    assert not names_number(text)


def test_fits_checks_only_typed_questions() -> None:
    assert not fits("How many volunteers joined?", "several")
    assert fits("How many volunteers joined?", "40")
    assert not fits("In what year did it start?", "at one point")
    assert not fits("In what year did it start?", "one year later")  # a year has digits
    assert fits("In what year did it start?", "in 1683")
    assert not fits("What percentage agreed?", "most")
    assert fits("What percentage agreed?", "about a third")
    assert fits("Who joined?", "several volunteers")


def _hits(*texts: str) -> list[Retrieved]:
    return [Retrieved(Passage(f"d{i}", f"T{i}", t, 0, len(t), i), 1.0 / (i + 1))
            for i, t in enumerate(texts)]


def test_compose_falls_back_to_a_span_of_the_right_type() -> None:
    text = "Several volunteers came; by June 40 had left."
    hits = _hits(text, "Nothing here.")
    readings = [Reading((Span("Several", 0, 7, 0.8), Span("40", 32, 34, 0.5)), 0.05),
                Reading((Span("Nothing", 0, 7, 0.6),), 0.3)]
    a = compose_answer("How many volunteers came?", hits, readings, threshold=0.25)
    assert a.text == "40" and a.score == 0.5
    assert a.sources[0].doc_id == "d0" and (a.sources[0].answer_start,
                                            a.sources[0].answer_end) == (32, 34)
    assert [alt.text for alt in a.alternatives] == []  # 'Several' and 'Nothing' are out
    unchecked = compose_answer("How many volunteers came?", hits, readings, threshold=0.25,
                               answer_types=False)
    assert unchecked.text == "Several"
    other = compose_answer("Who came?", hits, readings, threshold=0.25)
    assert other.text == "Several"


def test_compose_abstains_when_no_span_has_the_right_type() -> None:
    hits = _hits("It was unclear how many would come.")
    readings = [Reading((Span("how many", 15, 23, 0.9),), 0.01)]
    a = compose_answer("How many would come?", hits, readings, threshold=0.25)
    assert a.text is None and a.score == 0.0 and not a.sources[0].has_answer


RUSSIANS = "He estimates that hundreds of Russian volunteers are now fighting in Syria."


@pytest.mark.parametrize("question,passage,span,expected", [
    # the count goes with another name than the question's counted thing: a near miss
    ("How many Syrian volunteers has Russia signed up?", RUSSIANS, "hundreds", False),
    ("How many Syrians did Putin want to recruit?",
     "More than 2,000 Russian nationals fight for the Islamic State.", "2,000", False),
    ("How many Syrians did Putin want to recruit?",
     "More than 2,000 Russian nationals fight for the Islamic State.",
     "2,000 Russian nationals", False),  # the name inside the span counts too
    # the same name, in another form: 'Russia' / 'Russian', 'Syrians' / 'Syrian'
    ("How many Russian volunteers are in Syria?", RUSSIANS, "hundreds", True),
    ("How many Russians fight in Syria?", RUSSIANS, "hundreds", True),
    # nothing to compare: the counted thing names nobody, or nothing named follows
    ("How many volunteers has Russia signed up?", RUSSIANS, "hundreds", True),
    ("How many Syrian volunteers came?", "In June, 300 came from Aleppo.", "300", True),
    ("How many Syrian volunteers came?", "300 volunteers came, said Putin.", "300", True),
    # only the first two words after "how many", up to a verb, say what is counted
    ("How many people did Putin send?", RUSSIANS, "hundreds", True),
    ("Who sent Russian volunteers?", RUSSIANS, "Russian volunteers", True),
])
def test_binds_a_count_to_the_named_thing_it_counts(question: str, passage: str, span: str,
                                                    expected: bool) -> None:
    start = passage.index(span)
    assert binds(question, passage, start, start + len(span)) is expected


def test_admissible_drops_spans_inside_a_count_of_something_else() -> None:
    passage = "About 12,225 Russian websites and 300 Syrian sites were found."
    spans = [Span("12,225", 6, 12, 0.6), Span("225", 9, 12, 0.3), Span("several", 0, 5, 0.2),
             Span("300", 33, 36, 0.1)]
    kept = list(admissible("How many Syrian sites were found?", passage, spans))
    assert [s.text for s in kept] == ["300"]  # not the '225' of '12,225 Russian websites'
    assert [s.text for s in admissible("Who found them?", passage, spans)] == [
        s.text for s in spans]


def test_compose_abstains_on_a_count_of_something_else() -> None:
    hits = _hits(RUSSIANS)
    readings = [Reading((Span("hundreds", 18, 26, 0.8),), 0.05)]
    assert compose_answer("How many Syrian volunteers are there?", hits, readings,
                          threshold=0.25).text is None
    assert compose_answer("How many Syrian volunteers are there?", hits, readings,
                          threshold=0.25, answer_types=False).text == "hundreds"
    assert compose_answer("How many Russian volunteers are there?", hits, readings,
                          threshold=0.25).text == "hundreds"


VAGUE = [
    ("How many Syrians did Putin want to recruit?",
     "It was unclear how many Syrians Russian President Vladimir Putin wanted to recruit for "
     "the war, a senior official said on Friday."),
    ("How many volunteers joined the brigade?",
     "Several volunteers joined the brigade last spring, the commander said, and more were "
     "expected."),
]


@pytest.mark.slow
@pytest.mark.parametrize("question,passage", VAGUE)
def test_real_reader_answers_a_vague_count_only_without_the_check(question: str,
                                                                   passage: str) -> None:
    """The shipped reader picks the vague phrase ('how many', 'Several') with confidence
    above the default threshold; the check turns that into an abstention."""
    reader = ExtractiveReader()
    readings = reader.read(question, [passage])
    plain = compose_answer(question, _hits(passage), readings, threshold=0.25,
                           answer_types=False)
    assert plain.text is not None and not names_number(plain.text)
    checked = compose_answer(question, _hits(passage), readings, threshold=0.25)
    assert checked.text is None


@pytest.mark.slow
def test_cli_eval_with_and_without_the_check(seeds_pipeline, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = [{"id": "c1", "answers": ["127"], "question":
              "How many battalion tactical groups make up the invasion force?"},
             # The seeds say Russia deployed Chechen troops, and "several" of something
             # else, but not how many troops.
             {"id": "c2", "answers": [], "question":
              "How many Chechen troops has Russia deployed in Ukraine?"}]
    gold.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    runs = {}
    for flag in ("--answer-types", "--no-answer-types"):
        result = CliRunner().invoke(main, ["eval", str(gold), "--index",
                                           str(seeds_pipeline.index_dir), "--json", flag])
        assert result.exit_code == 0, result.output
        runs[flag] = json.loads(result.stdout)
    checked, unchecked = runs["--answer-types"], runs["--no-answer-types"]
    assert checked["exact_match"] == unchecked["exact_match"] == 100.0
    assert checked["abstain_recall"] == 100.0
    assert unchecked["abstain_recall"] == 0.0  # the reader answers 'several' without it


@pytest.mark.slow
def test_cli_ask_with_and_without_the_check(seeds_pipeline) -> None:
    question = "How many Chechen troops has Russia deployed in Ukraine?"
    texts = {}
    for flag in ("--answer-types", "--no-answer-types"):
        result = CliRunner().invoke(main, ["-q", "ask", "--index", str(seeds_pipeline.index_dir),
                                           "--json", flag, question])
        assert result.exit_code == 0, result.output
        texts[flag] = json.loads(result.stdout)["text"]
    assert texts["--answer-types"] is None  # the default: no number in the articles
    assert texts["--no-answer-types"] is not None
    assert not names_number(texts["--no-answer-types"])


def test_compose_merges_one_answer_spelled_with_other_quotes_or_accents() -> None:
    hits = _hits("Seán O\u2019Brien runs it.", "Sea\u0301n O'Brien runs it.")
    readings = [Reading((Span("Seán O\u2019Brien", 0, 13, 0.6),), 0.1),
                Reading((Span("Sea\u0301n O'Brien", 0, 14, 0.7),), 0.1)]
    a = compose_answer("Who runs it?", hits, readings, threshold=0.25)
    assert a.text == "Sea\u0301n O'Brien" and a.alternatives == ()  # one answer, two places
    assert [s.has_answer for s in a.sources] == [True, True]

"""`qa ask` with several questions, a file of them or standard input: the real models."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main

pytestmark = pytest.mark.slow

CHECHEN = "Who is the Chechen leader?"
CONTRACTS = "How long are the contracts offered to the Syrian volunteers?"
BELARUS = "What is the capital of Belarus?"
TOO_LONG = "why " * 300


def _ask(index_dir: Path, *args: str, stdin: str | bytes | None = None):
    return CliRunner().invoke(main, ["-q", "ask", "--index", str(index_dir), *args],
                              input=stdin)


def test_a_file_and_arguments_give_one_json_line_per_question_in_order(
        seeds_pipeline, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    # a byte-order mark, blank lines and surrounding spaces, as editors leave them
    questions.write_text(f"\ufeff{CONTRACTS}\n\n   {BELARUS}  \n\n", encoding="utf-8")
    res = _ask(seeds_pipeline.index_dir, CHECHEN, "-f", str(questions), "--json")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["question"] for r in rows] == [CHECHEN, CONTRACTS, BELARUS]
    assert rows[0]["text"] == "Ramzan Kadyrov"
    assert rows[1]["text"] == "six-month"
    assert rows[2]["text"] is None  # not in the articles
    # the same answers as asking one at a time
    single = json.loads(_ask(seeds_pipeline.index_dir, CONTRACTS, "--json").stdout)
    assert single["text"] == rows[1]["text"]
    assert single["sources"][0]["answer_start"] == rows[1]["sources"][0]["answer_start"]


def test_a_question_that_cannot_be_asked_is_reported_and_the_rest_answered(
        seeds_pipeline) -> None:
    res = _ask(seeds_pipeline.index_dir, CHECHEN, TOO_LONG, CONTRACTS, "--json")
    assert res.exit_code == 1
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 3
    assert rows[0]["text"] == "Ramzan Kadyrov" and rows[2]["text"] == "six-month"
    assert rows[1]["question"] == TOO_LONG and "limit is 1,000" in rows[1]["error"]
    assert res.stderr.strip() == ("Error: 1 of 3 questions could not be asked (see above); "
                                  "the others were answered.")


def test_text_output_numbers_the_questions(seeds_pipeline) -> None:
    res = _ask(seeds_pipeline.index_dir, CHECHEN, "  ", BELARUS)
    assert res.exit_code == 1
    blocks = res.stdout.split("\n\n")
    assert len(blocks) == 3
    assert blocks[0].startswith(f"[1] {CHECHEN}\nRamzan Kadyrov\nscore ")
    assert blocks[1].strip() == "[2]"
    assert blocks[2].startswith(f"[3] {BELARUS}\nNot found in the articles.")
    assert res.stderr.splitlines()[0] == ("Error: the question is empty: type a question "
                                          "about your articles")
    assert "Traceback" not in res.output


def test_questions_from_standard_input(seeds_pipeline) -> None:
    res = _ask(seeds_pipeline.index_dir, "-f", "-", "--json", stdin=f"{CHECHEN}\n{BELARUS}\n")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["Ramzan Kadyrov", None]


def test_a_file_of_one_question_still_prints_json_lines(seeds_pipeline, tmp_path: Path) -> None:
    questions = tmp_path / "one.txt"
    questions.write_text(CHECHEN + "\n", encoding="utf-8")
    res = _ask(seeds_pipeline.index_dir, "--file", str(questions), "--json")
    assert res.exit_code == 0, res.output
    assert len(res.stdout.splitlines()) == 1  # a line a question, whatever the count
    assert json.loads(res.stdout)["text"] == "Ramzan Kadyrov"


def test_unusable_question_files_are_plain_errors(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Qui est le président?\n".encode("latin-1"))
    res = _ask(tmp_path / "no-index", "-f", str(latin1))
    assert res.exit_code == 1
    # the byte's value and where it is, as the gold-file reader says it (not "byte 18")
    assert res.stderr.startswith(f"Error: {latin1} is not UTF-8 text (byte 0xe9 at line 1, "
                                 "column 14): save the questions as UTF-8"), res.stderr
    assert "Traceback" not in res.output

    res = _ask(tmp_path / "no-index", "-f", str(tmp_path / "missing.txt"))
    assert res.exit_code == 2 and "does not exist" in res.stderr

    res = _ask(tmp_path / "no-index")
    assert res.exit_code == 2 and "give a QUESTION, or --file" in res.stderr

    cut = tmp_path / "cut.txt"  # a UTF-16 file cut short: odd bytes after its BOM
    cut.write_bytes("Who?\n".encode("utf-16") + b"\x00")
    res = _ask(tmp_path / "no-index", "-f", str(cut))
    assert res.exit_code == 1 and "starts as UTF-16 text but is not valid UTF-16" in res.stderr

    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n", encoding="utf-8")
    res = _ask(tmp_path / "no-index", "-f", str(blank))
    assert res.exit_code == 2 and f"{blank} holds no questions" in res.stderr


def test_a_questions_file_splits_at_line_feeds_only(seeds_pipeline, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    # a stray zero-width character makes no question; U+2028 inside a line does not split it
    questions.write_text("\u200b\nWho is the Chechen\u2028leader?\n", encoding="utf-8")
    res = _ask(seeds_pipeline.index_dir, "-f", str(questions), "--json")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["Ramzan Kadyrov"]


def test_each_place_of_the_answer_is_cited_once(capsys) -> None:
    # found at scale: overlapping passages hold the same span, and it was cited twice
    from qa.cli_ask import _print_answer
    from qa.types import Answer, Source

    text = "Yerevan is the capital of Armenia. Armenia lies in the South Caucasus."

    def src(start: int, end: int, a: int | None, rank: int) -> Source:
        return Source("armenia.md", "Armenia", text[start:end], start, end, a,
                      None if a is None else a + 7, 0.5, 0.9, rank)

    answer = Answer("What is the capital of Armenia?", "Yerevan", 0.9,
                    (src(0, 34, 0, 1), src(0, 70, None, 2), src(0, 70, 0, 3),
                     src(35, 70, None, 4)))
    _print_answer(answer)
    cited = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  from")]
    assert cited == ["  from Armenia (armenia.md, chars 0-7):"]


def test_a_snippet_keeps_no_break_spaces_and_accents_whole() -> None:
    from qa.cli_ask import _snippet

    text = "x" * 40 + "e\u0301 then 12\u00a0000 seats in Zoe\u0308" + "y" * 40 + " Hall"
    a, b = text.index("12"), text.index("12") + 6
    # the cut falls on a combining accent in a word too long to reach its edge: it moves
    # to keep the accent with its letter
    assert unicodedata.combining(text[a - 7]) and unicodedata.combining(text[b + 13])
    assert _snippet(text, a, b, width=7).startswith("…e\u0301 then [12\u00a0000]")
    assert _snippet(text, a, b, width=13).endswith("seats in Zoe\u0308…")


def test_a_snippet_starts_and_ends_at_whole_words() -> None:
    """A trial: snippets began and ended inside words ('…whe…', '…pr…')."""
    from qa.cli_ask import _snippet

    text = ("The lighthouse keeper painted the lantern room cobalt blue in 1911, while the "
            "harbour master repaired the pier and the whole town watched from the shore.")
    a = text.index("1911")
    snippet = _snippet(text, a, a + 4, width=30)
    assert snippet == ("…the lantern room cobalt blue in [1911], while the harbour master "
                       "repaired…")


def test_the_answer_is_bold_on_a_colour_terminal_and_marked_apart_from_brackets_else(
        seeds_pipeline) -> None:
    args = ["-q", "ask", "--index", str(seeds_pipeline.index_dir), CHECHEN]
    plain = CliRunner().invoke(main, args)  # not a terminal: no colour
    assert plain.exit_code == 0, plain.output
    snippet = plain.stdout.splitlines()[3]
    assert "\x1b[" not in plain.stdout
    assert snippet.count("[Ramzan Kadyrov]") == 1  # the seed articles hold no brackets
    coloured = CliRunner().invoke(main, args, color=True)
    assert coloured.exit_code == 0, coloured.output
    lines = coloured.stdout.splitlines()
    assert lines[0] == "\x1b[1mRamzan Kadyrov\x1b[0m"
    assert lines[3] == snippet.replace("[Ramzan Kadyrov]", "\x1b[1mRamzan Kadyrov\x1b[0m")
    assert "[" not in lines[3].replace("\x1b[", "")  # no bracket but in the escape codes


def test_brackets_in_the_text_take_another_marker(capsys) -> None:
    from qa.cli_ask import MARKERS, _print_answer, _snippet, marker
    from qa.types import Answer, Source

    text = "Yerevan [a] is the capital of Armenia [1]."
    answer = Answer("What is the capital of Armenia?", "Yerevan", 0.9,
                    (Source("armenia.md", "Armenia", text, 0, len(text), 0, 7, 0.5, 0.9, 1),))
    _print_answer(answer)  # capsys: not a terminal
    assert capsys.readouterr().out.splitlines()[-1] == (
        '    "«Yerevan» [a] is the capital of Armenia [1]."')
    assert _snippet("Yerevan is the capital.", 0, 7) == "[Yerevan] is the capital."
    assert _snippet(text, 0, 7, bold=True) == (
        "\x1b[1mYerevan\x1b[0m [a] is the capital of Armenia [1].")
    # a character of a pair in the snippet rules the pair out; only the shown part counts
    assert marker("a «quote» [1]") == ("⟦", "⟧")
    assert marker("only ] here") == ("«", "»")
    assert marker("".join(a + b for a, b in MARKERS)) == MARKERS[-1]
    far = "x [1] " + "y" * 200 + " Yerevan is it."
    a = far.index("Yerevan")
    assert _snippet(far, a, a + 7, width=20).count("[Yerevan]") == 1  # '[1]' not shown


def test_an_answer_over_a_line_break_prints_on_one_line(capsys) -> None:
    # found in a trial: a hard-wrapped text file's answer printed as two lines
    from qa.cli_ask import _print_answer
    from qa.types import Answer, Source

    text = "Bash borrowed from the Korn shell (ksh) and C shell\n(csh)."
    end = text.index(")") + 1 + len(" and C shell\n(csh)")
    start = text.index("Korn")
    answer = Answer("Which shells?", text[start:end], 0.8,
                    (Source("bash.txt", "Bash", text, 0, len(text), start, end, 0.5, 0.8, 1),))
    _print_answer(answer)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Korn shell (ksh) and C shell (csh)"
    assert out[-1] == '    "Bash borrowed from the [Korn shell (ksh) and C shell (csh)]."'


def test_several_question_files_are_all_read(seeds_pipeline, tmp_path: Path) -> None:
    # found in a trial: with -f given twice, only the last file's questions were answered;
    # a UTF-16 file (with its byte-order mark, as Windows editors write it) is read too
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(f"{CHECHEN}\n", encoding="utf-16")
    second.write_text(f"{BELARUS}\n", encoding="utf-8")
    res = _ask(seeds_pipeline.index_dir, CONTRACTS, "-f", str(first), "-f", str(second),
               "--json")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["question"] for r in rows] == [CONTRACTS, CHECHEN, BELARUS]
    assert [r["text"] for r in rows] == ["six-month", "Ramzan Kadyrov", None]
    twice = _ask(seeds_pipeline.index_dir, "-f", "-", "-f", "-", stdin=f"{CHECHEN}\n")
    assert twice.exit_code == 2 and "standard input (-f -) can be read once" in twice.stderr


def test_a_question_that_starts_with_a_dash_is_shown_how_to_ask(tmp_path: Path) -> None:
    # click reads "-1 is what?" as options: the refusal says to put it after --
    for question in ("-1 is what?", "-5"):
        res = _ask(tmp_path / "no-index", question)
        assert res.exit_code == 2
        assert "No such option" in res.stderr
        assert "A question that starts with '-' goes after --: qa ask -- " in res.stderr
    res = _ask(tmp_path / "no-index", "--jsn", "Who?")  # a mistyped option: no such hint
    assert res.exit_code == 2 and "Did you mean '--json'?" in res.stderr
    assert "goes after --" not in res.stderr
    res = _ask(tmp_path / "no-index", "--", "-1 is what?")  # and then it is a question
    assert res.exit_code == 1 and "no index" in res.stderr.lower()


def test_a_question_in_another_language_not_found_says_the_reader_reads_english(
        seeds_pipeline) -> None:
    from qa.language import NOT_ENGLISH_HINT

    res = _ask(seeds_pipeline.index_dir, "Wer ist der Anführer Tschetscheniens?", BELARUS)
    assert res.exit_code == 0, res.output
    german, english = res.stdout.split("\n\n")[:2]
    assert german.splitlines()[1:3] == ["Not found in the articles.", NOT_ENGLISH_HINT]
    assert "Not found in the articles." in english and NOT_ENGLISH_HINT not in english


def test_json_carries_the_not_english_hint(seeds_pipeline) -> None:
    """A trial: `qa ask --json "Qui est le maire?"` gave text null and no word of why."""
    from qa.language import NOT_ENGLISH_HINT

    res = _ask(seeds_pipeline.index_dir, "Qui est le maire de la ville?", BELARUS, "--json")
    assert res.exit_code == 0, res.output
    french, english = (json.loads(line) for line in res.stdout.splitlines())
    assert french["text"] is None and french["hint"] == NOT_ENGLISH_HINT
    assert english["text"] is None and "hint" not in english

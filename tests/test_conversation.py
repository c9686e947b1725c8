"""Conversations: a follow-up answered in the light of the turns before, in Python and at
the `qa ask` prompt (piped and in a real terminal)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.conversation import Conversation
from qa.errors import ConfigError, QuestionError
from qa.metrics import normalize_answer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CHECHEN = "Who is the Chechen leader?"
ALLY = "And who is his close ally?"


def test_a_follow_up_reads_the_person_the_conversation_is_about(seeds_pipeline) -> None:
    talk = Conversation(seeds_pipeline)
    first = talk.ask(CHECHEN)
    assert first.text == "Ramzan Kadyrov" and talk.last_query == CHECHEN
    second = talk.ask(ALLY)
    assert second.question == "And who is Ramzan Kadyrov's close ally?"
    assert second.text is not None and "putin" in normalize_answer(second.text)
    assert talk.last_query == f"{CHECHEN} And who is Ramzan Kadyrov's close ally?"
    assert talk.turns == [(CHECHEN, "Ramzan Kadyrov"), (ALLY, second.text)]
    talk.clear()
    alone = talk.ask(ALLY)  # nothing before it: read as asked
    assert alone.question == ALLY and talk.turns == [(ALLY, alone.text)]


def test_a_question_that_cannot_be_asked_leaves_the_turns(seeds_pipeline) -> None:
    talk = Conversation(seeds_pipeline, max_turns=2)
    talk.ask(CHECHEN)
    with pytest.raises(QuestionError, match="empty"):
        talk.ask("   ")
    assert [q for q, _ in talk.turns] == [CHECHEN]
    talk.ask("How long are the contracts?")
    talk.ask(ALLY)
    assert [q for q, _ in talk.turns] == ["How long are the contracts?", ALLY]  # two kept


@pytest.mark.parametrize("kwargs, message", [
    ({"max_turns": 0}, "max_turns must be"),
    ({"max_turns": True}, "max_turns must be"),
    ({"index_dir": "x", "pipeline": object()}, "not both"),
    ({"pipeline": "x", "index_dir": "y"}, "give the index folder once"),
    ({"pipeline": 42}, "pipeline must be a QAPipeline (or an index folder), got int"),
    ({"index_dir": 123}, "index_dir must be a folder's path, got int"),
])
def test_conversation_settings_are_checked(kwargs, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        Conversation(**kwargs)


def test_an_index_folder_may_come_first_as_for_a_pipeline(seeds_pipeline) -> None:
    """A trial: Conversation("/path/to/index") was taken for a pipeline and failed at the
    first question with an AttributeError."""
    talk = Conversation(seeds_pipeline.index_dir)
    assert talk.pipeline.index_dir == seeds_pipeline.index_dir
    assert talk.ask(CHECHEN).text == "Ramzan Kadyrov"


def test_qa_ask_interactive_reads_piped_questions_as_a_conversation(seeds_pipeline) -> None:
    lines = f"{CHECHEN}\n\n{ALLY}\nclear\n{'why ' * 300}\n{ALLY}\nexit\nWho?\n"
    res = CliRunner().invoke(main, ["-q", "ask", "-i", "--index", str(seeds_pipeline.index_dir)],
                             input=lines)
    assert res.exit_code == 0, res.output
    blocks = res.stdout.strip().split("\n\n")
    # piped, no prompt shows the question: the transcript repeats it before its answer
    assert blocks[0].startswith(f"? {CHECHEN}\nRamzan Kadyrov\nscore ")
    assert blocks[1].startswith(f"? {ALLY}\n(read as: And who is Ramzan Kadyrov's close "
                                "ally?)\n")
    assert "putin" in normalize_answer(blocks[1].splitlines()[2])
    assert blocks[2].startswith(f"? clear\n? {'why ' * 299}why\n? {ALLY}\n")  # refused: no answer
    assert "(read as" not in blocks[2]  # after 'clear': read as asked
    assert blocks[3:] == ["? exit"]  # 'Who?' after exit is never asked
    assert "conversation cleared" in res.stderr
    assert "Error: the question is 1,199 characters long" in res.stderr
    assert "Traceback" not in res.output


def test_qa_ask_interactive_json_gives_one_line_a_question(seeds_pipeline) -> None:
    res = CliRunner().invoke(main, ["-q", "ask", "-i", "--json", "--index",
                                    str(seeds_pipeline.index_dir)], input=f"{CHECHEN}\n{ALLY}\n")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["question"] for r in rows] == [CHECHEN, "And who is Ramzan Kadyrov's close ally?"]
    assert [r["asked"] for r in rows] == [CHECHEN, ALLY]  # as typed
    assert rows[1]["retrieval_query"].startswith(CHECHEN)


def test_interactive_takes_no_questions_and_piped_input_needs_it(seeds_pipeline) -> None:
    index = str(seeds_pipeline.index_dir)
    both = CliRunner().invoke(main, ["ask", "-i", CHECHEN, "--index", index])
    assert both.exit_code == 2 and "give no QUESTION" in both.output
    piped = CliRunner().invoke(main, ["ask", "--index", index], input="")
    assert piped.exit_code == 2 and "-i to ask at a prompt" in piped.output


def test_a_missing_index_is_said_before_the_prompt(tmp_path: Path) -> None:
    """A trial: the prompt took a question, then said there was no index."""
    res = CliRunner().invoke(main, ["ask", "-i", "--index", str(tmp_path / "none")],
                             input=f"{CHECHEN}\n")
    assert res.exit_code == 1
    assert "no index" in res.stderr.lower() and "Ask about your articles" not in res.stderr
    assert res.stdout == ""


def _read_until(fd: int, wanted: bytes, seconds: float = 120.0) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while wanted not in out:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise AssertionError(f"no {wanted!r} in {out.decode(errors='replace')!r}")
        try:
            out += os.read(fd, 4096)
        except OSError:  # the other end closed
            raise AssertionError(f"no {wanted!r} in {out.decode(errors='replace')!r}") from None
    return out


def test_qa_ask_with_no_question_in_a_terminal_asks_at_a_prompt(seeds_pipeline) -> None:
    parent, child = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "qa", "-q", "ask", "--index",
                             str(seeds_pipeline.index_dir)], cwd=ROOT, env=env,
                            stdin=child, stdout=child, stderr=child)
    os.close(child)
    try:
        _read_until(parent, b"? ")
        os.write(parent, f"{CHECHEN}\n".encode())
        shown = _read_until(parent, b"\r\nscore ")
        assert b"\x1b[1mRamzan Kadyrov\x1b[0m\r\nscore" in shown  # in bold in a terminal
        os.write(parent, f"{ALLY}\n".encode())
        _read_until(parent, b"(read as: And who is Ramzan Kadyrov's close ally?)")
        os.write(parent, b"\x04")  # Ctrl-D at an empty prompt ends it
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
        os.close(parent)

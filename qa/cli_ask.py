"""`qa ask`: one question, several, or a file of them, answered with their sources."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click
from tqdm.auto import tqdm

from qa.cli import (
    _answer_types_option,
    _friendly,
    _index_option,
    _one_line,
    _threshold_option,
    _top_k_option,
    main,
)
from qa.errors import QuestionError
from qa.fileio import not_utf8_at, utf16_text, without_bom
from qa.language import NOT_ENGLISH_HINT, seems_not_english
from qa.text import fold_space, is_mark, mark_end

logger = logging.getLogger(__name__)


class _AskCommand(click.Command):
    """`qa ask`, whose refusal of an unknown option says how to ask a question that starts
    with '-' ("-1 is what?"), which click reads as options."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            if any(_reads_as_question(a) for a in args) or exc.option_name[1:2].isdigit():
                raise click.UsageError(
                    f"{exc.format_message()} A question that starts with '-' goes after "
                    "--: qa ask -- \"-1 is what?\"", ctx) from exc
            raise


def _reads_as_question(arg: str) -> bool:
    """An argument that begins like an option but holds words ('-1 is what?')."""
    return arg.startswith("-") and any(c.isspace() for c in arg)


@main.command("ask", cls=_AskCommand)
@click.argument("questions", nargs=-1, metavar="[QUESTION]...")
@click.option("-f", "--file", "questions_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help="Also answer the questions in this UTF-8 (or UTF-16 with a BOM) file, one "
                   "a line (blank lines skipped); - reads them from standard input. May be "
                   "given more than once.")
@_index_option
@_top_k_option
@_threshold_option
@click.option("--json", "as_json", is_flag=True,
              help="Print Answer.to_dict() as JSON; with several questions, one object a "
                   "line (JSON Lines).")
@click.option("-i", "--interactive", is_flag=True,
              help="Ask one question after another at a prompt; follow-ups lean on the "
                   "questions before ('And who is his close ally?'). The default with no "
                   "QUESTION in a terminal.")
@click.option("--reader-model", default=None, help="Reader model folder or hub id.")
@click.option("--embedding-model", default=None, help="sentence-transformers path or hub id.")
@_answer_types_option
@_friendly
def ask_cmd(questions: tuple[str, ...], questions_files: tuple[str, ...], index_dir: str | None,
            top_k: int | None, threshold: float | None, as_json: bool, interactive: bool,
            reader_model: str | None, embedding_model: str | None,
            answer_types: bool | None) -> None:
    """Answer each QUESTION from the indexed articles, with its sources.

    Several questions (or a --file of them) load the models once, so they
    take a fraction of a second each after the first; a question that
    cannot be asked is reported and the others are still answered. With no
    QUESTION in a terminal (or with -i), it asks for one question after
    another, follow-ups read in the light of the ones before.

    \b
    Examples:
      qa ask "Who did Russia recruit to fight in Ukraine?"
      qa ask "How long are the contracts?" --json
      qa ask -f questions.txt --json > answers.jsonl
      qa ask                                   (a conversation at a prompt)
      qa ask -- "-40 degrees: where was it that cold?"   (a question starting with -)
    """
    from qa.pipeline import QAPipeline

    if interactive and (questions or questions_files):
        raise click.UsageError("-i/--interactive asks at a prompt: give no QUESTION or "
                               "--file with it.")
    if questions_files.count("-") > 1:
        raise click.UsageError("standard input (-f -) can be read once.")
    asked = list(questions) + [q for source in questions_files for q in _read_questions(source)]
    interactive = interactive or (not asked and not questions_files and sys.stdin.isatty())
    if not asked and not interactive:
        raise click.UsageError("give a QUESTION, or --file with questions one a line "
                               "(or -i to ask at a prompt).")
    pipe = QAPipeline(index_dir, reader_model=reader_model, embedding_model=embedding_model,
                      threshold=threshold, answer_types=answer_types)
    if interactive:
        _converse(pipe, top_k, as_json)
        return
    if len(asked) == 1 and not questions_files:
        a = pipe.answer(asked[0], top_k=top_k)
        if as_json:
            click.echo(json.dumps(_as_json(a), indent=2, ensure_ascii=False))
        else:
            _print_answer(a)
        return
    failed = 0
    bar = tqdm(asked, desc="asking", unit="question", file=sys.stderr,
               disable=sys.stdout.isatty() or not logger.isEnabledFor(logging.INFO))
    for n, question in enumerate(bar, 1):
        gap = "\n" if n > 1 else ""  # a blank line between answers
        try:
            a = pipe.answer(question, top_k=top_k)
        except QuestionError as exc:
            failed += 1
            if as_json:
                click.echo(json.dumps({"question": question, "error": _one_line(str(exc))},
                                      ensure_ascii=False))
            else:
                click.echo(f"{gap}[{n}] {_shortened(_one_line(question))}")
                click.echo(f"Error: {_one_line(str(exc))}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(_as_json(a), ensure_ascii=False))
        else:
            click.echo(f"{gap}[{n}] {a.question}")
            _print_answer(a)
    if failed:
        raise click.ClickException(f"{failed} of {len(asked)} questions could not be asked "
                                   "(see above); the others were answered.")


#: What ends a conversation at the prompt, and what starts it over.
_EXIT_WORDS = frozenset({"exit", "quit", "/exit", "/quit", ":q"})
_CLEAR_WORDS = frozenset({"clear", "/clear"})


def _converse(pipe: Any, top_k: int | None, as_json: bool) -> None:
    """Questions read at a prompt, one after another, each answered in the light of the
    ones before (:class:`qa.conversation.Conversation`); until exit, quit or end of input."""
    from qa.conversation import Conversation

    talk = Conversation(pipe)
    pipe.index  # a missing or damaged index fails now, not after a question is typed
    piped = not sys.stdin.isatty()
    if not piped:
        try:  # line editing and ↑ for the questions before, where Python has it
            import readline  # noqa: F401
        except ImportError:
            pass
    click.echo("Ask about your articles; follow-ups lean on the questions before. "
               "'clear' starts over; 'exit' or Ctrl-D ends.", err=True)
    while True:
        line = _prompted_line()
        if line is None:
            return
        typed = " ".join(line.split())
        if piped and typed and not as_json:
            click.echo(f"? {typed}")  # no prompt showed it: the transcript says what was asked
        if not typed:
            continue
        if typed.lower() in _EXIT_WORDS:
            return
        if typed.lower() in _CLEAR_WORDS:
            talk.clear()
            click.echo("(conversation cleared: the next question is read on its own)",
                       err=True)
            continue
        try:
            a = talk.ask(typed, top_k=top_k)
        except QuestionError as exc:
            click.echo(f"Error: {_one_line(str(exc))}", err=True)
            continue
        if as_json:
            click.echo(json.dumps({**_as_json(a), "asked": talk.turns[-1][0],
                                   "retrieval_query": talk.last_query}, ensure_ascii=False))
            continue
        if a.question != talk.turns[-1][0]:  # a follow-up made self-contained
            click.echo(f"(read as: {a.question})")
        _print_answer(a)
        click.echo("")


def _as_json(a: Any) -> dict[str, Any]:
    """``Answer.to_dict()``, with the ``hint`` the text output gives when a question that
    seems not English found nothing."""
    row: dict[str, Any] = a.to_dict()
    if a.text is None and seems_not_english(a.question):
        row["hint"] = NOT_ENGLISH_HINT
    return row


def _prompted_line() -> str | None:
    """The next line typed at a '?' prompt (no prompt when the input is piped), or None at
    the end of input, Ctrl-D or Ctrl-C."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line if line else None
    try:
        return str(click.prompt("?", prompt_suffix=" ", default="", show_default=False,
                                err=True))
    except click.Abort:
        click.echo("", err=True)
        return None


def _shortened(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_questions(source: str) -> list[str]:
    """The non-blank lines of ``source`` (a file, or - for standard input), stripped;
    a usage error when there are none."""
    name = "standard input" if source == "-" else source
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {name}: {exc.strerror or exc}") from exc
    try:
        text = utf16_text(raw, "the questions")
    except ValueError as exc:
        raise click.ClickException(f"{name} {exc}.") from exc
    if text is None:
        try:
            text = without_bom(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise click.ClickException(
                f"{name} is not UTF-8 text ({not_utf8_at(exc)}): save the questions as "
                "UTF-8, one a line.") from exc
    # lines end at line feeds only (a question may hold U+2028); a line with nothing
    # printable on it (blank, or a stray zero-width character) is no question
    lines = [line.strip() for line in text.split("\n")]
    asked = [line for line in lines if any(ch.isprintable() and not ch.isspace() for ch in line)]
    if not asked:
        raise click.UsageError(f"{name} holds no questions: write them one a line.")
    return asked


def _print_answer(a: Any) -> None:
    if a.text is None:
        click.echo("Not found in the articles.")
        if seems_not_english(a.question):
            click.echo(NOT_ENGLISH_HINT)
        if a.sources:
            click.echo("Closest passages:")
            for s in a.sources[:3]:
                click.echo(f"  - {s.title} ({s.doc_id}): \"{_snippet(s.passage, 0, 0)}\"")
        return
    click.secho(fold_space(a.text), bold=True)  # an answer over a line break: one line
    click.echo(f"score {a.score:.2f}")
    bold = _colour()
    # overlapping passages can hold the same span: each place in an article once
    places = {(s.doc_id, s.answer_start, s.answer_end): s for s in reversed(a.sources)
              if s.has_answer}
    for s in sorted(places.values(), key=a.sources.index)[:3]:
        a0 = s.answer_start - s.passage_start
        a1 = s.answer_end - s.passage_start
        click.echo(f"  from {s.title} ({s.doc_id}, chars {s.answer_start}-{s.answer_end}):")
        click.echo(f"    \"{_snippet(s.passage, a0, a1, bold=bold)}\"")


#: The pairs that can mark the answer in a snippet without colour, the first whose
#: characters the snippet does not hold: brackets in the text must not read as the marker.
MARKERS = (("[", "]"), ("«", "»"), ("⟦", "⟧"), ("⟪", "⟫"))


def _colour() -> bool:
    """Whether standard output shows styles (a terminal, unless click's colour setting says
    otherwise), as ``click.echo`` decides when it keeps or strips them."""
    from click import utils  # looked up when called: CliRunner(color=True) replaces it
    from click.globals import resolve_color_default

    return not utils.should_strip_ansi(sys.stdout, resolve_color_default())


def marker(text: str) -> tuple[str, str]:
    """The first pair of :data:`MARKERS` neither of whose characters occurs in ``text``
    (the last when all do)."""
    return next((pair for pair in MARKERS if pair[0] not in text and pair[1] not in text),
                MARKERS[-1])


#: How far a snippet's edge moves to reach a word's edge ('…whe…' was cut mid-word).
_WORD_REACH = 25


def _word_start(text: str, lo: int) -> int:
    """``lo``, or the start of the word it falls in when that is near (else ``lo``, kept
    off the spot between a letter and its accent)."""
    for i in range(lo, max(0, lo - _WORD_REACH) - 1, -1):
        if i == 0 or text[i - 1].isspace():
            return i
    while 0 < lo < len(text) and is_mark(text[lo]):
        lo -= 1
    return lo


def _word_end(text: str, hi: int) -> int:
    """``hi``, or the end of the word it falls in when that is near (else ``hi``, past the
    accents of its last letter)."""
    for i in range(hi, min(len(text), hi + _WORD_REACH) + 1):
        if i == len(text) or text[i].isspace():
            return i
    return mark_end(text, hi)


def _snippet(text: str, a: int, b: int, width: int = 90, bold: bool = False) -> str:
    """About ``width`` characters of ``text`` around [a, b), the answer in bold (``bold``:
    for a terminal with colour) or between the first of :data:`MARKERS` that the snippet
    does not hold otherwise."""
    lo = _word_start(text, max(0, a - width))
    hi = _word_end(text, min(len(text), b + width) if b > a else min(len(text), 2 * width))
    if b > a:
        start, end = marker(text[lo:hi])
        answer = click.style(text[a:b], bold=True) if bold else f"{start}{text[a:b]}{end}"
        body = f"{text[lo:a]}{answer}{text[b:hi]}"
    else:
        body = text[:hi]
    body = fold_space(body).strip()
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")

"""Checks of what callers pass: a question, a top-k, a threshold."""

from __future__ import annotations

import numbers
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from qa.config import MAX_QUESTION_CHARS
from qa.errors import ConfigError, QuestionError
from qa.text import unify


def check_threshold(threshold: Any) -> float:
    """``threshold`` when it is a number from 0 to 1; ConfigError otherwise."""
    if (isinstance(threshold, bool) or not isinstance(threshold, numbers.Real)
            or not 0.0 <= float(threshold) <= 1.0):  # nan fails too
        raise ConfigError(f"threshold must be a number from 0 to 1, got {threshold!r}")
    return float(threshold)


def check_top_k(top_k: Any) -> int:
    """``top_k`` when it is a whole number from 1 to 50; ConfigError otherwise."""
    if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) \
            or not 1 <= int(top_k) <= 50:
        raise ConfigError(f"top_k must be a whole number from 1 to 50, got {top_k!r}")
    return int(top_k)


_ANSI_ESCAPE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC … BEL or ST: hyperlinks, window titles
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b[()*+][0-9A-Za-z]"  # character set choice
    r"|\x1b[@-Z\\-_]")  # other two-character escapes


#: Zero-width non-joiner and joiner: part of how Persian, Indic scripts and emoji are
#: written, kept in articles (qa.text.unify), so kept in questions too.
_JOINERS = frozenset("\u200c\u200d")


def clean_question(question: Any, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """The question, stripped; QuestionError when it is empty or too long. Terminal
    escape sequences and format characters (zero-width, bidi marks, BOMs) are removed,
    other control characters and runs of whitespace become one space, and the text takes
    the Unicode form articles are indexed in (:func:`qa.text.unify`)."""
    if not isinstance(question, str):
        raise QuestionError(f"a question must be text, got {type(question).__name__}")
    text = _ANSI_ESCAPE.sub("", question)  # a pasted terminal colour code: not a word
    text = text.replace("\u200b", " ")  # a zero-width space still parts words
    text = "".join(ch if ch.isprintable() or ch in _JOINERS
                   else ("" if unicodedata.category(ch) == "Cf" else " ")
                   for ch in text)  # other format characters (bidi marks, BOMs) go
    text = unify(" ".join(text.split()))  # the form the articles were indexed in
    if not text:
        raise QuestionError("the question is empty: type a question about your articles")
    if len(text) > max_chars:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is {max_chars:,}. "
            "Ask a shorter question."
        )
    return text


#: Words that name nothing to look for: articles, prepositions, pronouns, forms of "be",
#: "do" and "have", modal verbs and question words. A question of these alone ("the",
#: "Who is he?" with no conversation before it) has nothing the articles could answer.
FUNCTION_WORDS = frozenset("""
a an the and or but nor of in on at to from by for with into onto about as than then so if
is are was were be been being am do does did done has have had will would shall should can
could may might must i me my mine you your yours he him his she her hers it its we us our
ours they them their theirs this that these those there here who whom whose what which
when where why how not no
""".split())
_WORD = re.compile(r"\w+")


def has_content_word(text: str) -> bool:
    """Whether ``text`` holds a word other than :data:`FUNCTION_WORDS` (a name, a noun, a
    number: something to look for)."""
    return any(w not in FUNCTION_WORDS for w in _WORD.findall(text.casefold()))


def check_readings(passages: Sequence[str], readings: Sequence[Any]) -> None:
    """ConfigError when a Reader's readings do not fit the passages it was given: one
    Reading per passage, in order, each span's text its passage's slice. A reader of one's
    own that gets this wrong would otherwise cite and highlight the wrong words."""
    if len(readings) != len(passages):
        raise ConfigError(
            f"the reader returned {len(readings)} readings for {len(passages)} passages: a "
            "Reader returns one Reading per passage, in the passages' order")
    for n, (passage, reading) in enumerate(zip(passages, readings), 1):
        for span in reading.spans:
            if not 0 <= span.start <= span.end <= len(passage) \
                    or passage[span.start:span.end] != span.text:
                raise ConfigError(
                    f"the reader's span {span.text!r} for passage {n} is not the passage's "
                    f"characters {span.start}-{span.end} "
                    f"({passage[span.start:span.end]!r}): a Span's text must be "
                    "passage[start:end]")

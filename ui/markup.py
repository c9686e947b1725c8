"""Markup pasted into the chat's question box with a question, taken off before it is read."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["without_markup"]

# Markup pasted into the question box with the question (from a web page's source, a chat
# app's Markdown): "<b>Who</b> is the <i>Chechen</i> leader?" found nothing and
# "**Who** is the `Chechen` leader?" scored half of the plain question, as the reader reads
# the marks as words. Taken off: a script or style element with its content, an element's
# tags around its text (a pair, so "What does the <br> tag do?" keeps its tag), an image's
# tag, and Markdown's paired stars and code marks ("2*3*4" keeps its stars; underscores
# stay, as in "__init__.py").
_SCRIPT = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>", re.I | re.S)
_PAIRED_TAG = re.compile(r"<([a-z][a-z0-9]*)\b[^<>]*>(.*?)</\1\s*>", re.I | re.S)
_IMAGE_TAG = re.compile(r"<img\s[^<>]*>", re.I)
_MARKDOWN = (re.compile(r"(?<![\w*])\*\*(?=\S)(.+?)(?<=\S)\*\*(?![\w*])", re.S),  # 2**3
             re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"),
             re.compile(r"`([^`]+)`"))


#: Longer text is left as it is, for clean_question to refuse as too long: a tag left open
#: makes the paired-tag search scan to the text's end, so hundreds of them in a long text
#: (an API call) would take seconds before the question's length is checked.
MAX_CHARS = 4_000


def without_markup(question: Any) -> Any:
    """``question`` less the HTML and Markdown markup pasted with it (see above); what is
    no text, or text over MAX_CHARS, is left as it is, for clean_question to report."""
    if not isinstance(question, str) or len(question) > MAX_CHARS:
        return question
    text = _IMAGE_TAG.sub(" ", _SCRIPT.sub(" ", question))
    while True:
        plain = _PAIRED_TAG.sub(r"\2", text)
        if plain == text:
            break
        text = plain
    for mark in _MARKDOWN:
        text = mark.sub(r"\1", text)
    return text

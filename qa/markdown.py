"""The text of a Markdown article as read, and its title.

What a reader of the rendered page never sees is left out of the stored text: YAML front
matter (``---`` … ``---`` at the top), HTML comments, and the targets of links and images
(``[text](url)`` reads "text", ``![alt](src)`` "alt", ``<https://…>`` the address). Code
blocks and code spans are kept as written; emphasis marks stay (the reader trims them from
an answer's edges) but are dropped from titles (:func:`plain_markdown`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: YAML front matter: '---' on the first line, to a line '---' (or '...'), every line
#: between of YAML's shape (not a thematic break over prose: '---' then text, nor '---'
#: then a blank line).
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?![ \t]*\n)(?:.*?\n)??(?:---|\.\.\.)[ \t]*(?:\n|\Z)",
                           re.DOTALL)
#: A line of YAML front matter: 'key: value' (or 'key:'), a list item, an indented
#: continuation, a comment or a blank line.
_YAML_LINE = re.compile(r"[\w\"'][\w \t.\"'/-]*:(?:[ \t]|$)|[ \t]*-(?:[ \t]|$)|[ \t]+\S|#|[ \t]*$")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A code span (kept), else an HTML comment alone on its lines (left out with them), else
# one within a line (an unclosed '<!--' is left as written).
_COMMENT = re.compile(r"(`+).+?\1"
                      r"|^[ \t]*<!--(?s:(?:(?!-->).)*)-->[ \t]*(?:\n|\Z)"
                      r"|<!--(?s:(?:(?!-->).)*)-->", re.MULTILINE)
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-{2,})[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^ {0,3}(?:[-+*>]|\d+[.)]|#|<|\||$)|^ {4}")  # list, quote …

# A code span (kept as it is), else a link or image (its text), else an autolink.
_CODE = r"(`+)(?:.+?)\1"
_LINK = (r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"  # [text], one level of [] inside
         r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")  # (url "title")
_AUTOLINK = r"<((?:https?|ftp|mailto):[^\s<>]+)>"
_INLINE = re.compile(f"{_CODE}|{_LINK}|{_AUTOLINK}")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1"  # *em*, **strong**
                       r"|(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\3(?!\w)")  # _em_, not snake_case


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """The text of a Markdown article as stored (see the module's docstring) and its
    title: its first heading (``# Title``, or ``Title`` underlined with ``===`` or
    ``---``), as :func:`plain_markdown`; None when it has none."""
    markdown = _without_front_matter(markdown)
    out = []
    for code, part in _blocks(markdown):
        out.append(part if code else _prose(part))
    text = _LEADING_BLANK_LINES.sub("", "".join(out))
    return text, _first_heading(text)


def _without_front_matter(markdown: str) -> str:
    """``markdown`` less its YAML front matter, if it starts with some; a '---' rule over
    prose stays (its text would be lost)."""
    found = _FRONT_MATTER.match(markdown)
    if found is None:
        return markdown
    inner = found.group(0).splitlines()[1:-1]
    if not all(_YAML_LINE.match(line) for line in inner):
        return markdown
    return markdown[found.end():]


def _blocks(markdown: str) -> Iterator[tuple[bool, str]]:
    """(is code, text) runs of ``markdown``: fenced code blocks (fences included, to the
    end when one is not closed) and the prose between them, lines ends kept."""
    lines = markdown.splitlines(keepends=True)
    prose: list[str] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            prose.append(lines[i])
            i += 1
            continue
        if prose:
            yield False, "".join(prose)
            prose = []
        mark = fence.group(1)
        end = i + 1
        closing = re.compile(rf"^ {{0,3}}{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        yield True, "".join(lines[i:end + 1])
        i = end + 1
    if prose:
        yield False, "".join(prose)


def _prose(text: str) -> str:
    """Prose with its HTML comments left out (a comment alone on its lines with those
    lines) and its links and images as their text."""
    text = _COMMENT.sub(lambda m: m.group(0) if m.group(1) else "", text)
    return "".join(_inline_text(line) for line in text.splitlines(keepends=True))


def _inline_text(line: str) -> str:
    """A line's links and images as their text, autolinks as their address; code spans
    kept as written. An image inside a link ('[![PyPI](badge.svg)](…)') reads its alt."""
    for _ in range(3):  # the image inside a link first, then the link
        new = _INLINE.sub(lambda m: m.group(0) if m.group(1) else m.group(2) or m.group(3) or "",
                          line)
        if new == line:
            break
        line = new
    return line


def _first_heading(text: str) -> str | None:
    """The first ATX or setext heading of ``text`` outside code blocks, as plain text."""
    for code, part in _blocks(text):
        if code:
            continue
        lines = part.splitlines()
        for i, line in enumerate(lines):
            atx = _ATX.match(line)
            if atx and atx.group(1) and (heading := plain_markdown(atx.group(1))):
                return heading
            if (i + 1 < len(lines) and _SETEXT.match(lines[i + 1])
                    and not _NOT_PARAGRAPH.match(line)
                    and (heading := plain_markdown(line))):
                return heading
    return None


def prose_lines(text: str) -> Iterator[str]:
    """The lines of Markdown ``text`` outside code blocks, each as :func:`plain_markdown`."""
    for code, part in _blocks(text):
        if not code:
            yield from (plain_markdown(line) for line in part.splitlines())


def plain_markdown(line: str) -> str:
    """A Markdown line's text as read: links and images by their text, emphasis marks,
    code ticks and a closing '#' run dropped ('The **Hekla** Volcano ##' -> 'The Hekla
    Volcano'); what is inside code ticks stays as written ('`__init__.py`')."""
    line = _inline_text(re.sub(r"\s+#+\s*$", "", line))
    parts = _CODE_SPAN.split(line)  # text, ticks, code, text, ticks, code, …, text
    out = []
    for i, part in enumerate(parts):
        if i % 3 == 0:
            out.append(_EMPHASIS.sub(lambda m: m.group(2) or m.group(4), part))
        elif i % 3 == 2:
            out.append(part.strip())
    return " ".join("".join(out).split())

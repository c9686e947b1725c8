"""The text of a Markdown article as read, and its title.

What a reader of the rendered page never sees is left out of the stored text: YAML front
matter (``---`` … ``---`` at the top; Hugo's TOML ``+++`` … ``+++`` too), HTML comments,
HTML tags (their text stays, an ``<img>`` reads its alt text, ``<br>`` ends a line),
backslashes of escapes, reference definitions (``[ref]: https://…``) and the targets of
links and images (``[text](url)`` and ``[text][ref]`` read "text", ``![alt](src)`` "alt",
``<https://…>`` the address, a notes app's ``[[Page|text]]`` "text"). Code
blocks (fenced, or indented four spaces after a blank line) and code spans are kept as
written; a fence line is stored as an empty line, so a code block is a block of its own and
no answer runs from prose into code. Emphasis marks stay (the reader trims them from an
answer's edges) but are dropped from titles (:func:`plain_markdown`).

Comments are found in one pass and link texts, URLs and attribute values are bounded, so a
stray '<!--', '[' or '<' costs a bounded scan and a large upload cannot stall the chat.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from qa.text import GAP, close_gaps, has_words, short_title

#: YAML front matter: '---' on the first line, to a line '---' (or '...'), not '---' then
#: a blank line (a thematic break); its lines are checked by :func:`_front_matter`.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?![ \t]*\n)(?:.*?\n)??(?:---|\.\.\.)[ \t]*(?:\n|\Z)",
                           re.DOTALL)
#: TOML front matter (Hugo's): '+++' on the first line, to a line '+++'. A '+++' is no
#: Markdown, so it is front matter when a line of it is TOML's 'key = value'.
_TOML_FRONT_MATTER = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)??\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)
_TOML_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_TOML_ENTRY = re.compile(rf"^{_TOML_KEY}(?:[ \t]*\.[ \t]*{_TOML_KEY})*[ \t]*=", re.MULTILINE)
#: TOML's top-level 'title = "…"' (a basic or a literal string), before any '[table]'.
_TOML_TITLE = re.compile(r"""^title[ \t]*=[ \t]*("(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*(?:#.*)?$""",
                         re.MULTILINE)
_TOML_TABLE = re.compile(r"^[ \t]*\[", re.MULTILINE)
#: 'key: value' (or 'key:') with a key that is one identifier-like token starting in lower
#: case ('title', 'pipeline_tag') or quoted: 'Note: the deadline …' reads as prose.
_YAML_KEY = re.compile(r"""([A-Za-z_][\w.-]*|"[^"\n]*"|'[^'\n]*'):(?:[ \t]+(.*)|[ \t]*$)""")
#: A YAML block scalar's marker ('title: >-'): the value is on the lines below.
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*")
#: The other lines YAML's shape allows: a list item, an indented continuation, a comment,
#: a blank line.
_YAML_OTHER = re.compile(r"[ \t]*-(?:[ \t]|$)|[ \t]+\S|#|[ \t]*$")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
#: A fence within a list item, indented with the item's text ('1. Run:' then '    ```sh').
_ITEM_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_BLANK = re.compile(r"^[ \t]*$")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?[ \t]*$")
#: The rule under a table's header row ('| a | b |' or 'a | b' over '|--|--|'), matched on
#: a line without trailing blanks (else the blank runs overlap: quadratic time).
_TABLE_RULE = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?(?:[ \t]*\|[ \t]*:?-+:?)+[ \t]*\|?$")
#: What opens a line but is no part of its words: heading, quote and list marks.
_LINE_MARK = re.compile(r"^\s*(?:(?:#+|>+|[-+*]|\d{1,9}[.)])\s+)*|^\s*#+$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-{2,})[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^ {0,3}(?:[-+*>]|\d+[.)]|#|<|\||$)|^ {4}")  # list, quote …

#: A code span: ticks (group 1), its code (group 2), as many ticks. The one pattern for it.
_CODE = r"(`+)(.+?)\1"
#: An escaped punctuation mark ('\[' is a '[', not markup).
_ESCAPE = r"\\([!-/:-@\[-`{-~])"
#: A code span or an escape (kept), else a comment's opening.
_COMMENT_OPEN = re.compile(f"{_CODE}|{_ESCAPE}|<!--")
# Link texts and URLs are bounded so a stray '[' or '(' costs a bounded scan.
_TEXT = r"((?:[^\[\]\\]|\\.|\[[^\[\]]{0,500}\]){0,500})"  # [text], one level of [] inside
_LINK = (rf"!?\[{_TEXT}\]"
         r"\((?:[^()\s]|\([^()\s]{0,500}\)){0,2000}(?:\s+(?:\"[^\"]{0,500}\"|'[^']{0,500}'))?\s*\)")
#: A reference link: '[text][ref]', '[text][]' or '[text]', not before '(' (an inline
#: link's). '[label]:' at a line's start is a definition's, not a link (see _definition_like).
_REF_LINK = rf"(!?)\[{_TEXT}\](?:\[([^\[\]\n]{{0,500}})\](?!\()|(?!\())"
_AUTOLINK = r"<((?:https?|ftp|mailto):[^\s<>]+)>"
_TAG = (r"</?([A-Za-z][A-Za-z0-9-]*)"
        r"((?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]{0,2000}\"|'[^']{0,2000}'|[^\s\"'=<>`]+))?)*)"
        r"\s*/?>")
#: HTML elements (a '<name>' that is none of them is text: 'qa ask <question>').
_HTML_TAGS = frozenset(
    "a abbr address article aside b bdi bdo blockquote br caption center cite code col "
    "colgroup dd del details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 "
    "h6 header hr i img ins kbd li mark nav ol p picture pre q s samp section small source "
    "span strike strong sub summary sup table tbody td tfoot th thead tr tt u ul var "
    "video wbr".split())
_BLANK_RUN = re.compile(r"\n(?:[ \t]*\n){2,}")
#: Elements that make a block of their own: read as a paragraph break.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote caption center details dd div dl dt figcaption figure "
    "footer h1 h2 h3 h4 h5 h6 header hr li nav ol p pre section summary table tbody tfoot "
    "thead tr ul".split())
# Groups: 1-2 code, 3 escape, 4 link text, 5 '!', 6 ref text, 7 ref label, 8 autolink,
# 9 tag name, 10 its attributes.
_INLINE = re.compile(f"{_CODE}|{_ESCAPE}|{_LINK}|{_REF_LINK}|{_AUTOLINK}|{_TAG}")
_CODE_OR_ESCAPE = re.compile(f"{_CODE}|{_ESCAPE}")
#: A code span or an escape (kept), else a wiki link of Obsidian, Logseq or Foam notes:
#: '[[Page]]', '[[Page|shown text]]' (groups 4-6: '!', page, shown text); '![[x.png]]'
#: embeds a file.
_WIKI_LINK = re.compile(f"{_CODE}|{_ESCAPE}|"
                        r"(!?)\[\[([^\[\]|\n]{1,500})(?:\|([^\[\]\n]{1,500}))?\]\]")
_ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
#: A reference definition line: '[label]: url "title"' (not a footnote's '[^2]: Ibid.').
_DEFINITION = re.compile(r"^ {0,3}\[(?!\^)([^\[\]\n]{1,500})\]:[ \t]*<?[^\s<>]+>?"
                         r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*(?:\n|\Z)",
                         re.MULTILINE)
#: An image inside a link (a badge: '[![CI](ci.svg)](…)'): no part of a title.
_LINKED_IMAGE = re.compile(r"\[\s*!\[[^\[\]]{0,500}\]\([^()\s]{0,2000}\)\s*\]"
                           r"(?:\([^()\s]{0,2000}\)|\[[^\[\]\n]{0,500}\])")
_CODE_SPAN = re.compile(_CODE)
_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1"  # *em*, **strong**
                       r"|(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\3(?!\w)")  # _em_, not snake_case


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """The text of a Markdown article as stored (see the module's docstring) and its
    title: the front matter's ``title:``, else its first heading (``# Title``, or ``Title``
    underlined with ``===`` or ``---``) outside code, else its first line of prose, as
    :func:`plain_markdown`; None when it has no prose."""
    markdown, title = _front_matter(markdown)
    blocks = [(code, part if code else _without_comments(part)) for code, part in _blocks(markdown)]
    prose = [part for code, part in blocks if not code]
    labels = {_label(m.group(1)) for part in prose for m in _DEFINITION.finditer(part)}
    out = []
    for code, part in blocks:
        if code:
            out.append("".join("\n" if _ITEM_FENCE.match(line) else line
                               for line in part.splitlines(keepends=True)))
        else:
            out.append(_prose(part, labels))
    text = _LEADING_BLANK_LINES.sub("", "".join(out))
    return text, title or _first_heading(prose) or _first_line(prose)


def only_front_matter(markdown: str) -> bool:
    """Whether ``markdown`` is front matter (YAML, or TOML) and nothing else (blank lines
    aside)."""
    body, _ = _front_matter(markdown)
    return body != markdown and not body.strip()


def _front_matter(markdown: str) -> tuple[str, str | None]:
    """``markdown`` less its YAML front matter, if it starts with some, and the front
    matter's title. Lines between rules that are not all of YAML's shape, or hold no
    'key: value', are prose (a thematic break over a paragraph) and stay. Hugo's TOML front
    matter (``+++`` … ``+++``, ``title = "…"``) is left out too."""
    toml = _TOML_FRONT_MATTER.match(markdown)
    if toml is not None and _TOML_ENTRY.search(toml.group(1) or ""):
        return markdown[toml.end():], _toml_title(toml.group(1))
    found = _FRONT_MATTER.match(markdown)
    if found is None:
        return markdown, None
    title, keys, lower = None, 0, False
    for line in found.group(0).splitlines()[1:-1]:
        key = _YAML_KEY.match(line)
        if key:
            keys += 1
            lower = lower or not key.group(1)[0].isupper()
            value = (key.group(2) or "").strip()
            if (key.group(1).lower() == "title" and title is None and value
                    and not _BLOCK_SCALAR.fullmatch(value)):
                title = value[1:-1] if len(value) > 1 and value[0] == value[-1] in "\"'" else value
        elif not _YAML_OTHER.match(line):
            return markdown, None
    # 'Note: the deadline is May 3.' alone between rules is prose; 'Title: …' and 'Date:
    # …' together, or any lower-case key ('title:', 'pipeline_tag:'), are front matter
    if not keys or not lower and keys < 2:
        return markdown, None
    return markdown[found.end():], title and plain_markdown(title)


def _toml_title(front: str) -> str | None:
    """The top-level ``title`` of TOML front matter (before any ``[table]``), or None."""
    table = _TOML_TABLE.search(front)
    found = _TOML_TITLE.search(front, 0, table.start() if table else len(front))
    if found is None:
        return None
    value = found.group(1)
    if value[0] == '"':
        try:  # a basic string's escapes are JSON's (\" and \u00e9)
            value = json.loads(value)
        except ValueError:
            value = value[1:-1]
    else:
        value = value[1:-1]
    return plain_markdown(value) if value.strip() else None


def _blocks(markdown: str) -> Iterator[tuple[bool, str]]:
    """(is code, text) runs of ``markdown``: fenced code blocks (fences included, to the
    end when one is not closed), indented code blocks (after a blank line, not within a
    list item) and the prose between them, line ends kept."""
    lines = markdown.splitlines(keepends=True)
    prose: list[str] = []
    in_list = False
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line) or (_ITEM_FENCE.match(line) if in_list else None)
        indented = (_INDENTED.match(line) and not _BLANK.match(line) and not in_list
                    and (i == 0 or _BLANK.match(lines[i - 1])))
        if not fence and not indented:
            if not _BLANK.match(line) and not _INDENTED.match(line):
                in_list = bool(_LIST_ITEM.match(line))
            prose.append(line)
            i += 1
            continue
        if prose:
            yield False, "".join(prose)
            prose = []
        end = i + 1
        if fence:
            mark = fence.group(1)
            closing = re.compile(rf"^[ \t]*{re.escape(mark[0])}{{{len(mark)},}}[ \t]*$")
            while end < len(lines) and not closing.match(lines[end]):
                end += 1
            end += 1
        else:  # indented lines, and blank lines followed by more of them
            last = i
            while end < len(lines) and (_INDENTED.match(lines[end]) or _BLANK.match(lines[end])):
                if not _BLANK.match(lines[end]):
                    last = end
                end += 1
            end = last + 1
        yield True, "".join(lines[i:end])
        i = end
    if prose:
        yield False, "".join(prose)


def _without_comments(text: str) -> str:
    """``text`` less its HTML comments (one alone on its lines with those lines); code spans
    and escaped '<' are not comments, an unclosed '<!--' stays as written. One pass: when a
    '<!--' has no '-->' after it, none later has either."""
    out, pos, at = [], 0, 0
    while found := _COMMENT_OPEN.search(text, at):
        if found.group(0) != "<!--":
            at = found.end()
            continue
        close = text.find("-->", found.end())
        if close < 0:
            break
        start, stop = found.start(), close + 3
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", stop)
        line_end = len(text) if line_end < 0 else line_end + 1
        if line_start >= pos and not text[line_start:start].strip() \
                and not text[stop:line_end].strip():
            start, stop = line_start, line_end
        out.append(text[pos:start])
        pos = at = stop
    out.append(text[pos:])
    return "".join(out)


def _label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _prose(text: str, labels: set[str]) -> str:
    """Prose (comments already out) with its definition lines left out, its links and
    images as their text, its HTML tags as theirs, escapes as the marks they escape. A link
    may run over lines, never over a blank line."""
    text = _DEFINITION.sub("", text)
    paragraphs = re.split(r"(\n[ \t]*\n)", text)
    read = "".join(p if i % 2 else _unescape(_inline_text(p, labels))
                   for i, p in enumerate(paragraphs))
    return _BLANK_RUN.sub("\n\n", read)  # block tags read as breaks: one blank line


def _inline_text(text: str, labels: set[str] | None = None, images: bool = True) -> str:
    """Links and images as their text (reference links when ``labels`` defines theirs),
    autolinks as their address, HTML tags as their text; code spans and escapes kept as
    written. An image inside a link ('[![PyPI](badge.svg)](…)') reads its alt; a wiki link
    ('[[Page|text]]') its text.
    ``images=False`` (titles): images, ``<img>`` tags included, are left out."""
    # an image's text is marked (qa.text.GAP, when it is free) so that two images side by side
    # (badges) read as two words, not one: 'Made by unshift' 'Version npm', not 'unshiftVersion'
    mark = GAP if GAP not in text else ""
    text = _WIKI_LINK.sub(_wiki_link, text)

    def image(alt: str) -> str:
        return f"{mark}{alt}{mark}" if alt else ""

    def one(m: re.Match[str]) -> str:
        if m.group(1) or m.group(3):  # code span, escape
            return m.group(0)
        if m.group(4) is not None:
            if m.group(0)[0] != "!":
                return m.group(4)
            return image(m.group(4)) if images else ""
        if m.group(6) is not None:
            if m.group(7) is None and not m.group(5) and _definition_like(m):
                return m.group(0)
            if m.group(5) and not images:
                return ""
            label = m.group(7) or m.group(6)
            if labels is None or _label(label) in labels:
                return image(m.group(6)) if m.group(5) else m.group(6)
            return m.group(0)
        if m.group(8):
            return m.group(8)
        name = m.group(9).lower()
        if name not in _HTML_TAGS:  # '<question>', 'List<String>': text, not a tag
            return m.group(0)
        if name == "br":
            return "\n"
        if name in _BLOCK_TAGS:  # '<p>Hello</p><p>World</p>': two paragraphs, not one word
            return "\n\n"
        if name in ("td", "th"):
            return " "
        alt = _ALT.search(m.group(10) or "") if name == "img" and images else None
        return image(next((g for g in alt.groups() if g is not None), "")) if alt else ""

    for _ in range(3):  # the image inside a link first, then the link
        new = _INLINE.sub(one, text)
        if new == text:
            break
        text = new
    return close_gaps(text) if mark else text


def _wiki_link(m: re.Match[str]) -> str:
    """A wiki link as the text a notes app shows for it ('[[Bob Jones|Bob]]' → 'Bob',
    '[[Alice Smith]]' → 'Alice Smith'); an embedded file ('![[map.png]]') as none."""
    if m.group(4) is None:  # a code span or an escape
        return m.group(0)
    if m.group(4):
        return ""
    return (m.group(6) or m.group(5)).strip()


def _definition_like(m: re.Match[str]) -> bool:
    """Whether a '[label]' match is a reference definition's ('[label]: …' at a line's
    start, indented up to 3 spaces), not a link: '[text][ref]:' and '[label]:' within a
    line are links."""
    text, start = m.string, m.start()
    line_start = text.rfind("\n", 0, start) + 1
    return (text.startswith(":", m.end()) and start - line_start <= 3
            and not text[line_start:start].strip(" "))


def _unescape(text: str) -> str:
    """Escapes outside code spans as the marks they escape ('\\[' reads '[')."""
    return _CODE_OR_ESCAPE.sub(lambda m: m.group(0) if m.group(1) else m.group(3), text)


def _first_heading(prose: list[str]) -> str | None:
    """The first ATX or setext heading of the prose blocks, as plain text."""
    for part in prose:
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


def _first_line(prose: list[str]) -> str | None:
    """The first line of the prose blocks with a letter or digit in it, as
    :func:`plain_markdown`, shortened to a sentence or 100 characters
    (:func:`qa.text.short_title`, as :func:`qa.ingest.make_title` does). Rules, tables and
    reference definitions are no title; nor is a line of images alone (a logo, badges)."""
    for part in prose:
        lines = _title_text(part).splitlines()
        table = False  # in a table: from its header row (over its rule) to a blank line
        for i, line in enumerate(lines):
            table = (table and bool(line.strip())) or (
                i + 1 < len(lines) and bool(_TABLE_RULE.match(lines[i + 1].rstrip())))
            if table or _RULE.match(line) or _DEFINITION.match(line):
                continue
            line = _LINE_MARK.sub("", plain_markdown(line, links=False))
            if has_words(line):
                return short_title(line)
    return None


def _title_text(text: str) -> str:
    """Markdown ``text`` read for a title: links and HTML tags as their text, images
    (badges inside links too) left out, escapes as the marks they escape."""
    return _unescape(_inline_text(_LINKED_IMAGE.sub("", text), images=False))


def plain_markdown(line: str, links: bool = True) -> str:
    """A Markdown line's text as a title: links by their text; images (badges, logos,
    ``<img>`` tags) and other HTML tags left out; emphasis marks, code ticks and a closing
    '#' run dropped ('The **Hekla** Volcano ##' -> 'The Hekla Volcano'); what is inside
    code ticks stays as written ('`__init__.py`'). ``links=False``: a line of stored text,
    links already read."""
    line = re.sub(r"\s+#+\s*$", "", line)
    if links:
        line = _title_text(line)
    parts = _CODE_SPAN.split(line)  # text, ticks, code, text, ticks, code, …, text
    out = []
    for i, part in enumerate(parts):
        if i % 3 == 0:
            out.append(_EMPHASIS.sub(lambda m: m.group(2) or m.group(4), part))
        elif i % 3 == 2:
            out.append(part.strip())
    return " ".join("".join(out).split())

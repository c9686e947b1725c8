"""Where an answer span starts and ends in its passage's text.

The reader's tokenizer gives character offsets that can fall inside what a reader sees as
one thing: Markdown marks, a bracket or quote whose partner lies outside, the accent
after a letter, an identifier joined by dots ('diff.relative'), a heading's '#'.
:func:`span_edges` moves a span's edges to where a person would put them.
"""

from __future__ import annotations

import re

from qa.text import mark_end

#: Markdown emphasis and code marks: never at the edge of an answer ("rye sourdough*"),
#: unless it runs across code spans ("`typer-slim` or `typer-cli`").
#: ('_' and '~' stay: "__init__", "~/.config"; '#' stays: "C#", not a heading's "# ".)
_MARKUP = frozenset("*`")
#: What an answer never starts or ends with: those marks, and a table's cell separator
#: ('| 9' of the row "Days closed | 9"; no partner is ever taken in for it).
_TRIMMED = _MARKUP | {"|"}
#: Where an answer never runs on: a blank line (two paragraphs, a heading and its text),
#: or a line break before a table row ('|'), a list item ('- ', '* ', '+ ', '2. ', '3) ')
#: or a heading mark ('# '), so it stays in one paragraph, row or item ('12,500 |\n|
#: Deaths | 0', '2 in winter\n- Travel time'). The text keeps its lines as written: the
#: reader reads a Markdown table better with its pipes and rule line than as rows apart.
BLOCK_BREAK = re.compile(r"\n[^\S\n]*(?:\n|\||[-+*][^\S\n]|\d{1,3}[.)][^\S\n]|#{1,6}[^\S\n])")


def crosses_cell(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` runs across a table's cell separator: a '|' in a line
    whose row before or after it (the nearest line with text: a web page's rows are a
    blank line apart) holds as many '|' ("13,150 | 910" of the row "Tuesday | 13,150 |
    910" under "Day | Cars | Lorries"). A '|' in a line unlike its neighbours (a shell's
    'sort | uniq -c' in prose or code) parts nothing."""
    bar = text.find("|", start, end)
    while bar >= 0:  # each line of the span with a '|' in it
        first = text.rfind("\n", 0, bar) + 1
        last = text.find("\n", bar)
        last = len(text) if last < 0 else last
        cells = text.count("|", first, last)
        before = text[:first].rstrip().rpartition("\n")[2]
        after = text[last:].lstrip().partition("\n")[0]
        if any(line.count("|") == cells for line in (before, after) if line):
            return True
        bar = text.find("|", last, end)
    return False


_OPENS = {"(": ")", "[": "]", "{": "}"}
_CLOSES = {v: k for k, v in _OPENS.items()}
#: Quotes, opening → closing. A straight quote is its own partner; ’ is also an apostrophe.
#: German „…“ and ‚…‘ close with what opens an English quote; French «…» and ‹…›.
_QUOTE_OPENS = {'"': '"', "'": "'", "\u2018": "\u2019", "\u201c": "\u201d",
                "\u201e": "\u201c", "\u201a": "\u2018", "\u00ab": "\u00bb", "\u2039": "\u203a"}
_QUOTE_CLOSES = {'"': '"', "'": "'", "\u2019": "\u2018", "\u201d": "\u201c",
                 "\u201c": "\u201e", "\u2018": "\u201a", "\u00bb": "\u00ab", "\u203a": "\u2039"}
#: What joins two letters or digits into one token when no space parts them: 'diff.relative',
#: '2.28', 'no_args_is_help', 'std::vector' ('Paris. It' is two; so is 'Paris.It', text
#: that lost its space: a '.' joins only before a lower-case letter or a digit). Not '/':
#: prose uses it for alternatives ('Tamiami Trail/SW 8th St', 'self/nonself').
_JOINERS = ("::", ".", "_")
#: A Markdown heading mark: a run of '#' and a space at the start of a line ('C#', '#1' stay).
_HEADING_MARK = re.compile(r"#{1,6}[^\S\n]+")
#: The post-processing rules of :func:`span_edges` beyond marks and brackets (all on; the
#: span-edge benchmark switches them one by one).
SPAN_RULES = frozenset({"joins", "quotes", "headings"})


def _is_quote(text: str, i: int, marks: dict[str, str]) -> bool:
    """``text[i]`` is one of ``marks`` used as a quote: not an apostrophe between two
    letters ('Beyoncé's', 'rock 'n' roll' inside), nor one before a digit at a
    span's start ('the '90s')."""
    c = text[i]
    if c not in marks:
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if c in "'\u2019" and before.isalnum() and after.isalnum():
        return False
    return not (c in "'\u2019" and marks is _QUOTE_OPENS and after.isdigit())


def _quote_partnered(text: str, start: int, end: int, at_start: bool) -> bool:
    """The quote at the span's start (or end) has its partner inside [start, end)."""
    if at_start:
        want = _QUOTE_OPENS[text[start]]
        return any(text[k] == want and _is_quote(text, k, _QUOTE_CLOSES)
                   for k in range(start + 1, end))
    want = _QUOTE_CLOSES[text[end - 1]]
    return any(text[k] == want and _is_quote(text, k, _QUOTE_OPENS)
               for k in range(start, end - 1))


def _joiner_at(text: str, i: int) -> int:
    """The length of a joiner starting at ``text[i]`` that has a letter or digit on each
    side ('diff.relative', not 'Paris. It'), else 0."""
    for j in _JOINERS:
        if (text.startswith(j, i) and i > 0 and text[i - 1].isalnum()
                and i + len(j) < len(text) and text[i + len(j)].isalnum()):
            after = text[i + len(j)]
            if j == "." and not (after.isdigit() or after.islower()):
                return 0  # 'Paris.It', '1990.Died': a sentence that lost its space
            return len(j)
    return 0


def _grow_joined(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) grown to the whole joined token when an edge sits at a joiner:
    'relative' of "diff.relative", '2' of "2.28", 'args' of "no_args_is_help"; and by
    an empty pair of brackets right after it ('$ARGS.positional[]', 'main()')."""
    while True:
        n = next((n for n in (1, 2) if start >= n and _joiner_at(text, start - n) == n), 0)
        if not (n or _joiner_at(text, start)):  # a joiner before the span, or its first mark
            break
        start -= n
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    while True:
        n = _joiner_at(text, end)
        if not (n or any(end - k >= start and _joiner_at(text, end - k) == k for k in (1, 2))):
            break
        end += n
        while end < len(text) and text[end].isalnum():
            end += 1
    if text.startswith(("()", "[]"), end) and end > start and text[end - 1].isalnum():
        end += 2  # '$ARGS.positional[]', 'main()'
    return start, end


#: What an e-mail address's local part is made of ('base-passwd', 'first.last+tag').
_LOCAL_PART = re.compile(r"[\w.+-]+\Z")


def _with_local_part(text: str, start: int) -> int:
    """A span that starts at the '@' of an e-mail address ('@packages.debian.org' of
    "base-passwd@packages.debian.org") starts at its local part instead."""
    if text.startswith("@", start) and start > 0 and text[start - 1].isalnum():
        m = _LOCAL_PART.search(text, max(0, start - 64), start)
        if m:
            return m.start() + len(m.group()) - len(m.group().lstrip(".+-"))
    return start


def _take_in_partners(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) grown by the quote just outside an edge that partners a quote left
    unpaired inside it ('stdcall’ and ‘fastcall’' → '‘stdcall’ and ‘fastcall’'), and by
    the code or emphasis marks just outside an edge when the span holds such marks inside
    (it runs across code spans: '`typer-slim` or `typer-cli`')."""
    def count(marks: dict[str, str], mark: str) -> int:
        return sum(text[k] == mark and _is_quote(text, k, marks) for k in range(start, end))

    for mark in _MARKUP:  # 'typer-slim` or `typer-cli' → '`typer-slim` or `typer-cli`'
        if mark in text[start:end]:
            if start > 0 and text[start - 1] == mark:
                while start > 0 and text[start - 1] == mark:
                    start -= 1
            if end < len(text) and text[end] == mark:
                while end < len(text) and text[end] == mark:
                    end += 1
    before = start > 0 and _is_quote(text, start - 1, _QUOTE_OPENS)
    after = end < len(text) and _is_quote(text, end, _QUOTE_CLOSES)
    if before and after and text[start - 1] == text[end] in "\"'":
        return start, end  # one straight quote unpaired inside: which side is ambiguous
    if before:
        opener = text[start - 1]
        closer = _QUOTE_OPENS[opener]
        n = count(_QUOTE_CLOSES, closer)
        if (n % 2 if opener == closer else n > count(_QUOTE_OPENS, opener)):
            start -= 1
    if after:
        closer = text[end]
        opener = _QUOTE_CLOSES[closer]
        n = count(_QUOTE_OPENS, opener)
        if (n % 2 if opener == closer else n > count(_QUOTE_CLOSES, closer)):
            end += 1
    return start, end


#: Brackets an answer closes when it opens one inside: 'room <7' of "room <7>".
_CLOSING = {")": "(", "]": "[", "}": "{", ">": "<"}


def _close_brackets(text: str, start: int, end: int) -> int:
    """``end`` past the closing brackets right after it that partner one opened inside
    [start, end): 'Tokyo Metro (TMO' → 'Tokyo Metro (TMO)', 'room <7' → 'room <7>' (the
    tokenizer makes a token of the bracket, and the reader may stop before it)."""
    while end < len(text) and text[end] in _CLOSING:
        closer = text[end]
        opener = _CLOSING[closer]
        if text.count(opener, start, end) <= text.count(closer, start, end):
            break
        end += 1
    return end


def span_edges(text: str, start: int, end: int,
                rules: frozenset[str] = SPAN_RULES) -> tuple[int, int]:
    """[start, end) without Markdown marks or a table's '|' at its edges, nor a bracket at
    an edge whose partner is not in the span ('[-Q query' of "[-Q query]", "1952)"; an
    empty span stays empty), with the bracket right after it that closes one it opens
    ('room <7' of "room <7>" → 'room <7>'), and with the combining marks that follow its
    last letter: the tokenizer's offsets end before them, which cut a decomposed 'Zoë' to
    'Zoe' and 'गुरु' to 'गुर'.

    ``rules`` (all by default) adds: ``headings``, a Markdown heading mark ('# ') at the
    start of a line is no part of it; ``quotes``, a quote at an edge whose partner is not in
    the span goes ("'--squash" → '--squash'; apostrophes stay: 'Beyoncé's', 'the '90s'),
    and a quote or code mark just outside an edge that partners one inside comes in
    ('`typer-slim` or `typer-cli`'); ``joins``, an edge at a '.', '_' or '::' between two
    letters or digits grows to the whole token ('relative' of "diff.relative" →
    'diff.relative', '2' of "2.28"; 'Paris. It' joins nothing), and one at the '@' of an
    e-mail address to its local part."""
    if "headings" in rules and start < end and (start == 0 or text[start - 1] == "\n"):
        m = _HEADING_MARK.match(text, start, end)
        if m:
            start = m.end()
    quotes = "quotes" in rules
    while start < end:
        c = text[start]
        if c.isspace() or c in _TRIMMED or (
                c in _OPENS and _OPENS[c] not in text[start + 1:end]) or (
                quotes and _is_quote(text, start, _QUOTE_OPENS)
                and not _quote_partnered(text, start, end, True)):
            start += 1
            continue
        c = text[end - 1]
        if c.isspace() or c in _TRIMMED or (
                c in _CLOSES and _CLOSES[c] not in text[start:end - 1]) or (
                quotes and _is_quote(text, end - 1, _QUOTE_CLOSES)
                and not _quote_partnered(text, start, end, False)):
            end -= 1
            continue
        break
    if start < end:
        end = _close_brackets(text, start, end)
    if start < end and "joins" in rules:
        start, end = _grow_joined(text, start, end)
        start = _with_local_part(text, start)
    if start < end and quotes:
        start, end = _take_in_partners(text, start, end)
    return start, (mark_end(text, end) if start < end else end)

"""PDF articles: the text of their pages (pypdf), laid out as paragraphs; no OCR.

A PDF's text layer comes line by line as laid out on the page. :func:`pdf_to_text` joins
the lines of a paragraph into one, across a page break too (a page's last line ending no
sentence, the next page's first starting lower-case). A word hyphenated at a line's end
is joined without its hyphen ('exam-' + 'ple' → 'example') unless it is a compound: the
hyphenated form occurs elsewhere in the document ('cast-iron'), the first part is a common
compound prefix ('well-known', 'self-driving'), or the next line starts with a capital or
a digit ('Anglo-Saxon', '1990-1995'). A line break is kept where a paragraph seems to end:
a line ending a sentence well short of the page's usual line, a heading (a short
capitalised line ending no sentence, a numbered heading, lines in capitals: those in a row
stay one paragraph), a list item. Pages are a blank line apart. Left out: lines that are
only a page number, contents lines with dot leaders, and running heads and feet: lines at
a page's top or bottom that repeat there on most pages, or on two or more with a changing
page number ('Chapter 4: Function reference 17'); the first page keeps its heads (often
the document's title), each a paragraph of its own. The title is the document's own (its
metadata), unless that is a file name or a word processor's label ('Microsoft Word -
x.docx'); else the first line's.

Two columns: where pypdf's layout text shows a page's lines parted by a gap at one place
(two in five of them at least, with text on both sides, as a table's narrow cells have
not), the page is read column by column, a line across both (a heading) in its place.
Known limit: three columns or more, or columns pypdf's layout does not part, are read
across, line by line, so their sentences mix.

Refused with an :class:`~qa.errors.IngestError` saying why: an empty file, one that is no
PDF (no '%PDF-' signature in its first 1024 bytes) or no readable one, one encrypted with
a password, one with no text layer (a scan: OCR it first).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import TYPE_CHECKING

from qa.errors import IngestError
from qa.text import has_words

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["pdf_to_text"]

#: A line that is a page number alone: '7', '- 7 -', 'Page 7', 'page 7 of 12', 'vii'.
_PAGE_NUMBER = re.compile(
    r"[\s\-–—]*(?:page\s+)?(?:\d{1,4}|x{0,3}(?:ix|iv|v?i{1,3}|v))(?:\s+(?:of|/)\s+\d{1,4})?"
    r"[\s\-–—]*", re.I)
#: A contents line's dot leaders ('2.1 Syntax . . . . . . 8'): left out with their line.
_LEADERS = re.compile(r"(?:\.\s?){6,}\s*\d*\s*\Z")
#: A word split at a line's end: a word (its letters or digits), a hyphen, the line's end.
_HYPHENATED = re.compile(r"([^\W_]+)-\Z")
_WORD = re.compile(r"[^\W_]+")
_COMPOUND = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
#: First parts of compounds whose hyphen stays at a line's end ('self-' + 'driving'),
#: unless what follows is a suffix ('high-' + 'er'). Not 'ex', 'so': 'ex-ample', 'so-cial'.
_PREFIXES = frozenset("self well ill all half cross full part high low long short".split())
_SUFFIX = re.compile(r"e[dnrs]|ers|est|ings?|ly|ness|ners?|ship|ful|ish|y|age|ary|ial")
#: A heading ends with none of these words.
_OPEN_END = re.compile(r"\b(?:the|a|an|of|and|or|to|in|on|at|by|for|with|from|as)\Z")
_DIGITS = re.compile(r"\d+")
#: A running head's or foot's page number, its digits made '#': at its start or end.
_PAGE_NUMBERED = re.compile(r"\A#\s|\s#\Z")
_SENTENCE_END = re.compile(r"[.!?:…][\"'”’)\]]*\Z")
#: A line this much shorter than the page's usual line, ending a sentence, ends a paragraph.
_SHORT = 0.75
#: What a word processor or a printer puts in a PDF's title in place of one.
_NO_TITLE = re.compile(r"(?:microsoft (?:word|powerpoint) - |untitled\b)|\.\w{2,5}\Z", re.I)
#: A list item's mark, and a numbered heading's number ('1.', '2.1.', '3', 'A.2').
_BULLET = re.compile(r"[•◦▪‣∙●○■–]\s")
_NUMBERED_HEADING = re.compile(r"(?:[A-Z]\.|\d{1,2}\.)(?:\d{1,2}\.?)*\s+[^\W\d_]|\d{1,2}\s+[A-Z]")
#: Lines at a page's top and bottom looked at for running heads and feet.
_EDGE_LINES = 2
#: The PDFs read lately, by their bytes' digest, up to _READ_MAX_CHARS of text: laying
#: out a PDF's pages takes about 40 ms a page, and a chat's upload is checked, then
#: indexed, and every upload reads the whole corpus again (unchanged PDFs too).
_READ: OrderedDict[bytes, tuple[str, str | None]] = OrderedDict()
_READ_MAX_CHARS = 32_000_000
_READ_LOCK = threading.Lock()


def pdf_to_text(data: bytes) -> tuple[str, str | None]:
    """(text, title) of a PDF file's bytes; the title is None when the PDF names none
    usable. IngestError when the file cannot be read or holds no text."""
    key = hashlib.sha256(data).digest()
    with _READ_LOCK:  # the chat checks an upload while a build may read PDFs
        if key in _READ:
            _READ.move_to_end(key)
            return _READ[key]
    result = _read_pdf(data)
    with _READ_LOCK:
        _READ[key] = result
        kept = sum(len(text) for text, _ in _READ.values())
        while kept > _READ_MAX_CHARS and len(_READ) > 1:
            kept -= len(_READ.popitem(last=False)[1][0])
    return result


def _read_pdf(data: bytes) -> tuple[str, str | None]:
    if not data.strip():
        raise IngestError("empty file (no text)")
    if b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF (it does not start with %PDF-): is it another kind of "
                          "file named .pdf?")
    with _quiet_pypdf():  # its warnings on a damaged file say less than our error
        reader = _reader(data)
        pages, heads = _without_running_lines(_page_lines(reader))
        title = _title(reader)
    text = _text(pages, heads)
    if not has_words(text):
        raise IngestError("no text layer in this PDF (a scan?): run OCR on it first (for "
                          "example `ocrmypdf in.pdf out.pdf`) and index the result")
    return text, title


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _reader(data: bytes) -> PdfReader:
    from pypdf import PdfReader

    try:
        reader = PdfReader(BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise IngestError(f"not a readable PDF ({_why(exc)}); save or export it again") from None
    if encrypted:
        try:  # an owner password alone: readable by anyone
            opened = bool(reader.decrypt(""))
        except Exception:
            opened = False
        if not opened:
            raise IngestError("the PDF is encrypted with a password: save a copy without "
                              "one (or export its text) and index that")
    return reader


def _page_lines(reader: PdfReader) -> list[list[str]]:
    try:
        pages = []
        for page in reader.pages:
            lines = (page.extract_text() or "").splitlines()
            if len(lines) >= _MIN_COLUMN_LINES:  # two columns? pypdf's layout text tells
                lines = _columns(page.extract_text(extraction_mode="layout") or "") or lines
            pages.append([" ".join(line.split()) for line in lines])
        return pages
    except Exception as exc:
        raise IngestError(f"not a readable PDF ({_why(exc)}); save or export it again") from None


#: A gap between two columns in pypdf's layout text: three spaces or more between text.
_GAP = re.compile(r"\S(\s{3,})(?=\S)")
_MIN_COLUMN_LINES = 4
#: What makes a page two columns: this share of its lines parted by a gap at one place,
#: with this many characters of text on each side of it on average (a table's narrow
#: cells are no columns).
_COLUMN_SHARE = 0.4
_COLUMN_CHARS = 15


def _columns(layout: str) -> list[str] | None:
    """A page's lines read column by column (the left column's lines, then the right's;
    a line across both, a heading say, in its place between such runs) when pypdf's
    layout text shows two columns; None when it does not."""
    lines = [line.rstrip() for line in layout.splitlines() if line.strip()]
    inside: Counter[int] = Counter()
    for line in lines:
        for gap in _GAP.finditer(line):
            inside.update(range(gap.start(1) + 1, gap.end(1) - 1))
    if not inside:
        return None
    middle = max(len(line) for line in lines) / 2
    x = max(inside, key=lambda at: (inside[at], -abs(at - middle)))

    def parts(line: str) -> bool:  # the gap at x parts it (a line across both does not)
        return len(line) <= x or line[x].isspace() and line[x - 1].isspace()

    parted = [(line[:x].strip(), line[x:].strip()) for line in lines if parts(line)]
    both = [(a, b) for a, b in parted if a and b]
    if (len(both) < max(_MIN_COLUMN_LINES, _COLUMN_SHARE * len(lines))
            or sum(len(a) for a, _ in both) < _COLUMN_CHARS * len(both)
            or sum(len(b) for _, b in both) < _COLUMN_CHARS * len(both)):
        return None
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []
    for line in lines:
        if parts(line):
            left += [line[:x].strip()] if line[:x].strip() else []
            right += [line[x:].strip()] if line[x:].strip() else []
        else:  # across both columns: what came before it is read first
            out += left + right + [line.strip()]
            left, right = [], []
    return out + left + right


def _why(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _without_running_lines(pages: list[list[str]]) -> tuple[list[list[str]], set[str]]:
    """Pages without blank lines and page numbers, and without running heads and feet:
    the lines among a page's first and last two that do so on more than half the pages
    (two at least), or that do so on two pages at least but for a number at their start
    or end that changes ('Chapter 4: Function reference 17', '… 18'). The first page keeps
    its running heads (often the document's title): returned, to stand apart."""
    pages = [[line for line in lines
              if line and not _PAGE_NUMBER.fullmatch(line) and not _LEADERS.search(line)]
             for lines in pages]
    edges = [set(lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]) for lines in pages]
    same = Counter(line for lines in edges for line in lines)
    numbered = Counter(_DIGITS.sub("#", line) for lines in edges for line in lines
                       if _PAGE_NUMBERED.search(_DIGITS.sub("#", line)))
    running = {line for line, n in same.items() if n >= 2 and n > len(pages) / 2}
    running |= {line for line, n in same.items()
                if n == 1 and numbered.get(_DIGITS.sub("#", line), 0) >= 2}
    heads = {line for line in (pages[0] if pages else [])[:_EDGE_LINES] if line in running}
    out = []
    for p, lines in enumerate(pages):
        last = max(len(lines) - _EDGE_LINES, _EDGE_LINES if p == 0 else 0)
        out.append([line for i, line in enumerate(lines) if not (
            line in running and (i >= last or (i < _EDGE_LINES and p > 0)))])
    return out, heads


def _text(pages: list[list[str]], heads: set[str]) -> str:
    """The pages' lines joined into paragraphs, one a line, pages a blank line apart (see
    the module's docstring); a paragraph running on over a page break is joined across it."""
    pages = [lines for lines in pages if lines]
    words = _Words(pages)
    out: list[list[str]] = []
    current = ""
    for p, lines in enumerate(pages):
        lengths = sorted(len(line) for line in lines)
        usual = lengths[min(len(lines) - 1, len(lines) * 9 // 10)]  # a full line's length
        paragraphs: list[str] = []
        out.append(paragraphs)
        for i, line in enumerate(lines):
            if not current:
                home = paragraphs  # a paragraph run on over a page break stays on its first
            current = words.joined(current, line) if current else line
            if i + 1 < len(lines):
                following = lines[i + 1]
                end = (line in heads or following in heads
                       or _ends_heading(line, following, usual)
                       or bool(_BULLET.match(following))  # a list item
                       or (_heading(following, usual) and not _capitals(line))
                       or (bool(_SENTENCE_END.search(line)) and len(line) < _SHORT * usual))
            else:
                end = (p + 1 == len(pages) or _heading(line, usual)
                       or not _runs_on(line, pages[p + 1][0]))
            if end:
                home.append(current)
                current = ""
    return "\n\n".join("\n".join(paragraphs) for paragraphs in out if paragraphs)


def _runs_on(line: str, following: str) -> bool:
    """A page's last line whose sentence the next page's first line goes on with."""
    return ((bool(_HYPHENATED.search(line)) and following[:1].isalnum())
            or (not _SENTENCE_END.search(line) and following[:1].islower()))


class _Words:
    """The document's words and hyphenated forms ('cast-iron'), lower-cased: how a word
    hyphenated at a line's end is joined."""

    def __init__(self, pages: list[list[str]]) -> None:
        self.words: set[str] = set()
        self.forms: set[str] = set()
        for line in (line for lines in pages for line in lines):
            self.words.update(w.lower() for w in _WORD.findall(line))
            for compound in _COMPOUND.findall(line):
                parts = compound.lower().split("-")
                self.forms.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))

    def joined(self, current: str, line: str) -> str:
        """``current`` and the next line in one: with a space, or, where ``current``
        ends with a hyphen, without its hyphen ('exam-' + 'ple' → 'example') or with it
        ('well-' + 'known', 'Anglo-' + 'Saxon', '1990-' + '1995', see :meth:`_keeps`)."""
        end = _HYPHENATED.search(current)
        start = _WORD.match(line)
        if not end or not start:
            return current + " " + line
        if self._keeps(end.group(1), start.group()):
            return current + line
        return current[:-1] + line

    def _keeps(self, first: str, second: str) -> bool:
        a, b = first.lower(), second.lower()
        if f"{a}-{b}" in self.forms:
            return True
        if a + b in self.words:
            return False
        if a in _PREFIXES and not _SUFFIX.fullmatch(b):
            return True
        return not (first[-1].isalpha() and second[0].islower())  # kept: 'Anglo-Saxon'…


def _heading(line: str, usual: int) -> bool:
    """A short numbered heading ('2.1. Directory layout', '3 Results') or one in capitals
    ('LIGHTHOUSE RESTORATION COMPLETED')."""
    return ((len(line) < 0.5 * usual and bool(_NUMBERED_HEADING.match(line)))
            or (_capitals(line) and not _SENTENCE_END.search(line)))


def _ends_heading(line: str, following: str, usual: int) -> bool:
    """A heading at ``line``: a line in capitals (a run of them is kept together, as a
    paragraph in capitals is), or a short capitalised line ending no sentence, nor with
    'the', 'of'…, followed by one that starts one ('Harwick Lighthouse' above 'The
    lighthouse was …')."""
    if line.endswith((",", ";", "-")) or _SENTENCE_END.search(line):
        return False
    if _capitals(line):
        return not _capitals(following)
    return ((line[:1].isupper() or bool(_NUMBERED_HEADING.match(line)))
            and len(line) < _SHORT * usual and following[:1].isupper()
            and not _OPEN_END.search(line))


def _capitals(line: str) -> bool:
    """A line of two words at least, in capitals."""
    letters = [c for c in line if c.isalpha()]
    return (len(letters) >= 6 and sum(has_words(w) for w in line.split()) >= 2
            and all(c.isupper() for c in letters))


def _title(reader: PdfReader) -> str | None:
    try:
        meta = reader.metadata
        title = " ".join(str(meta.title or "").split()) if meta else ""
    except Exception:  # damaged metadata: the title comes from the text instead
        return None
    if not title or not has_words(title) or _NO_TITLE.search(title):
        return None
    return title

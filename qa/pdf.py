"""PDF articles: the text of their pages (pypdf), laid out as paragraphs; no OCR.

A PDF's text layer comes line by line as laid out on the page. :func:`pdf_to_text` joins
the lines of a paragraph into one (a word hyphenated at a line's end is joined too:
'exam-' + 'ple' → 'example'), keeps a line break where a paragraph seems to end (a line
ending a sentence well short of the page's usual line, a short heading, a list item) and
a blank line between pages, and leaves out what repeats on most pages at the top or
bottom (running heads and feet), lines that are only a page number, and contents lines
with dot leaders. The title is the document's own (its metadata), unless that is a file
name or a word processor's label ('Microsoft Word - x.docx'); else the first line's.

Refused with an :class:`~qa.errors.IngestError` saying why: a file that is no readable
PDF, one encrypted with a password, one with no text layer (a scan: OCR it first).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
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
#: A word split at a line's end: a letter, a hyphen, then the line ends.
_HYPHENATED = re.compile(r"[^\W\d_]-\Z")
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


def pdf_to_text(data: bytes) -> tuple[str, str | None]:
    """(text, title) of a PDF file's bytes; the title is None when the PDF names none
    usable. IngestError when the file cannot be read or holds no text."""
    with _quiet_pypdf():  # its warnings on a damaged file say less than our error
        reader = _reader(data)
        pages = _without_running_lines(_page_lines(reader))
        title = _title(reader)
    text = "\n\n".join(t for t in (_paragraphs(lines) for lines in pages) if t)
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
        return [[" ".join(line.split()) for line in (page.extract_text() or "").splitlines()]
                for page in reader.pages]
    except Exception as exc:
        raise IngestError(f"not a readable PDF ({_why(exc)}); save or export it again") from None


def _why(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _without_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without blank lines and page numbers, and without the lines among their
    first and last two that do so on more than half the pages (three at least): running
    heads and feet."""
    pages = [[line for line in lines
              if line and not _PAGE_NUMBER.fullmatch(line) and not _LEADERS.search(line)]
             for lines in pages]
    edges: Counter[str] = Counter()
    for lines in pages:
        edges.update(set(lines[:_EDGE_LINES] + lines[-_EDGE_LINES:]))
    running = {line for line, n in edges.items() if len(pages) >= 3 and n > len(pages) / 2}
    out = []
    for lines in pages:
        last = len(lines) - _EDGE_LINES
        out.append([line for i, line in enumerate(lines)
                    if not (line in running and (i < _EDGE_LINES or i >= last))])
    return out


def _paragraphs(lines: list[str]) -> str:
    """One page's lines joined into paragraphs, one a line (see the module's docstring)."""
    if not lines:
        return ""
    lengths = sorted(len(line) for line in lines)
    usual = lengths[min(len(lines) - 1, len(lines) * 9 // 10)]  # a full line's length
    paragraphs: list[str] = []
    current = ""
    for i, line in enumerate(lines):
        if not current:
            current = line
        elif _HYPHENATED.search(current) and line[:1].islower():
            current = current[:-1] + line  # 'exam-' + 'ple'
        else:
            current += " " + line
        following = lines[i + 1] if i + 1 < len(lines) else None
        if (following is None or _ends_heading(line, following, usual)
                or _starts_block(following, usual)
                or (_SENTENCE_END.search(line) and len(line) < _SHORT * usual)):
            paragraphs.append(current)
            current = ""
    return "\n".join(paragraphs)


def _starts_block(line: str, usual: int) -> bool:
    """A line that starts a paragraph of its own: a list item ('• …', '– …') or a short
    numbered heading ('2.1. Directory layout', '3 Results')."""
    return bool(_BULLET.match(line)) or (len(line) < 0.5 * usual
                                         and bool(_NUMBERED_HEADING.match(line)))


def _ends_heading(line: str, following: str, usual: int) -> bool:
    """A short capitalised line that ends no sentence, followed by one that starts one:
    a heading ('Harwick Lighthouse' above 'The lighthouse was …')."""
    return ((line[:1].isupper() or bool(_NUMBERED_HEADING.match(line)))
            and len(line) < 0.5 * usual and following[:1].isupper()
            and not line.endswith((",", ";", "-")) and not _SENTENCE_END.search(line))


def _title(reader: PdfReader) -> str | None:
    try:
        meta = reader.metadata
        title = " ".join(str(meta.title or "").split()) if meta else ""
    except Exception:  # damaged metadata: the title comes from the text instead
        return None
    if not title or not has_words(title) or _NO_TITLE.search(title):
        return None
    return title

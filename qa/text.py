"""One Unicode form for the text of articles and questions.

The same words can reach the index in different code points: accents composed ('é', NFC,
what keyboards type) or decomposed ('e' + U+0301, NFD, what some macOS tools and PDFs
write), ligatures from PDFs ('ﬁ'), and invisible break hints from HTML (soft hyphens,
zero-width spaces). Keyword search and the reader's tokenizer see those as different
words, or as no word at all: "Brasília" typed on a keyboard did not find the decomposed
"Brasília", and the reader read "staﬀ" as an unknown token. Articles and questions both
pass through :func:`unify` so that they meet in one form.
"""

from __future__ import annotations

import re
import unicodedata

#: Latin ligatures (U+FB00-FB06) spelled out; invisible hints dropped (soft hyphen, word
#: joiner, a byte-order mark inside the text), and a zero-width space, which parts words
#: without showing it, made a plain space.
_TABLE = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl",
          0xFB05: "st", 0xFB06: "st", 0x00AD: None, 0x2060: None, 0xFEFF: None, 0x200B: " "}


def unify(text: str) -> str:
    """``text`` in composed form (NFC), its Latin ligatures spelled out, its invisible
    hints removed and zero-width spaces made spaces. Everything else is kept as written:
    curly quotes, non-breaking spaces, superscripts, emoji and other scripts."""
    if text.isascii():
        return text
    # the table first: a soft hyphen or ligature before an accent must not keep it apart
    return unicodedata.normalize("NFC", text.translate(_TABLE))


def is_mark(char: str) -> bool:
    """Whether ``char`` is a combining mark (Unicode category M): an accent written after
    its letter, or a vowel sign of Devanagari or Thai. It belongs with the letter before
    it: no cut falls between them."""
    return unicodedata.category(char).startswith("M")


def mark_end(text: str, end: int) -> int:
    """``end`` moved past the combining marks that follow it in ``text``."""
    while end < len(text) and is_mark(text[end]):
        end += 1
    return end


#: Chinese characters (with the ideographic iteration and closing marks 々〆〇, and the
#: supplementary planes' ideographs) and Japanese kana, full and half width: scripts that
#: no spaces part into words. The katakana middle dot ・ is punctuation, not in it.
CJK = ("\u3005-\u3007\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
       "\uff66-\uff9f\U00020000-\U0003134f")


#: Where a picture stood in text being read (a private-use character): an image between
#: two words ("turnip<img>and", two badges side by side) keeps them apart (:func:`close_gaps`).
GAP = "\ue000"
_GAPS = re.compile(f"{GAP}+")


def close_gaps(text: str) -> str:
    """``text``'s :data:`GAP` runs as a space between two letters or digits; elsewhere
    (beside a space, a bracket, a line's edge) as nothing."""
    if GAP not in text:
        return text
    return _GAPS.sub(lambda m: " " if (
        0 < m.start() and m.end() < len(text) and text[m.start() - 1].isalnum()
        and text[m.end()].isalnum()) else "", text)


def has_words(line: str) -> bool:
    """Whether ``line`` holds a letter or a digit: a rule or a decoration ('=====',
    '* * *', '~~~~') is no title, and a span of punctuation alone no answer."""
    return any(ch.isalnum() for ch in line)


_SPACE = re.compile(r"[^\S\u00a0\u202f]+")


def fold_space(text: str) -> str:
    """Each run of white space in ``text`` one space, for showing it on one line; a
    no-break space stays one ("12\u00a0000" must not wrap)."""
    return _SPACE.sub(" ", text)


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural but for one: "1 passage", "2 passages"."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def short_title(line: str) -> str:
    """A line of text as a title: its white space runs made one space ('LS(1)    User
    Commands    LS(1)', a man page's first line), shortened to its first sentence or about
    100 characters, without the period that ends the sentence ('Hekla erupts.' is titled
    'Hekla erupts'; 'etc.', 'U.S.' and '...' keep theirs)."""
    line = " ".join(line.split())
    if len(line) <= 100:
        return _without_final_period(line)
    for stop in _SENTENCE_END.finditer(line, 10):
        if stop.start() > 100:
            break
        word = line[:stop.start()].rsplit(" ", 1)[-1]
        if stop.group(0) == "." and (len(word) == 1 or word.casefold() in _ABBREVIATIONS):
            continue  # 'Dr.', 'J.', 'e.g.': no sentence ends there
        return _without_final_period(line[:stop.end()])
    return line[:100].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _without_final_period(title: str) -> str:
    """``title`` without a final sentence period; an ellipsis ('...'), an abbreviation's
    period ('etc.', 'Inc.') and a dotted one's ('U.S.', 'e.g.') stay."""
    if not title.endswith(".") or title.endswith(".."):
        return title
    word = title[:-1].rsplit(" ", 1)[-1].lstrip("([{\"'")
    if "." in word or word.casefold() in _ABBREVIATIONS or not has_words(title[:-1]):
        return title
    return title[:-1]


#: A sentence's last mark (before a space or the end), and the abbreviations a period
#: follows mid-sentence (compared without their last period, lower case).
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_ABBREVIATIONS = frozenset(
    "dr mr mrs ms prof st mt ft jr sr inc ltd co corp vs etc e.g i.e cf al fig no vol "
    "approx ca jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k".split())

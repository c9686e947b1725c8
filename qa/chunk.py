"""Sentence-aware chunking into overlapping passages that keep their offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.errors import ConfigError
from qa.text import CJK
from qa.types import Document, Passage

#: How passages are cut, recorded in an index's manifest: an index cut otherwise is cut
#: again at its next build (only passages whose text changed are embedded). 1: sentences
#: and words of Latin-like scripts; 2: also Chinese and Japanese sentences and characters;
#: 3: the pieces of a sentence longer than a passage overlap as passages do.
CHUNKER_VERSION = 3

# A sentence ends at . ! ? or … (plus closing quotes/brackets) followed by white space,
# at a Chinese or Japanese full stop, exclamation or question mark (no space follows
# those), or at a line break.
_SENT_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|[。！？]+[」』”’）]*|\n")
# A word: a run of non-space characters, or one Chinese character or kana (those scripts
# have no spaces, so a whole clause would count as one word).
_WORD = re.compile(f"[{CJK}]|[^\\s{CJK}]+")


@dataclass(frozen=True)
class ChunkSettings:
    max_words: int = 150
    overlap_words: int = 30

    def __post_init__(self) -> None:
        if self.max_words < 10:
            raise ConfigError(f"max_words must be at least 10, got {self.max_words}")
        if not 0 <= self.overlap_words <= self.max_overlap(self.max_words):
            raise ConfigError(f"overlap_words must be from 0 to {self.max_overlap(self.max_words)}"
                              f" (under half of max_words, {self.max_words}), got "
                              f"{self.overlap_words}")

    @staticmethod
    def max_overlap(max_words: int) -> int:
        """The largest overlap passages of ``max_words`` words may have: under half."""
        return max_words // 2 - 1

    def with_changes(self, max_words: int | None = None,
                     overlap_words: int | None = None) -> ChunkSettings:
        """These settings with the given ones changed; a new passage length alone keeps
        the overlap where it still fits, else a fifth of the length."""
        words = self.max_words if max_words is None else max_words
        if overlap_words is None:
            fits = self.overlap_words <= self.max_overlap(words)
            overlap_words = self.overlap_words if fits else words // 5
        return ChunkSettings(words, overlap_words)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trimmed of surrounding white space."""
    spans = []
    pos = 0
    for m in _SENT_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for a, b in spans:
        seg = text[a:b]
        stripped = seg.strip()
        if stripped:
            lead = len(seg) - len(seg.lstrip())
            out.append((a + lead, a + lead + len(stripped)))
    return out


def _split_long(text: str, span: tuple[int, int], max_words: int,
                overlap_words: int = 0) -> list[tuple[int, int]]:
    """Pieces of at most ``max_words`` words of the sentence at ``span``, each sharing
    ``overlap_words`` words with the next (an answer on a cut is whole in one of them)."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, span[0], span[1])]
    step = max_words - overlap_words  # positive: the overlap is under half of max_words
    pieces = []
    for i in range(0, len(words), step):
        end = min(i + max_words, len(words))
        pieces.append((words[i][0], words[end - 1][1]))
        if end == len(words):
            break
    return pieces


def chunk_document(doc: Document, settings: ChunkSettings | None = None) -> list[Passage]:
    """Pack whole sentences into passages of at most ``max_words`` words.

    Consecutive passages share trailing sentences of up to ``overlap_words`` words.
    A sentence longer than ``max_words`` is cut at word boundaries into pieces that
    share ``overlap_words`` words with the next.
    """
    settings = settings or ChunkSettings()
    text = doc.text
    units: list[tuple[int, int, int]] = []  # start, end, words
    for span in sentence_spans(text):
        n = len(_WORD.findall(text, span[0], span[1]))
        if n > settings.max_words:
            for sub in _split_long(text, span, settings.max_words, settings.overlap_words):
                units.append((*sub, len(_WORD.findall(text, sub[0], sub[1]))))
        elif n:
            units.append((*span, n))
    passages: list[Passage] = []
    i = 0
    while i < len(units):
        j, words = i, 0
        while j < len(units) and (words + units[j][2] <= settings.max_words or j == i):
            words += units[j][2]
            j += 1
        start, end = units[i][0], units[j - 1][1]
        passages.append(Passage(doc.doc_id, doc.title, text[start:end], start, end))
        if j >= len(units):
            break
        # Step back over trailing sentences that fit in the overlap, but always advance.
        k, back = j, 0
        while k - 1 > i and back + units[k - 1][2] <= settings.overlap_words:
            back += units[k - 1][2]
            k -= 1
        i = k
    return passages

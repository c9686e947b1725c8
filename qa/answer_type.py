"""Answer-type check: a question asking for a count, an amount, a year or a percentage
wants an answer that names a number.

The reader reads one passage at a time and scores spans by position, so over a passage
that says "it was unclear how many Syrians…" or "several Syrian mercenaries…" it can put
its mass on "how many" or "several", with high confidence: the passage talks about the
count without giving it. Classic QA systems check an answer against the type the question
asks for; this module does that for the types that are both unambiguous to detect and
cheap to check, read off the question's first wh-phrase:

* "how many …?" / "how much …?": a number (digits, a number word, an ordinal, a fraction
  or a multiple, or "free"/"none"); vague quantities ("several", "a number of", "few") do
  not count;
* "what / which year …?": digits;
* "what percentage / percent …?": a number.

In the SQuAD v1.1 training file the gold answer fails its type for 1.2 % of the 9,951 such
questions ("very few", "several", "Only a few" for how many). On the 25 held-out articles
the check turns a quarter of the blurred near misses ("at one point", "several recruits")
into abstentions for 0.04 F1; see README, *Answer types*, docs/results.md, *Answer
types*, and ``scripts/bench-answer-types``.

A count can also be of the wrong thing: "How many Syrian volunteers…?" over "hundreds of
Russian volunteers…". ``binds`` compares the name the question gives the counted thing
with the names the count goes with in the passage; ``admissible`` applies both checks to a
passage's candidate spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

_UNITS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
          "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
          "seventy|eighty|ninety")
_ORDINALS = ("first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
             "twelfth|\\w+teenth|\\w+tieth|hundredth|thousandth|millionth")
_NUMBER = re.compile(
    r"\d|\b(?:" + _UNITS + "|" + _ORDINALS + r"|hundreds?|thousands?|millions?|billions?|"
    r"trillions?|dozens?|couple|half|halves|quarters?|once|twice|thrice|single|double[sd]?|"
    r"triple[sd]?|quadrupled|zero|none|free)\b",
    re.I,
)
_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.I)


def names_number(text: str) -> bool:
    """True when ``text`` names a number: '127', 'three', 'third', 'hundreds', 'half', 'free'."""
    return bool(_NUMBER.search(text))


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


#: (type, how the question's first wh-phrase starts, what its answer must satisfy)
_TYPES: tuple[tuple[str, re.Pattern[str], Callable[[str], bool]], ...] = (
    ("number", re.compile(r"how\s+(?:many|much)\b", re.I), names_number),
    ("year", re.compile(r"(?:what|which)\s+year\b", re.I), _has_digit),
    ("percentage", re.compile(r"what\s+(?:percentage|percent)\b", re.I), names_number),
)


def expected_type(question: str) -> str | None:
    """'number', 'year' or 'percentage' when the question's first wh-phrase asks for one
    ("Of those, how many…", "In what year…"); None otherwise, also for a wh-phrase that
    only follows another ("Why did they not say how much…")."""
    wh = _WH.search(question)
    if wh is None:
        return None
    return next((name for name, pattern, _ in _TYPES if pattern.match(question, wh.start())),
                None)


_COUNTED = re.compile(r"\bhow\s+(?:many|much)\s+", re.I)
_WORD = re.compile(r"[\w'’-]+|[^\w\s]")
_AUX = frozenset("has have had did do does is are was were will would can could should may "
                 "might shall".split())


def _stem(word: str) -> str:
    """'Syrians' → 'syri', 'Russian' and 'Russia' → 'russ', "rabbi's" → 'rabb'."""
    return re.sub(r"(?:['’]s|s)$", "", word.lower())[:4]


def _named_counted(question: str) -> set[str]:
    """The capitalized words among the first two after "how many/much" (stopping at a
    verb such as 'has' or 'did'), stemmed: {'syri'} for "How many Syrian volunteers has
    Russia signed up?"; empty when the counted thing names nobody ("How many people…")."""
    found = _COUNTED.search(question)
    if found is None:
        return set()
    names = set()
    for word in _WORD.findall(question[found.end():])[:2]:
        if not word[0].isalnum() or word.lower() in _AUX:
            break
        if word[0].isupper():
            names.add(_stem(word))
    return names


def _named_after(passage: str, start: int, end: int) -> set[str]:
    """The names that say what the count at passage[start:end] counts, stemmed: the
    capitalized words in the span after its number, and the run of capitalized words right
    after the span (past an 'of'): 'Russian' in "hundreds of Russian volunteers" and in
    "2,000 Russian nationals", nothing in "300 came from Aleppo"."""
    names, counting = set(), False
    for word in _WORD.findall(passage[start:end]):
        if names_number(word):
            counting = True
        elif counting and word[0].isupper():
            names.add(_stem(word))
    after = _WORD.findall(passage[end:end + 100])
    if after and after[0].lower() == "of":
        after = after[1:]
    for word in after:
        if not word[0].isupper():
            break
        names.add(_stem(word))
    return names


def binds(question: str, passage: str, start: int, end: int) -> bool:
    """Whether the count at ``passage[start:end]`` counts what a "how many/much" question
    names. False only when the question's counted thing carries a name ("How many
    *Syrian* volunteers…") and the words the count goes with name something else
    ("hundreds of *Russian* volunteers"): a near miss, not its answer. True for every
    other question and span."""
    asked = _named_counted(question)
    if not asked:
        return True
    counted = _named_after(passage, start, end)
    return not counted or bool(asked & counted)


def fits(question: str, answer: str) -> bool:
    """Whether ``answer`` is of the type ``question`` asks for; True when it asks for none
    of the checked types."""
    kind = expected_type(question)
    if kind is None:
        return True
    return next(ok for name, _, ok in _TYPES if name == kind)(answer)


class _Located(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


_S = TypeVar("_S", bound=_Located)


def admissible(question: str, passage: str, spans: Iterable[_S]) -> Iterator[_S]:
    """The spans of ``passage``, in their order, whose answer fits the type ``question``
    asks for and counts what it names (``fits``, ``binds``). A span that counts something
    else also rules out every span across or inside it ('225' of '12,225 websites')."""
    unbound: list[tuple[int, int]] = []
    for span in spans:
        if not fits(question, span.text):
            continue
        if (any(span.start < end and start < span.end for start, end in unbound)
                or not binds(question, passage, span.start, span.end)):
            unbound.append((span.start, span.end))
            continue
        yield span

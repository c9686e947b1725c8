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
into abstentions for 0.04 F1; see README, *Answer types*, and ``scripts/bench-answer-types``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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


def fits(question: str, answer: str) -> bool:
    """Whether ``answer`` is of the type ``question`` asks for; True when it asks for none
    of the checked types."""
    kind = expected_type(question)
    if kind is None:
        return True
    return next(ok for name, _, ok in _TYPES if name == kind)(answer)

"""Follow-up questions: when a question leans on the previous turn, and what to search then.

A question like "And who is his close ally?" or "How much were they paid?" cannot be
answered on its own: "his" and "they" point back at the conversation. The heuristic
below flags such questions; retrieval then searches the follow-up together with the
earlier question(s) it leans on, while the reader still reads the follow-up itself.
A self-contained question is searched alone, so earlier turns never pollute it.

Heuristic (cheap, no model):

* it opens like a continuation ("and …", "what about …", "how about …", "also …");
* or it holds a third-person pronoun (he, his, they, them, it, its, …) or a demonstrative
  (this, these, those; "that"/"there" only as the last word) with no proper noun
  (a capitalised word after the first) before it in the question to refer to;
* or it is very short (three words or fewer) and names nothing ("Why?", "How many?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["is_followup", "retrieval_query"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+")
_OPENERS = ("and ", "what about ", "how about ", "also ", "and,", "but what ", "so what ")
_PRONOUNS = frozenset({
    "he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs",
    "it", "its", "himself", "herself", "itself", "themselves",
    "this", "these", "those",
})
_FINAL_ONLY = frozenset({"that", "there", "then"})
_SHORT_WORDS = 3
_MAX_CONTEXT_TURNS = 2
_MAX_QUERY_CHARS = 900


def _words(question: str) -> list[str]:
    return _WORD.findall(question)


def _is_proper(word: str, position: int) -> bool:
    """A capitalised word past the first (or an all-caps acronym anywhere), not 'I'."""
    if word == "I" or not word[0].isupper():
        return False
    return position > 0 or (len(word) > 1 and word.isupper())


def is_followup(question: str) -> bool:
    """True when ``question`` seems to lean on an earlier turn of the conversation."""
    text = " ".join(question.split()).strip()
    lowered = text.lower()
    if lowered.startswith(_OPENERS) or lowered in {"and", "and?", "why", "why?"}:
        return True
    words = _words(text)
    if not words:
        return False
    named = False
    for i, word in enumerate(words):
        low = word.lower().replace("’", "'")
        if _is_proper(word, i):
            named = True
            continue
        if named:
            continue
        if low in _PRONOUNS or (low in _FINAL_ONLY and i == len(words) - 1):
            return True
        if low.endswith("'s") and low[:-2] in _PRONOUNS:
            return True
    return len(words) <= _SHORT_WORDS and not named


def retrieval_query(question: str, previous: Sequence[str]) -> str:
    """The text retrieval should search for ``question`` asked after ``previous``.

    ``previous`` holds the earlier user questions, oldest first. A self-contained
    question comes back unchanged. A follow-up is joined after the questions it leans
    on: back to the last self-contained one, at most two turns, at most ~900 characters
    (older text is dropped first).
    """
    question = " ".join(question.split())
    earlier = [" ".join(q.split()) for q in previous if q and q.strip()]
    if not earlier or not is_followup(question):
        return question
    context: list[str] = []
    for q in reversed(earlier):
        context.insert(0, q)
        if not is_followup(q) or len(context) >= _MAX_CONTEXT_TURNS:
            break
    prefix = " ".join(context)
    room = _MAX_QUERY_CHARS - len(question) - 1
    if room <= 0:
        return question
    if len(prefix) > room:
        prefix = prefix[-room:]
        prefix = prefix.split(" ", 1)[1] if " " in prefix else prefix
    return f"{prefix} {question}".strip()

"""Follow-up questions: when a question leans on the previous turn, and what to search then.

A question like "And who is his close ally?" or "How much were they paid?" cannot be
answered on its own: "his" and "they" point back at the conversation. The heuristic
below flags such questions; retrieval then searches the follow-up together with the
earlier question(s) it leans on, while the reader reads the follow-up itself, made
self-contained where that is cheap: after a "who" question answered by a name, he/she/his
become that name, and after "Who is <a name>?" answered otherwise, that name
(:func:`resolve_person`); a follow-up that names nothing but its question
phrase ("When?", "and why?", "How many?", "Why exactly?") is read as the last earlier
question that is not one itself, with the new phrase in place of its leading one ("What
does Golts think about X?" + "Why?" -> "Why does Golts think about X?"; "Who visited
Moscow?" + "When?" -> "When visited Moscow?", a subject question having no auxiliary to
keep). The pronouns in that earlier question stay as typed. An extractive reader given
the bare "Why?" finds nothing. A self-contained question is searched alone, so earlier
turns never pollute it.

Heuristic (cheap, no model):

* it opens like a continuation ("and …", "what about …", "how about …", "also …") or
  asks for more of it ("who else …", "what else …");
* or it holds a third-person pronoun (he, his, they, them, it, its, …) or a demonstrative
  (this, these, those; "that"/"there" only as the last word) with no proper noun
  (a capitalised word after the first) before it in the question to refer to, and not
  the subject of reported speech whose speaker the question names ("How many volunteers
  said they were paid?");
* or it is very short (three words or fewer) and either a fragment, with no question word,
  auxiliary or request, of one word or led by a preposition, article or conjunction
  ("Ukraine?", "In 2014?", "The capital?"; "Capital of France?" is a question of its own),
  or names nothing: it holds no
  content word, only question words, auxiliaries, pronouns and function words ("Why?",
  "How many?", "Who else?", "Since when?", "How long?"). Any other word in a question
  names something, capitalised or not, so "What is apt?" and "Is libffi thread-safe?"
  are self-contained.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["contextualize", "conversation_person", "is_followup", "resolve_person",
           "retrieval_query"]

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-])*|\d+")  # any script: 'Łódź'
_OPENERS = ("and ", "what about ", "how about ", "also ", "and,", "but what ", "so what ")
_PRONOUNS = frozenset({
    "he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs",
    "it", "its", "himself", "herself", "itself", "themselves",
    "this", "these", "those",
})
_FINAL_ONLY = frozenset({"that", "there", "then"})
#: "Who else …", "what else …": other than what the conversation named.
_ELSE = re.compile(r"(?:who|what|where|when|which|how)\s+else\b")
# Reported speech: "X said they …" speaks of X when the question names X before the verb.
_SUBJECTS = frozenset({"he", "she", "they", "it"})
_REPORTING = frozenset({"said", "say", "says", "told", "tell", "tells", "claimed", "claim",
                        "claims", "think", "thinks", "thought", "believe", "believes",
                        "believed", "reported", "report", "reports", "announced", "stated",
                        "insisted", "admitted", "warned", "added", "felt", "feel", "feels"})
_SHORT_WORDS = 3
# Question words, auxiliaries and requests: a short question without one is a fragment
# that continues the last ("In 2014?", "Ukraine?", "The capital?").
_QUESTION_WORDS = frozenset({"what", "which", "who", "whom", "whose", "when", "where",
                             "why", "how"})
# auxiliaries and their contractions
_AUXILIARIES = frozenset({
    "am", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "done",
    "have", "has", "had", "can", "could", "will", "would", "shall", "should", "may",
    "might", "must", "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't",
    "haven't", "hasn't", "hadn't", "can't", "cannot", "couldn't", "won't", "wouldn't",
    "shouldn't", "mustn't",
})
_ASKING = _QUESTION_WORDS | _AUXILIARIES | frozenset({
    "whatever", "whichever", "whoever", "whenever", "wherever", "however",
    # requests ("Define idempotent.", "Explain cgroups.")
    "define", "explain", "describe", "list", "name", "tell", "give", "show", "summarize",
    "summarise", "compare",
})
# Words that name nothing: what a short question made only of them ("Why?", "Who else?")
# asks about has to come from the conversation.
_FUNCTION_WORDS = _ASKING | frozenset({
    # pronouns and determiners
    "i", "me", "my", "mine", "you", "your", "yours", "we", "us", "our", "ours", "one",
    "he", "him", "his", "she", "her", "hers", "they", "them", "their", "theirs", "it",
    "its", "this", "these", "those", "that", "there", "here", "a", "an", "the", "some",
    "any", "all", "both", "each", "either", "neither", "other", "others", "another",
    "anything", "something", "nothing", "everything", "anyone", "someone", "everyone",
    "anybody", "somebody", "nobody",
    # conjunctions, prepositions, particles and the like
    "and", "or", "but", "so", "then", "not", "no", "yes", "else", "also", "too", "ever",
    "exactly", "again", "instead", "now", "still", "really", "only", "just", "very",
    "more", "most", "less", "least", "much", "many", "few", "if", "than", "though",
    "of", "to", "in", "on", "at", "for", "with", "from", "by", "about", "since", "until",
    "till", "after", "before", "into", "onto", "over", "under", "ok", "okay", "oh",
})
# After "how" these ask for a measure and name nothing: "How long?", "How come?"
_HOW_WORDS = frozenset({"long", "far", "old", "often", "soon", "big", "large", "come", "tall",
                        "high", "deep", "wide", "expensive", "heavy", "fast", "late", "early"})
# What a fragment that continues the last question starts with: a preposition, an article,
# a conjunction ("In 2014?", "The capital?", "Or Kyiv?"); one of content words ("Capital of
# France?", "Einstein's birthday?") is a question of its own.
_LEADS = frozenset({
    "in", "on", "at", "for", "with", "from", "by", "about", "since", "until", "till",
    "after", "before", "during", "into", "of", "to", "than", "the", "a", "an", "and", "or",
    "but", "so", "then", "also", "not", "even", "only", "just", "any", "some", "more",
    "less", "same", "its", "his", "her", "their", "this", "that", "these", "those",
})
_CONTRACTIONS = ("'s", "'re", "'ll", "'d", "'ve", "'m")
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
    if _ELSE.match(lowered):
        return True  # "Who else shared the Nobel Prize with him?": else than the last answer
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
        if _reported_subject(words, i):
            continue  # "How many people … said they are willing …": its own noun
        if low in _PRONOUNS or (low in _FINAL_ONLY and i == len(words) - 1):
            return True
        if low.endswith("'s") and low[:-2] in _PRONOUNS:
            return True
    if len(words) > _SHORT_WORDS:
        return False
    lows = [word.lower().replace("’", "'") for word in words]
    fragment = not any(_one_of(low, _ASKING) for low in lows)
    if fragment and (len(lows) == 1 or lows[0] in _LEADS):
        return True  # "Ukraine?", "In 2014?", "The capital?" ('Capital of France?' is whole)
    return not any(_names_something(low, lows[i - 1] if i else "")
                   for i, low in enumerate(lows))


def _reported_subject(words: Sequence[str], i: int) -> bool:
    """Whether ``words[i]`` is the subject pronoun of reported speech whose speaker the
    question names itself: "How many volunteers said they were paid?" ("they" are the
    volunteers), not "What did he say they were paid?" (a pronoun before it)."""
    if i < 2 or words[i].lower() not in _SUBJECTS or words[i - 1].lower() not in _REPORTING:
        return False
    lows = [w.lower().replace("’", "'") for w in words[: i - 1]]
    return (not any(low in _PRONOUNS for low in lows)
            and any(_names_something(low, lows[j - 1] if j else "")
                    for j, low in enumerate(lows)))


def _names_something(low: str, before: str) -> bool:
    """Whether the (lower-cased) word is a content word: not a question word, an
    auxiliary, a pronoun or a function word ("what's" is "what" + "'s")."""
    return not (_one_of(low, _FUNCTION_WORDS) or (before == "how" and low in _HOW_WORDS))


def _one_of(low: str, words: frozenset[str]) -> bool:
    """Whether the (lower-cased) word is one of ``words``, or one with a contraction
    ("what's" is "what" + "'s")."""
    return low in words or any(low.endswith(ending) and low[:-len(ending)] in words
                               for ending in _CONTRACTIONS)


def _context(previous: Sequence[str]) -> str:
    """The earlier questions a follow-up leans on: back to the last self-contained one."""
    earlier = [" ".join(q.split()) for q in previous if q and q.strip()]
    context: list[str] = []
    for q in reversed(earlier):
        context.insert(0, q)
        if not is_followup(q) or len(context) >= _MAX_CONTEXT_TURNS:
            break
    return " ".join(context)


def _join(prefix: str, question: str) -> str:
    room = _MAX_QUERY_CHARS - len(question) - 1
    if not prefix or room <= 0:
        return question
    if len(prefix) > room:
        prefix = prefix[-room:]
        prefix = prefix.split(" ", 1)[1] if " " in prefix else prefix
    return f"{prefix} {question}".strip()


def retrieval_query(question: str, previous: Sequence[str]) -> str:
    """The text retrieval should search for ``question`` asked after ``previous``.

    ``previous`` holds the earlier user questions, oldest first. A self-contained
    question comes back unchanged. A follow-up is joined after the questions it leans
    on: back to the last self-contained one, at most two turns, at most ~900 characters
    (older text is dropped first).
    """
    question = " ".join(question.split())
    if not is_followup(question):
        return question
    return _join(_context(previous), question)


_NAME_WORD = re.compile(r"[\w.’'\-]+")


def _looks_like_name(text: str) -> bool:
    """One to five words, each capitalized: 'Ramzan Kadyrov', 'Émile Zola'."""
    words = text.split(" ")
    return len(words) <= 5 and all(w[:1].isupper() and _NAME_WORD.fullmatch(w) for w in words)


#: "Who is Oleksiy Danilov?": the one a "who is / who was" question asks about (group 1).
_WHO_IS = re.compile(r"who\s+(?:is|was)\s+(.+?)[\s?!.]*", re.I)


def _person(previous_question: str, previous_answer: str | None) -> str | None:
    """The person he/she/his point back at after a "who …" question: its answer when that
    looks like a name ("Ramzan Kadyrov"), else the name the question asked about ("Who is
    Oleksiy Danilov?", answered with what he is, or not at all); None otherwise."""
    asked = previous_question.strip()
    if not asked.lower().startswith("who"):
        return None
    answer = " ".join((previous_answer or "").split())
    if answer and _looks_like_name(answer):
        return answer
    about = _WHO_IS.fullmatch(asked)
    name = " ".join(about.group(1).split()) if about else ""
    return name if name and _looks_like_name(name) and name.lower() not in _PRONOUNS else None


_NOT_A_NOUN = frozenset({"to", "and", "or", "in", "on", "at", "for", "with", "from", "by",
                         "about", "as", "than", "if", "when", "so", "but"})


def resolve_person(question: str, previous_question: str, previous_answer: str | None) -> str:
    """Put the previous answer in place of he/she/him/his/her when it names a person.

    Only after a "who …" question whose answer looks like a name ("Ramzan Kadyrov"):
    "And who is his close ally?" -> "And who is Ramzan Kadyrov's close ally?"; or, when
    it does not, after "Who is (was) …?" asking about a name: "Who is Oleksiy Danilov?"
    then "What did he allege?" -> "What did Oleksiy Danilov allege?". The extractive
    reader then reads a self-contained question. Anything else: unchanged.
    """
    person = _person(previous_question, previous_answer)
    return question if person is None else _put_person(question, person)


def conversation_person(previous: Sequence[str],
                        answers: Sequence[str | None]) -> str | None:
    """The person he/she/his point back at after the turns ``previous`` (questions, oldest
    first) answered by ``answers`` (aligned; None where nothing was found), or None.

    Followed turn by turn, so a chain holds: "Who is the Chechen leader?" (Ramzan
    Kadyrov), "Who is he?" (read as "Who is Ramzan Kadyrov?", answered with what he is),
    then "And who is his close ally?" still speaks of Ramzan Kadyrov; so do "Where did he
    study?" after "When was he born?", and a bare "When?" or "And why?" between them. A
    "who" turn answered by a name puts that one in place; a self-contained turn ends it.
    """
    person: str | None = None
    for question, answer in zip(previous, answers, strict=True):
        question = " ".join(question.split())
        followup = is_followup(question)
        resolved = (_put_person(question, person)
                    if person is not None and followup else question)
        person = _person(resolved, answer) or (person if followup else None)
    return person


def _put_person(question: str, person: str) -> str:
    """``question`` with ``person`` in place of he/she/him, and of his/her (as
    "<person>'s") before a noun."""
    tokens = question.split(" ")
    out: list[str] = []
    for i, token in enumerate(tokens):
        m = re.match(r"^(\W*)([A-Za-z]+)(\W*)$", token)
        word = m.group(2).lower() if m else ""
        nxt = re.sub(r"\W", "", tokens[i + 1]).lower() if i + 1 < len(tokens) else ""
        if m and word in ("he", "she", "him"):
            out.append(f"{m.group(1)}{person}{m.group(3)}")
        elif m and (word == "his" or (word == "her" and nxt and nxt not in _NOT_A_NOUN)):
            out.append(f"{m.group(1)}{person}'s{m.group(3)}")
        elif m and word == "her":
            out.append(f"{m.group(1)}{person}{m.group(3)}")
        else:
            out.append(token)
    return " ".join(out)


_BARE_LEADS = frozenset({"and", "but", "so"})
_BARE_TRAILERS = frozenset({"else", "exactly"})
_HOW_MEASURES = _HOW_WORDS | {"much", "many"}
# "What kind of weapons did …", "How many battalion tactical groups did …": a question
# phrase that names its thing runs on to the auxiliary, at most this many words further.
_MAX_PHRASE_NOUNS = 4


def _plain(token: str) -> str:
    return token.strip(",.;:!?\"“”()").lower().replace("’", "'")


def _bare_phrase(question: str) -> str | None:
    """The question phrase of a follow-up that names nothing but it: "When?" -> "When",
    "and how many?" -> "How many", "Why exactly?" -> "Why exactly", "For how long?" -> "For
    how long"; else None."""
    lows = [_plain(t) for t in question.split()]
    lows = [w for w in lows if w]
    if lows and lows[0] in _BARE_LEADS:
        lows = lows[1:]
    lead = ""  # "For how long?" -> "For how long did he teach?"
    if lows[:2] == ["for", "how"] and len(lows) > 2 and lows[2] in _HOW_MEASURES:
        lead, lows = "for ", lows[1:]
    if not lows or lows[0] not in _QUESTION_WORDS:
        return None
    n = 2 if lows[0] == "how" and len(lows) > 1 and lows[1] in _HOW_MEASURES else 1
    if len(lows) > n and lows[n] in _BARE_TRAILERS:
        n += 1
    if len(lows) != n:
        return None
    return (lead + " ".join(lows)).capitalize()


def _swap_question_phrase(phrase: str, previous: str) -> str | None:
    """``previous`` with ``phrase`` in place of its leading question phrase, or None when
    it does not start with one (or has nothing after it).

    "What does Alexander Golts think about X?" + "Why" -> "Why does Alexander Golts think
    about X?"; "How much were they paid?" + "When" -> "When were they paid?". A subject
    question has no auxiliary to keep: "Who visited Moscow on Tuesday?" + "When" ->
    "When visited Moscow on Tuesday?" (measured with the shipped reader over the seeds:
    this reads the answer more often than the bare "When?", which it never does, and
    than "visited Moscow on Tuesday when?" or the previous answer put in as subject).
    """
    tokens = previous.split()
    if tokens and _plain(tokens[0]) in _BARE_LEADS:
        tokens = tokens[1:]
    if not tokens:
        return None
    first = _plain(tokens[0])
    if first not in _QUESTION_WORDS:
        head, _, ending = first.partition("'")
        if head not in _QUESTION_WORDS or ending not in ("s", "re"):
            return None
        tokens = ["is" if ending == "s" else "are", *tokens[1:]]  # "What's X?" -> "is X?"
    else:
        tokens = tokens[1:]
        measure = first == "how" and bool(tokens) and _plain(tokens[0]) in _HOW_MEASURES
        if measure:
            tokens = tokens[1:]
        if first in ("what", "which", "whose") or measure:
            for i, token in enumerate(tokens[:_MAX_PHRASE_NOUNS + 1]):
                if _plain(token) in _AUXILIARIES:
                    tokens = tokens[i:]
                    break
    rest = " ".join(tokens).rstrip(" ?.!")
    if not rest:
        return None
    return f"{phrase} {rest}?"


def _reader_question(question: str, earlier: Sequence[str]) -> str | None:
    """A self-contained question for a follow-up that names nothing ("When?", "and
    why?"): the last earlier question that is not one itself, with the follow-up's
    question phrase in place of its own; None when there is none to make."""
    phrase = _bare_phrase(question)
    if phrase is None:
        return None
    for q in reversed(earlier):
        if _bare_phrase(q) is None:
            return _swap_question_phrase(phrase, " ".join(q.split()))
    return None


def contextualize(question: str, previous: Sequence[str],
                  previous_answer: str | None = None,
                  answers: Sequence[str | None] | None = None) -> tuple[str, str, bool]:
    """(question for the reader, query for retrieval, is it a follow-up) for ``question``.

    ``previous``: earlier user questions, oldest first; ``previous_answer``: the answer
    to the last of them, if any; or ``answers``: the answers to all of them, aligned with
    ``previous`` (None where nothing was found), so a person is followed through a chain of
    follow-ups (:func:`conversation_person`). A self-contained question, or one without
    history, is returned as is for both. A follow-up that names nothing ("When?") is read
    as the last earlier question with its question phrase swapped ("When were they
    paid?"); retrieval still searches the follow-up joined to the earlier questions.
    """
    question = " ".join(question.split())
    if answers is not None and len(answers) != len(previous):
        raise ValueError(f"{len(answers)} answers for {len(previous)} earlier questions")
    turns = [(q, answers[i] if answers is not None else None)
             for i, q in enumerate(previous) if q and q.strip()]
    earlier = [q for q, _ in turns]
    if not earlier or not is_followup(question):
        return question, question, False
    if answers is None:
        person = _person(earlier[-1], previous_answer)
    else:
        person = conversation_person(earlier, [a for _, a in turns])
    resolved = question if person is None else _put_person(question, person)
    # a bare "When?" is the last question with its phrase swapped, whose he/she is the
    # person too ("When was she born?" -> "When was Ingrid Solberg born?")
    swapped = _reader_question(question, earlier)
    reader_question = resolved if swapped is None else (
        swapped if person is None else _put_person(swapped, person))
    return reader_question, _join(_context(earlier), resolved), True

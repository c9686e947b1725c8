"""Whether a question seems asked in a language other than English.

The shipped reader was trained on English SQuAD and the embedding model on English
sentences: a question in another language finds nothing, and "not found" alone does not
say why. :func:`seems_not_english` lets the CLI and the chat add a hint then. It is a
cheap test (no model), meant to be sure rather than complete: a question in another
language counts when most of its letters are of another script than Latin ("Кто глава
Чечни?"), or when it holds question or function words of German, French, Spanish, Italian
or Portuguese that are no English words, two at least and more than English ones ("Wer
ist der Anführer?", "¿Quién es el líder?"); a question word opening it, or a form of "to
be" ("ist", "est"), counts twice ("Wer hat den Leuchtturm gebaut?"). Not counted: a
capitalised word past the first (a name: "Who founded Le Monde?", "Where is El Paso?"), a
particle before a name ("Has von der Leyen resigned?") and quoted words ('Who said "c'est
la vie"?').
"""

from __future__ import annotations

import re
import unicodedata

from qa.checks import FUNCTION_WORDS

__all__ = ["NOT_ENGLISH_HINT", "seems_not_english"]

NOT_ENGLISH_HINT = ("The question seems not to be in English: the reader understands "
                    "English questions only. Try asking in English.")

#: Question and function words of German, French, Spanish, Italian and Portuguese that are
#: not English words ('die', 'was', 'come', 'also', 'in' are left out).
_FOREIGN_WORDS = frozenset("""
wer wann warum wieso weshalb welche welcher welches wieviel viel viele wie ist sind wurde wurden
der das und nicht ein eine einen einem dem des mit von für auf ich sie wir ihr
qui quand où pourquoi comment quel quelle quels quelles est sont le la les une du et
dans pour avec que qu'est c'est ce cette au aux
quién quiénes cuándo dónde cómo qué cuál cuáles cuánto cuántos cuántas por es son el
los las y del con para
chi perché dove quale quali il gli sono è della di
quem onde porque como qual quais quanto não são é da os
""".split())
#: Words that count twice: never English, and telling (a verb 'to be' of the question,
#: or a question word opening it).
_STRONG = frozenset("""
ist sind wurde wurden est sont c'est qu'est está están são não è sono
""".split())
_OPENERS = frozenset("""
wer wo wann warum wieso weshalb welche welcher welches wieviel qui où quand pourquoi
comment combien quel quelle quels quelles quién quiénes dónde cuándo cómo qué cuál cuáles
cuánto cuántos cuántas chi dove perché quale quali quem onde qual quais
""".split())
#: French elided articles and pronouns ("l'adhésion", "d'Europe", "qu'il").
_ELIDED = re.compile(r"(?:l|d|qu|c|n|j|s)'[^\W\d_]")
#: Particles of names ('von der Leyen', 'de la Cruz', 'El Paso'): not counted before a name.
_PARTICLES = frozenset("von der den van de la le du des di da del dos el los".split())
#: Quoted words are someone else's ('Who said "c'est la vie"?'): not counted.
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|„[^“”]*[“”]")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’])*")
_MIN_FOREIGN = 2


def _latin_share(text: str) -> float:
    """The share of ``text``'s letters that are of the Latin script (1.0 without letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    return latin / len(letters)


def _in_name(words: list[str], i: int) -> bool:
    """``words[i]`` is a particle of a name: a capitalised word follows, maybe after
    another particle ('von der Leyen')."""
    for word in words[i + 1:i + 3]:
        if word[0].isupper():
            return True
        if word.casefold() not in _PARTICLES:
            return False
    return False


def seems_not_english(question: str) -> bool:
    """True when ``question`` seems asked in another language than English (see the
    module's docstring for how; a mixed question, or one too short to tell, is English)."""
    if _latin_share(question) < 0.5:
        return True
    words = _WORD.findall(_QUOTED.sub(" ", question))
    foreign = english = 0
    for i, word in enumerate(words):
        if i > 0 and word[0].isupper():
            continue  # a name: 'Le Monde', 'El Paso'
        low = word.casefold().replace("’", "'")
        if low in _PARTICLES and _in_name(words, i):
            continue
        if low in _STRONG or (i == 0 and low in _OPENERS):
            foreign += 2
        elif low in _FOREIGN_WORDS or low in _OPENERS or _ELIDED.match(low):
            foreign += 1
        english += low in FUNCTION_WORDS
    return foreign >= _MIN_FOREIGN and foreign > english

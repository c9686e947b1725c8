"""Whether a question seems asked in a language other than English.

The shipped reader was trained on English SQuAD and the embedding model on English
sentences: a question in another language finds nothing, and "not found" alone does not
say why. :func:`seems_not_english` lets the CLI and the chat add a hint then. It is a
cheap test (no model), meant to be sure rather than complete: a question in another
language counts when most of its letters are of another script than Latin ("Кто глава
Чечни?"), or when it holds at least two question or function words of German, French,
Spanish, Italian or Portuguese that are no English words, and more of them than English
ones ("Wer ist der Anführer?", "¿Quién es el líder?"). A capitalised word past the first is
a name and is not counted ("Who founded Le Monde?", "Where is El Paso?").
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
dans pour avec que qu'est c'est ce cette
quién quiénes cuándo dónde cómo qué cuál cuáles cuánto cuántos cuántas por es son el
los las y del con para
chi perché dove quale quali il gli sono è della di
quem onde porque como qual quais quanto não são é da os
""".split())
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’])*")
_MIN_FOREIGN = 2


def _latin_share(text: str) -> float:
    """The share of ``text``'s letters that are of the Latin script (1.0 without letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    return latin / len(letters)


def seems_not_english(question: str) -> bool:
    """True when ``question`` seems asked in another language than English (see the
    module's docstring for how; a mixed question, or one too short to tell, is English)."""
    if _latin_share(question) < 0.5:
        return True
    foreign = english = 0
    for i, word in enumerate(_WORD.findall(question)):
        if i > 0 and word[0].isupper():
            continue  # a name: 'Le Monde', 'El Paso'
        low = word.casefold().replace("’", "'")
        foreign += low in _FOREIGN_WORDS
        english += low in FUNCTION_WORDS
    return foreign >= _MIN_FOREIGN and foreign > english

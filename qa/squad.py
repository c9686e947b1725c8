"""SQuAD-format data: a by-article split and no-answer example mining (the file format and
its loader: :mod:`qa.squad_format`)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from qa.chunk import sentence_spans
from qa.errors import DataError
from qa.metrics import mentions
from qa.squad_format import Article, QAExample
from qa.squad_format import examples_of as examples_of  # re-exported: the loader's old home
from qa.squad_format import load_squad as load_squad


def split_by_article(
    articles: list[Article], n_val: int, seed: int
) -> tuple[list[Article], list[Article]]:
    """Hold out ``n_val`` whole articles, chosen by ``seed``; returns (train, val)."""
    if not 0 < n_val < len(articles):
        raise DataError(f"cannot hold out {n_val} of {len(articles)} articles")
    held = set(random.Random(seed).sample(range(len(articles)), n_val))
    train = [a for i, a in enumerate(articles) if i not in held]
    val = [a for i, a in enumerate(articles) if i in held]
    return train, val


def mine_negatives(
    articles: list[Article], ratio: float, seed: int
) -> list[QAExample]:
    """No-answer examples: a question paired with a paragraph that lacks its answer.

    For a ``ratio`` share of the answerable questions, one negative is made: half
    of them from another paragraph of the same article (on topic, the hard case a
    retriever produces) whose text does not contain any gold answer, half from a
    paragraph of another article.
    """
    rng = random.Random(seed)
    negatives: list[QAExample] = []
    n_articles = len(articles)
    for a_idx, art in enumerate(articles):
        for ex in art.examples:
            if ex.answer_start is None or rng.random() >= ratio:
                continue
            context = None
            if rng.random() < 0.5 and len(art.paragraphs) > 1:
                candidates = [p for p in art.paragraphs
                              if p != ex.context and not mentions(p, ex.answers)]
                if candidates:
                    context = rng.choice(candidates)
            other = _other_article(rng, n_articles, a_idx) if context is None else None
            if other is not None:
                context = rng.choice(articles[other].paragraphs)
            if context is not None:
                negatives.append(
                    QAExample(f"{ex.id}-neg", ex.title, ex.question, context, ex.answers, None)
                )
    return negatives


# Words too common to tell an answer apart ("of" in "Bank of England").
_COMMON = frozenset("a an the of in on at to for and or by with from as is was be it its that "
                    "this he she they his her their s".split())


def _words(text: str) -> set[str]:
    """Lowercased word set; "Lee's" gives "lee" (and "s")."""
    return set(re.findall(r"\w+", text.lower()))


def mine_retrieved_negatives(
    articles: list[Article], ratio: float, seed: int, candidates: int = 20
) -> list[QAExample]:
    """No-answer examples the way retrieval makes them: for a ``ratio`` share of the
    answerable questions, the paragraph of ``articles`` that BM25 ranks highest for the
    question among those that share no word with its gold answers (its own paragraph
    aside).

    These share the question's words, so they are harder than a random paragraph: the
    near misses the chat's retriever hands the reader when the articles lack the answer.
    """
    from qa.retrieve import BM25Retriever
    from qa.types import Passage

    rng = random.Random(seed)
    chosen = [ex for art in articles for ex in art.examples
              if ex.answer_start is not None and rng.random() < ratio]
    paragraphs = list(dict.fromkeys(p for art in articles for p in art.paragraphs))
    if not chosen or len(paragraphs) < 2:
        return []
    bm25 = BM25Retriever([Passage("", "", p, 0, len(p), i) for i, p in enumerate(paragraphs)])
    words = [_words(p) for p in paragraphs]
    negatives: list[QAExample] = []
    for ex in chosen:
        # No word of any gold answer either: "Lee" answers "Who wrote it?" as well as
        # "Harper Lee" does, and a paraphrased answer is a false negative.
        gold_words = set().union(*(_words(a) for a in ex.answers)) - _COMMON
        for i, _ in bm25.search(ex.question, candidates):
            if paragraphs[i] != ex.context and not gold_words & words[i]:
                negatives.append(QAExample(f"{ex.id}-ret", ex.title, ex.question,
                                           paragraphs[i], ex.answers, None))
                break
    return negatives


def _other_article(rng: random.Random, n_articles: int, a_idx: int) -> int | None:
    """A random article index other than ``a_idx`` (None when there is no other)."""
    if n_articles < 2:
        return None
    other = rng.randrange(n_articles - 1)
    return other + (other >= a_idx)


# Names and numbers in a question: runs of capitalized words (joined by a few lowercase
# connectors, as in "Duke of Wellington"), or digit strings.
_NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:(?:of|the|de|and)\s+)?[A-Z][\w'’.-]*)*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_STOP = {"The", "A", "An", "In", "On", "Of", "At", "By", "For", "To", "And", "Is", "Was",
         "What", "Which", "Who", "When", "Where", "Why", "How", "Did", "Does", "Do"}


def question_anchors(question: str) -> list[str]:
    """The names and numbers in ``question`` a reader can match against a passage.

    A run that starts the question loses its first word (capitalized because it starts the
    sentence: "What", "In", "How"), and a possessive "'s" is left out.
    """
    anchors = []
    for m in _NAME.finditer(question):
        name = m[0].split(maxsplit=1)[1] if m.start() == 0 and " " in m[0] else m[0]
        if m.start() == 0 and name == m[0]:
            continue
        name = re.sub(r"(?:'s|’s|[.'’])$", "", name)
        name = re.sub(r"^(?:The|A|An)\s+", "", name)
        if name and name[0].isupper() and name not in _STOP:
            anchors.append(name)
    return anchors + _NUMBER.findall(question)


def mine_swapped_questions(articles: list[Article], ratio: float, seed: int) -> list[QAExample]:
    """No-answer examples in the style of SQuAD 2.0's entity swaps: the question keeps its
    own paragraph, but one of its names or numbers that the paragraph contains is replaced
    by a name from another article (or another number) that the paragraph does not contain.

    "When did Beyoncé release Lemonade?" over the Beyoncé paragraph becomes "When did
    Chopin release Lemonade?": on topic, nearly the same words, and not answered. This is
    the near miss a retriever hands the reader, and paragraph swaps alone do not teach it.
    Made for a ``ratio`` share of the answerable questions that have such an anchor.
    """
    if not ratio:
        return []
    rng = random.Random(seed)
    anchors_by_article = [[question_anchors(ex.question) for ex in art.examples]
                          for art in articles]
    names_by_article = [sorted({a for anchors in per_question for a in anchors
                                if not a[0].isdigit()})
                        for per_question in anchors_by_article]
    swapped: list[QAExample] = []
    for a_idx, art in enumerate(articles):
        for ex, question_anchor_list in zip(art.examples, anchors_by_article[a_idx]):
            if ex.answer_start is None or rng.random() >= ratio:
                continue
            anchors = _swappable(question_anchor_list, ex)
            if not anchors:
                continue
            anchor = rng.choice(anchors)
            new = _replacement(anchor, ex.context, names_by_article, a_idx, rng)
            if new is None:
                continue
            question = ex.question.replace(anchor, new, 1)
            swapped.append(QAExample(f"{ex.id}-swap", ex.title, question, ex.context,
                                     ex.answers, None))
    return swapped


def _swappable(anchors: list[str], ex: QAExample) -> list[str]:
    """The question anchors a swap may replace: in the paragraph, and no part of an answer."""
    golds = [g.lower() for g in ex.answers]
    return [a for a in anchors if a in ex.context and not any(a.lower() in g for g in golds)]


def _replacement(anchor: str, context: str, names_by_article: list[list[str]], a_idx: int,
                 rng: random.Random) -> str | None:
    lowered = context.lower()
    for _ in range(10):
        if anchor[0].isdigit():
            digits = "".join(c for c in anchor if c.isdigit())
            if len(digits) == 4 and 1000 <= int(digits) < 2100:  # a year: another nearby year
                new = str(int(digits) + rng.choice([-1, 1]) * rng.randint(2, 60))
            else:
                low = 10 ** (len(digits) - 1) if len(digits) > 1 else 2
                new = str(rng.randrange(low, 10 ** len(digits)))
        else:
            other = _other_article(rng, len(names_by_article), a_idx)
            pool = names_by_article[a_idx if other is None else other]
            if not pool:
                continue
            new = rng.choice(pool)
        if new.lower() not in lowered and new != anchor:
            return new
    return None


def mine_answer_removed(articles: list[Article], ratio: float, seed: int) -> list[QAExample]:
    """No-answer examples made by deleting the sentence that holds the answer from the
    question's own paragraph: the rest still talks about the same people, places and
    numbers, so the reader must notice that the one fact asked for is missing ("How many
    Syrians did Putin want to recruit?" over "It was unclear how many Syrians…").

    Made for a ``ratio`` share of the answerable questions, when the paragraph has another
    sentence and no gold answer is left in what remains.
    """
    removed: list[QAExample] = []
    for ex, a, b in _drawn_answerable(articles, ratio, random.Random(seed)):
        sentences = sentence_spans(ex.context)
        kept = [(s, e) for s, e in sentences if e <= a or s >= b]
        if not kept or len(kept) == len(sentences):
            continue
        context = " ".join(ex.context[s:e] for s, e in kept)
        if mentions(context, ex.answers):
            continue
        removed.append(QAExample(f"{ex.id}-removed", ex.title, ex.question, context,
                                 ex.answers, None))
    return removed


def _drawn_answerable(articles: list[Article], ratio: float,
                      rng: random.Random) -> Iterator[tuple[QAExample, int, int]]:
    """A ``ratio`` share of the answerable examples, each with its answer's character span:
    one ``rng.random()`` per answerable example, in order (the caller may draw from the
    same ``rng`` between them)."""
    if not ratio:
        return
    for art in articles:
        for ex in art.examples:
            if ex.answer_start is None or ex.answer_text is None or rng.random() >= ratio:
                continue
            yield ex, ex.answer_start, ex.answer_start + len(ex.answer_text)


def mine_context_swaps(articles: list[Article], ratio: float, seed: int) -> list[QAExample]:
    """No-answer examples whose swapped-in name or number is *in* the paragraph: one of the
    question's names or numbers is replaced by another of the same kind that the paragraph
    mentions outside the sentence holding the answer.

    "How many Russian volunteers are fighting in Syria?" over a paragraph that also talks
    of Syrian recruits becomes "How many Syrian volunteers are fighting in Syria?": every
    word is in the paragraph, but not bound as asked. Swaps to a name the paragraph lacks
    (:func:`mine_swapped_questions`) teach a word-presence check; these teach binding.
    The label is heuristic: a paragraph could answer the new question elsewhere. Made for a
    ``ratio`` share of the answerable questions that have such an anchor and replacement.
    """
    rng = random.Random(seed)
    out: list[QAExample] = []
    for ex, a, b in _drawn_answerable(articles, ratio, rng):
        anchors = _swappable(question_anchors(ex.question), ex)
        if not anchors:
            continue
        anchor = rng.choice(anchors)
        golds = [g.lower() for g in ex.answers]
        spans = sentence_spans(ex.context)
        sentences = [ex.context[s:e] for s, e in spans]
        answer_sentence = next((sent for (s, e), sent in zip(spans, sentences)
                                if s <= a < e or s < b <= e), ex.answer_text or "")
        number = anchor[0].isdigit()
        pool = sorted({p for sent in sentences for p in question_anchors(sent)
                       if p[0].isdigit() == number and p not in answer_sentence
                       and p not in ex.question and anchor not in p and p not in anchor
                       and not any(p.lower() in g or g in p.lower() for g in golds)})
        if not pool:
            continue
        question = ex.question.replace(anchor, rng.choice(pool), 1)
        out.append(QAExample(f"{ex.id}-cswap", ex.title, question, ex.context,
                             ex.answers, None))
    return out


_BLUR_PREP = re.compile(r"(?:\b(?:in|on|at|by|during|since|until|from|of|to|around|about|near|"
                        r"for)\s+)?$", re.I)
_COUNTED = re.compile(r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|"
                      r"eleven|twelve|dozens?|hundreds?|thousands?|millions?|billions?|twenty|thirty|forty|"
                      r"fifty)\b", re.I)
_DATED = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|"
                    r"October|November|December|\d{4}s?|century)\b")
_VAGUE = {
    "who": ("someone", "a man", "a person", "an official"),
    "where": ("elsewhere", "somewhere", "abroad"),
    "when": ("at one point", "at some time", "later", "earlier"),
    "count": ("several", "a number of", "many", "some"),
    "amount": ("an undisclosed sum", "a large amount", "some money"),
    "name": ("someone", "an unnamed person", "one of them"),
}


def blurrable_kind(question: str, answer: str) -> str | None:
    """What a question asks for, when its answer is a specific value a vague phrase can
    stand in for: a person (who, or a name), a place, a time, a count or an amount."""
    q = question.lower()
    if re.search(r"\bhow many\b", q) and _COUNTED.search(answer):
        return "count"
    if re.search(r"\bhow much\b", q) and _COUNTED.search(answer):
        return "amount"
    if (re.search(r"\b(?:when|what year|which year|what date|what century)\b", q)
            and _DATED.search(answer)):
        return "when"
    if not answer[:1].isupper():
        return None
    if re.search(r"\b(?:who|whom|whose)\b", q):
        return "who"
    if re.search(r"\bwhere\b", q):
        return "where"
    if re.search(r"\bname\b", q):
        return "name"
    return None


def mine_blurred_answers(articles: list[Article], ratio: float, seed: int) -> list[QAExample]:
    """No-answer examples whose paragraph states the fact only vaguely: the answer span is
    replaced by a vague phrase of its kind ("Prof. Jeremiah Jenks" → "Prof. someone",
    "in 1683" → "at one point", "300 recruits" → "several recruits").

    The paragraph still says that somebody did it, some time, somewhere, but not who, when
    or where, so "What is the name of the recruiter?" has no answer there. Made for a
    ``ratio`` share of the answerable questions asking who, where, when, how many or how
    much (or for a name), when no gold answer is left in the blurred paragraph.
    """
    rng = random.Random(seed)
    out: list[QAExample] = []
    for ex, a, b in _drawn_answerable(articles, ratio, rng):
        kind = blurrable_kind(ex.question, ex.answer_text or "")
        if kind is None:
            continue
        vague = rng.choice(_VAGUE[kind])
        head, tail = ex.context[:a], ex.context[b:]
        if vague.split()[0] in ("a", "an", "one", "someone", "several", "many", "some"):
            head = re.sub(r"\b[Tt]he\s+$", "", head)  # "the Lisbon Oceanarium" → "a …"
        if kind in ("when", "where"):  # "in 1683" → "at one point"
            match = _BLUR_PREP.search(head)
            head = head[: match.start()] if match else head
            if head and not head.endswith(" "):
                head += " "
        context = head + vague + tail
        if mentions(context, ex.answers):
            continue
        out.append(QAExample(f"{ex.id}-blur", ex.title, ex.question, context, ex.answers,
                             None))
    return out

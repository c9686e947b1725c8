"""The SQuAD v1.1/v2.0 file format: its examples and articles, and a loader that checks the
structure and names the place of anything malformed (article, paragraph, question id)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.errors import DataError
from qa.fileio import not_utf8_at, without_bom


@dataclass(frozen=True)
class QAExample:
    """One question over one context. ``answer_start is None`` means: no answer here."""

    id: str
    title: str
    question: str
    context: str
    answers: tuple[str, ...] = field(default_factory=tuple)
    answer_start: int | None = None

    @property
    def answer_text(self) -> str | None:
        return self.answers[0] if self.answer_start is not None and self.answers else None


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: tuple[str, ...]
    examples: tuple[QAExample, ...]


_FORMAT = ('A SQuAD-format file is one JSON object {"data": [article, …]}: each article '
           '{"title", "paragraphs": [{"context", "qas": [{"id", "question", "answers": '
           '[{"text", "answer_start"}, …]}, …]}, …]}.')


def _kind(value: Any) -> str:
    """A JSON value's type, as JSON names it."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else f"a number ({value!r})"


def _get(obj: dict[str, Any], key: str, types: type | tuple[type, ...], where: str,
         expected: str) -> Any:
    """``obj[key]`` when it has one of ``types``; DataError naming ``where`` otherwise."""
    if key not in obj:
        raise DataError(f"{where}: missing '{key}' ({expected}). {_FORMAT}")
    value = obj[key]
    if not isinstance(value, types) or isinstance(value, bool):
        raise DataError(f"{where}: '{key}' must be {expected}, got {_kind(value)}. {_FORMAT}")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DataError(f"{where} must be a JSON object, got {_kind(value)}. {_FORMAT}")
    return value


def _answer_start(answer: dict[str, Any], where: str) -> int:
    start = _get(answer, "answer_start", (int, str), where, "a character offset, 0 or more")
    if (isinstance(start, str) and not (start.isascii() and start.isdigit())
            or isinstance(start, int) and start < 0):
        raise DataError(f"{where}: 'answer_start' must be a character offset, 0 or more, got "
                        f"{start!r}. {_FORMAT}")
    return int(start)


def _question(qa: Any, title: str, context: str, where: str, default_id: str) -> QAExample:
    qa = _object(qa, where)
    qid = qa.get("id")
    if qid is not None and (isinstance(qid, bool) or not isinstance(qid, (str, int))):
        raise DataError(f"{where}: 'id' must be a string, got {_kind(qid)}. {_FORMAT}")
    qid = str(qid) if qid is not None and str(qid) else default_id
    where = f"{where} (id {qid!r})"
    question = _get(qa, "question", str, where, "the question's text")
    if qa.get("is_impossible"):  # SQuAD 2.0: its answers, if any, are not the answer
        return QAExample(qid, title, question, context)
    answers = _get(qa, "answers", list, where,
                   "a list of {'text', 'answer_start'} objects (empty: not answerable)")
    texts = []
    for n, answer in enumerate(answers):
        answer = _object(answer, f"{where}, answer {n}")
        texts.append(_get(answer, "text", str, f"{where}, answer {n}", "the answer's text"))
    if not answers:
        return QAExample(qid, title, question, context)
    start = _answer_start(answers[0], f"{where}, answer 0")
    return QAExample(qid, title, question, context, tuple(texts), start)


def _article(art: Any, a_idx: int, path: Path) -> Article:
    """One article of a SQuAD file; DataError naming the place of anything malformed."""
    where = f"{path}: article {a_idx}"
    art = _object(art, where)
    title = art.get("title", f"article-{a_idx}")
    if not isinstance(title, str):
        raise DataError(f"{where}: 'title' must be a string, got {_kind(title)}. {_FORMAT}")
    where = f"{where} ({title!r})"
    paragraphs, examples = [], []
    for p_idx, para in enumerate(_get(art, "paragraphs", list, where, "a list of paragraphs")):
        here = f"{where}, paragraph {p_idx}"
        para = _object(para, here)
        context = _get(para, "context", str, here, "the paragraph's text")
        paragraphs.append(context)
        for q_idx, qa in enumerate(_get(para, "qas", list, here, "a list of questions")):
            examples.append(_question(qa, title, context, f"{here}, question {q_idx}",
                                      f"{a_idx}-{p_idx}-{q_idx}"))
    return Article(title, tuple(paragraphs), tuple(examples))


def _jsonl_hint(text: str) -> str:
    """A pointer to `qa eval` when ``text`` looks like JSON Lines of gold questions."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        obj = json.loads(first)
    except (ValueError, RecursionError):
        return ""
    if isinstance(obj, dict) and "data" not in obj and "question" in obj:
        return (" It looks like JSON Lines with one question a line: the gold-file format of "
                "`qa eval FILE`, which runs the whole system; `qa eval-reader` reads a "
                "SQuAD-format file.")
    return ""


def load_squad(path: str | Path) -> list[Article]:
    """Read a SQuAD v1.1/v2.0 JSON file into articles with their examples; DataError naming
    the article, paragraph and question of anything malformed, or when there is no question.

    Unanswerable (``is_impossible``) questions become examples with no answer.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"SQuAD file not found: {path}. Pass the path of a SQuAD-format JSON file.")
    try:
        text = without_bom(path.read_bytes()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text ({not_utf8_at(exc)}); save it as "
                        "UTF-8.") from exc
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                        f"{exc.msg}).{_jsonl_hint(text)} {_FORMAT}") from exc
    except (ValueError, RecursionError) as exc:  # thousands of digits; deep nesting
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(":")[0]
        raise DataError(f"{path} is not valid JSON ({reason}). {_FORMAT}") from exc
    if not isinstance(raw, dict) or "data" not in raw:
        got = "an object without 'data'" if isinstance(raw, dict) else _kind(raw)
        raise DataError(f"{path} is not a SQuAD-format file: it holds {got}.{_jsonl_hint(text)} "
                        f"{_FORMAT}")
    data = _get(raw, "data", list, str(path), "a list of articles")
    articles = [_article(art, a_idx, path) for a_idx, art in enumerate(data)]
    if not any(art.examples for art in articles):
        raise DataError(f"{path} holds no questions ({len(articles)} article(s)). {_FORMAT}")
    return articles


def examples_of(articles: list[Article]) -> list[QAExample]:
    return [ex for art in articles for ex in art.examples]

"""The gold file: questions with their acceptable answers, one JSON object a line."""

from __future__ import annotations

import difflib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.checks import clean_question
from qa.errors import DataError, QuestionError
from qa.fileio import not_utf8_at, utf16_text, without_bom
from qa.metrics import normalize_text

logger = logging.getLogger(__name__)

#: A file with several malformed lines names at most this many of them.
MAX_LISTED = 10

_HINT = ('each line must be a JSON object like {"id": "q1", "question": "…", '
         '"answers": ["…"]} (an empty answers list: not answerable)')


@dataclass(frozen=True)
class GoldItem:
    """One gold question; no answers means the articles do not answer it."""

    id: str
    question: str
    answers: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


class _LineError(ValueError):
    """What is wrong with one line; ``hint``: show the expected line format too."""

    def __init__(self, reason: str, hint: bool = False) -> None:
        super().__init__(reason)
        self.hint = hint


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict; a key given twice is an error, not last-wins."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _LineError(f"the key '{key}' appears twice in one object")
        out[key] = value
    return out


#: The keys of a gold line.
KEYS = ("id", "question", "answers")


def _misspelt(missing: list[str], obj: dict[str, Any]) -> str:
    """" (the line has 'answer': did you mean 'answers'?)" where a key of the line is close
    to a missing one; else ""."""
    others = {k.lower(): k for k in obj if k not in KEYS}
    for key in missing:
        close = difflib.get_close_matches(key, others, n=1, cutoff=0.6)
        if close:
            return f" (the line has {others[close[0]]!r}: did you mean {key!r}?)"
    return ""


def _as_json(value: Any) -> str:
    """A value as the file writes it (true, null, 1.5), not as Python does (True, None)."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _item(line: str) -> GoldItem:
    """One non-blank line as a GoldItem; _LineError saying what is wrong."""
    try:
        obj = json.loads(line, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise _LineError(f"not valid JSON at column {exc.colno} ({exc.msg})", hint=True) from exc
    except ValueError as exc:  # a number of thousands of digits
        raise _LineError(f"not valid JSON here ({str(exc).split(':')[0]})", hint=True) from exc
    except RecursionError as exc:
        raise _LineError("not valid JSON here (nested too deeply)", hint=True) from exc
    if not isinstance(obj, dict):
        raise _LineError(f"expected a JSON object, got {type(obj).__name__}", hint=True)
    missing = [k for k in KEYS if k not in obj]
    if missing:
        raise _LineError(f"missing {', '.join(missing)}{_misspelt(missing, obj)}", hint=True)
    qid, question, answers = obj["id"], obj["question"], obj["answers"]
    if not _usable_id(qid):
        raise _LineError("'id' must be a non-empty string or a whole number, got "
                         f"{_as_json(qid)}")
    if not isinstance(question, str):
        raise _LineError(f"'question' must be a non-empty string, got {type(question).__name__}")
    try:
        clean_question(question)  # what answer() will check: not empty, not too long
    except QuestionError as exc:
        raise _LineError(f"'question': {_for_a_file(str(exc))}") from exc
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip()
                                                for a in answers):
        raise _LineError("'answers' must be a list of non-empty strings (an empty list when "
                         "the articles do not answer the question)")
    # EM/F1 and the article check compare normalized text: an answer that normalizes to
    # nothing ('-A' is the article 'a', '!!!') can never match. Another answer may.
    kept = [a for a in answers if normalize_text(a)]
    if answers and not kept:
        raise _LineError(f"every answer ({', '.join(map(repr, answers))}) is empty once "
                         "normalized (lower case, no punctuation or articles), so none could "
                         "ever match; give an answer with other words, e.g. a longer one")
    for answer in answers:
        if answer not in kept:
            logger.warning("gold question '%s': the answer %r is left out: it is empty once "
                           "normalized (lower case, no punctuation or articles), so it could "
                           "never match", qid, answer)
    return GoldItem(str(qid), question, tuple(kept))


def _line_id(line: str) -> str | None:
    """The id of a malformed gold line, when it is an object with a usable one."""
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    qid = obj.get("id") if isinstance(obj, dict) else None
    return str(qid) if _usable_id(qid) else None


def _usable_id(qid: Any) -> bool:
    """Whether a line's 'id' is one: a non-empty string or a whole number."""
    return isinstance(qid, (str, int)) and not isinstance(qid, bool) and bool(str(qid).strip())


def _read(path: str | Path) -> tuple[bytes, Path]:
    """The gold file's bytes ('-': standard input) and the path to name it by."""
    if str(path) == "-":
        if sys.stdin is None:  # started with standard input closed
            raise DataError("there is no standard input to read the gold file from")
        return sys.stdin.buffer.read(), Path("standard input")
    path = Path(path)
    try:
        return path.read_bytes(), path
    except FileNotFoundError as exc:
        raise DataError(f"gold file not found: {path}") from exc
    except OSError as exc:
        raise DataError(f"cannot read the gold file {path}: {exc.strerror or exc}") from exc


def _for_a_file(message: str) -> str:
    """A question's refusal worded for a line of a file, not a question being typed."""
    return (message.replace(": type a question about your articles",
                            ": write the question, or remove the line")
            .replace("Ask a shorter question.", "Shorten it in the file."))


def _utf8(raw: bytes, path: Path) -> bytes:
    """``raw`` as UTF-8 without a BOM: UTF-8 with a BOM (some Windows editors) and UTF-16
    with a BOM (Windows PowerShell's ``>``) or without one read as ``qa ask -f`` reads
    them; other bytes are left for the lines to report."""
    try:
        text = utf16_text(raw, "the gold file")
    except ValueError as exc:
        raise DataError(f"{path} {exc}") from exc
    if text is None:
        return without_bom(raw)
    return text.encode("utf-8")


def _refuse_squad(raw: bytes, path: Path) -> None:
    """DataError when ``raw`` is a SQuAD-format file (one JSON object with a 'data' list of
    articles, on one line or indented), saying which command reads it."""
    if not raw.lstrip().startswith(b"{"):
        return
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # JSON Lines (extra data), or not JSON at all
        return
    if isinstance(obj, dict) and isinstance(obj.get("data"), list) and "question" not in obj:
        raise DataError(f"{path} is a SQuAD-format file (a JSON object with a 'data' list of "
                        "articles), not a gold file: `qa eval` and `qa calibrate` take JSON "
                        'Lines, one {"id", "question", "answers"} object a line, and run the '
                        "whole system; `qa eval-reader FILE` reads a SQuAD-format file.")


def load_gold(path: str | Path) -> list[GoldItem]:
    """Read a JSON-lines gold file ('-': standard input); DataError naming the line and
    the reason for each malformed line (the first :data:`MAX_LISTED` of them)."""
    raw, path = _read(path)
    raw = _utf8(raw, path)
    _refuse_squad(raw, path)
    items: list[GoldItem] = []
    problems: list[tuple[int, _LineError]] = []
    seen: dict[str, int] = {}
    # split on line feeds only: JSON strings may hold U+2028 raw (no UTF-8 byte is \n)
    for no, data in enumerate(raw.split(b"\n"), 1):
        try:
            line = data.decode("utf-8").rstrip("\r")
            if not line.strip():
                continue
            if not items and not problems and line.lstrip().startswith("["):
                raise DataError(f"{path} holds a JSON array; a gold file is JSON Lines: one "
                                f"object a line, no enclosing [ ]; {_HINT}")
            try:
                item = _item(line)
            except _LineError as exc:  # its id still counts: a duplicate is named too
                qid = _line_id(line)
                if qid is not None and qid in seen:
                    raise _LineError(f"{exc}; and its id '{qid}' is a duplicate (first on "
                                     f"line {seen[qid]})", exc.hint) from exc
                if qid is not None:
                    seen[qid] = no
                raise
            if item.id in seen:
                raise _LineError(f"duplicate id '{item.id}' (first on line {seen[item.id]})")
        except UnicodeDecodeError as exc:
            problems.append((no, _LineError(
                f"not UTF-8 text ({not_utf8_at(exc, lines=False)}); save the "
                "file as UTF-8 (or UTF-16 with a byte-order mark)")))
        except _LineError as exc:
            problems.append((no, exc))
        else:
            seen[item.id] = no
            items.append(item)
    if problems:
        hint = f"; {_HINT}" if any(p.hint for _, p in problems) else ""
        if len(problems) == 1:
            no, problem = problems[0]
            raise DataError(f"{path}, line {no}: {problem}{hint}")
        listed = "; ".join(f"line {no}: {p}" for no, p in problems[:MAX_LISTED])
        more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise DataError(f"{path}: {len(problems)} malformed lines: {listed}{more}{hint}")
    if not items:
        raise DataError(f"the gold file {path} holds no questions; {_HINT}")
    return items

"""The gold file: questions with their acceptable answers, one JSON object a line."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from qa.errors import DataError


@dataclass(frozen=True)
class GoldItem:
    """One gold question; no answers means the articles do not answer it."""

    id: str
    question: str
    answers: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def load_gold(path: str | Path) -> list[GoldItem]:
    """Read a JSON-lines gold file ('-': standard input); DataError naming the line for
    anything malformed."""
    stdin = str(path) == "-"
    path = Path("standard input") if stdin else Path(path)
    if stdin and sys.stdin is None:  # started with standard input closed
        raise DataError("there is no standard input to read the gold file from")
    try:
        # a BOM is no error; split on line feeds only: JSON strings may hold U+2028 raw
        text = (sys.stdin.buffer.read().decode("utf-8-sig") if stdin
                else path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise DataError(f"gold file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot read the gold file {path}: it is not UTF-8 text (byte "
                        f"{exc.object[exc.start]:#04x} at offset {exc.start}); save it as "
                        "UTF-8 and try again") from exc
    except OSError as exc:
        raise DataError(f"cannot read the gold file {path}: {exc.strerror or exc}") from exc
    lines = [line.rstrip("\r") for line in text.split("\n")]
    hint = ('each line must be a JSON object like {"id": "q1", "question": "…", '
            '"answers": ["…"]} (an empty answers list: not answerable)')
    if text.lstrip().startswith("["):
        raise DataError(f"{path} holds a JSON array; a gold file is JSON Lines: one object a "
                        f"line, no enclosing [ ]; {hint}")
    items: list[GoldItem] = []
    seen: dict[str, int] = {}
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}, line {no}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{where}: not valid JSON ({exc.msg}); {hint}") from exc
        if not isinstance(obj, dict):
            raise DataError(f"{where}: expected a JSON object, got {type(obj).__name__}; {hint}")
        missing = [k for k in ("id", "question", "answers") if k not in obj]
        if missing:
            raise DataError(f"{where}: missing {', '.join(missing)}; {hint}")
        qid, question, answers = obj["id"], obj["question"], obj["answers"]
        if not isinstance(qid, (str, int)) or isinstance(qid, bool) or not str(qid).strip():
            raise DataError(f"{where}: 'id' must be a non-empty string")
        if not isinstance(question, str) or not question.strip():
            raise DataError(f"{where}: 'question' must be a non-empty string")
        if not isinstance(answers, list) or not all(
            isinstance(a, str) and a.strip() for a in answers
        ):
            raise DataError(f"{where}: 'answers' must be a list of non-empty strings "
                            "(an empty list when the articles do not answer the question)")
        qid = str(qid)
        if qid in seen:
            raise DataError(f"{where}: duplicate id '{qid}' (first on line {seen[qid]})")
        seen[qid] = no
        items.append(GoldItem(qid, question, tuple(answers)))
    if not items:
        raise DataError(f"the gold file {path} holds no questions; {hint}")
    return items

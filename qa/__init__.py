"""qa: local, offline, extractive question answering over your articles.

    >>> from qa import answer
    >>> a = answer("Whom is Russia recruiting to fight in Ukraine?")
    >>> a.text, a.sources[0].title
    ('Syrians', 'Russia has reportedly recruited Syrians to fight in Ukraine.')

Importing is cheap: models and the index load on the first question.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from qa.errors import (
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    QAError,
    QuestionError,
)
from qa.types import Alternative, Answer, Passage, Source

if TYPE_CHECKING:
    from qa.pipeline import QAPipeline

__all__ = [
    "Alternative", "Answer", "IndexCorruptError", "IndexMismatchError", "IndexNotFoundError",
    "Passage", "QAError", "QAPipeline", "QuestionError", "Source", "answer", "answer_many",
    "default_pipeline",
]
__version__ = "0.1.0"

_default: QAPipeline | None = None
_default_lock = threading.Lock()


def default_pipeline() -> QAPipeline:
    """The shared pipeline over the default index (built from ``seeds/`` when missing)."""
    global _default
    with _default_lock:
        if _default is None:
            from qa.pipeline import QAPipeline

            _default = QAPipeline()
        return _default


def answer(question: str, **kwargs: Any) -> Answer:
    """Answer ``question`` from the default index. ``top_k`` and ``threshold`` may be passed."""
    return default_pipeline().answer(question, **kwargs)


def answer_many(questions: list[str], **kwargs: Any) -> list[Answer]:
    return default_pipeline().answer_many(questions, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "QAPipeline":
        from qa.pipeline import QAPipeline

        return QAPipeline
    raise AttributeError(f"module 'qa' has no attribute {name!r}")

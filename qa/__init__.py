"""qa: local, offline, extractive question answering over your articles.

    >>> from qa import answer
    >>> a = answer("Whom is Russia recruiting to fight in Ukraine?")
    >>> a.text, a.sources[0].title
    ('Syrians', 'Russia has reportedly recruited Syrians to fight in Ukraine')

Importing is cheap: models and the index load on the first question.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from qa.errors import (
    ConfigError,
    DataError,
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotFoundError,
    IndexWriteError,
    IngestError,
    ModelLoadError,
    QAError,
    QuestionError,
)
from qa.types import Alternative, Answer, Passage, Retrieved, Source

if TYPE_CHECKING:
    from qa.conversation import Conversation
    from qa.pipeline import QAPipeline, Reader
    from qa.reader import Reading, Span
    from qa.retrieve import Retriever

__all__ = [
    "Alternative", "Answer", "ConfigError", "Conversation", "DataError", "IndexCorruptError",
    "IndexLockedError", "IndexMismatchError", "IndexNotFoundError", "IndexWriteError",
    "IngestError",
    "ModelLoadError", "Passage", "QAError", "QAPipeline", "QuestionError", "Reader", "Reading",
    "Retrieved", "Retriever", "Source", "Span", "answer", "answer_many", "default_pipeline",
]
__version__ = "0.1.0"

_default: QAPipeline | None = None
_default_lock = threading.Lock()


def default_pipeline() -> QAPipeline:
    """The shared pipeline over the default index: ``$QA_INDEX_DIR`` (which must hold an
    index), else the checkout's ``index/`` (built from ``seeds/`` when missing); an
    installed qa: ``index/`` of ``$XDG_DATA_HOME/qa`` or ``~/.local/share/qa``, which
    ``qa index ARTICLES…`` builds."""
    global _default
    with _default_lock:
        if _default is None:
            from qa.pipeline import QAPipeline

            _default = QAPipeline()
        return _default


def answer(question: str, *, top_k: int | None = None, threshold: float | None = None,
           query: str | None = None) -> Answer:
    """Answer ``question`` from the default index; see :meth:`QAPipeline.answer`."""
    return default_pipeline().answer(question, top_k=top_k, threshold=threshold, query=query)


def answer_many(questions: Iterable[str], *, top_k: int | None = None,
                threshold: float | None = None) -> list[Answer]:
    """Answer each question from the default index; see :meth:`QAPipeline.answer_many`."""
    return default_pipeline().answer_many(questions, top_k=top_k, threshold=threshold)


# Loaded on first use, so that `import qa` stays cheap (no numpy, torch or FAISS).
_LAZY = {"Conversation": "qa.conversation", "QAPipeline": "qa.pipeline",
         "Reader": "qa.pipeline", "Reading": "qa.reader", "Span": "qa.reader",
         "Retriever": "qa.retrieve"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qa' has no attribute {name!r}")

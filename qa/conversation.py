"""Questions asked one after another: a follow-up is answered in the light of the turns
before it ("Who is the Chechen leader?", then "And who is his close ally?").

:func:`answer_in_context` is the one step the chat, its API and ``qa ask --interactive``
share: the question is checked, made self-contained where that is cheap and searched
together with the earlier questions it leans on (:mod:`qa.followup`).
:class:`Conversation` keeps the turns for a script:

    >>> from qa import Conversation
    >>> talk = Conversation()
    >>> talk.ask("Who is the Chechen leader?").text
    'Ramzan Kadyrov'
    >>> talk.ask("And who is his close ally?").question
    "And who is Ramzan Kadyrov's close ally?"
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from qa.checks import clean_question
from qa.errors import ConfigError
from qa.followup import contextualize

if TYPE_CHECKING:
    from qa.pipeline import QAPipeline
    from qa.types import Answer

__all__ = ["Conversation", "answer_in_context"]

#: The turns a Conversation keeps (follow-ups lean on the last few only).
MAX_TURNS = 20


def answer_in_context(pipeline: QAPipeline, question: str, previous: Sequence[str] = (),
                      answers: Sequence[str | None] | None = None, *,
                      top_k: int | None = None,
                      threshold: float | None = None) -> tuple[Answer, str]:
    """The Answer to ``question`` asked after ``previous`` (earlier questions, oldest
    first) answered by ``answers`` (aligned; None where nothing was found), and the query
    retrieval searched. ``Answer.question`` is the question the reader read: a follow-up
    made self-contained ("And who is Ramzan Kadyrov's close ally?"), else as asked."""
    question = clean_question(question, pipeline.max_question_chars)
    reader_question, query, _ = contextualize(question, list(previous), answers=(
        list(answers) if answers is not None else [None] * len(previous)))
    answer = pipeline.answer(reader_question, top_k=top_k, threshold=threshold, query=query)
    return answer, query


class Conversation:
    """A conversation with the articles: each question is answered in the light of the
    ones asked before it (see the module's docstring).

    ``pipeline``: a :class:`~qa.pipeline.QAPipeline`, or an index folder; or ``index_dir``
    and other ``QAPipeline`` options for a new one; with none of these, the default pipeline that
    :func:`qa.answer` uses. ``max_turns`` earlier turns are kept.
    """

    def __init__(self, pipeline: QAPipeline | str | os.PathLike[str] | None = None, *,
                 index_dir: str | os.PathLike[str] | None = None, max_turns: int = MAX_TURNS,
                 **pipeline_options: Any) -> None:
        if isinstance(pipeline, str | os.PathLike):  # Conversation("my-index"), as QAPipeline
            if index_dir is not None:
                raise ConfigError("give the index folder once: as the first argument or as "
                                  "index_dir")
            pipeline, index_dir = None, pipeline
        if pipeline is not None and (index_dir is not None or pipeline_options):
            raise ConfigError("give a pipeline, or index_dir and pipeline options, not both")
        if pipeline is not None and not callable(getattr(pipeline, "answer", None)):
            raise ConfigError(f"pipeline must be a QAPipeline (or an index folder), got "
                              f"{type(pipeline).__name__}")
        if index_dir is not None and not isinstance(index_dir, str | os.PathLike):
            raise ConfigError(f"index_dir must be a folder's path, got "
                              f"{type(index_dir).__name__}")
        if isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < 1:
            raise ConfigError(f"max_turns must be a whole number of at least 1, got {max_turns!r}")
        if pipeline is None and index_dir is None and not pipeline_options:
            from qa import default_pipeline

            pipeline = default_pipeline()  # the one qa.answer() uses: models load once
        elif pipeline is None:
            from qa.pipeline import QAPipeline

            pipeline = QAPipeline(None if index_dir is None else os.fspath(index_dir),
                                  **pipeline_options)
        self.pipeline = pipeline
        self.max_turns = max_turns
        self._questions: list[str] = []
        self._answers: list[str | None] = []
        self.last_query: str | None = None  # what retrieval searched for the last question

    @property
    def turns(self) -> list[tuple[str, str | None]]:
        """(question as asked, answer text or None) of the turns kept, oldest first."""
        return list(zip(self._questions, self._answers, strict=True))

    def ask(self, question: str, *, top_k: int | None = None,
            threshold: float | None = None) -> Answer:
        """Answer ``question`` after the turns so far, and keep it as the latest turn. A
        question that cannot be asked (QuestionError) leaves the turns as they were."""
        answer, query = answer_in_context(self.pipeline, question, self._questions,
                                          self._answers, top_k=top_k, threshold=threshold)
        self._questions.append(clean_question(question, self.pipeline.max_question_chars))
        self._answers.append(answer.text)
        del self._questions[:-self.max_turns], self._answers[:-self.max_turns]
        self.last_query = query
        return answer

    def clear(self) -> None:
        """Forget the turns: the next question is read on its own."""
        self._questions.clear()
        self._answers.clear()
        self.last_query = None

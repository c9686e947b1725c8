"""What the chat does, apart from its page: answer a question (with the conversation so
far, for follow-ups), take a page's chat turn, save and index uploaded articles, remove
them. The page (``ui.app``) wires these to Gradio events; an API client gets the same
answers."""

from __future__ import annotations

import html
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from qa.conversation import answer_in_context
from qa.errors import QAError
from qa.ingest import read_document
from qa.pipeline import QAPipeline, clean_question
from qa.types import Answer
from ui.markup import without_markup
from ui.removal import remove_upload
from ui.render import (
    render_answer,
    render_articles,
    render_error,
    render_status,
    render_user,
)
from ui.settings import checked_threshold, checked_top_k, shown_settings, slider_settings
from ui.uploads import (
    DEFAULT_MAX_UPLOAD_BYTES,
    earlier_upload,
    replace_upload,
    restore_upload,
    safe_filename,
    save_upload,
    upload_names,
    why_not_indexed,
)

logger = logging.getLogger(__name__)

#: A chat turn still unanswered after this many seconds no longer blocks the next question.
BUSY_SECONDS = 300.0
#: The chat reads 1 to this many passages (its slider's range, and what /ask takes), or up
#: to the index's own top-k when that is more.
CHAT_MAX_TOP_K = 10


def _text_of(content: Any) -> str:
    """The text of a message's content: a string, or Gradio's list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "")
    if isinstance(content, list | tuple):
        return " ".join(_text_of(part) for part in content)
    return ""


_RENDERED_USER = re.compile(r'<p class="qa-user">(.*)</p>', re.S)


def user_questions(history: Sequence[dict[str, Any]] | None) -> list[str]:
    """The user's questions in a messages-format history, oldest first, as typed: our
    rendering (ui.render.render_user) undone, or an API client's plain text."""
    out = []
    for m in history or []:
        if isinstance(m, dict) and m.get("role") == "user":
            text = _text_of(m.get("content")).strip()
            rendered = _RENDERED_USER.fullmatch(text)
            if rendered:
                text = rendered.group(1).replace("<br>", "\n")
            out.append(html.unescape(text).strip())
    return out


_RENDERED_ANSWER = re.compile(r'<p class="qa-answer"><strong>(.*?)</strong>', re.S)


def _answer_text(message: dict[str, Any]) -> str | None:
    """The answer in an assistant message: our rendered reply or plain text; None for a
    not-found reply or an error."""
    text = _text_of(message.get("content"))
    found = _RENDERED_ANSWER.search(text)
    if found:
        return html.unescape(found.group(1))
    return None if "<" in text or not text.strip() else text.strip()


def turn_answers(history: Sequence[dict[str, Any]] | None) -> list[str | None]:
    """The answer to each of :func:`user_questions` (aligned, oldest first): the text of
    the first assistant message after it, None where there is none or it found nothing."""
    out: list[str | None] = []
    waiting = False
    for m in history or []:
        if isinstance(m, dict) and m.get("role") == "user":
            out.append(None)
            waiting = True
        elif isinstance(m, dict) and m.get("role") == "assistant" and waiting:
            out[-1] = _answer_text(m)
            waiting = False
    return out


class ChatService:
    """Answers questions for the chat and the API; saves, indexes and removes uploads."""

    def __init__(self, pipeline: QAPipeline, uploads_dir: Path,
                 max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> None:
        self.pipeline = pipeline
        self.uploads_dir = Path(uploads_dir)
        self.max_upload_bytes = max_upload_bytes
        self._upload_lock = threading.Lock()
        if pipeline.uploads_dir is None or Path(pipeline.uploads_dir) != self.uploads_dir:
            pipeline.uploads_dir = self.uploads_dir

    @property
    def max_top_k(self) -> int:
        """The top-k the page's slider and the API take: 1 to this (the index's own top-k
        when it is higher, read each time: a calibration while the chat runs counts)."""
        return max(CHAT_MAX_TOP_K, self.pipeline.top_k)

    # -- answering -----------------------------------------------------------------
    def answer(self, question: str, history: Sequence[dict[str, Any]] | None = None,
               top_k: Any = None, threshold: Any = None) -> tuple[Answer, str]:
        """The Answer and the retrieval query used (a follow-up joined to its context).
        ``top_k`` and ``threshold`` come as the page or an API call sent them (None or
        blank: the defaults); what is not a usable value raises ConfigError.

        A follow-up's he/she/his/her become the previous answer when that was a name; a
        bare "When?"/"Why?" is read as the previous question with its phrase swapped.
        Markup pasted with a question is left out (:func:`without_markup`).
        """
        return answer_in_context(self.pipeline, without_markup(question),
                                 [without_markup(q) for q in user_questions(history)],
                                 turn_answers(history),
                                 top_k=checked_top_k(top_k, self.max_top_k),
                                 threshold=checked_threshold(threshold))

    def ask(self, question: str, history: list[dict[str, Any]] | None = None,
            top_k: int | None = None, threshold: float | None = None) -> dict[str, Any]:
        """API: Answer.to_dict() plus ``retrieval_query`` and ``followup``."""
        try:
            answer, query = self.answer(question, history, top_k, threshold)
        except QAError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return {**answer.to_dict(), "retrieval_query": query,
                "followup": query != " ".join(question.split())}

    def respond(self, message: str, history: list[dict[str, Any]] | None,
                top_k: Any, threshold: Any) -> tuple[list[dict[str, Any]], str]:
        """Chat turn in one call (the /chat API): the history with the question and its
        rendered reply; clears the box."""
        history = list(history or [])
        if not (message or "").strip():
            return history, ""
        reply = self._reply(message, history, top_k, threshold)
        history.append({"role": "user", "content": render_user(message)})
        history.append({"role": "assistant", "content": reply})
        return history, ""

    def take(self, message: str, busy_since: float | None) -> tuple[str | None, float | None]:
        """The page's chat turn, first step (instant): take the typed question. Returns
        (question to answer or None for a blank one, busy since).

        While the previous question is still being answered, a warning says to ask again
        once the answer is in, and a hidden gr.Error stops the turn, so the typed question
        stays in the box (this step's outputs are states: no component shows an error).
        A question refused as it is (over the length limit) is stopped the same way, with
        the reason as the warning: it stays in the box to be shortened, and no chat bubble
        shows it.
        """
        if not (message or "").strip():  # nothing to keep for later: no warning either
            return None, busy_since
        if busy_since is not None and time.monotonic() - busy_since < BUSY_SECONDS:
            gr.Warning("Still answering the previous question; press Enter again once its "
                       "answer is in.")
            raise gr.Error("still answering", visible=False, print_exception=False)
        try:  # a question refused as it is (too long) stays in the box, to be edited
            clean_question(message, self.pipeline.max_question_chars)
        except QAError as exc:
            gr.Warning(f"{str(exc)[:1].upper()}{str(exc)[1:]}")
            raise gr.Error("question refused", visible=False, print_exception=False) from None
        return message, time.monotonic()

    def show(self, pending: str | None, history: list[dict[str, Any]] | None,
             typed: str | None = None) -> tuple[str, Any]:
        """Second step (instant): empty the box and show the taken question in the chat.
        ``typed`` is the box as it is now: what was typed after the question was sent
        (it follows the question there) stays in the box."""
        if pending is None:
            return "", gr.update()
        rest = typed or ""
        if rest.startswith(pending):
            rest = rest[len(pending):].lstrip()
        return rest, [*(history or []), {"role": "user", "content": render_user(pending)}]

    def complete(self, pending: str | None, history: list[dict[str, Any]] | None,
                 top_k: Any, threshold: Any) -> tuple[Any, Any, Any, Any]:
        """Last step: answer the question ``take`` took (the last message of ``history``)
        and add the reply. Returns (chat, busy since, top-k, threshold): the sliders show
        the values the question was answered with (``shown_settings``); nothing changes
        when ``take`` took no question."""
        if pending is None:
            return gr.update(), gr.update(), gr.update(), gr.update()
        history = list(history or [])
        earlier = history[:-1] if history and history[-1].get("role") == "user" else history
        reply = self._reply(pending, earlier, top_k, threshold)
        return ([*history, {"role": "assistant", "content": reply}], None,
                *self.shown_settings(top_k, threshold))

    def _reply(self, message: str, history: list[dict[str, Any]], top_k: Any,
               threshold: Any) -> str:
        """The rendered reply to ``message``; errors become a message, never a traceback."""
        try:
            answer, query = self.answer(message, history, *self.slider_settings(top_k, threshold))
            if query != " ".join(message.split()):
                logger.info("follow-up %r searched as %r", message, query)
            # a follow-up the reader read otherwise than typed says how ("And when?" read
            # as "When is the Chechen leader?"): else an odd answer, or none, is a puzzle
            try:
                typed: str | None = clean_question(message, self.pipeline.max_question_chars)
            except QAError:  # too long with its markup, answered without it
                typed = None
            return render_answer(answer, read_as=(answer.question
                                                  if answer.question != typed else None))
        except QAError as exc:
            return render_error(str(exc))
        except Exception:  # never a traceback in the chat
            logger.exception("answering %r failed", message)
            return render_error("something went wrong while answering; see the server log.")

    # -- the Settings sliders (ui.settings) ------------------------------------------
    def slider_settings(self, top_k: Any, threshold: Any) -> tuple[Any, Any]:
        """The Settings sliders' values as the chat uses them: see ui.settings."""
        return slider_settings(self.pipeline, self.max_top_k, top_k, threshold)

    def shown_settings(self, top_k: Any, threshold: Any) -> tuple[Any, Any]:
        """The sliders as the page shows what the chat uses: see ui.settings."""
        return shown_settings(self.pipeline, self.max_top_k, top_k, threshold)

    # -- articles --------------------------------------------------------------------
    def _uploads_alone(self) -> bool:
        """Whether the uploads folder holds uploads alone: it is not the corpus nor inside
        it, nor inside another folder the index is built from. Only there does a new
        version of an upload replace the earlier one; elsewhere a file of that name may
        be one of the user's own articles, which an upload never overwrites."""
        uploads = self.uploads_dir.resolve()
        try:
            recorded = self.pipeline.recorded_sources() or []
        except QAError:
            return False
        corpus = self.pipeline.corpus
        if corpus is not None and uploads.is_relative_to(Path(corpus).resolve()):
            return False
        return not any(uploads != p.resolve() and uploads.is_relative_to(p.resolve())
                       for p in recorded)

    def documents(self) -> dict[str, Any]:
        return dict(self.pipeline.index.manifest.get("documents", {}))

    def articles_html(self) -> str:
        try:
            return render_articles(self.documents())
        except QAError as exc:
            return render_status([(False, str(exc))])

    def can_remove(self) -> bool:
        """Whether the chat offers to remove uploads: uploads are possible, and the
        uploads folder holds uploads alone (ui.removal)."""
        return self.pipeline.can_add_documents() and self._uploads_alone()

    def listing_stamp(self) -> tuple[str, bool, tuple[str, ...]]:
        """What the page's article list and removal list follow: the live generation's
        name, whether an upload or removal is being indexed (by any page), and the
        uploads. Cheap: a page asks every few seconds."""
        try:
            live = self.pipeline.store.current_generation()
        except QAError:
            live = None
        return (live.name if live else "", self._upload_lock.locked(),
                tuple(upload_names(self.uploads_dir)))  # (not the manifest's sources)

    def upload_names(self) -> list[str]:
        """The uploads the chat can remove, by file name; none where it removes none."""
        return upload_names(self.uploads_dir) if self.can_remove() else []

    def remove(self, name: str | None) -> tuple[str, str]:
        """Remove the upload ``name`` from the uploads folder and the index; (status HTML,
        article list HTML). Kept apart from uploads and other removals by their lock."""
        with self._upload_lock:
            line = remove_upload(self.pipeline, self.uploads_dir, name or "",
                                 alone=self._uploads_alone(),
                                 max_bytes=self.max_upload_bytes)
        return render_status([line]), self.articles_html()

    def upload(self, files: Sequence[str | Path] | str | Path | None,
               names: Sequence[str | None] | None = None) -> tuple[str, str]:
        """Save and index uploaded files; (status HTML, article list HTML). ``names``: the
        names the files were uploaded under, where they differ from the files' own (the
        web server strips characters such as ``<`` from a stored upload's name).

        A file uploaded under the name of an earlier upload (a file in the uploads folder)
        with other text replaces it; the earlier text is put back when the new one is
        refused or cannot be indexed. A name an indexed article outside the uploads folder
        has (a corpus file) is never taken: the upload is saved as ``name-1`` and so on."""
        if files is None:
            return "", self.articles_html()
        if isinstance(files, str | Path):
            files = [files]
        given_names = list(names or [])
        lines: list[tuple[bool, str]] = []
        with self._upload_lock:
            saved: list[Path] = []
            uploaded: dict[Path, str] = {}  # saved file -> the name it was uploaded under
            guessed: dict[Path, str] = {}  # saved file -> the encoding guessed for it
            replaced: dict[Path, Path] = {}  # saved file -> the earlier upload, kept aside
            renamed: dict[Path, str] = {}  # saved file -> why it is not under its own name
            try:
                documents = self.documents()
            except QAError as exc:  # a damaged index: say so, save nothing
                return render_status([(False, str(exc))]), self.articles_html()
            taken = set(documents)
            # by content: indexing keeps the first of two equal files in name order, which
            # may be the new one, so a copy is refused here, before it can displace the
            # article already indexed
            known = {meta.get("hash"): doc_id for doc_id, meta in documents.items()}
            batch: dict[str, str] = {}  # the same, for the files of this upload
            may_replace = self._uploads_alone()
            for i, f in enumerate(files):
                src = Path(f)
                name = (given_names[i] if i < len(given_names) else None) or src.name
                # an earlier upload of this name, not one of this upload's files: replaced
                earlier = earlier_upload(name, self.uploads_dir) if may_replace else None
                if earlier is not None and any(p.name == earlier.name for p in saved):
                    earlier = None
                backup: Path | None = None
                try:
                    if earlier is not None:
                        dest, backup = replace_upload(src, name, self.uploads_dir,
                                                      max_bytes=self.max_upload_bytes)
                    else:
                        dest = save_upload(src, name, self.uploads_dir, taken=taken,
                                           max_bytes=self.max_upload_bytes)
                except QAError as exc:
                    lines.append((False, str(exc)))
                    continue
                except OSError as exc:
                    lines.append((False, f"'{name}' could not be saved: {exc.strerror}"))
                    continue
                try:
                    document = read_document(dest, dest.name, self.max_upload_bytes)
                except (QAError, OSError) as exc:
                    _take_back(dest, backup)
                    lines.append((False, f"'{name}' was not added: {exc}"))
                    continue
                content_hash = document.content_hash
                if content_hash in known:
                    _take_back(dest, backup)
                    where = ("uploaded with it" if content_hash in batch else "already indexed")
                    lines.append((False, f"'{name}' was not added: the same text as "
                                         f"{known[content_hash]}, {where}"))
                    continue
                if backup is not None:
                    replaced[dest] = backup
                elif (wanted := safe_filename(name)) != dest.name:
                    renamed[dest] = _why_renamed(wanted, dest.name, saved, taken)
                known[content_hash] = batch[content_hash] = dest.name
                taken.add(dest.name)
                saved.append(dest)
                uploaded[dest] = name
                if document.guessed_encoding:
                    guessed[dest] = document.guessed_encoding
            if saved:
                lines.extend(self._index_saved(saved, uploaded, guessed, replaced, renamed))
        return render_status(lines), self.articles_html()

    def _index_saved(self, saved: list[Path], uploaded: dict[Path, str],
                     guessed: dict[Path, str] | None = None,
                     replaced: dict[Path, Path] | None = None,
                     renamed: dict[Path, str] | None = None) -> list[tuple[bool, str]]:
        """Index the saved files; a status line for each. ``replaced``: the earlier uploads
        kept aside for files that replaced them, put back for a file that is not indexed;
        ``renamed``: why a file is not saved under the name it was uploaded as."""
        replaced = replaced or {}
        try:
            _, report = self.pipeline.add_documents()
        except (QAError, OSError) as exc:  # OSError: a full disk, a read-only index folder
            for p in saved:
                _take_back(p, replaced.get(p))
            why = why_not_indexed(exc)
            logger.warning("indexing uploads failed: %s", why)
            return [(False, f"indexing failed, nothing was added: {why}")]
        skipped = {Path(p).resolve(): reason for p, reason in report.skipped}
        # by file, not by name: a corpus file of the same name may hold the plain id
        titles = {path.resolve(): doc.title for doc in report.documents
                  if (path := report.paths.get(doc.doc_id)) is not None}
        lines = []
        restored = False
        for p in saved:
            reason = skipped.get(p.resolve())
            given = uploaded.get(p, p.name)
            backup = replaced.get(p)
            if reason is not None:
                _take_back(p, backup)
                restored = restored or backup is not None
                kept = (f"; the earlier '{p.name}' is kept" if backup is not None else "")
                lines.append((False, f"'{given}' was not added: {reason}{kept}"))
            else:
                if backup is not None:  # the index has the new version now
                    backup.unlink(missing_ok=True)
                title = titles.get(p.resolve(), p.name)
                same = unicodedata.normalize("NFC", given).strip() == p.name
                if backup is not None:
                    what = f"replaced '{given}'" if same else f"replaced '{p.name}' with '{given}'"
                else:
                    what = f"added '{given}'" if same else f"added '{given}' as '{p.name}'"
                line = f"{what} ({title}): you can ask about it now"
                because = (renamed or {}).get(p)
                if because:
                    line += f". {because[:1].upper()}{because[1:]}"
                encoding = (guessed or {}).get(p)
                if encoding:  # the log is no place a web user sees
                    line += (f". It is not UTF-8 and was read as {encoding}: if its letters "
                             "look wrong, save it as UTF-8 and upload it again")
                lines.append((True, line))
        if restored:  # the index was built without the earlier version put back: index it again
            try:
                self.pipeline.add_documents()
            except (QAError, OSError) as exc:
                logger.warning("indexing the earlier uploads put back failed: %s", exc)
        return lines


def _why_renamed(wanted: str, saved_as: str, saved: Sequence[Path],
                 taken: set[str]) -> str:
    """Why an upload was saved as ``saved_as``, not under ``wanted``, its safe name."""
    if any(p.name == wanted for p in saved):
        return f"another file of this upload is named '{wanted}'"
    if wanted in taken:  # an indexed id, and no file of that name in the uploads folder
        return (f"'{wanted}' is the name of an indexed article that is not an upload; to "
                f"replace this upload later, upload the file as '{saved_as}'")
    return f"the uploads folder holds something else named '{wanted}'"


def _take_back(path: Path, backup: Path | None) -> None:
    """Undo saving ``path``: put back the earlier upload it replaced, else delete it."""
    if backup is not None:
        restore_upload(path, backup)
    else:
        path.unlink(missing_ok=True)

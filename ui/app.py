"""The web chat: ask questions, read answers with their sources, add and remove articles.

``build_app(pipeline)`` makes the Gradio Blocks; ``launch()`` serves it on
127.0.0.1 (never shared publicly) with a queue and an upload size limit.
What the chat does lives in ``ui.service.ChatService``; this module lays out the page,
with the style sheet and script of ``ui.page_assets``.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr

from qa.errors import QAError
from qa.pipeline import QAPipeline
from qa.text import counted
from ui.history import (
    draft_key,
    kept_messages,
    kept_settings,
    restored_settings,
    restored_turn,
    saved_chat,
    saved_settings,
)
from ui.page_assets import CSS, page_js
from ui.removal import recover_removals, recover_replacements
from ui.service import ChatService
from ui.settings import slider_defaults
from ui.uploads import (
    ALLOWED_SUFFIXES,
    DEFAULT_MAX_UPLOAD_BYTES,
    default_uploads_dir,
    transfer_limit,
)

__all__ = ["ChatService", "build_app", "launch"]

logger = logging.getLogger(__name__)

#: At most EXAMPLE_CHARS characters each: Gradio shows the first 60 of an example and "..."
SEED_EXAMPLES = [
    "What contract length is Russia offering Syrian volunteers?",
    "How much are the Syrian volunteers paid per month?",
    "Who is the Chechen leader?",
    "How many battalion tactical groups did Putin deploy?",
    "Who is the Moscow-based military expert?",
    "How many applications a day does the recruiter's group get?",
]
EXAMPLE_CHARS = 60
SEED_DOC_IDS = ("000_bdb7ea08bf89b1ec.txt", "003_7912fbbb2ad95ee3.txt")
DEFAULT_CONCURRENCY = 2
#: How often a page looks whether the index or the uploads changed (ChatService.listing_stamp).
FOLLOW_SECONDS = 4.0
#: The status line of a page opened while articles are being indexed.
INDEXING_NOTE = ('<p class="qa-status">Articles are being indexed (an upload or removal '
                 "started before this page was opened); the lists below follow once that is "
                 "done.</p>")


def uploaded_files(payload: Any) -> tuple[list[str], list[str | None]]:
    """The upload box's files as Gradio sent them (its event has ``preprocess=False``):
    their paths in Gradio's cache, and the names the browser gave them. Gradio stores an
    upload under a name stripped of characters such as ``<`` and ``>`` (``evil<b>name.md``
    -> ``evilbname.md``); the status line names the file as the user knows it and says
    when ours differs ("added 'x' as 'y'")."""
    items = payload if isinstance(payload, list) else [payload] if payload else []
    paths, names = [], []
    for item in items:
        if isinstance(item, dict) and item.get("path"):
            paths.append(str(item["path"]))
            names.append(item.get("orig_name") or None)
        elif isinstance(item, str | Path):
            paths.append(str(item))
            names.append(None)
    return paths, names


def _examples_for(service: ChatService) -> list[str]:
    try:
        docs = service.documents()
    except QAError:
        return []
    return SEED_EXAMPLES if any(d in docs for d in SEED_DOC_IDS) else []


#: The page's header and the empty chat's text: worded for any corpus and for the page's
#: layout (the article list is in the side column, under the chat on a narrow screen).
HEADER = ("# Ask your articles\nAnswers are quoted from the articles, with sources. "
          "A follow-up question (\"Why?\", \"When was it released?\", \"And in 2020?\") "
          "is searched together with the previous question.")
PLACEHOLDER = "Ask a question about the articles listed under \"Indexed articles\"."


def _sync_uploads(service: ChatService) -> None:
    """Index files uploaded earlier that the index lacks (say, after `qa index` rebuilt it)."""
    pipeline, uploads = service.pipeline, service.uploads_dir
    documents = service.documents()  # loads, or builds, the index
    if not uploads.is_dir() or not pipeline.can_add_documents():
        return
    if service.can_remove():  # an upload a stopped chat left set aside
        recover_removals(uploads, documents, service.max_upload_bytes)
        recover_replacements(uploads, documents, service.max_upload_bytes)
    pending = [p.name for p in uploads.iterdir()
               if p.is_file() and not p.name.startswith(".")
               and p.suffix.lower() in ALLOWED_SUFFIXES and p.name not in documents]
    if pending:
        logger.info("indexing %d article(s) uploaded earlier to %s", len(pending), uploads)
        try:
            pipeline.add_documents()
        except QAError as exc:  # the chat still starts, on the index as it is
            logger.warning("the uploads waiting in %s were not indexed: %s", uploads, exc)


def build_app(pipeline: QAPipeline, uploads_dir: Path | str | None = None, *,
              max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
              examples: Sequence[str] | None = None,
              concurrency_limit: int = DEFAULT_CONCURRENCY) -> gr.Blocks:
    """The chat page over ``pipeline``.

    Uploaded articles go to ``uploads_dir`` (default: ``pipeline.uploads_dir``, else
    ``uploads/`` beside the index folder) and are indexed with the corpus at once.
    The index is loaded (or built) here.
    """
    uploads = Path(uploads_dir or pipeline.uploads_dir or default_uploads_dir(pipeline.index_dir))
    service = ChatService(pipeline, uploads, max_upload_bytes)
    _sync_uploads(service)
    example_list = list(examples) if examples is not None else _examples_for(service)
    can_upload = pipeline.can_add_documents()
    can_remove = can_upload and service.can_remove()

    with gr.Blocks(title="Ask your articles") as demo:
        gr.Markdown(HEADER)
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    # no label on the page: Gradio floats it over the messages, and it
                    # covered their text once the chat scrolled; it still names the chat
                    label="Chat", show_label=False, height=560, sanitize_html=True,
                    render_markdown=True,
                    # no copy button: it copies a reply's HTML, not its text
                    latex_delimiters=[], feedback_options=None, buttons=[],
                    group_consecutive_messages=False, elem_id="qa-chat",
                    placeholder=PLACEHOLDER,
                )
                with gr.Row():
                    # min_width: on a narrow screen the buttons go under the box, which
                    # was squeezed to a few characters beside them. The label is not shown
                    # but names the box for a screen reader (it was "Textbox")
                    question = gr.Textbox(placeholder="Ask a question…", label="Question",
                                          show_label=False,
                                          scale=8, elem_id="qa-question", autofocus=True,
                                          max_lines=4, min_width=240)
                    ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80,
                                        elem_id="qa-ask")
                    clear_btn = gr.Button("Clear", scale=1, min_width=80, elem_id="qa-clear")
                examples = (gr.Examples(example_list, inputs=[question],
                                        label="Example questions", elem_id="qa-examples")
                            if example_list else None)
            with gr.Column(scale=2):
                with gr.Accordion("Settings", open=False):
                    # up to 10, or to the top-k the index was calibrated with if more;
                    # the /ask API takes the same range
                    # the reset button (the default) is also what a blank box means
                    # (SETTINGS_JS)
                    defaults = slider_defaults(pipeline)
                    top_k = gr.Slider(1, service.max_top_k, value=defaults["qa-top-k"], step=1,
                                      label="Passages to read (top k)", elem_id="qa-top-k",
                                      buttons=["reset"])
                    threshold = gr.Slider(0.0, 1.0, value=defaults["qa-threshold"],
                                          step=0.01, label="Abstention threshold "
                                          "(answers scoring lower say 'not found')",
                                          elem_id="qa-threshold", buttons=["reset"])
                with gr.Accordion("Add articles", open=True):
                    if can_upload:
                        gr.Markdown(f"{', '.join(ALLOWED_SUFFIXES)} files, up to "
                                    f"{max_upload_bytes / 1e6:.1f} MB each.")
                        # No file_types, and a transfer limit above the article limit
                        # (launch): with either, Gradio refuses a file in the browser with a
                        # passing notice and the status line stays as it was. Our own check
                        # (service.upload) says there what became of each file.
                        files = gr.File(file_count="multiple", label="Upload articles",
                                        elem_id="qa-upload")
                    else:
                        gr.Markdown("Uploads need a corpus folder: start with `--corpus`.")
                    status = gr.HTML(elem_id="qa-upload-status")
                with gr.Accordion("Indexed articles", open=True):
                    articles = gr.HTML(service.articles_html(), elem_id="qa-articles")
                    # only where the uploads folder holds uploads alone (ChatService), and
                    # while it holds some (removal_shown)
                    uploaded = service.upload_names() if can_remove else []
                    with gr.Row(visible=bool(uploaded), elem_id="qa-removal") as removal:
                        removable = gr.Dropdown(
                            choices=uploaded, value=None,
                            label="Remove an uploaded article", scale=3,
                            elem_id="qa-remove-choice", allow_custom_value=False)
                        remove_btn = gr.Button("Remove", scale=1, min_width=80,
                                               elem_id="qa-remove")

        def removal_updates(chosen: Any = None) -> tuple[Any, Any]:
            """The removal list as the uploads folder holds it now, with ``chosen`` still
            chosen if it is there; and its row (with the button) shown while there are
            uploads to remove, hidden while there are none. The folder is listed once."""
            names = service.upload_names() if can_remove else []
            return (gr.update(choices=names, value=chosen if chosen in names else None),
                    gr.update(visible=bool(names)))

        def removable_update(chosen: Any = None) -> Any:
            return removal_updates(chosen)[0]

        def removal_shown() -> Any:
            return removal_updates()[1]

        def listing() -> tuple[str, Any, Any, Any, Any]:
            stamp = service.listing_stamp()
            return (service.articles_html(), *removal_updates(),
                    INDEXING_NOTE if stamp[1] else gr.update(), stamp)

        # a page opened (or reloaded) after uploads lists what the index holds now, and
        # says so when articles are being indexed meanwhile (an upload before a reload)
        seen = gr.State(None)
        demo.load(listing, None, [articles, removable, removal, status, seen], queue=False,
                  api_visibility="undocumented")

        def follow(last: Any, shown: Any, chosen: Any) -> tuple[Any, Any, Any, Any, Any]:
            """The lists again when the index or the uploads changed since the page last
            showed them (an upload finished that another page or the page before a reload
            started; a build by `qa index`); the note above gone once that is done."""
            stamp = service.listing_stamp()
            if stamp == last:
                return gr.update(), gr.update(), gr.update(), gr.update(), last
            note = "" if shown == INDEXING_NOTE and not stamp[1] else gr.update()
            return (service.articles_html(), *removal_updates(chosen), note, stamp)

        gr.Timer(FOLLOW_SECONDS).tick(
            follow, [seen, status, removable], [articles, removable, removal, status, seen],
            queue=False, show_progress="hidden", api_visibility="undocumented")
        # and shows the conversation as it was (cleared: empty), a question it left without
        # a reply back in the box
        kept = saved_chat(pipeline)
        demo.load(restored_turn, [kept, question], [chatbot, question], queue=False,
                  show_progress="hidden", api_visibility="undocumented")
        chatbot.change(kept_messages, [chatbot], [kept], queue=False, show_progress="hidden",
                       api_visibility="undocumented")
        # and the Settings as the user left them (a value no longer in range, or damaged:
        # the default); kept as they change (dragged, typed, reset, or set by an answer)
        settings = saved_settings(pipeline)
        demo.load(partial(restored_settings, most=service.max_top_k), [settings],
                  [top_k, threshold], queue=False, show_progress="hidden",
                  api_visibility="undocumented")
        gr.on([top_k.change, threshold.change], kept_settings, [top_k, threshold], [settings],
              queue=False, show_progress="hidden", api_visibility="undocumented")

        # A turn in the page: take the question (queued in no pool, so it never waits
        # behind answers, and its refusal shows as a notice), show it at once, then
        # answer. One shared queue slot pool for every event that runs the reader, so
        # the limit holds for the server as a whole, not per event.
        pending = gr.State(None)
        busy_since = gr.State(None)

        def turn(start: Any) -> Any:
            """The turn's three steps, started by ``start`` (an event listener)."""
            return start(
                service.take, [question, busy_since], [pending, busy_since],
                concurrency_limit=None, show_progress="hidden",
                api_visibility="undocumented").success(
                service.show, [pending, chatbot, question], [question, chatbot],
                queue=False, show_progress="hidden", api_visibility="undocumented").success(
                service.complete, [pending, chatbot, top_k, threshold],
                [chatbot, busy_since, top_k, threshold],
                api_visibility="undocumented", concurrency_id="answer",
                concurrency_limit=concurrency_limit)

        answering = [turn(partial(gr.on, [question.submit, ask_btn.click]))]
        if examples is not None:  # a click on an example asks it, once it is in the box
            answering.append(turn(examples.load_input_event.then))
        # The same turn in one call for API clients: /chat(message, history, top_k,
        # threshold) -> (history, "").
        chat_api = gr.Button(visible=False)
        chat_api.click(service.respond, [question, chatbot, top_k, threshold],
                       [chatbot, question], api_name="chat", concurrency_id="answer",
                       concurrency_limit=concurrency_limit)
        # Clear drops a pending answer too: it would bring the cleared turn back. The
        # chat's own trash button (Gradio's, always there) empties the chat; the rest is
        # the same.
        clear_btn.click(lambda: ([], "", "", None), None, [chatbot, question, status, busy_since],
                        api_visibility="undocumented", cancels=answering)
        chatbot.clear(lambda: None, None, [busy_since], api_visibility="undocumented",
                      cancels=answering)
        if can_upload:
            # gr.Progress(track_tqdm=True) patches tqdm's methods for the whole process,
            # and the patched ones read an attribute only bars made afterwards have: a bar
            # alive now (a build in another thread) would fail on its next update
            tqdm_class = __import__("tqdm").tqdm
            if not hasattr(tqdm_class, "_progress"):
                tqdm_class._progress = None

            def upload(payload: Any, chosen: Any,
                       progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008
                       ) -> Iterator[tuple[Any, Any, Any]]:
                """Say at once that the files are being indexed (it can take minutes on
                two cores for a long article), then what became of each; an upload chosen
                for removal stays chosen. Meanwhile the status line shows indexing's
                progress bars (reading the files, embedding the passages) as Gradio's
                progress (``track_tqdm``)."""
                paths, names = uploaded_files(payload)
                if not paths:
                    yield *service.upload(None), removable_update(chosen)
                    return
                yield (f'<p class="qa-status">Indexing {counted(len(paths), "file")}… (questions '
                       "are answered meanwhile)</p>", gr.update(), gr.update())
                yield *service.upload(paths, names), removable_update(chosen)

            # preprocess=False: the files as Gradio sent them, with the names the browser
            # gave (uploaded_files); they are in Gradio's cache, checked as with preprocessing;
            # then the upload box is emptied, and the removal list shown (the first upload)
            files.upload(upload, [files, removable], [status, articles, removable],
                         preprocess=False, show_progress_on=[status],
                         api_visibility="undocumented").then(
                lambda: (None, removal_shown()), None, [files, removal],
                api_visibility="undocumented")

        if can_remove:
            def remove(name: Any) -> Iterator[tuple[Any, Any, Any]]:
                """Say at once that the index is being built again, then what became of
                the upload; the removal list then holds the uploads left."""
                name = name if isinstance(name, str) else None
                if name:
                    yield (f'<p class="qa-status">Removing {html.escape(name)}… (questions '
                           "are answered meanwhile)</p>", gr.update(), gr.update())
                yield *service.remove(name), removable_update()

            # preprocess=False: the name as sent, checked by ChatService.remove. Gradio
            # would check it against the list as this session last got it (an API call:
            # as the page was built, without later uploads), and its refusal lists them all
            # and the removal list is hidden once the last upload is gone
            remove_btn.click(remove, [removable], [status, articles, removable],
                             preprocess=False, api_name="remove",
                             api_visibility="undocumented").then(
                removal_shown, None, [removal], queue=False, show_progress="hidden",
                api_visibility="undocumented")

        def ask(question: str, history: list[dict[str, Any]] | None = None,
                top_k: int | None = None, threshold: float | None = None) -> dict[str, Any]:
            """Answer a question; ``history`` (messages format) resolves follow-ups."""
            return service.ask(question, history, top_k, threshold)

        gr.api(ask, api_name="ask", concurrency_id="answer",
               concurrency_limit=concurrency_limit)
    demo.queue(default_concurrency_limit=concurrency_limit)
    return demo


def launch(pipeline: QAPipeline | None = None, host: str = "127.0.0.1", port: int = 7860, *,
           uploads_dir: Path | str | None = None,
           max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
           concurrency_limit: int = DEFAULT_CONCURRENCY,
           prevent_thread_lock: bool = False, quiet: bool = False) -> gr.Blocks:
    """Serve the chat on ``host:port`` (local only by default; never shared publicly)."""
    pipeline = pipeline or QAPipeline()
    demo = build_app(pipeline, uploads_dir, max_upload_bytes=max_upload_bytes,
                     concurrency_limit=concurrency_limit)
    demo.launch(server_name=_server_name(host), server_port=port, share=False,
                max_file_size=transfer_limit(max_upload_bytes),
                prevent_thread_lock=prevent_thread_lock,
                quiet=quiet, show_error=False, css=CSS,
                js=page_js(draft_key(pipeline), slider_defaults(pipeline)),
                footer_links=["api"],
                theme=gr.themes.Soft())
    return demo


def _server_name(host: str) -> str:
    """``host`` as Gradio takes it: an IPv6 address in brackets ("[::1]"), since Gradio
    makes its own URLs from it (http://::1:7860/ is no URL, and launching failed)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host

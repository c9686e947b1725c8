"""The conversation the browser keeps for the chat page: where (localStorage, a key of the
index folder), how much (the last SAVED_MESSAGES messages, from a question on), and what a
reloaded page shows of it (a question left without a reply goes back in the box); and
where it keeps a question typed but not yet sent, and the Settings sliders' values."""

from __future__ import annotations

import hashlib
import math
from typing import Any

import gradio as gr

from qa.pipeline import QAPipeline
from ui.service import user_questions

#: Messages of the conversation the browser keeps (the last ones): enough to read back
#: after a reload, and far from the browser's storage limit with the sources they show.
SAVED_MESSAGES = 40


def saved_chat(pipeline: QAPipeline) -> gr.BrowserState:
    """Where the browser keeps the conversation, so that a reload of the page (or a page
    Gradio reloads after the server restarted) shows it again: localStorage, under a key
    of the index folder (a chat over another index keeps its own). Gradio encrypts it in
    the page with a key the page is given; a random one (its default) would be another
    after a restart and lose the conversation, so it is made from the folder too: it
    hides nothing the page does not already hold, as Gradio's own does not."""
    name = _index_name(pipeline)
    return gr.BrowserState([], storage_key=f"qa-chat-{name[:16]}", secret=name[16:48])


def draft_key(pipeline: QAPipeline) -> str:
    """Where the browser keeps the question typed into the box and not yet sent, so that
    a reload shows it again (ui.page_assets.DRAFT_JS): localStorage, under a key of the
    index folder, as the conversation (saved_chat). Kept as typed, not encrypted."""
    return f"qa-draft-{_index_name(pipeline)[:16]}"


def saved_settings(pipeline: QAPipeline) -> gr.BrowserState:
    """Where the browser keeps the Settings sliders' values (top-k, threshold), so that a
    reload of the page shows them as the user left them, as it shows the conversation:
    localStorage, under a key (and an encryption key) of the index folder (saved_chat).
    Clear leaves them as they are."""
    name = _index_name(pipeline)
    return gr.BrowserState({}, storage_key=f"qa-settings-{name[:16]}", secret=name[16:48])


def kept_settings(top_k: Any, threshold: Any) -> dict[str, Any]:
    """The sliders' values for the browser to keep (saved_settings)."""
    return {"top_k": top_k, "threshold": threshold}


def restored_settings(saved: Any, most: int) -> tuple[Any, Any]:
    """What a reloaded page sets the sliders to: (top-k, threshold) as the browser kept
    them (kept_settings). A value that is not one the slider takes (top-k a whole number
    from 1 to ``most``, the threshold from 0 to 1), a damaged or foreign stored value, or
    none kept leaves its slider at the default (gr.update())."""
    kept = saved if isinstance(saved, dict) else {}
    top_k = _number_in(kept.get("top_k"), 1, most)
    threshold = _number_in(kept.get("threshold"), 0.0, 1.0)
    return (int(top_k) if top_k is not None and top_k.is_integer() else gr.update(),
            threshold if threshold is not None else gr.update())


def _number_in(value: Any, low: float, high: float) -> float | None:
    """``value`` when it is a number (not a bool, not nan) from ``low`` to ``high``;
    None for anything else."""
    if (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value) and low <= value <= high):
        return float(value)
    return None


def _index_name(pipeline: QAPipeline) -> str:
    return hashlib.sha256(str(pipeline.index_dir.resolve()).encode()).hexdigest()


def kept_messages(history: Any) -> list[Any]:
    """The last SAVED_MESSAGES messages of ``history`` (a list), for the browser to keep,
    from a question on (a reply is never kept without its question); [] for anything else
    (a damaged or foreign stored value)."""
    if not isinstance(history, list):
        return []
    kept = history[-SAVED_MESSAGES:]
    first = next((n for n, m in enumerate(kept) if _role(m) == "user"), len(kept))
    return list(kept[first:])


def restored_messages(saved: Any) -> list[Any]:
    """The conversation the browser kept, without a last question that has no reply (the
    page was reloaded while it was answered: its answer went to the page that was gone,
    and follow-ups would lean on a question left open)."""
    return restored_turn(saved, "")[0]


def restored_turn(saved: Any, typed: Any) -> tuple[list[Any], Any]:
    """What a reloaded page shows: the conversation the browser kept (restored_messages)
    and, in the question box, the question left without a reply, to send again with one
    key; the box is left as it is when it holds text (a draft put back) or no question
    was cut off."""
    kept = kept_messages(saved)
    cut = []
    while kept and _role(kept[-1]) == "user":
        cut.append(kept.pop())
    questions = user_questions(cut[:1])
    if questions and questions[0] and not (isinstance(typed, str) and typed.strip()):
        return kept, questions[0]
    return kept, gr.update()


def _role(message: Any) -> Any:
    return message.get("role") if isinstance(message, dict) else None

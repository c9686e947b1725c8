"""HTML for the chat: an Answer with its sources, errors, and the article list.

Every piece of article text, title, id and question goes through ``html.escape``
here, whatever the chat component sanitizes afterwards: an article holding
``<script>`` or ``<img onerror=…>`` shows as text and runs nothing.

The HTML has no blank lines, so the chat's Markdown renderer keeps it as one raw
HTML block and does not read Markdown syntax inside article text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from qa.language import NOT_ENGLISH_HINT, seems_not_english
from qa.text import fold_space
from qa.types import Answer, Source

NOT_FOUND = "I could not find the answer in the articles."
_BREAKS = re.compile(r"[^\S\n]*\n\s*")  # a line break with the white space around it


def esc(text: str) -> str:
    """Escape ``text`` for HTML and fold its white space (no blank lines survive); a
    no-break space stays one, so that "12\u00a0000" does not wrap."""
    return html.escape(fold_space(text), quote=True)


def lines_html(text: str) -> str:
    """Like :func:`esc`, but a line break (or a run of them) stays, as ``<br>``: a heading
    and its paragraph do not run together ("Porthaven The new lighthouse…")."""
    return "<br>".join(esc(line) for line in _BREAKS.split(text))


def _passage_html(source: Source) -> str:
    before, answer, after = source.highlight()
    if not answer:
        return lines_html(before)
    return f"{lines_html(before)}<mark>{lines_html(answer)}</mark>{lines_html(after)}"


def _source_html(source: Source) -> str:
    scores = f"retrieval score {source.retrieval_score:.3f}"
    if source.has_answer:
        scores += f" · reader score {source.reader_score:.2f}"
    return (
        f'<li class="qa-source"><div><strong class="qa-title">{esc(source.title)}</strong> '
        f'<small class="qa-meta">{esc(source.doc_id)} · {scores}</small></div>'
        f'<blockquote class="qa-passage">{_passage_html(source)}</blockquote></li>'
    )


def _sources_html(sources: tuple[Source, ...], summary: str) -> str:
    if not sources:
        return ""
    items = "".join(_source_html(s) for s in sources)
    return (f'<details class="qa-sources"><summary>{summary} ({len(sources)})</summary>'
            f"<ol>{items}</ol></details>")


def _read_as_html(read_as: str | None) -> str:
    return (f'<p class="qa-read-as"><small>read as: “{esc(read_as)}”</small></p>'
            if read_as else "")


def render_answer(answer: Answer, read_as: str | None = None) -> str:
    """The chat reply: the answer in bold, where it comes from, then the Sources.
    ``read_as``: the question as the reader read it when that is not what was typed (a
    follow-up made self-contained, "Who is he?" read as "Who is Ramzan Kadyrov?"), shown
    under the answer so that an odd reading explains an odd answer."""
    if not answer.found:
        # Folded like Sources: open, five passages would push the reply's one line out of
        # view (the chat scrolls to a reply's end).
        hint = (f'<p class="qa-hint">{esc(NOT_ENGLISH_HINT)}</p>'
                if seems_not_english(answer.question) else "")
        return (f'<div class="qa-reply qa-notfound"><p>{NOT_FOUND}</p>'
                f'{_read_as_html(read_as)}{hint}'
                + _sources_html(answer.sources, "Closest passages") + "</div>")
    assert answer.text is not None
    top = next((s for s in answer.sources if s.has_answer), None)
    # The file too: two articles may share a title, and the file is what a user opens.
    origin = (f'<p class="qa-origin">from <em>{esc(top.title)}</em> '
              f'<small class="qa-meta">({esc(top.doc_id)})</small></p>' if top else "")
    return (
        f'<div class="qa-reply"><p class="qa-answer"><strong>{esc(answer.text)}</strong> '
        f'<small>(confidence {answer.score:.2f})</small></p>{_read_as_html(read_as)}{origin}'
        + _sources_html(answer.sources, "Sources") + "</div>"
    )


def render_error(message: str) -> str:
    """A plain message for a failed question (never a traceback)."""
    return f'<div class="qa-reply qa-error"><p>Sorry: {esc(message)}</p></div>'


def render_user(question: str) -> str:
    """The user's own words, shown as typed: HTML escaped, and inside an HTML block (line
    breaks as <br>, so no blank line ends it), where the chat's Markdown does not reach
    ("# Who…" is no heading, "2*3*4" keeps its asterisks)."""
    lines = [esc(line) for line in question.splitlines() if line.strip()] or [""]
    return '<p class="qa-user">' + '<br>'.join(lines) + '</p>'


def render_articles(documents: Mapping[str, Mapping[str, Any]]) -> str:
    """The indexed articles (the index manifest's ``documents``), titles escaped."""
    if not documents:
        return "<p><em>No articles indexed yet.</em></p>"
    items = "".join(
        f'<li><span class="qa-title">{esc(str(meta.get("title") or doc_id))}</span> '
        f"<small>{esc(doc_id)}</small></li>"
        for doc_id, meta in sorted(documents.items())
    )
    return f'<p>{len(documents)} articles indexed:</p><ul class="qa-articles">{items}</ul>'


def render_status(lines: list[tuple[bool, str]]) -> str:
    """Upload results: (ok, message) per file."""
    items = "".join(
        f'<li class="{"qa-ok" if ok else "qa-bad"}">{"✓" if ok else "✗"} {esc(msg)}</li>'
        for ok, msg in lines
    )
    return f'<ul class="qa-status">{items}</ul>' if items else ""

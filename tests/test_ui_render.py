"""HTML rendering of answers: escaping, highlighting, not-found replies."""

from __future__ import annotations

import re

from qa.types import Answer, Source
from ui.render import (
    NOT_FOUND,
    render_answer,
    render_articles,
    render_error,
    render_status,
    render_user,
)

PAYLOAD = 'Evil <script>alert(1)</script> and <img src=x onerror="alert(2)"> here.'


def _source(passage: str, answer: str | None, title: str = "Title", start: int = 100,
            score: float = 0.031) -> Source:
    a0 = passage.index(answer) if answer else None
    return Source(
        doc_id="doc.txt", title=title, passage=passage, passage_start=start,
        passage_end=start + len(passage),
        answer_start=start + a0 if a0 is not None else None,
        answer_end=start + a0 + len(answer) if a0 is not None and answer else None,
        retrieval_score=score, reader_score=0.9 if answer else 0.0,
    )


def test_answer_is_bold_and_highlighted_in_its_passage() -> None:
    passage = "Volunteers were offered six-month contracts as guards."
    html = render_answer(Answer("q", "six-month", 0.91, (_source(passage, "six-month"),)))
    assert "<strong>six-month</strong>" in html
    assert "Volunteers were offered <mark>six-month</mark> contracts as guards." in html
    assert html.count("<mark>") == 1
    assert "<details" in html and "<summary>Sources (1)</summary>" in html
    assert "0.031" in html and "0.91" in html


def test_the_answers_origin_names_its_file_as_well_as_its_title() -> None:
    """Two articles may share a title: the line under the answer names the file too."""
    passage = "Volunteers were offered six-month contracts as guards."
    html = render_answer(Answer("q", "six-month", 0.91, (_source(passage, "six-month"),)))
    origin = re.search(r'<p class="qa-origin">(.*?)</p>', html)
    assert origin is not None
    assert re.sub(r"<[^>]+>", "", origin.group(1)) == "from Title (doc.txt)"


def test_highlight_uses_document_offsets_not_the_first_occurrence() -> None:
    passage = "one two one three"
    src = Source("d", "T", passage, 50, 50 + len(passage), 50 + 8, 50 + 11, 0.1, 0.8)
    html = render_answer(Answer("q", "one", 0.8, (src,)))
    assert "one two <mark>one</mark> three" in html


def test_article_text_and_titles_are_escaped() -> None:
    src = _source(PAYLOAD, "alert(1)", title="<script>alert(3)</script>")
    html = render_answer(Answer("q", "<b>alert(1)</b>", 0.5, (src,)))
    assert "<script" not in html and "<img" not in html and "<b>alert" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert "<mark>alert(1)</mark>" in html
    assert "&lt;b&gt;alert(1)&lt;/b&gt;" in html


def test_not_found_says_so_and_shows_the_closest_passages() -> None:
    sources = (_source("First close passage.", None), _source("Second <one>.", None, "T2"))
    html = render_answer(Answer("q", None, 0.1, sources))
    assert NOT_FOUND in html
    assert "<mark>" not in html and "<strong>" not in html.split("<details")[0]
    assert "Closest passages (2)" in html
    assert '<details class="qa-sources">' in html  # folded: the one line stays in view
    assert "First close passage." in html and "Second &lt;one&gt;." in html


def test_not_found_for_a_question_in_another_language_says_the_reader_reads_english() -> None:
    from qa.language import NOT_ENGLISH_HINT

    html = render_answer(Answer("Wer ist der Anführer Tschetscheniens?", None, 0.0))
    assert NOT_FOUND in html and NOT_ENGLISH_HINT in html
    assert NOT_ENGLISH_HINT not in render_answer(Answer("Who leads?", None, 0.0))


def test_not_found_without_passages() -> None:
    html = render_answer(Answer("q", None, 0.0, ()))
    assert NOT_FOUND in html and "<details" not in html


def test_reply_has_no_blank_lines_so_markdown_keeps_it_html() -> None:
    passage = "Line one.\n\n    Indented *markdown* line.\n\nLast."
    html = render_answer(Answer("q", "Last", 0.7, (_source(passage, "Last"),)))
    assert "\n" not in html
    assert not re.search(r"\n\s*\n", html)


def test_a_passages_line_breaks_stay_so_a_heading_keeps_apart() -> None:
    passage = "New lighthouse opens\n\n  The new lighthouse in Porthaven shines\nfar."
    html = render_answer(Answer("q", "far", 0.7, (_source(passage, "far"),)))
    assert "New lighthouse opens<br>The new lighthouse in Porthaven shines<br><mark>far" in html
    assert "\n" not in html


def test_the_users_question_is_shown_as_typed_not_as_markdown() -> None:
    shown = render_user("# Who is 2*3*4?\n\n1. <script>x</script> & _y_")
    # one HTML block (no blank line inside), which the chat's Markdown leaves alone
    assert shown == ('<p class="qa-user"># Who is 2*3*4?<br>1. &lt;script&gt;x&lt;/script&gt; '
                     '&amp; _y_</p>')


def test_errors_articles_and_status_are_escaped() -> None:
    assert "&lt;script&gt;" in render_error("bad <script>")
    listing = render_articles({"a<b>.txt": {"title": "<img src=x onerror=alert(1)>"}})
    assert "<img" not in listing and "&lt;img" in listing and "a&lt;b&gt;.txt" in listing
    assert "No articles" in render_articles({})
    status = render_status([(True, "added <x>"), (False, "bad")])
    assert "added &lt;x&gt;" in status and "qa-bad" in status


def test_answers_and_questions_come_back_from_a_rendered_history() -> None:
    from ui.service import turn_answers, user_questions

    src = _source("Kadyrov & co, a close ally.", "Kadyrov & co")
    history = [
        {"role": "user", "content": [{"type": "text", "text": "Who is &lt;the&gt; leader?"}]},
        {"role": "assistant", "content": render_answer(Answer("q", "Kadyrov & co", 0.9, (src,)))},
    ]
    assert user_questions(history) == ["Who is <the> leader?"]
    typed = "# Who is 2*3*4 <b>&</b>\n\nthe _leader_?"
    assert user_questions([{"role": "user", "content": render_user(typed)}]) == [
        "# Who is 2*3*4 <b>&</b>\nthe _leader_?"]  # as typed (blank lines aside)
    assert turn_answers(history) == ["Kadyrov & co"]
    not_found = [{"role": "user", "content": "Who?"},
                 {"role": "assistant", "content": render_answer(Answer("q", None, 0))}]
    errored = [{"role": "user", "content": "Why?"},
               {"role": "assistant", "content": render_error("the index is missing")}]
    plain = [{"role": "user", "content": "Who leads?"}, {"role": "assistant", "content": "Putin"}]
    unanswered = [{"role": "user", "content": "When?"}]
    assert turn_answers([*history, *not_found, *plain, *errored, *unanswered]) == [
        "Kadyrov & co", None, "Putin", None, None]
    assert len(user_questions([*history, *not_found, *unanswered])) == 3
    assert turn_answers([{"role": "assistant", "content": "Putin"}]) == []  # no question
    assert turn_answers([]) == []


def test_a_no_break_space_stays_one() -> None:
    passage = "The hall seats 12\u00a0000 people and costs \u20ac30\u202fper seat."
    html = render_answer(Answer("q", "12\u00a0000", 0.7, (_source(passage, "12\u00a0000"),)))
    assert "12\u00a0000" in html and "\u20ac30\u202fper" in html


def test_a_question_read_otherwise_says_how_it_was_read() -> None:
    """A trial: "And when?" after "Who is the Chechen leader?" found nothing, and the
    reply did not say that it had been read as "When is the Chechen leader?"."""
    passage = "Volunteers were offered six-month contracts as guards."
    found = render_answer(Answer("How long are <their> contracts?", "six-month", 0.91,
                                 (_source(passage, "six-month"),)),
                          read_as="How long are <their> contracts?")
    assert ('<p class="qa-read-as"><small>read as: \u201cHow long are &lt;their&gt; '
            'contracts?\u201d</small></p>') in found
    assert found.index("qa-read-as") < found.index("qa-origin")
    missing = render_answer(Answer("When is the Chechen leader?", None, 0.01, ()),
                            read_as="When is the Chechen leader?")
    assert "read as: \u201cWhen is the Chechen leader?\u201d" in missing
    plain = render_answer(Answer("q", "six-month", 0.91, (_source(passage, "six-month"),)))
    assert "qa-read-as" not in plain

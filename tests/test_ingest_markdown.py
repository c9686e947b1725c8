"""Markdown articles are stored as read: no front matter, comments or link targets; code
as written; the title is the first heading (ATX or setext) outside code."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from qa.ingest import load_documents
from qa.markdown import markdown_to_text

MODEL_CARD = """---
language: en
# a YAML comment
pipeline_tag: sentence-similarity
---

<!-- Provide a quick summary. -->

# all-MiniLM-L6-v2

This is a [sentence-transformers](https://www.SBERT.net) model: it maps sentences to a
384 dimensional <!-- dense --> vector space ([paper](https://arxiv.org/abs/1908.10084 "SBERT")).

[![PyPI](https://img.shields.io/pypi/v/x.svg)](https://pypi.org/x) ![diagram](img/arch.png)
See <https://example.org/docs>.

```python
# not a heading: [a](b) <!-- kept -->
model = SentenceTransformer("all-MiniLM-L6-v2")
```

Write `[text](url)` or `<!-- note -->` for those.
"""


def _read(tmp_path: Path, markdown: str, name: str = "a.md"):
    (tmp_path / name).write_text(markdown, encoding="utf-8")
    [doc] = load_documents([tmp_path]).documents
    return doc


def test_front_matter_comments_and_link_targets_are_not_stored(tmp_path: Path) -> None:
    doc = _read(tmp_path, MODEL_CARD)
    assert doc.title == "all-MiniLM-L6-v2"
    assert doc.text == (
        "# all-MiniLM-L6-v2\n\n"
        "This is a sentence-transformers model: it maps sentences to a\n"
        "384 dimensional  vector space (paper).\n\n"
        "PyPI diagram\n"
        "See https://example.org/docs.\n\n"
        "\n# not a heading: [a](b) <!-- kept -->\n"  # fence lines: empty lines
        'model = SentenceTransformer("all-MiniLM-L6-v2")\n\n\n'
        "Write `[text](url)` or `<!-- note -->` for those.\n")


@pytest.mark.parametrize("markdown, title", [
    ("[![CI](ci.svg)](https://ci.org)\n\nMy Project\n==========\n\nIt does things.\n",
     "My Project"),  # setext
    ("Intro text\n\nUsage *notes*\n------------\n\n# Later\n", "Usage notes"),
    ("```bash\n# install it\npip install x\n```\n\nSetup\n-----\n", "Setup"),
    ("<!-- generated: do not edit -->\nThe zorblax protocol.\n", "The zorblax protocol"),
    ("---\ntitle: x\n# Not a heading\n---\nFirst line.\n", "x"),  # front matter's
    ("---\nlayout: x\n# Not a heading\n---\nFirst line.\n", "First line"),
    ("```\n# code only\n```\n", "a"),  # no prose: the file's name, not a line of code
    ("| Flag | Use |\n|--|--|\n| -v | verbose |\n", "a"),  # a table alone: the name too
    ("| Flag | Use |\n|--|--|\n| -v | verbose |\n\nFlags of qa.\n", "Flags of qa"),
    ("Flag | Use\n--- | ---\n-v | verbose\n\nFlags of qa.\n", "Flags of qa"),  # no pipes
    ("[![CI](ci.svg)](https://ci.org) ![PyPI](pypi.svg)\n\nA tool for maps.\n",
     "A tool for maps"),  # badges and logos are not titles
    ("[home]: https://x.org\n\nSee [the site][home].\n", "See the site"),
    ("| is the pipe, and so on\n", "| is the pipe, and so on"),  # no rule under it: no table
    ("> quoted intro\n\nProse.\n", "quoted intro"),  # quote and list marks: no title's
    ("- Fast and small\n", "Fast and small"),
    ("#hashtag is a word\n", "#hashtag is a word"),
    ("- item\n---\n\nText.\n", "item"),  # a list item over a rule: no heading
])
def test_markdown_titles_come_from_headings_outside_code(tmp_path: Path, markdown: str,
                                                          title: str) -> None:
    assert _read(tmp_path, markdown).title == title


def test_a_thematic_break_at_the_top_is_not_front_matter(tmp_path: Path) -> None:
    text = "---\n\nThe ferry leaves at seven.\n\n---\n\nIt returns at nine.\n"
    assert _read(tmp_path, text).text == text


@pytest.mark.parametrize("text", [
    "---\nThe ferry leaves at seven.\nIt returns at nine.\n---\n\nTimes may change.\n",
    "---\n**The ferry** leaves at seven.\n\n- Tickets: at the pier\n---\nMore.\n",
])
def test_rules_around_prose_at_the_top_are_not_front_matter(tmp_path: Path, text: str) -> None:
    # '---', prose, '---' is a thematic break over a paragraph (or a setext heading): the
    # text between is the article's, not YAML to leave out
    assert "leaves at seven" in _read(tmp_path, text).text


@pytest.mark.parametrize("front", [
    "title: Ferries\ntags:\n  - boats\n  - timetables\n# a comment\ndraft: false\n",
    "layout: post\ndate: 2024-05-01 10:00\n\nsummary: >\n  Folded text\n",
])
def test_yaml_front_matter_is_left_out(tmp_path: Path, front: str) -> None:
    doc = _read(tmp_path, f"---\n{front}---\nThe ferry leaves at seven.\n")
    assert doc.text == "The ferry leaves at seven.\n"


def test_an_unclosed_comment_and_fence_are_kept(tmp_path: Path) -> None:
    text = "Text <!-- never closed\n\n```\ncode [a](b)\n"
    assert _read(tmp_path, text).text == text.replace("```", "")


# -- defects of 2026-12-02 ------------------------------------------------------------------
def test_unclosed_comments_take_linear_time() -> None:
    markdown = "a <!-- b\n" * 20_000  # 180 KB: about 90 s before (each '<!--' scanned on)
    started = time.perf_counter()
    text, _ = markdown_to_text(markdown)
    assert time.perf_counter() - started < 1.0
    assert text == markdown  # unclosed: kept as written
    text, _ = markdown_to_text("x <!-- gone --> y\n" + markdown)
    assert text == "x  y\n" + markdown


@pytest.mark.parametrize("markdown", [
    "[a " * 20_000, "<b " * 20_000, "[a](b " * 20_000, "`a " * 2_000 + "\n",
])
def test_stray_marks_take_linear_time(markdown: str) -> None:
    started = time.perf_counter()
    assert markdown_to_text(markdown)[0] == markdown
    assert time.perf_counter() - started < 1.0


def test_a_table_rule_with_a_long_blank_tail_takes_linear_time() -> None:
    # the rule's blank runs overlapped: 32,000 trailing spaces took about 2 s
    markdown = "Intro\n|--|--" + " " * 64_000 + "x\n"
    started = time.perf_counter()
    assert markdown_to_text(markdown)[1] == "Intro"
    assert time.perf_counter() - started < 1.0


def test_indented_code_is_kept_as_written() -> None:
    markdown = "Example:\n\n    <!-- keep me -->\n    x = [a](b)\n\n    y = 2\n\nEnd [c](d).\n"
    assert markdown_to_text(markdown)[0] == markdown.replace("[c](d)", "c")
    # an indented line within a list item is the item's text, not code
    assert markdown_to_text("- item\n\n    more [a](b)\n")[0] == "- item\n\n    more a\n"


def test_escaped_marks_are_not_markup() -> None:
    text, _ = markdown_to_text(r"Not a link: \[x\](y) and \<!-- not a comment --> `\[k\]`")
    assert text == r"Not a link: [x](y) and <!-- not a comment --> `\[k\]`"


@pytest.mark.parametrize("markdown", [
    "---\nNote: the deadline is May 3.\n---\n\nBody text.\n",
    "---\n- first item\n- second item\n---\nBody.\n",
    "---\nMy notes: these are drafts\n---\nBody.\n",
])
def test_prose_between_rules_is_not_front_matter(markdown: str) -> None:
    assert markdown_to_text(markdown)[0] == markdown


@pytest.mark.parametrize("front, title", [
    ("title: Ferry times\nlayout: post\n", "Ferry times"),
    ('title: "Ferry: times"\n', "Ferry: times"),
    ("date: 2024-05-01\ntitle: 'Ferry *times*'\n", "Ferry times"),
    ("layout: post\n", "Sailings"),
])
def test_the_front_matter_title_is_the_title(front: str, title: str) -> None:
    text, heading = markdown_to_text(f"---\n{front}---\n\n## Sailings\n\nAt seven.\n")
    assert (text, heading) == ("## Sailings\n\nAt seven.\n", title)


@pytest.mark.parametrize("front, title", [
    ('title = "Bees of the Kessel valley"\ndate = 2021-05-01\ndraft = false\n',
     "Bees of the Kessel valley"),
    ("tags = [\n  'bees',\n]\ntitle = 'Bees: *a* \\ note'  # literal\n", "Bees: a \\ note"),
    ('title = "Caf\\u00e9 \\"Bee\\""\n[params]\ntitle = "not this one"\n', 'Café "Bee"'),
    ('[params]\ntitle = "a table\'s"\n', "Kessel"),
])
def test_hugo_toml_front_matter_is_left_out(front: str, title: str) -> None:
    # Hugo's '+++' front matter was stored as text, its 'title = …' line the title
    text, got = markdown_to_text(f"+++\n{front}+++\n\n# Kessel\n\nThe valley has 14 apiaries.\n")
    assert (text, got) == ("# Kessel\n\nThe valley has 14 apiaries.\n", title)


def test_plus_signs_over_prose_are_not_front_matter(tmp_path: Path) -> None:
    markdown = "+++\nNotes from the meeting, 1 + 1 = 2.\n+++\nText.\n"
    assert markdown_to_text(markdown)[0] == markdown
    (tmp_path / "only.md").write_text('+++\ntitle = "Draft"\n+++\n\n', encoding="utf-8")
    [(name, why)] = load_documents([tmp_path]).skipped
    assert (Path(name).name, why) == ("only.md", "no text (only front matter)")


def test_wiki_links_of_notes_apps_read_as_their_text() -> None:
    # Obsidian's '[[Bob Jones|Bob]]' was stored as written: the reader answered
    # "Bob Jones|Bob", keyword search saw "Jones|Bob"
    markdown = ("# Call with [[Bob Jones|Bob]]\n\nAttendees: [[Alice Smith]], [[Bob Jones|Bob]]"
                "\n\n![[diagram.png]]\n\nSee `[[not a link]]`, \\[[kept]] and [[Budget#2024]].\n")
    assert markdown_to_text(markdown) == (
        "# Call with Bob\n\nAttendees: Alice Smith, Bob\n\nSee `[[not a link]]`, "
        "[[kept]] and Budget#2024.\n", "Call with Bob")


def test_a_one_word_footnote_is_no_reference_definition() -> None:
    # '[^2]: Ibid.' read as a link definition: the footnote's text was left out and its
    # mark in the text read '^2'; a longer footnote stayed, as it still does
    markdown = "Text one.[^1] Text two.[^2]\n\n[^1]: See the survey of 2020.\n[^2]: Ibid.\n"
    assert markdown_to_text(markdown)[0] == markdown


def test_html_tags_are_read_as_their_text() -> None:
    markdown = ('<p align="center"><img src="q.png" alt="Quokka logo" width=80></p>\n\n'
                "It ran <b>512</b> jobs.<br>Then <i>stopped</i>, as a < b and <3.\n"
                "Run qa ask <question> on a List<String>.\n\n"
                "<details><summary>More</summary>\n\nHidden.\n</details>\n\n"
                "See <https://x.org> and `<b>code</b>`.\n")
    assert markdown_to_text(markdown) == (
        "Quokka logo\n\nIt ran 512 jobs.\nThen stopped, as a < b and <3.\n"
        "Run qa ask <question> on a List<String>.\n\n"
        "More\n\nHidden.\n\nSee https://x.org and `<b>code</b>`.\n",
        "It ran 512 jobs")  # a logo's alt text is read, but is no title


def test_links_over_lines_and_reference_links_read_as_their_text() -> None:
    markdown = ("Read the [Code of\nConduct](CODE_OF_CONDUCT.md), [the guide][g], [FAQ][],\n"
                "[FAQ] and [Ref  Two][r2]; [nope][zz] and [x] are no links.\n\n"
                "[g]: https://g.org \"Guide\"\n[faq]: <https://faq.org>\n"
                "[R2]: https://r.org 'R'\n\nEnd [a\n\nb](c).\n")
    text, title = markdown_to_text(markdown)
    assert text == ("Read the Code of\nConduct, the guide, FAQ,\n"
                    "FAQ and Ref  Two; [nope][zz] and [x] are no links.\n\n"
                    "End [a\n\nb](c).\n")
    assert title == "Read the Code of"


@pytest.mark.parametrize("markdown, text", [
    ("<table><tr><td>Alpha</td><td>Beta</td></tr></table>\n", " Alpha  Beta \n\n"),
    ("<p>Hello</p><p>World</p>\n", "Hello\n\nWorld\n\n"),
    ("<ul><li>one</li><li>two</li></ul>\n", "one\n\ntwo\n\n"),
])
def test_html_blocks_in_markdown_stay_apart(markdown: str, text: str) -> None:
    # the tags were left out with nothing between: 'AlphaBeta', 'HelloWorld', 'onetwo'
    assert markdown_to_text(markdown)[0] == text


@pytest.mark.parametrize("front, title", [
    ("Title: My Post\nDate: 2020-01-01\n", "My Post"),  # capitalized keys, two of them
    ("title: >-\n  A long\n  title\ndate: 2020-01-01\n", None),  # a block scalar: no '>-'
])
def test_front_matter_with_capitalized_keys_or_block_titles(front: str,
                                                            title: str | None) -> None:
    text, got = markdown_to_text(f"---\n{front}---\n\nBody text here.\n")
    assert text == "Body text here.\n"
    assert got == (title or "Body text here")  # the first line, without its period


def test_fence_lines_are_stored_as_empty_lines() -> None:
    text, title = markdown_to_text("Install it:\n```sh\nrustup\n```\nDone.\n")
    assert text == "Install it:\n\nrustup\n\nDone.\n"  # code a block of its own
    assert title == "Install it:"
    assert markdown_to_text("```\ncode\n```\nThen prose.\n")[1] == "Then prose"


def test_badges_in_a_heading_are_not_in_the_title() -> None:
    markdown = ("# rustfmt [![linux](l.svg)](https://ci/l) [![mac](m.svg)](https://ci/m) "
                "[![crates.io](c.svg)][crates]\n\n[crates]: https://crates.io\n")
    text, title = markdown_to_text(markdown)
    assert title == "rustfmt"
    assert text == "# rustfmt linux mac crates.io\n\n"


def test_images_side_by_side_read_as_words_apart() -> None:
    # badges written with no space between them read as one word each, not run together
    # ("unshiftVersion npmBuild Status"); an image beside a bracket or a space adds none
    markdown = ("[![Made by unshift](m.svg)](http://u.io)[![Version npm](v.svg)](http://n)"
                '![Build Status](b.svg)<img alt="IRC channel" src="i.svg">\n\n'
                "The logo (![logo](l.png)) and ![icon](i.png) here.\n")
    text, _ = markdown_to_text(markdown)
    assert text == ("Made by unshift Version npm Build Status IRC channel\n\n"
                    "The logo (logo) and icon here.\n")
    assert "\ue000" not in text


def test_a_fenced_block_in_a_list_item_stays_as_written() -> None:
    # the fence, indented with the item's text, was not seen: its code lost its tags and
    # escapes ('<div class="x">hi</div>' stored as 'hi')
    markdown = ('-   Install:\n\n    ```html\n    <div class="x">hi</div>\n'
                '    <b>bold</b> \\* a\n    ```\n\nAfter.\n')
    text, _ = markdown_to_text(markdown)
    assert '    <div class="x">hi</div>\n    <b>bold</b> \\* a\n' in text
    assert "```" not in text  # fence lines: empty lines, as elsewhere


@pytest.mark.parametrize("markdown, text", [
    ("See the [ECMA spec][E]: and [ECMA spec][E].\n", "See the ECMA spec: and ECMA spec.\n"),
    ("See the [ECMAScript Language\n  Specification][E]: it says so.\n",
     "See the ECMAScript Language\n  Specification: it says so.\n"),
    ("[ECMA spec][E]: at a line's start.\n", "ECMA spec: at a line's start.\n"),
    ("Per [E]: it says so.\n", "Per E: it says so.\n"),
])
def test_a_reference_link_before_a_colon_reads_as_its_text(markdown: str, text: str) -> None:
    # '[text][ref]:' was kept as markup: the check that kept a definition ('[E]: url' at a
    # line's start) from reading as a link took any link before a ':'
    got, _ = markdown_to_text(f"{markdown}\n[E]: https://x.org\n")
    assert got == text + "\n"
    # a definition is still no link, nor a title
    assert markdown_to_text("[E]: https://x.org\n   [F]: https://y.org\n\nBody.\n") == (
        "Body.\n", "Body")

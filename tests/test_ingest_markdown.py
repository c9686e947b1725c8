"""Markdown articles are stored as read: no front matter, comments or link targets; code
as written; the title is the first heading (ATX or setext) outside code."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.ingest import load_documents

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
        "```python\n# not a heading: [a](b) <!-- kept -->\n"
        'model = SentenceTransformer("all-MiniLM-L6-v2")\n```\n\n'
        "Write `[text](url)` or `<!-- note -->` for those.\n")


@pytest.mark.parametrize("markdown, title", [
    ("[![CI](ci.svg)](https://ci.org)\n\nMy Project\n==========\n\nIt does things.\n",
     "My Project"),  # setext
    ("Intro text\n\nUsage *notes*\n------------\n\n# Later\n", "Usage notes"),
    ("```bash\n# install it\npip install x\n```\n\nSetup\n-----\n", "Setup"),
    ("<!-- generated: do not edit -->\nThe zorblax protocol.\n", "The zorblax protocol."),
    ("---\ntitle: x\n# Not the title\n---\nFirst line.\n", "First line."),
    ("```\n# code only\n```\n", "a"),  # no prose: the file's name
    ("- item\n---\n\nText.\n", "- item"),  # a list item over a rule: no heading
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
    assert _read(tmp_path, text).text == text

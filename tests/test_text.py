"""One Unicode form for articles and questions (qa/text.py)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.text import CJK, fold_space, is_mark, mark_end, unify


def test_unify_composes_spells_out_and_drops_hints() -> None:
    assert unify("Cafe\u0301 \ufb01sh sta\ufb00") == "Café fish staff"
    assert unify("Con\u00adference, Ber\u200blin") == "Conference, Ber lin"
    assert unify("“Quotes” – 12\u00a0000 € ²") == "“Quotes” – 12\u00a0000 € ²"  # kept


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ae \u0301\u0308\u00ad\ufb01\u200b\u2060é"))))
def test_unify_is_stable_and_composed(text: str) -> None:
    once = unify(text)
    assert unify(once) == once  # 'ﬁ' or a soft hyphen before an accent: still one form
    assert unicodedata.is_normalized("NFC", once)


def test_marks_belong_to_their_letter() -> None:
    assert is_mark("\u0301") and is_mark("\u093f") and is_mark("\u0e35")  # accent, vowel signs
    assert not is_mark("e") and not is_mark(" ")
    text = "Zoe\u0308\u0301 and \u0917\u0941\u0930\u0941"
    assert mark_end(text, 3) == 5 and mark_end(text, 0) == 0
    assert mark_end(text, len(text) - 1) == len(text)


def test_cjk_covers_iteration_marks_half_width_kana_and_rare_ideographs() -> None:
    chars = re.compile(f"[{CJK}]")
    for ch in "人々〆〇茶カナかなｶﾞ\U00020bb7":
        assert chars.fullmatch(ch), ch
    for ch in "・。、「a1한":
        assert not chars.fullmatch(ch), ch


def test_fold_space_keeps_no_break_spaces() -> None:
    assert fold_space("a \n\t b\u00a0c\u202fd") == "a b\u00a0c\u202fd"


def test_a_first_line_as_title_has_its_spacing_made_plain(tmp_path) -> None:
    # a man page rendered to text (`man -P cat ls`) starts with a column-aligned header:
    # its runs of spaces showed in `qa info`, citations and JSON titles
    from qa.ingest import read_document
    from qa.text import short_title

    page = tmp_path / "ls.txt"
    page.write_text("LS(1)          User Commands          LS(1)\n\nNAME\n  ls - list\n",
                    encoding="utf-8")
    assert read_document(page, "ls.txt").title == "LS(1) User Commands LS(1)"
    assert short_title("A" * 30 + ". " + "b " * 80) == "A" * 30
    assert short_title("word " * 40).endswith("word…")
    # no sentence ends at an abbreviation or an initial (a trial's title ended at 'Dr.')
    line = ("The Quokka Foundation was created in 2019 by Dr. J. Smith, e.g. for the U.S. "
            "reserves of Perth. It now runs ten of them.")
    assert short_title(line) == line[:line.index("Perth.") + 5]  # no final period
    # a '.' at the 100th character is no sentence's end when text follows it (a review's)
    assert short_title("x" * 99 + ".14 came out, and more follows.") == "x" * 99 + ".…"


@pytest.mark.parametrize("text, title", [
    ("==================================\nThe Hekla Volcano\n"
     "==================================\n\nHekla erupts.\n", "The Hekla Volcano"),
    (".. _covtype_dataset:\n\nForest covertypes\n-----------------\n\nThe samples.\n",
     "Forest covertypes"),
    (".. image:: logo.png\n   :alt: Logo\n\n   :width: 20\n..\n   a comment\n"
     "* * *\nRelease notes\n~~~~~~~~~~~~~\n", "Release notes"),
    ("Plain first line.\n=====\n", "Plain first line"),
    ("=====\n.. _x:\n~~~~~\n", "notes"),  # nothing with words: the file's name
])
def test_a_plain_text_title_is_no_rule_nor_rst_markup(tmp_path, text: str, title: str) -> None:
    # a rule of '=' over the first heading, or an RST label before it, was the title
    from qa.ingest import read_document

    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    assert read_document(path, "notes.txt").title == title


@pytest.mark.parametrize("line, title", [
    ("Hekla erupts.", "Hekla erupts"),  # a sentence's period
    ("Plan B.", "Plan B"),
    ("Hekla erupts.   ", "Hekla erupts"),
    ("Tools, parts etc.", "Tools, parts etc."),  # an abbreviation's period stays
    ("Made in the U.S.", "Made in the U.S."),
    ("Smith et al.", "Smith et al."),
    ("Acme Inc.", "Acme Inc."),
    ("And then...", "And then..."),  # an ellipsis stays, as do other marks
    ("Is it?", "Is it?"),
    ("Stop!", "Stop!"),
    ("Version 3.14", "Version 3.14"),
    (".", "."),
])
def test_a_first_line_as_title_loses_its_final_period(line: str, title: str) -> None:
    from qa.text import short_title

    assert short_title(line) == title


def test_a_single_line_article_is_titled_without_its_period(tmp_path) -> None:
    # a one-line plain-text article was titled 'The Elbe flows through Dresden.'
    from qa.ingest import read_document

    (tmp_path / "elbe.txt").write_text("The Elbe flows through Dresden.\n", encoding="utf-8")
    assert read_document(tmp_path / "elbe.txt", "elbe.txt").title == (
        "The Elbe flows through Dresden")
    # a Markdown article without a heading: titled by its first line, the same way
    (tmp_path / "elbe.md").write_text("The Elbe flows through *Dresden*.\n", encoding="utf-8")
    assert read_document(tmp_path / "elbe.md", "elbe.md").title == (
        "The Elbe flows through Dresden")
    # a title given as such stays as written
    (tmp_path / "given.md").write_text("# Rivers etc.\n\nThe Elbe.\n", encoding="utf-8")
    assert read_document(tmp_path / "given.md", "given.md").title == "Rivers etc."
    (tmp_path / "given.html").write_text(
        "<html><head><title>The Elbe.</title></head><body><p>It flows.</p></body></html>",
        encoding="utf-8")
    assert read_document(tmp_path / "given.html", "given.html").title == "The Elbe."

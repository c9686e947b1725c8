"""Web pages are read as their article: no menus, sidebars, footers or permalink signs;
code keeps its indentation; blocks stay apart; a table row stays one line."""

from __future__ import annotations

import shutil
from pathlib import Path

from qa.chunk import ChunkSettings, chunk_document
from qa.ingest import html_to_text, load_documents
from qa.types import Document
from tests.conftest import FIXTURES

SPHINX_PAGE = FIXTURES / "sphinx-page.html"  # a Python docs page, cut down, as Sphinx writes it


def _read(tmp_path: Path, html: str) -> tuple[str, str]:
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    [doc] = load_documents([tmp_path]).documents
    return doc.text, doc.title


def test_a_sphinx_page_is_read_as_its_article(tmp_path: Path) -> None:
    shutil.copy(SPHINX_PAGE, tmp_path / "zipapp.html")
    [doc] = load_documents([tmp_path]).documents
    assert doc.title == "zipapp — Manage executable Python zip archives"  # no ¶, no space
    assert doc.text.split("\n\n") == [
        "zipapp — Manage executable Python zip archives",
        "Source code: Lib/zipapp.py",
        "This module provides tools to manage the creation of zip files containing Python "
        "code, which can be executed directly by the Python interpreter.",
        "Python API",
        "zipapp.create_archive(source)",
        "Create an application archive from source. The archive is a zip file in the "
        "standard zip format.",
        "def main():\n    return 0",
        "Option | Meaning",
        "-c | Compress files with the deflate method."]


def test_a_page_without_main_content_drops_its_page_level_navigation(tmp_path: Path) -> None:
    # two articles (a blog's front page): no single main element, so the page is read
    # without its banner, menus, sidebar, search and footer; each article's own header
    # and footer are kept
    text, title = _read(tmp_path, """<html><head><title>Fjord Weekly</title></head><body>
        <header><a href="/">Fjord Weekly</a> <span>Subscribe</span></header>
        <div role="banner">Breaking: sign up</div>
        <nav><h2>Sections</h2><a href="/a">Travel</a></nav>
        <div role="search"><input> Search</div>
        <article><header><h2>Ferry to Flåm</h2><p>By Ola Nordmann</p></header>
          <p>The ferry leaves Bergen at seven.</p><footer>Filed under travel</footer></article>
        <article><h2>Glacier walk</h2><p>Guides meet at the Nigard car park.</p></article>
        <aside>Most read: <a href="/b">Trolltunga</a></aside>
        <div role="complementary">Advertisement</div>
        <footer>© 2026 Fjord Weekly. <a href="/privacy">Privacy</a></footer>
        <div role="contentinfo">Contact us</div></body></html>""")
    assert title == "Fjord Weekly"  # the page's <title> before an article's <h2>
    assert text.split("\n\n") == [
        "Ferry to Flåm", "By Ola Nordmann", "The ferry leaves Bergen at seven.",
        "Filed under travel", "Glacier walk", "Guides meet at the Nigard car park."]


def test_the_one_article_of_a_page_is_read_with_its_headline(tmp_path: Path) -> None:
    text, title = _read(tmp_path, """<html><head><title>Ferry | Fjord Weekly</title></head>
        <body><header><h1>Fjord Weekly</h1></header><nav><a href="/">Home</a></nav>
        <article><header><h1>Ferry to <em>Flåm</em></h1><p>By Ola Nordmann</p></header>
          <p>The ferry leaves Bergen at seven.</p><aside>Tickets: 50 kroner.</aside></article>
        <footer>© 2026 Fjord Weekly</footer></body></html>""")
    assert title == "Ferry to Flåm"  # the article's <h1>, not the site's
    assert text.split("\n\n") == ["Ferry to Flåm", "By Ola Nordmann",
                                  "The ferry leaves Bergen at seven.", "Tickets: 50 kroner."]


def test_navigation_is_kept_when_a_page_holds_nothing_else(tmp_path: Path) -> None:
    text, title = _read(tmp_path, "<html><head><title>Links</title></head><body><nav><ul>"
                                  "<li><a href='/a'>Ferry timetable</a></li></ul></nav>"
                                  "<main> </main></body></html>")
    assert (text, title) == ("Ferry timetable", "Links")


def test_permalink_anchors_are_left_out_and_titles_keep_their_words_together() -> None:
    text, title = html_to_text(
        "<h1><code><span>email.charset</span></code>: Representing character sets"
        "<a class='headerlink' href='#charset'>¶</a></h1>"
        "<h2>Usage<a href='#usage'>§</a></h2><h3>Notes <a href='#notes'> # </a></h3>"
        "<p>Read <a href='#rfc'>RFC 2045</a> first.</p>")
    assert title == "email.charset: Representing character sets"
    assert text.split("\n\n") == ["email.charset: Representing character sets", "Usage",
                                  "Notes", "Read RFC 2045 first."]


def test_the_title_is_the_articles_h1_then_the_page_title_then_an_h2() -> None:
    nav = "<div role='navigation'><h2>Navigation</h2><h1>Site</h1></div>"
    assert html_to_text(f"<title>Page — Docs</title>{nav}<div role='main'><h2>Intro</h2>"
                        "<h1>Ferries</h1><p>Text.</p></div>")[1] == "Ferries"
    assert html_to_text(f"<title>Page — Docs</title>{nav}<main><h2>Intro</h2><p>Text.</p>"
                        "</main>")[1] == "Page — Docs"
    assert html_to_text(f"{nav}<main><h2>Intro</h2><p>Text.</p></main>")[1] == "Intro"
    assert html_to_text("<p>Just text.</p>")[1] is None


def test_preformatted_text_keeps_its_lines_and_indentation() -> None:
    text, _ = html_to_text("<p>For   example:</p><pre>\nclass A:\n    def f(self):\n"
                           "        return  {'a':  1}\n\n    x = 2\n</pre><p>Done.</p>")
    assert text == ("For example:\n\nclass A:\n    def f(self):\n        return  {'a':  1}\n"
                    "\n    x = 2\n\nDone.")


def test_blocks_are_paragraphs_apart_and_passages_are_not_cut_into_pieces() -> None:
    items = "".join(f"<li>Itertool function number {i} makes an iterator</li>"
                    for i in range(40))
    text, _ = html_to_text(f"<h2>Efficient looping</h2><ul>{items}</ul><dl><dt>chain(*its)"
                           "</dt><dd><p>Make an iterator.</p></dd></dl>")
    blocks = text.split("\n\n")  # the reader rejects an answer across a blank line
    assert blocks[:2] == ["Efficient looping", "Itertool function number 0 makes an iterator"]
    assert blocks[-2:] == ["chain(*its)", "Make an iterator."]
    assert len(blocks) == 43
    passages = chunk_document(Document("p.html", "P", text, "h"),
                              ChunkSettings(max_words=100, overlap_words=20))
    assert len(passages) == 4  # 40 items of 7 words: passages of up to 100 words, not 43
    assert all(len(p.text.split()) > 60 for p in passages[:-1])


def test_a_table_row_is_one_line_whatever_its_cells_hold() -> None:
    text, _ = html_to_text(
        "<table><caption>Fares</caption><tr><th><p>Route</p></th><th>Price</th></tr>"
        "<tr><td><p>Bergen</p><p>to Flåm</p></td><td><div>50 kroner</div><br>(adult)</td>"
        "<td></td></tr></table>")
    assert text.split("\n\n") == ["Fares", "Route | Price", "Bergen to Flåm | 50 kroner (adult)"]


def test_a_main_element_inside_another_is_one_main_content() -> None:
    text, title = html_to_text("<nav>Home</nav><div class='promo'>Book now</div><div "
                               "role='main'><main><h1>Ferries</h1><p>Daily.</p></main></div>"
                               "<footer>© 2026</footer>")
    assert (text, title) == ("Ferries\n\nDaily.", "Ferries")

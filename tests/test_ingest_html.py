"""Web pages are read as their article: no menus, sidebars, footers or permalink signs;
code keeps its indentation; blocks stay apart; a table row stays one line."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

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


STORY = ("<div class=story><h1>Council approves budget</h1><p>The city council approved a "
         "budget of 4 million euros for the new year.</p></div>")
STORY_TEXT = ("Council approves budget\n\nThe city council approved a budget of 4 million "
              "euros for the new year.")


def test_an_article_in_a_sidebar_or_footer_or_with_little_of_the_text_is_not_the_page() -> None:
    teaser = "<article class=teaser><h2>Other story</h2><p>Short teaser.</p></article>"
    for region in ("aside", "footer", "nav", "header", "div role='complementary'"):
        closing = region.split()[0]
        assert html_to_text(f"<body>{STORY}<{region}>{teaser}</{closing}></body>") == (
            STORY_TEXT, "Council approves budget"), region
    # an <article> beside more text than it holds is a related story, not the article
    text, title = html_to_text(f"<body>{STORY}<div class=related>{teaser}</div></body>")
    assert (text, title) == (STORY_TEXT + "\n\nOther story\n\nShort teaser.",
                             "Council approves budget")
    # one that holds most of the page's text still is (the menu, the footer left out)
    text, _ = html_to_text(f"<body><div>Menu</div><article>{STORY}</article>"
                           "<footer>© 2026</footer></body>")
    assert text == STORY_TEXT


def test_a_header_holding_the_headline_and_a_note_in_the_text_are_kept() -> None:
    text, title = html_to_text(
        "<div class=wrapper><header><h1>fastlib</h1><p>A fast library for parsing TOML "
        "files in pure Python.</p></header><section><h2>Install</h2><p>pip install fastlib"
        "</p></section><footer>© 2026 fastlib</footer></div>")
    assert title == "fastlib"
    assert text.split("\n\n") == ["fastlib", "A fast library for parsing TOML files in pure "
                                  "Python.", "Install", "pip install fastlib"]
    assert html_to_text("<header><h1>Budget 2024</h1><p>The council approved a budget of 4 "
                        "million euros.</p></header><p>Details follow.</p>") == (
        "Budget 2024\n\nThe council approved a budget of 4 million euros.\n\nDetails follow.",
        "Budget 2024")
    # an aside among paragraphs is part of the text; one beside the content's container
    # is a sidebar, and a header without the headline is the site's banner
    assert html_to_text("<div class='post'><p>Intro text.</p><aside class='note'><p>"
                        "Important: the deadline is May 3.</p></aside><p>More.</p></div>"
                        )[0] == "Intro text.\n\nImportant: the deadline is May 3.\n\nMore."
    assert html_to_text("<body><header><a href='/'>Site</a></header><div class=wrap><div>"
                        "<p>Text.</p></div><aside>Most read</aside></div></body>")[0] == "Text."


def test_an_empty_table_cell_keeps_its_place() -> None:
    text, _ = html_to_text(
        "<table><tr><th>Year</th><th>Winner</th><th>Runner-up</th></tr><tr><td>2019</td>"
        "<td></td><td>Smith</td></tr><tr><td></td><td>Jones</td><td> </td></tr>"
        "<tr><td> </td><td></td></tr></table>")
    assert text.split("\n\n") == ["Year | Winner | Runner-up", "2019 | | Smith", "| Jones"]


def test_a_layout_tables_cells_are_read_as_blocks_with_their_headline() -> None:
    text, title = html_to_text(
        "<table><tr><td><a href='/'>Home</a></td><td><h1>Refractor FAQ</h1><p>First "
        "paragraph ends here.</p><p>Second paragraph starts.</p></td></tr></table>")
    assert title == "Refractor FAQ"
    assert text.split("\n\n") == ["Home", "Refractor FAQ", "First paragraph ends here.",
                                  "Second paragraph starts."]
    # without headers, a cell holding a list or paragraphs is layout; one <p> a cell is not
    assert html_to_text("<table><tr><td>Menu</td><td><ul><li>Ferries</li></ul></td></tr>"
                        "<tr><td><p>Bergen</p></td><td><p>50 kroner</p></td></tr></table>"
                        )[0].split("\n\n") == ["Menu", "Ferries", "Bergen | 50 kroner"]


def test_an_article_around_the_main_element_is_read_with_its_lead() -> None:
    assert html_to_text("<nav>Home</nav><article><h1>Ferries</h1><p>Lead: ferries run "
                        "daily.</p><main><p>Details of the timetable.</p></main></article>"
                        ) == ("Ferries\n\nLead: ferries run daily.\n\nDetails of the "
                              "timetable.", "Ferries")


def test_a_site_name_in_the_page_header_is_no_title() -> None:
    # the common blog pattern: the site's name as <h1> in the page header; kept as text,
    # but every page of the site was titled 'MySite'
    page = ("<html><head><title>Eruption news - MySite</title></head><body><header>"
            "<h1 class=site-title><a href=/>MySite</a></h1><nav><a>Home</a></nav></header>"
            "<div><h2>Hekla erupts</h2><p>Lava flows.</p></div></body></html>")
    text, title = html_to_text(page)
    assert title == "Eruption news - MySite"
    assert "Lava flows." in text
    # an article's own header is no page header: its <h1> stays the title
    assert html_to_text("<title>T</title><article><header><h1>Story</h1></header>"
                        "<p>Body text here.</p></article>")[1] == "Story"


@pytest.mark.parametrize("opening, closing", [("<div id=header>", "</div>"),
                                               ("<div class='site-header'>", "</div>"),
                                               ("<div role=banner>", "</div>")])
def test_a_site_name_in_a_header_named_by_id_class_or_role_is_no_title(opening: str,
                                                                       closing: str) -> None:
    # older sites mark their header by name; the site's name, linking home, was the title
    page = ("<html><head><title>Eruption news - MySite</title></head><body>" + opening +
            "<h1><a href=/>MySite</a></h1>" + closing + "<div id=content><h2>Hekla erupts"
            "</h2><p>Lava flowed over the valley road on Tuesday at dawn.</p></div></body>")
    text, title = html_to_text(page)
    assert title == "Eruption news - MySite"
    assert "Lava flowed" in text


def test_a_headline_in_a_div_named_page_header_stays_the_title() -> None:
    # Bootstrap's page-header holds the page's own headline, as plain text
    text, title = html_to_text("<title>Intro | Docs</title><div class=page-header><h1>Intro"
                               "</h1></div><div><p>The text of the page, long enough.</p></div>")
    assert title == "Intro" and text.startswith("Intro")


@pytest.mark.parametrize("tag", ["article", "main"])
def test_deeply_nested_candidates_take_linear_time(tag: str) -> None:
    # each candidate walked all its ancestors: 4,000 nested <article> took 8 s, 8,000 20 s
    start = time.perf_counter()
    text, _ = html_to_text(f"<{tag}>" * 4000 + "x")
    assert text == "x"
    assert time.perf_counter() - start < 3


def test_a_post_with_long_comments_is_read_as_its_article() -> None:
    # the article holds the page's headline: its comments, longer than it, stay out (the
    # "half of the page's text" rule read the whole page, comments and all)
    comments = "".join(f"<p>Comment {i}: I saw the glow from my window last night.</p>"
                       for i in range(10))
    page = ("<html><head><title>Hekla erupts - MySite</title></head><body><header>"
            "<h1>MySite</h1></header><article><h1>Hekla erupts</h1><p>Lava flows down the "
            "slope.</p><p>Roads are closed.</p></article><section id=comments>"
            f"{comments}</section></body></html>")
    text, title = html_to_text(page)
    assert text == "Hekla erupts\n\nLava flows down the slope.\n\nRoads are closed."
    assert title == "Hekla erupts"


POST = ("<h2>Ferry to Flåm</h2><p>The ferry leaves Bergen at seven and reaches Flåm by "
        "noon, stopping at Balestrand.</p>")
POST_TEXT = ("Ferry to Flåm\n\nThe ferry leaves Bergen at seven and reaches Flåm by noon, "
             "stopping at Balestrand.")


def test_a_div_based_pages_named_regions_are_left_out() -> None:
    # a blog of the 2000s: every region is a <div> known by its id or class only
    page = f"""<html><head><title>Fjord blog</title></head><body><div id="wrapper">
        <div id="header"><a href="/">Fjord blog</a><p>Notes from the west coast</p></div>
        <div class="navbar"><a href="/">Home</a> | <a href="/about">About</a> |
          <a href="/contact">Contact</a></div>
        <ul id="mainNav"><li><a href="/a">Archive</a></li><li><a href="/t">Tags</a></li></ul>
        <div class="breadcrumbs"><a href="/">Home</a> » <a href="/travel">Travel</a></div>
        <div id="content-sidebar-wrap"><div id="content">{POST}
          <div class="share-this">Share: <a href="/t">Twitter</a> <a href="/f">Facebook</a>
          </div></div>
          <div id="sidebar"><h3>About me</h3><p>I write about boats.</p>
            <a href="/2025">2025</a></div></div>
        <div class="cookie-banner">We use cookies. <button>Accept</button></div>
        <div id="footer">© 2026 Fjord blog</div></div></body></html>"""
    assert html_to_text(page) == (POST_TEXT, "Fjord blog")


def test_an_article_is_kept_whatever_its_names_say() -> None:
    # wrappers named after the sidebar beside the article, a region holding the headline,
    # names that hold "nav" or "menu" inside a longer word, a menu of dishes, a docutils
    # section on navigation, a post's own header: all are the article
    for page in (f"<body><div class='has-sidebar'>{POST}</div><div class=sidebar>"
                 "<a href=/>Home</a></div></body>",
                 f"<body><div class='layout-sidebar-left'><div>{POST}</div><div "
                 "class=sidebar><p>Ads</p></div></div></body>",
                 f"<body><div id=canvas>{POST}</div><div class=navbar><a href=/>Home</a>"
                 "</div></body>",
                 f"<body><div class='navigator-guide unavailable'>{POST}</div></body>",
                 f"<body><div class=post><div class=entry-header>{POST[:22]}</div>"
                 f"{POST[22:]}</div></body>"):
        assert html_to_text(page) == (POST_TEXT, "Ferry to Flåm"), page
    assert html_to_text(f"<body><div id=header><h1>Budget 2024</h1></div>{POST}<div "
                        "id=footer>© 2026</div></body>") == (
        "Budget 2024\n\n" + POST_TEXT, "Budget 2024")
    menu = ("<div id=menu><h3>Lunch</h3><p>Fish soup, 120 kroner</p><p>Waffles, 40 kroner"
            "</p></div>")
    assert html_to_text(f"<body>{POST}{menu}</body>")[0] == (
        POST_TEXT + "\n\nLunch\n\nFish soup, 120 kroner\n\nWaffles, 40 kroner")
    section = ("<div class=section id=navigation><h2>Navigation</h2><p>Routes avoid closed "
               "piers.</p></div>")
    assert html_to_text(f"<body><div class=body>{POST}{section}</div></body>")[0] == (
        POST_TEXT + "\n\nNavigation\n\nRoutes avoid closed piers.")


def test_an_old_sphinx_page_is_read_without_its_bars_sidebar_and_footer() -> None:
    # Sphinx's basic theme before it wrote ARIA roles: the relbar (class "related"),
    # sidebar and footer are divs, and nothing marks the body as the main content
    related = ("<div class=related><h3>Navigation</h3><ul><li class=right><a href=genindex."
               "html>index</a></li><li class=right><a href=usage.html>next</a> |</li><li>"
               "<a href=index.html>Ferrylib 1.0 documentation</a> »</li></ul></div>")
    page = f"""<html><head><title>Installation — Ferrylib 1.0 documentation</title></head>
        <body>{related}<div class=document><div class=documentwrapper><div class=bodywrapper>
        <div class=body><div class=section id=installation><h1>Installation</h1><p>Ferrylib
        needs Python 3.10 or newer.</p></div></div></div></div>
        <div class=sphinxsidebar><div class=sphinxsidebarwrapper><h4>Next topic</h4><p
        class=topless><a href=usage.html>Usage</a></p><div id=searchbox><h3>Quick search</h3>
        <form><input name=q></form></div></div></div><div class=clearer></div></div>
        {related}<div class=footer>© Copyright 2026, Ola. Created using Sphinx 1.2.</div>
        </body></html>"""
    assert html_to_text(page) == (
        "Installation\n\nFerrylib needs Python 3.10 or newer.", "Installation")


def test_a_mediawiki_skins_panels_are_left_out() -> None:
    portlet = ("<div class=portlet id=p-navigation><h3>Navigation</h3><ul><li><a href=/Main>"
               "Main page</a></li><li><a href=/Random>Random article</a></li></ul></div>")
    page = f"""<html><head><title>Bergen - Fjordwiki</title></head><body>
        <div id=globalWrapper><div id=column-content><div id=content>
        <h1 class=firstHeading>Bergen</h1><div id=bodyContent><div id=jump-to-nav>Jump to:
        <a href=#column-one>navigation</a>, <a href=#searchInput>search</a></div>
        <p>Bergen is a city on the west coast of Norway.</p></div></div></div>
        <div id=column-one>{portlet}<div class=portlet id=p-search><h3>Search</h3><form>
        <input id=searchInput></form></div></div>
        <div id=mw-navigation><div id=mw-head><ul><li><a href=/Talk>Discussion</a></li>
        </ul></div><div id=mw-panel><div>Tools</div></div></div>
        <div id=footer><ul id=f-list><li>This page was last edited on 2 May 2026.</li>
        </ul></div></div></body></html>"""
    assert html_to_text(page) == (
        "Bergen\n\nBergen is a city on the west coast of Norway.", "Bergen")


def test_a_sphinx_contents_page_is_read_without_its_list_of_links() -> None:
    # the toctree repeats the other pages' titles as links: indexed, it is a passage of
    # titles that matches every question and answers none. The page keeps its own words;
    # a single-page build, whose "toctree" holds every page's text, keeps it all
    toctree = ("<div class='toctree-wrapper compound'><p class=caption><span>Contents:</span>"
               "</p><ul><li class=toctree-l1><a href=install.html>Installation</a><ul><li "
               "class=toctree-l2><a href=install.html#navigation>Navigation</a></li></ul></li>"
               "<li class=toctree-l1><a href=usage.html>Usage</a></li></ul></div>")
    page = ("<div class=body role=main><section id=ferrylib><h1>Ferrylib documentation</h1>"
            f"<p>Ferrylib tells when the next ferry leaves.</p>{toctree}</section></div>")
    assert html_to_text(page) == ("Ferrylib documentation\n\nFerrylib tells when the next "
                                  "ferry leaves.", "Ferrylib documentation")
    single = (f"<div class=body role=main><h1>Ferrylib</h1><div class='toctree-wrapper "
              f"compound'><section id=install>{POST}</section></div></div>")
    assert html_to_text(single) == ("Ferrylib\n\n" + POST_TEXT, "Ferrylib")


def test_nested_named_regions_take_linear_time() -> None:
    start = time.perf_counter()
    text, _ = html_to_text("<div class=sidebar>" * 4000 + "x")
    assert text == "x"
    assert time.perf_counter() - start < 3


FERRY = "<p>The ferry to Hekla leaves at nine every morning from the old harbour.</p>"
FERRY_TEXT = "The ferry to Hekla leaves at nine every morning from the old harbour."


def test_a_named_box_among_a_posts_paragraphs_is_kept() -> None:
    # inside the post (an ancestor named "entry"/"post") and among its paragraphs
    page = (f"<body><div class=post><h2>Ferry times</h2><div class=entry>{FERRY}"
            "<div class=sidebar><p>Key fact: the crossing takes two hours.</p></div>"
            f"{FERRY}</div></div><div id=sidebar><a href=/a>Archives</a></div></body>")
    assert html_to_text(page)[0] == ("Ferry times\n\n" + FERRY_TEXT + "\n\nKey fact: the "
                                     "crossing takes two hours.\n\n" + FERRY_TEXT)


def test_an_org_mode_section_named_after_search_is_kept() -> None:
    page = (f"<body><div id=content><h1>Notes</h1><div id=outline-container-ferries "
            f"class=outline-2><h2>Ferries</h2>{FERRY}</div><div id=outline-container-search "
            "class=outline-2><h2>Search</h2><p>Type a harbour name in the query box and press "
            "enter to list departures.</p></div></div></body>")
    assert html_to_text(page)[0] == (
        f"Notes\n\nFerries\n\n{FERRY_TEXT}\n\nSearch\n\nType a harbour name in the query box "
        "and press enter to list departures.")


def test_a_wrapper_named_after_its_layout_is_read() -> None:
    # beside nothing but a footer, the 'sidebar-right' wrapper holds the article
    legal = "Hekla Ferries Ltd is registered in Reykjavik; prices include VAT."
    page = (f"<body><div class='container sidebar-right'><div>{FERRY}</div><div class=sidebar>"
            f"<a href=/x>Archive</a></div></div><div id=footer><p>{legal} {legal}</p></div>"
            "</body>")
    text = html_to_text(page)[0]
    assert text.startswith(FERRY_TEXT) and "Archive" not in text


def test_an_articles_own_headers_and_footers_are_kept() -> None:
    faq = (f"<body><div class=faq><div class=faq-header>When does the ferry leave?</div>"
           f"<div class=faq-body>{FERRY}</div></div></body>")
    assert html_to_text(faq)[0] == "When does the ferry leave?\n\n" + FERRY_TEXT
    bootstrap = ("<body><div class=container><div class=page-header><h2>Ferry guide</h2><p "
                 "class=lead>All about the boats.</p></div>" + FERRY * 2 + "</div></body>")
    assert html_to_text(bootstrap)[0] == (
        "Ferry guide\n\nAll about the boats.\n\n" + FERRY_TEXT + "\n\n" + FERRY_TEXT)
    javadoc = ("<body><div class=topNav><ul class=navList><li><a href=o.html>Overview</a></li>"
               "<li><a href=p.html>Package</a></li></ul></div><div class=header><div "
               "class=subTitle>org.hekla</div><h2 class=title>Class Ferry</h2></div><div "
               f"class=contentContainer>{FERRY * 2}</div></body>")
    assert html_to_text(javadoc) == (
        "org.hekla\n\nClass Ferry\n\n" + FERRY_TEXT + "\n\n" + FERRY_TEXT, "Class Ferry")
    doxygen = ("<body><div class=header><div class=summary><a href=#pub-methods>Public Member "
               "Functions</a> | <a href=m.html>List of all members</a></div><div "
               "class=headertitle><div class=title>Ferry Class Reference</div></div></div>"
               f"<div class=contents>{FERRY * 2}</div></body>")
    assert "Ferry Class Reference" in html_to_text(doxygen)[0]
    panel = (f"<body><div class='panel panel-default'><div class=panel-body>{FERRY}</div><div "
             "class=panel-footer>Tickets are sold on board only.</div></div></body>")
    assert html_to_text(panel)[0] == FERRY_TEXT + "\n\nTickets are sold on board only."


def test_region_words_that_name_content_are_no_region() -> None:
    results = ("<body><div id=header><a href=/>Ferries</a></div><div id=search-results><ul>"
               "<li><a href=/a>Hekla ferry</a><p>Leaves at nine.</p></li></ul></div></body>")
    assert html_to_text(results)[0] == "Hekla ferry\n\nLeaves at nine."
    recipe = (f"<body>{FERRY}<div class=cookie-recipe><h2>Oat cookies</h2><p>Mix oats and "
              "butter.</p><button>Print</button></div></body>")
    assert "Mix oats and butter." in html_to_text(recipe)[0]
    headers = (f"<body>{FERRY * 2}<table class=header-table><tr><th>Header</th><th>Meaning"
               "</th></tr><tr><td>Accept</td><td>Media types taken</td></tr></table></body>")
    assert html_to_text(headers)[0].endswith("Header | Meaning\n\nAccept | Media types taken")


def test_docbooks_navigation_header_and_footer_are_left_out() -> None:
    page = ("<body><div class=navheader><table summary='Navigation header'><tr><th colspan=3>"
            "Chapter 2. Boats</th></tr><tr><td><a href=a.html>Prev</a></td><th>Part I</th><td>"
            "<a href=c.html>Next</a></td></tr></table><hr></div><div class=chapter><h2>Boats"
            f"</h2>{FERRY}</div><div class=navfooter><hr><table><tr><td><a href=a.html>Prev</a>"
            "</td><td><a href=u.html>Up</a></td><td><a href=c.html>Next</a></td></tr><tr><td>"
            "Chapter 1. Harbours</td><td><a href=i.html>Home</a></td><td>Chapter 3. Tides</td>"
            "</tr></table></div></body>")
    assert html_to_text(page) == ("Boats\n\n" + FERRY_TEXT, "Boats")


def test_named_regions_beside_the_text_take_linear_time() -> None:
    # nested regions holding under half of the text, each looked at (a titled header is
    # kept, so the one inside it is looked at in turn), on a page of some megabytes:
    # eight times the page takes about eight times as long, not sixty-four
    def seconds(n: int) -> float:
        page = ("<body>" + FERRY * (n * 8) + "<div class=header><h3>Tides</h3>" * n + "x"
                + "</div>" * n + "</body>")
        start = time.perf_counter()
        text, _ = html_to_text(page)
        assert text.count("Tides") == n and text.endswith("x")
        return time.perf_counter() - start

    small, large = seconds(400), seconds(3200)  # (the large page: 2 MB)
    assert large < 24 * small + 1


# -- a second review of the named regions (2026-12-02): article text they took -------------
_NEWS = ("<p>The committee met on Tuesday and agreed that the new bridge will be built by "
         "spring 2026 at a cost of 40 million euros.</p>")


@pytest.mark.parametrize("page, kept", [
    # a part's header among the text: FAQ questions, a byline in a column
    ('<body><div id="header"><a href="/">Home</a></div><div class="faq-list">'
     '<div class="faq-item"><div class="header">How long is the warranty?</div><div '
     'class="answer">The warranty lasts two years from the date of purchase, parts and '
     'labour included.</div></div><div class="faq-item"><div class="header">Do you ship '
     'abroad?</div><div class="answer">Yes, we ship to every country in the European Union '
     'within five working days.</div></div></div></body>',
     ["How long is the warranty?", "Do you ship abroad?"]),
    # a wrapper that says it has no sidebar, beside longer comments
    ('<body><div id="header"><a href="/">Home</a></div><div class="no-sidebar"><h2>Bridge '
     'news</h2><p>The bridge will open on 12 May 2026.</p></div><div id="comments">'
     + "".join(f"<p>user{i}: I agree with this, thanks for sharing number {i}.</p>"
               for i in range(5)) + '</div><div id="footer">(c)</div></body>',
     ["12 May 2026"]),
    # a table of divs: its header and totals rows are rows, not a site's header and footer
    ('<body><div class="table"><div class="row header"><div class="cell">Item</div><div '
     'class="cell">Price</div></div><div class="row"><div class="cell">Blue widget model '
     '3000</div><div class="cell">$10.00</div></div><div class="row"><div class="cell">Red '
     'gadget deluxe</div><div class="cell">$25.00</div></div><div class="row footer"><div '
     'class="cell">Total</div><div class="cell">$45.00</div></div></div></body>',
     ["Item", "Total", "$45.00"]),
    # a bakery's cookies, linked: no cookie banner without a form control
    (f'<body><div id="breads"><h2>Breads</h2>{_NEWS}</div><div id="cookies"><h2>Cookies</h2>'
     '<ul><li><a href="/p/1">Chocolate chip cookie</a> $2</li></ul></div></body>',
     ["Chocolate chip cookie"]),
    # a note box named after sidebars among a column's blocks
    (f'<body><div id="header"><a href="/">Home</a></div><div class="col-md-8"><div '
     f'class="lead">{_NEWS}</div><div class="sidebar-note"><p>Fact: the old bridge opened '
     f'in 1911.</p></div><div class="text-block">{_NEWS}</div></div><div id="sidebar"><a '
     'href="/">Home</a></div></body>',
     ["the old bridge opened in 1911"]),
])
def test_named_parts_of_the_text_are_kept(page: str, kept: list[str]) -> None:
    text, _ = html_to_text(page)
    assert all(words in text for words in kept), text
    assert "Home" not in text.split("\n")  # the site's own header still goes


CONSENT_BANNERS = {  # as consent platforms write them into a page a browser then saves
    "cookie-notice": '<div id="cookie-notice" role="dialog" class="cn-position-bottom" '
                     'aria-label="Cookie Notice"><span class="cn-text">We use cookies to give '
                     'you the best experience.</span><a href="#" class="cn-button">Ok</a>'
                     '<a href="/privacy" class="cn-button">Privacy policy</a></div>',
    "osano": '<div role="dialog" aria-label="cookieconsent" class="cc-window cc-banner">'
             '<span class="cc-message">This website uses cookies. <a class="cc-link" '
             'href="/c">Learn more</a></span><a role="button" class="cc-btn">Got it!</a></div>',
    "onetrust": '<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" role="region" '
                'aria-label="Cookie banner"><div id="onetrust-policy-text">We and our partners '
                'store and access information on your device, such as cookies.</div><button '
                'id="onetrust-accept-btn-handler">Accept All Cookies</button><button>Reject All'
                '</button></div></div>',
    "cookiebot": '<div id="CybotCookiebotDialog" role="dialog" aria-modal="true"><h2>This '
                 'website uses cookies</h2><div>We use cookies to personalise content and ads.'
                 '</div><button>Allow all</button></div>',
    "cookieyes": '<div class="cky-consent-container"><p class="cky-title">We value your privacy'
                 '</p><p>We use cookies to enhance your browsing experience.</p><button '
                 'class="cky-btn">Accept All</button></div>',
}


@pytest.mark.parametrize("name", sorted(CONSENT_BANNERS))
def test_a_saved_pages_cookie_consent_banner_is_left_out(name: str) -> None:
    # a page without <main> or <article> kept the banner: "We use cookies … Accept All
    # CookiesReject All" was a passage of the article
    banner = CONSENT_BANNERS[name]
    for page in (f"<body>{banner}<div class=story>{POST}{_NEWS}</div></body>",
                 f"<body><div id=page>{POST}{_NEWS}</div>{banner}</body>"):
        assert html_to_text(page)[0] == POST_TEXT + "\n\n" + _NEWS[3:-4], page


def test_consent_words_in_the_text_are_kept() -> None:
    # a form about consent among the text, a dialog inside the story, and a page that is
    # all consent box, stay
    kept = [f'<body>{POST}<div class="consent-form"><p>Sign below to give your consent to the '
            'photographs.</p></div></body>',
            f'<body><div class=story>{POST}<div role="dialog" aria-label="cookie jar"><p>The '
            'cookie jar holds 40 biscuits.</p><button>Close</button></div></div></body>']
    for page in kept:
        assert html_to_text(page)[0].startswith(POST_TEXT), page
        assert len(html_to_text(page)[0]) > len(POST_TEXT) + 20, page
    only = "<body>" + CONSENT_BANNERS["cookiebot"] + "</body>"
    assert "This website uses cookies" in html_to_text(only)[0]


def test_a_code_blocks_copy_button_is_no_part_of_its_code() -> None:
    # Node.js docs put a "copy" button in every code block: passages read "npm install x copy"
    page = ("<html><body><h1>T</h1><p>Run this:</p><pre><code>npm install x</code> "
            "<button>copy</button></pre><p>Then <code>x <button>Copy</button></code> it.</p>"
            "</body></html>")
    assert html_to_text(page) == ("T\n\nRun this:\n\nnpm install x\n\nThen x it.", "T")


def test_a_button_outside_code_keeps_its_text() -> None:
    # an FAQ accordion puts its questions in buttons
    page = ("<html><body><h1>FAQ</h1><button>What is X?</button><div>X is a tool.</div>"
            "<p>Press <button>Start</button> to begin.</p></body></html>")
    assert html_to_text(page) == ("FAQ\n\nWhat is X?\n\nX is a tool.\n\nPress Start to begin.",
                                  "FAQ")


def test_an_image_between_two_words_keeps_them_apart() -> None:
    # an <img> shows a picture where it stands: the words on either side were run together
    # ("turnipand hello"); beside a space or a mark it adds nothing
    text, title = html_to_text("<html><body><h1>Logo<img src=l.png>Title</h1>"
                               "<p>turnip<img src=x.png>and hello, logo<img src=q.png>. "
                               "Icons: <img src=a.png> <img src=b.png>done</p>"
                               "<table><tr><td>x<img src=1.png>y</td><td>z</td></tr></table>"
                               "</body></html>")
    assert title == "Logo Title"
    assert text == ("Logo Title\n\nturnip and hello, logo. Icons: done\n\nx y | z")
    assert "\ue000" not in text


def test_svg_and_media_fallback_text_are_no_words_of_the_page() -> None:
    # an inline chart's labels ran together ("JanFeb"), a share icon's label stood in a
    # sentence, and the fallback a browser never shows was read as the article's text
    page = ("<body><h1><svg><text>icon</text></svg>Rainfall</h1><p>Bergen gets 2,250 mm."
            "</p><svg width=300><g><text x=5>Jan</text><text x=60>Feb</text></g><style>.b{}"
            "</style></svg><figure><svg><path d='M0 0'/></svg><figcaption>October is the "
            "wettest month.</figcaption></figure><p>Share<svg><desc>Twitter bird</desc></svg>"
            "now.</p><video src=v.mp4>Your browser does not support the video tag.</video>"
            "<iframe src=https://x.org/map>Your browser does not support iframes.</iframe>"
            "<audio src=a.mp3><a href=a.mp3>Download</a></audio><canvas>Old browser</canvas>"
            "</body>")
    assert html_to_text(page) == ("Rainfall\n\nBergen gets 2,250 mm.\n\nOctober is the "
                                  "wettest month.\n\nShare now.", "Rainfall")


# -- readers' comments beside the post (a user trial, 2026-12-03) ----------------------------
_BLOG = """<html><head><title>Otter Watch | Wildlife Blog</title></head><body>
<div class="header"><span class="logo">Wildlife Blog</span><ul class="menu"><li><a href="/">Home
</a></li><li><a href="/birds">Birds</a></li></ul></div>
<div class="sidebar"><h3>Tags</h3><p>otters, rivers</p></div>
<div class="post"><h1>Otters return to the River Tamsin</h1><p>Eurasian otters have returned
to the River Tamsin after forty years. Volunteers counted 23 otters during the spring survey.
</p><p>Their return is credited to cleaner water and new riverbank plants.</p></div>
{comments}
<div class="footer">&copy; 2023 Wildlife Blog</div></body></html>"""
_OTTERS = ("Otters return to the River Tamsin\n\nEurasian otters have returned to the River "
           "Tamsin after forty years. Volunteers counted 23 otters during the spring survey."
           "\n\nTheir return is credited to cleaner water and new riverbank plants.")
_GWEN = "<p>Gwen: I saw 40 otters last week! Amazing.</p><p>Spam Bot: Buy cheap watches</p>"
# WordPress's comments template (comments.php), as its classic themes write it
_WORDPRESS = """<div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts
on &ldquo;Otters return&rdquo;</h2><ol class="comment-list"><li id="comment-2" class="comment
even thread-even depth-1"><article id="div-comment-2" class="comment-body"><footer
class="comment-meta"><div class="comment-author vcard"><b class="fn">Gwen</b> <span
class="says">says:</span></div><div class="comment-metadata"><a href="#comment-2"><time>May 4,
2023 at 9:12 am</time></a></div></footer><div class="comment-content"><p>I saw 40 otters last
week! Amazing.</p></div><div class="reply"><a class="comment-reply-link" href="#respond">Reply
</a></div></article></li></ol><div id="respond" class="comment-respond"><h3 id="reply-title"
class="comment-reply-title">Leave a Reply</h3><form id="commentform" class="comment-form"><p
class="comment-notes">Your email address will not be published.</p><p class="comment-form-
comment"><label for="comment">Comment</label><textarea id="comment" name="comment"></textarea>
</p><p class="form-submit"><input type="submit" value="Post Comment"></p></form></div></div>"""


@pytest.mark.parametrize("comments", [
    f'<div class="comments"><h3>3 comments</h3>{_GWEN}</div>',  # the trial's blog page
    _WORDPRESS,
    f'<ol class="commentlist"><li class="comment">{_GWEN}</li></ol>',
    f'<div id="comment-section"><div class="comment">{_GWEN}</div></div>',
    f'<div class="wp-block-comments">{_GWEN}</div>',
    f'<div id="disqus_thread">{_GWEN}</div>',
])
def test_readers_comments_beside_the_post_are_left_out(comments: str) -> None:
    # indexed, "How many otters were seen?" was answered from a comment ("40")
    assert html_to_text(_BLOG.format(comments=comments)) == (
        _OTTERS, "Otters return to the River Tamsin")


@pytest.mark.parametrize("page", [
    # the article in a div named after comments, but not the comments
    f'<body><div id="header"><a href="/">Home</a></div><div class="comment-policy"><h2>Our '
    f'comment policy</h2><p>Gwen: 40 otters is fine; spam is not.</p>{FERRY}</div><div '
    'class="comments"><p>Spam Bot: Buy cheap watches</p></div></body>',
    # nothing beside the comments: they are the page's text
    f'<body><div class="comments"><p>Gwen: 40 otters</p>{FERRY}{FERRY}</div><div id="footer">'
    "(c)</div></body>",
    # "comment" alone: a box of a page on code comments
    f'<body><div class="body">{FERRY}</div><div class="comment"><p>Gwen: 40 otters</p></div>'
    "</body>",
    # docutils' section on comments, among the other sections
    f"<body><div class=document><div class=section id=syntax>{FERRY}{FERRY}</div><div "
    "class=section id=comments><p>Gwen: 40 otters, a comment starts with #.</p></div></div>"
    "</body>",
    # comments that hold the page's headline
    f'<body><div class="comments"><h1>Ferries</h1><p>Gwen: 40 otters</p></div>{FERRY * 3}'
    "</body>",
    # inside the post's own container
    f'<body><div class="post">{FERRY * 2}<div class="comments"><p>Gwen: 40 otters</p></div>'
    '</div><div id="footer">(c)</div></body>',
    # inside <main> beside the <article>, as WordPress's themes write them: kept (an
    # element inside the main content is the article's; losing its text is the worse)
    f"<body><div id=page class=site><main id=main class=site-main><article class=post>"
    f"<h1>Ferries</h1>{FERRY * 3}</article><div id=comments class=comments-area><p>Gwen: "
    "40 otters</p></div></main></div></body>",
])
def test_comments_that_may_be_the_article_are_kept(page: str) -> None:
    text, _ = html_to_text(page)
    assert "Gwen: 40 otters" in text and FERRY_TEXT in text, text


def test_names_that_only_mention_comments_are_no_comments() -> None:
    for name in ("comment", "comment-body", "comments-policy", "no-comments", "code-comment",
                 "comment-form", "recent-comments", "has-comments"):
        page = (f'<body><div class="post">{FERRY * 3}</div><div class="{name}"><p>Gwen: 40 '
                "otters</p></div></body>")
        assert "Gwen: 40 otters" in html_to_text(page)[0], name


def test_nested_comments_take_linear_time() -> None:
    start = time.perf_counter()
    text, _ = html_to_text("<div class=comments>" * 4000 + "x")
    assert text == "x"
    assert time.perf_counter() - start < 3

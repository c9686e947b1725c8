"""The visible article text of an HTML page and its title, without the page's navigation.

A documentation or news page wraps its article in menus, sidebars, headers and footers
("Previous topic", "Report a Bug", "© Copyright … Created using Sphinx"). Indexed as text,
those outrank the article and give confident wrong answers. So a page with one main-content
element (``<main>``, ``role="main"``, else one ``<article>`` holding most of the page's
text; none inside navigation, a header, footer or sidebar) is read from that element; any
other page is read whole, less its page-level navigation (see :func:`_boilerplate`;
regions known only by their id or class: :mod:`qa.html_regions`). Of the
two, losing article text is the worse: a header holding the headline, a note among the
paragraphs, an article's lead around its ``<main>`` are kept.
Blocks (paragraphs, list items, headings, table rows …) are separated by a blank line, so
an answer never runs from one into the next (the reader rejects spans across blank lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from qa.html_regions import TextSizes, banner_by_name, consent_box, named_region
from qa.text import GAP, close_gaps

#: Elements a browser lays out as blocks: their text is a paragraph of its own. Everything
#: else (a, b, em, span …) is inline: its text runs on with the words around it.
_BLOCKS = frozenset(
    "address article aside blockquote body caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol option "
    "p pre section summary table tbody tfoot thead tr ul".split())
_PREFORMATTED = frozenset({"pre", "textarea"})
#: Never text: code, styles, the head and its title (a <title> in the body too).
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title"})
#: Sectioning content: a header, footer or aside inside one belongs to it, not to the page.
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
#: Navigation wherever it is; and the page-level regions that are boilerplate outside
#: sectioning content (site banner, page footer, sidebar).
_NAVIGATION_ROLES = frozenset({"navigation", "search"})
_PAGE_LEVEL = frozenset({"header", "footer", "aside"})
_PAGE_LEVEL_ROLES = frozenset({"banner", "contentinfo", "complementary"})
_SIDEBAR = ("aside", "complementary")
#: The elements a page-level region sits in: layout wrappers (not a table cell, list …).
_WRAPPERS = frozenset({"[document]", "html", "body", "div", "form", "center"})
#: Elements that structure a page, not its text flow: an <aside> among them is a sidebar.
_STRUCTURE = _INVISIBLE | {"div", "section", "article", "main", "nav", "aside", "header",
                           "footer", "form", "hr", "br"}
#: Within a table cell, the blocks that may make its row a layout row (see _layout_row).
_CELL_BLOCKS = _BLOCKS - {"tbody", "thead", "tfoot", "tr", "caption", "option"}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Page-level regions whose <h1> is kept with its text (it may be the headline) but is no
#: title when the page has a <title>: a site's header often holds the site's name as <h1>.
_BANNERS = ("header", "footer")
_BANNER_H1 = "h1 in a page header or footer"
#: The text of a permalink anchor beside a heading (Sphinx's ¶, others' § or #).
_PERMALINK_TEXT = frozenset({"¶", "§", "#"})
_SPACE = re.compile(r"\s+")
_END_BLOCK, _END_ROW = object(), object()  # markers in the reader's stack
#: Elements that show a picture, not text: no words of theirs, but words on either side
#: stay apart ("turnip<img>and" reads "turnip and"; qa.text.GAP). An inline ``<svg>``'s
#: labels, placed one by one, ran together ("JanFebMar"); what a ``<video>``, ``<audio>``,
#: ``<canvas>`` or ``<iframe>`` holds is shown only by a browser that cannot show it
#: ("Your browser does not support the video tag.").
_REPLACED = frozenset({"img", "svg", "video", "audio", "canvas", "iframe"})


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page and its title (None when it has none).

    Inline elements stay within their line ("mayor <a>Ana</a> <b>Kovač</b>" reads "mayor
    Ana Kovač"); whitespace is collapsed as a browser does, except inside ``<pre>``, whose
    lines and indentation are kept; a ``<br>`` ends a line; blocks are paragraphs apart; a
    table row is one line, its cells joined by " | " (an empty cell keeps its place, so
    "2019 | | Smith"), except a layout table's (see :func:`_layout_row`), whose cells are
    blocks. Permalink anchors (¶) and the buttons in code blocks ("copy") are left out.
    The title is the article's first ``<h1>``, else the page's ``<title>``, else the
    article's first ``<h2>``; the ``<title>`` before an ``<h1>`` in a page-level header or
    footer (most often the site's name).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main, is_article = _main_content(soup)
    text, headings = _Reader(prune=True).read(main or soup)
    if main is not None and is_article and text:
        # an <article> is the page's article only when it holds most of the page's text
        # (not a teaser, a related story or a comment beside the real article)
        page_text, page_headings = _Reader(prune=True).read(soup)
        if 2 * _size(text) < _size(page_text) and not _holds_the_headline(main, soup):
            text, headings = page_text, page_headings
    if not text and main is not None:  # an empty main element: the rest of the page
        text, headings = _Reader(prune=True).read(soup)
    if not text:  # nothing but navigation: better the menu than nothing
        text, headings = _Reader(prune=False).read(soup)
    page_title = soup.title and " ".join(soup.title.get_text().split())
    if page_title and _BANNER_H1 in headings:  # 'MySite' in every page's site header
        return text, page_title
    return text, headings.get("h1") or page_title or headings.get("h2") or None


def _main_content(soup: Any) -> tuple[Any, bool]:
    """The page's one main-content element, and whether it is an ``<article>`` (which
    :func:`html_to_text` then checks holds most of the page's text): its one ``<main>`` or
    ``role="main"``, else its one ``<article>``; of each, the outermost, and the outermost
    ``<article>`` around the ``<main>`` (with the article's lead). One inside navigation,
    a header, footer or sidebar (a teaser in an ``<aside>``) does not count. None when
    the page has none, or several."""
    def outermost(found: Callable[[Any], bool]) -> list[Any]:
        """The tags ``found`` takes, outside regions and not inside one another: one walk
        down the page that does not enter a region or a tag it took (linear, however
        deeply tags nest)."""
        tags, stack = [], [soup]
        while stack:  # (in no particular order: only a single one is ever used)
            for child in stack.pop().find_all(True, recursive=False):
                if _is_region(child):
                    continue
                if found(child):
                    tags.append(child)
                else:
                    stack.append(child)
        return tags

    mains = outermost(lambda t: t.name == "main" or _role(t) == "main")
    if len(mains) > 1:
        return None, False
    articles = outermost(lambda t: t.name == "article")
    if mains:
        around = [tag for tag in articles if any(up is tag for up in mains[0].parents)]
        return (around[0], True) if around else (mains[0], False)
    return (articles[0], True) if len(articles) == 1 else (None, False)


def _holds_the_headline(article: Any, soup: Any) -> bool:
    """Whether ``article`` holds an ``<h1>`` and the page has none outside it but in its
    header, footer, navigation or sidebars: the page's own article, however long the
    comments after it (a teaser holds an ``<h2>``, or the story's ``<h1>`` is elsewhere)."""
    if article.find("h1") is None:
        return False
    return all(any(up is article or _is_region(up) for up in h1.parents)
               for h1 in soup.find_all("h1"))


def _is_region(tag: Any) -> bool:
    """Whether ``tag`` is navigation, a header, a footer or a sidebar."""
    return (tag.name in ("nav", "aside", "footer", "header")
            or _role(tag) in _NAVIGATION_ROLES | _PAGE_LEVEL_ROLES)


def _site_name(h1: Any) -> bool:
    """Whether the ``<h1>`` is more likely the site's name than the page's headline: in a
    ``<header>`` or ``<footer>`` (or ARIA's ``banner``, ``contentinfo``); or in a ``<div>``
    named so (``<div id="header">``) with a link for its text (the site's name, linking
    home; Bootstrap's ``<div class="page-header">`` holds the headline as plain text)."""
    if h1.find_parent(lambda tag: tag.name in _BANNERS
                      or _role(tag) in ("banner", "contentinfo")) is not None:
        return True
    text = h1.get_text().strip()
    linked = "".join(a.get_text() for a in h1.find_all("a")).strip()
    return bool(text) and linked == text and h1.find_parent(banner_by_name) is not None


def _size(text: str) -> int:
    return len("".join(text.split()))


def _role(tag: Any) -> str:
    role = tag.get("role")
    return role.strip().lower() if isinstance(role, str) else ""


def _is_permalink(tag: Any) -> bool:
    """A heading's permalink anchor: Sphinx's ``<a class="headerlink">¶</a>`` and the like."""
    return tag.name == "a" and ("headerlink" in (tag.get("class") or ())
                                or tag.get_text().strip() in _PERMALINK_TEXT)


def _is_code_button(tag: Any) -> bool:
    """A ``<button>`` inside ``<pre>`` or ``<code>``: a code block's "copy" button (Node.js
    docs), no part of the code. A button elsewhere keeps its text (an FAQ's question)."""
    return tag.name == "button" and tag.find_parent(("pre", "code")) is not None


def _boilerplate(tag: Any, in_section: bool, page_level: bool, in_flow: dict[int, bool],
                 sizes: TextSizes) -> bool:
    """Navigation (``<nav>``, ``role="navigation"`` or ``"search"``) anywhere; and a
    page-level site header, page footer or sidebar: a ``<header>``, ``<footer>`` or
    ``<aside>`` (``role="banner"``, ``"contentinfo"``, ``"complementary"``) outside
    sectioning content (an ``<article>``'s own header, with its headline, is kept) whose
    ancestors are only the page's layout wrappers (``<body>``, ``<div>``: ``page_level``).
    A header or footer holding an ``<h1>`` (the page's headline) is kept; so is a sidebar
    in the text flow, beside paragraphs (a note in a post), not beside the content's
    containers. Regions marked only by their id or class: see :mod:`qa.html_regions`."""
    role = _role(tag)
    if tag.name == "nav" or role in _NAVIGATION_ROLES:
        return True
    if consent_box(tag, page_level and not in_section, sizes):
        return True
    if not (tag.name in _PAGE_LEVEL or role in _PAGE_LEVEL_ROLES):
        return named_region(tag, page_level and not in_section, sizes)
    if in_section or not page_level:
        return False
    if tag.name in _SIDEBAR or role in _SIDEBAR:
        parent = id(tag.parent)  # the siblings looked at once a parent, not once an aside
        if parent not in in_flow:
            in_flow[parent] = any(_in_flow(sibling) for sibling in tag.parent.contents)
        return not in_flow[parent]
    return tag.find("h1") is None


def _in_flow(node: Any) -> bool:
    """Whether ``node`` is running text: words, a paragraph, a heading, a list … or a
    ``<div>`` used as a paragraph (holding words of its own), not a layout container."""
    from bs4 import NavigableString, Tag

    if type(node) is NavigableString:
        return bool(node.strip())
    if not isinstance(node, Tag) or _role(node) in _NAVIGATION_ROLES | _PAGE_LEVEL_ROLES:
        return False  # a region of its own
    if node.name == "div":  # (the cheap tests first: a page may hold many asides)
        return any(type(child) is NavigableString and child.strip() for child in node.contents)
    return node.name not in _STRUCTURE and bool(node.get_text().strip())


def _layout_row(row: Any, data_tables: dict[int, bool]) -> bool:
    """Whether a table row is layout, its cells read as blocks rather than one line: it
    holds a table, or a cell holds a heading; or its table is no data table (no ``<th>``,
    ``<thead>``, ``<caption>``) and a cell holds a list, ``<pre>``, a quotation or several
    paragraphs (one ``<p>`` a cell, as word processors write tables, stays a row)."""
    if row.find(lambda t: t.name == "table" or t.name in _HEADINGS) is not None:
        return True
    table = row.find_parent("table")
    if table is not None:  # whether it is a data table, once a table (not once a row)
        if id(table) not in data_tables:
            data_tables[id(table)] = table.find(["th", "thead", "caption"]) is not None
        if data_tables[id(table)]:
            return False
    for cell in row.find_all(["td", "th"], recursive=False):
        blocks = [t.name for t in cell.find_all(lambda t: t.name in _CELL_BLOCKS)]
        if len(blocks) > 1 or set(blocks) & {"ul", "ol", "dl", "pre", "blockquote"}:
            return True
    return False


def _inline_text(tag: Any) -> str:
    """``tag``'s text on one line, words as a browser joins them (no space is inserted
    between inline elements: "<code>email.charset</code>: Representing …")."""
    return " ".join(_Reader(prune=False, inline=True).read(tag)[0].split())


class _Reader:
    """Walks a parsed page and writes its text: blocks (paragraphs) apart, lines, cells.

    With ``prune``, boilerplate (see :func:`_boilerplate`) is left out; ``inline`` reads
    everything onto one line (a table cell's text, a title). The first ``<h1>`` and
    ``<h2>`` read are kept, as text, in ``headings``."""

    def __init__(self, prune: bool, inline: bool = False) -> None:
        self.prune, self.inline = prune, inline
        self.blocks: list[str] = []
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.preformatted = False  # the line being written holds <pre> text
        self.cells: list[str] | None = None  # the table row being read
        self.headings: dict[str, str] = {}
        self.data_tables: dict[int, bool] = {}  # id(<table>): whether it has headers
        self.in_flow: dict[int, bool] = {}  # id(element): whether it holds running text

    def read(self, root: Any, sections: int = 0) -> tuple[str, dict[str, str]]:
        from bs4 import NavigableString, Tag

        # (measured only when a named region is met)
        sizes = TextSizes(root, _INVISIBLE, _STRUCTURE, _is_region)
        # (node, sectioning depth, <pre> depth, whether all its ancestors are wrappers),
        # or where a block or a table row ends
        stack: list[Any] = [(root, sections, 0,
                             all(up.name in _WRAPPERS for up in root.parents))]
        while stack:
            item = stack.pop()
            if item is _END_BLOCK or item is _END_ROW:
                self._end_block(row=item is _END_ROW)
                continue
            node, sections, pre, page_level = item
            if type(node) is NavigableString:  # not a comment, doctype or CDATA
                self._text(str(node), pre > 0)
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name
            if name in _INVISIBLE or _is_permalink(node) or _is_code_button(node) or (
                    self.prune and _boilerplate(node, sections > 0, page_level,
                                                self.in_flow, sizes)):
                continue
            if name == "br":
                self._end_line()
                continue
            if name in _REPLACED:
                self.parts.append(GAP)
                continue
            if name in ("h1", "h2") and name not in self.headings and not self.inline:
                self.headings[name] = _inline_text(node)
                if name == "h1" and not sections and _site_name(node):
                    self.headings[_BANNER_H1] = "yes"  # a site's name, more often than not
            sections += name in _SECTIONING or _role(node) in ("main", "article")
            pre += name in _PREFORMATTED
            if self.cells is not None and name in ("td", "th"):  # a cell of a row: inline
                cell = _Reader(self.prune, inline=True).read(node, sections)[0]
                self.cells.append(" ".join(cell.split()))
                continue
            if name in _BLOCKS or name in ("td", "th"):
                self._end_block()
                # a table row is one line (a layout table's row: blocks, see _layout_row)
                row = (name == "tr" and not self.inline
                       and not _layout_row(node, self.data_tables))
                if row:
                    self.cells = []
                stack.append(_END_ROW if row else _END_BLOCK)
            page_level = page_level and name in _WRAPPERS
            stack.extend((child, sections, pre, page_level)
                         for child in reversed(node.contents))
        if self.inline:
            return close_gaps("".join(self.parts)), self.headings
        self._end_block()
        return "\n\n".join(self.blocks), self.headings

    def _text(self, text: str, preformatted: bool) -> None:
        if not preformatted:
            self.parts.append(_SPACE.sub(" ", text))
            return
        first, *rest = text.split("\n")
        self.parts.append(first)
        self.preformatted = True
        for line in rest:
            self._end_line()
            self.parts.append(line)
            self.preformatted = True

    def _end_line(self) -> None:
        if self.inline:
            self.parts.append(" ")
            return
        line = close_gaps("".join(self.parts))
        if self.preformatted:  # kept as written (a blank line of code too)
            self.lines.append(line.rstrip())
        elif line.strip():
            self.lines.append(" ".join(line.split()))
        self.parts, self.preformatted = [], False

    def _end_block(self, row: bool = False) -> None:
        if self.inline:
            self.parts.append(" ")
            return
        self._end_line()
        if row and self.cells is not None:  # a table row: one line
            cells = self.cells
            while cells and not cells[-1]:  # empty cells at its end shift nothing
                cells.pop()
            if cells:  # an empty cell keeps its place, so values stay under their header
                self.lines.append(" ".join(" | ".join(cells).split()))
            self.cells = None
        while self.lines and not self.lines[-1].strip():
            self.lines.pop()
        while self.lines and not self.lines[0].strip():
            self.lines.pop(0)
        if self.lines:
            self.blocks.append("\n".join(self.lines))
        self.lines = []

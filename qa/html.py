"""The visible article text of an HTML page and its title, without the page's navigation.

A documentation or news page wraps its article in menus, sidebars, headers and footers
("Previous topic", "Report a Bug", "© Copyright … Created using Sphinx"). Indexed as text,
those outrank the article and give confident wrong answers. So a page with one main-content
element (``<main>``, ``role="main"``, else one ``<article>``) is read from that element;
any other page is read whole, less its page-level navigation (see :func:`_boilerplate`).
Blocks (paragraphs, list items, headings, table rows …) are separated by a blank line, so
an answer never runs from one into the next (the reader rejects spans across blank lines).
"""

from __future__ import annotations

import re
from typing import Any

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
#: The text of a permalink anchor beside a heading (Sphinx's ¶, others' § or #).
_PERMALINK_TEXT = frozenset({"¶", "§", "#"})
_SPACE = re.compile(r"\s+")
_END_BLOCK, _END_ROW = object(), object()  # markers in the reader's stack


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page and its title (None when it has none).

    Inline elements stay within their line ("mayor <a>Ana</a> <b>Kovač</b>" reads "mayor
    Ana Kovač"); whitespace is collapsed as a browser does, except inside ``<pre>``, whose
    lines and indentation are kept; a ``<br>`` ends a line; blocks are paragraphs apart; a
    table row is one line, its cells joined by " | ". Permalink anchors (¶) are left out.
    The title is the article's first ``<h1>``, else the page's ``<title>``, else the
    article's first ``<h2>``.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main = _main_content(soup)
    text, headings = _Reader(prune=True).read(main or soup)
    if not text and main is not None:  # an empty main element: the rest of the page
        text, headings = _Reader(prune=True).read(soup)
    if not text:  # nothing but navigation: better the menu than nothing
        text, headings = _Reader(prune=False).read(soup)
    page_title = soup.title and " ".join(soup.title.get_text().split())
    return text, headings.get("h1") or page_title or headings.get("h2") or None


def _main_content(soup: Any) -> Any:
    """The page's one main-content element: its one ``<main>`` or ``role="main"``, else its
    one ``<article>`` (of each, the outermost); None when it has none, or several."""
    for found in (lambda t: t.name == "main" or _role(t) == "main",
                  lambda t: t.name == "article"):
        outermost = [tag for tag in soup.find_all(found) if tag.find_parent(found) is None]
        if outermost:
            return outermost[0] if len(outermost) == 1 else None
    return None


def _role(tag: Any) -> str:
    role = tag.get("role")
    return role.strip().lower() if isinstance(role, str) else ""


def _is_permalink(tag: Any) -> bool:
    """A heading's permalink anchor: Sphinx's ``<a class="headerlink">¶</a>`` and the like."""
    return tag.name == "a" and ("headerlink" in (tag.get("class") or ())
                                or tag.get_text().strip() in _PERMALINK_TEXT)


def _boilerplate(tag: Any, in_section: bool) -> bool:
    """Navigation (``<nav>``, ``role="navigation"`` or ``"search"``) anywhere; a site
    header, page footer or sidebar (``<header>``, ``<footer>``, ``<aside>``, ``role="banner"``,
    ``"contentinfo"``, ``"complementary"``) outside sectioning content (an ``<article>``'s
    own header, with its headline, is kept)."""
    role = _role(tag)
    if tag.name == "nav" or role in _NAVIGATION_ROLES:
        return True
    return not in_section and (tag.name in _PAGE_LEVEL or role in _PAGE_LEVEL_ROLES)


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

    def read(self, root: Any, sections: int = 0) -> tuple[str, dict[str, str]]:
        from bs4 import NavigableString, Tag

        # (node, sectioning depth, <pre> depth), or where a block or a table row ends
        stack: list[Any] = [(root, sections, 0)]
        while stack:
            item = stack.pop()
            if item is _END_BLOCK or item is _END_ROW:
                self._end_block(row=item is _END_ROW)
                continue
            node, sections, pre = item
            if type(node) is NavigableString:  # not a comment, doctype or CDATA
                self._text(str(node), pre > 0)
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name
            if name in _INVISIBLE or _is_permalink(node) or (
                    self.prune and _boilerplate(node, sections > 0)):
                continue
            if name == "br":
                self._end_line()
                continue
            if name in ("h1", "h2") and name not in self.headings and not self.inline:
                self.headings[name] = _inline_text(node)
            sections += name in _SECTIONING or _role(node) in ("main", "article")
            pre += name in _PREFORMATTED
            if self.cells is not None and name in ("td", "th"):  # a cell of a row: inline
                cell = _Reader(self.prune, inline=True).read(node, sections)[0]
                self.cells.append(" ".join(cell.split()))
                continue
            if name in _BLOCKS or name in ("td", "th"):
                self._end_block()
                # a table row is one line (a layout table's row, holding tables: blocks)
                row = name == "tr" and not self.inline and node.find("table") is None
                if row:
                    self.cells = []
                stack.append(_END_ROW if row else _END_BLOCK)
            stack.extend((child, sections, pre) for child in reversed(node.contents))
        if self.inline:
            return "".join(self.parts), self.headings
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
        line = "".join(self.parts)
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
            self.lines.append(" | ".join(cell for cell in self.cells if cell))
            self.cells = None
        while self.lines and not self.lines[-1].strip():
            self.lines.pop()
        while self.lines and not self.lines[0].strip():
            self.lines.pop(0)
        if self.lines:
            self.blocks.append("\n".join(self.lines))
        self.lines = []

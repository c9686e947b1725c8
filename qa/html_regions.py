"""Page regions marked only by their ``id`` or ``class``: ``<div id="sidebar">``.

Older sites, MediaWiki, phpBB, Sphinx's themes and div-based blogs mark their menus,
sidebars, headers and footers with names, not with ``<nav>``, ``<aside>`` or ARIA roles.
:func:`named_region` tells such a region by the whole words of its names (split at ``-``,
``_``, spaces and camelCase: ``mainNav`` is "main" "nav"; ``canvas`` and
``navigator-guide`` hold no "nav"), of two kinds:

- navigation (:data:`NAVIGATION`: ``nav``, ``menu``, ``breadcrumbs``, ``share`` …),
  left out only when links hold most of its text: a restaurant's ``<div id="menu">`` of
  dishes, or a ``<div class="share-price">``, is no menu;
- page furniture (:data:`FURNITURE`: ``header``, ``footer``, ``sidebar``, ``cookie`` …).

Either is left out only as the page's own semantic regions are (see ``qa.html``): at page
level (in layout ``<div>`` wrappers, outside any ``<main>``, ``<article>`` or
``<section>``), without an ``<h1>`` (the headline), and holding less than half of the
page's text outside links (so ``<div class="content-sidebar-wrap">`` or
``<div class="has-sidebar">`` around the article is read, and the regions inside it are
looked at in turn). A name with a word of the article's (:data:`CONTENT`: ``entry-header``,
``post-footer``, docutils' ``<div class="section" id="menus">``) is no region, nor is an
element whose ARIA role says what it is. Sphinx's link-only contents list
(``<div class="toctree-wrapper">``) is navigation wherever it is, unless it holds the
pages' text (a single-page build); Sphinx's ``<div class="related">`` bar counts by that
whole class only.

A generic rule (any block whose text is nearly all links, as readability has) was measured
on the HTML documentation installed here and not adopted: besides tables of contents it
took API listings whose entries are links (libxslt's enum reference).
"""

from __future__ import annotations

import re
from typing import Any

#: Words naming navigation: a region of them is left out when it is mostly links.
NAVIGATION = frozenset(
    "nav navbar navigation topnav subnav sidenav mainnav menu menubar breadcrumb breadcrumbs "
    "pagination pager share sharing social portlet".split())
#: Words naming page furniture around the article.
FURNITURE = frozenset(
    "header footer masthead sidebar sphinxsidebar cookie cookies consent search "
    "searchbox".split())
#: Whole names (not split) that are regions: MediaWiki's side panel and top tabs,
#: Sphinx's navigation bar and contents list (the last two: navigation).
NAMES = {"mw-panel": "furniture", "mw-head": "furniture", "related": "navigation",
         "toctree-wrapper": "contents"}
#: Words of the article's own parts: a name holding one is no region.
CONTENT = frozenset(
    "content entry post article story card comment comments has with section chapter "
    "sect1 sect2 sect3".split())
#: The elements a region may be.
_ELEMENTS = frozenset({"div", "ul", "ol", "table"})
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SEPARATORS = re.compile(r"[-_\s]+")


def named_region(tag: Any, page_level: bool, sizes: TextSizes) -> bool:
    """Whether ``tag`` is navigation or page furniture by its names (see the module).
    ``page_level``: its ancestors are layout wrappers only, outside sectioning content."""
    if tag.name not in _ELEMENTS or tag.get("role"):
        return False
    kind = _kind(tag)
    if kind is None:
        return False
    if kind == "contents":  # Sphinx's toctree: the other pages' titles, as links
        return sizes.link_dense(tag)
    if not page_level or sizes.holds_the_text(tag) or sizes.holds_a_headline(tag):
        return False
    return kind == "furniture" or sizes.link_dense(tag)


def _kind(tag: Any) -> str | None:
    names = [tag.get("id")] + list(tag.get("class") or ())
    values = [name.strip() for name in names if isinstance(name, str) and name.strip()]
    if not values:
        return None
    whole = {value.lower() for value in values}
    words = {word.lower() for value in values
             for word in _SEPARATORS.split(_CAMEL.sub(r"\1 \2", value)) if word}
    if words & CONTENT:
        return None
    for name, kind in NAMES.items():
        if name in whole:
            return kind
    if words & FURNITURE:  # (a "sidebar-menu" need not be links: its words may be)
        return "furniture"
    return "navigation" if words & NAVIGATION else None


class TextSizes:
    """The size of each element's text under ``root`` (characters, whitespace and
    invisible elements left out), of the part of it in links, and whether it holds an
    ``<h1>``: worked out once a page, on the first question (linear, however deeply
    elements nest)."""

    def __init__(self, root: Any, invisible: frozenset[str]) -> None:
        self.root, self.invisible = root, invisible
        self.sizes: dict[int, tuple[int, int, bool]] | None = None

    def of(self, tag: Any) -> tuple[int, int]:
        """``tag``'s text size and the size of its link text."""
        return self._of(tag)[:2]

    def holds_a_headline(self, tag: Any) -> bool:
        """Whether ``tag`` holds an ``<h1>`` (the page's headline, more often than not)."""
        return self._of(tag)[2]

    def _of(self, tag: Any) -> tuple[int, int, bool]:
        if self.sizes is None:
            self.sizes = self._measure()
        return self.sizes.get(id(tag), (0, 0, False))

    def link_dense(self, tag: Any) -> bool:
        """Whether links hold most of ``tag``'s text (a menu of links, not of dishes)."""
        size, links = self.of(tag)
        return size > 0 and 2 * links > size

    def holds_the_text(self, tag: Any) -> bool:
        """Whether ``tag`` holds at least half of the page's text outside links."""
        size, links = self.of(tag)
        page, page_links = self.of(self.root)
        return size - links > 0 and 2 * (size - links) >= page - page_links

    def _measure(self) -> dict[int, tuple[int, int, bool]]:
        from bs4 import NavigableString, Tag

        sizes: dict[int, tuple[int, int, bool]] = {}
        stack: list[tuple[Any, bool]] = [(self.root, False)]
        while stack:  # children before their parent (post-order), without recursion
            tag, done = stack.pop()
            if not done:
                stack.append((tag, True))
                stack.extend((child, False) for child in tag.contents
                             if isinstance(child, Tag) and child.name not in self.invisible)
                continue
            size = links = 0
            h1 = tag.name == "h1"
            for child in tag.contents:
                if type(child) is NavigableString:
                    size += len("".join(child.split()))
                elif id(child) in sizes:
                    child_size, child_links, child_h1 = sizes[id(child)]
                    size, links, h1 = size + child_size, links + child_links, h1 or child_h1
            sizes[id(tag)] = (size, size if tag.name == "a" else links, h1)
        return sizes

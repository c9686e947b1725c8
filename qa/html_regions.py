"""Page regions marked only by their ``id`` or ``class``: ``<div id="sidebar">``.

Older sites, MediaWiki, phpBB, Sphinx's themes and div-based blogs mark their menus,
sidebars, headers and footers with names, not with ``<nav>``, ``<aside>`` or ARIA roles.
:func:`named_region` tells such a ``<div>``, ``<ul>`` or ``<ol>`` (never a table) by the
whole words of its names (split at ``-``, ``_``, spaces and camelCase: ``mainNav`` is
"main" "nav"; ``canvas``, ``navigator-guide`` and ``navheader`` hold no "nav"), and leaves
it out only when it sits *beside* the page's text, not inside it. Losing article text is
worse than keeping a menu: when in doubt, it is kept.

Kinds, by name:

- navigation (:data:`NAVIGATION`: ``nav``, ``menu``, ``breadcrumbs``, ``share`` …),
  left out only when links hold most of its text (a restaurant's ``<div id="menu">`` of
  dishes is no menu);
- a banner (:data:`BANNERS`: ``header``, ``footer``, ``masthead``), only when the word
  stands alone or with words of the site's layout (:data:`SITE`: ``site-header``,
  ``footer-wrapper``; not ``faq-header`` or ``panel-footer``, a part's header or footer);
  kept when it holds a heading (``<h1>``–``<h6>``, or an element named ``title``) whose
  text is not a link (Bootstrap's ``page-header``, Javadoc's and Doxygen's
  ``<div class="header">`` with the class's name), a footer's only when it is not mostly
  links, and a header or footer among running text (a part's, not the site's);
- a sidebar (:data:`SIDEBARS`), only when the word stands alone or with words of the
  site's layout or of sidebars (:data:`SIDEBAR_WORDS`: ``sidebar-first``,
  ``sidebar-widget``; not ``sidebar-note``, nor a wrapper's ``sidebar-layout``), kept when
  it is in the text flow (beside paragraphs or words, as ``qa.html`` keeps an
  ``<aside>``), not beside the content's containers;
- a cookie banner or search box (:data:`CONTROLS`), only when the word stands alone or
  with words of such boxes (:data:`CONTROL_WORDS`: ``cookie-banner``, ``searchbox``; not
  ``cookie-recipe``, ``search-results``), and only when it holds a form control, and is
  mostly links or short (under :data:`SHORT` characters outside links);
- readers' comments (:func:`_comments`): a name of ``comments`` with words of such a
  section (:data:`COMMENT_WORDS`: ``comments-area``, ``post-comments``; not
  ``comments-policy``), ``comment`` with a word of a list (:data:`COMMENT_LISTS`:
  ``comment-list``, ``comment-section``; ``comment`` alone may be a code comment), or
  ``commentlist``, ``disqus_thread``; not when another of its names has a word of the
  article's (docutils' ``<div class="section" id="comments">``). Inside ``<main>`` (as
  WordPress writes them) or an element named after the article, they are kept;
- whole names (:data:`NAMES`): MediaWiki's ``mw-panel`` and ``mw-head`` and DocBook's
  ``navheader`` and ``navfooter`` (page furniture); Sphinx's ``related`` bar
  (navigation); Sphinx's ``toctree-wrapper`` contents list, left out wherever it is when
  mostly links (a single-page build's, which holds the text, is read).

Any of them is left out only at page level (in layout ``<div>`` wrappers, outside any
``<main>``, ``<article>`` or ``<section>``), never when it holds an ``<h1>`` (the
headline), and only when something beside it holds more text outside links than it does:
a sibling, or a sibling of one of its ancestors, that is no region (so a
``<div class="sidebar-right">`` around the article, beside nothing but the footer, is read,
and the regions inside it are looked at in turn). Then a region mostly of links is left
out whatever its kind (texinfo's header of Next/Previous/Up links inside its section),
but for a header holding a heading and a cookie or search box without a form control.
Otherwise a page furniture region is also kept inside an element whose name has a word
of the article's (:data:`AROUND`: ``content``, ``entry``, ``post``, ``main``, ``body`` …,
unless that name also has a region word, as ``content-sidebar-wrap`` has), and when it
holds a region of its own kind (a wrapper).
A name with a word of the article's own parts (:data:`CONTENT`: ``entry-header``,
``post-footer``, ``no-sidebar``, docutils' ``<div class="section" id="menus">``) is no
region, nor is an element whose ARIA role says what it is.

A generic rule (any block whose text is nearly all links, as readability has) was measured
on the HTML documentation installed here and not adopted: besides tables of contents it
took API listings whose entries are links (libxslt's enum reference).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: Words naming navigation: a region of them is left out when it is mostly links.
NAVIGATION = frozenset(
    "nav navbar navigation topnav subnav sidenav mainnav menu menubar breadcrumb breadcrumbs "
    "pagination pager share sharing social portlet".split())
#: Words naming a site's banner or page footer.
BANNERS = frozenset("header footer masthead".split())
#: Words naming a sidebar.
SIDEBARS = frozenset("sidebar sphinxsidebar".split())
#: Words naming a cookie banner or a search box.
CONTROLS = frozenset("cookie cookies consent search searchbox".split())
#: Page furniture: all of the above but navigation.
FURNITURE = BANNERS | SIDEBARS | CONTROLS
#: Words of a site's layout, that may stand beside a banner word in a site's own header or
#: footer (words of two letters or fewer, as MediaWiki's "mw", and numbers count too).
SITE = frozenset(
    "site page global main top bottom upper lower fixed sticky wrapper wrap container inner "
    "outer area region bar links widgets widget copyright info primary secondary mobile "
    "desktop left right full width block zone default layout".split())
#: Words that may stand beside a cookie or search word in a cookie banner or search box.
CONTROL_WORDS = SITE | frozenset(
    "banner notice notification message popup modal overlay dialog box form input field "
    "button toggle policy law consent bar".split())
#: Whole names (not split) that are regions: MediaWiki's side panel and top tabs,
#: DocBook's navigation header and footer (a table of Prev/Next links and titles),
#: Sphinx's navigation bar and contents list.
NAMES = {"mw-panel": "furniture", "mw-head": "furniture", "navheader": "furniture",
         "navfooter": "furniture", "related": "navigation", "toctree-wrapper": "contents"}
#: Words that may stand beside "comments" in the name of a page's readers' comments.
COMMENT_WORDS = frozenset(
    "list area section thread threads wrapper wrap container inner outer block box holder "
    "region panel reader readers user users visitor visitors post entry article story page "
    "blog all disqus".split())
#: Words of a list: "comment" (singular) names the comments only beside one of them.
COMMENT_LISTS = frozenset("list section area thread threads".split())
#: Whole names (not split) of readers' comments.
COMMENT_NAMES = frozenset({"commentlist", "commentslist", "disqus_thread"})
#: Words of the article's own parts: a name holding one is no region.
CONTENT = frozenset(
    "content entry post article story card comment comments has with no without section "
    "chapter sect1 sect2 sect3".split())
#: Words that may stand beside a sidebar word in a page's sidebar ('sidebar-first',
#: 'sidebar-widget'; not 'sidebar-note', a box in the text).
SIDEBAR_WORDS = frozenset(
    "first second third column col panel widget widgets module inset box".split())
#: Words of a wrapper: beside a sidebar word they name the layout around the article
#: ('sidebar-layout', 'sidebar-wrap'), not the sidebar.
WRAPPERS = frozenset("wrapper wrap container inner outer layout page full width".split())
#: Words of an element around the article: page furniture inside one is the article's.
AROUND = frozenset(
    "content entry post article story main body text section chapter sect1 sect2 "
    "sect3".split())
#: Words naming a title: an element named so counts as a heading.
TITLES = frozenset("title headertitle subtitle pagetitle".split())
#: A cookie banner or search box is short: less text outside links than this.
SHORT = 300
#: The elements a region may be (a table only navigation: Valgrind's <table class="nav">).
_ELEMENTS = frozenset({"div", "ul", "ol", "table"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CONTROLS = frozenset({"form", "input", "button", "select", "textarea"})
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SEPARATORS = re.compile(r"[-_\s]+")
#: Flags measured for each element: what it holds.
_H1, _TITLED, _CONTROL = 1, 2, 4
_KIND_BITS = {"navigation": 8, "banner": 16, "footer": 32, "sidebar": 64, "control": 128,
              "furniture": 256, "contents": 512, "comments": 1024}


def named_region(tag: Any, page_level: bool, sizes: TextSizes) -> bool:
    """Whether ``tag`` is navigation, page furniture or comments by its names (see the module).
    ``page_level``: its ancestors are layout wrappers only, outside sectioning content."""
    if tag.name not in _ELEMENTS or tag.get("role"):
        return False
    kind = _kind(tag)
    if kind is None:
        return False
    if kind == "contents":  # Sphinx's toctree: the other pages' titles, as links
        return sizes.link_dense(tag)
    if kind != "navigation" and tag.name == "table":
        return False  # (a table may list HTTP headers or search options)
    if not page_level or sizes.holds(tag, _H1) or not sizes.beside_more_text(tag):
        return False
    if kind == "banner" and sizes.holds(tag, _TITLED):
        return False  # the article's title: Javadoc's, Doxygen's, Bootstrap's page-header
    if sizes.link_dense(tag):  # (texinfo's header of Next/Previous/Up links, even inside
        # a section); a cookie or search box is one only with a form control in it ('cookies'
        # may be a bakery's list of them)
        return kind != "control" or sizes.holds(tag, _CONTROL)
    if kind == "navigation" or sizes.in_the_article(tag):
        return False
    if kind == "comments":  # (a wrapper around a comment list is the comments too)
        return True
    if sizes.holds(tag, _KIND_BITS[kind]):
        return False  # a wrapper around a region of its kind ('sidebar-right')
    if kind in ("banner", "footer"):  # a part's header among the text is no site's
        return not sizes.holds(tag, _TITLED) and not (tag.parent.name != "body"
                                                      and sizes.in_flow(tag))
    if kind == "sidebar":
        return not sizes.in_flow(tag)
    if kind == "control":
        size, links = sizes.of(tag)
        return sizes.holds(tag, _CONTROL) and size - links < SHORT
    return True  # a whole name


#: What names a consent box (inside a word too: 'CybotCookiebotDialog', 'cookieconsent').
_CONSENT_DIALOG = re.compile(r"cookie|consent|gdpr")
#: What names a consent box that is no dialog: never 'cookie' alone (a bakery's cookies).
_CONSENT_BOX = re.compile(r"consent|gdpr")
_DIALOG_ROLES = frozenset({"dialog", "alertdialog"})


def consent_box(tag: Any, page_level: bool, sizes: TextSizes) -> bool:
    """Whether ``tag`` is a cookie consent banner as consent platforms write them into
    the page (and a browser saves it with the page): a dialog (``role="dialog"``,
    ``<dialog>``, ``aria-modal``) whose id, class or ``aria-label`` says cookie, consent
    or GDPR (Cookiebot's ``CybotCookiebotDialog``, Osano's ``aria-label="cookieconsent"``,
    Cookie Notice's ``cookie-notice``), or an element so named after consent or GDPR that
    holds a button or other form control (OneTrust's ``onetrust-consent-sdk``, CookieYes'
    ``cky-consent-container``). Only at page level, beside more text, not inside an
    element named after the article, never holding an ``<h1>``."""
    if not page_level or tag.name in ("body", "html", "main", "article"):
        return False
    label = tag.get("aria-label")
    names = " ".join(_names(tag) + ([label] if isinstance(label, str) else [])).lower()
    if not names:
        return False
    role = tag.get("role")
    dialog = (tag.name == "dialog" or str(tag.get("aria-modal", "")).lower() == "true"
              or (isinstance(role, str) and role.strip().lower() in _DIALOG_ROLES))
    if dialog:
        named = _CONSENT_DIALOG.search(names) is not None
    else:
        named = _CONSENT_BOX.search(names) is not None and sizes.holds(tag, _CONTROL)
    return (named and not sizes.holds(tag, _H1) and sizes.beside_more_text(tag)
            and not sizes.in_the_article(tag))


def _words(tag: Any) -> tuple[set[str], set[str]]:
    """The whole names of ``tag`` (its id and classes, lower case) and their words."""
    values = _names(tag)
    return {value.lower() for value in values}, {word for value in values
                                                 for word in _split(value)}


def _names(tag: Any) -> list[str]:
    """``tag``'s id and classes, as written."""
    names = [tag.get("id")] + list(tag.get("class") or ())
    return [name.strip() for name in names if isinstance(name, str) and name.strip()]


def _split(name: str) -> set[str]:
    """The whole words of a name, lower case (``mainNav``: "main", "nav")."""
    return {word.lower() for word in _SEPARATORS.split(_CAMEL.sub(r"\1 \2", name)) if word}


def _kind(tag: Any) -> str | None:
    """``tag``'s kind of region by its names: ``navigation``, ``banner`` (a header),
    ``footer``, ``sidebar``, ``control``, ``furniture`` (a whole name), ``contents``;
    None when its names say none (or hold a word of the article's)."""
    if not (tag.get("id") or tag.get("class")):
        return None
    whole, words = _words(tag)
    if ("comment" in words or "comments" in words or whole & COMMENT_NAMES) and _comments(tag):
        return "comments"
    if words & CONTENT:
        return None
    for name, kind in NAMES.items():
        if name in whole:
            return kind
    if words & SIDEBARS and _only(words - SIDEBARS, (SITE - WRAPPERS) | FURNITURE
                                  | NAVIGATION | SIDEBAR_WORDS):
        return "sidebar"  # (a "sidebar-menu" need not be links: its words may be)
    if words & BANNERS and _only(words - BANNERS, SITE | FURNITURE | NAVIGATION):
        return "banner" if words & {"header", "masthead"} else "footer"
    if words & CONTROLS and _only(words - CONTROLS, CONTROL_WORDS | NAVIGATION):
        return "control"
    return "navigation" if words & NAVIGATION else None


def _comments(tag: Any) -> bool:
    """Whether ``tag``'s names make it readers' comments (see the module): one name says
    so and no other has a word of the article's (``class="section"``)."""
    said = False
    for value in _names(tag):
        words = _split(value)
        if words & (CONTENT - COMMENT_WORDS - {"comment", "comments"}):
            return False  # 'no-comments', 'has-comments' (a post's own class)
        if (value.lower() in COMMENT_NAMES
                or ("comments" in words and _only(words - {"comments"}, COMMENT_WORDS))
                or ("comment" in words and words & COMMENT_LISTS
                    and _only(words - {"comment"}, COMMENT_WORDS))):
            said = True
        elif words & CONTENT:
            return False
    return said


def banner_by_name(tag: Any) -> bool:
    """Whether ``tag``'s names make it a site's header or footer (``<div id="header">``,
    ``<div class="site-footer">``), whether or not it is left out of the text."""
    return tag.name in _ELEMENTS and not tag.get("role") and _kind(tag) in ("banner", "footer")


def _only(words: set[str], allowed: frozenset[str]) -> bool:
    """Whether each word is allowed, a number, or of two letters or fewer (a prefix)."""
    return all(word in allowed or word.isdigit() or len(word) <= 2 for word in words)


def _around_the_article(tag: Any) -> bool:
    """Whether ``tag``'s name has a word of the article's and no region word."""
    if not (tag.get("id") or tag.get("class")):
        return False
    whole, words = _words(tag)
    return bool(words & AROUND) and not (words & (FURNITURE | NAVIGATION)
                                         or whole & NAMES.keys() or _kind(tag) == "comments")


class TextSizes:
    """What each element under ``root`` holds, worked out once a page, on the first
    question (linear, however deeply elements nest): the size of its text (characters,
    whitespace and invisible elements left out), of the part of it in links, flags (an
    ``<h1>``, a heading outside links, a form control, a named region of each kind), the
    most text outside links held by a sibling of it or of an ancestor that is no region,
    and whether an ancestor's name has a word of the article's.

    ``structure``: elements that lay a page out rather than hold its text; ``is_region``:
    whether an element is a semantic region (``<nav>``, ``<aside>`` …, or by its role)."""

    def __init__(self, root: Any, invisible: frozenset[str], structure: frozenset[str],
                 is_region: Callable[[Any], bool]) -> None:
        self.root, self.invisible = root, invisible
        self.structure, self.is_region = structure, is_region
        self.sizes: dict[int, tuple[int, int, int]] | None = None
        self.beside: dict[int, int] = {}
        self.around: set[int] = set()  # elements inside one named after the article
        self.flow: dict[int, bool] = {}  # id(parent): whether its children run as text
        self.named: dict[int, str] = {}

    def of(self, tag: Any) -> tuple[int, int]:
        """``tag``'s text size and the size of its link text."""
        return self._of(tag)[:2]

    def holds(self, tag: Any, flag: int) -> bool:
        """Whether ``tag`` holds (below itself) what ``flag`` stands for."""
        return bool(self._of(tag)[2] & flag)

    def _of(self, tag: Any) -> tuple[int, int, int]:
        if self.sizes is None:
            self.sizes = self._measure()
        return self.sizes.get(id(tag), (0, 0, 0))

    def link_dense(self, tag: Any) -> bool:
        """Whether links hold most of ``tag``'s text (a menu of links, not of dishes)."""
        size, links = self.of(tag)
        return size > 0 and 2 * links > size

    def beside_more_text(self, tag: Any) -> bool:
        """Whether a sibling of ``tag``, or of an ancestor, that is no region holds more
        text outside links than ``tag`` does: the page's text is beside it."""
        size, links = self.of(tag)
        return self.beside.get(id(tag), 0) > size - links

    def in_the_article(self, tag: Any) -> bool:
        """Whether an ancestor's name has a word of the article's (see :data:`AROUND`)."""
        self._of(tag)
        return id(tag) in self.around

    def in_flow(self, tag: Any) -> bool:
        """Whether ``tag`` stands among running text: a sibling that is no region is
        words, or a paragraph, heading, list … or a ``<div>`` with words of its own."""
        from bs4 import NavigableString, Tag

        parent = tag.parent
        if id(parent) not in self.flow:  # once a parent, not once a region
            self.flow[id(parent)] = any(
                (type(node) is NavigableString and bool(node.strip()))
                or (isinstance(node, Tag) and not self._region(node) and (
                    any(type(child) is NavigableString and child.strip()
                        for child in node.contents) if node.name == "div"
                    else node.name not in self.structure and self.of(node)[0] > 0))
                for node in parent.contents)
        return self.flow[id(parent)]

    def _region(self, tag: Any) -> bool:
        self._of(tag)
        return bool(self.is_region(tag)) or id(tag) in self.named

    def _measure(self) -> dict[int, tuple[int, int, int]]:
        from bs4 import NavigableString, Tag

        sizes: dict[int, tuple[int, int, int]] = {}
        self.named = {}  # elements with a region's name: their kind
        order: list[Any] = []  # parents before their children (pre-order)
        stack: list[tuple[Any, bool]] = [(self.root, False)]
        while stack:  # children before their parent (post-order), without recursion
            tag, done = stack.pop()
            if not done:
                order.append(tag)
                stack.append((tag, True))
                stack.extend((child, False) for child in tag.contents
                             if isinstance(child, Tag) and child.name not in self.invisible)
                continue
            size = links = flags = 0
            for child in tag.contents:
                if type(child) is NavigableString:
                    size += len("".join(child.split()))
                elif id(child) in sizes:
                    child_size, child_links, child_flags = sizes[id(child)]
                    size, links = size + child_size, links + child_links
                    flags |= child_flags
                    if id(child) in self.named:
                        flags |= _KIND_BITS[self.named[id(child)]]
            if tag.name == "a":
                links = size
            if tag.name == "h1":
                flags |= _H1
            if tag.name in _CONTROLS:
                flags |= _CONTROL
            if size > links and (tag.name in _HEADINGS or (
                    (tag.get("class") or tag.get("id")) and _words(tag)[1] & TITLES)):
                flags |= _TITLED
            kind = _kind(tag) if tag.name in _ELEMENTS and tag is not self.root else None
            if kind is not None:
                self.named[id(tag)] = kind
            sizes[id(tag)] = (size, links, flags)
        self.sizes = sizes
        for tag in order:  # what is beside each element, from the root down
            children = [child for child in tag.contents
                        if isinstance(child, Tag) and id(child) in sizes]
            words = max((len("".join(child.split())) for child in tag.contents
                         if type(child) is NavigableString), default=0)
            best: tuple[int, int | None] = (max(words, self.beside.get(id(tag), 0)), None)
            second = best
            for child in children:
                if self.is_region(child) or id(child) in self.named:
                    continue
                child_size, child_links, _ = sizes[id(child)]
                value = (child_size - child_links, id(child))
                if value[0] > best[0]:
                    best, second = value, best
                elif value[0] > second[0]:
                    second = value
            around = id(tag) in self.around or (tag is not self.root
                                                and _around_the_article(tag))
            for child in children:
                self.beside[id(child)] = (second if best[1] == id(child) else best)[0]
                if around:
                    self.around.add(id(child))
        return sizes

"""Ingestion: read .txt, .md, .html and .pdf articles into documents, with skip reasons."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm.auto import tqdm

from qa.errors import IngestError
from qa.fileio import UTF16_BOMS, not_utf8_at, utf16_without_bom, without_bom
from qa.html import html_to_text
from qa.markdown import markdown_to_text, only_front_matter
from qa.pdf import pdf_to_text
from qa.text import counted, has_words, short_title, unify
from qa.types import Document

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown",
                      ".html": "html", ".htm": "html", ".pdf": "pdf"}
DEFAULT_MAX_BYTES = 5_000_000


@dataclass
class IngestReport:
    """The documents read, each skipped file with its reason, the file each document was
    read from (by doc id), and the hidden files and folders left out (names starting with
    '.'; a folder's path ends with a separator, and what it holds is not looked at)."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # counts and names, not every article's text
        skipped = "".join(f", {name!r}: {why!r}" for name, why in self.skipped[:5])
        more = f", … {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        return (f"IngestReport({len(self.documents)} documents "
                f"{[d.doc_id for d in self.documents[:5]]}"
                f"{'…' if len(self.documents) > 5 else ''}, {len(self.skipped)} skipped"
                f"{skipped}{more})")


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM; a few stray bytes in it as Windows-1252), UTF-16 (BOM, or
    ASCII-heavy without), else Windows-1252, else Latin-1.

    Raises IngestError for data that looks binary (NUL bytes outside UTF-16, or more
    than 1% control characters).
    """
    return decode(data)[0]


def decode(data: bytes, html: bool = False) -> tuple[str, str | None]:
    """:func:`decode_bytes`, and the name of the encoding when it was a guess
    ('Windows-1252', 'Latin-1', 'UTF-8 with 2 bytes in Windows-1252 (…)'; None when the data
    said). For an HTML page that is not
    UTF-8, the charset its ``<meta>`` declares comes before the guess."""
    if data.startswith(UTF16_BOMS):
        text, guessed = data.decode("utf-16", errors="replace"), None
    else:
        data = without_bom(data)
        if b"\x00" in data:
            text, guessed = _utf16_without_bom(data)
        else:
            text, guessed = _decode_8bit(data, html)
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(1, len(sample) // 100):
        raise IngestError("binary content (control characters); not a text article")
    return text, guessed


_META = re.compile(rb"<meta[\s/]([^>]*)(?:>|\Z)", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_CONTENT_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_COMMENT = re.compile(rb"<!--.*?(?:-->|\Z)", re.DOTALL)  # unclosed: to the end, as browsers


def _browser_labels() -> dict[str, str | None]:
    """Charset labels as browsers read them (the WHATWG Encoding standard's common labels)
    -> a Python codec; None: a label an 8-bit page cannot mean (UTF-16). Browsers read
    Latin-1 and ASCII labels as Windows-1252, and legacy CJK labels as the supersets the
    pages really use (GBK as GB18030, EUC-KR as CP949, Shift_JIS as CP932)."""
    labels: dict[str, str | None] = {}
    for codec, names in {
        "utf-8": "utf-8 utf8 unicode-1-1-utf-8",
        "cp1252": "windows-1252 cp1252 x-cp1252 iso-8859-1 iso8859-1 iso_8859-1 latin1 l1 "
                  "ascii us-ascii cp819 ibm819 iso-ir-100",
        "cp1254": "iso-8859-9 iso8859-9 latin5 windows-1254 cp1254",
        "cp874": "tis-620 windows-874 iso-8859-11 iso8859-11 dos-874",
        "iso8859-8": "iso-8859-8 iso-8859-8-i iso8859-8 visual hebrew logical",
        "koi8_r": "koi8-r koi8_r koi8 cskoi8r", "koi8_u": "koi8-u koi8-ru",
        "gb18030": "gbk gb2312 x-gbk chinese csgb2312 gb_2312-80 iso-ir-58 gb18030",
        "big5hkscs": "big5 big5-hkscs cn-big5 x-x-big5 csbig5",
        "euc_jp": "euc-jp x-euc-jp cseucpkdfmtjapanese", "iso2022_jp": "iso-2022-jp",
        "cp932": "shift_jis shift-jis sjis x-sjis ms_kanji ms932 windows-31j csshiftjis",
        "cp949": "euc-kr ks_c_5601-1987 korean windows-949 cp949 cseuckr",
        "mac_cyrillic": "x-mac-cyrillic x-mac-ukrainian", "mac_roman": "macintosh mac "
                                                                       "x-mac-roman",
    }.items():
        labels.update(dict.fromkeys(names.split(), codec))
    for n in (2, 3, 4, 5, 6, 7, 10, 13, 14, 15, 16):
        labels.update(dict.fromkeys((f"iso-8859-{n}", f"iso8859-{n}", f"iso_8859-{n}"),
                                    f"iso8859-{n}"))
    for n in range(1250, 1259):
        labels.setdefault(f"windows-{n}", f"cp{n}")
        labels.setdefault(f"cp{n}", f"cp{n}")
    labels.update(dict.fromkeys("utf-16 utf-16le utf-16be utf-32".split(), None))
    return labels


_LABELS = _browser_labels()


_XML_DECLARATION = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)


def _declared_charsets(data: bytes) -> list[str]:
    """The text encodings an HTML page declares in its first 64 KB, outside comments, as a
    browser reads them: an XML declaration (XHTML), ``<meta charset=…>``, and ``<meta
    http-equiv="Content-Type" content="…; charset=…">`` (not a charset named in other
    text), in that order, each once; labels browsers do not know are left out."""
    found: list[str | None] = []
    xml = _XML_DECLARATION.match(data[:512])
    if xml:
        found.append(_text_encoding(xml.group(1)))
    for meta in _META.finditer(_COMMENT.sub(b"", data[:65536])):
        attributes = {key.lower(): value.strip(b"\"'")
                      for key, value in _ATTRIBUTE.findall(meta.group(1))}
        label = attributes.get(b"charset")
        if label is None and attributes.get(b"http-equiv", b"").lower() == b"content-type":
            match = _CONTENT_CHARSET.search(attributes.get(b"content", b""))
            label = match.group(1) if match else None
        if label:
            found.append(_text_encoding(label))
    return list(dict.fromkeys(name for name in found if name))


def _text_encoding(label: bytes) -> str | None:
    """The codec a declared charset ``label`` names, read as browsers read labels; None
    for a label browsers do not know ('hex', 'utf-7') or one an 8-bit page cannot mean."""
    return _LABELS.get(label.decode("ascii", "replace").strip().lower())


def _utf16_without_bom(data: bytes) -> tuple[str, None]:
    """UTF-16 text without a BOM shows NUL bytes on one side only; else it is binary."""
    text = utf16_without_bom(data)
    if text is None:
        raise IngestError("binary content (NUL bytes); not a text article")
    return text, None


def _decode_8bit(data: bytes, html: bool = False) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        first_bad = exc
    for encoding in _declared_charsets(data) if html else ():  # only a page that needs it
        try:
            return data.decode(encoding), None
        except (UnicodeDecodeError, LookupError):
            pass
    mixed = _mostly_utf8(data, first_bad)
    if mixed is not None:
        return mixed
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


#: A byte that is not UTF-8, as ``errors="surrogateescape"`` decodes it.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
#: A character that UTF-8 spelled in several bytes (not an escaped byte).
_MULTIBYTE = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _mostly_utf8(data: bytes, first_bad: UnicodeDecodeError) -> tuple[str, str] | None:
    """``data`` read as UTF-8 with its bytes that are not UTF-8 read as Windows-1252 (else
    Latin-1), when it holds at least as many UTF-8 characters of several bytes as such
    bytes: a UTF-8 file with a few stray bytes from another editor ("It\x92s"), which read
    whole as Windows-1252 would turn every accent of it into two letters ("cafÃ©"). None
    for other text (Windows-1252 text whose 'É»' happens to be UTF-8 too)."""
    text = data.decode("utf-8", errors="surrogateescape")
    if len(_MULTIBYTE.findall(text)) < len(_ESCAPED_BYTE.findall(text)):
        return None
    stray = 0

    def as_1252(match: re.Match[str]) -> str:
        nonlocal stray
        stray += 1
        byte = bytes([ord(match.group()) - 0xDC00])
        try:
            return byte.decode("cp1252")
        except UnicodeDecodeError:
            return byte.decode("latin-1")

    text = _ESCAPED_BYTE.sub(as_1252, text)
    return text, (f"UTF-8 with {counted(stray, 'byte')} in Windows-1252 (the first: "
                  f"{not_utf8_at(first_bad)})")


#: An RST directive, comment or label ('.. note::', '.. _covtype_dataset:'): no title.
_RST_MARKUP = re.compile(r"\.\.(?:[ \t]|$)")


#: A line of a mail's header ('From: …', 'X-Mailer: …'), or one folded onto the next line.
_HEADER_LINE = re.compile(r"[A-Za-z][A-Za-z0-9-]*:[ \t]|[ \t]+\S")
#: The header fields that, beside a 'Subject:', make the first lines a mail's header.
_MAIL_FIELDS = frozenset({"from", "to", "date", "cc", "sent"})


def _email_subject(text: str) -> str | None:
    """The 'Subject:' of a mail saved as text (its first lines, up to a blank line, header
    fields: 'Subject:' and 'From:', 'To:', 'Date:', 'Cc:' or 'Sent:'), folded lines joined;
    None for other text."""
    fields: dict[str, str] = {}
    last = ""
    for line in text.lstrip("\n").split("\n"):
        if not line.strip():
            break
        if not _HEADER_LINE.match(line):
            return None
        if line[0] in " \t":
            if last:
                fields[last] += " " + line.strip()
            continue
        key, _, value = line.partition(":")
        last = key.lower()
        fields.setdefault(last, value.strip())
    subject = fields.get("subject", "")
    return subject if has_words(subject) and fields.keys() & _MAIL_FIELDS else None


def make_title(text: str, kind: str, name: str, heading: str | None = None) -> str:
    """``heading`` (the page's or article's own title), else the first line of ``text``
    with a letter or digit (no rule or decoration) that is no RST markup ('.. _label:',
    '.. image:: …' with its indented lines), shortened to a sentence or 100 characters,
    else the file's name. A mail saved as text is titled by its 'Subject:'. A Markdown
    article without a heading is titled by its first line of prose
    (:func:`markdown_to_text`); one with none (code, tables or images alone) by its file's
    name."""
    if heading:
        return heading[:200]
    if kind == "text":
        subject = _email_subject(text)
        if subject:
            return short_title(subject)
    if kind != "markdown":
        markup = False  # in an RST markup block: '.. image:: x', its indented lines
        for line in text.splitlines():
            if markup and (line[:1].isspace() or not line.strip()):
                continue
            line = line.strip()
            markup = _RST_MARKUP.match(line) is not None
            if markup:
                continue
            line = line.lstrip("#").strip()
            if has_words(line):  # not a rule ('=====') nor other decoration
                return short_title(line)
    return Path(name).stem



#: The files whose guessed encoding was logged, as (path, size, mtime): each is named once,
#: not again whenever the same file is read (the chat reads its uploads at every upload).
_WARNED: set[tuple[str, int, int]] = set()
_WARNED_MAX = 10_000


def _warn_guessed(path: Path, guessed: str) -> None:
    try:
        st = path.stat()
        key = (os.path.abspath(path), st.st_size, st.st_mtime_ns)
    except OSError:
        key = (os.path.abspath(path), -1, -1)
    if key in _WARNED:
        return
    if len(_WARNED) >= _WARNED_MAX:
        _WARNED.clear()
    _WARNED.add(key)
    logger.warning("%s is not UTF-8; it was read as %s. If its letters look wrong, save it "
                   "as UTF-8 (or, for a web page, declare its charset) and index again",
                   path, guessed)


def read_document(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one file into a Document; IngestError says why it cannot be used. A guessed
    encoding is logged (once per file) and kept in ``Document.guessed_encoding``."""
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise IngestError(f"unsupported file type '{path.suffix or path.name}' "
                          f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit "
                          "(raise it with qa index --max-file-mb)")
    if kind == "pdf":
        text, heading = pdf_to_text(path.read_bytes())
        guessed = None
    else:
        text, guessed = decode(path.read_bytes(), html=kind == "html")
        heading = None
    if guessed:
        _warn_guessed(path, guessed)
    source = text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind == "html":
        text, heading = html_to_text(text)
    elif kind == "markdown":
        text, heading = markdown_to_text(text)
    text = unify(text)
    if not text.strip():
        raise IngestError(_no_text(source, kind))
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    title = make_title(text, kind, path.name, heading and unify(heading))
    return Document(doc_id, title, text, content_hash, guessed)


def _no_text(source: str, kind: str) -> str:
    """Why a file gave no text, true to the case: it has none, or all it has is left out."""
    if not unify(source).strip():
        return "empty file (no text)"
    if kind == "markdown" and only_front_matter(source):
        return "no text (only front matter)"
    if kind == "markdown":
        return "no text once comments and link definitions are left out"
    return "no text once markup and scripts are left out"


def iter_files(paths: Iterable[Path], exclude: Iterable[Path] = (),
               unreadable: list[tuple[str, str]] | None = None,
               hidden: list[Path] | None = None) -> Iterable[tuple[Path, Path]]:
    """(file, root) pairs: files given directly are their own root's children. Hidden
    folders (below a root: they go to ``hidden``) and the folders in ``exclude`` are not
    entered; links to folders come out as files (for the caller to refuse). Folders that
    cannot be listed go to ``unreadable`` as (path, reason)."""
    excluded = {Path(os.path.abspath(e)) for e in exclude}

    def note(err: OSError) -> None:
        if unreadable is not None:
            unreadable.append((str(err.filename), f"cannot read: {err.strerror or err}"))

    for p in paths:
        if not p.is_dir():
            yield p, p.parent
            continue
        skip = excluded - {Path(os.path.abspath(p))}
        found: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(p, onerror=note):
            here = Path(dirpath)
            entered = []
            for name in dirnames:
                sub = here / name
                if sub.is_symlink():
                    found.append(sub)
                elif Path(os.path.abspath(sub)) in skip:
                    continue
                elif not name.startswith("."):
                    entered.append(name)
                elif hidden is not None:  # .git, .obsidian …
                    hidden.append(sub)
            dirnames[:] = entered
            found.extend(here / name for name in filenames)
        for f in sorted(found):
            yield f, p


def _check_inside(path: Path, root: Path) -> None:
    """IngestError when ``path``, links followed, lies outside ``root`` (loops are caught later)."""
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(os.path.realpath(root)):
        raise IngestError("symbolic link pointing outside the corpus folder; "
                          "copy the file into the folder to index it")


def _check_name(doc_id: str) -> None:
    try:
        doc_id.encode("utf-8")
    except UnicodeEncodeError:
        raise IngestError("the file name is not valid UTF-8; rename the file") from None


def _qualified_id(doc_id: str, root: Path, taken: set[str]) -> str | None:
    """A free id for a file whose plain id another folder's file already has: the id
    under its folder's name ('work/README.md'), then under more of its path
    ('b/work/README.md'); None when every one is taken."""
    prefix = ""
    for part in reversed(Path(os.path.abspath(root)).parts[1:]):
        prefix = f"{part}/{prefix}"
        if f"{prefix}{doc_id}" not in taken:
            return f"{prefix}{doc_id}"
    return None


#: Reading shows a progress bar from this many files on (at the info log level).
PROGRESS_MIN_FILES = 50


def load_documents(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES,
    exclude: Iterable[Path] = (), indexed: Collection[str] = (),
) -> IngestReport:
    """Read every supported file under ``paths``; others are skipped with a reason.
    Folders in ``exclude`` are not entered when they lie below one of ``paths``.

    Of files with the same text one is read, the others are skipped as its duplicates:
    a file before a link to it, then one whose id is in ``indexed`` (the ids the index
    already has: adding a copy of an article does not move it), then the first in path
    order."""
    if isinstance(paths, str | Path):  # one path, not the characters of one
        paths = [paths]
    exclude = list(exclude)
    report = IngestReport()
    files: list[tuple[Path, Path]] = []
    hidden_files: list[Path] = []
    hidden_folders: list[Path] = []
    for given in [Path(p) for p in paths]:
        if not given.exists():
            report.skipped.append((str(given), "no such file or folder"))
            continue
        for path, root in iter_files([given], exclude, report.skipped, hidden_folders):
            if path.name.startswith("."):
                hidden_files.append(path)
            else:
                files.append((path, root))
    report.hidden = _hidden(hidden_files, hidden_folders)
    t0 = time.perf_counter()
    read: list[tuple[Document, Path, Path]] = []  # (document, file, root) in path order
    show = len(files) >= PROGRESS_MIN_FILES and logger.isEnabledFor(logging.INFO)
    for path, root in tqdm(files, desc="reading", unit="file", disable=not show):
        doc_id = path.relative_to(root).as_posix()
        try:
            _check_inside(path, root)
            if path.is_dir():  # a link to a folder (iter_files enters no other)
                raise IngestError("link to a folder: not followed (index the folder itself)")
            _check_name(doc_id)
            read.append((read_document(path, doc_id, max_bytes), path, root))
        except IngestError as exc:
            report.skipped.append((str(path), str(exc)))
        except OSError as exc:
            report.skipped.append((str(path), f"cannot read: {exc.strerror or exc}"))
    def preference(i: int) -> tuple[bool, bool, int]:
        doc, path, _ = read[i]
        return path.is_symlink(), doc.doc_id not in indexed, i

    kept: dict[str, int] = {}  # content hash -> the index in ``read`` of the file kept
    for i, (doc, _, _) in enumerate(read):
        other = kept.get(doc.content_hash)
        if other is None or preference(i) < preference(other):
            kept[doc.content_hash] = i
    ids: set[str] = set()
    final: dict[str, str] = {}  # content hash -> the id it is indexed under
    for i, (doc, path, root) in enumerate(read):
        if kept[doc.content_hash] != i:
            continue
        if doc.doc_id in ids:
            qualified = _qualified_id(doc.doc_id, root, ids)
            if qualified is None:
                report.skipped.append((str(path),
                                       f"another file already has the id {doc.doc_id}"))
                continue
            logger.info("%s is indexed as %s: another folder has a file %s",
                        path, qualified, doc.doc_id)
            doc = replace(doc, doc_id=qualified)
        final[doc.content_hash] = doc.doc_id
        ids.add(doc.doc_id)
        report.documents.append(doc)
        report.paths[doc.doc_id] = path
    for i, (doc, path, _) in enumerate(read):
        if (other := kept[doc.content_hash]) != i:
            of = final.get(doc.content_hash) or str(read[other][1])
            report.skipped.append((str(path), f"duplicate of {of}"))
    for skipped_path, reason in report.skipped:
        logger.warning("skipped %s: %s", skipped_path, reason)
    if report.hidden:  # (expected: .git, .DS_Store; one line, not a warning each)
        logger.info("%s", hidden_note(report.hidden))
    if show:
        logger.info("read %d articles from %d files in %.1fs", len(report.documents),
                    len(files), time.perf_counter() - t0)
    return report


def _hidden(files: list[Path], folders: list[Path]) -> list[str]:
    """The hidden paths, those likeliest to be articles first: files of a supported type,
    then folders (a separator after their names), then other files (.DS_Store)."""
    return ([str(f) for f in sorted(files) if f.suffix.lower() in SUPPORTED_SUFFIXES]
            + [os.path.join(f, "") for f in sorted(folders)]
            + [str(f) for f in sorted(files) if f.suffix.lower() not in SUPPORTED_SUFFIXES])


#: How many hidden paths :func:`hidden_note` names (then a count of the rest).
NAMED_HIDDEN = 3


def hidden_note(hidden: list[str]) -> str:
    """One line on the hidden files and folders left out (:attr:`IngestReport.hidden`)."""
    folders = sum(path.endswith(os.sep) for path in hidden)
    counts = [f"{n} hidden {what}{'s' if n > 1 else ''}"
              for n, what in ((len(hidden) - folders, "file"), (folders, "folder")) if n]
    more = len(hidden) - NAMED_HIDDEN
    named = ", ".join(hidden[:NAMED_HIDDEN]) + (f" and {more} more" if more > 0 else "")
    return (f"skipped {' and '.join(counts)} (names starting with '.' are not indexed; "
            f"rename one to index it): {named}")

"""Ingestion: read .txt, .md and .html articles into documents, with skip reasons."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import IngestError
from qa.types import Document

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown",
                      ".html": "html", ".htm": "html"}
DEFAULT_MAX_BYTES = 5_000_000


@dataclass
class IngestReport:
    """The documents read, and each skipped file with its reason."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252, else Latin-1.

    Raises IngestError for data that looks binary (NUL bytes outside UTF-16).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise IngestError("binary content (NUL bytes); not a text article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def html_to_text(html: str) -> tuple[str, str | None]:
    """Visible text of an HTML page (block elements on their own lines) and its title."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        if tag.name == "head":
            continue
        tag.decompose()
    title = None
    heading = soup.find(["h1", "h2"])
    if heading and heading.get_text(strip=True):
        title = heading.get_text(" ", strip=True)
    elif soup.title and soup.title.get_text(strip=True):
        title = soup.title.get_text(" ", strip=True)
    if soup.head:
        soup.head.decompose()
    text = soup.get_text("\n")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line), title


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def make_title(text: str, kind: str, name: str, html_title: str | None = None) -> str:
    if html_title:
        return html_title[:200]
    if kind == "markdown":
        m = _MD_HEADING.search(text)
        if m:
            return m.group(1)[:200]
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            if len(line) <= 100:
                return line
            return line[:100].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return Path(name).stem


def read_document(path: Path, doc_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one file into a Document; IngestError says why it cannot be used."""
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise IngestError(f"unsupported file type '{path.suffix or path.name}' "
                          f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    text = decode_bytes(path.read_bytes())
    html_title = None
    if kind == "html":
        text, html_title = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError("empty file (no text)")
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(doc_id, make_title(text, kind, path.name, html_title), text, content_hash)


def iter_files(paths: Iterable[Path]) -> Iterable[tuple[Path, Path]]:
    """(file, root) pairs: files given directly are their own root's children."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() or f.is_symlink():
                    yield f, p
        else:
            yield p, p.parent


def load_documents(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> IngestReport:
    """Read every supported file under ``paths``; others are skipped with a reason."""
    report = IngestReport()
    seen: dict[str, str] = {}
    ids: set[str] = set()
    for given in [Path(p) for p in paths]:
        if not given.exists():
            report.skipped.append((str(given), "no such file or folder"))
            continue
        for path, root in iter_files([given]):
            doc_id = path.relative_to(root).as_posix()
            if path.name.startswith("."):
                continue
            try:
                if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
                    raise IngestError("symbolic link pointing outside the corpus folder")
                doc = read_document(path, doc_id, max_bytes)
            except IngestError as exc:
                report.skipped.append((str(path), str(exc)))
                continue
            except OSError as exc:
                report.skipped.append((str(path), f"cannot read: {exc.strerror or exc}"))
                continue
            if doc.content_hash in seen:
                report.skipped.append((str(path), f"duplicate of {seen[doc.content_hash]}"))
                continue
            if doc_id in ids:
                report.skipped.append((str(path), f"another file already has the id {doc_id}"))
                continue
            seen[doc.content_hash] = doc_id
            ids.add(doc_id)
            report.documents.append(doc)
    for path, reason in report.skipped:
        logger.warning("skipped %s: %s", path, reason)
    return report

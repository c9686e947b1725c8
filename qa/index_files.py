"""The files of an index folder, below what they mean: one generation's data files
(passages in SQLite, vectors in NumPy, the FAISS index), written, hashed and read; and the
folder's write lock. ``qa.index.IndexStore`` decides what to write and when."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import IndexLockedError, IndexWriteError
from qa.fileio import fsync_dir, write_atomic
from qa.generations import DATA_FILES, cannot_write
from qa.types import Passage

logger = logging.getLogger(__name__)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:  # (hashlib.file_digest is Python 3.11+)
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_faiss_index(vectors: np.ndarray, index_type: str) -> Any:
    import faiss

    dim = vectors.shape[1]
    index: Any
    if index_type == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 128
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def changed_file(gen: Path, manifest: dict[str, Any]) -> str | None:
    """The first data file of ``gen`` whose hash is not the one ``manifest`` recorded for
    it (changed or damaged since it was written); None when all agree (or none was
    recorded: manifests before 2026-12-02)."""
    for name, digest in (manifest.get("files") or {}).items():
        if name in DATA_FILES and sha256(gen / name) != digest:
            return name
    return None


def read_passages(path: Path) -> list[Passage]:
    if not path.is_file():
        raise OSError(f"{path.name} is missing")
    # as a URI, for read-only: quoted, so '#', '?' or '%41' in a folder name stay in it
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT id, doc_id, title, text, start, end FROM passages ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [Passage(d, t, x, s, e, i) for i, d, t, x, s, e in rows]


def passage_counts(path: Path) -> dict[str, int] | None:
    """How many passages each article has in the passages file ``path``, by doc_id; None
    when it cannot be read (missing or damaged: :meth:`IndexStore.damage` says so)."""
    try:
        if not path.is_file():
            return None
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT doc_id, COUNT(*) FROM passages GROUP BY doc_id")
            return {str(doc_id): int(n) for doc_id, n in rows.fetchall()}
        finally:
            con.close()
    except (OSError, sqlite3.Error):
        return None


def read_data(gen: Path) -> tuple[list[Passage], np.ndarray, Any]:
    """The passages, vectors and FAISS index of generation ``gen``, unchecked."""
    import faiss

    passages = read_passages(gen / "passages.sqlite")
    vectors = np.load(gen / "vectors.npy", allow_pickle=False)
    return passages, vectors, faiss.read_index(str(gen / "dense.faiss"))


def write_data(gen: Path, manifest: dict[str, Any], passages: list[Passage],
               vectors: np.ndarray, index_type: str) -> tuple[dict[str, Any], Any]:
    """Write a generation's files into the new folder ``gen``, the manifest last (with
    each data file's hash; atomic, since a generation with a manifest counts as
    complete), all of them synced; (the manifest as written, the FAISS index)."""
    import faiss

    with contextlib.closing(sqlite3.connect(gen / "passages.sqlite")) as con, con:
        con.execute("CREATE TABLE passages (id INTEGER PRIMARY KEY, doc_id TEXT, "
                    "title TEXT, text TEXT, start INTEGER, end INTEGER)")
        con.execute("CREATE INDEX passages_doc ON passages(doc_id)")
        con.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?)",
                        [(p.passage_id, p.doc_id, p.title, p.text, p.start, p.end)
                         for p in passages])
    with open(gen / "vectors.npy", "wb") as fh:
        np.save(fh, vectors, allow_pickle=False)
    faiss_index = make_faiss_index(vectors, index_type)
    faiss.write_index(faiss_index, str(gen / "dense.faiss"))
    manifest = {**manifest, "files": {f: sha256(gen / f) for f in DATA_FILES}}
    write_atomic(gen / "manifest.json", json.dumps(manifest, indent=2))
    for f in gen.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    fsync_dir(gen)
    return manifest, faiss_index


@contextlib.contextmanager
def folder_lock(path: Path, timeout: float, named_by: str) -> Iterator[None]:
    """Hold the write lock of the index folder ``path`` (``.lock`` in it); wait up to
    ``timeout`` seconds for it. IndexWriteError when the folder cannot be written,
    IndexLockedError when another process holds the lock that long."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        fh = open(path / ".lock", "a+")
    except OSError as exc:
        raise IndexWriteError(cannot_write(path, exc, named_by)) from exc
    deadline = time.monotonic() + timeout
    waiting = False
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    waiting = True
                    logger.info("waiting for another process to finish writing the index at "
                                "%s (up to %.0f s)…", path, timeout)
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another process is writing the index at {path}; "
                        "wait for it to finish and try again"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        fh.close()

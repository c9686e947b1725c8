"""Reading a corpus for a build: which of two files with one text is kept, the progress
bar, the build's time, and an index of text read the old way read again."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import pytest

from qa import ingest
from qa.embed import Embedder
from qa.ingest import PROGRESS_MIN_FILES, load_documents
from qa.pipeline import QAPipeline
from tests.conftest import FIXTURES

SPHINX_PAGE = FIXTURES / "sphinx-page.html"
FERRY = "The ferry to Flåm leaves Bergen at seven and returns at nine."


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


def _pipeline(index: Path, embedder: Embedder) -> QAPipeline:
    pipe = QAPipeline(index)
    pipe.embedder = embedder  # loaded once for the module
    return pipe


def test_a_file_is_kept_over_a_link_to_it(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "ferry.md").write_text(FERRY)
    os.symlink("notes/ferry.md", tmp_path / "a-link.md")  # before notes/ in path order
    report = load_documents([tmp_path])
    assert [d.doc_id for d in report.documents] == ["notes/ferry.md"]
    assert report.skipped == [(str(tmp_path / "a-link.md"), "duplicate of notes/ferry.md")]


@pytest.mark.slow
def test_a_copy_of_an_indexed_article_does_not_replace_it(tmp_path: Path,
                                                          embedder: Embedder) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "library").mkdir(parents=True)
    shutil.copy(SPHINX_PAGE, corpus / "library" / "zipapp.html")
    pipe = _pipeline(tmp_path / "index", embedder)
    pipe.build([corpus])
    (corpus / "edge").mkdir()  # a copy, before library/ in path order
    shutil.copy(SPHINX_PAGE, corpus / "edge" / "zipapp-copy.html")
    stats, report = pipe.build([corpus])
    assert list(pipe.index.manifest["documents"]) == ["library/zipapp.html"]
    assert report.skipped == [(str(corpus / "edge" / "zipapp-copy.html"),
                               "duplicate of library/zipapp.html")]
    assert stats.reused_documents == ["library/zipapp.html"] and not stats.renamed_documents
    # a new index of both keeps the first in path order
    _, report = _pipeline(tmp_path / "fresh", embedder).build([corpus])
    assert [d.doc_id for d in report.documents] == ["edge/zipapp-copy.html"]


def test_reading_many_files_shows_a_progress_bar_at_the_info_level(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(PROGRESS_MIN_FILES):
        (tmp_path / f"{i:03}.txt").write_text(f"Article {i}: {FERRY}")
    caplog.set_level(logging.INFO, logger="qa.ingest")
    assert len(load_documents([tmp_path]).documents) == PROGRESS_MIN_FILES
    bar = capsys.readouterr().err
    assert "reading: 100%" in bar and f"| {PROGRESS_MIN_FILES}/{PROGRESS_MIN_FILES} [" in bar
    assert f"read {PROGRESS_MIN_FILES} articles from {PROGRESS_MIN_FILES} files" in caplog.text
    caplog.set_level(logging.WARNING, logger="qa.ingest")  # qa -q: no bar
    load_documents([tmp_path])
    assert "reading" not in capsys.readouterr().err
    caplog.set_level(logging.INFO, logger="qa.ingest")  # a few files: no bar
    (tmp_path / "000.txt").unlink()
    load_documents([tmp_path])
    assert "reading" not in capsys.readouterr().err


@pytest.mark.slow
def test_the_build_time_includes_reading_the_files(tmp_path: Path, embedder: Embedder,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"{i}.txt").write_text(f"Article {i}: {FERRY}")
    pipe = _pipeline(tmp_path / "index", embedder)
    pipe.build([corpus])
    read_document = ingest.read_document

    def slow_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return read_document(*args, **kwargs)

    monkeypatch.setattr(ingest, "read_document", slow_read)
    t0 = time.perf_counter()
    stats, _ = pipe.build([corpus])  # nothing changed: reading is most of the time
    assert 1.5 <= stats.seconds <= time.perf_counter() - t0 + 0.001  # seconds: rounded to ms


@pytest.mark.slow
def test_an_index_of_text_read_the_old_way_is_read_again(tmp_path: Path, embedder: Embedder,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SPHINX_PAGE, corpus / "zipapp.html")
    pipe = _pipeline(tmp_path / "index", embedder)
    html_to_text = ingest.html_to_text

    def old_way(html: str) -> tuple[str, str | None]:  # as before 2026-12-02: menus, ¶
        text, title = html_to_text(html)
        return f"Navigation\nPrevious topic\nReport a Bug\n{text}", f"{title} ¶"

    monkeypatch.setattr(ingest, "html_to_text", old_way)
    pipe.build([corpus])
    assert "Report a Bug" in pipe.index.passages[0].text
    monkeypatch.undo()
    stats, _ = pipe.build([corpus])  # the same file, read as it is read now
    assert stats.embedded_documents == ["zipapp.html"]
    passages = pipe.index.passages
    assert not any("Report a Bug" in p.text or "¶" in p.title for p in passages)
    assert pipe.index.manifest["documents"]["zipapp.html"]["title"] == (
        "zipapp — Manage executable Python zip archives")


def test_a_printed_build_result_shows_counts_and_names_not_every_text(tmp_path: Path) -> None:
    # found in a trial: print(pipe.build([...])) printed every article's whole text
    (tmp_path / "long.txt").write_text("Hekla erupts. " * 5_000, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    report = load_documents([tmp_path])
    shown = repr(report)
    assert shown == (f"IngestReport(1 documents ['long.txt'], 1 skipped, "
                     f"{str(tmp_path / 'empty.txt')!r}: 'empty file (no text)')")
    doc = repr(report.documents[0])
    assert len(doc) < 300 and "(70,000 chars)" in doc and doc.startswith(
        "Document(doc_id='long.txt', title='Hekla erupts', text='Hekla erupts. Hekla")

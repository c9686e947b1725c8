"""Removing an uploaded article from the chat (ChatService.remove, ui.removal): the file
leaves the uploads folder and the index; nothing else is ever deleted, and nothing is lost
when the index cannot be built again. A real index with the shipped models."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

LIGHTHOUSE = ("Harwick lighthouse reopens\n\nThe Harwick lighthouse on the north pier reopened "
              "in May. The lighthouse's colour is now cobalt blue, after the keeper Ada Moss "
              "repainted it.\n")
QUESTION = "What is the Harwick lighthouse's colour now?"


def _service(tmp_path: Path, uploads: Path | None = None) -> tuple[Any, Path, Path]:
    """A ChatService over an index of one corpus article (ferry.md) with lighthouse.txt
    uploaded; its corpus folder and its uploads folder."""
    from qa.pipeline import QAPipeline
    from ui.service import ChatService

    corpus, staging = tmp_path / "corpus", tmp_path / "staging"
    corpus.mkdir()
    staging.mkdir()
    (corpus / "ferry.md").write_text("# Ferry\n\nThe ferry leaves at noon.")
    uploads = uploads or tmp_path / "uploads"
    pipe = QAPipeline(tmp_path / "index", corpus=corpus, uploads_dir=uploads)
    pipe.build([corpus])
    service = ChatService(pipe, uploads)
    (staging / "lighthouse.txt").write_text(LIGHTHOUSE)
    status, _ = service.upload([str(staging / "lighthouse.txt")])
    assert "added &#x27;lighthouse.txt&#x27;" in status, status
    return service, corpus, uploads


def _from_lighthouse(service: Any) -> bool:
    answer, _ = service.answer(QUESTION)
    return answer.found and any(s.has_answer and s.doc_id == "lighthouse.txt"
                                for s in answer.sources)


def test_a_removed_upload_leaves_the_folder_and_the_index(tmp_path: Path) -> None:
    service, corpus, uploads = _service(tmp_path)
    assert service.can_remove() and service.upload_names() == ["lighthouse.txt"]
    assert _from_lighthouse(service)
    status, articles = service.remove("lighthouse.txt")
    assert ("removed &#x27;lighthouse.txt&#x27; (Harwick lighthouse reopens): the index "
            "holds 1 article") in status, status
    assert "qa-ok" in status
    assert set(service.documents()) == {"ferry.md"}
    assert "Harwick" not in articles and "Ferry" in articles
    assert list(uploads.iterdir()) == []  # nothing kept aside
    assert service.upload_names() == []
    assert not _from_lighthouse(service)
    assert all("Harwick" not in r.passage.text
               for r in service.pipeline.retrieve("Harwick lighthouse colour", 5))
    assert (corpus / "ferry.md").exists()
    # a second time (a page that still lists it): it was removed already
    status, _ = service.remove("lighthouse.txt")
    assert ("&#x27;lighthouse.txt&#x27; is not in the uploads folder: it was removed "
            "already") in status and "qa-bad" in status
    # and with no upload left, there is nothing to choose
    status, _ = service.remove("")
    assert "there is no uploaded article to remove" in status


def test_only_an_upload_is_removed(tmp_path: Path) -> None:
    service, corpus, uploads = _service(tmp_path)
    (uploads / ".hidden.md").write_text("# Hidden\n\nNot an upload.")
    os.symlink(corpus / "ferry.md", uploads / "link.md")
    assert service.upload_names() == ["lighthouse.txt"]  # no link, no hidden file
    for name in ("ferry.md", "../corpus/ferry.md", str(corpus / "ferry.md"), "link.md",
                 ".hidden.md", "", None, "LIGHTHOUSE.TXT"):
        status, _ = service.remove(name)
        assert "qa-bad" in status and "removed &#x27;" not in status, (name, status)
    assert (corpus / "ferry.md").read_text() == "# Ferry\n\nThe ferry leaves at noon."
    assert (uploads / "link.md").is_symlink() and (uploads / ".hidden.md").exists()
    assert (uploads / "lighthouse.txt").read_text() == LIGHTHOUSE
    assert {"ferry.md", "lighthouse.txt"} <= set(service.documents())


@pytest.mark.parametrize("inside", [False, True])
def test_nothing_is_removed_where_the_uploads_folder_is_in_the_corpus(
        tmp_path: Path, inside: bool) -> None:
    # an uploads folder that is the corpus, or inside it, holds the user's own articles
    corpus = tmp_path / "corpus"
    uploads = corpus / "uploads" if inside else corpus
    service, _, _ = _service(tmp_path, uploads)
    assert not service.can_remove() and service.upload_names() == []
    status, _ = service.remove("lighthouse.txt")
    assert "uploads are not removed here" in status and "removed &#x27;" not in status
    assert (uploads / "lighthouse.txt").read_text() == LIGHTHOUSE
    assert any(m.get("title") == "Harwick lighthouse reopens"
               for m in service.documents().values())


def test_a_removal_the_index_cannot_take_keeps_the_upload(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service, _, uploads = _service(tmp_path)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(service.pipeline.store, "build_loaded", full_disk)
    status, articles = service.remove("lighthouse.txt")
    assert ("&#x27;lighthouse.txt&#x27; was not removed, it is still indexed: the index "
            "could not be written (No space left on device)") in status, status
    assert "Traceback" not in status
    assert sorted(p.name for p in uploads.iterdir()) == ["lighthouse.txt"]  # put back
    assert (uploads / "lighthouse.txt").read_text() == LIGHTHOUSE
    assert "Harwick lighthouse reopens" in articles
    monkeypatch.undo()
    assert "lighthouse.txt" in service.documents() and _from_lighthouse(service)
    # and it can be removed once the index can be written
    status, _ = service.remove("lighthouse.txt")
    assert "removed &#x27;lighthouse.txt&#x27;" in status, status
    assert not _from_lighthouse(service)


def test_a_removal_waits_for_an_upload_in_progress(tmp_path: Path) -> None:
    # uploads and removals each build the index from the uploads folder: one at a time
    service, _, uploads = _service(tmp_path)
    done = threading.Event()
    with service._upload_lock:  # an upload in progress
        worker = threading.Thread(target=lambda: (service.remove("lighthouse.txt"),
                                                  done.set()))
        worker.start()
        assert not done.wait(1.0)
        assert (uploads / "lighthouse.txt").exists()
    worker.join(timeout=300)
    assert done.is_set() and not (uploads / "lighthouse.txt").exists()


def test_the_last_article_of_the_index_is_not_removed(tmp_path: Path) -> None:
    # an index holds at least one article: the build without it fails, the upload stays
    service, corpus, uploads = _service(tmp_path)
    (corpus / "ferry.md").unlink()
    status, _ = service.remove("lighthouse.txt")
    assert ("&#x27;lighthouse.txt&#x27; was not removed, it is still indexed: no article "
            "could be read") in status, status
    assert (uploads / "lighthouse.txt").read_text() == LIGHTHOUSE
    assert sorted(p.name for p in uploads.iterdir()) == ["lighthouse.txt"]
    assert _from_lighthouse(service)


def _restart(service: Any, **kwargs: Any) -> Any:
    """The chat started again over the same index and uploads folder (a new process would
    open the index the same way); its ChatService."""
    from qa.pipeline import QAPipeline
    from ui.app import build_app
    from ui.service import ChatService

    old = service.pipeline
    pipe = QAPipeline(old.index_dir, corpus=old.corpus, uploads_dir=service.uploads_dir)
    build_app(pipe, service.uploads_dir, **kwargs)
    return ChatService(pipe, service.uploads_dir)


def test_an_upload_set_aside_by_a_stopped_removal_comes_back(tmp_path: Path) -> None:
    # the chat stopped after setting the upload aside, before the index was built without
    # it: the index still holds it, so it goes back under its name at the next start
    from ui.uploads import set_aside_upload

    service, _, uploads = _service(tmp_path)
    set_aside_upload("lighthouse.txt", uploads)
    assert service.upload_names() == []
    again = _restart(service)
    assert sorted(p.name for p in uploads.iterdir()) == ["lighthouse.txt"]
    assert (uploads / "lighthouse.txt").read_text() == LIGHTHOUSE
    assert again.upload_names() == ["lighthouse.txt"] and _from_lighthouse(again)
    status, _ = again.remove("lighthouse.txt")  # and it can be removed as any upload
    assert "removed &#x27;lighthouse.txt&#x27;" in status, status


def test_an_upload_a_stopped_removal_had_taken_out_of_the_index_is_deleted(
        tmp_path: Path) -> None:
    # the chat stopped after the index was built without it, before the file set aside
    # was deleted: the removal had happened, the leftover goes
    from ui.uploads import set_aside_upload

    service, _, uploads = _service(tmp_path)
    set_aside_upload("lighthouse.txt", uploads)
    service.pipeline.add_documents()
    assert [p.name.startswith(".removed-") for p in uploads.iterdir()] == [True]
    again = _restart(service)
    assert list(uploads.iterdir()) == []
    assert set(again.documents()) == {"ferry.md"} and not _from_lighthouse(again)


def test_a_set_aside_upload_that_cannot_be_read_is_left_in_place(tmp_path: Path) -> None:
    # over the upload limit the chat now runs with: neither put back nor deleted
    from ui.uploads import set_aside_upload

    service, _, uploads = _service(tmp_path)
    _, aside = set_aside_upload("lighthouse.txt", uploads)
    _restart(service, max_upload_bytes=10)
    assert [p.name for p in uploads.iterdir()] == [aside.name]
    assert aside.read_text() == LIGHTHOUSE


REPAINTED = LIGHTHOUSE.replace("cobalt blue", "signal red")


def test_a_replacement_a_stopped_chat_had_not_indexed_is_undone(tmp_path: Path) -> None:
    # Ctrl+C while a corrected upload was being indexed: the new text was saved over the
    # upload and the earlier one kept aside, and the index still held the earlier one. The
    # uploads folder went on holding the new text unindexed (until some later upload
    # indexed it, unasked) and the earlier one hidden beside it for good. The page never
    # said "replaced": the earlier version comes back, as the index has it
    from ui.uploads import replace_upload

    service, _, uploads = _service(tmp_path)
    staging = tmp_path / "staging"
    (staging / "lighthouse.txt").write_text(REPAINTED)
    replace_upload(staging / "lighthouse.txt", "lighthouse.txt", uploads)
    again = _restart(service)
    assert [p.name for p in uploads.iterdir()] == ["lighthouse.txt"]
    assert (uploads / "lighthouse.txt").read_text() == LIGHTHOUSE
    assert again.upload_names() == ["lighthouse.txt"] and _from_lighthouse(again)
    answer, _ = again.answer(QUESTION)
    assert "blue" in (answer.text or ""), answer.text


def test_a_replacement_a_stopped_chat_had_indexed_keeps_the_new_version(
        tmp_path: Path) -> None:
    # stopped after the index had the new version, before the earlier one was deleted
    from ui.uploads import replace_upload

    service, _, uploads = _service(tmp_path)
    staging = tmp_path / "staging"
    (staging / "lighthouse.txt").write_text(REPAINTED)
    replace_upload(staging / "lighthouse.txt", "lighthouse.txt", uploads)
    service.pipeline.add_documents()
    again = _restart(service)
    assert [p.name for p in uploads.iterdir()] == ["lighthouse.txt"]
    assert (uploads / "lighthouse.txt").read_text() == REPAINTED
    answer, _ = again.answer(QUESTION)
    assert "red" in (answer.text or ""), answer.text

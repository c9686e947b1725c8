"""Uploaded file names, validation and atomic saving."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.errors import IngestError
from ui.uploads import (
    check_upload,
    default_uploads_dir,
    earlier_upload,
    replace_upload,
    restore_upload,
    safe_filename,
    save_upload,
    set_aside_upload,
    upload_names,
)


@pytest.mark.parametrize("name, expected", [
    ("article.txt", "article.txt"),
    ("../../x.txt", "x.txt"),
    ("/etc/passwd.md", "passwd.md"),
    ("..\\..\\win.html", "win.html"),
    ("Notes 2024.HTM", "Notes 2024.htm"),
    ("we;ird$name|.txt", "we_ird_name_.txt"),
    ("a\x00b.txt", "ab.txt"),
])
def test_safe_filename_keeps_only_a_clean_base_name(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", ["", "dir/", "..", "._ .", "  "])
def test_empty_names_are_refused(name: str) -> None:
    with pytest.raises(IngestError, match="not a usable file name: rename the file"):
        safe_filename(name)


@pytest.mark.parametrize("name", [".hidden.txt", "../.x.md", "...txt", "  .txt"])
def test_hidden_names_are_refused_saying_why(name: str) -> None:
    # the refusal said only "is not a usable file name: rename the file"
    with pytest.raises(IngestError) as refused:
        safe_filename(name)
    assert str(refused.value) == (
        f"'{name}' is not a usable file name: a name starting with '.' is a hidden file, "
        "which is not indexed; rename the file so that its name does not start with '.' "
        "and try again")


@pytest.mark.parametrize("name", ["x.exe", "x.docx", "README", "x.txt.sh"])
def test_unsupported_types_are_refused(name: str) -> None:
    with pytest.raises(IngestError, match="unsupported file type"):
        safe_filename(name)


def test_long_names_are_shortened_keeping_the_suffix() -> None:
    name = safe_filename("a" * 500 + ".md")
    assert name.endswith(".md") and len(name) <= 120


def test_size_and_content_are_checked(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 2001)
    with pytest.raises(IngestError, match="limit is"):
        check_upload(big, "big.txt", max_bytes=2000)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    # worded as an empty file refused after it is read: one wording for one refusal
    with pytest.raises(IngestError, match=r"^'empty.txt' was not added: empty file \(no text\)$"):
        check_upload(empty, "empty.txt")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(IngestError, match="binary"):
        check_upload(binary, "bin.txt")


def test_a_pdf_upload_is_checked_as_a_pdf(tmp_path: Path) -> None:
    from tests.pdfs import make_pdf

    guide = tmp_path / "up.pdf"
    guide.write_bytes(make_pdf([["The breakwater of Porthaven is 640 metres long."]]))
    assert check_upload(guide, "Harbour Guide.PDF") == "Harbour Guide.pdf"
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(make_pdf([["A secret."]], user_password="pw"))
    with pytest.raises(IngestError,
                       match="'locked.pdf' was not added: the PDF is encrypted with a password"):
        check_upload(locked, "locked.pdf")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(make_pdf([[]]))
    with pytest.raises(IngestError, match="'scan.pdf' was not added: no text layer"):
        check_upload(scan, "scan.pdf")


def test_save_stays_inside_the_folder_and_never_overwrites(tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    src.write_text("An article.")
    uploads = tmp_path / "uploads"
    first = save_upload(src, "../../evil.txt", uploads)
    assert first == (uploads / "evil.txt").resolve()
    assert first.read_text() == "An article."
    src.write_text("Another article.")
    second = save_upload(src, "/abs/evil.txt", uploads, taken={"evil-1.txt"})
    assert second.name == "evil-2.txt"
    assert first.read_text() == "An article."
    assert sorted(p.name for p in uploads.iterdir()) == ["evil-2.txt", "evil.txt"]
    assert not (tmp_path / "evil.txt").exists()


def test_replace_writes_over_an_earlier_upload_only(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    src = tmp_path / "src.txt"
    src.write_text("The lighthouse is bright red.")
    (uploads / "lighthouse.txt").write_text("The lighthouse is cobalt blue.")
    assert earlier_upload("../../lighthouse.txt", uploads) == (uploads / "lighthouse.txt").resolve()
    saved, backup = replace_upload(src, "lighthouse.txt", uploads)
    assert saved == (uploads / "lighthouse.txt").resolve()
    assert saved.read_text() == "The lighthouse is bright red."
    assert backup.parent == saved.parent and backup.name.startswith(".")
    assert backup.read_text() == "The lighthouse is cobalt blue."
    restore_upload(saved, backup)  # the new one refused: the earlier one is back
    assert saved.read_text() == "The lighthouse is cobalt blue." and not backup.exists()
    assert sorted(p.name for p in uploads.iterdir()) == ["lighthouse.txt"]
    # only a plain file of that name in the folder is an earlier upload: never a link (to
    # a corpus article, say), a folder, or a file elsewhere
    outside = tmp_path / "corpus.txt"
    outside.write_text("A corpus article.")
    (uploads / "linked.txt").symlink_to(outside)
    (uploads / "folder.txt").mkdir()
    for name in ("linked.txt", "folder.txt", "corpus.txt", "missing.txt", ".x.txt"):
        assert earlier_upload(name, uploads) is None
        with pytest.raises(IngestError):
            replace_upload(src, name, uploads)
    assert outside.read_text() == "A corpus article."
    assert not any(p.name.endswith(".tmp") for p in uploads.iterdir())
    # a new file is never written over one
    assert save_upload(src, "linked.txt", uploads).name == "linked-1.txt"
    assert outside.read_text() == "A corpus article."


def test_only_an_upload_is_set_aside_and_it_can_be_put_back(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    assert upload_names(uploads) == []  # no folder yet
    uploads.mkdir()
    (uploads / "notes.md").write_text("# Notes\n\nThe pier is closed on Sundays.")
    (uploads / "b.txt").write_text("The ferry leaves at noon.")
    (uploads / ".hidden.md").write_text("kept aside")
    (uploads / "tool.exe").write_bytes(b"MZ")
    (uploads / "folder.md").mkdir()
    outside = tmp_path / "corpus.txt"
    outside.write_text("A corpus article.")
    (uploads / "linked.txt").symlink_to(outside)
    assert upload_names(uploads) == ["b.txt", "notes.md"]
    for name in ("linked.txt", "folder.md", ".hidden.md", "corpus.txt", "../corpus.txt",
                 str(outside), "tool.exe", "NOTES.md", ""):
        with pytest.raises(IngestError, match="is not an upload"):
            set_aside_upload(name, uploads)
    assert outside.read_text() == "A corpus article."
    path, aside = set_aside_upload("notes.md", uploads)
    assert path == (uploads / "notes.md").resolve() and not path.exists()
    assert aside.parent == path.parent and aside.name.startswith(".removed-")
    assert aside.suffix == ".md"  # read as the upload was, for its title
    assert upload_names(uploads) == ["b.txt"]
    restore_upload(path, aside)  # the index could not be built without it
    assert path.read_text().startswith("# Notes") and not aside.exists()
    assert upload_names(uploads) == ["b.txt", "notes.md"]


def test_failed_validation_leaves_no_file(tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    src.write_text("x" * 100)
    uploads = tmp_path / "uploads"
    with pytest.raises(IngestError):
        save_upload(src, "src.txt", uploads, max_bytes=10)
    assert not uploads.exists() or not any(uploads.iterdir())


def test_default_uploads_dir_is_beside_the_index(tmp_path: Path) -> None:
    assert default_uploads_dir(tmp_path / "index") == (tmp_path / "uploads").resolve()
    # two indexes in one folder: each its own uploads
    a, b = default_uploads_dir(tmp_path / "a"), default_uploads_dir(tmp_path / "b")
    assert a == (tmp_path / "a-uploads").resolve() and b == (tmp_path / "b-uploads").resolve()


def test_uploads_take_every_type_qa_index_reads() -> None:
    """A browser trial: 'garden.markdown' was refused ("unsupported file type
    '.markdown'") while `qa index` indexes such a file."""
    from qa.ingest import SUPPORTED_SUFFIXES
    from ui.uploads import ALLOWED_SUFFIXES

    assert set(ALLOWED_SUFFIXES) == set(SUPPORTED_SUFFIXES)
    assert safe_filename("Garden Notes.MARKDOWN") == "Garden Notes.markdown"


def test_a_markdown_upload_is_indexed_and_cited(tmp_path: Path) -> None:
    from tests.conftest import chat_over_a_note

    _, service, staging = chat_over_a_note(tmp_path)
    (staging / "garden.markdown").write_text(
        "# The Garden\n\nThe garden gnome is named **Bertil** and lives under the apple tree.\n")
    status, articles = service.upload([str(staging / "garden.markdown")])
    assert "added &#x27;garden.markdown&#x27;" in status, status
    assert "The Garden" in articles
    assert service.upload_names() == ["garden.markdown"]
    answer, _ = service.answer("What is the garden gnome named?")
    assert answer.text is not None and "Bertil" in answer.text
    assert next(s for s in answer.sources if s.has_answer).doc_id == "garden.markdown"

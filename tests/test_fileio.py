import os

import pytest

from qa.fileio import looks_like_path, not_utf8_at, utf16_text, utf16_without_bom, write_atomic


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "settings.json"
    target.write_text("old", encoding="utf-8")
    assert write_atomic(target, "new é") == target
    assert target.read_text(encoding="utf-8") == "new é"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "settings.json"
    target.write_text("old", encoding="utf-8")

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


@pytest.mark.parametrize("name, is_path", [
    ("/models/reader", True), ("./runs/x/model", True), ("../reader", True), ("~/m", True),
    ("sentence-transformers/all-MiniLM-L6-v2", False), ("distilbert-base-cased", False),
])
def test_local_paths_are_told_from_hub_ids(name: str, is_path: bool) -> None:
    assert looks_like_path(name) is is_path


def test_not_utf8_at_names_the_byte_and_its_line_and_column():
    raw = "Who?\nQui est le président?\n".encode("latin-1")
    with pytest.raises(UnicodeDecodeError) as caught:
        raw.decode("utf-8")
    assert not_utf8_at(caught.value) == "byte 0xe9 at line 2, column 14"
    assert not_utf8_at(caught.value, lines=False) == "byte 0xe9 at column 14"
    # columns count characters, not bytes: "é" (two bytes in UTF-8) is one column
    with pytest.raises(UnicodeDecodeError) as caught:
        ("é?".encode() + b"\xff").decode("utf-8")
    assert not_utf8_at(caught.value) == "byte 0xff at line 1, column 3"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_told_by_its_nul_bytes(encoding):
    text = "Who painted the Harwick lighthouse?\nWhere is Zürich?\n"
    assert utf16_without_bom(text.encode(encoding)) == text
    assert utf16_text(text.encode(encoding), "the questions") == text


@pytest.mark.parametrize("data", [
    b"Who painted it?\n",  # UTF-8: no NUL bytes
    b"\x00\x00\x00\x01",  # NUL bytes on both sides: binary
    "Who?\n".encode("utf-16-le")[:-1],  # an odd byte count
    b"",
])
def test_other_bytes_are_not_taken_for_utf16(data):
    assert utf16_without_bom(data) is None

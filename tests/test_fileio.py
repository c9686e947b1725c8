import os

import pytest

from qa.fileio import looks_like_path, write_atomic


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

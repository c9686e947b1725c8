"""Generation folders: which of them a build may take or remove (qa/generations.py)."""

from __future__ import annotations

from pathlib import Path

from qa.generations import (
    GENERATION_NAME,
    is_built_generation,
    new_generation_name,
    newest_complete_generation,
    remove_leftover_generations,
)


def _generation(index: Path, name: str, *files: str) -> Path:
    gen = index / name
    gen.mkdir(parents=True)
    for f in files:
        (gen / f).write_text("x")
    return gen


def test_a_new_name_is_a_generation_name() -> None:
    assert GENERATION_NAME.fullmatch(new_generation_name())


def test_only_folders_a_build_wrote_are_generations(tmp_path: Path) -> None:
    built = _generation(tmp_path, "gen-20240101000000-0123abcd", "passages.sqlite",
                        f".manifest.json.{'0' * 32}.tmp")
    (built / "bm25").mkdir()
    (built / "bm25" / "params.index.json").write_text("{}")
    assert is_built_generation(built)
    # a build's names, but something of the user's at any depth: not a generation
    for i, (where, what) in enumerate([("bm25", "data.txt"), ("passages.sqlite", "keep.txt"),
                                       (".bm25.mine", "x.txt"), (".git", "HEAD"),
                                       (".", ".notes.txt")]):
        gen = tmp_path / f"gen-2024010100000{i}-abcdef12"
        (gen / where).mkdir(parents=True, exist_ok=True)
        (gen / where / what).write_text("mine")
        assert not is_built_generation(gen), (where, what)
    assert not is_built_generation(_generation(tmp_path, "gen-2024-photos", "vectors.npy"))
    assert not is_built_generation(_generation(tmp_path, "gen-20240101000000-89abcdef",
                                               "vectors.npy", "holiday.jpg"))
    (tmp_path / "gen-20240101000000-feedface").write_text("a file")
    assert not is_built_generation(tmp_path / "gen-20240101000000-feedface")


def test_the_newest_complete_one_is_found_and_leftovers_go(tmp_path: Path) -> None:
    old = _generation(tmp_path, "gen-20240101000000-0000aaaa", "manifest.json")
    new = _generation(tmp_path, "gen-20240202000000-0000bbbb", "manifest.json")
    half = _generation(tmp_path, "gen-20240303000000-0000cccc", "vectors.npy")  # no manifest
    mine = _generation(tmp_path, "gen-notes", "notes.txt")
    assert newest_complete_generation(tmp_path) == new
    remove_leftover_generations(tmp_path, keep=new)
    assert new.exists() and mine.exists() and not old.exists() and not half.exists()
    assert newest_complete_generation(tmp_path / "missing") is None

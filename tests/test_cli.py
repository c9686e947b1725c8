"""The `qa` command line itself: usage errors, --version, `python -m qa`, bare `qa`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from qa.chunk import ChunkSettings
from qa.cli import main


def _index(tmp_path: Path, *args: str):
    corpus = tmp_path / "notes"
    corpus.mkdir(exist_ok=True)
    return CliRunner().invoke(main, ["index", str(corpus), "--index", str(tmp_path / "i"),
                                     *args])


def test_an_overlap_too_long_for_the_passages_is_a_usage_error(tmp_path: Path) -> None:
    result = _index(tmp_path, "--max-words", "21", "--overlap-words", "25")
    assert result.exit_code == 2, result.output
    assert "Usage: " in result.stderr
    assert "'--overlap-words'" in result.stderr and "--max-words 21" in result.stderr
    assert "--overlap-words 9 or less" in result.stderr  # under 21 // 2
    assert "overlap_words" not in result.stderr and "max_words" not in result.stderr
    assert not (tmp_path / "i").exists()  # refused before anything was built


def test_an_overlap_too_long_for_the_index_passages_names_their_length(
        tmp_path: Path, monkeypatch) -> None:
    from qa.pipeline import QAPipeline

    # an index built with --max-words 20
    monkeypatch.setattr(QAPipeline, "build_settings",
                        lambda self: (ChunkSettings(20, 4), "flat"))
    result = _index(tmp_path, "--overlap-words", "25")
    assert result.exit_code == 2, result.output
    assert "Usage: " in result.stderr
    assert "--max-words 20 (the index's own passage length)" in result.stderr
    assert "--overlap-words 9 or less" in result.stderr

"""`qa index --add`, what a build removes, a damaged CURRENT, and the hints that say
which folder to use (real index builds on tiny corpora)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.errors import IndexNotFoundError
from qa.pipeline import QAPipeline


def _corpus(folder: Path, n: int, stem: str = "note") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{stem}{i}.md").write_text(
            f"# {stem.title()} {i}\n\nThe {stem} number {i} was written in {1900 + i}.\n")
    return folder


def _index(*args: str):
    return CliRunner().invoke(main, ["index", *args])


def _manifest(index_dir: Path) -> dict:
    gen = (index_dir / "CURRENT").read_text().strip()
    return json.loads((index_dir / gen / "manifest.json").read_text())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus of 6 notes, an index of it) built once; tests copy the index."""
    root = tmp_path_factory.mktemp("built")
    corpus = _corpus(root / "notes", 6)
    result = _index(str(corpus), "--index", str(root / "index"))
    assert result.exit_code == 0, result.output
    return corpus, root / "index"


def _copy(built: tuple[Path, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(built[1], tmp_path / "copy"))


# -- 1. --add, and what a build without it removes -----------------------------------
def test_two_adds_at_once_keep_both_additions(built, tmp_path, monkeypatch) -> None:
    # found in a review: each add worked out its sources before taking the index's lock,
    # so the second to write dropped what the first had just added
    import qa.pipeline

    index = _copy(built, tmp_path)
    first = _corpus(tmp_path / "first", 1, "first")
    second = _corpus(tmp_path / "second", 1, "second")
    real_load = qa.pipeline.load_documents
    calls = []

    def load_while_another_adds(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # after this add read the index's sources, another adds
            QAPipeline(index).add_documents([second])
        return real_load(*args, **kwargs)

    monkeypatch.setattr(qa.pipeline, "load_documents", load_while_another_adds)
    stats, _ = QAPipeline(index).add_documents([first])
    assert len(calls) == 3  # this add, the other one, this add again with its sources
    manifest = _manifest(index)
    assert {"first0.md", "second0.md"} <= set(manifest["documents"])
    assert len(manifest["documents"]) == 8 and not stats.removed_documents
    assert {str(first.resolve()), str(second.resolve())} <= set(manifest["sources"])


def test_add_keeps_what_the_index_held_and_records_the_new_path(built, tmp_path,
                                                               caplog) -> None:
    corpus, _ = built
    index = _copy(built, tmp_path)
    extra = _corpus(tmp_path / "extra", 1, "extra")
    with caplog.at_level(logging.INFO, logger="qa.reuse"):
        result = _index("--add", str(extra / "extra0.md"), "--index", str(index))
    assert result.exit_code == 0, result.output
    assert "embedding 1 passage of 1 article (6 unchanged, 0 removed)" in caplog.text
    assert "Indexed 7 articles" in result.stdout
    assert "(1 embedded, 6 unchanged, 0 removed)" in result.stdout
    manifest = _manifest(index)
    assert len(manifest["documents"]) == 7
    assert manifest["sources"] == [str(corpus.resolve()), str((extra / "extra0.md").resolve())]
    # and `qa index` without PATHs refreshes both
    again = _index("--index", str(index))
    assert again.exit_code == 0, again.output
    assert "(0 embedded, 7 unchanged, 0 removed)" in again.stdout


def test_add_needs_paths(built, tmp_path) -> None:
    index = _copy(built, tmp_path)
    result = _index("--add", "--index", str(index))
    assert result.exit_code == 2
    assert "--add adds PATHs" in result.stderr


def test_add_to_a_new_index_builds_it_from_the_paths(tmp_path) -> None:
    corpus = _corpus(tmp_path / "notes", 2)
    result = _index("--add", str(corpus), "--index", str(tmp_path / "new"))
    assert result.exit_code == 0, result.output
    assert set(_manifest(tmp_path / "new")["documents"]) == {"note0.md", "note1.md"}


def test_a_build_that_removes_articles_names_them_and_how_to_keep_them(built,
                                                                       tmp_path) -> None:
    index = _copy(built, tmp_path)
    one = _corpus(tmp_path / "one", 1, "single")
    result = _index(str(one / "single0.md"), "--index", str(index))
    assert result.exit_code == 0, result.output
    assert "6 removed" in result.stdout
    out = result.output
    assert "note0.md" in out and "and 3 more" in out  # the first few, and a count
    assert "the index holds exactly the paths given; use --add to add to it" in out
    assert "no longer indexes" in out and str(built[0].resolve()) in out


def test_a_refresh_that_removes_deleted_files_names_them_without_the_add_hint(
        built, tmp_path) -> None:
    corpus = Path(shutil.copytree(built[0], tmp_path / "notes"))
    index = tmp_path / "index"
    assert _index(str(corpus), "--index", str(index)).exit_code == 0
    (corpus / "note5.md").unlink()
    result = _index("--index", str(index))
    assert result.exit_code == 0, result.output
    assert "removed: note5.md" in result.output
    assert "--add" not in result.output


def test_a_refresh_names_new_articles_and_an_edited_renamed_one_as_added(
        built, tmp_path) -> None:
    corpus = Path(shutil.copytree(built[0], tmp_path / "notes"))
    index = tmp_path / "index"
    first = _index(str(corpus), "--index", str(index))
    assert first.exit_code == 0 and "added:" not in first.output  # a new index: all are
    old = corpus / "note5.md"
    old.with_name("renamed.md").write_text(old.read_text() + "\nA line added.\n")
    old.unlink()
    (corpus / "note1.md").rename(corpus / "moved.md")  # renamed alone: its vectors reused
    (corpus / "fresh.md").write_text("# Fresh\n\nThe ferry to Flam leaves at nine.\n")
    result = _index("--index", str(index))
    assert result.exit_code == 0, result.output
    assert "added: fresh.md, renamed.md" in result.output
    assert "removed: note5.md" in result.output and "1 renamed or moved" in result.output
    assert "renamed or moved: note1.md -> moved.md\n" in result.output  # which one


def test_a_build_without_the_chat_uploads_folder_says_it_is_no_longer_indexed(
        built, tmp_path) -> None:
    corpus, _ = built
    index = _copy(built, tmp_path)
    uploads = _corpus(tmp_path / "copy-uploads", 1, "upload")
    chat = QAPipeline(index, uploads_dir=uploads)
    chat.add_documents()  # what the chat does with an upload
    assert str(uploads.resolve()) in _manifest(index)["sources"]
    result = _index(str(corpus), "--index", str(index))
    assert result.exit_code == 0, result.output
    assert "upload0.md" in result.output and "1 removed" in result.stdout
    assert f"no longer indexes {uploads.resolve()}" in result.output


def test_add_documents_in_python_adds_to_a_new_index(tmp_path) -> None:
    corpus = _corpus(tmp_path / "notes", 1)
    pipe = QAPipeline(tmp_path / "index")
    stats, _ = pipe.add_documents([corpus])
    assert stats.documents == 1


# -- 2. a damaged CURRENT --------------------------------------------------------------
@pytest.mark.parametrize("pointer", [b"gen-nonexistent", b"gen-20200101000000-0123abcd", b"",
                                     b"../../etc", b"\xff\xfe\x00junk"])
def test_a_current_naming_no_generation_falls_back_to_the_intact_one(
        pointer, built, tmp_path, caplog) -> None:
    index = _copy(built, tmp_path)
    (index / "CURRENT").write_bytes(pointer + b"\n")
    with caplog.at_level(logging.WARNING):
        info = CliRunner().invoke(main, ["info", "--index", str(index), "--json"])
    assert info.exit_code == 0, info.output
    assert len(json.loads(info.stdout)["documents"]) == 6
    assert "CURRENT" in caplog.text and "newest complete generation" in caplog.text
    # `qa index` without PATHs refreshes it and names the generation again
    result = _index("--index", str(index))
    assert result.exit_code == 0, result.output
    assert "(0 embedded, 6 unchanged, 0 removed)" in result.stdout
    assert (index / (index / "CURRENT").read_text().strip() / "manifest.json").is_file()


def test_a_damaged_current_without_any_generation_says_so(built, tmp_path) -> None:
    index = _copy(built, tmp_path)
    for gen in index.glob("gen-*"):
        shutil.rmtree(gen)
    (index / "CURRENT").write_text("gen-nonexistent\n")
    info = CliRunner().invoke(main, ["info", "--index", str(index)])
    assert info.exit_code == 1
    assert "gen-nonexistent" in info.output and "no complete generation" in info.output
    assert "qa index --rebuild --index" in info.output


def test_a_build_after_a_damaged_current_keeps_the_other_complete_generations(
        built, tmp_path) -> None:
    # found in a review: the generation taken for a damaged CURRENT may not be the one
    # that was live (a build stopped after writing its manifest); a build then deleted
    # every other generation, the real one with them
    index = _copy(built, tmp_path)
    [live] = list(index.glob("gen-*"))
    never_live = index / "gen-29991231235959-0123abcd"
    shutil.copytree(live, never_live)  # complete and newest: the one taken
    (index / "CURRENT").write_text("gen-nonexistent\n")
    result = _index("--index", str(index), "--rebuild")
    assert result.exit_code == 0, result.output
    assert live.is_dir()  # kept until a build has named its own
    assert not never_live.exists()  # the one this build replaced
    assert (index / "CURRENT").read_text().strip() != live.name
    again = _index("--index", str(index))  # CURRENT sound again: leftovers go
    assert again.exit_code == 0, again.output
    assert not live.exists()


# -- 3. hints that name the right folder ---------------------------------------------
def test_a_generation_folder_is_recognised(built) -> None:
    _, index = built
    gen = index / (index / "CURRENT").read_text().strip()
    info = CliRunner().invoke(main, ["info", "--index", str(gen)])
    assert info.exit_code == 1
    assert f"one generation of the index {index}: use --index {index}" in info.output
    assert f"--index {gen}" not in info.output


@pytest.mark.parametrize("add", [False, True])
def test_building_into_a_generation_folder_is_refused(built, tmp_path, add) -> None:
    # an index written inside a generation would go when that generation is replaced
    corpus, _ = built
    index = _copy(built, tmp_path)
    gen = index / (index / "CURRENT").read_text().strip()
    before = sorted(p.name for p in gen.iterdir())
    result = _index(*(["--add"] if add else []), str(corpus), "--index", str(gen))
    assert result.exit_code == 1
    assert f"one generation of the index {index}, not an index folder: use --index {index}" \
        in result.output
    assert sorted(p.name for p in gen.iterdir()) == before  # nothing written into it


def test_an_index_path_that_is_a_file_is_refused_before_reading_articles(
        built, tmp_path, monkeypatch) -> None:
    import qa.pipeline

    def read(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("articles were read first")

    monkeypatch.setattr(qa.pipeline, "load_documents", read)
    corpus, _ = built
    afile = tmp_path / "afile.txt"
    afile.write_text("x\n")
    result = _index(str(corpus), "--index", str(afile))
    assert result.exit_code == 1, result.output
    assert f"the index folder {afile} is a file, not a folder" in result.output
    assert afile.read_text() == "x\n"


def test_a_folder_of_articles_is_not_an_index(built) -> None:
    corpus, _ = built
    with pytest.raises(IndexNotFoundError) as err:
        QAPipeline(corpus).store.read_manifest()
    message = str(err.value)
    assert "holds articles, not an index" in message
    assert f"qa index {corpus} --index {corpus}-index" in message


# -- 4. the index folder named by $QA_INDEX_DIR ----------------------------------------
def test_an_index_dir_from_the_environment_is_named_as_such(tmp_path, monkeypatch) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not an index")
    monkeypatch.setenv("QA_INDEX_DIR", str(afile))
    info = CliRunner().invoke(main, ["info"])
    assert info.exit_code == 1
    assert "is a file" in info.output and "$QA_INDEX_DIR" in info.output
    assert "--index" not in info.output
    given = CliRunner().invoke(main, ["info", "--index", str(afile)])
    assert "choose another with --index" in given.output


def test_adding_what_is_indexed_already_adds_no_source(built, tmp_path, caplog) -> None:
    # found in a review: a file added from a folder the index holds was recorded twice,
    # and every build after warned that it was a duplicate of itself
    corpus, _ = built
    index = _copy(built, tmp_path)
    sources = _manifest(index)["sources"]
    with caplog.at_level(logging.INFO, logger="qa.sources"):
        stats, report = QAPipeline(index).add_documents([corpus / "note0.md"])
    assert _manifest(index)["sources"] == sources and not report.skipped
    assert f"{corpus / 'note0.md'} is indexed already, as part of {corpus}" in caplog.text
    # a file, then the folder it is in: the folder takes the file's place
    extra = _corpus(tmp_path / "extra", 2, "extra")
    QAPipeline(index).add_documents([extra / "extra0.md"])
    assert str((extra / "extra0.md").resolve()) in _manifest(index)["sources"]
    stats, report = QAPipeline(index).add_documents([extra])
    manifest = _manifest(index)
    assert manifest["sources"] == [*sources, str(extra.resolve())]
    assert not report.skipped and len(manifest["documents"]) == 8

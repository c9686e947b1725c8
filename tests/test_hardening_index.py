"""Hardening of the index: corruption, crashes mid-build, concurrent builds, no stray writes."""

from __future__ import annotations

import fcntl
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.errors import IndexCorruptError, IndexLockedError
from qa.index import IndexStore
from qa.pipeline import QAPipeline

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Who did Russia recruit to fight in Ukraine?"
SUMMARY = re.compile(r"Indexed (\d+) articles?, (\d+) passages? in [\d.]+s "
                     r"\((\d+) embedded, (\d+) unchanged, (\d+) removed\)")


# -- helpers -----------------------------------------------------------------------------
def copy_index(pipe: QAPipeline, dest: Path) -> Path:
    shutil.copytree(pipe.index_dir, dest)
    return dest


def live_gen(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def generations(index_dir: Path) -> list[Path]:
    return sorted(p for p in index_dir.glob("gen-*") if p.is_dir())


def sharing_models(index_dir: Path, like: QAPipeline, corpus: Path | None = None) -> QAPipeline:
    """A pipeline on ``index_dir`` that reuses ``like``'s loaded (real) models."""
    pipe = QAPipeline(index_dir, corpus=corpus, reader=like.reader)
    pipe.embedder = like.embedder
    return pipe


def assert_same_answer(pipe: QAPipeline, reference: QAPipeline) -> None:
    got, want = pipe.answer(QUESTION), reference.answer(QUESTION)
    assert got.text == want.text
    assert [s.doc_id for s in got.sources] == [s.doc_id for s in want.sources]
    assert got.sources, "the index answered with no sources"


def assert_one_line_error(result, *parts: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for part in parts:
        assert part in lines[0], (part, lines[0])
    return lines[0]


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def synthetic_corpus(root: Path, n: int, words: int = 220, seed: int = 0) -> Path:
    """``n`` articles of random but readable sentences (each one distinct)."""
    rng = random.Random(seed)
    vocab = ("river city mountain council harbour railway museum festival bridge market "
             "engineer farmer teacher senator painter winter summer north south ancient "
             "modern famous quiet busy built opened closed visited crossed founded").split()
    root.mkdir(parents=True)
    for i in range(n):
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < words:
            body = " ".join(rng.choice(vocab) for _ in range(rng.randint(6, 14)))
            sentences.append(f"In {1800 + rng.randint(0, 220)} the {body}.")
        (root / f"article_{i:04d}.txt").write_text(f"Article {i}\n\n" + " ".join(sentences))
    return root


# -- corrupted files -----------------------------------------------------------------------
def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage\xff" * 37)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _edit_manifest(gen: Path, **changes: object) -> None:
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest.update(changes)
    (gen / "manifest.json").write_text(json.dumps(manifest))


CORRUPTIONS = {
    "faiss-garbage": lambda g: _garbage(g / "dense.faiss"),
    "faiss-truncated": lambda g: _truncate(g / "dense.faiss"),
    "sqlite-garbage": lambda g: _garbage(g / "passages.sqlite"),
    "sqlite-missing": lambda g: (g / "passages.sqlite").unlink(),
    "vectors-garbage": lambda g: _garbage(g / "vectors.npy"),
    "vectors-wrong-shape": lambda g: np.save(g / "vectors.npy", np.zeros((3, 7), np.float32)),
    "manifest-garbage": lambda g: _garbage(g / "manifest.json"),
    "manifest-not-object": lambda g: (g / "manifest.json").write_text("[1, 2, 3]"),
    "manifest-bad-documents": lambda g: _edit_manifest(g, documents=5),
    "manifest-bad-dimension": lambda g: _edit_manifest(g, dimension="384"),
    "manifest-bad-threshold": lambda g: _edit_manifest(g, settings={"threshold": "high"}),
    "manifest-bad-sources": lambda g: _edit_manifest(g, sources=5),
}
# A damaged CURRENT (garbage, empty, "../../etc", a missing generation) is no error while
# a complete generation is there: see test_index_add.py.


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_corrupted_index_gives_clear_error(kind: str, seeds_pipeline: QAPipeline,
                                           tmp_path: Path) -> None:
    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    CORRUPTIONS[kind](live_gen(index_dir))

    # the Python API
    pipe = sharing_models(index_dir, seeds_pipeline)
    with pytest.raises(IndexCorruptError) as info:
        pipe.answer(QUESTION)
    message = str(info.value)
    assert f"qa index --rebuild --index {index_dir}" in message

    # the command line: one line, exit status 1, the rebuild command
    result = CliRunner().invoke(main, ["ask", QUESTION, "--index", str(index_dir)])
    assert_one_line_error(result, f"qa index --rebuild --index {index_dir}")


@pytest.mark.slow
def test_following_the_rebuild_hint_recovers(seeds_pipeline: QAPipeline, seeds_corpus: Path,
                                             tmp_path: Path) -> None:
    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    _garbage(live_gen(index_dir) / "dense.faiss")
    _garbage(live_gen(index_dir) / "manifest.json")
    pipe = sharing_models(index_dir, seeds_pipeline)
    pipe.build([seeds_corpus], rebuild=True)
    assert_same_answer(pipe, seeds_pipeline)
    assert generations(index_dir) == [live_gen(index_dir)]


@pytest.mark.slow
@pytest.mark.parametrize("pointer", ["../victim", "{victim}", "gen-x/../../victim"])
def test_damaged_pointer_never_deletes_outside(pointer: str, seeds_pipeline: QAPipeline,
                                               seeds_corpus: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    (index_dir / "CURRENT").write_text(pointer.format(victim=victim) + "\n")
    pipe = sharing_models(index_dir, seeds_pipeline)
    assert_same_answer(pipe, seeds_pipeline)  # the newest complete generation, inside
    pipe.build([seeds_corpus])  # a build replaces the damaged pointer...
    assert (victim / "precious.txt").read_text() == "keep me"  # ...and deletes nothing outside
    assert_same_answer(pipe, seeds_pipeline)


@pytest.mark.slow
def test_a_build_leaves_folders_it_did_not_write(seeds_pipeline: QAPipeline, seeds_corpus: Path,
                                                tmp_path: Path) -> None:
    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    photos = index_dir / "gen-2024-photos"  # a user's folder that happens to start so
    photos.mkdir()
    (photos / "keep.jpg").write_text("precious")
    lookalike = index_dir / "gen-20240101000000-0123abcd"  # a build's name, a user's file
    lookalike.mkdir()
    (lookalike / "notes.txt").write_text("mine")
    crashed = index_dir / "gen-20240101000000-89abcdef"  # what a crashed build leaves
    crashed.mkdir()
    (crashed / "passages.sqlite").write_text("half written")
    sharing_models(index_dir, seeds_pipeline).build([seeds_corpus])
    assert (photos / "keep.jpg").read_text() == "precious"
    assert (lookalike / "notes.txt").read_text() == "mine"
    assert not crashed.exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["idx#1", "idx?x", "idx%41"])
def test_an_index_folder_may_have_uri_characters_in_its_name(
        name: str, seeds_pipeline: QAPipeline, seeds_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / name
    pipe = sharing_models(index_dir, seeds_pipeline)
    pipe.build([seeds_corpus])
    assert_same_answer(pipe, seeds_pipeline)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing written beside it


@pytest.mark.slow
def test_an_index_without_current_keeps_its_articles(seeds_pipeline: QAPipeline,
                                                     tmp_path: Path, caplog) -> None:
    corpus = tmp_path / "mine"
    corpus.mkdir()
    (corpus / "zembla.txt").write_text("Zembla is a city by the sea. Its mayor is Ana Kovac.")
    index_dir = tmp_path / "index"
    sharing_models(index_dir, seeds_pipeline).build([corpus])
    (index_dir / "CURRENT").unlink()  # deleted by hand
    pipe = sharing_models(index_dir, seeds_pipeline)
    assert pipe.answer("Who is the mayor of Zembla?").text == "Ana Kovac"
    assert "no CURRENT file" in caplog.text
    # `qa index` without paths rebuilds what the index holds, not the seed articles
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert (index_dir / "CURRENT").is_file()
    assert set(sharing_models(index_dir, seeds_pipeline).index.manifest["documents"]) == {
        "zembla.txt"}
    assert "No PATH given" not in result.output


@pytest.mark.slow
def test_qa_index_without_paths_on_a_new_folder_says_it_indexes_the_seeds(
        tmp_path: Path) -> None:
    # a user who forgot the PATH got the two bundled news articles without a word
    result = CliRunner().invoke(main, ["index", "--index", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert (f"No PATH given and no index at {tmp_path / 'new'} yet: indexing the seed "
            "articles in") in result.stderr
    assert "Indexed 2 articles" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["manifest-bad-documents", "manifest-not-object",
                                  "manifest-garbage"])
def test_a_build_replaces_an_index_whose_manifest_is_damaged(
        kind: str, seeds_pipeline: QAPipeline, seeds_corpus: Path, tmp_path: Path) -> None:
    # `qa index` over it (no --rebuild) crashed with "unhashable type: 'dict'" when the
    # manifest's documents were a list of objects: the build asked it which articles it had
    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    CORRUPTIONS[kind](live_gen(index_dir))
    if kind == "manifest-bad-documents":
        _edit_manifest(live_gen(index_dir), documents=[{"a.txt": {"hash": "x"}}])
    pipe = sharing_models(index_dir, seeds_pipeline)
    stats, _ = pipe.build([seeds_corpus])
    assert stats.documents == 2
    assert_same_answer(pipe, seeds_pipeline)


@pytest.mark.slow
def test_a_damaged_manifest_asks_for_the_articles(seeds_pipeline: QAPipeline,
                                                  tmp_path: Path) -> None:
    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    _garbage(live_gen(index_dir) / "manifest.json")
    result = CliRunner().invoke(main, ["ask", QUESTION, "--index", str(index_dir)])
    assert_one_line_error(result, f"qa index --rebuild --index {index_dir} ARTICLES…")
    assert "[ARTICLES…]" not in result.output  # without them the rebuild fails the same way


# -- crashes mid-build ---------------------------------------------------------------------
STALLED_BUILD = """
import sys, time
from pathlib import Path
import qa.index_files
marker, real = Path(sys.argv[1]), qa.index_files.make_faiss_index
def stalled(vectors, index_type):
    marker.write_text("the new generation is half written")
    time.sleep(600)
    return real(vectors, index_type)
qa.index_files.make_faiss_index = stalled
from qa.cli import main
main(sys.argv[2:], prog_name="qa")
"""


def _wait_for(predicate, proc: subprocess.Popen, timeout: float, poll: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the build ended (status {proc.returncode}) before it was killed:\n"
                        f"{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("timed out waiting for the build")
        time.sleep(poll)


@pytest.mark.slow
def test_sigkill_while_writing_a_generation_keeps_the_old_index(
        seeds_pipeline: QAPipeline, seeds_corpus: Path, tmp_path: Path) -> None:
    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    before = (index_dir / "CURRENT").read_text()
    corpus = synthetic_corpus(tmp_path / "new", 5)
    script, marker = tmp_path / "stalled.py", tmp_path / "marker"
    script.write_text(STALLED_BUILD)
    proc = subprocess.Popen([sys.executable, str(script), str(marker), "-q", "index",
                             str(corpus), "--index", str(index_dir)], cwd=tmp_path,
                            env=subprocess_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    _wait_for(marker.exists, proc, timeout=300)
    assert len(generations(index_dir)) == 2  # the half-written generation is there
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    assert (index_dir / "CURRENT").read_text() == before
    assert_same_answer(sharing_models(index_dir, seeds_pipeline), seeds_pipeline)
    # the next build clears the debris of the killed one
    sharing_models(index_dir, seeds_pipeline).build([seeds_corpus])
    assert generations(index_dir) == [live_gen(index_dir)]


@pytest.mark.slow
def test_sigkill_of_qa_index_on_a_large_corpus(seeds_pipeline: QAPipeline,
                                               tmp_path: Path) -> None:
    """`python -m qa.cli index` over 200 articles, killed as its new generation appears."""
    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    old = live_gen(index_dir)
    corpus = synthetic_corpus(tmp_path / "big", 200, words=90)
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "-q", "index", str(corpus),
                             "--index", str(index_dir)], cwd=tmp_path, env=subprocess_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: any(g != old for g in generations(index_dir)), proc, timeout=500,
              poll=0.002)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    pipe = sharing_models(index_dir, seeds_pipeline)
    if live_gen(index_dir) == old:  # killed before the swap: the old index, unchanged
        assert_same_answer(pipe, seeds_pipeline)
    else:  # killed between the swap and the clean-up: the complete new index
        assert set(pipe.index.manifest["documents"]) == {p.name for p in corpus.iterdir()}
        assert pipe.answer("When was the museum opened?").sources


# -- concurrent builds ---------------------------------------------------------------------
@pytest.fixture()
def held_lock(tmp_path: Path):
    """The index's write lock, held by this test (as another process would)."""
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    fh = open(index_dir / ".lock", "a+")
    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    yield index_dir, fh
    fh.close()


def test_locked_index_fails_with_a_clear_message(held_lock, tmp_path: Path) -> None:
    index_dir, _ = held_lock
    store = IndexStore(index_dir, lock_timeout=0.3)
    t0 = time.monotonic()
    with pytest.raises(IndexLockedError, match="another process is writing the index at "
                                               f"{re.escape(str(index_dir))}.*try again"):
        store.build([], embedder=None)  # type: ignore[arg-type]  # fails before it is used
    assert 0.3 <= time.monotonic() - t0 < 5
    with pytest.raises(IndexLockedError):
        store.update_settings(threshold=0.5)


def test_waiting_for_the_lock_is_said_once(held_lock, caplog) -> None:
    index_dir, _ = held_lock
    with caplog.at_level("INFO", logger="qa.index_files"), pytest.raises(IndexLockedError):
        IndexStore(index_dir, lock_timeout=0.6).update_settings(threshold=0.5)
    waits = [r for r in caplog.records if "waiting for another process" in r.getMessage()]
    assert len(waits) == 1 and str(index_dir) in waits[0].getMessage()


def test_an_index_folder_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    corpus = synthetic_corpus(tmp_path / "corpus", 2)
    result = CliRunner().invoke(main, ["index", str(corpus), "--index", str(a_file)])
    assert_one_line_error(result, f"the index folder {a_file} is a file", "--index")
    asked = CliRunner().invoke(main, ["ask", QUESTION, "--index", str(a_file)])
    assert_one_line_error(asked, f"the index folder {a_file} is a file", "--index")
    assert a_file.read_text() == "not a folder"
    if os.geteuid() != 0:  # root writes anywhere: a read-only folder only binds others
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        result = CliRunner().invoke(main, ["index", str(corpus), "--index",
                                           str(locked / "index")])
        assert_one_line_error(result, "cannot write the index at", "--index")


def test_storing_settings_on_a_full_disk_is_a_plain_error(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.index
    from qa.errors import IndexWriteError

    index_dir = tmp_path / "index"
    gen = index_dir / "gen-20240101000000-0123abcd"
    gen.mkdir(parents=True)
    (gen / "manifest.json").write_text('{"format_version": 1}')
    (index_dir / "CURRENT").write_text(gen.name + "\n")

    def full(path, data):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(qa.index, "write_atomic", full)
    with pytest.raises(IndexWriteError, match="could not store the settings.*No space left.*"
                                              "the index is unchanged"):
        IndexStore(index_dir).update_settings(threshold=0.5)
    assert (gen / "manifest.json").read_text() == '{"format_version": 1}'


@pytest.mark.slow
def test_a_full_disk_while_writing_keeps_the_index_in_use(
        seeds_pipeline: QAPipeline, seeds_corpus: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    before = live_gen(index_dir)
    (seeds_corpus / "extra.txt").write_text("Zembla is a city by the sea. Its mayor is Ana.")
    real = sqlite3.connect

    def full(path, *args, **kwargs):  # what SQLite says when the disk fills up
        if str(path).endswith("passages.sqlite"):
            raise sqlite3.OperationalError("database or disk is full")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", full)
    try:
        result = CliRunner().invoke(main, ["index", str(seeds_corpus), "--index",
                                           str(index_dir)])
    finally:
        (seeds_corpus / "extra.txt").unlink()
    assert_one_line_error(result, "could not write the index", "database or disk is full",
                          "the index in use is unchanged", "free some space")
    monkeypatch.setattr(sqlite3, "connect", real)
    assert live_gen(index_dir) == before and generations(index_dir) == [before]
    assert_same_answer(sharing_models(index_dir, seeds_pipeline), seeds_pipeline)


def test_qa_index_fails_cleanly_when_the_lock_stays_held(held_lock, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir, _ = held_lock
    defaults = IndexStore.__init__.__defaults__ or ()
    monkeypatch.setattr(IndexStore.__init__, "__defaults__",
                        (0.3, *defaults[1:]))  # don't wait 30 s
    corpus = synthetic_corpus(tmp_path / "corpus", 2)
    result = CliRunner().invoke(main, ["index", str(corpus), "--index", str(index_dir)])
    assert_one_line_error(result, "another process is writing the index", "try again")
    assert not (index_dir / "CURRENT").exists()


@pytest.mark.slow
def test_qa_index_waits_for_the_lock(held_lock, tmp_path: Path) -> None:
    index_dir, fh = held_lock
    corpus = synthetic_corpus(tmp_path / "corpus", 3)
    threading.Timer(3.0, fh.close).start()  # the "other process" finishes after 3 s
    t0 = time.monotonic()
    result = CliRunner().invoke(main, ["-q", "index", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert time.monotonic() - t0 >= 3.0
    summary = SUMMARY.search(result.stdout)
    assert summary is not None and summary.group(1) == "3"
    assert len(IndexStore(index_dir).load().passages) > 0


@pytest.mark.slow
def test_two_qa_index_runs_at_once(seeds_corpus: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_corpus, corpus)
    synthetic_corpus(corpus / "more", 20)
    index_dir = tmp_path / "index"
    cmd = [sys.executable, "-m", "qa.cli", "-q", "index", str(corpus), "--index", str(index_dir)]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=subprocess_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=500) for p in procs]
    n_docs = 22
    succeeded = []
    for proc, (out, err) in zip(procs, outputs):
        if proc.returncode == 0:
            summary = SUMMARY.search(out)
            assert summary is not None, out
            succeeded.append(tuple(int(x) for x in summary.groups()))
        else:  # waited longer than the lock timeout: a clear one-line refusal
            assert proc.returncode == 1, err
            assert err.strip().splitlines()[-1].startswith(
                "Error: another process is writing the index")
            assert "Traceback" not in err
    assert succeeded
    # the builds ran one after the other: one embedded everything, a second reused it all
    embedded = sorted(s[2] for s in succeeded)
    assert embedded[-1] == n_docs and embedded[:-1] == [0] * (len(succeeded) - 1)
    loaded = IndexStore(index_dir).load()
    assert len(loaded.manifest["documents"]) == n_docs
    assert len(loaded.passages) == succeeded[0][1]
    assert generations(index_dir) == [live_gen(index_dir)]


@pytest.mark.slow
def test_loading_while_another_thread_rebuilds(seeds_pipeline: QAPipeline, seeds_corpus: Path,
                                               tmp_path: Path) -> None:
    """Readers take no lock: a generation swapped (and deleted) under them is loaded again."""
    from qa.ingest import load_documents

    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    docs = load_documents([seeds_corpus]).documents
    embedder = seeds_pipeline.embedder
    errors: list[BaseException] = []
    loads = 0
    done = threading.Event()

    def rebuild() -> None:
        try:
            for _ in range(25):
                IndexStore(index_dir).build(docs, embedder, progress=False)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    builder = threading.Thread(target=rebuild)
    builder.start()
    while not done.is_set():
        try:
            loaded = IndexStore(index_dir).load(embedder.name)
            assert len(loaded.passages) == len(seeds_pipeline.index.passages)
            loads += 1
        except Exception as exc:
            errors.append(exc)
    builder.join()
    assert not errors, errors[:3]
    assert loads > 0


def test_a_load_reads_manifest_and_files_from_one_generation(
        seeds_pipeline: QAPipeline, seeds_corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """CURRENT moving on between reading the manifest and the files must not pair one
    generation's article list with another's passages."""
    from qa.ingest import load_documents

    index_dir = copy_index(seeds_pipeline, tmp_path / "index")
    saved = shutil.copytree(live_gen(index_dir), tmp_path / "saved")
    docs = load_documents([seeds_corpus]).documents
    IndexStore(index_dir).build(docs[:1], seeds_pipeline.embedder, progress=False)
    new = live_gen(index_dir)
    kept = saved.rename(index_dir / "gen-kept")  # the build deleted the old generation
    # CURRENT names the kept (two-article) generation at first, the new one after that
    answers = iter([kept, kept])
    monkeypatch.setattr(IndexStore, "current_generation", lambda self: next(answers, new))
    loaded = IndexStore(index_dir).load(seeds_pipeline.embedder.name)
    assert {p.doc_id for p in loaded.passages} == set(loaded.manifest["documents"])
    assert loaded.generation == kept


# -- no writes outside the index folder ------------------------------------------------------
def _snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == skip or skip in Path(dirpath).parents:
            continue
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            if p == skip:
                continue
            st = p.lstat()
            out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.mark.slow
def test_qa_writes_only_inside_the_index_folder(seeds_corpus: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_corpus, corpus)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    index_dir = tmp_path / "index"
    before = _snapshot(tmp_path, index_dir)
    runner = CliRunner()
    built = runner.invoke(main, ["-q", "index", str(corpus), "--index", str(index_dir)])
    assert built.exit_code == 0, built.output
    asked = runner.invoke(main, ["-q", "ask", QUESTION, "--index", str(index_dir)])
    assert asked.exit_code == 0, asked.output
    IndexStore(index_dir).update_settings(threshold=0.3)
    rebuilt = runner.invoke(main, ["-q", "index", str(corpus), "--index", str(index_dir),
                                   "--rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert _snapshot(tmp_path, index_dir) == before
    assert list(cwd.iterdir()) == []
    names = {p.name for p in index_dir.iterdir()}
    assert names == {"CURRENT", ".lock", live_gen(index_dir).name}
    assert IndexStore(index_dir).read_manifest()["settings"]["threshold"] == 0.3

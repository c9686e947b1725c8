"""`qa info`: what an index holds and its answering settings, read from a real index."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qa.chunk import ChunkSettings
from qa.cli import main
from qa.pipeline import QAPipeline


def _info(index_dir: Path, *args: str):
    return CliRunner().invoke(main, ["-q", "info", "--index", str(index_dir), *args])


def _built(tmp_path: Path) -> QAPipeline:
    corpus = tmp_path / "notes"
    (corpus / "trips").mkdir(parents=True)
    (corpus / "elbe.md").write_text("# The Elbe\n\nThe Elbe flows through Dresden and Hamburg.")
    (corpus / "trips" / "alps.txt").write_text("We hiked above Zermatt in July. " * 80)
    pipe = QAPipeline(tmp_path / "index", chunking=ChunkSettings(60, 10))
    pipe.build([corpus])
    return pipe


def test_info_lists_articles_sources_and_settings(tmp_path: Path) -> None:
    pipe = _built(tmp_path)
    res = _info(pipe.index_dir, "--json")
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    per_article = {d: sum(p.doc_id == d for p in pipe.index.passages)
                   for d in ("elbe.md", "trips/alps.txt")}
    assert per_article["elbe.md"] == 1 and per_article["trips/alps.txt"] > 1
    assert info["documents"] == [{"doc_id": "elbe.md", "title": "The Elbe", "passages": 1},
                                 {"doc_id": "trips/alps.txt",
                                  "title": info["documents"][1]["title"],
                                  "passages": per_article["trips/alps.txt"]}]
    assert info["passages"] == len(pipe.index.passages) > 2
    assert info["chunking"] == {"max_words": 60, "overlap_words": 10}
    assert info["sources"] == [str(tmp_path / "notes")]
    assert info["embedding_model"] == pipe.embedder.name
    assert info["settings"] == {"threshold": pipe.threshold, "top_k": pipe.top_k,
                                "answer_types": True, "calibrated": False}

    # what `qa calibrate` stores is what info reports, and what answering uses
    # a threshold as calibration chooses it, printed with the 4 decimals `qa calibrate`
    # gives it (not 0.09651)
    pipe.store.update_settings(threshold=0.096509, top_k=3, answer_types=False)
    text = _info(pipe.index_dir)
    assert text.exit_code == 0, text.output
    assert "threshold 0.0965, top-k 3, answer checks off (as calibrated" in text.stdout
    assert "2 articles in" in text.stdout and "trips/alps.txt" in text.stdout
    assert "Articles  (passages, id, title)\n      1  elbe.md         The Elbe" in text.stdout
    assert str(tmp_path / "notes") in text.stdout
    reloaded = QAPipeline(pipe.index_dir)
    assert (reloaded.threshold, reloaded.top_k, reloaded.answer_types) == (0.096509, 3, False)


def test_info_on_a_missing_or_damaged_index_is_a_plain_error(tmp_path: Path) -> None:
    missing = _info(tmp_path / "nowhere")
    assert missing.exit_code == 1
    assert "no index at" in missing.output and "qa index" in missing.output
    assert not (tmp_path / "nowhere").exists()  # info builds nothing

    pipe = _built(tmp_path)
    manifest = pipe.store.current_generation() / "manifest.json"
    manifest.write_text(json.dumps({"format_version": 1, "dimension": 384, "documents": []}))
    damaged = _info(pipe.index_dir)
    assert damaged.exit_code == 1
    assert "damaged (no valid 'documents')" in damaged.output
    assert "Traceback" not in damaged.output


def test_info_refuses_a_damaged_build_setting_as_loading_does(tmp_path: Path) -> None:
    from qa.errors import IndexCorruptError

    pipe = _built(tmp_path)
    path = pipe.store.current_generation() / "manifest.json"
    good = json.loads(path.read_text())
    for key, value, problem in (
            ("max_words", "x", "the stored max_words 'x' is not a whole number"),
            ("overlap_words", 45, "the stored overlap_words must be from 0 to 29"),
            ("passages", "x", "the stored passage count 'x' is not a whole number"),
            ("index_type", "x", "the stored index type 'x' is not one of flat, hnsw")):
        manifest = json.loads(json.dumps(good))
        (manifest["chunking"] if key.endswith("_words") else manifest)[key] = value
        path.write_text(json.dumps(manifest))
        damaged = _info(pipe.index_dir)  # was: "passages of up to x words"
        assert damaged.exit_code == 1, (key, damaged.output)
        assert f"is damaged ({problem}" in damaged.output, damaged.output
        assert "Rebuild it with: qa index --rebuild" in damaged.output
        # the very message `qa ask` (loading the index) gives
        try:
            QAPipeline(pipe.index_dir).store.load()
        except IndexCorruptError as exc:
            assert str(exc) in damaged.output
        else:
            raise AssertionError(f"a damaged {key} loaded")
    path.write_text(json.dumps(good))
    assert _info(pipe.index_dir).exit_code == 0


def test_info_says_a_data_file_is_damaged_as_loading_does(tmp_path: Path) -> None:
    """A truncated dense.faiss, garbage in passages.sqlite, a missing vectors.npy: `qa
    info` lists the index as it was built (its sources are what to rebuild from), then
    ends with the error `qa ask` would give, status 1 (it listed such an index as sound)."""
    from qa.errors import IndexCorruptError

    pipe = _built(tmp_path)
    gen = pipe.store.current_generation()
    for name, damage in (
            ("dense.faiss", lambda f: f.write_bytes(f.read_bytes()[:1000])),
            ("passages.sqlite", lambda f: f.write_bytes(f.read_bytes()[:100] + b"garbage"
                                                        + f.read_bytes()[107:])),
            ("vectors.npy", lambda f: f.unlink())):
        good = (gen / name).read_bytes()
        damage(gen / name)
        text = _info(pipe.index_dir)
        assert text.exit_code == 1, (name, text.output)
        assert "2 articles in" in text.stdout and str(tmp_path / "notes") in text.stdout
        assert name in text.stderr and "Rebuild it with: qa index --rebuild" in text.stderr
        try:  # the very message loading the index gives
            QAPipeline(pipe.index_dir).store.load()
        except IndexCorruptError as exc:
            assert text.stderr.strip() == f"Error: {exc}"
        else:
            raise AssertionError(f"a damaged {name} loaded")
        as_json = _info(pipe.index_dir, "--json")
        assert as_json.exit_code == 1
        assert name in json.loads(as_json.stdout)["damaged"]
        (gen / name).write_bytes(good)
    sound = _info(pipe.index_dir, "--json")
    assert sound.exit_code == 0 and json.loads(sound.stdout)["damaged"] is None
    # an index written before 2026-12-02 recorded no hashes: a missing file is still told
    manifest_path = gen / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["files"]
    manifest_path.write_text(json.dumps(manifest))
    (gen / "vectors.npy").unlink()
    old = _info(pipe.index_dir)
    assert old.exit_code == 1, old.output
    assert f"the index file {gen / 'vectors.npy'} is missing" in old.stderr

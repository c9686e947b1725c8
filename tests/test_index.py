from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.chunk import ChunkSettings
from qa.embed import Embedder
from qa.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotFoundError,
    IndexWriteError,
)
from qa.index import IndexStore
from qa.ingest import load_documents
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow


class CountingEmbedder(Embedder):
    """The real embedder, recording what it was asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def encode(self, texts, progress=False):  # type: ignore[no-untyped-def]
        self.encoded.extend(texts)
        return super().encode(texts, progress)


@pytest.fixture(scope="module")
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(SEEDS, dest)
    (dest / "extra.md").write_text("# Bees\n\nBees make honey. " * 30, encoding="utf-8")
    return dest


def build(store: IndexStore, corpus: Path, embedder: Embedder, **kw):  # type: ignore[no-untyped-def]
    return store.build(load_documents([corpus]).documents, embedder, progress=False, **kw)


def test_faiss_top_k_equals_brute_force(tmp_path: Path, corpus: Path, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    loaded = store.load(embedder.name)
    queries = embedder.encode(["Who pays the Syrian fighters?", "honey", "Kremlin ally"])
    for q in queries:
        scores, ids = loaded.faiss_index.search(q[None, :], 5)
        brute = loaded.vectors @ q
        expected = np.argsort(-brute, kind="stable")[:5]
        assert np.allclose(np.sort(scores[0])[::-1], brute[expected], atol=1e-5)
        assert set(ids[0]) == set(expected) or np.allclose(brute[ids[0]], brute[expected])
    # the vectors are normalized, so inner product is cosine similarity
    assert np.allclose(np.linalg.norm(loaded.vectors, axis=1), 1.0, atol=1e-4)


def test_hnsw_finds_the_exact_neighbours_on_a_small_corpus(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder, index_type="hnsw")
    loaded = store.load(embedder.name)
    assert loaded.manifest["index_type"] == "hnsw"
    q = embedder.encode(["Russian volunteers in Syria"])[0]
    _, ids = loaded.faiss_index.search(q[None, :], 3)
    assert list(ids[0]) == list(np.argsort(-(loaded.vectors @ q))[:3])


def test_passages_and_manifest_round_trip(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    stats = build(store, corpus, embedder)
    loaded = store.load(embedder.name)
    docs = {d.doc_id: d for d in load_documents([corpus]).documents}
    assert stats.documents == 3 and stats.passages == len(loaded.passages)
    for i, p in enumerate(loaded.passages):
        assert p.passage_id == i
        assert docs[p.doc_id].text[p.start : p.end] == p.text
    m = loaded.manifest
    assert m["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert m["dimension"] == 384 and m["format_version"] == 1
    assert m["chunking"] == {"max_words": 150, "overlap_words": 30}
    assert m["documents"]["extra.md"]["title"] == "Bees"


def test_incremental_reindex_embeds_only_changed_files(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    before = store.load(embedder.name)
    embedder.encoded.clear()

    stats = build(store, corpus, embedder)
    assert embedder.encoded == [] and stats.embedded_documents == []

    (corpus / "extra.md").write_text("# Ants\n\nAnts farm aphids for honeydew.", encoding="utf-8")
    (corpus / "000_bdb7ea08bf89b1ec.txt").unlink()
    stats = build(store, corpus, embedder)
    assert stats.embedded_documents == ["extra.md"]
    assert stats.removed_documents == ["000_bdb7ea08bf89b1ec.txt"]
    assert embedder.encoded == ["# Ants\n\nAnts farm aphids for honeydew."]
    after = store.load(embedder.name)
    assert {p.doc_id for p in after.passages} == {"003_7912fbbb2ad95ee3.txt", "extra.md"}
    # reused vectors are the very same rows as before
    old = {p.text: before.vectors[i] for i, p in enumerate(before.passages)}
    for i, p in enumerate(after.passages):
        if p.doc_id == "003_7912fbbb2ad95ee3.txt":
            assert np.array_equal(after.vectors[i], old[p.text])


def test_a_build_that_changes_nothing_writes_nothing(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder, sources=[str(corpus)])
    live = store.current_generation()
    (live / "bm25-cache-marker").write_text("kept")  # caches of the live generation stay
    stats = build(store, corpus, embedder, sources=[str(corpus)])
    assert stats.embedded_documents == [] and stats.removed_documents == []
    assert store.current_generation() == live and (live / "bm25-cache-marker").exists()
    build(store, corpus, embedder, sources=[str(corpus), str(tmp_path)])  # other sources
    assert store.current_generation() != live
    live = store.current_generation()
    build(store, corpus, embedder, chunking=ChunkSettings(60, 10), sources=[str(corpus),
                                                                              str(tmp_path)])
    assert store.current_generation() != live


def test_a_new_html_title_reaches_the_reused_passages(tmp_path, embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    page = corpus / "bees.html"
    body = "<body><p>" + "Bees make honey from nectar. " * 20 + "</p></body>"
    page.write_text(f"<html><head><title>Bees</title></head>{body}</html>", encoding="utf-8")
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    page.write_text(f"<html><head><title>Honey bees</title></head>{body}</html>",
                    encoding="utf-8")
    stats = build(store, corpus, embedder)
    assert stats.reused_documents == ["bees.html"]  # the text is the same: not re-embedded
    after = store.load(embedder.name)
    assert after.manifest["documents"]["bees.html"]["title"] == "Honey bees"
    assert {p.title for p in after.passages} == {"Honey bees"}


def test_a_renamed_or_moved_article_is_not_embedded_again(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    before = store.load(embedder.name)
    (corpus / "notes").mkdir()
    (corpus / "extra.md").rename(corpus / "notes" / "bees.md")
    embedder.encoded.clear()
    stats = build(store, corpus, embedder)
    assert embedder.encoded == [] and stats.embedded_documents == []
    assert "notes/bees.md" not in stats.reused_documents and stats.removed_documents == []
    assert stats.renamed_documents == [("extra.md", "notes/bees.md")]
    after = store.load(embedder.name)
    moved = [p for p in after.passages if p.doc_id == "notes/bees.md"]
    old = [p for p in before.passages if p.doc_id == "extra.md"]
    assert [p.text for p in moved] == [p.text for p in old] and moved
    assert not [p for p in after.passages if p.doc_id == "extra.md"]
    rows = [p.passage_id for p in moved]
    old_rows = [p.passage_id for p in old]
    assert np.array_equal(after.vectors[rows], before.vectors[old_rows])


def test_changed_chunking_re_embeds_everything(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    stats = build(store, corpus, embedder, chunking=ChunkSettings(100, 20))
    assert len(stats.embedded_documents) == 3


def test_crash_mid_write_leaves_previous_index_usable(tmp_path, corpus, embedder,
                                                      monkeypatch) -> None:
    import faiss

    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    before = store.load(embedder.name)

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(faiss, "write_index", boom)
    (corpus / "extra.md").write_text("# Changed\n\nNew text.", encoding="utf-8")
    with pytest.raises(IndexWriteError, match="simulated.*the index in use is unchanged"):
        build(store, corpus, embedder)
    monkeypatch.undo()
    after = store.load(embedder.name)
    assert [p.text for p in after.passages] == [p.text for p in before.passages]
    assert len(list((tmp_path / "index").glob("gen-*"))) == 1


def test_leftover_generation_from_a_killed_build_is_cleaned(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    crashed = tmp_path / "index" / "gen-20240101000000-deadbeef"  # as a build names it
    crashed.mkdir()
    (crashed / "dense.faiss").write_bytes(b"half")
    assert store.load(embedder.name).passages
    build(store, corpus, embedder)
    assert not crashed.exists()


def test_model_mismatch_says_how_to_rebuild(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    with pytest.raises(IndexMismatchError) as err:
        store.load("some-org/other-model")
    msg = str(err.value)
    assert "sentence-transformers/all-MiniLM-L6-v2" in msg and "other-model" in msg
    # the rebuild command names the configured model, or it would rebuild for the default
    assert "--embedding-model some-org/other-model [ARTICLES" in msg
    assert "(leave out --embedding-model)" in msg  # the default model built it
    # an index built with another model, the default configured: the rebuild names the
    # default too, as a rebuild without a model keeps the index's own (a review)
    manifest_path = store.current_generation() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["embedding_model"] = "some-org/other-model"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError) as err:
        store.load(embedder.name)
    msg = str(err.value)
    assert (f"--index {tmp_path / 'index'} --embedding-model "
            "sentence-transformers/all-MiniLM-L6-v2 [ARTICLES") in msg
    assert "(--embedding-model some-org/other-model)" in msg


def test_a_configured_model_folder_that_is_not_there_is_named_as_such(
        tmp_path, corpus, embedder) -> None:
    # a mistyped --embedding-model path: not "rebuild the index for it", which fails too
    from qa.errors import ModelLoadError

    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelLoadError) as err:
        store.load(str(missing))
    msg = str(err.value)
    assert f"no embedding model folder at {missing}" in msg
    assert "--rebuild" not in msg
    assert "'sentence-transformers/all-MiniLM-L6-v2' (leave out --embedding-model)" in msg


def test_one_local_model_folder_written_two_ways_is_one_model(tmp_path, monkeypatch) -> None:
    """The shipped model copied to a folder of its own, given as './emb/' to build and as
    an absolute path to load; an index recording it as given (before absolute paths were
    recorded) is read when the record names that folder from here, and refused (not a
    crash) when it names none."""
    from qa.embed import default_embedding_model

    shutil.copytree(default_embedding_model(), tmp_path / "emb")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bees.md").write_text("# Bees\n\nBees make honey from nectar.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    store = IndexStore(tmp_path / "index")
    build(store, corpus, Embedder("./emb/"))
    absolute = Embedder(str(tmp_path / "emb")).name
    loaded = store.load(absolute)
    assert loaded.manifest["embedding_model"] == absolute == str((tmp_path / "emb").resolve())
    manifest_path = store.current_generation() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for old in ("./emb/", "emb"):
        manifest["embedding_model"] = old
        manifest_path.write_text(json.dumps(manifest))
        assert store.load(absolute).passages
    monkeypatch.chdir(corpus)  # "emb" names no folder from here
    with pytest.raises(IndexMismatchError, match="built with the embedding model 'emb'"):
        store.load(absolute)


def test_a_build_warns_once_of_passages_longer_than_the_model_reads(tmp_path, embedder,
                                                                    caplog) -> None:
    """150 words of Russian are about 1,000 tokens; the model reads 256 of them."""
    from tests.test_embed import RUSSIAN

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "moscow.txt").write_text(RUSSIAN, encoding="utf-8")
    (corpus / "bees.md").write_text("# Bees\n\nBees make honey. " * 30, encoding="utf-8")
    store = IndexStore(tmp_path / "index")
    caplog.set_level(logging.WARNING, logger="qa.reuse")
    build(store, corpus, embedder)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("1 of the 2 passages embedded are longer than the "
                                  "embedding model reads (256 tokens)")
    assert "keyword search only" in warnings[0]
    assert "qa index --max-words N [--index DIR], N under 150" in warnings[0]
    caplog.clear()
    build(store, corpus, embedder)  # nothing embedded: nothing to say
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]


def test_format_version_mismatch(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    manifest_path = store.current_generation() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = 99
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="format version 99"):
        store.load(embedder.name)


def test_missing_and_corrupt_index(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    with pytest.raises(IndexNotFoundError, match="qa index"):
        store.load()
    build(store, corpus, embedder)
    (store.current_generation() / "dense.faiss").write_bytes(b"not a faiss index")
    with pytest.raises(IndexCorruptError, match="qa index --rebuild"):
        store.load(embedder.name)


def test_settings_survive_rebuilds(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    store.update_settings(threshold=0.42)
    build(store, corpus, embedder)
    assert store.load(embedder.name).settings["threshold"] == 0.42
    build(store, corpus, embedder, rebuild=True)
    assert store.read_manifest()["settings"]["threshold"] == 0.42


def test_second_writer_waits_then_fails_clearly(tmp_path) -> None:
    store = IndexStore(tmp_path / "index", lock_timeout=0.3)
    other = IndexStore(tmp_path / "index", lock_timeout=0.3)
    with store.lock():
        with pytest.raises(IndexLockedError, match="another process"):
            with other.lock():
                pass
    with other.lock():  # free again
        pass


@pytest.mark.parametrize("damage", ["nan vectors", "passage text", "faiss bytes"])
def test_data_changed_after_writing_is_caught_and_a_build_repairs_it(
        tmp_path, corpus, embedder, damage: str) -> None:
    import sqlite3

    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    gen = store.current_generation()
    if damage == "nan vectors":  # the same shape and header: only the numbers differ
        vectors = np.load(gen / "vectors.npy")
        vectors[:] = np.nan
        np.save(gen / "vectors.npy", vectors)
    elif damage == "passage text":
        with sqlite3.connect(gen / "passages.sqlite") as con:
            con.execute("UPDATE passages SET text = 'nothing here' WHERE id = 0")
        con.close()
    else:
        data = bytearray((gen / "dense.faiss").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (gen / "dense.faiss").write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError, match="not as it was written.*qa index --rebuild"):
        store.load(embedder.name)
    before = len(embedder.encoded)
    stats = build(store, corpus, embedder)  # an ordinary build: nothing damaged is reused
    assert stats.reused_documents == [] and len(embedder.encoded) > before
    loaded = store.load(embedder.name)
    assert np.isfinite(loaded.vectors).all()
    assert all(p.text != "nothing here" for p in loaded.passages)


def test_a_first_build_warns_of_nothing(tmp_path, corpus, embedder, caplog) -> None:
    with caplog.at_level("WARNING"):
        build(IndexStore(tmp_path / "index"), corpus, embedder)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("qa")] == []
    # (its own new generation is not one whose CURRENT was lost)


def test_an_edit_embeds_only_the_passages_it_changed(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder, chunking=ChunkSettings(40, 0))
    doc = corpus / "extra.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n\nWasps do not.", encoding="utf-8")
    embedder.encoded.clear()
    stats = build(store, corpus, embedder, chunking=ChunkSettings(40, 0))
    assert stats.embedded_documents == ["extra.md"]
    assert embedder.encoded and all("Wasps" in t for t in embedder.encoded)  # the new end only
    assert stats.embedded_passages == len(embedder.encoded) < len(
        [p for p in store.load(embedder.name).passages if p.doc_id == "extra.md"])


def test_an_index_cut_by_an_older_chunker_is_cut_again(tmp_path, corpus, embedder,
                                                       monkeypatch) -> None:
    import qa.index
    import qa.reuse
    from qa.chunk import chunk_document
    from qa.types import Passage

    tea = "茶は毎年五月に収穫される。" * 30
    (corpus / "tea.md").write_text(tea, encoding="utf-8")

    def version_1(doc, settings):  # type: ignore[no-untyped-def]
        if doc.doc_id == "tea.md":  # Chinese and Japanese text was one long "word"
            return [Passage(doc.doc_id, doc.title, doc.text, 0, len(doc.text), 0)]
        return chunk_document(doc, settings)

    monkeypatch.setattr(qa.reuse, "chunk_document", version_1)
    monkeypatch.setattr(qa.index, "CHUNKER_VERSION", 1)
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder, chunking=ChunkSettings(50, 10))
    monkeypatch.undo()
    embedder.encoded.clear()
    stats = build(store, corpus, embedder, chunking=ChunkSettings(50, 10))
    after = store.load(embedder.name)
    tea_passages = [p.text for p in after.passages if p.doc_id == "tea.md"]
    assert len(tea_passages) > 5 and sorted(embedder.encoded) == sorted(tea_passages)
    assert stats.embedded_documents == ["tea.md"]  # the others' passages were known
    assert after.manifest["chunker"] == qa.index.CHUNKER_VERSION


def test_an_index_of_unoverlapped_long_sentences_is_cut_again(tmp_path, embedder,
                                                              monkeypatch) -> None:
    """Chunker 2 cut a sentence longer than a passage into pieces that did not overlap:
    an index it wrote is cut again, so an answer on a cut is found whole."""
    import qa.chunk
    import qa.index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = [f"word{i}" for i in range(45)] + ["Ada", "Lovelace"] + [f"more{i}" for i in range(30)]
    (corpus / "long.txt").write_text(" ".join(words) + ".", encoding="utf-8")
    split_long = qa.chunk._split_long
    monkeypatch.setattr(qa.chunk, "_split_long", lambda text, span, max_words, overlap=0:
                        split_long(text, span, max_words, 0))
    monkeypatch.setattr(qa.index, "CHUNKER_VERSION", 2)
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder, chunking=ChunkSettings(46, 10))
    assert not any("Ada Lovelace" in p.text for p in store.load(embedder.name).passages)
    monkeypatch.undo()
    build(store, corpus, embedder, chunking=ChunkSettings(46, 10))
    after = store.load(embedder.name)
    assert any("Ada Lovelace" in p.text for p in after.passages)
    assert after.manifest["chunker"] == qa.chunk.CHUNKER_VERSION


def test_build_counts_tell_renames_from_removals(tmp_path, embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "Bees make honey from nectar. " * 20
    for name in ("a.md", "b.md"):
        (corpus / name).write_text(text, encoding="utf-8")  # b.md: a duplicate, skipped
    (corpus / "c.md").write_text("Wasps do not make honey. " * 20, encoding="utf-8")
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    (corpus / "b.md").unlink()
    (corpus / "c.md").rename(corpus / "d.md")
    stats = build(store, corpus, embedder)
    assert stats.renamed_documents == [("c.md", "d.md")]
    assert stats.reused_documents == ["a.md"] and stats.removed_documents == []
    (corpus / "d.md").unlink()
    (corpus / "a.md").rename(corpus / "e.md")
    (corpus / "f.md").write_text(text + "More.", encoding="utf-8")
    stats = build(store, corpus, embedder)
    assert stats.renamed_documents == [("a.md", "e.md")]
    assert stats.removed_documents == ["d.md"] and stats.embedded_documents == ["f.md"]


def test_counts_when_two_articles_share_their_text(tmp_path, embedder) -> None:
    from qa.types import Document

    text = "Bees make honey from nectar. " * 20
    a, b = (Document(i, "Bees", text, "same-hash") for i in ("a.md", "b.md"))
    store = IndexStore(tmp_path / "index")
    store.build([a, b], embedder, progress=False)  # the API does not drop duplicates
    stats = store.build([a], embedder, progress=False)
    assert stats.removed_documents == ["b.md"] and stats.renamed_documents == []
    stats = store.build([a, Document("c.md", "Bees", text, "same-hash")], embedder,
                        progress=False)
    assert stats.renamed_documents == [] and stats.reused_documents == ["a.md", "c.md"]


def test_articles_that_swap_their_texts_count_as_renamed(tmp_path, embedder) -> None:
    from qa.retrieve import DenseRetriever

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    bees, ferry = "Bees make honey from nectar. " * 20, "The ferry to Elna leaves at noon. " * 20
    (corpus / "a.txt").write_text(bees, encoding="utf-8")
    (corpus / "b.txt").write_text(ferry, encoding="utf-8")
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    (corpus / "a.txt").write_text(ferry, encoding="utf-8")  # a.txt gets b's text, and back
    (corpus / "b.txt").write_text(bees, encoding="utf-8")
    embedder.encoded.clear()
    stats = build(store, corpus, embedder)
    assert embedder.encoded == [] and stats.embedded_documents == []  # nothing to embed
    assert stats.reused_documents == [] and stats.removed_documents == []  # not "unchanged"
    assert sorted(stats.renamed_documents) == [("a.txt", "b.txt"), ("b.txt", "a.txt")]
    loaded = store.load(embedder.name)
    assert {(p.doc_id, p.title) for p in loaded.passages if "ferry" in p.text} == {
        ("a.txt", "The ferry to Elna leaves at noon")}  # its first sentence, no period
    assert {p.doc_id for p in loaded.passages if "Bees" in p.text} == {"b.txt"}
    dense = DenseRetriever(loaded.passages, loaded.faiss_index, embedder)
    assert dense.retrieve("When does the ferry to Elna leave?", 1)[0].passage.doc_id == "a.txt"
    # one moved over the other: a rename, not "1 unchanged, 1 removed"
    (corpus / "b.txt").replace(corpus / "a.txt")
    stats = build(store, corpus, embedder)
    assert stats.renamed_documents == [("b.txt", "a.txt")]
    assert stats.reused_documents == [] and stats.removed_documents == []
    assert {p.doc_id for p in store.load(embedder.name).passages} == {"a.txt"}


def test_a_deleted_live_generation_is_named_as_gone_not_as_a_damaged_pointer(
        tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    gen = store.current_generation()
    assert gen is not None
    shutil.rmtree(gen)  # deleted by hand; CURRENT still names it
    with pytest.raises(IndexCorruptError) as err:
        store.load(embedder.name)
    msg = str(err.value)
    assert f"data folder {gen}, which CURRENT names, is not there (deleted or moved?)" in msg
    assert "pointer" not in msg
    assert f"qa index --rebuild --index {tmp_path / 'index'}" in msg


def test_a_build_over_a_damaged_index_says_it_replaces_it_not_to_rebuild(
        tmp_path, corpus, embedder, caplog) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    damaged = store.current_generation() / "dense.faiss"
    damaged.write_bytes(damaged.read_bytes()[:100])
    caplog.set_level(logging.WARNING, logger="qa.index")
    build(store, corpus, embedder)  # the rebuild the damage asks for
    warning = next(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "dense.faiss is not as it was written" in warning
    assert "this build replaces it, embedding every article again" in warning
    assert "Rebuild it" not in warning
    assert store.load(embedder.name).passages


def test_a_mismatch_with_a_model_folder_gone_says_it_is_gone(tmp_path, corpus, embedder) -> None:
    store = IndexStore(tmp_path / "index")
    build(store, corpus, embedder)
    manifest_path = store.current_generation() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    gone = tmp_path / "renamed-model"  # recorded at build, moved since
    manifest["embedding_model"] = str(gone)
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError) as err:
        store.load(embedder.name)
    assert (f"(--embedding-model {gone}, a folder that is not there any more: give the "
            "model's new place)") in str(err.value)

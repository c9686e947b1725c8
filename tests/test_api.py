"""The public Python API: what `qa` exports, swapping parts through the Protocols, typing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

import qa
from qa import ConfigError, DataError, Passage, QAPipeline, QuestionError, Reading, Retrieved, Span

REPO = Path(__file__).resolve().parent.parent


class KeywordRetriever:
    """A retriever of one's own: passages ranked by the question words they hold."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self.passages = list(passages)

    def retrieve(self, query: str, top_k: int) -> list[Retrieved]:
        words = {w.strip("?.,").lower() for w in query.split() if len(w) > 3}
        scored = sorted(((sum(w in p.text.lower() for w in words), i)
                         for i, p in enumerate(self.passages)), reverse=True)
        return [Retrieved(self.passages[i], float(s), {"keywords": rank})
                for rank, (s, i) in enumerate(scored[:top_k], 1)]


def test_exports_load_lazily_and_errors_are_importable() -> None:
    code = ("import sys, qa; assert 'numpy' not in sys.modules and 'torch' not in sys.modules;"
            "qa.Reader, qa.Retriever, qa.Reading, qa.Span, qa.QAPipeline, qa.Conversation;"
            "assert 'torch' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
    for name in ("ConfigError", "DataError", "IngestError", "ModelLoadError", "IndexLockedError",
                 "IndexWriteError"):
        assert issubclass(getattr(qa, name), qa.QAError)
    assert set(qa.__all__) <= set(dir(qa)) | set(qa._LAZY)


@pytest.mark.slow
def test_a_retriever_of_ones_own_answers_with_the_real_reader(seeds_pipeline,
                                                              tmp_path: Path) -> None:
    keywords = KeywordRetriever(seeds_pipeline.index.passages)
    # no index at this folder, and none is built: the retriever brings the passages
    pipe = QAPipeline(tmp_path / "no-index", retriever=keywords, reader=seeds_pipeline.reader)
    a = pipe.answer("Who is the Chechen leader?", top_k=3)
    assert a.text == "Ramzan Kadyrov"
    assert len(a.sources) == 3 and a.timings_ms["embed"] == 0.0
    assert [s.retrieval_rank for s in a.sources] == [1, 2, 3]
    src = next(s for s in a.sources if s.has_answer)
    assert src.highlight()[1] == "Ramzan Kadyrov"
    assert not (tmp_path / "no-index").exists()
    assert pipe.retrieve("Who is the Chechen leader?", top_k=2) == keywords.retrieve(
        "Who is the Chechen leader?", 2)


class _BadReader:
    """A reader of one's own that gets its output wrong (the check around the model)."""

    def __init__(self, fault: str) -> None:
        self.fault = fault

    def read(self, question: str, passages: Sequence[str]) -> list[Reading]:
        if self.fault == "count":
            return [Reading((), 0.9)]
        return [Reading((Span("Kadyrov", 0, 7, 0.9),), 0.0) for _ in passages]


@pytest.mark.parametrize("fault, message", [
    ("count", r"returned 1 readings for 3 passages"),
    ("offsets", r"span 'Kadyrov' for passage 1 is not the passage's characters 0-7"),
])
def test_a_reader_whose_output_does_not_fit_is_a_config_error(fault: str, message: str,
                                                              tmp_path: Path) -> None:
    passages = [Passage("d.txt", "D", f"Passage {i} about Chechnya and Ramzan Kadyrov.", 0, 46)
                for i in range(3)]
    pipe = QAPipeline(tmp_path / "i", retriever=KeywordRetriever(passages),
                      reader=_BadReader(fault))
    with pytest.raises(ConfigError, match=message):
        pipe.answer("Who leads Chechnya?", top_k=3)


def test_answer_many_takes_one_string_as_one_question_and_names_a_bad_one(
        tmp_path: Path) -> None:
    passages = [Passage("d.txt", "D", "Kadyrov leads Chechnya.", 0, 23)]

    class FirstWordReader:
        def read(self, question: str, passages: Sequence[str]) -> list[Reading]:
            return [Reading((Span(p.split()[0], 0, len(p.split()[0]), 0.9),), 0.0)
                    for p in passages]

    pipe = QAPipeline(tmp_path / "i", retriever=KeywordRetriever(passages),
                      reader=FirstWordReader(), threshold=0.5)
    answers = pipe.answer_many("Who leads Chechnya?")
    assert [a.text for a in answers] == ["Kadyrov"]
    with pytest.raises(QuestionError, match=r"question 2 \(' '\): the question is empty"):
        pipe.answer_many(["Who leads Chechnya?", " "])
    # the bad question is found before any is answered: no answer is read and thrown away
    read = []
    pipe.reader.read = lambda q, p: read.append(q) or FirstWordReader().read(q, p)
    with pytest.raises(QuestionError, match=r"question 3 \(None\): a question must be text"):
        pipe.answer_many(iter(["Who leads Chechnya?", "Who?", None]))
    assert read == []
    assert [a.text for a in pipe.answer_many(iter(["Who leads Chechnya?"]))] == ["Kadyrov"]


def test_settings_are_read_without_loading_or_building_the_index(seeds_pipeline,
                                                                   tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Kadyrov leads Chechnya.")
    pipe = QAPipeline(tmp_path / "index", corpus=corpus)
    assert (pipe.threshold, pipe.top_k, pipe.answer_types) == (0.25, 5, True)
    assert not (tmp_path / "index").exists()  # a setting is no reason to build
    stored = QAPipeline(seeds_pipeline.index_dir)
    assert stored.top_k == seeds_pipeline.top_k and stored._index is None


@pytest.mark.slow
def test_type_checkers_see_the_packages_types(tmp_path: Path) -> None:
    script = tmp_path / "user_script.py"
    script.write_text("from qa import answer\n\nreveal_type(answer('Who?').text)\n"
                      "answer('Who?', topk=3)\n")
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         "--no-incremental", str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert 'Revealed type is "str | None"' in out.stdout, out.stdout + out.stderr
    assert 'Unexpected keyword argument "topk"' in out.stdout  # a typo is caught
    assert (REPO / "qa" / "py.typed").is_file()


def test_loading_the_models_from_a_script_draws_no_progress_bars() -> None:
    code = ("from qa.reader import ExtractiveReader; from qa.embed import Embedder;"
            "ExtractiveReader().load(); Embedder().load()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Loading weights" not in out.stderr and "%|" not in out.stderr, out.stderr


class _FirstWordReader:
    def read(self, question: str, passages: Sequence[str]) -> list[Reading]:
        return [Reading((Span(p.split()[0], 0, len(p.split()[0]), 0.9),), 0.0)
                for p in passages]


def test_a_hybrid_retriever_of_ones_own_uses_its_own_embedder(tmp_path: Path) -> None:
    import faiss
    import numpy as np

    from qa.retrieve import BM25Retriever, DenseRetriever, HybridRetriever

    class ToyEmbedder:  # 8 dimensions: the pipeline's own 384-dimension model would not fit
        name = "toy"

        def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
            out = np.zeros((len(texts), 8), dtype=np.float32)
            for row, text in enumerate(texts):
                for word in text.lower().split():
                    out[row, hash(word.strip("?.,")) % 8] += 1.0
            return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    texts = ["Kadyrov leads Chechnya.", "The ferry leaves at noon.", "Bees make honey."]
    passages = [Passage("d.txt", "D", t, 0, len(t), i) for i, t in enumerate(texts)]
    embedder = ToyEmbedder()
    dense = faiss.IndexFlatIP(8)
    dense.add(embedder.encode(texts))
    hybrid = HybridRetriever(DenseRetriever(passages, dense, embedder),  # type: ignore[arg-type]
                             BM25Retriever(passages))
    pipe = QAPipeline(tmp_path / "i", retriever=hybrid, reader=_FirstWordReader())
    a = pipe.answer("Who leads Chechnya?", top_k=2)
    assert a.sources[0].passage == "Kadyrov leads Chechnya."
    assert pipe.embedder._model is None  # the pipeline's own model was never needed


def test_eval_with_a_retriever_of_ones_own_needs_no_index(tmp_path: Path) -> None:
    from qa.calibration import calibrate
    from qa.evaluate import run_gold
    from qa.gold import GoldItem

    passages = [Passage("d.txt", "D", "Kadyrov leads Chechnya.", 0, 23)]
    pipe = QAPipeline(tmp_path / "index", corpus=tmp_path, retriever=KeywordRetriever(passages),
                      reader=_FirstWordReader())
    records = run_gold(pipe, [GoldItem("q1", "Who leads Chechnya?", ("Kadyrov",))])
    assert records[0].em == 1.0 and records[0].hit_rank == 1
    assert not (tmp_path / "index").exists()  # nothing built from corpus=
    both = [GoldItem("q1", "Who leads Chechnya?", ("Kadyrov",)),
            GoldItem("u1", "Who leads Belarus?", ())]
    with pytest.raises(ConfigError, match="no index to store a threshold in"):
        calibrate(pipe, both)
    # one kind only is refused by the library too, before anything runs
    with pytest.raises(DataError, match="the gold file holds only answerable questions"):
        calibrate(pipe, both[:1], store=False)


def test_settings_are_read_again_when_a_build_swaps_the_generation(
        seeds_pipeline, monkeypatch) -> None:
    from qa.errors import IndexCorruptError
    from qa.index import IndexStore

    store = IndexStore(seeds_pipeline.index_dir)
    real = IndexStore.checked_manifest
    calls = {"n": 0}

    def swapped_once(self, gen=None):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:  # the old generation was deleted while we read it
            monkeypatch.setattr(IndexStore, "_live_generation", lambda self: None)
            raise IndexCorruptError("the index manifest cannot be read")
        monkeypatch.undo()
        return real(self, gen)

    monkeypatch.setattr(IndexStore, "checked_manifest", swapped_once)
    assert store.settings() == dict(seeds_pipeline.index.settings)
    assert calls["n"] == 2

from __future__ import annotations

import pytest

from qa.retrieve import BM25Retriever, reciprocal_rank_fusion
from qa.types import Passage


def test_rrf_on_hand_made_rankings() -> None:
    fused = reciprocal_rank_fusion({"dense": [1, 2, 3], "bm25": [3, 1, 4]}, k=60)
    scores = {i: s for i, s, _ in fused}
    assert scores[1] == pytest.approx(1 / 61 + 1 / 62)
    assert scores[3] == pytest.approx(1 / 63 + 1 / 61)
    assert scores[2] == pytest.approx(1 / 62)
    assert scores[4] == pytest.approx(1 / 63)
    assert [i for i, _, _ in fused] == [1, 3, 2, 4]
    assert fused[1][2] == {"dense": 3, "bm25": 1}


def test_rrf_item_in_one_list_only_and_empty_lists() -> None:
    assert reciprocal_rank_fusion({"a": [], "b": []}) == []
    fused = reciprocal_rank_fusion({"a": [7], "b": []}, k=1)
    assert fused == [(7, 0.5, {"a": 1})]


def test_rrf_k_controls_how_much_top_ranks_dominate() -> None:
    rankings = {"a": [1, 2], "b": [2, 9], "c": [1, 3]}
    assert [i for i, *_ in reciprocal_rank_fusion(rankings, k=1)][:2] == [1, 2]


def passages(*texts: str) -> list[Passage]:
    return [Passage("d", "t", x, 0, len(x), i) for i, x in enumerate(texts)]


def test_bm25_ranks_keyword_matches_with_stemming() -> None:
    bm25 = BM25Retriever(passages(
        "The cat sat on the mat.",
        "Volunteers were recruited to fight in Syria.",
        "Recruiting fighters is expensive; the fighter recruits were paid.",
    ))
    hits = bm25.search("who recruits fighters", 3)
    assert [i for i, _ in hits][:2] == [2, 1]
    assert all(s > 0 for _, s in hits)
    assert bm25.search("the of and", 3) == []  # only stop words
    assert bm25.search("zebra", 3) == []  # unknown word: no zero-score filler


def test_bm25_on_an_empty_corpus() -> None:
    assert BM25Retriever([]).search("anything", 5) == []


@pytest.mark.parametrize("cached", [False, True])
def test_bm25_over_passages_without_a_keyword_finds_nothing(tmp_path, cached: bool) -> None:
    """Only stop words, emoji or lone CJK characters: bm25s has nothing to index (it
    raised 'max() arg is an empty sequence'); keyword search finds nothing, dense answers."""
    from qa.retrieve import HybridRetriever

    corpus = [Passage("d", "t", "the and of", 0, 10), Passage("d", "t", "a b c", 0, 5),
              passages("To be or not to be. 🙂 中")[0]]
    cache = tmp_path / "bm25" if cached else None
    for _ in range(2):  # the second start finds no cache to load and builds again
        bm25 = BM25Retriever(corpus, cache)
        assert bm25.search("to be or not to be", 3) == []
        assert bm25.search("Hamlet", 3) == []
        assert bm25.retrieve("Hamlet", 3) == []

    class Ranked:  # a dense side with a fixed ranking: fusion logic only
        def __init__(self) -> None:
            self.passages = corpus

        def search(self, vector, n):
            return [(2, 0.9), (0, 0.1)][:n]

    hybrid = HybridRetriever(Ranked(), bm25)  # type: ignore[arg-type]
    top = hybrid.retrieve("Hamlet", 3, query_vector=[0.0])
    assert [(r.passage.text, r.ranks) for r in top] == [
        (corpus[2].text, {"dense": 1}), ("the and of", {"dense": 2})]


def test_weighted_rrf_on_hand_made_rankings() -> None:
    fused = reciprocal_rank_fusion({"dense": [1, 2], "bm25": [2, 3]}, k=10,
                                   weights={"bm25": 1.5})
    scores = {i: s for i, s, _ in fused}
    assert scores[1] == pytest.approx(1 / 11)
    assert scores[2] == pytest.approx(1 / 12 + 1.5 / 11)
    assert scores[3] == pytest.approx(1.5 / 12)
    # BM25's second place (1.5 / 12 = 0.125) now beats dense's first (1 / 11 = 0.091).
    assert [i for i, _, _ in fused] == [2, 3, 1]


def test_hybrid_fuses_with_its_weights_and_validates_them() -> None:
    from qa.retrieve import BM25_WEIGHT, RRF_K, HybridRetriever

    corpus = passages("alpha", "beta", "gamma")

    class Ranked:  # a dense side with a fixed ranking: fusion logic only
        def __init__(self) -> None:
            self.passages = corpus

        def search(self, vector, n):
            return [(0, 0.9), (1, 0.8), (2, 0.7)][:n]

    bm25 = BM25Retriever(corpus)
    hybrid = HybridRetriever(Ranked(), bm25)  # type: ignore[arg-type]
    assert (hybrid.rrf_k, hybrid.weights["bm25"]) == (RRF_K, BM25_WEIGHT)
    top = hybrid.retrieve("gamma", 3, query_vector=[0.0])
    # gamma: dense rank 3 and BM25 rank 1 (1/13 + 1.5/11) beats alpha's dense rank 1 (1/11)
    assert [r.passage.text for r in top][:2] == ["gamma", "alpha"]
    assert top[0].ranks == {"dense": 3, "bm25": 1}
    dense_only = HybridRetriever(Ranked(), bm25, bm25_weight=0.0)  # type: ignore[arg-type]
    assert [r.passage.text for r in dense_only.retrieve("gamma", 3, query_vector=[0.0])][
        0] == "alpha"
    for bad in ({"candidates": 0}, {"rrf_k": -1}, {"bm25_weight": -0.5}):
        with pytest.raises(ValueError):
            HybridRetriever(Ranked(), bm25, **bad)  # type: ignore[arg-type]


CACHE_TEXTS = ("The cat sat on the mat.", "Volunteers were recruited to fight in Syria.",
               "Recruiting fighters is expensive; the fighter recruits were paid.",
               "Ada Lovelace wrote the first program.")
CACHE_QUERIES = ("who recruits fighters", "cat mat", "first program", "Syria volunteers")


def _searches(bm25: BM25Retriever) -> list[list[tuple[int, float]]]:
    return [bm25.search(q, 4) for q in CACHE_QUERIES]


@pytest.fixture
def index_calls(monkeypatch) -> list[int]:
    """Counts BM25 builds (bm25s.BM25.index calls)."""
    import bm25s

    calls: list[int] = []
    real = bm25s.BM25.index

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(bm25s.BM25, "index", counting)
    return calls


def test_bm25_cache_is_written_then_loaded_with_the_same_results(tmp_path, index_calls) -> None:
    plain = _searches(BM25Retriever(passages(*CACHE_TEXTS)))
    cache = tmp_path / "gen" / "bm25"
    cache.parent.mkdir()
    first = BM25Retriever(passages(*CACHE_TEXTS), cache)
    assert (cache / "qa-cache-key.json").is_file() and len(index_calls) == 2
    second = BM25Retriever(passages(*CACHE_TEXTS), cache)
    assert len(index_calls) == 2  # loaded, not built
    assert _searches(first) == _searches(second) == plain
    assert not [p for p in cache.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_bm25_cache_of_other_passages_is_not_used(tmp_path, index_calls) -> None:
    cache = tmp_path / "bm25"
    BM25Retriever(passages(*CACHE_TEXTS), cache)
    changed = (*CACHE_TEXTS[:3], "Grace Hopper wrote the first compiler.")
    bm25 = BM25Retriever(passages(*changed), cache)
    assert len(index_calls) == 2
    assert _searches(bm25) == _searches(BM25Retriever(passages(*changed)))


def test_a_damaged_bm25_cache_is_rebuilt_without_an_error(tmp_path, index_calls) -> None:
    cache = tmp_path / "bm25"
    BM25Retriever(passages(*CACHE_TEXTS), cache)
    for f in cache.glob("*.npy"):
        f.write_bytes(b"not numpy")
    bm25 = BM25Retriever(passages(*CACHE_TEXTS), cache)
    assert len(index_calls) == 2
    assert _searches(bm25) == _searches(BM25Retriever(passages(*CACHE_TEXTS)))


def test_an_unwritable_bm25_cache_is_skipped(tmp_path) -> None:
    cache = tmp_path / "gone" / "bm25"  # its parent does not exist: saving fails
    bm25 = BM25Retriever(passages(*CACHE_TEXTS), cache)
    assert _searches(bm25) == _searches(BM25Retriever(passages(*CACHE_TEXTS)))
    assert not cache.exists()


def test_a_built_index_carries_its_bm25_cache_and_the_next_start_loads_it(
        seeds_pipeline, index_calls) -> None:
    from qa.pipeline import QAPipeline

    generation = seeds_pipeline.index.generation
    assert (generation / "bm25" / "qa-cache-key.json").is_file()
    fresh = QAPipeline(seeds_pipeline.index_dir)
    hits = fresh.retrieve("Who is the Chechen leader?", 3)
    assert index_calls == []  # BM25 came from the cache
    assert [h.passage.passage_id for h in hits] == [
        h.passage.passage_id for h in seeds_pipeline.retrieve("Who is the Chechen leader?", 3)]


def test_bm25_matches_accents_however_they_are_stored() -> None:
    # the article stores its accents decomposed (NFD); the question types them composed
    nfd = "Jose\u0301 Conceic\u0327a\u0303o founded Cafe\u0301 Brasi\u0301lia in 1958."
    bm25 = BM25Retriever(passages("Tea grows on the hills of Assam.", nfd,
                                  "The sta\ufb00 \ufb01nished the o\ufb03ce early."))
    assert [i for i, _ in bm25.search("Who founded Café Brasília?", 3)][:1] == [1]  # composed
    assert [i for i, _ in bm25.search("Conceic\u0327a\u0303o", 3)] == [1]
    assert [i for i, _ in bm25.search("Who finished the office?", 3)][:1] == [2]  # ligatures


def test_bm25_finds_chinese_and_japanese_words_without_spaces() -> None:
    bm25 = BM25Retriever(passages("茶は毎年五月に収穫される。", "Tea is harvested in May.",
                                  "コーヒーは南米から輸入される。"))
    assert [i for i, _ in bm25.search("毎年五月", 3)] == [0]
    assert [i for i, _ in bm25.search("コーヒー", 3)] == [2]


def test_an_outdated_bm25_cache_is_replaced_once(tmp_path, index_calls) -> None:
    import json

    cache = tmp_path / "bm25"
    BM25Retriever(passages(*CACHE_TEXTS), cache)
    key_file = cache / "qa-cache-key.json"
    key = json.loads(key_file.read_text())
    del key["text"]  # a cache written before text was unified: it must not be used
    key_file.write_text(json.dumps(key))
    BM25Retriever(passages(*CACHE_TEXTS), cache)
    assert len(index_calls) == 2
    assert "text" in json.loads(key_file.read_text())  # replaced, not rebuilt at every start
    BM25Retriever(passages(*CACHE_TEXTS), cache)
    assert len(index_calls) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["bm25"]  # nothing set aside is left

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.chunk import ChunkSettings, chunk_document, sentence_spans
from qa.errors import ConfigError
from qa.types import Document
from tests.conftest import SEEDS


def doc(text: str) -> Document:
    return Document("d.txt", "D", text, "h")


def test_sentence_spans_split_on_punctuation_and_newlines() -> None:
    text = "First one. Second one!  Third?\nFourth line without stop\n\n“Quoted.” Last"
    sents = [text[a:b] for a, b in sentence_spans(text)]
    assert sents == ["First one.", "Second one!", "Third?", "Fourth line without stop",
                     "“Quoted.”", "Last"]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")))
def test_seed_passages_round_trip_to_document(path) -> None:
    text = path.read_text(encoding="utf-8")
    passages = chunk_document(doc(text))
    assert len(passages) >= 3
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert len(p.text.split()) <= 150
    # every sentence is covered by some passage
    covered = set()
    for p in passages:
        covered.update(range(p.start, p.end))
    for a, b in sentence_spans(text):
        assert a in covered and b - 1 in covered


def test_passages_overlap_by_whole_sentences() -> None:
    sentence = "word " * 19 + "end."
    text = " ".join([sentence] * 20)  # 20 sentences of 20 words
    passages = chunk_document(doc(text), ChunkSettings(max_words=100, overlap_words=30))
    assert all(len(p.text.split()) == 100 for p in passages[:-1])
    for prev, nxt in zip(passages, passages[1:]):
        assert nxt.start < prev.end  # overlap
        assert prev.end - nxt.start == len(sentence)  # exactly one 20-word sentence
    assert passages[-1].end == len(text)


def test_sentence_longer_than_limit_is_cut_at_words() -> None:
    text = " ".join(f"w{i}" for i in range(250))
    passages = chunk_document(doc(text), ChunkSettings(max_words=100, overlap_words=0))
    assert [len(p.text.split()) for p in passages] == [100, 100, 50]
    assert all(text[p.start : p.end] == p.text for p in passages)


def test_unfinished_last_sentence_is_kept() -> None:
    text = "A full sentence here. And one cut off mid"
    passages = chunk_document(doc(text))
    assert passages[-1].text.endswith("cut off mid")


@pytest.mark.parametrize("kwargs", [{"max_words": 5}, {"max_words": 100, "overlap_words": 60},
                                    {"overlap_words": -1}])
def test_bad_settings_are_refused(kwargs) -> None:
    with pytest.raises(ConfigError):
        ChunkSettings(**kwargs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list("ab. !?\n\t’é…") + ["word", "Ünï"]), max_size=300)
       .map("".join),
       st.integers(10, 40), st.integers(0, 4))
def test_offsets_round_trip_on_arbitrary_text(text: str, max_words: int, overlap: int) -> None:
    passages = chunk_document(doc(text), ChunkSettings(max_words, overlap))
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert p.text.strip() == p.text and p.text
    assert (not text.split()) == (not passages)


def test_chinese_and_japanese_text_is_cut_into_sentences_and_counted_by_character() -> None:
    text = "茶は毎年五月に収穫される。これは伝統です！ Tea is grown here. 什么？"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "茶は毎年五月に収穫される。", "これは伝統です！", "Tea is grown here.", "什么？"]
    sentence = "茶は毎年五月に収穫される。"  # 12 characters: 12 words
    doc = Document("tea.md", "Tea", sentence * 20, "h")
    chunks = chunk_document(doc, ChunkSettings(max_words=50, overlap_words=10))
    assert len(chunks) > 5  # one passage before: the whole text counted as one word
    assert all(len(p.text) <= 50 for p in chunks)
    assert all(doc.text[p.start:p.end] == p.text for p in chunks)


def test_pieces_of_a_long_sentence_overlap_so_an_answer_on_a_cut_is_whole() -> None:
    words = ([f"word{i}" for i in range(149)] + ["Ada", "Lovelace"]
             + [f"more{i}" for i in range(100)])
    text = " ".join(words) + "."
    passages = chunk_document(doc(text), ChunkSettings(150, 30))
    assert any("Ada Lovelace" in p.text for p in passages)
    assert all(text[p.start : p.end] == p.text for p in passages)
    assert [len(p.text.split()) for p in passages] == [150, 131]
    first, second = passages
    assert first.text.split()[-30:] == second.text.split()[:30]  # 30 words shared
    assert second.end == len(text)


@settings(max_examples=40, deadline=None)
@given(st.integers(11, 400), st.integers(10, 60), st.integers(0, 29))
def test_long_sentence_pieces_share_the_overlap(n: int, max_words: int, overlap: int) -> None:
    overlap = min(overlap, ChunkSettings.max_overlap(max_words))
    text = " ".join(f"w{i}" for i in range(n))
    passages = chunk_document(doc(text), ChunkSettings(max_words, overlap))
    pieces = [p.text.split() for p in passages]
    assert pieces[0][0] == "w0" and pieces[-1][-1] == f"w{n - 1}"
    for prev, nxt in zip(pieces, pieces[1:]):
        assert len(prev) == max_words and prev[len(prev) - overlap :] == nxt[:overlap]
        assert int(nxt[0][1:]) == int(prev[0][1:]) + max_words - overlap

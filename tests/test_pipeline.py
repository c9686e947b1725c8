"""End to end over the seeds: the real index, retriever and shipped reader."""

from __future__ import annotations

import json
import re
import shutil
import socket
from typing import Any

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.compose import compose_answer
from qa.errors import ConfigError, IndexNotFoundError, QuestionError
from qa.metrics import normalize_answer
from qa.pipeline import QAPipeline, clean_question
from qa.reader import Reading, Span
from qa.types import Passage, Retrieved

ART1 = "000_bdb7ea08bf89b1ec.txt"
ART2 = "003_7912fbbb2ad95ee3.txt"

CASES = [
    ("Which website first reported Russia's attempts to recruit Syrians?", ["DeirEzzor24"], ART1),
    ("What length of contract is Russia offering Syrian volunteers?",
     ["six-month", "six months", "six-month contracts"], ART1),
    ("Who is the Chechen leader close to Putin?", ["Ramzan Kadyrov"], ART1),
    ("How many battalion tactical groups make up the invasion force?", ["127"], ART1),
    ("Who is the Moscow-based military expert quoted in the article?", ["Alexander Golts"], ART2),
    ("How many Russian nationals are fighting for the Islamic State?",
     ["more than 2,000", "2,000"], ART2),
]
UNANSWERABLE = [
    "What is the boiling point of water on Mars?",
    "Who won the 1998 football world cup?",
]


def _matches(text: str | None, golds: list[str]) -> bool:
    return text is not None and normalize_answer(text) in {normalize_answer(g) for g in golds}


@pytest.mark.slow
@pytest.mark.parametrize("question,golds,doc", CASES)
def test_answers_with_the_cited_document(seeds_pipeline: QAPipeline, question, golds, doc):
    a = seeds_pipeline.answer(question)
    assert _matches(a.text, golds), a.text
    assert 0.0 < a.score <= 1.0
    top = a.sources[0]
    assert top.doc_id == doc and top.has_answer
    text = (seeds_pipeline.corpus / doc).read_text(encoding="utf-8")
    assert text[top.answer_start : top.answer_end] == a.text
    assert text[top.passage_start : top.passage_end] == top.passage
    assert a.timings_ms["total"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("question", UNANSWERABLE)
def test_says_not_found_when_the_articles_do_not_answer(seeds_pipeline, question) -> None:
    a = seeds_pipeline.answer(question)
    assert a.text is None and not a.found
    assert a.sources and not any(s.has_answer for s in a.sources)
    assert a.to_dict()["text"] is None


@pytest.mark.slow
@pytest.mark.parametrize("question", ["the", "Who is he?", "Of the, in it?"])
def test_a_question_of_function_words_alone_is_not_answered(seeds_pipeline,
                                                            question) -> None:
    # nothing to look for: even at threshold 0, where any span would do, no answer is
    # picked (a trial's "the" was answered "audio", 0.40); the closest passages still show
    a = seeds_pipeline.answer(question, threshold=0.0)
    assert a.text is None and a.score == 0.0
    assert a.sources and not any(s.has_answer for s in a.sources)


@pytest.mark.slow
def test_a_question_of_function_words_alone_is_not_read(seeds_pipeline) -> None:
    from qa.pipeline import QAPipeline

    asked: list[str] = []

    class Recording:  # the shipped reader, with the questions it is given recorded
        def read(self, question: str, passages: list[str]) -> Any:
            asked.append(question)
            return seeds_pipeline.reader.read(question, passages)

    pipe = QAPipeline(seeds_pipeline.index_dir, reader=Recording())
    assert pipe.answer("Who is he?").text is None
    assert asked == []
    pipe.answer("Who is he?", query="Ramzan Kadyrov")
    assert asked == ["Who is he?"]  # a query with a name to look for: read
    assert pipe.answer(CASES[0][0]).found and asked[-1] == CASES[0][0]


@pytest.mark.slow
def test_answer_many_and_to_dict(seeds_pipeline) -> None:
    answers = seeds_pipeline.answer_many([CASES[0][0], UNANSWERABLE[0]])
    assert [a.found for a in answers] == [True, False]
    d = answers[0].to_dict()
    json.dumps(d)
    assert set(d) >= {"question", "text", "score", "sources", "alternatives"}
    assert set(d["sources"][0]) >= {"doc_id", "title", "passage", "passage_start", "passage_end",
                                    "answer_start", "answer_end", "retrieval_score",
                                    "retrieval_rank"}
    ranks = sorted(s["retrieval_rank"] for s in d["sources"])
    assert ranks == list(range(1, len(d["sources"]) + 1))


@pytest.mark.slow
def test_top_level_answer_builds_the_default_index_on_first_use(tmp_path, monkeypatch,
                                                                seeds_corpus) -> None:
    import qa
    import qa.config

    # the checkout's own index/ (here a stand-in checkout), built from its seeds/
    shutil.copytree(seeds_corpus, tmp_path / "seeds")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "qa"\n')
    monkeypatch.setattr(qa.config, "PROJECT_ROOT", tmp_path)
    monkeypatch.delenv("QA_INDEX_DIR")
    monkeypatch.delenv("QA_CORPUS", raising=False)
    monkeypatch.setattr(qa, "_default", None)
    a = qa.answer(CASES[0][0])
    assert _matches(a.text, CASES[0][1])
    assert (tmp_path / "index" / "CURRENT").exists()


def test_an_index_folder_from_the_environment_is_not_built_from_the_seeds(
        tmp_path, monkeypatch) -> None:
    """$QA_INDEX_DIR is the same setting as --index: a missing index there is an error
    saying how to build one, never an index of the bundled seeds."""
    import qa

    missing = tmp_path / "missing" / "deep"
    monkeypatch.setenv("QA_INDEX_DIR", str(missing))
    monkeypatch.setattr(qa, "_default", None)
    assert QAPipeline().index_dir == missing and QAPipeline().corpus is None
    hint = f"no index at {missing}. Build one with: qa index --index {missing} ARTICLES"
    with pytest.raises(IndexNotFoundError, match=re.escape(hint)):
        qa.answer("Who is the Chechen leader?")
    runner = CliRunner()
    by_env = runner.invoke(main, ["ask", "Who is the Chechen leader?"])
    by_option = runner.invoke(main, ["ask", "Who is the Chechen leader?", "--index", str(missing)])
    assert by_env.exit_code == by_option.exit_code == 1
    assert by_env.output == by_option.output and hint in by_env.output
    with socket.socket() as probe:  # a free port: the chat fails on the index before serving
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chat = runner.invoke(main, ["chat", "--port", str(port)])
    assert chat.exit_code == 1 and hint in chat.output, chat.output
    assert "Building the index" not in chat.output
    assert not (tmp_path / "missing").exists()


@pytest.mark.slow
def test_cli_index_and_ask(tmp_path, seeds_corpus) -> None:
    runner = CliRunner()
    index = str(tmp_path / "idx")
    res = runner.invoke(main, ["-q", "index", str(seeds_corpus), "--index", index])
    assert res.exit_code == 0, res.output
    assert "Indexed 2 articles" in res.output

    res = runner.invoke(main, ["-q", "ask", CASES[2][0], "--index", index])
    assert res.exit_code == 0, res.output
    assert "Ramzan Kadyrov" in res.output and ART1 in res.output

    res = runner.invoke(main, ["-q", "ask", CASES[0][0], "--index", index, "--json"])
    data = json.loads(res.output)
    assert data["text"] == "DeirEzzor24" and data["sources"][0]["doc_id"] == ART1

    res = runner.invoke(main, ["-q", "ask", UNANSWERABLE[0], "--index", index, "--top-k", "3"])
    assert res.exit_code == 0 and "Not found in the articles" in res.output


def test_cli_errors_are_one_line_without_traceback(tmp_path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["ask", "Who?", "--index", str(tmp_path / "missing")])
    assert res.exit_code == 1
    assert res.output.startswith("Error: no index at") and "qa index" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(main, ["ask", "   ", "--index", str(tmp_path / "missing")])
    assert res.exit_code == 1 and "question is empty" in res.output


def test_clean_question() -> None:
    assert clean_question("  Who\tis\x00 he?\n") == "Who is he?"
    with pytest.raises(QuestionError, match="empty"):
        clean_question(" \n ")
    with pytest.raises(QuestionError, match="limit is 1,000"):
        clean_question("x" * 1001)


def test_pipeline_settings_are_validated(tmp_path) -> None:
    with pytest.raises(ConfigError):
        QAPipeline(tmp_path, top_k=0)
    with pytest.raises(ConfigError):
        QAPipeline(tmp_path, threshold=1.5)
    with pytest.raises(IndexNotFoundError):
        QAPipeline(tmp_path / "none").answer("Who?")


def _hit(i: int, text: str) -> Retrieved:
    passage = Passage(f"d{i}", f"T{i}", text, 100 * i, 100 * i + len(text), i)
    return Retrieved(passage, 0.1 / (i + 1))


def test_compose_merges_the_same_answer_across_passages_and_abstains() -> None:
    hits = [_hit(0, "Paris is big. Lyon too."), _hit(1, "The capital, PARIS!"), _hit(2, "Nothing")]
    readings = [Reading((Span("Paris", 0, 5, 0.5), Span("Lyon", 14, 18, 0.3)), 0.1),
                Reading((Span("PARIS", 13, 18, 0.7),), 0.05),
                Reading((), 0.9)]
    a = compose_answer("Capital?", hits, readings, threshold=0.4)
    assert a.text == "PARIS" and a.score == 0.7
    assert [s.doc_id for s in a.sources] == ["d1", "d0", "d2"]
    assert [(s.answer_start, s.answer_end) for s in a.sources] == [(113, 118), (0, 5),
                                                                    (None, None)]
    assert [alt.text for alt in a.alternatives] == ["Lyon"]
    weak = compose_answer("Capital?", hits, readings, threshold=0.75)
    assert weak.text is None and weak.score == 0.7
    assert not any(s.has_answer for s in weak.sources)
    assert [alt.text for alt in weak.alternatives] == ["PARIS", "Lyon"]


def test_clean_question_removes_escapes_and_format_characters() -> None:
    assert clean_question("Who \x1b[31mfounded\x1b[0m the bakery?") == "Who founded the bakery?"
    assert clean_question("Who\u200bfounded it?") == "Who founded it?"  # a word break
    # joiners stay, as in articles: part of how Persian words and emoji are written
    assert clean_question("Who\u200dfounded it?") == "Who\u200dfounded it?"
    assert clean_question("Who \x1b]8;;http://x\x1b\\founded it\x1b]8;;\x1b\\?") == (
        "Who founded it?")  # a terminal hyperlink
    assert clean_question("Who \x1b(B\x9b31mfounded it?") == "Who founded it?"
    assert clean_question("\u202eWho founded it?\u202c\ufeff") == "Who founded it?"
    assert clean_question("Who\x00founded\x07it?") == "Who founded it?"  # controls: spaces
    assert clean_question("\u0622\u200c\u0647") == "\u0622\u200c\u0647"


def test_a_pipeline_given_no_model_follows_a_rebuild_with_another(tmp_path, caplog) -> None:
    """A chat (one pipeline, no model given) and `qa index --rebuild --embedding-model B`
    in another process: the chat answers from the new index with B, and its next upload
    reuses B's vectors and keeps B (it kept the old model: answers stayed on the old index
    with a warning, and the upload re-embedded everything with it, undoing the rebuild)."""
    import logging

    from qa.embed import default_embedding_model
    from qa.index import IndexStore

    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "lighthouse.txt").write_text(
        "The Skerryvore lighthouse was designed by Alan Stevenson and completed in 1844.\n",
        encoding="utf-8")
    chat = QAPipeline(tmp_path / "index", corpus=corpus)
    assert "Stevenson" in (chat.answer("Who designed the Skerryvore lighthouse?").text or "")
    other_model = tmp_path / "model-b"
    shutil.copytree(default_embedding_model(), other_model)
    QAPipeline(tmp_path / "index", embedding_model=str(other_model)).build([corpus],
                                                                          rebuild=True)
    with caplog.at_level(logging.INFO, logger="qa.pipeline"):
        found = chat.answer("Who designed the Skerryvore lighthouse?")
    assert found.text is not None and "Stevenson" in found.text
    assert f"built with the embedding model {other_model.resolve()}" in caplog.text
    (corpus / "bell.txt").write_text("The bell rock light was lit in 1811.\n", encoding="utf-8")
    stats, _ = chat.add_documents()
    assert stats.embedded_documents == ["bell.txt"]  # the lighthouse's vectors reused
    assert IndexStore(tmp_path / "index").read_manifest()["embedding_model"] == \
        str(other_model.resolve())
    # one's own embedder is kept, whatever the index was built with
    mine = QAPipeline(tmp_path / "index")
    from qa.embed import Embedder

    own = mine.embedder = Embedder()
    mine._follow_embedding_model()
    assert mine.embedder is own

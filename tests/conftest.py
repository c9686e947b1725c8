"""Shared fixtures: real models, indexes under tmp paths, never the repo's index/."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Never reach for a model hub, and never write the repo's default index from tests.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_default_index(tmp_path_factory: pytest.TempPathFactory,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path_factory.mktemp("default-index") / "index"))


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """qa as installed from a wheel, not run from the checkout: its PROJECT_ROOT is a
    site-packages folder (no pyproject.toml, index/ or seeds/), HOME a fresh folder, and
    none of $QA_INDEX_DIR, $QA_CORPUS, $XDG_DATA_HOME set."""
    import qa
    import qa.config

    site, home = tmp_path / "site-packages", tmp_path / "home"
    site.mkdir()
    home.mkdir()
    monkeypatch.setattr(qa.config, "PROJECT_ROOT", site)
    monkeypatch.setattr(qa, "_default", None)
    monkeypatch.setenv("HOME", str(home))
    for name in ("QA_INDEX_DIR", "QA_CORPUS", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    return {"site": site, "home": home}


@pytest.fixture(scope="session")
def seeds_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of seeds/ (tests may add files to it)."""
    dest = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(SEEDS, dest)
    return dest


@pytest.fixture(scope="session")
def seeds_pipeline(tmp_path_factory: pytest.TempPathFactory, seeds_corpus: Path):
    """A QAPipeline over the seeds with the shipped reader, index built once per session."""
    from qa.pipeline import QAPipeline

    pipe = QAPipeline(tmp_path_factory.mktemp("seeds-index") / "index", corpus=seeds_corpus)
    pipe.build([seeds_corpus])
    return pipe


def write_city_squad(path: Path, quarry: bool = False) -> Path:
    """A SQuAD file of 3 articles x 7 paragraphs, one "When was ... finished?" each.

    With ``quarry``, each paragraph names a second city in a sentence of its own."""
    cities = ["Arlon", "Bexley", "Corvo", "Dunmore", "Elgin", "Fenwick", "Gorran", "Hallam"]
    data = []
    for a, topic in enumerate(["river", "bridge", "castle"]):
        paragraphs = []
        for p, city in enumerate(cities[:7]):
            year = 1700 + 13 * p + a
            context = f"The {topic} of {city} was finished in {year} by {city}'s masons."
            if quarry:
                context += f" Its stone came from {cities[p + 1]}."
            paragraphs.append({"context": context, "qas": [{
                "id": f"{a}-{p}", "question": f"When was the {topic} of {city} finished?",
                "answers": [{"text": str(year), "answer_start": context.index(str(year))}]}]})
        data.append({"title": topic, "paragraphs": paragraphs})
    path.write_text(json.dumps({"data": data}))
    return path


@pytest.fixture(scope="session")
def other_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of one article that the seeds' gold files are not about (the wrong index)."""
    from qa.pipeline import QAPipeline

    corpus = tmp_path_factory.mktemp("other-corpus")
    (corpus / "rivers.md").write_text(
        "# Rivers\n\nThe Elbe flows through Dresden and Hamburg into the North Sea. The Rhine "
        "flows through Basel, Cologne and Rotterdam.\n", encoding="utf-8")
    index = tmp_path_factory.mktemp("other-index") / "index"
    QAPipeline(index).build([corpus])
    return index


@pytest.fixture(scope="session")
def tiny_distilbert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real but untrained DistilBERT QA model (its tokenizer gives no token_type_ids),
    one small layer over the shipped reader's vocabulary, saved in a folder."""
    from transformers import (
        DistilBertConfig,
        DistilBertForQuestionAnswering,
        DistilBertTokenizerFast,
    )

    folder = tmp_path_factory.mktemp("tiny-distilbert")
    tok = DistilBertTokenizerFast(tokenizer_file=str(REPO / "qa/models/reader/tokenizer.json"))
    config = DistilBertConfig(vocab_size=tok.vocab_size, dim=32, hidden_dim=64, n_layers=1,
                              n_heads=2)
    DistilBertForQuestionAnswering(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def chat_over_a_note(tmp_path: Path) -> tuple[Any, Any, Path]:
    """(pipeline, ChatService, staging folder): a chat over an index of one short note,
    its uploads in tmp_path/uploads, and a folder to put the files to upload in."""
    from qa.pipeline import QAPipeline
    from ui.service import ChatService

    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("The museum of Porthaven shows old fishing nets.\n")
    pipe = QAPipeline(tmp_path / "index", corpus=corpus)
    pipe.build([corpus])
    staging = tmp_path / "staging"
    staging.mkdir()
    return pipe, ChatService(pipe, tmp_path / "uploads"), staging

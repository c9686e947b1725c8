"""Benchmarks (figures, not tests): answer latency per stage, reader latency, indexing speed."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import default_corpus
from qa.errors import ConfigError
from qa.hardware import cpu_description

logger = logging.getLogger(__name__)

SEED_QUESTIONS = [
    "Who has Russia reportedly recruited to fight in Ukraine?",
    "What length of contract is Russia offering Syrian volunteers?",
    "Which website first reported the recruitment?",
    "Who is Bashar al-Assad's ally?",
    "Where did the Russian volunteers fight before Syria?",
    "What does the Pentagon say about Syrian fighters arriving in Ukraine?",
    "Why were Syrian fighters recruited?",
    "How are Russians recruited online?",
]


def percentiles(values: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=float)
    return {"p50": round(float(np.percentile(arr, 50)), 1),
            "p95": round(float(np.percentile(arr, 95)), 1),
            "mean": round(float(arr.mean()), 1)}


def bench_indexing(corpus: Path, repeats: int = 3) -> dict[str, Any]:
    """Index ``corpus`` from scratch ``repeats`` times after the models load."""
    from qa.pipeline import QAPipeline

    with tempfile.TemporaryDirectory() as tmp:
        pipe = QAPipeline(Path(tmp) / "warm", corpus=corpus)
        pipe.embedder.load()
        pipe.embedder.encode(["warm up"])
        runs = []
        for i in range(repeats):
            store_dir = Path(tmp) / f"run{i}"
            run = QAPipeline(store_dir, corpus=corpus)
            run.embedder = pipe.embedder
            t0 = time.perf_counter()
            stats, _ = run.build([corpus])
            runs.append((time.perf_counter() - t0, stats.passages))
    seconds = min(s for s, _ in runs)
    passages = runs[0][1]
    return {"documents_dir": str(corpus), "passages": passages,
            "seconds": round(seconds, 3), "passages_per_second": round(passages / seconds, 1)}


def bench_answers(questions: Sequence[str], corpus: Path, rounds: int = 3) -> dict[str, Any]:
    """Latency of ``answer()`` per stage, models loaded and warmed up first."""
    from qa.pipeline import QAPipeline

    with tempfile.TemporaryDirectory() as tmp:
        pipe = QAPipeline(Path(tmp) / "index", corpus=corpus)
        pipe.build([corpus])
        pipe.answer(questions[0])  # warm-up: loads the reader
        stages: dict[str, list[float]] = {}
        for _ in range(rounds):
            for q in questions:
                a = pipe.answer(q)
                for k, v in a.timings_ms.items():
                    stages.setdefault(k, []).append(v)
    return {"questions": len(questions) * rounds,
            "stages_ms": {k: percentiles(v) for k, v in stages.items()}}


def bench_reader(passages: int = 5, words: int = 150, rounds: int = 10,
                 compile: bool = False, corpus: Path | None = None) -> dict[str, Any]:
    """Reader alone: one question over ``passages`` passages of about ``words`` words.

    The passages are cut from the seed articles, else (an installed copy has none) from
    the ``.txt`` files of ``corpus``. With ``compile``, the reader is compiled first (not
    timed; see ``compile_seconds``)."""
    from qa.reader import ExtractiveReader

    source = default_corpus() or corpus
    if source is None:
        raise ConfigError("no articles to cut the reader's passages from: give a corpus")
    corpus_text = " ".join(p.read_text(encoding="utf-8") for p in
                           sorted(source.glob("*.txt"))).split()
    if len(corpus_text) < words:
        corpus_text = corpus_text * (words // max(1, len(corpus_text)) + 1)
    chunks = [" ".join(corpus_text[(i * words) % max(1, len(corpus_text) - words):][:words])
              for i in range(passages)]
    reader = ExtractiveReader(compile=compile)
    reader.load()  # not part of compile_seconds
    t0 = time.perf_counter()
    reader.warm_up()
    compile_seconds = time.perf_counter() - t0
    reader.read(SEED_QUESTIONS[0], chunks)
    times = []
    for i in range(rounds):
        t0 = time.perf_counter()
        reader.read(SEED_QUESTIONS[i % len(SEED_QUESTIONS)], chunks)
        times.append((time.perf_counter() - t0) * 1e3)
    out = {"passages": passages, "words_per_passage": words, "precision": reader.dtype,
           "compiled": reader.compile, "cpu": cpu_description(),
           "latency_ms": percentiles(times)}
    if compile:
        out["compile_seconds"] = round(compile_seconds, 1)
    return out

"""The reader under torch.compile: the same readings, compiled up front or in the
background, and plain reading when compiling fails."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from qa.errors import ConfigError
from qa.metrics import normalize_answer
from qa.reader import ExtractiveReader
from tests.test_reader import SEED_CASES

pytestmark = pytest.mark.slow

PASSAGES = [case[1] for case in SEED_CASES]


class Counting:
    """Calls through to ``fn`` and counts the calls."""

    def __init__(self, fn: Any) -> None:
        self.fn, self.calls = fn, 0

    def __call__(self, **kwargs: Any) -> Any:
        self.calls += 1
        return self.fn(**kwargs)


def _best_texts(reader: ExtractiveReader, question: str, passages: list[str]) -> list[str]:
    return [r.best.text if r.best else "" for r in reader.read(question, passages)]


def test_compiled_reader_reads_as_the_plain_one() -> None:
    plain = ExtractiveReader(precision="fp32")
    compiled = ExtractiveReader(precision="fp32", compile=True)
    compiled.warm_up()
    assert compiled.compile, "torch.compile failed here (is a C++ compiler installed?)"
    counting = Counting(compiled._compiled)
    compiled._compiled = counting
    for question, passage, _ in SEED_CASES[:4]:
        for passages in ([passage], [passage, *PASSAGES[4:7]]):  # one and several passages
            a, b = compiled.read(question, passages), plain.read(question, passages)
            for x, y in zip(a, b):
                assert x.best is not None and y.best is not None
                assert (x.best.text, x.best.start) == (y.best.text, y.best.start)
                assert x.best.score == pytest.approx(y.best.score, rel=1e-3, abs=1e-5)
                assert x.no_answer_score == pytest.approx(y.no_answer_score, rel=1e-3,
                                                          abs=1e-5)
    assert counting.calls == 8


def test_background_warm_up_reads_plainly_until_compiled() -> None:
    reader = ExtractiveReader(compile=True)
    reader.load()
    plain = Counting(reader._model)
    reader._model = plain
    question, passage, golds = SEED_CASES[2]
    thread = reader.warm_up(background=True)
    assert thread is not None
    during = _best_texts(reader, question, [passage])  # while the thread compiles
    assert plain.calls >= 1
    thread.join(timeout=600)
    assert not thread.is_alive() and reader.compile
    calls_before = plain.calls
    after = _best_texts(reader, question, [passage])
    assert plain.calls == calls_before  # the compiled model read it
    assert normalize_answer(during[0]) == normalize_answer(after[0]) == normalize_answer(golds[0])


def test_a_failed_compile_falls_back_to_plain_reading(monkeypatch, caplog) -> None:
    import torch

    def broken_compile(model: Any, **kwargs: Any) -> Any:
        def run(**inputs: Any) -> Any:
            raise RuntimeError("InductorError: no working C++ compiler found")
        return run

    monkeypatch.setattr(torch, "compile", broken_compile)
    question, passage, _ = SEED_CASES[0]
    reader = ExtractiveReader(compile=True)
    with caplog.at_level(logging.WARNING, logger="qa.reader"):
        got = _best_texts(reader, question, [passage])
    assert got == _best_texts(ExtractiveReader(), question, [passage])
    assert not reader.compile and reader._compiled is None
    assert "torch.compile of the reader failed" in caplog.text
    assert "no working C++ compiler" in caplog.text and "QA_READER_COMPILE=0" in caplog.text
    assert reader.warm_up(background=True) is None  # nothing left to compile


def test_compile_setting_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("QA_READER_COMPILE", raising=False)
    assert not ExtractiveReader().compile
    for value, expected in (("1", True), ("On", True), ("0", False), ("false", False)):
        monkeypatch.setenv("QA_READER_COMPILE", value)
        assert ExtractiveReader().compile is expected
    assert not ExtractiveReader(compile=False).compile  # an argument wins
    monkeypatch.setenv("QA_READER_COMPILE", "fast")
    with pytest.raises(ConfigError, match="QA_READER_COMPILE"):
        ExtractiveReader()
    with pytest.raises(ConfigError, match="int8"):
        ExtractiveReader(compile=True, int8=True)


def test_warm_up_without_compile_only_loads() -> None:
    reader = ExtractiveReader(compile=False)
    assert reader.warm_up() is None and reader.warm_up(background=True) is None
    assert reader._model is not None and reader._compiled is None

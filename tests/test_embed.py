"""The embedder: bf16 encodings that agree with fp32 ones (precision settings:
tests/test_hardware.py)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from qa.embed import DEFAULT_MODEL_ID, Embedder, default_embedding_model, model_id, same_model
from qa.errors import ModelLoadError
from tests.test_reader import SEED_CASES


def test_bf16_vectors_agree_with_fp32_and_find_the_same_passages() -> None:
    questions = [q for q, _, _ in SEED_CASES]
    passages = sorted({p for _, p, _ in SEED_CASES})
    fp32, bf16 = Embedder(precision="fp32"), Embedder(precision="bf16")
    p32, p16 = fp32.encode(passages), bf16.encode(passages)
    q32, q16 = fp32.encode(questions), bf16.encode(questions)
    assert p16.dtype == np.float32 and p16.shape == p32.shape
    assert np.allclose(np.linalg.norm(p16, axis=1), 1.0, atol=1e-5)
    assert not np.array_equal(p16, p32)  # bf16 really computed in bf16
    assert (p16 * p32).sum(axis=1).min() > 0.999
    assert ((q16 @ p16.T).argmax(axis=1) == (q32 @ p32.T).argmax(axis=1)).all()


def test_a_missing_model_folder_is_named(tmp_path) -> None:
    with pytest.raises(ModelLoadError, match="no embedding model folder at .*missing"):
        Embedder(tmp_path / "missing").load()


@pytest.mark.parametrize("level, progress, shown", [
    (logging.INFO, True, True),       # qa index: the bar, as qa eval's (a log file too)
    (logging.ERROR, True, False),     # qa -q: no bars
    (logging.INFO, False, False),     # a question's one vector: never a bar
])
def test_the_embedding_bar_follows_the_log_level_as_ours_do(
        level: int, progress: bool, shown: bool, caplog) -> None:
    seen: list[bool] = []

    class Model:
        def encode(self, texts, *, show_progress_bar, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(show_progress_bar)
            return np.ones((len(texts), 4), dtype=np.float32)

    embedder = Embedder("stub", precision="fp32")
    embedder._model = Model()
    caplog.set_level(level, logger="qa.embed")
    embedder.encode(["one", "two"], progress=progress)
    assert seen == [shown]


def test_a_local_model_folder_is_named_by_its_absolute_path(tmp_path, monkeypatch) -> None:
    (tmp_path / "emb").mkdir()
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path.resolve() / "emb")
    assert model_id("./emb/") == model_id("emb") == model_id(absolute) == absolute
    assert Embedder("./emb/").name == Embedder(tmp_path / "emb").name == absolute
    # hub ids (no such folder here) as given; the shipped model by its hub id
    assert model_id("some-org/other-model") == "some-org/other-model"
    assert model_id(default_embedding_model() + "/") == DEFAULT_MODEL_ID
    assert model_id("bad\x00name") == "bad\x00name"  # no path can have it: as given


def test_an_old_record_of_a_local_folder_is_the_same_model(tmp_path, monkeypatch) -> None:
    (tmp_path / "emb").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    absolute = model_id("emb")
    assert same_model(absolute, absolute)
    assert same_model("./emb/", absolute) and same_model("emb", absolute)
    assert not same_model("elsewhere", absolute)
    assert not same_model("some-org/other-model", absolute)
    assert not same_model(None, absolute) and not same_model("", absolute)
    assert not same_model("bad\x00name", absolute) and not same_model(7, absolute)
    monkeypatch.chdir(tmp_path / "elsewhere")  # "emb" is no folder from here
    assert not same_model("emb", absolute)


RUSSIAN = "Москва является столицей Российской Федерации и крупнейшим городом страны. " * 15


def test_passages_longer_than_the_model_reads_are_counted() -> None:
    embedder = Embedder()
    english = "Bees make honey from the nectar of flowers. " * 15  # 120 words
    assert len(RUSSIAN.split()) == 135  # fewer words, far more tokens
    assert embedder.max_tokens == 256
    assert embedder.count_over_limit([english, RUSSIAN, english]) == 1
    assert embedder.count_over_limit([RUSSIAN] * 3, batch=2) == 3
    assert embedder.count_over_limit([]) == 0

"""The embedder: precision settings, and bf16 encodings that agree with fp32 ones."""

from __future__ import annotations

import numpy as np
import pytest

import qa.hardware
from qa.embed import Embedder
from qa.errors import ConfigError
from tests.test_reader import SEED_CASES


def test_precision_is_validated_and_auto_follows_the_cpu(monkeypatch) -> None:
    with pytest.raises(ConfigError, match="embedding precision"):
        Embedder(precision="fp16")
    monkeypatch.setattr(qa.hardware, "native_bf16", lambda: True)
    assert Embedder().dtype == "bf16"
    monkeypatch.setattr(qa.hardware, "native_bf16", lambda: False)
    assert Embedder().dtype == "fp32"
    assert Embedder(precision="bf16").dtype == "bf16"


def test_precision_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("QA_EMBED_PRECISION", "fp32")
    assert Embedder().dtype == "fp32"
    assert Embedder(precision="bf16").dtype == "bf16"  # an argument wins
    monkeypatch.setenv("QA_EMBED_PRECISION", "half")
    with pytest.raises(ConfigError, match="QA_EMBED_PRECISION"):
        Embedder()


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

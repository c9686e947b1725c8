"""The embedder: bf16 encodings that agree with fp32 ones (precision settings:
tests/test_hardware.py)."""

from __future__ import annotations

import numpy as np
import pytest

from qa.embed import Embedder
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

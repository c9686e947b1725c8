"""Training windows (qa.windows) with real tokenizers and models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.squad import QAExample
from qa.training import default_base_model
from qa.windows import collate, featurize


@pytest.fixture(scope="module")
def tokenizer():  # type: ignore[no-untyped-def]
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(default_base_model())


def make_example(context: str, answer: str, question: str = "Who wrote it?") -> QAExample:
    return QAExample("x", "t", question, context, (answer,), context.index(answer))


EXAMPLES = [make_example("It was written by Ada Lovelace in 1843.", "Ada Lovelace"),
            QAExample("n", "t", "Who?", "Nobody here.", ("x",), None)]


def test_windows_of_a_tokenizer_with_token_types_carry_them(tokenizer) -> None:
    feats = featurize(EXAMPLES, tokenizer, 64, 16)
    assert feats.token_type_ids is not None and len(feats.token_type_ids) == len(feats)
    batch = collate(feats, np.arange(len(feats)), tokenizer.pad_token_id)
    assert batch["token_type_ids"].shape == batch["input_ids"].shape
    assert batch["token_type_ids"].max() == 1  # the passage's tokens


def test_windows_of_a_model_without_token_types_train(tiny_distilbert: Path) -> None:
    # DistilBERT's (and RoBERTa's) tokenizer gives no token_type_ids: featurize raised KeyError
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_distilbert)
    feats = featurize(EXAMPLES, tok, 64, 16)
    assert feats.token_type_ids is None and len(feats) == 2
    assert feats.starts[0] > 0 and feats.starts[1] == 0
    batch = collate(feats, np.arange(len(feats)), tok.pad_token_id)
    assert "token_type_ids" not in batch
    model = AutoModelForQuestionAnswering.from_pretrained(tiny_distilbert)
    loss = model(**batch).loss.item()  # the model takes the batch as it is
    assert loss > 0

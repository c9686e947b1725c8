"""Training windows (qa.windows) with real tokenizers and models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.reader import fitting_stride
from qa.squad import QAExample
from qa.training import default_base_model
from qa.windows import collate, featurize, label_window


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



def test_a_long_question_narrows_the_stride_instead_of_panicking(tokenizer) -> None:
    # max_length 128, stride 100 and a 28-token question: the tokenizer panicked (pyo3
    # PanicException, a BaseException) as the passage had only 128 - 3 - 28 = 97 tokens
    context = " ".join(f"Word{i} is here." for i in range(40)) + " Ada Lovelace wrote it."
    long_q = "Who " + "really " * 24 + "wrote it?"
    assert len(tokenizer(long_q, add_special_tokens=False)["input_ids"]) == 28
    assert fitting_stride(tokenizer, 128, 100, 28) == 96
    assert fitting_stride(tokenizer, 128, 100, 4) == 100
    examples = [make_example(context, "Ada Lovelace", long_q),
                make_example(context, "Ada Lovelace")]
    feats = featurize(examples, tokenizer, 128, 100)
    long, short = (featurize([ex], tokenizer, 128, 100) for ex in examples)
    # each example's windows, in the order of the examples, the long question's 96 apart
    assert [x.tolist() for x in feats.input_ids] == [
        x.tolist() for x in long.input_ids + short.input_ids]
    alone = tokenizer(long_q, context, truncation="only_second", max_length=128, stride=96,
                      return_overflowing_tokens=True)
    assert [x.tolist() for x in long.input_ids] == alone["input_ids"]
    assert (long.starts > 0).any() and (short.starts > 0).any()


def test_an_overlong_question_is_cut_as_the_reader_cuts_it(tokenizer) -> None:
    ex = make_example("It was written by Ada Lovelace in 1843. " * 10, "Ada Lovelace",
                      "Who " + "really " * 150 + "wrote it?")
    feats = featurize([ex], tokenizer, 128, 60)
    assert len(feats) > 1 and all(len(x) <= 128 for x in feats.input_ids)
    assert feats.token_type_ids is not None and (feats.starts > 0).any()
    for types in feats.token_type_ids:  # [CLS], 64 question tokens, [SEP]
        assert int((types == 0).sum()) == 66


@pytest.mark.parametrize("gold", ["Ada Lovelace ", " Ada Lovelace", "  Ada Lovelace \n "])
def test_a_gold_answer_with_spaces_at_its_edges_labels_only_its_words(tokenizer,
                                                                       gold: str) -> None:
    # labelled one token too wide: 'ada lovelace in', 'by ada lovelace'
    context = "The program was written by  Ada Lovelace \n in 1843."
    start = context.index(gold)
    ex = QAExample("x", "t", "Who wrote it?", context, (gold,), start)
    enc = tokenizer(ex.question, context, return_offsets_mapping=True)
    s, e = label_window(ex, enc.sequence_ids(0), enc["offset_mapping"])
    offsets = enc["offset_mapping"]
    assert context[offsets[s][0] : offsets[e][1]] == "Ada Lovelace"
    assert tokenizer.decode(enc["input_ids"][s : e + 1]) == "ada lovelace"
    blank = QAExample("x", "t", "Who wrote it?", context, ("  ",), context.index("  "))
    assert label_window(blank, enc.sequence_ids(0), offsets) == (0, 0)

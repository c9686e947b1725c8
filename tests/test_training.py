from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.errors import ConfigError
from qa.squad import QAExample, load_squad, mine_negatives, split_by_article
from qa.training import TrainConfig, default_base_model, train_reader
from qa.windows import label_window, make_batches
from tests.conftest import FIXTURES, write_city_squad

TINY = FIXTURES / "squad_tiny.json"


@pytest.fixture(scope="module")
def tokenizer():  # type: ignore[no-untyped-def]
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(default_base_model())


def windows(tokenizer, ex: QAExample, max_length: int, stride: int):  # type: ignore[no-untyped-def]
    enc = tokenizer(ex.question, ex.context, truncation="only_second", max_length=max_length,
                    stride=stride, return_overflowing_tokens=True, return_offsets_mapping=True)
    for i in range(len(enc["input_ids"])):
        s, e = label_window(ex, enc.sequence_ids(i), enc["offset_mapping"][i])
        yield enc["input_ids"][i], enc["offset_mapping"][i], s, e


def span_text(ex: QAExample, offsets, s: int, e: int) -> str:  # type: ignore[no-untyped-def]
    return ex.context[offsets[s][0] : offsets[e][1]]


def make_example(context: str, answer: str, question: str = "What is it?") -> QAExample:
    start = context.index(answer)
    return QAExample("x", "t", question, context, (answer,), start)


def test_label_window_answer_at_the_very_end(tokenizer) -> None:
    ex = make_example("The treaty was signed in the city of Königsberg", "Königsberg")
    (_, offsets, s, e), = windows(tokenizer, ex, 64, 16)
    assert s > 0 and span_text(ex, offsets, s, e) == "Königsberg"


def test_label_window_non_ascii_answer(tokenizer) -> None:
    ex = make_example("Le café « Zürichsee » coûte 3,50 € — très cher, dit Dvořák.", "Dvořák")
    (_, offsets, s, e), = windows(tokenizer, ex, 64, 16)
    assert span_text(ex, offsets, s, e) == "Dvořák"


def test_label_window_answer_across_a_window_boundary(tokenizer) -> None:
    filler = " ".join(f"word{i}" for i in range(60))
    ex = make_example(f"{filler} the answer is Mount Kilimanjaro in Tanzania. {filler}",
                      "Mount Kilimanjaro in Tanzania")
    labels = list(windows(tokenizer, ex, 96, 32))
    assert len(labels) > 2
    full = [(o, s, e) for _, o, s, e in labels if s > 0]
    assert full, "some window holds the whole answer"
    for offsets, s, e in full:
        assert span_text(ex, offsets, s, e) == "Mount Kilimanjaro in Tanzania"
    # a window that holds only part of the answer (or none of it) is labelled no-answer
    assert any(s == 0 and e == 0 for _, _, s, e in labels)


def test_no_answer_example_labels_cls(tokenizer) -> None:
    ex = QAExample("n", "t", "Who?", "Nobody here.", ("x",), None)
    assert [(s, e) for *_, s, e in windows(tokenizer, ex, 64, 16)] == [(0, 0)]


def test_split_by_article_holds_out_whole_articles() -> None:
    articles = load_squad(TINY)
    train, val = split_by_article(articles, 1, seed=3)
    assert len(val) == 1 and len(train) == 3
    assert not {a.title for a in train} & {a.title for a in val}
    assert split_by_article(articles, 1, seed=3)[1][0].title == val[0].title


def test_negatives_never_contain_the_answer() -> None:
    articles = load_squad(TINY)
    negs = mine_negatives(articles, 1.0, seed=0)
    assert len(negs) == sum(len(a.examples) for a in articles)
    for n in negs:
        assert n.answer_start is None
        assert not any(g.lower() in n.context.lower() for g in n.answers)


def test_batches_have_one_shape_per_bucket() -> None:
    import numpy as np

    lengths = np.array([40, 50, 60, 70, 100, 101, 200, 33, 31, 64])
    batches = make_batches(lengths, 3, seed=1)
    seen = sorted(i for b in batches for i in b)
    assert set(seen) == set(range(len(lengths)))
    for b in batches:
        assert len({(lengths[i] + 31) // 32 for i in b}) == 1


@pytest.mark.slow
def test_smoke_training_loss_falls_and_saves_a_loadable_model(tmp_path: Path) -> None:
    from transformers import AutoModelForQuestionAnswering

    cfg = TrainConfig(data=str(TINY), out=str(tmp_path / "run"), max_steps=24, batch_size=4,
                      lr=3e-4, warmup=0.0, val_articles=1, neg_ratio=0.5, save_every=12,
                      eval_every=0, compile=False, log_every=1, seed=1)
    result = train_reader(cfg)
    losses = [h["loss"] for h in result["loss_history"]]
    assert len(losses) == 24
    assert sum(losses[-4:]) / 4 < 0.7 * sum(losses[:4]) / 4
    model_dir = tmp_path / "run" / "model"
    saved = json.loads((model_dir / "training_args.json").read_text())
    assert saved["config"]["lr"] == 3e-4 and saved["data"]["val_articles"] == 1
    assert saved["config"]["device"] == cfg.device in ("cpu", "cuda")  # "auto" resolved
    assert saved["data"]["no_answer_windows"] > 0
    model = AutoModelForQuestionAnswering.from_pretrained(model_dir)
    assert model.config.architectures == ["BertForQuestionAnswering"]
    assert model.config.attention_probs_dropout_prob == 0.0
    assert (tmp_path / "run" / "checkpoint.pt").exists()

    # resuming a finished run trains no further and gives the same history
    again = train_reader(cfg)
    assert [h["loss"] for h in again["loss_history"]] == losses


@pytest.mark.slow
def test_training_ends_with_a_confidence_fitted_on_held_out_articles(tmp_path: Path) -> None:
    from qa.confidence import Calibration
    from qa.reader import ExtractiveReader
    from tests.conftest import write_city_squad

    cfg = TrainConfig(data=str(write_city_squad(tmp_path / "cities.json")),
                      out=str(tmp_path / "run"), max_steps=4, batch_size=4, val_articles=1,
                      neg_ratio=0.5, save_every=4, eval_every=0, compile=False, seed=1,
                      calibrate_questions=10)
    result = train_reader(cfg)
    # 7 held-out questions, each read with and without the paragraph that answers it
    assert result["calibration"]["readings"] == 14
    model_dir = tmp_path / "run" / "model"
    stored = Calibration.load(model_dir)
    assert stored is not None and stored.to_dict() == result["calibration"]["fit"]
    saved = json.loads((model_dir / "training_args.json").read_text())
    assert saved["calibration"]["fit"] == stored.to_dict()
    reading = ExtractiveReader(model_dir).read("When was the river of Arlon finished?",
                                               ["The river of Arlon was finished in 1700."])[0]
    assert reading.best is not None and reading.best.confidence is not None


@pytest.mark.slow
def test_fine_tuning_our_reader_with_swapped_questions(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    from qa.reader import DEFAULT_READER_PATH
    from tests.conftest import write_city_squad

    cfg = TrainConfig(data=str(write_city_squad(tmp_path / "cities.json")),
                      out=str(tmp_path / "run"), base_model=str(DEFAULT_READER_PATH),
                      max_steps=2, batch_size=4, lr=1e-9, val_articles=1, swap_ratio=1.0,
                      save_every=2, eval_every=0, compile=False, calibrate_questions=0)
    result = train_reader(cfg)
    shipped = json.loads((DEFAULT_READER_PATH / "training_args.json").read_text())
    assert result["fine_tuned_from"]["steps"] == shipped["steps"]
    assert result["data"]["train_swapped_questions"] == 14  # every training question
    assert result["data"]["val_swapped_questions"] > 0
    assert 0 <= result["validation"]["swapped_no_answer_accuracy"] <= 100
    # It started from the shipped reader's span head, not a fresh one (lr ~ 0: unchanged).
    head = "qa_outputs.weight"
    before = load_file(DEFAULT_READER_PATH / "model.safetensors")[head].float()
    after = load_file(tmp_path / "run" / "model" / "model.safetensors")[head].float()
    assert torch.allclose(before, after, atol=1e-3)


def test_negative_calibrate_questions_is_refused() -> None:
    from qa.errors import ConfigError

    with pytest.raises(ConfigError, match="calibrate_questions"):
        TrainConfig(data=str(TINY), out="x", calibrate_questions=-1)


@pytest.mark.parametrize("native, bf16, compiled", [(True, True, False), (False, False, True)])
def test_precision_and_compile_default_to_what_the_cpu_does_fast(monkeypatch, native, bf16,
                                                                 compiled) -> None:
    import qa.training

    monkeypatch.setattr(qa.training, "native_bf16", lambda: native)
    cfg = TrainConfig(data=str(TINY), out="x")
    assert (cfg.bf16, cfg.compile) == (bf16, compiled)
    explicit = TrainConfig(data=str(TINY), out="x", bf16=False, compile=False)
    assert (explicit.bf16, explicit.compile) == (False, False)


@pytest.mark.parametrize("gpu, device, bf16, compiled",
                         [(True, "cuda", True, False), (False, "cpu", False, True)])
def test_training_goes_to_a_visible_gpu_in_bf16(monkeypatch, gpu, device, bf16,
                                                compiled) -> None:
    import qa.training

    monkeypatch.setattr(qa.training, "_cuda_available", lambda: gpu)
    monkeypatch.setattr(qa.training, "native_bf16", lambda: False)
    cfg = TrainConfig(data=str(TINY), out="x")
    assert (cfg.device, cfg.bf16, cfg.compile) == (device, bf16, compiled)
    assert TrainConfig(data=str(TINY), out="x", device="cpu").device == "cpu"
    assert TrainConfig(data=str(TINY), out="x", device="cuda:1").bf16


@pytest.mark.parametrize(("max_length", "stride", "message"), [
    (256, 190, r"stride 190 must be under the 189 passage tokens .* lower stride to 188"),
    (128, 50, r"max_length 128 leaves too little room .* raise max_length to 130"),
])
def test_windows_that_cannot_hold_a_question_are_refused_up_front(
        max_length: int, stride: int, message: str) -> None:
    # 128 / 100 passed: the tokenizer panicked on a 28-token question, and the reader built
    # at the end of training refused max_length 128 after the whole run
    with pytest.raises(ConfigError, match=rf"training windows: {message}.*--max-length"):
        TrainConfig(data=str(TINY), out="x", max_length=max_length, stride=stride)
    TrainConfig(data=str(TINY), out="x", max_length=256, stride=188)


def test_unknown_training_device_is_refused() -> None:
    from qa.errors import ConfigError

    with pytest.raises(ConfigError, match="device must be auto, cpu, cuda or cuda:N"):
        TrainConfig(data=str(TINY), out="x", device="tpu")


@pytest.mark.parametrize(("ratio", "suffix", "train_key", "val_part"), [
    ("removed_ratio", "-removed", "train_answer_removed", "val_removed"),
    ("retrieved_ratio", "-ret", "train_retrieved_negatives", "val_retrieved"),
    ("context_swap_ratio", "-cswap", "train_context_swaps", "val_context_swaps"),
    ("blur_ratio", "-blur", "train_blurred_answers", "val_blurred"),
])
def test_mined_no_answer_examples_join_training_and_validation(
        ratio: str, suffix: str, train_key: str, val_part: str, tmp_path: Path) -> None:
    from qa.training import prepare_data

    # Removal and swaps within the paragraph need paragraphs of several sentences (and the
    # swaps, a second name in them); retrieval, paragraphs that share words.
    data_file = str(TINY if ratio == "removed_ratio" else write_city_squad(
        tmp_path / "cities.json", quarry=ratio == "context_swap_ratio"))
    data = prepare_data(TrainConfig(data=data_file, out="x", val_articles=1, **{ratio: 1.0}))
    held_out = getattr(data, val_part)
    assert data.stats[train_key] > 0 and held_out
    mined = [ex for ex in data.train if ex.id.endswith(suffix)]
    assert len(mined) == data.stats[train_key]
    assert all(ex.answer_start is None for ex in mined + held_out)
    # held-out examples come from held-out articles only
    assert {ex.title for ex in held_out} <= set(data.stats["val_titles"])
    assert prepare_data(TrainConfig(data=data_file, out="x", val_articles=1)).stats[
        train_key] == 0
    with pytest.raises(ConfigError, match=f"{ratio}=1.5"):
        TrainConfig(data=str(TINY), out="x", **{ratio: 1.5})


def test_split_seed_keeps_the_held_out_side_while_the_data_seed_changes() -> None:
    from qa.training import prepare_data

    def held_out(**kw):  # type: ignore[no-untyped-def]
        data = prepare_data(TrainConfig(data=str(TINY), out="x", val_articles=1, **kw))
        return data.stats["val_titles"], [ex.id for ex in data.val + data.val_negatives]

    # Some other seed holds out another article when the split follows it.
    titles = {held_out(seed=s)[0][0] for s in range(8)}
    assert len(titles) > 1
    other = next(s for s in range(8) if held_out(seed=s)[0] != held_out(seed=42)[0])
    assert held_out(seed=other, split_seed=42) == held_out(seed=42)
    assert TrainConfig(data=str(TINY), out="x", seed=5).held_out_seed == 5


def test_training_on_the_base_readers_held_out_articles_is_refused(tmp_path: Path) -> None:
    from qa.training import check_split, prepare_data

    base = tmp_path / "base"
    base.mkdir()
    check_split(str(base), ["Coffee"])  # no record: not one of our readers, nothing to keep
    (base / "training_args.json").write_text(json.dumps(
        {"config": {"seed": 7, "split_seed": 3, "val_articles": 1},
         "data": {"val_titles": ["Coffee"]}}))
    check_split(str(base), ["Honey bees", "Zürich"])
    with pytest.raises(ConfigError, match="--split-seed 3 --val-articles 1"):
        check_split(str(base), ["Honey bees", "Coffee"])
    # prepare_data applies it: a split that trains on 'Coffee' is refused.
    leaking = next(s for s in range(20)
                   if split_by_article(load_squad(TINY), 1, s)[1][0].title != "Coffee")
    with pytest.raises(ConfigError, match="holds out"):
        prepare_data(TrainConfig(data=str(TINY), out="x", base_model=str(base), val_articles=1,
                                 seed=leaking))


class _Logits:
    def __init__(self, start, end, loss=None):  # type: ignore[no-untyped-def]
        self.start_logits, self.end_logits, self.loss = start, end, loss


def _distill_batch():  # type: ignore[no-untyped-def]
    import torch

    ids = torch.ones(3, 6, dtype=torch.long)
    mask = torch.ones(3, 6, dtype=torch.long)
    mask[2, 4:] = 0
    return {"input_ids": ids, "attention_mask": mask,
            "start_positions": torch.tensor([2, 0, 1]), "end_positions": torch.tensor([3, 0, 2])}


def test_distillation_is_zero_where_the_student_matches_the_teacher() -> None:
    import torch

    from qa.training import _distill_loss

    g = torch.Generator().manual_seed(0)
    start, end = torch.randn(3, 6, generator=g), torch.randn(3, 6, generator=g)
    seen = []

    def teacher(**inputs):  # type: ignore[no-untyped-def]
        seen.append(inputs)
        keep = torch.tensor([True, False, True])
        return _Logits(start[keep], end[keep])

    same = _distill_loss(teacher, _distill_batch(), _Logits(start, end, torch.tensor(1.0)), 2.0)
    assert float(same) == pytest.approx(0.0, abs=1e-6)
    # the teacher reads only the answer-bearing windows, without the labels
    assert seen[0]["input_ids"].shape[0] == 2 and "start_positions" not in seen[0]
    other = _distill_loss(teacher, _distill_batch(),
                          _Logits(start.flip(1), end, torch.tensor(1.0)), 2.0)
    assert float(other) > 0.01
    # what a padded position says is not learnt: changing it changes nothing
    moved = start.clone()
    moved[2, 5] += 50.0
    assert float(_distill_loss(teacher, _distill_batch(),
                               _Logits(moved, end, torch.tensor(1.0)), 2.0)) == pytest.approx(
        0.0, abs=1e-6)
    # a window without its answer (the middle one) is not distilled
    moved = start.clone()
    moved[1] = moved[1].flip(0)
    assert float(_distill_loss(teacher, _distill_batch(),
                               _Logits(moved, end, torch.tensor(1.0)), 2.0)) == pytest.approx(
        0.0, abs=1e-6)


def test_distillation_needs_a_reader_and_a_weight() -> None:
    from qa.errors import ConfigError

    with pytest.raises(ConfigError, match="--distill-from"):
        TrainConfig(data="x", out="y", base_model="b", distill_weight=0.5)
    with pytest.raises(ConfigError, match="--distill-weight"):
        TrainConfig(data="x", out="y", base_model="b", distill_from="b")
    with pytest.raises(ConfigError, match="distill_weight"):
        TrainConfig(data="x", out="y", base_model="b", distill_from="b", distill_weight=1.0)


@pytest.mark.slow
def test_fine_tuning_with_distillation_from_the_shipped_reader(tmp_path: Path) -> None:
    from qa.reader import DEFAULT_READER_PATH
    from tests.conftest import write_city_squad

    shipped = str(DEFAULT_READER_PATH)
    cfg = TrainConfig(data=str(write_city_squad(tmp_path / "cities.json")),
                      out=str(tmp_path / "run"), base_model=shipped, distill_from=shipped,
                      distill_weight=0.5, max_steps=2, batch_size=4, lr=1e-9, val_articles=1,
                      blur_ratio=1.0, save_every=2, eval_every=0, compile=False,
                      calibrate_questions=0, log_every=1)
    result = train_reader(cfg)
    # the student starts as the teacher, so the distillation term is small (dropout only)
    # and half the label loss remains
    plain = train_reader(TrainConfig(**{**cfg.__dict__, "out": str(tmp_path / "plain"),
                                        "distill_from": "", "distill_weight": 0.0}))
    for with_kd, without in zip(result["loss_history"], plain["loss_history"]):
        assert 0.5 * without["loss"] - 1e-3 <= with_kd["loss"] <= 0.75 * without["loss"]
    card = (tmp_path / "run" / "model" / "MODEL_CARD.md").read_text()
    assert "| distill_weight | 0.5 |" in card and "--distill-weight 0.5" in card
    plain_card = (tmp_path / "plain" / "model" / "MODEL_CARD.md").read_text()
    assert "--distill" not in plain_card and "| distill_" not in plain_card

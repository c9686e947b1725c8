"""The `qa` command line."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from qa.errors import QAError

F = TypeVar("F", bound=Callable[..., Any])


def _friendly(fn: F) -> F:
    """Turn QAError (and a few expected failures) into one line and exit status 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except QAError as exc:
            raise click.ClickException(str(exc)) from exc
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors; no progress bars.")
def main(verbose: int, quiet: bool) -> None:
    """Ask questions over your articles; answers come with their sources."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "urllib3", "sentence_transformers", "transformers", "filelock"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@main.command("train-reader")
@click.option("--data", required=True, type=click.Path(dir_okay=False), help="SQuAD JSON file.")
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
@click.option("--val-articles", default=25, show_default=True)
@click.option("--seed", default=42, show_default=True)
@click.option("--bf16/--fp32", default=False, show_default=True,
              help="bf16 autocast: faster only on CPUs with native bf16 (AVX512-BF16, AMX).")
@click.option("--compile/--no-compile", default=True, show_default=True,
              help="torch.compile the model (about 1.5x faster after a warm-up per shape).")
@click.option("--save-every", default=200, show_default=True)
@click.option("--eval-every", default=500, show_default=True)
@click.option("--limit", default=0, help="Use only N training questions (smoke runs).")
@_friendly
def train_reader_cmd(**kwargs: Any) -> None:
    """Fine-tune the extractive reader on SQuAD, with no-answer windows.

    \b
    Example:
      qa train-reader --data squad-v1.1-train.json --out runs/reader
    """
    from qa.training import TrainConfig, train_reader

    result = train_reader(TrainConfig(**kwargs))
    click.echo(json.dumps({"validation": result["validation"], "data": {
        k: v for k, v in result["data"].items() if k != "val_titles"}}, indent=2))


@main.command("eval-reader")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--model", default=None, help="Reader model folder or hub id (default: shipped).")
@click.option("--limit", default=0, help="Evaluate only the first N questions.")
@_friendly
def eval_reader_cmd(file: str, model: str | None, limit: int) -> None:
    """EM/F1 (and no-answer accuracy) of the reader alone on a SQuAD-format FILE."""
    from qa.reader import ExtractiveReader
    from qa.reader_eval import evaluate_reader
    from qa.squad import examples_of, load_squad

    examples = examples_of(load_squad(file))
    if limit:
        examples = examples[:limit]
    click.echo(json.dumps(evaluate_reader(ExtractiveReader(model), examples), indent=2))


if __name__ == "__main__":
    main()

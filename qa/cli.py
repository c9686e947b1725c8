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


def _print_answer(a: Any) -> None:
    if a.text is None:
        click.echo("Not found in the articles.")
        if a.sources:
            click.echo("Closest passages:")
            for s in a.sources[:3]:
                click.echo(f"  - {s.title} ({s.doc_id}): \"{_snippet(s.passage, 0, 0)}\"")
        return
    click.secho(a.text, bold=True)
    click.echo(f"score {a.score:.2f}")
    for s in [s for s in a.sources if s.has_answer][:3]:
        a0 = s.answer_start - s.passage_start
        a1 = s.answer_end - s.passage_start
        click.echo(f"  from {s.title} ({s.doc_id}, chars {s.answer_start}-{s.answer_end}):")
        click.echo(f"    \"{_snippet(s.passage, a0, a1)}\"")


def _snippet(text: str, a: int, b: int, width: int = 90) -> str:
    """About ``width`` characters of ``text`` around [a, b), answer in brackets."""
    lo = max(0, a - width)
    hi = min(len(text), b + width)
    if b > a:
        body = f"{text[lo:a]}[{text[a:b]}]{text[b:hi]}"
    else:
        hi = min(len(text), 2 * width)
        body = text[:hi]
    body = " ".join(body.split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--index", "index_dir", default=None, help="Index folder (default: ./index).")
@click.option("--embedding-model", default=None, help="sentence-transformers path or hub id.")
@click.option("--max-words", default=150, show_default=True, help="Passage length in words.")
@click.option("--overlap-words", default=30, show_default=True, help="Overlap between passages.")
@click.option("--hnsw", is_flag=True, help="Approximate HNSW index (for large corpora).")
@click.option("--rebuild", is_flag=True, help="Re-embed everything, reuse nothing.")
@_friendly
def index_cmd(paths: tuple[str, ...], index_dir: str | None, embedding_model: str | None,
              max_words: int, overlap_words: int, hnsw: bool, rebuild: bool) -> None:
    """Index the articles in PATHS (folders or files; default: seeds/).

    The index then holds exactly these articles: unchanged ones are not
    re-embedded, removed ones disappear.

    \b
    Examples:
      qa index                      # the seed articles
      qa index ~/notes --index ~/notes-index
    """
    from qa.chunk import ChunkSettings
    from qa.config import default_corpus
    from qa.pipeline import QAPipeline

    pipe = QAPipeline(index_dir, embedding_model=embedding_model,
                      chunking=ChunkSettings(max_words, overlap_words),
                      index_type="hnsw" if hnsw else "flat")
    stats, report = pipe.build(list(paths) or [default_corpus()], rebuild=rebuild)
    for path, reason in report.skipped:
        click.echo(f"skipped {path}: {reason}", err=True)
    click.echo(f"Indexed {stats.documents} documents, {stats.passages} passages in "
               f"{stats.seconds:.1f}s ({len(stats.embedded_documents)} embedded, "
               f"{len(stats.reused_documents)} unchanged, {len(stats.removed_documents)} removed)"
               f" -> {pipe.index_dir}")


@main.command("ask")
@click.argument("question")
@click.option("--index", "index_dir", default=None, help="Index folder (default: ./index).")
@click.option("--top-k", default=None, type=int, help="Passages to read (default 5).")
@click.option("--threshold", default=None, type=float, help="Abstain below this score.")
@click.option("--json", "as_json", is_flag=True, help="Print Answer.to_dict() as JSON.")
@click.option("--reader-model", default=None, help="Reader model folder or hub id.")
@click.option("--embedding-model", default=None, help="sentence-transformers path or hub id.")
@_friendly
def ask_cmd(question: str, index_dir: str | None, top_k: int | None, threshold: float | None,
            as_json: bool, reader_model: str | None, embedding_model: str | None) -> None:
    """Answer QUESTION from the indexed articles, with its source.

    \b
    Examples:
      qa ask "Who did Russia recruit to fight in Ukraine?"
      qa ask "How long are the contracts?" --json
    """
    from qa.pipeline import QAPipeline

    pipe = QAPipeline(index_dir, reader_model=reader_model, embedding_model=embedding_model,
                      threshold=threshold)
    a = pipe.answer(question, top_k=top_k)
    if as_json:
        click.echo(json.dumps(a.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_answer(a)


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

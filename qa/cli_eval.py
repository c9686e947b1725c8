"""`qa eval`: the gold questions through the same path as `answer()`, with metrics, a
report and a comparison of two readers."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from qa.cli import (
    _answer_types_option,
    _friendly,
    _index_option,
    _threshold_option,
    _top_k_option,
    _writable_folder,
    main,
)


@main.command("eval")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@_index_option
@_top_k_option
@_threshold_option
@click.option("--json", "as_json", is_flag=True, help="Print every metric as one JSON object.")
@click.option("--report", "report_dir", default=None, type=click.Path(file_okay=False),
              help="Write an HTML report (index.html with plots) to this folder.")
@click.option("--reader-model", default=None, help="Reader model folder or hub id.")
@click.option("--embedding-model", default=None, help="sentence-transformers path or hub id.")
@click.option("--compare-reader", default=None, metavar="MODEL",
              help="Also run FILE with this reader (folder or hub id) and print both runs "
                   "with the differences and their paired 95% intervals.")
@_answer_types_option
@click.option("--failures", "show_failures", is_flag=True,
              help="Also list every failed question with its answer and gold answers "
                   "(with --json: a 'failures' list).")
@click.option("--predictions", "predictions_file", default=None, metavar="OUT.jsonl",
              type=click.Path(dir_okay=False),
              help="Write every question's answer, score, EM, F1, retrieval rank of the gold "
                   "answer and error kind to this file, one JSON object a line (to diff runs).")
@_friendly
def eval_cmd(file: str, index_dir: str | None, top_k: int | None, threshold: float | None,
             as_json: bool, report_dir: str | None, reader_model: str | None,
             embedding_model: str | None, compare_reader: str | None,
             answer_types: bool | None, show_failures: bool,
             predictions_file: str | None) -> None:
    """Evaluate the whole pipeline on a gold FILE of questions and answers.

    FILE holds one JSON object a line: {"id", "question", "answers": [...]},
    an empty answers list for questions the articles do not answer; - reads
    it from standard input.

    \b
    Examples:
      qa eval eval/gold.jsonl
      qa eval eval/gold.jsonl --json --report eval/reports/latest
      qa eval eval/gold.jsonl --failures
      qa eval eval/gold.jsonl --predictions runs/base.jsonl
      qa eval eval/gold.jsonl --compare-reader runs/reader/model
    """
    from qa.evaluate import (
        compute_metrics,
        failure_rows,
        format_failures,
        format_table,
        partial_rows,
        prediction_rows,
        run_gold,
    )
    from qa.gold import load_gold
    from qa.pipeline import QAPipeline

    one_run = [flag for flag, given in (("--report", report_dir), ("--failures", show_failures),
                                        ("--predictions", predictions_file)) if given]
    if compare_reader and one_run:
        raise click.UsageError(f"{one_run[0]} shows one run: leave it out with "
                               "--compare-reader")
    if (predictions_file and file != "-"
            and Path(predictions_file).resolve() == Path(file).resolve()):
        raise click.UsageError("--predictions names the gold file itself: give another file, "
                               "or the gold file would be replaced by the predictions")
    if (predictions_file and report_dir
            and Path(predictions_file).resolve() == (Path(report_dir) / "index.html").resolve()):
        raise click.UsageError("--predictions names the report's own index.html: give another "
                               "file, or the report would be replaced by the predictions")
    name = _gold_name(file)
    items = load_gold(file)
    other_reader = None
    if compare_reader:
        from qa.reader import ExtractiveReader

        other_reader = ExtractiveReader(compare_reader)
        other_reader.load()  # a wrong path fails now, not after run A
    pipe = QAPipeline(index_dir, reader_model=reader_model, embedding_model=embedding_model,
                      top_k=top_k, threshold=threshold, answer_types=answer_types)
    if report_dir:  # a folder that cannot be written fails now, not after the run
        _writable_folder(Path(report_dir))
    if predictions_file:
        _writable_folder(Path(predictions_file).parent, "the predictions", "--predictions file",
                         target=Path(predictions_file))
    if compare_reader and _same_reader(getattr(pipe.reader, "model_name", None), compare_reader):
        click.echo(f"Note: --compare-reader {compare_reader} is the configured reader itself: "
                   "A and B will match.", err=True)
    records = run_gold(pipe, items)
    metrics = _measured(compute_metrics(records, pipe.threshold, pipe.top_k), file, pipe)
    if other_reader is not None:
        _compare(file, items, pipe, records, metrics, other_reader, as_json)
        return
    if as_json:
        extra = ({"failures": failure_rows(records, pipe.threshold),
                  "partials": partial_rows(records, pipe.threshold)}
                 if show_failures else {})
        click.echo(json.dumps({**metrics, **extra}, indent=2, ensure_ascii=False))
    else:
        click.echo(format_table(metrics))
        if show_failures:
            click.echo("\n" + format_failures(records, pipe.threshold))
    if report_dir:
        from qa.report import write_report

        path = write_report(report_dir, records, metrics, pipe.threshold,
                            title=f"QA evaluation: {name}")
        click.echo(f"Report: {path}", err=as_json)
    if predictions_file:
        from qa.fileio import write_atomic

        lines = (json.dumps(row, ensure_ascii=False) + "\n"
                 for row in prediction_rows(records, pipe.threshold))
        try:
            Path(predictions_file).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(predictions_file, "".join(lines))
        except OSError as exc:
            raise click.ClickException(f"cannot write the predictions to {predictions_file} "
                                       f"({exc.strerror or exc})") from exc
        click.echo(f"Predictions: {predictions_file}", err=as_json)
    if 2 * metrics["gold_not_in_articles"] > metrics["answerable"]:
        raise click.ClickException(
            f"the gold answers of {metrics['gold_not_in_articles']} of the "
            f"{metrics['answerable']} answerable questions occur in no article of the index "
            f"{pipe.index_dir}: the figures above do not measure it. Is it the index {name} "
            "was written for? Give that one with --index (or mend the gold answers).")


def _gold_name(file: str) -> str:
    """The gold file as messages name it; reading standard input from a terminal, say so."""
    if file != "-":
        return file
    if sys.stdin is not None and sys.stdin.isatty():
        click.echo("Reading the gold file from standard input (end it with Ctrl+D) …", err=True)
    return "standard input"


def _run_info(gold: str, pipe: Any) -> dict[str, str]:
    """What an eval measured: gold file, index, models and when (UTC)."""
    import datetime

    return {
        "gold": "standard input" if gold == "-" else str(Path(gold).resolve()),
        "index": str(pipe.index_dir.resolve()),
        "reader_model": str(getattr(pipe.reader, "model_name", type(pipe.reader).__name__)),
        "embedding_model": pipe.embedder.name,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _measured(metrics: dict[str, Any], gold: str, pipe: Any) -> dict[str, Any]:
    """``metrics`` with what they measured: the answer checks, where the threshold and top-k
    came from (given, calibrated in the index, default) and the run (:func:`_run_info`)."""
    metrics["answer_types"] = pipe.answer_types
    metrics["threshold_source"] = pipe.setting_source("threshold")
    metrics["top_k_source"] = pipe.setting_source("top_k")
    metrics["run"] = _run_info(gold, pipe)
    return metrics


def _same_reader(configured: str | None, other: str) -> bool:
    """Whether ``other`` (--compare-reader) is the ``configured`` reader: the same hub id,
    or the same folder however it is written (relative, with ~, through a link)."""
    if configured is None:
        return False
    if configured == other:
        return True
    try:
        return os.path.samefile(os.path.expanduser(configured), os.path.expanduser(other))
    except (OSError, ValueError):  # not both there: not the same folder
        return False


def _compare(gold: str, items: list[Any], pipe: Any, records: list[Any],
             metrics: dict[str, Any], reader: Any, as_json: bool) -> None:
    """Answer ``items`` again on ``pipe`` (same index, threshold and top-k) with ``reader``
    instead of its own; print both runs."""
    from qa.compare import compare_runs, format_compare
    from qa.evaluate import compute_metrics, rerun_gold

    name_a = getattr(pipe.reader, "model_name", "reader")
    pipe.reader = reader
    other_records = rerun_gold(pipe, items, records)
    other = _measured(compute_metrics(other_records, pipe.threshold, pipe.top_k), gold, pipe)
    result = compare_runs(records, other_records, metrics, other, pipe.threshold, pipe.top_k)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(format_compare(result, name_a, reader.model_name))

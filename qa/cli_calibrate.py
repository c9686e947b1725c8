"""`qa calibrate`: choose the abstention threshold on a gold file and store it with the
index when it does better than what is in force; `--reset` goes back to the defaults."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import click

from qa.cli import (
    _answer_types_option,
    _friendly,
    _index_option,
    _top_k_option,
    main,
)
from qa.cli_eval import _gold_name


@main.command("calibrate")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@_index_option
@_top_k_option
@click.option("--reader-model", default=None, help="Reader model folder or hub id.")
@click.option("--embedding-model", default=None, help="sentence-transformers path or hub id.")
@_answer_types_option
@click.option("--json", "as_json", is_flag=True,
              help="Print the figures before and after, whether the threshold was stored "
                   "and why, as one JSON object.")
@click.option("--force", is_flag=True,
              help="Store the threshold chosen, with the top-k and answer checks it was "
                   "chosen with, even when it does no better than what is in force (a "
                   "--top-k chosen for speed, say); one stored already is left as it is.")
@click.option("--reset", is_flag=True,
              help="Remove the threshold, top-k and answer checks calibrated in the index, "
                   "so the defaults apply again (no FILE).")
@_friendly
def calibrate_cmd(file: str | None, index_dir: str | None, top_k: int | None,
                  reader_model: str | None, embedding_model: str | None,
                  answer_types: bool | None, as_json: bool, force: bool,
                  reset: bool) -> None:
    """Choose the abstention threshold that maximizes overall F1 on a gold FILE.

    Abstaining on an unanswerable question scores 1, answering it 0; an
    answerable one scores the F1 of its answer (0 when abstaining). The
    threshold is the middle of the widest best range. When it does better
    than what is in force, it is stored with the index, together with the
    top-k and answer checks it was chosen with, so `qa ask`, `qa eval` and
    the chat use all three from then on (unless given); otherwise nothing
    changes, unless `--force` is given (a `--top-k` you want whatever it
    scores). `--reset` removes them.

    \b
    Examples:
      qa calibrate eval/gold.jsonl
      qa calibrate my-gold.jsonl --index ~/notes-index --top-k 3
      qa calibrate my-gold.jsonl --top-k 2 --force
      qa calibrate --reset --index ~/notes-index
    """
    from qa.pipeline import QAPipeline

    if reset:
        given = [flag for flag, value in (("FILE", file), ("--top-k", top_k),
                                          ("--reader-model", reader_model),
                                          ("--embedding-model", embedding_model),
                                          ("--answer-types", answer_types),
                                          ("--force", force or None)) if value is not None]
        if given:
            raise click.UsageError(f"--reset takes no {given[0]}: it only removes what was "
                                   "calibrated")
        _reset(QAPipeline(index_dir), as_json)
        return
    if file is None:
        raise click.UsageError("give the gold FILE to calibrate on (or --reset)")
    pipe = QAPipeline(index_dir, reader_model=reader_model, embedding_model=embedding_model)
    _calibrate(pipe, file, top_k, answer_types, as_json, force)
    if reader_model:
        click.echo(f"note: calibrated for the reader {reader_model}; "
                   "recalibrate after changing the reader.", err=True)


def _calibrate(pipe: Any, file: str, top_k: int | None, answer_types: bool | None,
               as_json: bool, force: bool = False) -> None:
    from qa.calibration import calibrate, format_comparison
    from qa.evaluate import gold_missing_note
    from qa.gold import load_gold

    name = _gold_name(file)
    run = calibrate(pipe, load_gold(file), top_k=top_k, answer_types=answer_types,
                    force=force, name=name)
    before, after = run.metrics()
    before["threshold_source"] = run.before_source
    before["top_k_source"] = pipe.setting_source("top_k")
    lo, hi = run.choice.plateau
    for warning in run.warnings:  # before the figures, which a few questions hardly carry
        click.echo(f"warning: {warning}", err=True)
    note = gold_missing_note(after)  # on stdout, as eval's table has it: shown with -q too
    if as_json:
        click.echo(json.dumps({
            "gold": name, "index": str(pipe.index_dir), "before": before, "after": after,
            "plateau": [lo, hi], "stored": run.stored, "forced": run.forced,
            "reason": run.reason, "note": note,
            "warnings": list(run.warnings)}, indent=2, ensure_ascii=False))
    else:
        click.echo(format_comparison(before, after))
        click.echo(f"before: what was in force ({_source_words(run.before_source)}); after: "
                   f"the best overall F1, for thresholds in ({lo:.4f}, {hi:.4f}].")
        if run.stored:
            click.echo(f"stored {run.after.threshold:.4f} in {pipe.index_dir}, with top-k "
                       f"{run.after.top_k} and the answer checks "
                       f"{'on' if run.after.answer_types else 'off'} (overall F1 "
                       f"{run.gain:+.2f} points" + (", --force" if run.forced else "") + ").")
        else:
            click.echo(f"nothing was stored in {pipe.index_dir}: {run.reason}.")
        if note:
            click.echo(f"note: {note}")


def _source_words(source: str) -> str:
    return {"calibrated": "calibrated in the index", "default": "the defaults"}.get(source,
                                                                                   source)


def _reset(pipe: Any, as_json: bool) -> None:
    from qa.calibration import describe, in_force, reset

    removed = reset(pipe)
    now = in_force(pipe)
    if as_json:
        click.echo(json.dumps({"index": str(pipe.index_dir), "removed": removed,
                               "in_force": asdict(now)}, indent=2))
        return
    what = ", ".join(describe(key, value) for key, value in removed.items())
    click.echo(f"removed the calibrated {what} from {pipe.index_dir}" if removed
               else f"nothing calibrated was stored in {pipe.index_dir}")
    click.echo(f"in force now: {now} (the defaults)")

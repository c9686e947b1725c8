"""The `qa` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
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
            raise click.ClickException(_one_line(str(exc))) from exc
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader of our output left (`qa ask … | head -1`): not an error to report.
            # Point stdout at /dev/null so the interpreter's final flush stays quiet too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)  # 128 + SIGPIPE, as a shell reports it
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug or an OS failure: still no traceback for the user
            logging.getLogger(__name__).debug("unexpected error", exc_info=True)
            raise click.ClickException(_one_line(
                f"unexpected {type(exc).__name__}: {exc}. Run with -v to see the details."
            )) from exc

    return wrapper  # type: ignore[return-value]


#: ``qa ask`` and ``qa eval``: the answer-type check (qa/answer_type.py) on or off.
_answer_types_option = click.option(
    "--answer-types/--no-answer-types", default=None,
    help="Drop candidate answers of the wrong type (no number for how many / how much / "
         "what year / what percentage) and counts of another named thing than the one "
         "asked about; --no-answer-types answers without these checks. Default: as the "
         "index was calibrated, else on.")


class _Fraction(click.FloatRange):
    """A number from 0 to 1; 'nan' is refused too (it compares false with both ends)."""

    def __init__(self) -> None:
        super().__init__(0.0, 1.0)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"{value!r} is not a number from 0 to 1.", param, ctx)
        return number


class _ExistingPath(click.Path):
    """A path that must exist, '~' expanded first (a quoted '~/notes' too)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        return super().convert(os.path.expanduser(value), param, ctx)


class _EitherFlag(click.Option):
    """A boolean flag named two ways that mean opposite things (``--hnsw/--flat``): both on
    one command line is a usage error naming the two, where click lets the last one win
    silently. (``--x/--no-x`` pairs keep click's last-wins: there the later one is a
    deliberate override, of an alias, say.)"""

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        # each flag given appends its value, so a contradiction is still seen afterwards
        parser.add_option(obj=self, opts=self.opts, dest=self.name,
                          action="append_const", const=True)
        parser.add_option(obj=self, opts=self.secondary_opts, dest=self.name,
                          action="append_const", const=False)

    def handle_parse_result(self, ctx: click.Context, opts: Any, args: list[str]) -> Any:
        given = opts.get(self.name)
        if isinstance(given, list):
            if len(set(given)) > 1:
                raise click.BadOptionUsage(
                    self.opts[0], f"{self.opts[0]} and {self.secondary_opts[0]} contradict "
                    "each other: give one of them.", ctx=ctx)
            opts = {**opts, self.name: given[-1]}
        return super().handle_parse_result(ctx, opts, args)


#: The index folder, for every command that reads or writes one.
_index_option = click.option(
    "--index", "index_dir", default=None,
    help="Index folder (default: $QA_INDEX_DIR, else index/ in the checkout).")

#: Passages to read (``qa ask``, ``qa eval``, ``qa calibrate``) and the abstention threshold
#: (``qa ask``, ``qa eval``), checked alike as usage errors.
_top_k_option = click.option(
    "--top-k", default=None, type=click.IntRange(1, 50),
    help="Passages to read (default: what the index was calibrated with, else 5).")
_threshold_option = click.option(
    "--threshold", default=None, type=_Fraction(),
    help="Abstain below this score (default: the index's calibrated threshold, else 0.25).")


def _writable_folder(path: Path, what: str = "the report", option: str = "--report folder",
                     target: Path | None = None) -> None:
    """ClickException naming ``target`` (default: ``path``; the file to be written there)
    when ``path`` could not be created or written. Nothing is created: a run that fails
    or is stopped leaves no empty folder behind; the writing creates it."""
    import os

    existing = next(p for p in (path.absolute(), *path.absolute().parents) if p.exists())
    if not existing.is_dir():  # a file where a folder must be
        reason = f"{existing} is a file, not a folder"
    elif not os.access(existing, os.W_OK | os.X_OK):
        reason = f"{existing} is not writable" if existing == path.absolute() else (
            f"cannot create folders in {existing}: not writable")
    else:
        return
    raise click.ClickException(f"cannot write {what} to {target or path} ({reason}): choose "
                               f"another {option}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _one_line(message: str) -> str:
    """Error messages print as one line (library messages may quote multi-line errors)."""
    return " ".join(message.split())


def _version() -> str:
    """The installed package's version; the source's own when qa runs from a checkout
    that is not installed."""
    from importlib import metadata

    try:
        return metadata.version("qa")
    except metadata.PackageNotFoundError:
        from qa import __version__

        return __version__


# invoke_without_command: a bare `qa` prints the help and exits 0 (a group's default, help
# as a usage error, exits 2)
@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True)
@click.version_option(_version(), "--version", prog_name="qa",
                      message="%(prog)s %(version)s")
@click.option("-v", "--verbose", count=True,
              help="Debug log output (the default is info: progress and what was loaded).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors; no progress bars.")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Ask questions over your articles; answers come with their sources."""
    if verbose and quiet:  # two options, so not an _EitherFlag; quiet won silently
        raise click.UsageError("-v/--verbose and -q/--quiet contradict each other: give one "
                               "of them.", ctx)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        ctx.exit(0)
    level = logging.ERROR if quiet else (logging.DEBUG if verbose else logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        handlers=[BarSafeHandler()])
    for noisy in ("httpx", "urllib3", "sentence_transformers", "transformers", "filelock",
                  "faiss"):  # faiss logs at info that its optional AVX2 build is missing
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    if level > logging.DEBUG:
        _no_model_loading_bars()


class BarSafeHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Log lines to stderr above a progress bar, not glued to its end: tqdm.write clears
    the bar, writes the line and draws the bar again ("asking: 0%| | 0/2 [00:00<?]2026-12-03
    … loaded reader" before)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm

            tqdm.write(self.format(record), file=self.stream)
        except Exception:
            self.handleError(record)


def _no_model_loading_bars() -> None:
    """No "Loading weights" bars from transformers: they are noise, not our progress."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # read when they are imported
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()


@main.command("index")
@click.argument("paths", nargs=-1, type=_ExistingPath(exists=True))
@_index_option
@click.option("--embedding-model", default=None, help="sentence-transformers path or hub id.")
@click.option("--max-words", default=None, type=click.IntRange(min=10),
              help="Passage length in words (default: the index's own, else 150).")
@click.option("--overlap-words", default=None, type=click.IntRange(min=0),
              help="Overlap between passages, under half their length (default: the "
                   "index's own, else 30).")
@click.option("--hnsw/--flat", default=None, cls=_EitherFlag,
              help="Approximate HNSW index (for large corpora), or exact (default: the "
                   "index's own, else exact).")
@click.option("--rebuild", is_flag=True, help="Re-embed everything, reuse nothing.")
@click.option("--add", is_flag=True,
              help="Add PATHS to the index: index what it was built from, and PATHS "
                   "(unchanged articles are reused; PATHS are recorded too).")
@click.option("--max-file-mb", default=5.0, show_default=True,
              type=click.FloatRange(min=0, min_open=True),
              help="Skip files larger than this (megabytes).")
@_friendly
def index_cmd(paths: tuple[str, ...], index_dir: str | None, embedding_model: str | None,
              max_words: int | None, overlap_words: int | None, hnsw: bool | None,
              rebuild: bool, add: bool, max_file_mb: float) -> None:
    """Index the articles in PATHS (folders, or .txt, .md, .html and .pdf
    files; default: what the index was built from, else seeds/).

    The index then holds exactly these articles: unchanged ones are not
    re-embedded, removed ones disappear (they are named). With --add, PATHS
    are added to what the index holds. Passage length, overlap and index
    type stay as the index has them unless given.

    \b
    Examples:
      qa index                      # the seed articles (or refresh the index)
      qa index ~/notes --index ~/notes-index
      qa index --add ~/more-notes --index ~/notes-index
      qa index ~/notes --index ~/notes-index --max-words 80
    """
    from qa.config import default_corpus
    from qa.ingest import hidden_note
    from qa.pipeline import QAPipeline

    pipe = QAPipeline(index_dir, embedding_model=embedding_model,
                      index_type=None if hnsw is None else ("hnsw" if hnsw else "flat"),
                      max_file_bytes=max(1, int(max_file_mb * 1_000_000)))
    damaged = _damaged_settings(pipe, max_words is not None and overlap_words is not None,
                                hnsw is not None, rebuild)
    if max_words is not None or overlap_words is not None:
        pipe.chunking = _chunking(pipe.build_settings()[0], max_words, overlap_words,
                                  from_index=pipe.store.exists() and not damaged[0])
    _say_rebuilt_with(pipe, *damaged)
    if add and not paths:
        raise click.UsageError("--add adds PATHs to the index: give the folders and files "
                               "to add (without --add, qa index refreshes the index)")
    if paths and not add:
        stats, report = pipe.build(paths, rebuild=rebuild)
    elif pipe.store.exists() and pipe.recorded_sources() is None:
        # made before indexes recorded their sources: the seeds are no safe guess
        raise click.UsageError(
            f"the index at {pipe.index_dir} does not record what it was built from (it was "
            "made before 2026-12-02): give all the folders and files to index as PATHs"
            + (", without --add." if add else "."))
    elif pipe.store.exists():  # what it holds (and PATHs with --add), read again under
        stats, report = pipe.add_documents(paths, rebuild=rebuild)  # the lock if need be
    else:
        if not paths:  # a new index of the bundled seeds: say so, it may not be what was meant
            click.echo(f"No PATH given and no index at {pipe.index_dir} yet: indexing the "
                       f"seed articles in {default_corpus()} (give PATHs to index your own).",
                       err=True)
        stats, report = pipe.build(paths or [default_corpus()], rebuild=rebuild)
    if click.get_current_context().find_root().params.get("quiet"):
        # without -q the log's warnings have named them already
        for path, reason in report.skipped:
            click.echo(f"skipped {path}: {reason}", err=True)
        if report.hidden:
            click.echo(hidden_note(report.hidden), err=True)
    click.echo(f"Indexed {_count(stats.documents, 'article')}, "
               f"{_count(stats.passages, 'passage')} in "
               f"{stats.seconds:.1f}s ({len(stats.embedded_documents)} embedded, "
               f"{len(stats.reused_documents)} unchanged, {len(stats.removed_documents)} removed"
               + (f", {len(stats.renamed_documents)} renamed or moved"
                  if stats.renamed_documents else "") + f") -> {pipe.index_dir}")
    _say_removed(stats, paths_given=bool(paths) and not add)
    calibrated = pipe.index.settings.get("threshold")
    if calibrated is not None and (stats.embedded_documents or stats.removed_documents):
        click.echo(f"note: the threshold {calibrated:.4f} that qa calibrate chose stays in "
                   "force; with other articles it may no longer be the best: run qa calibrate "
                   "GOLD again", err=True)


#: How many added or removed articles `qa index` names (then a count of the rest).
_NAMED_REMOVALS = 3


def _named(ids: list[str]) -> str:
    """The first _NAMED_REMOVALS of ``ids``, then how many more."""
    more = len(ids) - _NAMED_REMOVALS
    return ", ".join(ids[:_NAMED_REMOVALS]) + (f" and {more} more" if more > 0 else "")


def _say_removed(stats: Any, paths_given: bool) -> None:
    """Name the articles a build added to an index that was there (an edited and renamed
    file is one: its text is new, under a new name), those it removed and the sources it
    left out; when PATHs were given (the index holds exactly those), say how to add to
    the index instead."""
    keep = ("the index holds exactly the paths given; use --add to add to it"
            if paths_given else "")
    if stats.added_documents:
        click.echo("added: " + _named(stats.added_documents))
    if stats.removed_documents:
        click.echo("removed: " + _named(stats.removed_documents) + (f" ({keep})" if keep else ""))
    if stats.dropped_sources and paths_given:
        click.echo("no longer indexes " + ", ".join(stats.dropped_sources)
                   + " (not among the paths given; use --add to keep a folder or file)")


def _damaged_settings(pipe: Any, chunking_given: bool, index_type_given: bool,
                      rebuild: bool) -> tuple[str | None, str | None]:
    """What is wrong with the passage length and overlap, and with the index type, that
    the index's manifest records and that are not given anew. Without --rebuild either
    is refused (a build would fall back to the defaults and re-embed everything in
    passages of another length, unasked): nothing is changed."""
    from qa.chunk import ChunkSettings

    chunking_problem, type_problem = pipe.damaged_build_settings()
    chunking_problem = None if chunking_given else chunking_problem
    type_problem = None if index_type_given else type_problem
    if rebuild or not (chunking_problem or type_problem):
        return chunking_problem, type_problem
    default = ChunkSettings()
    damaged = [f"passage length and overlap ({chunking_problem})"] if chunking_problem else []
    damaged += [f"index type ({type_problem})"] if type_problem else []
    fixes = ([f"--max-words and --overlap-words (the defaults are {default.max_words} and "
              f"{default.overlap_words})"] if chunking_problem else [])
    fixes += ["--flat (exact) or --hnsw (approximate)"] if type_problem else []
    raise click.ClickException(
        f"the index at {pipe.index_dir} records a damaged {' and '.join(damaged)}, so "
        "qa index cannot build with the index's own settings; nothing was changed. Give "
        f"them: run qa index again with {' and '.join(fixes)}, or with --rebuild to "
        "rebuild with the defaults.")


def _say_rebuilt_with(pipe: Any, chunking_problem: str | None,
                      type_problem: str | None) -> None:
    """With --rebuild over damaged stored settings: say which ones the rebuild takes."""
    if not (chunking_problem or type_problem):
        return
    chunking, index_type = pipe.build_settings()
    if chunking_problem:
        click.echo(f"note: the index's stored passage length and overlap are damaged "
                   f"({chunking_problem}): rebuilding with passages of {chunking.max_words} "
                   f"words overlapping by {chunking.overlap_words}", err=True)
    if type_problem:
        click.echo(f"note: the index's stored index type is damaged ({type_problem}): "
                   f"rebuilding it as a {index_type} index", err=True)


def _chunking(current: Any, max_words: int | None, overlap_words: int | None,
              from_index: bool) -> Any:
    """``current`` (ChunkSettings: the index's own when ``from_index``, else the defaults)
    with --max-words / --overlap-words applied; an overlap that does not fit is a usage
    error naming the flags."""
    words = current.max_words if max_words is None else max_words
    if overlap_words is not None and overlap_words > current.max_overlap(words):
        whose = ("" if max_words is not None else " (the index's own passage length)"
                 if from_index else " (the default passage length)")
        raise click.BadParameter(
            f"{overlap_words} is not under half of --max-words {words}{whose}: give "
            f"--overlap-words {current.max_overlap(words)} or less, or a larger --max-words.",
            param_hint="'--overlap-words'")
    return current.with_changes(max_words, overlap_words)


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


# The other commands (ask, info, chat, bench, calibrate, and the reader's own: train-reader,
# eval-reader, calibrate-reader) live in their own modules and register on `main`.
from qa import cli_ask, cli_bench, cli_calibrate, cli_chat, cli_info, cli_reader  # noqa: E402, F401, I001

if __name__ == "__main__":
    # Run as `python -m qa.cli`, this file is __main__, and qa.cli_reader registered its
    # commands on the `main` of the module qa.cli: run that one.
    cli_reader.main()

"""The `qa` command line."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from qa.errors import QAError
from qa.text import counted

F = TypeVar("F", bound=Callable[..., Any])


def _friendly(fn: F | None = None, *, interrupted: str = "Interrupted.") -> Any:
    """Turn QAError (and a few expected failures) into one line and exit status 1; Ctrl-C
    into ``interrupted`` and status 130. ``@_friendly`` or ``@_friendly(interrupted=…)``."""
    if fn is None:
        return lambda f: _friendly(f, interrupted=interrupted)

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except QAError as exc:
            raise click.ClickException(_one_line(str(exc))) from exc
        except KeyboardInterrupt:
            click.echo(interrupted, err=True)
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
@_friendly(interrupted="Interrupted: the index is left whole (a build replaces it only once "
                       "it is complete).")
def index_cmd(paths: tuple[str, ...], index_dir: str | None, embedding_model: str | None,
              max_words: int | None, overlap_words: int | None, hnsw: bool | None,
              rebuild: bool, add: bool, max_file_mb: float) -> None:
    """Index the articles in PATHS (folders, or .txt, .md, .html and .pdf
    files; default: what the index was built from, else seeds/ of the
    source checkout).

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
        seeds = default_corpus()
        if not paths and seeds is None:  # an installed copy: no seed articles to fall back on
            raise click.UsageError(f"no PATH given and no index at {pipe.index_dir} yet: give "
                                   "the folders and files of articles to index, e.g. "
                                   "qa index ~/articles")
        if not paths:  # a new index of the bundled seeds: say so, it may not be what was meant
            click.echo(f"No PATH given and no index at {pipe.index_dir} yet: indexing the "
                       f"seed articles in {seeds} (give PATHs to index your own).",
                       err=True)
        stats, report = pipe.build(paths or [str(seeds)], rebuild=rebuild)
    if click.get_current_context().find_root().params.get("quiet"):
        # without -q the log's warnings have named them already
        for path, reason in report.skipped:
            click.echo(f"skipped {path}: {reason}", err=True)
        if report.hidden:
            click.echo(hidden_note(report.hidden), err=True)
    click.echo(f"Indexed {counted(stats.documents, 'article')}, "
               f"{counted(stats.passages, 'passage')} in "
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
    file is one: its text is new, under a new name), those it renamed or moved (old and
    new name: a text the index held under another name), those it removed and the sources it
    left out; when PATHs were given (the index holds exactly those), say how to add to
    the index instead."""
    keep = ("the index holds exactly the paths given; use --add to add to it"
            if paths_given else "")
    if stats.added_documents:
        click.echo("added: " + _named(stats.added_documents))
    if stats.renamed_documents:  # the vectors of their text were reused
        click.echo("renamed or moved: " + _named([f"{old} -> {new}"
                                                  for old, new in stats.renamed_documents]))
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


# The other commands (ask, eval, info, chat, bench, calibrate, and the reader's own: train-reader,
# eval-reader, calibrate-reader) live in their own modules and register on `main`.
from qa import (  # noqa: E402, F401, I001
    cli_ask, cli_bench, cli_calibrate, cli_chat, cli_eval, cli_info, cli_reader,
)

if __name__ == "__main__":
    # Run as `python -m qa.cli`, this file is __main__, and qa.cli_reader registered its
    # commands on the `main` of the module qa.cli: run that one.
    cli_reader.main()

"""`qa calibrate`: choose the abstention threshold on a gold file, and store it in the
index only when it does better than what is in force; `qa calibrate --reset` removes it.

The gold questions are answered once (:func:`qa.evaluate.run_gold`) with the top-k and
answer checks to calibrate for, and the threshold is chosen over that run
(:func:`qa.threshold.choose_threshold`). "Before" is what was in force: the pipeline's own
threshold, top-k and answer checks (with none given to it, the index's stored ones, else the
defaults); when the top-k or answer checks differ from those, the file is answered a second
time with them, so that both columns are what their settings really do.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from qa.errors import ConfigError, DataError
from qa.evaluate import (
    LABELS,
    Record,
    compute_metrics,
    golds_in_no_article,
    mark_missing,
    rerun_gold,
    run_gold,
)
from qa.gold import GoldItem
from qa.threshold import ThresholdChoice, choose_threshold, overall_f1

if TYPE_CHECKING:
    from qa.pipeline import QAPipeline

logger = logging.getLogger(__name__)

#: What `qa calibrate` stores in the index settings, and `--reset` removes.
CALIBRATED = ("threshold", "top_k", "answer_types")

#: Below these counts a gold file is too small to calibrate on meaningfully (a warning):
#: with n questions one question moves overall F1 by 100/n points (5 at 20), and with only
#: a few questions of one kind the threshold is set by the scores of those few.
MIN_QUESTIONS = 20
MIN_OF_EACH_KIND = 5


@dataclass(frozen=True)
class Setting:
    """What answering uses: the abstention threshold, top-k and the answer checks."""

    threshold: float
    top_k: int
    answer_types: bool

    def __str__(self) -> str:
        return ", ".join(describe(key, getattr(self, key)) for key in CALIBRATED)


def describe(key: str, value: Any) -> str:
    """One calibrated setting in words: 'threshold 0.2500', 'top-k 5', 'answer checks on'."""
    if key == "threshold":
        return f"threshold {value:.4f}"
    if key == "top_k":
        return f"top-k {value}"
    return f"answer checks {'on' if value else 'off'}"


def in_force(pipeline: QAPipeline) -> Setting:
    """The pipeline's own threshold, top-k and answer checks."""
    return Setting(pipeline.threshold, pipeline.top_k, pipeline.answer_types)


@dataclass(frozen=True)
class CalibrationRun:
    """A calibration: what was in force (``before``, with its run), what was chosen
    (``after``, with its run), whether it was stored and why (or why not), and warnings."""

    before: Setting
    before_source: str  # 'calibrated' (stored in the index), 'default' or 'given'
    before_records: list[Record]
    after: Setting
    choice: ThresholdChoice
    records: list[Record]
    stored: bool
    reason: str
    warnings: tuple[str, ...] = ()
    forced: bool = False  # stored only because ``force`` was given: no better than before

    @property
    def before_f1(self) -> float:
        """Overall F1 (in [0, 1]) with what was in force."""
        return overall_f1([r.outcome for r in self.before_records], self.before.threshold)

    @property
    def gain(self) -> float:
        """Overall F1 after minus before, in points."""
        return 100 * (self.choice.overall_f1 - self.before_f1)

    def metrics(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Every figure before and after, as :func:`qa.evaluate.compute_metrics` gives them."""
        out = []
        for setting, records in ((self.before, self.before_records), (self.after, self.records)):
            m = compute_metrics(records, setting.threshold, setting.top_k)
            m["answer_types"] = setting.answer_types
            out.append(m)
        return out[0], out[1]


def small_file_warnings(items: Sequence[GoldItem], name: str) -> list[str]:
    """Why ``items`` are too few to calibrate on meaningfully (empty when they are not)."""
    n = len(items)
    answerable = sum(it.answerable for it in items)
    out = []
    if n < MIN_QUESTIONS:
        out.append(f"{name} holds only {n} questions (fewer than {MIN_QUESTIONS}): one question "
                   f"moves overall F1 by {100 / n:.0f} points, so the threshold fits these "
                   "questions rather than the articles; calibrate on a few dozen")
    for count, kind in ((answerable, "answerable"), (n - answerable, "unanswerable")):
        if 0 < count < MIN_OF_EACH_KIND:
            out.append(f"{name} holds only {count} {kind} question{'s' * (count != 1)} (fewer "
                       f"than {MIN_OF_EACH_KIND}): the threshold hinges on "
                       f"{'its score' if count == 1 else 'their scores'}")
    return out


#: Overall F1 changes this small (in points) are float rounding: no better, no worse.
_SAME = 1e-7


def calibrate(pipeline: QAPipeline, items: Sequence[GoldItem], *, top_k: int | None = None,
              answer_types: bool | None = None, store: bool = True, force: bool = False,
              name: str = "the gold file") -> CalibrationRun:
    """Answer the gold questions once with ``top_k`` and ``answer_types`` (default: the
    pipeline's), choose the threshold with the best overall F1, and store the three in the
    index settings when they do better than the pipeline's own (``before``), or whatever
    they score with ``force`` (a top-k or answer checks chosen for another reason, speed
    say, that score below what is in force); from then on ``answer()`` uses them (unless a
    pipeline is given its own).

    DataError, nothing stored: ``items`` (read from ``name``) are all of one kind (the best
    threshold would be an extreme, never answer or never abstain), checked before anything
    runs; or the gold answers of most answerable questions occur in no indexed article (the
    wrong index), checked before the questions are answered.
    """
    answerable = sum(it.answerable for it in items)
    if answerable in (0, len(items)):
        raise DataError(
            f"{name} holds only {'unanswerable' if answerable == 0 else 'answerable'} "
            "questions, so the threshold would be chosen to "
            f"{'abstain on everything' if answerable == 0 else 'never abstain'}; nothing was "
            "stored. Calibrate on questions of both kinds (an empty answers list marks one "
            "the articles do not answer).")
    if store and pipeline.retriever is not None:
        raise ConfigError("a pipeline with a retriever of its own has no index to store a "
                          "threshold in: calibrate with store=False and pass the threshold "
                          "chosen as QAPipeline(threshold=…)")
    missing: set[str] | None = None  # None: a retriever's own passages, not looked at
    if pipeline.retriever is None:
        missing = golds_in_no_article(((it.id, it.answers) for it in items),
                                      [p.text for p in pipeline.index.passages])
        if 2 * len(missing) > answerable:
            raise DataError(
                f"the gold answers of {len(missing)} of the {answerable} answerable questions "
                f"in {name} occur in no article of the index {pipeline.index_dir}: is it the "
                "index the gold file was written for (--index)? Nothing was stored.")
    before = in_force(pipeline)
    after_k = top_k or before.top_k
    after_types = before.answer_types if answer_types is None else answer_types
    records = run_gold(pipeline, items, top_k=after_k, answer_types=after_types,
                       check_golds=missing is None)
    if missing is not None:  # looked up above: the indexed text is not searched again
        records = mark_missing(records, missing)
    before_records = records
    if (after_k, after_types) != (before.top_k, before.answer_types):
        logger.info("answering again with what is in force (%s) for the figures before", before)
        before_records = rerun_gold(pipeline, items, records, top_k=before.top_k,
                                    answer_types=before.answer_types)
    choice = choose_threshold([r.outcome for r in records])
    run = CalibrationRun(before, pipeline.setting_source("threshold"), before_records,
                         Setting(choice.threshold, after_k, after_types), choice, records,
                         stored=False, reason="", warnings=tuple(small_file_warnings(items, name)))
    better = run.gain > _SAME
    if not better and not force:
        return replace(run, reason=_not_better(run))
    if not store:
        change = (f"better by {run.gain:.2f} points" if better
                  else f"worse by {-run.gain:.2f} points" if run.gain < -_SAME else "no better")
        return replace(run, reason=f"{change}; not stored (store=False)")
    if _already_stored(pipeline, run.after):  # with --force, say: nothing to write
        return replace(run, reason=(
            f"the best setting, {run.after} (overall F1 {100 * choice.overall_f1:.2f}), is "
            "the one already stored, so the threshold is unchanged"))
    # the threshold holds for the top-k and answer checks it was chosen with: they go with
    # it, as the defaults of this index
    pipeline.store.update_settings(threshold=choice.threshold, top_k=after_k,
                                   answer_types=after_types)
    pipeline.reload()
    logger.info("stored %s in %s", run.after, pipeline.index_dir)
    if not better:
        return replace(run, stored=True, forced=True, reason=(
            f"stored {run.after} as forced, although overall F1 {_f1_change(run)} what is in "
            f"force ({run.before}, overall F1 {100 * run.before_f1:.2f})"))
    return replace(run, stored=True,
                   reason=f"overall F1 better by {run.gain:.2f} points; stored {run.after}")


def _already_stored(pipeline: QAPipeline, setting: Setting) -> bool:
    """Whether the index stores ``setting`` already (storing it again would only rewrite
    the manifest)."""
    stored = pipeline.store.settings()
    threshold = stored.get("threshold")
    return (isinstance(threshold, (int, float))
            and math.isclose(threshold, setting.threshold, abs_tol=1e-9)
            and stored.get("top_k") == setting.top_k
            and stored.get("answer_types") == setting.answer_types)


def _f1_change(run: CalibrationRun) -> str:
    """'83.33 is below' or '100.00 is no better than': the chosen setting's overall F1
    against what was in force."""
    below = run.gain < -_SAME
    return f"{100 * run.choice.overall_f1:.2f} is {'below' if below else 'no better than'}"


def _not_better(run: CalibrationRun) -> str:
    """Why nothing was stored: the chosen setting's overall F1 (and the top-k and answer
    checks it differs in) against what is in force, and how to store it anyway."""
    differs = [describe(key, getattr(run.after, key)) for key in ("top_k", "answer_types")
               if getattr(run.after, key) != getattr(run.before, key)]
    if not differs and math.isclose(run.after.threshold, run.before.threshold, abs_tol=1e-9):
        # calibrated before (with --force, say): the best is what is in force already
        return (f"the best setting, {run.after} (overall F1 {100 * run.choice.overall_f1:.2f}), "
                "is already in force")
    lo, hi = run.choice.plateau
    if not differs and lo < run.before.threshold <= hi:  # storing would change no answer
        return (f"the threshold in force, {run.before.threshold:.4f}, lies in the best range "
                f"({lo:.4f}, {hi:.4f}] already (overall F1 {100 * run.choice.overall_f1:.2f}), "
                "so storing the range's middle would change no answer")
    chosen = f" with {' and '.join(differs)}" if differs else ""
    return (f"overall F1 {_f1_change(run).replace(' is', chosen + ' is', 1)} "
            f"{100 * run.before_f1:.2f} with what is in force; kept {run.before}. The best "
            f"{'for ' + ' and '.join(differs) if differs else 'setting'} is "
            f"{run.after}: add --force to store it anyway")


def reset(pipeline: QAPipeline) -> dict[str, Any]:
    """Remove what `qa calibrate` stored in the pipeline's index, so that the defaults apply
    again; return what was removed ({} when nothing was stored). IndexNotFoundError when
    there is no index (none is built)."""
    stored = pipeline.store.checked_manifest().get("settings") or {}
    removed = {key: stored[key] for key in CALIBRATED if key in stored}
    if removed:
        pipeline.store.update_settings(**dict.fromkeys(removed))
        pipeline.reload()
    return removed


def format_comparison(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Before/after figures of a calibration as a text table, each in a fixed format."""
    keys = ("threshold", "top_k", "answer_types", "answered", "abstained", "overall_f1",
            "overall_accuracy", "exact_match", "f1", "abstain_precision", "abstain_recall")
    labels = {**LABELS, "threshold": "threshold", "top_k": "top-k",
              "answer_types": "answer checks", "answered": "answered", "abstained": "abstained"}

    def fmt(key: str, v: Any) -> str:
        if key == "answer_types":
            return "on" if v is not False else "off"
        if v is None:
            return "n/a"
        if key == "threshold":
            return f"{v:.4f}"
        return str(v) if key in ("top_k", "answered", "abstained") else f"{v:.2f}"

    rows = [("", "before", "after")]
    rows += [(labels[k], fmt(k, before.get(k)), fmt(k, after.get(k))) for k in keys]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)

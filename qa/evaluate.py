"""End-to-end evaluation on a gold file.

Every gold question goes through the same ``QAPipeline.answer()`` users call,
once, with ``threshold=0.0``: that returns the best candidate and its score
whatever the configured threshold. Any threshold is applied afterwards (the
text is kept when ``score >= threshold``, exactly as ``answer()`` does), so one
run serves evaluation at the configured threshold and calibration over all of
them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from tqdm.auto import tqdm

from qa.errors import DataError, QuestionError
from qa.gold import GoldItem, load_gold  # noqa: F401 (load_gold: its old home)
from qa.intervals import bootstrap_interval, per_question
from qa.metrics import best_over_golds, contains_answer, holds_answer, normalize_text
from qa.threshold import Outcome, overall_f1
from qa.types import Answer, Source

if TYPE_CHECKING:
    from qa.pipeline import QAPipeline

logger = logging.getLogger(__name__)

#: An answer with at least this F1 against the gold answers counts as right
#: (score histogram) and one below it as a failure (error breakdown).
RIGHT_F1 = 0.5

ERROR_KINDS = ("gold_not_in_articles", "retrieval_miss", "reader_miss", "wrong_abstention",
               "answered_unanswerable")


# -- one evaluated question ----------------------------------------------------------
@dataclass(frozen=True)
class SourceRef:
    """A retrieved passage as the report shows it: ``rank`` is its 1-based place in the
    retriever's order (0: unknown), ``answer_span`` the answer's character offsets in
    ``passage`` when the answer was taken from it."""

    doc_id: str
    title: str
    passage: str
    rank: int = 0
    answer_span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Record:
    """One gold question answered with ``threshold=0.0``: its best candidate and score."""

    id: str
    question: str
    golds: tuple[str, ...]
    candidate: str | None
    score: float
    em: float  # of the candidate (0 when unanswerable or no candidate)
    f1: float
    hit_rank: int | None  # 1-based rank of the first retrieved passage holding a gold answer
    retrieved: int
    latency_ms: float
    answer_source: SourceRef | None = None
    top_source: SourceRef | None = None
    gold_source: SourceRef | None = None  # the first retrieved passage holding a gold answer
    # False when no gold answer occurs anywhere in the indexed articles (a typo in the gold
    # file, or an article that is not indexed): no retriever could have found it
    gold_in_articles: bool = True

    @property
    def answerable(self) -> bool:
        return bool(self.golds)

    def prediction(self, threshold: float) -> str | None:
        """What ``answer(threshold=threshold)`` returns as text."""
        return self.candidate if self.candidate is not None and self.score >= threshold else None

    @property
    def outcome(self) -> Outcome:
        return Outcome(self.score if self.candidate is not None else None, self.f1,
                       self.answerable)


def first_hit_rank(passages: Sequence[str], golds: Sequence[str]) -> int | None:
    """1-based rank of the first passage containing a gold answer, None when none does."""
    if not golds:
        return None
    for rank, passage in enumerate(passages, 1):
        if contains_answer(passage, golds):
            return rank
    return None


def record_from_answer(item: GoldItem, answer: Answer, latency_ms: float) -> Record:
    """Build the record of ``item`` from an answer given with ``threshold=0.0``."""
    # The retriever's order: fused scores can tie, so the rank decides, not the score.
    ranked = sorted(answer.sources, key=lambda s: (s.retrieval_rank, -s.retrieval_score))
    em, f1 = (best_over_golds(answer.text, item.answers, normalize_text) if item.answerable
              else (0.0, 0.0))

    def ref(s: Source | None) -> SourceRef | None:
        if s is None:
            return None
        span = None
        if s.answer_start is not None and s.answer_end is not None:
            span = (s.answer_start - s.passage_start, s.answer_end - s.passage_start)
        return SourceRef(s.doc_id, s.title, s.passage, s.retrieval_rank, span)

    bearing = next((s for s in answer.sources if s.has_answer), None)
    hit_rank = first_hit_rank([s.passage for s in ranked], item.answers)
    return Record(
        id=item.id, question=item.question, golds=item.answers,
        candidate=answer.text, score=float(answer.score), em=em, f1=f1,
        hit_rank=hit_rank, retrieved=len(ranked), latency_ms=latency_ms,
        answer_source=ref(bearing), top_source=ref(ranked[0] if ranked else None),
        gold_source=ref(ranked[hit_rank - 1]) if hit_rank else None,
    )


def run_gold(pipeline: QAPipeline, items: Sequence[GoldItem], *,
             top_k: int | None = None, answer_types: bool | None = None,
             check_golds: bool = True) -> list[Record]:
    """Answer every gold question once through ``pipeline.answer(threshold=0.0)`` (``top_k``
    and ``answer_types``: the pipeline's unless given).

    ``check_golds`` looks for the answers that no retrieved passage held in all the indexed
    text (:func:`mark_golds_not_in_articles`); a second run of the same file on the same
    index leaves it out and takes the first run's marks (:func:`rerun_gold`)."""
    own_retriever = pipeline.retriever is not None  # then no index is involved
    if not own_retriever:
        _ = pipeline.index  # load (or build) the index and the models before timing anything
        pipeline.embedder.encode(["warm-up"])
    pipeline.reader.read("warm-up", ["warm-up"])
    records = []
    disable = not logger.isEnabledFor(logging.INFO)
    for item in tqdm(items, desc="eval", unit="q", disable=disable):
        t0 = time.perf_counter()
        try:
            answer = pipeline.answer(item.question, top_k=top_k, threshold=0.0,
                                     answer_types=answer_types)
        except QuestionError as exc:
            raise DataError(f"gold question '{item.id}': {exc}") from exc
        latency = (time.perf_counter() - t0) * 1e3
        records.append(record_from_answer(item, answer, latency))
    if own_retriever or not check_golds:  # a retriever's own passages are its business
        return records
    return mark_golds_not_in_articles(records, [p.text for p in pipeline.index.passages])


def rerun_gold(pipeline: QAPipeline, items: Sequence[GoldItem], first: Sequence[Record], *,
               top_k: int | None = None, answer_types: bool | None = None) -> list[Record]:
    """:func:`run_gold` again on the same index (another reader, top-k or answer checks):
    ``first``, that file's run, tells which gold answers occur in no indexed article."""
    return [replace(b, gold_in_articles=a.gold_in_articles) for a, b in zip(
        first, run_gold(pipeline, items, top_k=top_k, answer_types=answer_types,
                        check_golds=False), strict=True)]


def golds_in_no_article(golds: Iterable[tuple[str, Sequence[str]]],
                        passages: Sequence[str]) -> set[str]:
    """The ids of the (id, gold answers) pairs none of whose gold answers occurs (normalized,
    whole words, inside one passage) in any of ``passages``; unanswerable ones are left out."""
    golds = [(i, g) for i, g in golds if g]
    if not golds:
        return set()
    # one string of every normalized passage, apart, so a match is word-aligned and inside one
    corpus = " \x00 ".join(f" {normalize_text(p)} " for p in passages)
    return {i for i, g in golds if not holds_answer(corpus, g)}


def mark_golds_not_in_articles(records: Sequence[Record],
                               passages: Sequence[str]) -> list[Record]:
    """``records``, those of answerable questions whose gold answers occur in none of
    ``passages`` (all the indexed text) marked ``gold_in_articles=False``, with a warning
    naming them: a gold answer with a typo would otherwise read as a retrieval miss."""
    return mark_missing(records, golds_in_no_article(
        ((r.id, r.golds) for r in records if r.hit_rank is None), passages))


def mark_missing(records: Sequence[Record], missing: set[str]) -> list[Record]:
    """``records``, those of questions in ``missing`` (ids from :func:`golds_in_no_article`)
    that no retrieved passage answered marked ``gold_in_articles=False``, with a warning."""
    missing = {r.id for r in records if r.hit_rank is None and r.id in missing}
    if missing:
        named = [f"{r.id} ({' | '.join(map(repr, r.golds))})" for r in records
                 if r.id in missing]
        logger.warning("the gold answers of %d question(s) occur in no indexed article; check "
                       "them for typos (or index the article that holds them): %s",
                       len(named), "; ".join(named[:10]) + (" …" if len(named) > 10 else ""))
    return [replace(r, gold_in_articles=False) if r.id in missing else r for r in records]


# -- metrics -------------------------------------------------------------------------
def recall_at(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions whose first hit is at rank <= k."""
    return sum(r is not None and r <= k for r in ranks) / len(ranks) if ranks else 0.0


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float:
    """Mean of 1/rank of the first hit (0 for a miss)."""
    return sum(1.0 / r for r in ranks if r) / len(ranks) if ranks else 0.0


class CurvePoint(NamedTuple):
    threshold: float
    coverage: float  # share of all questions answered
    accuracy: float | None  # share of answered ones right (EM; unanswerable: wrong); None: none
    overall_f1: float


def coverage_curve(records: Sequence[Record]) -> list[CurvePoint]:
    """Coverage and accuracy of the answered questions as the threshold rises."""
    cands = sorted({0.0, 1.0} | {r.score for r in records if r.candidate is not None})
    points = []
    for t in cands:
        answered = [r for r in records if r.prediction(t) is not None]
        right = sum(r.em for r in answered if r.answerable)
        points.append(CurvePoint(t, len(answered) / len(records) if records else 0.0,
                                 right / len(answered) if answered else None,
                                 overall_f1([r.outcome for r in records], t)))
    return points


def failure_kind(record: Record, threshold: float) -> str | None:
    """The error category of a failed question, None when it did not fail.

    Failed: an answerable question answered with F1 < RIGHT_F1 or abstained on, or
    an unanswerable one answered. Each failure counts once, in the first matching
    kind: answered_unanswerable, gold_not_in_articles (no gold answer occurs in any
    indexed article), retrieval_miss (none in any retrieved passage), wrong_abstention
    (abstained, and the best candidate was right: F1 >= RIGHT_F1, so answering would
    have been right), reader_miss (a passage held it, the span is wrong: answered, or
    abstained on a wrong candidate, which was the right call given that candidate).
    """
    pred = record.prediction(threshold)
    if not record.answerable:
        return "answered_unanswerable" if pred is not None else None
    if pred is not None and record.f1 >= RIGHT_F1:
        return None
    if not record.gold_in_articles:
        return "gold_not_in_articles"
    if record.hit_rank is None:
        return "retrieval_miss"
    if pred is None and record.candidate is not None and record.f1 >= RIGHT_F1:
        return "wrong_abstention"
    return "reader_miss"


def partial_answers(records: Iterable[Record], threshold: float) -> list[Record]:
    """The answerable questions answered right by F1 (>= RIGHT_F1, so no failure) but not
    word for word (EM 0): '212 kilometres long' for '212 kilometres'. They lower the exact
    match, and no error kind counts them."""
    return [r for r in records if r.answerable and r.prediction(threshold) is not None
            and r.f1 >= RIGHT_F1 and not r.em]


def kind_label(record: Record, threshold: float) -> str:
    """The error kind of a failed ``record`` in words, as the text output and the report
    show it: 'reader miss (abstained)' for a reader miss on which the system abstained
    (its best candidate, below the threshold or none at all, was wrong too)."""
    return _label(failure_kind(record, threshold) or "", record.prediction(threshold) is None)


def _label(kind: str, abstained: bool) -> str:
    label = kind.replace("_", " ")
    return f"{label} (abstained)" if kind == "reader_miss" and abstained else label


def _pct(x: float) -> float:
    return round(100 * x, 2)


#: The figures that are means over questions, so that they have bootstrap intervals.
INTERVAL_KEYS = ("exact_match", "f1", "recall_at_k", "abstain_recall", "overall_f1")


def per_question_values(records: Sequence[Record], threshold: float,
                        k: int) -> dict[str, list[list[float]]]:
    """Per question, in [0, 1], what each key of :data:`INTERVAL_KEYS` averages, as strata:
    answerable questions first, then unanswerable ones (overall F1 has both), each list in
    the order of ``records``."""
    ans = [r for r in records if r.answerable]
    unans = [r for r in records if not r.answerable]
    em = [r.em if r.prediction(threshold) is not None else 0.0 for r in ans]
    f1 = [r.f1 if r.prediction(threshold) is not None else 0.0 for r in ans]
    abstained = [float(r.prediction(threshold) is None) for r in unans]
    return {
        "exact_match": [em],
        "f1": [f1],
        "recall_at_k": [[float(r.hit_rank is not None and r.hit_rank <= k) for r in ans]],
        "abstain_recall": [abstained],
        "overall_f1": [f1, abstained],
    }


def compute_metrics(records: Sequence[Record], threshold: float,
                    top_k: int | None = None) -> dict[str, Any]:
    """Every metric of a run at ``threshold``. Rates are percentages; MRR is in [0, 1]."""
    ans = [r for r in records if r.answerable]
    unans = [r for r in records if not r.answerable]
    abstained = [r for r in records if r.prediction(threshold) is None]
    k = top_k or max((r.retrieved for r in records), default=0)
    ranks = [r.hit_rank for r in ans]
    values = per_question_values(records, threshold, k)
    em, f1 = sum(values["exact_match"][0]), sum(values["f1"][0])
    declined = sum(values["abstain_recall"][0])  # unanswerable questions abstained on

    lat = np.array([r.latency_ms for r in records]) if records else np.zeros(1)
    errors = dict.fromkeys(ERROR_KINDS, 0)
    abstained_misses = 0  # of the reader misses, those abstained on (a wrong candidate)
    for r in records:
        kind = failure_kind(r, threshold)
        if kind:
            errors[kind] += 1
            abstained_misses += kind == "reader_miss" and r.prediction(threshold) is None
    n = len(records)
    intervals = {}
    for key, strata in values.items():
        bounds = bootstrap_interval([per_question(v) for v in strata])
        if bounds is not None:
            intervals[key] = [_pct(bounds[0]), _pct(bounds[1])]
    return {
        "questions": n,
        "answerable": len(ans),
        "unanswerable": len(unans),
        "threshold": threshold,
        "top_k": k,
        "answered": n - len(abstained),
        "abstained": len(abstained),
        "exact_match": _pct(em / len(ans)) if ans else None,
        "f1": _pct(f1 / len(ans)) if ans else None,
        "recall_at_1": _pct(recall_at(ranks, 1)) if ans else None,
        "recall_at_k": _pct(recall_at(ranks, k)) if ans else None,
        "mrr": round(mean_reciprocal_rank(ranks), 4) if ans else None,
        "abstain_precision": (_pct(sum(not r.answerable for r in abstained) / len(abstained))
                              if abstained else None),
        "abstain_recall": _pct(declined / len(unans)) if unans else None,
        "overall_accuracy": _pct((em + declined) / n) if n else None,
        "overall_f1": _pct((f1 + declined) / n) if n else None,
        "latency_p50_ms": round(float(np.percentile(lat, 50)), 1),
        "latency_p95_ms": round(float(np.percentile(lat, 95)), 1),
        "errors": errors,
        "reader_miss_abstained": abstained_misses,
        # answered answerable questions right by F1 (no failure) but not exact matches:
        # what the exact match counts against, which the errors do not
        "partial_answers": len(partial_answers(records, threshold)),
        # answerable questions none of whose gold answers occurs in any indexed article
        "gold_not_in_articles": sum(not r.gold_in_articles for r in ans),
        # and their ids: one can score (a gold 'Duncan McRae' against the article's 'Duncan
        # MacRae', F1 0.5) and so be no failure, which the note must name all the same
        "gold_not_in_articles_ids": [r.id for r in ans if not r.gold_in_articles],
        # 95% bootstrap intervals (questions resampled, answerable and unanswerable apart).
        "intervals_95": intervals,
    }


LABELS = {
    "questions": "questions (answerable / unanswerable)",
    "exact_match": "exact match, answerable (%)",
    "f1": "F1, answerable (%)",
    "recall_at_1": "retrieval recall@1 (%)",
    "recall_at_k": "retrieval recall@k (%)",
    "mrr": "retrieval MRR",
    "abstain_precision": "abstention precision (%)",
    "abstain_recall": "abstention recall (%)",
    "overall_accuracy": "overall accuracy (%)",
    "overall_f1": "overall F1 (%)",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
}


def figure_digits(key: str) -> int:
    """How many decimals a figure of ``key`` is printed with, in every table, and its 95%
    interval with it: the MRR 4 (a fraction), latencies 1 (milliseconds), percentages 2."""
    return 4 if key == "mrr" else 1 if key.startswith("latency") else 2


def settings_source(metrics: dict[str, Any]) -> str:
    """'calibrated', 'default', 'given' or e.g. 'threshold calibrated, top-k given': where
    ``metrics``' threshold and top-k came from ('' when it does not say)."""
    sources = metrics.get("threshold_source"), metrics.get("top_k_source")
    if None in sources:
        return ""
    if sources[0] == sources[1]:
        return str(sources[0])
    return f"threshold {sources[0]}, top-k {sources[1]}"


def gold_missing_note(metrics: dict[str, Any]) -> str | None:
    """A note when gold answers occur in no indexed article: the table carries it, so it
    shows with -q too (the wrong index, or typos in the gold file)."""
    missing = metrics.get("gold_not_in_articles")
    if not missing:
        return None
    index = (metrics.get("run") or {}).get("index")
    ids = [str(i) for i in metrics.get("gold_not_in_articles_ids") or []]
    named = f" ({', '.join(ids[:10])}{', …' if len(ids) > 10 else ''})" if ids else ""
    return (f"the gold answers of {missing} of {metrics['answerable']} answerable "
            f"questions{named} occur in no article of the index{f' {index}' if index else ''}"
            ": the wrong --index, or typos in the gold file")


def error_counts(metrics: dict[str, Any]) -> str:
    """The error breakdown in words: 'retrieval miss 1, reader miss 3 (2 abstained), …'."""
    abstained = metrics.get("reader_miss_abstained")  # absent from older saved metrics
    return ", ".join(
        f"{k.replace('_', ' ')} {v}" + (f" ({abstained} abstained)"
                                        if k == "reader_miss" and abstained else "")
        for k, v in metrics["errors"].items())


def partial_note(metrics: dict[str, Any]) -> str:
    """The partial answers' count in words: no error, but not an exact match either."""
    n = metrics["partial_answers"]
    return (f"{n}: right by F1, so not among the errors, but not exact matches "
            "(--failures lists them)")


def format_table(metrics: dict[str, Any]) -> str:
    """The metrics as an aligned two-column text table."""
    notes = [settings_source(metrics),
             "" if metrics.get("answer_types", True) else "answer checks off"]
    shown = ", ".join(n for n in notes if n)
    rows: list[tuple[str, str]] = [
        ("questions (answerable / unanswerable)",
         f"{metrics['questions']} ({metrics['answerable']} / {metrics['unanswerable']})"),
        ("threshold / top-k", f"{metrics['threshold']:.4f} / {metrics['top_k']}"
                              + (f" ({shown})" if shown else "")),
        ("answered / abstained", f"{metrics['answered']} / {metrics['abstained']}"),
    ]
    for key, label in LABELS.items():
        if key == "questions":
            continue
        value = metrics[key]
        digits = figure_digits(key)
        text = f"{'n/a' if value is None else f'{value:.{digits}f}':>7}"  # aligned points
        bounds = metrics.get("intervals_95", {}).get(key)
        if bounds:
            text += f"  (95% interval {bounds[0]:.{digits}f}-{bounds[1]:.{digits}f})"
        rows.append((label, text))
    rows.append(("errors", error_counts(metrics)))
    if metrics.get("partial_answers"):
        rows.append(("answers not exact (F1 ≥ 0.5)", partial_note(metrics)))
    note = gold_missing_note(metrics)
    if note:
        rows.append(("note", note))
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def failures(records: Iterable[Record], threshold: float) -> list[tuple[Record, str]]:
    """Every failed question with its error kind, in gold-file order."""
    out = []
    for r in records:
        kind = failure_kind(r, threshold)
        if kind:
            out.append((r, kind))
    return out


def prediction_rows(records: Iterable[Record], threshold: float) -> list[dict[str, Any]]:
    """Every question as a plain dict, in gold-file order (``qa eval --predictions``): id,
    question, gold answers, answer (None: not found), best candidate, score, ``em`` and
    ``f1`` as overall accuracy and overall F1 count the question (answerable: those of the
    answer, 0 when abstaining; unanswerable: 1 when abstaining, else 0), ``gold_rank`` (the
    retrieval rank of the first passage holding a gold answer; None: none did), ``kind``
    (the error kind; None: right) and ``candidate_f1`` (the best candidate's F1 whether or
    not it was given, which tells a wrong abstention from a reader miss; None: unanswerable,
    or no candidate)."""
    rows = []
    for r in records:
        answer = r.prediction(threshold)
        if r.answerable:
            em, f1 = (r.em, r.f1) if answer is not None else (0.0, 0.0)
        else:
            em = f1 = float(answer is None)
        rows.append({"id": r.id, "question": r.question, "golds": list(r.golds),
                     "answer": answer, "candidate": r.candidate, "score": round(r.score, 4),
                     "em": em, "f1": round(f1, 4), "gold_rank": r.hit_rank,
                     "kind": failure_kind(r, threshold),
                     "candidate_f1": (round(r.f1, 4) if r.answerable and r.candidate is not None
                                      else None)})
    return rows


def failure_rows(records: Iterable[Record], threshold: float) -> list[dict[str, Any]]:
    """Every failed question as a plain dict: id, kind, question, answer (None: not
    found), best candidate, score, gold answers, the best candidate's F1."""
    keys = ("id", "kind", "question", "answer", "candidate", "score", "golds", "candidate_f1")
    return [{key: row[key] for key in keys} for row in prediction_rows(records, threshold)
            if row["kind"]]


def partial_rows(records: Iterable[Record], threshold: float) -> list[dict[str, Any]]:
    """Every partial answer (:func:`partial_answers`) as a plain dict: id, question,
    answer, score, gold answers, F1."""
    return [{"id": r.id, "question": r.question, "answer": r.prediction(threshold),
             "score": round(r.score, 4), "golds": list(r.golds), "f1": round(r.f1, 4)}
            for r in partial_answers(records, threshold)]


def format_failures(records: Sequence[Record], threshold: float) -> str:
    """The failed questions as text, two lines each: id, kind and question; then what was
    answered and what the gold file accepts. Then the answers right by F1 but not exact
    (:func:`partial_answers`), which the exact match counts against."""
    failed = failures(records, threshold)
    lines = [f"failed questions ({len(failed)})"]
    for r, kind in failed:
        answer = r.prediction(threshold)
        said = (f"answer {answer!r} (score {r.score:.3f})" if answer is not None else
                (f"not found (best candidate {r.candidate!r}, score {r.score:.3f}, "
                 f"F1 {r.f1:.2f})" if r.candidate is not None
                 else "not found (no candidate at all)"))
        golds = " | ".join(map(repr, r.golds)) or "not answerable"
        lines.append(f"  {r.id}  {_label(kind, answer is None)}: {r.question}")
        lines.append(f"      {said}; gold {golds}")
    partial = partial_answers(records, threshold)
    if partial:
        lines.append(f"\nanswers not exact, right by F1 ({len(partial)})")
        for r in partial:
            golds = " | ".join(map(repr, r.golds))
            lines.append(f"  {r.id}  F1 {r.f1:.2f}: {r.question}")
            lines.append(f"      answer {r.prediction(threshold)!r} (score {r.score:.3f}); "
                         f"gold {golds}")
    return "\n".join(lines)

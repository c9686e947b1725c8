"""Reader-only evaluation on SQuAD-format examples: EM/F1 and no-answer accuracy, and the
fit of the reader's confidence on held-out articles."""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from qa.confidence import Calibration, fit
from qa.errors import DataError
from qa.intervals import bootstrap_interval
from qa.metrics import best_over_golds, mentions
from qa.reader import ExtractiveReader
from qa.squad import Article, QAExample
from qa.threshold import Outcome, choose_threshold

logger = logging.getLogger(__name__)


def evaluate_reader(
    reader: ExtractiveReader, examples: Sequence[QAExample], batch_pairs: int = 64
) -> dict[str, Any]:
    """Score ``reader`` on ``examples``.

    Answerable examples give EM and F1 of the best span (the SQuAD v1.1 protocol:
    no abstaining), plus the share where the no-answer score would have won.
    Examples without an answer give the no-answer accuracy: the share where the
    no-answer score beats the best span. ``intervals_95`` holds 95% bootstrap intervals
    of EM and F1 that resample whole articles (by title): questions about one article
    succeed or fail together, so a few dozen articles pin F1 down only to some points;
    with fewer than two articles there is nothing to resample and each is None.
    """
    em_sum = f1_sum = 0.0
    by_article: dict[str, list[tuple[float, float]]] = {}
    n_ans = n_null = null_right = ans_abstained = 0
    disable = not logger.isEnabledFor(logging.INFO)
    for b in tqdm(range(0, len(examples), batch_pairs), desc="eval", unit="batch", disable=disable):
        batch = examples[b : b + batch_pairs]
        readings = reader.read_pairs([(ex.question, ex.context) for ex in batch])
        for ex, reading in zip(batch, readings):
            best = reading.best
            abstains = best is None or reading.no_answer_score > best.score
            if ex.answer_start is None:
                n_null += 1
                null_right += abstains
                continue
            n_ans += 1
            ans_abstained += abstains
            em, f1 = best_over_golds(best.text if best else None, ex.answers)
            em_sum += em
            f1_sum += f1
            by_article.setdefault(ex.title, []).append((em, f1))
    out: dict[str, Any] = {"answerable": n_ans, "no_answer": n_null}
    if n_ans:
        out["exact_match"] = round(100 * em_sum / n_ans, 2)
        out["f1"] = round(100 * f1_sum / n_ans, 2)
        out["answerable_abstained"] = round(100 * ans_abstained / n_ans, 2)
        intervals: dict[str, list[float] | None] = {"exact_match": None, "f1": None}
        if len(by_article) < 2:  # one article resampled is itself: [x, x] would claim certainty
            logger.warning("95%% intervals: n/a (they resample whole articles; the answerable "
                           "questions come from %d)", len(by_article))
        else:
            for i, key in enumerate(intervals):
                bounds = bootstrap_interval([[[v[i] for v in pairs]
                                              for pairs in by_article.values()]])
                if bounds is not None:
                    intervals[key] = [round(100 * bounds[0], 2), round(100 * bounds[1], 2)]
        out["intervals_95"] = intervals
    if n_null:
        out["no_answer_accuracy"] = round(100 * null_right / n_null, 2)
    return out


def _named(ids: Sequence[str], shown: int = 10) -> str:
    return ", ".join(ids[:shown]) + (" …" if len(ids) > shown else "")


def screen_examples(examples: Sequence[QAExample]) -> list[QAExample]:
    """The examples worth scoring, with a warning naming the doubtful ones: an empty
    question or context leaves the example out; an answer that is empty or not the
    context's characters at its ``answer_start`` is scored (EM/F1 compare texts) but named,
    and so are ids given more than once. DataError when no example is left."""
    kept, empty, misplaced = [], [], []
    for ex in examples:
        if not ex.question.strip() or not ex.context.strip():
            empty.append(ex.id)
            continue
        kept.append(ex)
        text, start = ex.answer_text, ex.answer_start
        if text is not None and start is not None and (
                not text.strip() or ex.context[start:start + len(text)] != text):
            misplaced.append(ex.id)
    if empty:
        logger.warning("%d question(s) left out: an empty question or context: %s",
                       len(empty), _named(empty))
    if misplaced:
        logger.warning("%d answer(s) empty or not in their context at answer_start (scored "
                       "anyway; check the file): %s", len(misplaced), _named(misplaced))
    repeated = [qid for qid, n in Counter(ex.id for ex in examples).items() if n > 1]
    if repeated:
        logger.warning("%d question id(s) given more than once (each copy is scored): %s",
                       len(repeated), _named(repeated))
    if not kept:
        raise DataError(f"no question to evaluate: all {len(examples)} have an empty question "
                        "or context")
    return kept


def calibration_rows(reader: ExtractiveReader, articles: Sequence[Article], questions: int = 300,
                     passages: int = 5, seed: int = 0) -> list[dict[str, Any]]:
    """Read held-out questions the way the pipeline does: each question with ``passages``
    paragraphs of its own article, once with the paragraph that answers it and once
    without. One row per reading: the best span's probability, its passage's no-answer
    score and the F1 of that span (0 when no paragraph holds the answer), and under
    ``candidates`` the same three for the best span of every paragraph."""
    rng = random.Random(seed)
    pool = [(a, ex) for a in articles for ex in a.examples if ex.answer_start is not None]
    rows: list[dict[str, Any]] = []
    disable = not logger.isEnabledFor(logging.INFO)
    for art, ex in tqdm(rng.sample(pool, min(questions, len(pool))), desc="calibrate",
                        unit="q", disable=disable):
        others = [p for p in art.paragraphs if not mentions(p, ex.answers)]
        if len(others) < passages:
            continue
        negatives = rng.sample(others, passages)
        for answerable, chosen in ((True, [*negatives[1:], ex.context]), (False, negatives)):
            rng.shuffle(chosen)
            candidates = [
                (r.best.score, r.no_answer_score,
                 best_over_golds(r.best.text, ex.answers)[1] if answerable else 0.0)
                for r in reader.read(ex.question, chosen) if r.best]
            span, no_answer, f1 = max(candidates, default=(0.0, 1.0, 0.0))
            rows.append({"answerable": answerable, "span": span, "no_answer": no_answer,
                         "f1": f1, "candidates": candidates})
    return rows


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """P(a random positive scores above a random negative), ties counting half."""
    if not len(positives) or not len(negatives):
        return float("nan")
    pos = np.asarray(positives, dtype=float)[:, None]
    neg = np.asarray(negatives, dtype=float)[None, :]
    return float(((pos > neg) + 0.5 * (pos == neg)).mean())


def calibrate_reader(reader: ExtractiveReader, articles: Sequence[Article],
                     questions: int = 300, seed: int = 0) -> tuple[Calibration, dict[str, Any]]:
    """Fit the reader's confidence on held-out ``articles``; returns it and a report."""
    rows = calibration_rows(reader, articles, questions, seed=seed)
    if not rows:
        raise DataError("no held-out question has enough paragraphs to calibrate on")
    spans = [r["span"] for r in rows]
    nulls = [r["no_answer"] for r in rows]
    cal = fit(spans, nulls, [r["f1"] for r in rows],
              fitted_on=f"{len(articles)} held-out SQuAD articles, {questions} questions, "
              f"seed {seed}")
    conf = [cal.confidence(s, n) for s, n in zip(spans, nulls)]
    ans = [r["answerable"] for r in rows]
    f1s = [r["f1"] for r in rows]
    report: dict[str, Any] = {"readings": len(rows), "answerable": sum(ans),
                              "answer_choice_f1": answer_choice_f1(rows, cal)}
    for name, score in (("span_probability", spans), ("confidence", conf)):
        # The same choice `qa calibrate` makes on a gold file (the middle of the best range).
        best = choose_threshold([Outcome(s, f, a) for s, f, a in zip(score, f1s, ans)])
        report[name] = {
            "auc_answerable_vs_not": round(auc([x for x, a in zip(score, ans) if a],
                                               [x for x, a in zip(score, ans) if not a]), 4),
            "best_threshold": round(best.threshold, 4),
            "overall_f1_at_best": round(100 * best.overall_f1, 2)}
    return cal, report


def answer_choice_f1(rows: Sequence[dict[str, Any]], cal: Calibration) -> dict[str, float]:
    """Mean F1 on the answerable readings when the answer is the paragraph's best span with
    the highest span probability, or with the highest confidence (what the pipeline does)."""
    picks: dict[str, list[float]] = {"span_probability": [], "confidence": []}
    for row in rows:
        if not row["answerable"]:
            continue
        cands = row["candidates"] or [(0.0, 1.0, 0.0)]  # no span anywhere: F1 0 either way
        picks["span_probability"].append(max(cands)[2])
        picks["confidence"].append(max(cands, key=lambda c: cal.confidence(c[0], c[1]))[2])
    return {k: round(100 * float(np.mean(v)), 2) if v else float("nan")
            for k, v in picks.items()}

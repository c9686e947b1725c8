"""The abstention threshold: overall F1 of a set of answers at a threshold, and the
threshold that maximizes it (`qa calibrate` on a gold file, and the reader's own
calibration on held-out SQuAD)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Outcome(NamedTuple):
    """What calibration needs of a question: candidate score (None: no candidate at
    all), the candidate's F1 against the gold answers, and whether it is answerable."""

    score: float | None
    f1: float
    answerable: bool


def _answered(o: Outcome, threshold: float) -> bool:
    return o.score is not None and o.score >= threshold


def overall_f1(outcomes: Sequence[Outcome], threshold: float) -> float:
    """Mean over all questions: answerable -> F1 of the answer (0 when abstaining);
    unanswerable -> 1 when abstaining, else 0."""
    if not outcomes:
        return 0.0
    total = 0.0
    for o in outcomes:
        answered = _answered(o, threshold)
        total += (o.f1 if answered else 0.0) if o.answerable else float(not answered)
    return total / len(outcomes)


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    overall_f1: float
    plateau: tuple[float, float]  # thresholds in (lo, hi] (or [0, hi]) all score the best


def choose_threshold(outcomes: Sequence[Outcome]) -> ThresholdChoice:
    """The abstention threshold with the best overall F1.

    Candidates are 0, 1 and every observed score. A threshold t in (c[i-1], c[i]]
    behaves exactly like candidate c[i], so consecutive best candidates c[i..j]
    form a plateau, the interval (c[i-1], c[j]] (from 0 when i == 0). The rule:
    take the widest best plateau (the lowest on a tie) and return its middle (rounded
    to 6 decimals when that stays strictly inside), which keeps a margin from the
    scores on both sides: ``answer()`` compares unrounded scores, ``Answer.score``
    is rounded to 6 decimals, and a threshold strictly between two such values
    separates both the same way.
    """
    cands = sorted({0.0, 1.0} | {min(max(o.score, 0.0), 1.0) for o in outcomes
                                 if o.score is not None})
    values = [overall_f1(outcomes, c) for c in cands]
    top = max(values)
    is_best = [v >= top - 1e-9 for v in values]  # equal up to float rounding
    plateaus: list[tuple[float, float]] = []
    i = 0
    while i < len(cands):
        if not is_best[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(cands) and is_best[j + 1]:
            j += 1
        plateaus.append((cands[i - 1] if i > 0 else 0.0, cands[j]))
        i = j + 1
    lo, hi = max(plateaus, key=lambda p: (round(p[1] - p[0], 9), -p[0]))
    threshold = (lo + hi) / 2 if hi > lo else hi
    if lo < round(threshold, 6) < hi:  # a tidy value, still strictly inside the plateau
        threshold = round(threshold, 6)
    return ThresholdChoice(threshold, overall_f1(outcomes, threshold), (lo, hi))

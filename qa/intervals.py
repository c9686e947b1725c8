"""Bootstrap intervals: how far a figure measured on a few dozen questions can be trusted.

A gold file of 70 answerable questions measures F1 to within several points, and a
held-out set of 25 articles measures a reader to within a few more: questions about one
article succeed or fail together. :func:`bootstrap_interval` resamples *clusters* (a
question, or all the questions of one article) with replacement, inside each *stratum*
(answerable and unanswerable questions keep their counts), and returns the percentile
interval of the mean over the resamples.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Resamples per interval: the interval's ends move by well under a point between seeds.
RESAMPLES = 2000


def bootstrap_interval(
    strata: Sequence[Sequence[Sequence[float]]], *, level: float = 0.95,
    resamples: int = RESAMPLES, seed: int = 0,
) -> tuple[float, float] | None:
    """Percentile interval of the mean of every value, resampling clusters within strata.

    ``strata[s][c]`` lists the values of cluster ``c`` of stratum ``s`` (one value per
    question). Each resample draws, per stratum, as many clusters as it has, with
    replacement, and takes the mean of all values drawn. None when there is no value.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if resamples < 1:
        raise ValueError(f"resamples must be positive, got {resamples}")
    rng = np.random.default_rng(seed)
    totals = np.zeros(resamples)
    counts = np.zeros(resamples)
    for stratum in strata:
        clusters = [c for c in stratum if len(c)]
        if not clusters:
            continue
        sums = np.array([float(np.sum(c)) for c in clusters])
        sizes = np.array([len(c) for c in clusters], dtype=float)
        idx = rng.integers(0, len(clusters), size=(resamples, len(clusters)))
        totals += sums[idx].sum(axis=1)
        counts += sizes[idx].sum(axis=1)
    if not counts.any():
        return None
    means = totals / counts
    tail = (1 - level) / 2
    lo, hi = np.quantile(means, [tail, 1 - tail])
    return float(lo), float(hi)


def per_question(values: Sequence[float]) -> list[list[float]]:
    """``values`` as clusters of one: for questions that are independent of each other."""
    return [[float(v)] for v in values]

"""Bootstrap intervals of evaluation figures."""

from __future__ import annotations

import numpy as np
import pytest

from qa.intervals import bootstrap_interval, per_question


def test_constant_values_give_a_point_interval() -> None:
    assert bootstrap_interval([per_question([1.0] * 20)]) == (1.0, 1.0)
    assert bootstrap_interval([per_question([0.0] * 5), []]) == (0.0, 0.0)


def test_no_values_give_none() -> None:
    assert bootstrap_interval([]) is None
    assert bootstrap_interval([[], [[]]]) is None


def test_interval_brackets_the_mean_and_matches_the_binomial_spread() -> None:
    values = [1.0] * 70 + [0.0] * 30  # mean 0.7 over 100 questions
    lo, hi = bootstrap_interval([per_question(values)], seed=3)
    assert lo < 0.7 < hi
    # Normal approximation of a binomial share: 0.7 +- 1.96 * sqrt(0.7 * 0.3 / 100).
    half = 1.96 * np.sqrt(0.7 * 0.3 / 100)
    assert lo == pytest.approx(0.7 - half, abs=0.02)
    assert hi == pytest.approx(0.7 + half, abs=0.02)


def test_more_questions_narrow_the_interval() -> None:
    small = bootstrap_interval([per_question([1.0, 0.0] * 10)])
    large = bootstrap_interval([per_question([1.0, 0.0] * 400)])
    assert small is not None and large is not None
    assert large[1] - large[0] < (small[1] - small[0]) / 4


def test_strata_keep_their_sizes() -> None:
    # One stratum always 1, the other always 0: every resample keeps 30 ones and 10
    # zeros, so the mean cannot move. Pooled into one stratum it would.
    strata = [per_question([1.0] * 30), per_question([0.0] * 10)]
    assert bootstrap_interval(strata) == (0.75, 0.75)
    lo, hi = bootstrap_interval([per_question([1.0] * 30 + [0.0] * 10)])
    assert lo < 0.75 < hi


def test_clusters_resample_together_and_widen_the_interval() -> None:
    # 10 articles of 10 questions, each article all right or all wrong: as uncertain as
    # 10 questions, far more than 100 independent ones.
    articles = [[1.0] * 10 if i < 7 else [0.0] * 10 for i in range(10)]
    clustered = bootstrap_interval([articles])
    flat = bootstrap_interval([per_question([v for a in articles for v in a])])
    assert clustered is not None and flat is not None
    assert (clustered[1] - clustered[0]) > 2 * (flat[1] - flat[0])
    ten = bootstrap_interval([per_question([1.0] * 7 + [0.0] * 3)])
    assert clustered == pytest.approx(ten, abs=0.05)


def test_same_seed_same_interval_and_level_widens() -> None:
    values = per_question([0.2, 0.9, 0.4, 1.0, 0.0, 0.7, 0.5])
    assert bootstrap_interval([values], seed=1) == bootstrap_interval([values], seed=1)
    lo80, hi80 = bootstrap_interval([values], level=0.8)
    lo99, hi99 = bootstrap_interval([values], level=0.99)
    assert lo99 <= lo80 and hi80 <= hi99


@pytest.mark.parametrize("kwargs", [{"level": 1.0}, {"level": 0.0}, {"resamples": 0}])
def test_bad_settings_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        bootstrap_interval([per_question([1.0])], **kwargs)

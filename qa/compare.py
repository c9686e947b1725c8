"""Two runs of the same gold file side by side: is B really better than A?

On a gold file of a few dozen questions, each figure is uncertain by several points, but
questions that go the same way in both runs add no noise to their difference: when two
readers agree on most questions, the paired interval is much tighter.
:func:`compare_runs` gives each figure's difference with a paired 95% bootstrap interval
(questions resampled together for both runs), and names the questions that B gets right
and A does not (fixed) and the reverse (broken)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qa.errors import DataError
from qa.evaluate import (
    INTERVAL_KEYS,
    LABELS,
    Record,
    failure_kind,
    figure_digits,
    per_question_values,
    settings_source,
)
from qa.intervals import bootstrap_interval, per_question


def compare_runs(a: Sequence[Record], b: Sequence[Record], metrics_a: dict[str, Any],
                 metrics_b: dict[str, Any], threshold: float, top_k: int) -> dict[str, Any]:
    """Differences B - A of the per-question figures, their paired 95% intervals, and
    the questions fixed and broken. ``a`` and ``b`` answer the same questions in order."""
    if [r.id for r in a] != [r.id for r in b]:
        raise DataError("the two runs do not answer the same gold questions")
    values_a = per_question_values(a, threshold, top_k)
    values_b = per_question_values(b, threshold, top_k)
    difference: dict[str, dict[str, Any]] = {}
    for key in INTERVAL_KEYS:
        if metrics_a[key] is None or metrics_b[key] is None:
            continue
        strata = [[vb - va for va, vb in zip(sa, sb)]
                  for sa, sb in zip(values_a[key], values_b[key])]
        bounds = bootstrap_interval([per_question(v) for v in strata])
        difference[key] = {
            "value": round(metrics_b[key] - metrics_a[key], 2),
            "interval_95": [round(100 * bounds[0], 2), round(100 * bounds[1], 2)]
            if bounds else None,
        }
    right_a = {r.id: failure_kind(r, threshold) is None for r in a}
    right_b = {r.id: failure_kind(r, threshold) is None for r in b}
    return {
        "threshold": threshold,
        "top_k": top_k,
        "a": metrics_a,
        "b": metrics_b,
        "difference": difference,
        "fixed": [i for i in right_a if right_b[i] and not right_a[i]],
        "broken": [i for i in right_a if right_a[i] and not right_b[i]],
    }


def format_compare(result: dict[str, Any], name_a: str, name_b: str) -> str:
    """The comparison as a text table, then the fixed and broken questions."""
    rows = [("", "A", "B", "B - A (95% interval)")]
    for key in (*INTERVAL_KEYS, "latency_p50_ms"):
        va, vb = result["a"][key], result["b"][key]
        diff = result["difference"].get(key)
        digits = figure_digits(key)  # as qa eval's own table: 83.33 and 100.00, not 100
        if diff:
            lo, hi = diff["interval_95"] or (float("nan"),) * 2
            # the interval with the decimals of the difference it bounds: not +4.28 (-4.3 …)
            change = f"{diff['value']:+.{digits}f} ({lo:+.{digits}f} to {hi:+.{digits}f})"
        elif va is not None and vb is not None:
            change = f"{vb - va:+.{digits}f}"
        else:
            change = "n/a"
        rows.append((LABELS[key], "n/a" if va is None else f"{va:.{digits}f}",
                     "n/a" if vb is None else f"{vb:.{digits}f}", change))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"A: {name_a}", f"B: {name_b}",
             f"threshold {result['threshold']:.4f}, top-k {result['top_k']} for both"
             + (f" ({source})" if (source := settings_source(result["a"])) else ""), ""]
    lines += [f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}"
              for r in rows]
    for kind, meaning in (("fixed", "right with B, not with A"),
                          ("broken", "right with A, not with B")):
        ids = result[kind]
        lines.append(f"{kind} ({meaning}): {len(ids)}" + (f": {', '.join(ids)}" if ids else ""))
    return "\n".join(lines)

"""A self-contained HTML report of an evaluation run (plots embedded as base64 PNG)."""

from __future__ import annotations

import base64
import html
import io
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.errors import ConfigError
from qa.evaluate import (
    LABELS,
    RIGHT_F1,
    Record,
    SourceRef,
    coverage_curve,
    failures,
    figure_digits,
    gold_missing_note,
    kind_label,
    partial_answers,
    settings_source,
)
from qa.metrics import answer_spans

logger = logging.getLogger(__name__)

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.passage { font-size: 0.85em; color: #555; max-width: 40em; margin-bottom: 0.6em;
           white-space: pre-wrap; }
mark.pred { background: #ffe08a; }
mark.gold { background: #b7e4c7; }
mark.pred.gold { background: #b7e4c7; outline: 2px solid #e9b100; }
img { max-width: 100%; }
"""


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _legend_above(ax: Any) -> None:
    """The legend above the plot, as wide as it, in two columns: inside, it covered
    data (the histogram's unanswerable bar at 0-0.1). The saved picture grows to hold it
    (``bbox_inches="tight"``)."""
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02, 1.0, 0.102), mode="expand",
              ncol=2, borderaxespad=0.0, fontsize="small", frameon=False)


def _score_histogram(ax: Any, records: Sequence[Record], threshold: float) -> str:
    """Draw every question at its best candidate's score (0 when it had none), stacked by
    kind: right answer, wrong answer, unanswerable question (whose right reply is "not
    found": a score below the threshold). Returns the plot's title."""
    from matplotlib.ticker import MaxNLocator

    kinds: dict[str, list[float]] = {f"right answer (F1 ≥ {RIGHT_F1})": [],
                                     f"wrong answer (F1 < {RIGHT_F1})": [],
                                     "unanswerable (right: below the threshold)": []}
    groups = list(kinds.values())
    for r in records:
        group = groups[0 if r.f1 >= RIGHT_F1 else 1] if r.answerable else groups[2]
        group.append(r.score if r.candidate is not None else 0.0)
    ax.hist(groups, bins=[i / 20 for i in range(21)], label=list(kinds), stacked=True,
            color=["#2a9d8f", "#e76f51", "#8d99ae"])
    ax.axvline(threshold, color="k", linestyle="--", label=f"threshold {threshold:.3f}")
    ax.set_xlabel("score of the best candidate")
    ax.set_ylabel("questions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.2 of a question
    _legend_above(ax)
    none = sum(r.candidate is None for r in records)
    note = f" ({none} with no candidate at all, drawn at 0)" if none else ""
    return f"Scores of the best candidate, by kind of question{note}"


def _plots(records: Sequence[Record], threshold: float) -> list[tuple[str, str]]:
    """(title, base64 PNG): score histogram, coverage-accuracy curve, F1 by threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    out.append((_score_histogram(ax, records, threshold), _png(fig)))
    plt.close(fig)

    curve = coverage_curve(records)
    shown = [(p.coverage, p.accuracy) for p in curve if p.accuracy is not None]
    answered = [r for r in records if r.prediction(threshold) is not None]
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.plot([c for c, _ in shown], [a for _, a in shown], marker=".")
    if answered:
        cov = len(answered) / len(records)
        acc = sum(r.em for r in answered if r.answerable) / len(answered)
        ax.plot([cov], [acc], "o", color="#e76f51", markersize=10,
                label=f"threshold {threshold:.3f}")
    else:
        ax.axvline(0.0, color="#e76f51", label=f"threshold {threshold:.3f}: nothing answered")
    ax.set_xlabel("coverage (share of questions answered)")
    ax.set_ylabel("accuracy of answered (EM)")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    _legend_above(ax)
    out.append(("Coverage vs accuracy as the threshold varies", _png(fig)))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.step([p.threshold for p in curve], [p.overall_f1 for p in curve], where="pre",
            label="overall F1")
    ax.step([p.threshold for p in curve], [p.coverage for p in curve], where="pre",
            label="coverage", linestyle=":")
    ax.axvline(threshold, color="k", linestyle="--", label=f"threshold {threshold:.3f}")
    ax.set_xlabel("threshold")
    ax.set_ylabel("overall F1 / share answered")
    ax.set_ylim(-0.02, 1.02)
    _legend_above(ax)
    out.append(("Overall F1 and coverage by threshold", _png(fig)))
    plt.close(fig)
    return out


def _cell(value: Any, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{html.escape(str(value))}</td>"


def _marked(passage: str, span: tuple[int, int] | None, golds: Sequence[str]) -> str:
    """``passage`` as HTML with the answer span in ``<mark class="pred">`` and every
    occurrence of a gold answer (matched as eval matches it) in ``<mark class="gold">``;
    where they overlap, the mark has both classes."""
    n = len(passage)
    pred, gold = [False] * n, [False] * n
    if span is not None:
        for i in range(max(0, span[0]), min(n, span[1])):
            pred[i] = True
    for start, end in answer_spans(passage, golds):  # as eval counted the passage a hit
        for i in range(start, end):
            gold[i] = True
    out, i = [], 0
    while i < n:
        kind, j = (pred[i], gold[i]), i
        while j < n and (pred[j], gold[j]) == kind:
            j += 1
        classes = " ".join(c for c, on in zip(("pred", "gold"), kind) if on)
        text = html.escape(passage[i:j])
        out.append(f'<mark class="{classes}">{text}</mark>' if classes else text)
        i = j
    return "".join(out)


def _passage_html(label: str, ref: SourceRef, golds: Sequence[str]) -> str:
    rank = f" #{ref.rank}" if ref.rank else ""
    return (f"<div>{html.escape(label)}{rank}: <b>{html.escape(ref.title)}</b> "
            f"({html.escape(ref.doc_id)})<div class='passage'>"
            f"{_marked(ref.passage, ref.answer_span, golds)}</div></div>")


def _passages_cell(r: Record) -> str:
    """The passage the answer (or best candidate) came from, else the top one; and the
    first retrieved passage holding a gold answer when that is another."""
    shown = r.answer_source or r.top_source
    parts = []
    if shown is not None:
        label = "answer's passage" if r.answer_source else "top passage"
        parts.append(_passage_html(label, shown, r.golds))
    if r.gold_source is not None and r.gold_source != shown:  # refs of one source are equal
        parts.append(_passage_html("gold answer in passage", r.gold_source, r.golds))
    return f"<td>{''.join(parts)}</td>"


def _record_row(r: Record, kind: str, threshold: float) -> str:
    """A question's row: id, ``kind``, question, answer, score, gold answers, passages."""
    pred = r.prediction(threshold)
    shown = (pred if pred is not None else "(not found; no candidate at all)"
             if r.candidate is None else f"(not found; best: {r.candidate})")
    golds = " | ".join(r.golds) if r.golds else "(not answerable)"
    return (f"<tr>{_cell(r.id)}{_cell(kind)}{_cell(r.question)}{_cell(shown)}"
            f"{_cell(f'{r.score:.3f}', 'num')}{_cell(golds)}{_passages_cell(r)}</tr>")


def render_html(records: Sequence[Record], metrics: dict[str, Any], threshold: float,
                title: str = "QA evaluation") -> str:
    """The report as one HTML string."""
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
             f"</title><style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"]
    run = metrics.get("run") or {}
    if run:  # what was measured, so that saved reports can be compared
        parts.append("<table>" + "".join(
            f"<tr><th>{html.escape(key.replace('_', ' '))}</th>{_cell(value)}</tr>"
            for key, value in run.items()) + "</table>")
    parts.append("<h2>Metrics</h2><p>The 95% interval (bootstrap) is the range the figure "
                 "would likely fall in on another gold file of the same size and kind.</p>"
                 "<table><tr><th>metric</th><th>value</th><th>95% interval</th></tr>")
    source = settings_source(metrics)
    checks = "answer checks " + ("on" if metrics.get("answer_types", True) else "off")
    settings = f"{source}; {checks}" if source else checks
    rows = [("threshold", f"{metrics['threshold']:.4f}"), ("top-k", metrics["top_k"]),
            ("settings", settings)]
    rows += [(key, metrics[key]) for key in ("questions", "answerable", "unanswerable",
                                             "answered", "abstained")]
    for label, value in rows:
        parts.append(f"<tr><th>{label}</th>{_cell(value, 'num')}{_cell('')}</tr>")
    for key, label in LABELS.items():
        if key == "questions":
            continue
        value = metrics[key]
        bounds = metrics.get("intervals_95", {}).get(key)
        digits = figure_digits(key)  # as the text tables: the interval as its figure
        interval = f"{bounds[0]:.{digits}f} to {bounds[1]:.{digits}f}" if bounds else ""
        parts.append(f"<tr><th>{html.escape(label)}</th>"
                     f"{_cell('n/a' if value is None else f'{value:.{digits}f}', 'num')}"
                     f"{_cell(interval, 'num')}"
                     "</tr>")
    for key, value in metrics["errors"].items():
        parts.append(f"<tr><th>errors: {html.escape(key.replace('_', ' '))}</th>"
                     f"{_cell(value, 'num')}{_cell('')}</tr>")
        if key == "reader_miss" and "reader_miss_abstained" in metrics:
            parts.append("<tr><th>errors: reader miss, of which abstained</th>"
                         f"{_cell(metrics['reader_miss_abstained'], 'num')}{_cell('')}</tr>")
    if metrics.get("partial_answers"):
        parts.append("<tr><th>answers not exact (F1 ≥ 0.5)</th>"
                     f"{_cell(metrics['partial_answers'], 'num')}{_cell('')}</tr>")
    note = gold_missing_note(metrics)
    if note:
        parts.append(f"<tr><th>note</th><td colspan='2'>{html.escape(note)}</td></tr>")
    parts.append("</table>")
    for caption, png in _plots(records, threshold):
        parts.append(f"<h2>{html.escape(caption)}</h2>"
                     f'<img alt="{html.escape(caption)}" src="data:image/png;base64,{png}">')
    failed = failures(records, threshold)
    parts.append(f"<h2>Failed questions ({len(failed)})</h2>")
    if failed:
        parts.append('<p>In the passages, <mark class="pred">yellow</mark> marks the answer '
                     '(or, when it abstained, its best candidate) and <mark class="gold">green'
                     '</mark> a gold answer; #n is the passage\'s place in retrieval.</p>'
                     "<table><tr><th>id</th><th>kind</th><th>question</th><th>answer</th>"
                     "<th>score</th><th>gold answers</th><th>passages</th></tr>")
        for r, _ in failed:
            parts.append(_record_row(r, kind_label(r, threshold), threshold))
        parts.append("</table>")
    partial = partial_answers(records, threshold)
    if partial:
        parts.append(f"<h2>Answers not exact, right by F1 ({len(partial)})</h2>"
                     "<p>No failures (F1 ≥ 0.5), but not word for word a gold answer: the "
                     "exact match counts them against.</p>"
                     "<table><tr><th>id</th><th>F1</th><th>question</th><th>answer</th>"
                     "<th>score</th><th>gold answers</th><th>passages</th></tr>")
        parts.extend(_record_row(r, f"{r.f1:.2f}", threshold) for r in partial)
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(out_dir: str | Path, records: Sequence[Record], metrics: dict[str, Any],
                 threshold: float, title: str = "QA evaluation") -> Path:
    """Write ``out_dir/index.html``; returns its path."""
    out = Path(out_dir)
    path = out / "index.html"
    text = render_html(records, metrics, threshold, title)
    try:
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the report to {out}: {exc}. "
                          "Pass a writable folder to --report.") from exc
    logger.info("report written to %s", path)
    return path

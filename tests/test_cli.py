"""The `qa` command line itself: usage errors, --version, `python -m qa`, bare `qa`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from qa.chunk import ChunkSettings
from qa.cli import main


def _index(tmp_path: Path, *args: str):
    corpus = tmp_path / "notes"
    corpus.mkdir(exist_ok=True)
    return CliRunner().invoke(main, ["index", str(corpus), "--index", str(tmp_path / "i"),
                                     *args])


def test_an_overlap_too_long_for_the_passages_is_a_usage_error(tmp_path: Path) -> None:
    result = _index(tmp_path, "--max-words", "21", "--overlap-words", "25")
    assert result.exit_code == 2, result.output
    assert "Usage: " in result.stderr
    assert "'--overlap-words'" in result.stderr and "--max-words 21" in result.stderr
    assert "--overlap-words 9 or less" in result.stderr  # under 21 // 2
    assert "overlap_words" not in result.stderr and "max_words" not in result.stderr
    assert not (tmp_path / "i").exists()  # refused before anything was built


def test_an_overlap_too_long_for_the_index_passages_names_their_length(
        tmp_path: Path, monkeypatch) -> None:
    from qa.index import IndexStore
    from qa.pipeline import QAPipeline

    # an index built with --max-words 20
    monkeypatch.setattr(QAPipeline, "build_settings",
                        lambda self: (ChunkSettings(20, 4), "flat"))
    monkeypatch.setattr(IndexStore, "exists", lambda self: True)
    result = _index(tmp_path, "--overlap-words", "25")
    assert result.exit_code == 2, result.output
    assert "Usage: " in result.stderr
    assert "--max-words 20 (the index's own passage length)" in result.stderr
    assert "--overlap-words 9 or less" in result.stderr



def test_opposite_flags_together_are_a_usage_error(tmp_path: Path) -> None:
    for flags in (["--hnsw", "--flat"], ["--flat", "--rebuild", "--hnsw"]):
        result = _index(tmp_path, *flags)
        assert result.exit_code == 2, result.output
        assert "Usage: " in result.stderr
        assert "--hnsw and --flat contradict each other: give one of them." in result.stderr
        assert not (tmp_path / "i").exists()  # refused before anything was built
    result = CliRunner().invoke(main, ["train-reader", "--data", __file__, "--out",
                                       str(tmp_path / "r"), "--fp32", "--bf16"])
    assert result.exit_code == 2, result.output
    assert "--bf16 and --fp32 contradict each other" in result.stderr
    result = CliRunner().invoke(main, ["-q", "-v", "info", "--index", str(tmp_path / "i")])
    assert result.exit_code == 2, result.output
    assert "-v/--verbose and -q/--quiet contradict each other" in result.stderr


def test_a_flag_named_two_ways_still_takes_either_name_or_none() -> None:
    import click

    from qa.cli import _EitherFlag

    @click.command()
    @click.option("--hnsw/--flat", default=None, cls=_EitherFlag)
    def cmd(hnsw: bool | None) -> None:
        click.echo(repr(hnsw))

    for args, value in (([], "None"), (["--hnsw"], "True"), (["--flat"], "False"),
                        (["--flat", "--flat"], "False")):  # the same one twice is no contradiction
        result = CliRunner().invoke(cmd, args)
        assert (result.exit_code, result.output.strip()) == (0, value), (args, result.output)

def test_version_is_the_installed_package_version() -> None:
    from importlib import metadata

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"qa {metadata.version('qa')}\n"


def test_version_falls_back_to_the_source_when_qa_is_not_installed(monkeypatch) -> None:
    from importlib import metadata

    import qa
    from qa.cli import _version

    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    assert _version() == qa.__version__


def test_qa_alone_prints_the_help_and_succeeds() -> None:
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output and "Commands:" in result.output
    assert "ask" in result.output and "index" in result.output


def test_python_dash_m_qa_runs_the_command_line() -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])])}
    result = subprocess.run([sys.executable, "-m", "qa", "--version"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("qa ")
    bad = subprocess.run([sys.executable, "-m", "qa", "no-such-command"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "No such command" in bad.stderr


def test_qa_chat_on_a_port_in_use_says_so_before_loading_anything(
        tmp_path: Path, monkeypatch) -> None:
    import socket

    from qa.pipeline import QAPipeline

    def no_pipeline(*args: object, **kwargs: object) -> None:
        raise AssertionError("the port is checked before the pipeline and its models load")

    monkeypatch.setattr(QAPipeline, "__init__", no_pipeline)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["chat", "--port", str(port),
                                           "--index", str(tmp_path / "i")])
    assert result.exit_code == 1, result.output
    assert result.output == f"Error: port {port} is in use; choose another with --port N\n"


def test_qa_chat_on_an_address_this_machine_lacks_names_the_host(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["chat", "--host", "192.0.2.1", "--port", "7860",
                                       "--index", str(tmp_path / "i")])  # TEST-NET-1
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: cannot serve on 192.0.2.1:7860 (")
    assert result.output.endswith("check --host\n")


def test_qa_chat_on_a_privileged_port_says_how_to_choose(tmp_path: Path, monkeypatch) -> None:
    import errno
    import socket

    real_bind = socket.socket.bind

    def refused(self, address):  # type: ignore[no-untyped-def]
        if address[1] == 80:  # as for anyone but root
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_bind(self, address)

    monkeypatch.setattr(socket.socket, "bind", refused)
    result = CliRunner().invoke(main, ["chat", "--port", "80", "--index", str(tmp_path / "i")])
    assert result.exit_code == 1, result.output
    assert "port 80 needs administrator rights" in result.output and "--port N" in result.output
    assert "--host" not in result.output


def test_an_overlap_too_long_for_the_default_length_says_default(tmp_path: Path) -> None:
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "a.md").write_text("The Elbe flows through Dresden.")
    result = CliRunner().invoke(main, ["index", str(corpus), "--index", str(tmp_path / "new"),
                                       "--overlap-words", "999"])
    assert result.exit_code == 2, result.output
    assert "(the default passage length)" in result.output
    assert "index's own" not in result.output and not (tmp_path / "new").exists()


def test_qa_bench_refuses_no_rounds_and_says_which_questions_it_asks(monkeypatch) -> None:
    import qa.bench

    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("bench ran")

    for name in ("bench_indexing", "bench_answers", "bench_reader"):
        monkeypatch.setattr(qa.bench, name, never)
    for rounds in ("0", "-2"):
        result = CliRunner().invoke(main, ["bench", "--rounds", rounds])
        assert result.exit_code == 2, result.output
        assert "Invalid value for '--rounds'" in result.stderr
        assert "Traceback" not in result.output
    help_text = " ".join(CliRunner().invoke(main, ["bench", "--help"]).output.split())
    assert "always the seed questions" in help_text


def test_a_refresh_over_damaged_stored_settings_refuses_and_keeps_the_index(
        tmp_path: Path) -> None:
    # a refresh over a manifest whose passage length or overlap was damaged fell back to
    # the defaults (150/30) and re-embedded everything without a word
    import json

    from qa.pipeline import QAPipeline

    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "alps.txt").write_text("We hiked above Zermatt in July. " * 40)
    index = tmp_path / "index"
    built = CliRunner().invoke(main, ["-q", "index", str(corpus), "--index", str(index),
                                      "--max-words", "40", "--overlap-words", "10"])
    assert built.exit_code == 0, built.output
    pipe = QAPipeline(index)
    manifest_file = pipe.store.current_generation() / "manifest.json"
    good = manifest_file.read_text()

    def damaged(**changes) -> str:
        manifest = json.loads(good)
        manifest["chunking"].update({k: v for k, v in changes.items() if k.endswith("words")})
        manifest.update({k: v for k, v in changes.items() if not k.endswith("words")})
        manifest_file.write_text(json.dumps(manifest))
        return manifest_file.read_text()

    def qa_index(*args: str):
        return CliRunner().invoke(main, ["-q", "index", *args, "--index", str(index)])

    for change, problem in (({"max_words": "x"}, "the stored max_words 'x' is not a whole"),
                            ({"overlap_words": 25}, "the stored overlap_words must be from")):
        before = damaged(**change)
        for args in ((), (str(corpus),), ("--max-words", "40")):
            result = qa_index(*args)
            assert result.exit_code == 1, (args, result.output)
            assert "Traceback" not in result.output
            assert (f"the index at {index} records a damaged passage length and overlap "
                    f"({problem}") in result.stderr, result.stderr
            assert "nothing was changed" in result.stderr
            assert ("run qa index again with --max-words and --overlap-words (the defaults "
                    "are 150 and 30), or with --rebuild") in result.stderr
            # nothing lost: the same generation, the same manifest
            assert pipe.store.current_generation() / "manifest.json" == manifest_file
            assert manifest_file.read_text() == before

    damaged(index_type="x")
    result = qa_index()
    assert result.exit_code == 1, result.output
    assert "damaged index type (the stored index type 'x' is not one of" in result.stderr
    assert "--flat (exact) or --hnsw (approximate)" in result.stderr
    assert "passage length" not in result.stderr  # only what is damaged is named

    # the settings given: built with them
    damaged(max_words="x", index_type="x")
    result = qa_index("--max-words", "40", "--overlap-words", "10", "--flat")
    assert result.exit_code == 0, result.output
    rebuilt = QAPipeline(index).store.read_manifest()
    assert rebuilt["chunking"] == {"max_words": 40, "overlap_words": 10}
    assert rebuilt["index_type"] == "flat"

    # --rebuild: the defaults, said plainly
    manifest_file = QAPipeline(index).store.current_generation() / "manifest.json"
    good = manifest_file.read_text()
    damaged(overlap_words=-1)
    result = qa_index("--rebuild")
    assert result.exit_code == 0, result.output
    assert ("note: the index's stored passage length and overlap are damaged (the stored "
            "overlap_words must be from 0 to 19") in result.stderr
    assert "rebuilding with passages of 150 words overlapping by 30" in result.stderr
    assert QAPipeline(index).store.read_manifest()["chunking"] == {"max_words": 150,
                                                                   "overlap_words": 30}


def test_log_lines_go_above_a_progress_bar_not_after_it(tmp_path: Path) -> None:
    import io
    import logging

    from tqdm import tqdm

    from qa.cli import BarSafeHandler

    stream = io.StringIO()
    log = logging.getLogger("qa.test_bar_safe")
    handler = BarSafeHandler(stream)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        for _ in tqdm(range(2), desc="asking", file=stream, mininterval=0):
            log.info("loaded reader")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert out.count("loaded reader") == 2
    assert "]loaded reader" not in out  # glued to the bar's end without it
    assert "\rloaded reader\n" in out  # the bar cleared, the line, then the bar again
    # and `qa` logs through it
    missing = str(tmp_path / "none")
    script = ("import logging\nfrom qa.cli import main\ntry:\n"
              f"    main(['info', '--index', {missing!r}])\nexcept SystemExit:\n    pass\n"
              "print(*[type(h).__name__ for h in logging.getLogger().handlers])")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True)
    assert shown.stdout.split() == ["BarSafeHandler"]


def test_an_index_built_with_another_embedding_model_keeps_it_unless_given(
        tmp_path: Path) -> None:
    """Built with --embedding-model DIR, the index is refreshed and asked without it: the
    refresh reuses every vector and keeps DIR (it re-embedded everything with the default
    model and recorded that instead), and the question is answered (it was refused)."""
    import shutil

    from qa.embed import DEFAULT_MODEL_ID, default_embedding_model
    from qa.index import IndexStore

    model = tmp_path / "my-embedder"
    shutil.copytree(default_embedding_model(), model)
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "lighthouse.txt").write_text(
        "The Skerryvore lighthouse was designed by Alan Stevenson and completed in 1844.\n",
        encoding="utf-8")
    index = tmp_path / "i"
    built = CliRunner().invoke(main, ["-q", "index", str(corpus), "--index", str(index),
                                      "--embedding-model", str(model)])
    assert built.exit_code == 0, built.output
    refreshed = CliRunner().invoke(main, ["-q", "index", "--index", str(index)])
    assert refreshed.exit_code == 0, refreshed.output
    assert "(0 embedded, 1 unchanged, 0 removed)" in refreshed.stdout
    assert IndexStore(index).read_manifest()["embedding_model"] == str(model.resolve())
    asked = CliRunner().invoke(main, ["-q", "ask", "Who designed the Skerryvore lighthouse?",
                                      "--index", str(index)])
    assert asked.exit_code == 0, asked.output
    assert asked.stdout.splitlines()[0] == "Alan Stevenson"
    # and back to the default model, as the mismatch error says, offline: its hub id is
    # the shipped copy (it was looked up on the hub and failed)
    asked = CliRunner().invoke(main, ["-q", "ask", "Who designed it?", "--index", str(index),
                                      "--embedding-model", DEFAULT_MODEL_ID])
    assert asked.exit_code == 1
    hint = f"qa index --rebuild --index {index} --embedding-model {DEFAULT_MODEL_ID} ["
    assert hint in asked.stderr
    back = CliRunner().invoke(main, ["-q", "index", "--rebuild", "--index", str(index),
                                     "--embedding-model", DEFAULT_MODEL_ID])
    assert back.exit_code == 0, back.output
    assert IndexStore(index).read_manifest()["embedding_model"] == DEFAULT_MODEL_ID


def test_ctrl_c_during_qa_index_says_the_index_is_left_whole(tmp_path: Path,
                                                             monkeypatch) -> None:
    """Ctrl-C in `qa index` said only "Interrupted.": a user wonders whether the index is
    broken now (a build replaces it only once complete; tests/test_hardening_index.py
    kills builds for real). Other commands keep the plain line."""
    from qa.pipeline import QAPipeline

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(QAPipeline, "build", interrupted)
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The quay is wide.\n")
    result = CliRunner().invoke(main, ["index", str(corpus), "--index", str(tmp_path / "i")])
    assert result.exit_code == 130
    assert result.stderr.strip().endswith(
        "Interrupted: the index is left whole (a build replaces it only once it is complete).")
    monkeypatch.setattr(QAPipeline, "answer", interrupted)
    asked = CliRunner().invoke(main, ["ask", "Who?", "--index", str(tmp_path / "i")])
    assert asked.exit_code == 130 and asked.stderr.strip().endswith("Interrupted.")


def test_an_installed_qa_writes_nothing_into_site_packages(installed: dict[str, Path]) -> None:
    # installed from a wheel, `qa ask` built site-packages/index from site-packages/seeds,
    # which no wheel holds, and `qa index` (no PATH) tried the same
    from qa.pipeline import QAPipeline

    data = installed["home"] / ".local" / "share" / "qa"
    assert QAPipeline().index_dir == data / "index" and QAPipeline().corpus is None
    runner = CliRunner()
    ask = runner.invoke(main, ["ask", "Who is the Chechen leader?"])
    assert ask.exit_code == 1, ask.output
    # the default folder needs no --index (it was: qa index --index ~/.local/share/qa/index)
    assert f"no index at {data / 'index'}. Build one with: qa index ARTICLES…" in ask.output
    index = runner.invoke(main, ["index"])
    assert index.exit_code == 2, index.output
    assert (f"no PATH given and no index at {data / 'index'} yet: give the folders and files "
            "of articles to index, e.g. qa index ~/articles") in index.stderr
    bench = runner.invoke(main, ["bench"])
    assert bench.exit_code == 2 and "--corpus DIR" in bench.stderr, bench.output
    assert list(installed["site"].iterdir()) == [] and not data.exists()

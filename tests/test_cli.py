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

"""`qa chat`: builds the index on first start, serves on 127.0.0.1, fails plainly."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
START_TIMEOUT_S = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _chat(*args: str) -> subprocess.Popen[str]:
    # PYTHONFAULTHANDLER: a chat that hangs dumps its threads' stacks on SIGABRT.
    # Ctrl+C as in a terminal: a test run started in the background of a non-interactive
    # shell (`bash .ci/run &`) ignores SIGINT, and the chat would inherit that and never
    # see the Ctrl+C (Python installs its KeyboardInterrupt handler only when SIGINT is
    # not ignored at start).
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"}
    return subprocess.Popen([sys.executable, "-m", "qa.cli", "chat", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_line(proc: subprocess.Popen[str], needle: str) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"never printed {needle!r}:\n{''.join(lines)}")


def test_chat_builds_the_index_then_serves_locally(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    port = _free_port()
    proc = _chat("--index", str(tmp_path / "index"), "--corpus", str(tmp_path / "seeds"),
                 "--port", str(port))
    try:
        lines = _wait_for_line(proc, "Chat ready on")
        text = "".join(lines)
        assert "Building the index from" in text
        assert text.index("Building the index") < text.index("Starting the chat")
        assert f"Chat ready on http://127.0.0.1:{port}" in text
        assert "share=True" not in text and "public link" not in text  # never shared
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
            assert resp.status == 200
        assert (tmp_path / "index" / "CURRENT").is_file()
        assert "compiling the reader" not in text  # only with --compile
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_ctrl_c_stops_the_chat_with_status_130(tmp_path: Path) -> None:
    # Gradio's block_thread() caught Ctrl+C, printed a line of its own and returned: status 0
    shutil.copytree(SEEDS, tmp_path / "seeds")
    port = _free_port()
    proc = _chat("--index", str(tmp_path / "index"), "--corpus", str(tmp_path / "seeds"),
                 "--port", str(port))
    try:
        _wait_for_line(proc, "Chat ready on")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
            assert resp.status == 200  # serving, so waiting for Ctrl+C
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # say where it hangs (CI saw this once)
            proc.send_signal(signal.SIGABRT)
            stacks, _ = proc.communicate(timeout=30)
            raise AssertionError(f"Ctrl+C did not stop the chat in 60 s:\n{stacks}") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, rest
    assert rest.strip() == "Interrupted.", rest  # no traceback, no Gradio line


#: `qa chat` with PyTorch busy in another thread all along, as while an upload is embedded
#: (or the reader compiled): the work an interpreter shutdown would tear down under it.
BUSY_CHAT = """
import sys, threading, torch
busy = threading.Event()
def work():
    x = torch.randn(1000, 1000)
    busy.set()
    while True:
        x @ x
threading.Thread(target=work, daemon=True).start()
busy.wait()
from qa.cli import main
main(["chat", *sys.argv[1:]])
"""


def test_ctrl_c_while_pytorch_works_in_another_thread_still_ends_with_status_130(
        tmp_path: Path) -> None:
    # Ctrl+C while an upload was being indexed ended in "terminate called without an
    # active exception" and SIGABRT (status 134): the interpreter shut down under the
    # embedding, which ran on in a worker thread
    shutil.copytree(SEEDS, tmp_path / "seeds")
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", BUSY_CHAT, "--index", str(tmp_path / "index"),
                             "--corpus", str(tmp_path / "seeds"), "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _wait_for_line(proc, "Chat ready on")
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, rest
    assert rest.strip() == "Interrupted.", rest


def test_chat_on_a_host_name_says_which_addresses_it_serves(tmp_path: Path) -> None:
    # `--host localhost` is served on the addresses localhost resolves to here (IPv4 only
    # where /etc/hosts says so); the ready line says which, so that no one tries [::1]
    # where it is not served.
    shutil.copytree(SEEDS, tmp_path / "seeds")
    port = _free_port()
    addresses = sorted({str(info[4][0]) for info in socket.getaddrinfo(
        "localhost", port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)})
    proc = _chat("--index", str(tmp_path / "index"), "--corpus", str(tmp_path / "seeds"),
                 "--host", "localhost", "--port", str(port))
    try:
        text = "".join(_wait_for_line(proc, "Chat ready on"))
        assert (f"Chat ready on http://localhost:{port} (listening on "
                f"{' and '.join(addresses)}; Ctrl+C to stop)") in text, text
        for address in addresses:
            shown = f"[{address}]" if ":" in address else address
            with urllib.request.urlopen(f"http://{shown}:{port}/", timeout=30) as resp:
                assert resp.status == 200, address
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_chat_with_a_corpus_adds_that_corpus_to_an_existing_index(
        tmp_path: Path, seeds_pipeline) -> None:
    from qa.pipeline import QAPipeline

    first, second = tmp_path / "first", tmp_path / "second"
    articles = sorted(SEEDS.glob("*.txt"))
    for folder, article in ((first, articles[0]), (second, articles[1])):
        folder.mkdir()
        shutil.copy(article, folder / article.name)
    built = QAPipeline(tmp_path / "index", reader=seeds_pipeline.reader)
    built.embedder = seeds_pipeline.embedder
    built.build([first])  # `qa index first`
    port = _free_port()
    proc = _chat("--index", str(tmp_path / "index"), "--corpus", str(second),
                 "--port", str(port))
    try:
        text = "".join(_wait_for_line(proc, "Chat ready on"))
        assert f"Indexing {second}/" in text and "Traceback" not in text
        manifest = QAPipeline(tmp_path / "index").store.read_manifest()
        # the chat's corpus, besides what the index held: nothing dropped
        assert sorted(manifest["documents"]) == sorted(a.name for a in articles)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_chat_compiles_the_reader_in_the_background(tmp_path: Path) -> None:
    port = _free_port()
    shutil.copytree(SEEDS, tmp_path / "seeds")
    proc = _chat("--index", str(tmp_path / "index"), "--corpus", str(tmp_path / "seeds"),
                 "--port", str(port), "--compile")
    try:
        text = "".join(_wait_for_line(proc, "Chat ready on"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as resp:
            assert resp.status == 200  # served while the reader compiles
        assert "compiling the reader" in text
        compiled = "".join(_wait_for_line(proc, "reader compiled in"))
        assert "failed" not in compiled and "Traceback" not in compiled
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_chat_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    proc = _chat("--index", str(tmp_path / "missing"), "--port", str(_free_port()))
    out, _ = proc.communicate(timeout=START_TIMEOUT_S)
    assert proc.returncode == 1
    assert "no index at" in out and "qa index" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("entry", [["-m", "qa.cli"], ["-c", "from qa.cli import main; main()"]])
def test_every_command_is_there_however_the_cli_starts(entry: list[str]) -> None:
    # The reader's commands live in qa.cli_reader; `python -m qa.cli` must still list them.
    out = subprocess.run([sys.executable, *entry, "--help"], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    for command in ("index", "ask", "chat", "eval", "calibrate", "bench", "train-reader",
                    "eval-reader", "calibrate-reader"):
        assert f"  {command} " in out, command


@pytest.mark.slow
def test_a_closed_pipe_ends_the_command_quietly(seeds_pipeline) -> None:
    # `qa ask … | head -0`: whoever reads our output has gone before we write.
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "-q", "ask", "Who is the Chechen leader?",
         "--index", str(seeds_pipeline.index_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141
    assert "Error" not in err and "Traceback" not in err and "Exception" not in err, err


@pytest.mark.parametrize("command", ["index", "ask", "chat", "eval", "calibrate", "bench",
                                     "train-reader", "eval-reader", "calibrate-reader"])
def test_every_command_help_has_examples_and_no_format_leftovers(command: str) -> None:
    from click.testing import CliRunner

    from qa.cli import main

    out = CliRunner().invoke(main, [command, "--help"]).output
    assert "Examples:" in out, out  # as the README promises
    assert "%%" not in out and "./index" not in out


@pytest.mark.parametrize("command", [["train-reader", "--out", "OUT"], ["calibrate-reader"]])
def test_reader_commands_refuse_a_missing_data_file_before_anything(
        command: list[str], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from qa.cli import main

    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    res = CliRunner().invoke(main, [*args, "--data", str(tmp_path / "nope.json")])
    assert res.exit_code == 2 and "does not exist" in res.stderr
    assert not (tmp_path / "out").exists()  # no output folder left behind


def test_ctrl_c_ends_the_chat_even_when_the_server_does_not_close(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # A server busy answering may not close at once: Ctrl+C still ends the command, after
    # CLOSE_SECONDS at most (the full suite once saw `qa chat` outlive Ctrl+C by a minute).
    import threading

    from qa import cli_chat

    stuck = threading.Event()

    class Server:  # logic around the server only: serving, Ctrl+C, a close that hangs
        calls = 0

        @property
        def is_running(self) -> bool:
            Server.calls += 1
            if Server.calls > 2:
                raise KeyboardInterrupt
            return True

        def close(self, verbose: bool = True) -> None:
            stuck.wait(30)

    monkeypatch.setattr(cli_chat, "CLOSE_SECONDS", 0.3)
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        cli_chat._serve(Server(), "Chat ready on http://127.0.0.1:1")  # type: ignore[arg-type]
    stuck.set()
    assert time.perf_counter() - t0 < 5
    assert "Chat ready on" in capsys.readouterr().out


@pytest.mark.parametrize(("value", "code"), [("12", 0), ("50", 0), ("51", 2), ("0", 2)])
def test_chat_takes_the_top_k_range_the_other_commands_take(monkeypatch, value, code) -> None:
    # qa ask, qa eval and qa calibrate read up to 50 passages; the chat refused above 10
    import click
    from click.testing import CliRunner

    import qa.pipeline
    from qa.cli import main

    seen = {}

    class Stop(qa.pipeline.QAPipeline):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            seen.update(kwargs)
            raise click.ClickException("stopped before loading anything")

    monkeypatch.setattr(qa.pipeline, "QAPipeline", Stop)
    monkeypatch.setattr("qa.cli_chat._check_port", lambda host, port: None)
    result = CliRunner().invoke(main, ["chat", "--top-k", value, "--port", "7999"])
    assert result.exit_code == (1 if code == 0 else 2), result.output
    if code == 0:
        assert seen["top_k"] == int(value)
    else:
        assert "--top-k" in result.output and "1<=x<=50" in result.output

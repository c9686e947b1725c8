"""`qa chat`: serve the web chat (ui/) over an index, building or extending it first."""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from qa.cli import _ExistingPath, _friendly, _index_option, main

if TYPE_CHECKING:
    import gradio as gr

#: How long Ctrl+C waits for the server to close before the command ends anyway.
CLOSE_SECONDS = 10.0


@main.command("chat")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to serve on (keep 127.0.0.1 unless you mean to share it).")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@_index_option
@click.option("--corpus", default=None, type=_ExistingPath(exists=True, file_okay=False),
              help="Article folder the index is built from (default with no --index and no "
                   "$QA_INDEX_DIR: seeds/); given, it is added to an existing index at start.")
@click.option("--uploads", "uploads_dir", default=None, type=click.Path(file_okay=False),
              help="Where uploaded articles are saved (default: beside the index folder, "
                   "uploads/ for index/, else NAME-uploads/).")
@click.option("--top-k", default=None, type=click.IntRange(1, 50),
              help="Passages to read, changeable on the page (default: what the index was "
                   "calibrated with, else 5; the page's slider goes to 10, or to this).")
@click.option("--max-upload-mb", default=2.0, show_default=True, type=click.FloatRange(0.01, 50),
              help="Size limit for uploaded articles.")
@click.option("--reader-model", default=None, help="Reader model folder or hub id.")
@click.option("--compile/--no-compile", "compile_reader", default=None,
              help="Compile the reader (torch.compile) in the background after start: "
              "answers 5-10% faster once done (10-40 s; needs a C++ compiler). "
              "Default: $QA_READER_COMPILE, else off.")
@_friendly
def chat_cmd(host: str, port: int, index_dir: str | None, corpus: str | None,
             uploads_dir: str | None, top_k: int | None, max_upload_mb: float,
             reader_model: str | None, compile_reader: bool | None) -> None:
    """Open the web chat: ask questions, see sources, upload articles.

    On first start the index is built from seeds/ (or --corpus; an installed
    qa has no seeds/: give --corpus or run qa index first). An index
    folder given by --index or $QA_INDEX_DIR is built only from --corpus:
    without it, a missing index is an error, not an index of seeds/.

    \b
    Examples:
      qa chat                       # http://127.0.0.1:7860
      qa chat --corpus ~/notes --index ~/notes-index --port 8000
    """
    _check_port(host, port)  # now, not after the models have loaded
    from qa.pipeline import QAPipeline
    from qa.reader import ExtractiveReader
    from ui.app import launch
    from ui.uploads import default_uploads_dir

    reader = ExtractiveReader(reader_model, compile=compile_reader)
    pipe = QAPipeline(index_dir, corpus=corpus, reader=reader, top_k=top_k)
    pipe.uploads_dir = Path(uploads_dir) if uploads_dir else default_uploads_dir(pipe.index_dir)
    if not pipe.store.exists() and pipe.corpus is not None:
        click.echo(f"Building the index from {pipe.corpus}/ … (first start only)")
    elif corpus is not None and pipe.corpus is not None:
        # Asked for this folder: the index holds it as it is now, besides what it held.
        if pipe.recorded_sources() is None:
            raise click.ClickException(
                f"the index at {pipe.index_dir} does not record what it was built from (it "
                "was made before 2026-12-02), so adding --corpus could drop articles: index "
                f"everything it should hold with qa index PATH… --index {pipe.index_dir}, "
                "then start the chat.")
        click.echo(f"Indexing {pipe.corpus}/ into {pipe.index_dir}/ … "
                   "(unchanged articles are not re-embedded)")
        pipe.build([*pipe.sources(), pipe.corpus])
    _ = pipe.index
    pipe.embedder.load()  # now, not on the first question (which would take seconds)
    reader.warm_up(background=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: serving on {host}: others on your network can use this chat.",
                   err=True)
    click.echo("Starting the chat …")
    try:
        # quiet: Gradio's own lines would suggest share=True, which this chat never uses
        demo = launch(pipe, host=host, port=port, prevent_thread_lock=True, quiet=True,
                      max_upload_bytes=int(max_upload_mb * 1_000_000))
    except OSError as exc:
        # taken since the check, most likely; Gradio's message would name its own settings
        _check_port(host, port)
        raise click.ClickException(f"cannot serve on {host}:{port} ({_first_line(exc)}); "
                                   "choose another port with --port N") from exc
    shown = f"[{host}]" if ":" in host else host
    bound = _bound_addresses(host, demo)
    listening = f"listening on {' and '.join(bound)}; " if bound else ""
    try:
        _serve(demo, f"Chat ready on http://{shown}:{port} ({listening}Ctrl+C to stop); "
                     f"uploaded articles are saved in {pipe.uploads_dir}")
    except KeyboardInterrupt:
        _end_interrupted()


def _end_interrupted() -> NoReturn:
    """End the chat after Ctrl+C as every command ends ("Interrupted.", status 130), but
    without the interpreter's shutdown: an upload being indexed (or the reader being
    compiled) is PyTorch work in another thread, and tearing the interpreter down under it
    aborted the process ("terminate called without an active exception", status 134). The
    index is left whole (a build replaces it only once complete); an upload saved and not
    yet indexed is indexed at the next start (ui.app's _sync_uploads)."""
    click.echo("Interrupted.", err=True)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def _serve(demo: gr.Blocks, ready: str) -> None:
    """Say ``ready`` and serve until Ctrl+C, which closes the server and goes on to the
    CLI's own ending ("Interrupted.", exit status 130). Not Gradio's ``block_thread()``: it
    catches Ctrl+C, prints a line of its own and returns, so the command ended with status
    0. Ctrl+C right after the ready line is caught too, and closing may take 10 s at most
    (a server busy answering does not keep the command from ending)."""
    try:
        click.echo(ready)
        while demo.is_running:
            time.sleep(0.1)
    except KeyboardInterrupt:
        closing = threading.Thread(target=demo.close, kwargs={"verbose": False}, daemon=True)
        closing.start()
        closing.join(CLOSE_SECONDS)
        raise


def _bound_addresses(host: str, demo: gr.Blocks) -> list[str]:
    """For a host name (not an address), the addresses it was bound to, as this system
    resolves it: ["127.0.0.1"] for localhost where that names IPv4 only, so that no one
    expects http://[::1]:PORT to answer. Empty for an address, or when they are unknown."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return []
    except ValueError:
        pass
    try:  # uvicorn's listening servers, under Gradio's
        sockets = [sock for server in demo.server.servers for sock in server.sockets]
    except (AttributeError, TypeError):
        return []
    return sorted({str(sock.getsockname()[0]) for sock in sockets})


def _first_line(exc: OSError) -> str:
    """The gist of a launch error: its reason, without Gradio's advice on its settings."""
    return exc.strerror or str(exc).split("\n")[0].split(". ")[0]


def _check_port(host: str, port: int) -> None:
    """ClickException when ``host:port`` cannot be served on (a port in use, an address
    this machine does not have), in words that name our options."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            # as the server sets it: a port left in TIME_WAIT by a stopped chat is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} is in use; choose another with --port N") from exc
        if exc.errno == errno.EACCES:
            raise click.ClickException(
                f"port {port} needs administrator rights (ports below 1024 do); choose "
                "another with --port N, such as 7860") from exc
        reason = exc.strerror or str(exc)
        raise click.ClickException(f"cannot serve on {host}:{port} ({reason}); check "
                                   "--host") from exc

"""Hardening of the web chat: concurrency, upload limits and names, local-only serving."""

from __future__ import annotations

import html
import inspect
import shutil
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qa.errors import IngestError
from qa.pipeline import QAPipeline

gr = pytest.importorskip("gradio")
app = pytest.importorskip("ui.app")
uploads = pytest.importorskip("ui.uploads")

TIMEOUT = 300  # seconds for any one request (slow, shared CPU)
QUESTIONS = [
    "How long are the contracts offered to the Syrian volunteers?",
    "How much are the Syrian volunteers paid per month?",
    "Who is the Chechen leader?",
    "How many battalion tactical groups did Putin deploy?",
    "Who is the Moscow-based military expert?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class InFlight:
    """Wraps a pipeline's real ``answer`` to count how many run at once."""

    def __init__(self, pipe: QAPipeline) -> None:
        self.now = self.peak = self.calls = 0
        self._lock = threading.Lock()
        real = pipe.answer

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.now += 1
                self.calls += 1
                self.peak = max(self.peak, self.now)
            try:
                return real(*args, **kwargs)
            finally:
                with self._lock:
                    self.now -= 1

        pipe.answer = counted  # type: ignore[method-assign]

    def reset(self) -> None:
        with self._lock:
            self.peak = self.calls = 0


@dataclass
class Served:
    url: str
    pipe: QAPipeline
    demo: Any
    uploads_dir: Path
    counter: InFlight
    expected: dict[str, Any]


@pytest.fixture(scope="module")
def private_pipeline(seeds_pipeline: QAPipeline, seeds_corpus: Path,
                     tmp_path_factory: pytest.TempPathFactory) -> QAPipeline:
    """A copy of the seeds index and corpus (uploads must not touch the shared ones)."""
    root = tmp_path_factory.mktemp("app")
    shutil.copytree(seeds_pipeline.index_dir, root / "index")
    shutil.copytree(seeds_corpus, root / "corpus")
    pipe = QAPipeline(root / "index", corpus=root / "corpus", reader=seeds_pipeline.reader)
    pipe.embedder = seeds_pipeline.embedder
    return pipe


@pytest.fixture(scope="module")
def served(private_pipeline: QAPipeline) -> Iterator[Served]:
    pipe = private_pipeline
    expected = {q: pipe.answer(q) for q in QUESTIONS}
    counter = InFlight(pipe)
    uploads_dir = pipe.index_dir.parent / "uploads"
    port = free_port()
    demo = app.launch(pipe, port=port, uploads_dir=uploads_dir, max_upload_bytes=50_000,
                      prevent_thread_lock=True, quiet=True)
    try:
        yield Served(f"http://127.0.0.1:{port}/", pipe, demo, uploads_dir, counter, expected)
    finally:
        demo.close()


# -- concurrency -----------------------------------------------------------------------------
@pytest.mark.slow
def test_twenty_concurrent_requests_are_all_answered_correctly(served: Served) -> None:
    from gradio_client import Client

    client = Client(served.url, verbose=False, httpx_kwargs={"timeout": TIMEOUT})
    served.counter.reset()
    asks = [QUESTIONS[i % len(QUESTIONS)] for i in range(16)]
    chats = [QUESTIONS[i % len(QUESTIONS)] for i in range(4)]

    def ask(q: str) -> tuple[str, Any]:
        return q, client.submit(q, api_name="/ask").result(timeout=TIMEOUT)

    def chat(q: str) -> tuple[str, Any]:
        return q, client.submit(q, [], 5, served.pipe.threshold,
                                api_name="/chat").result(timeout=TIMEOUT)

    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(ask, q) for q in asks] + [pool.submit(chat, q) for q in chats]
        results = [f.result(timeout=TIMEOUT * 2) for f in futures]

    assert served.counter.calls == 20
    for q, result in results[: len(asks)]:
        want = served.expected[q]
        assert result["question"] == q
        assert result["text"] == want.text
        assert result["score"] == pytest.approx(want.score, abs=1e-6)
        assert [s["doc_id"] for s in result["sources"]] == [s.doc_id for s in want.sources]
    for q, (history, box) in results[len(asks):]:
        want = served.expected[q]
        assert box == ""
        assert [m["role"] for m in history] == ["user", "assistant"]
        reply = str(history[1]["content"])
        if want.text is None:
            assert "qa-notfound" in reply and "could not find" in reply
        else:
            assert html.escape(want.text) in reply or want.text in reply


@pytest.mark.slow
def test_the_queue_bounds_concurrent_answers(served: Served) -> None:
    """An explicit limit, and it holds across the chat box and the API together."""
    from gradio_client import Client

    limit = app.DEFAULT_CONCURRENCY
    assert isinstance(limit, int) and 1 <= limit <= 8
    assert served.demo._queue.default_concurrency_limit == limit
    client = Client(served.url, verbose=False, httpx_kwargs={"timeout": TIMEOUT})
    served.counter.reset()
    jobs = [client.submit(QUESTIONS[i % 5], api_name="/ask") for i in range(6)]
    jobs += [client.submit(QUESTIONS[i % 5], [], 5, 0.5, api_name="/chat") for i in range(6)]
    for job in jobs:
        job.result(timeout=TIMEOUT)
    assert served.counter.calls == 12
    assert served.counter.peak <= limit, (
        f"{served.counter.peak} answers ran at once; the limit is {limit}")


@pytest.mark.slow
def test_concurrency_limit_is_configurable(private_pipeline: QAPipeline) -> None:
    demo = app.build_app(private_pipeline, private_pipeline.index_dir.parent / "uploads-c",
                         concurrency_limit=3)
    assert demo._queue.default_concurrency_limit == 3


# -- uploads ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [
    "../../x.txt", "/etc/x.txt", "..\\..\\x.txt", "sub/../../x.txt", "./../x.txt",
    "C:\\Windows\\x.txt", "x.txt\x00.html", "\u202ex.txt",
])
def test_upload_names_stay_inside_the_uploads_folder(tmp_path: Path, name: str) -> None:
    src = tmp_path / "incoming" / "article.txt"
    src.parent.mkdir()
    src.write_text("The Rhine flows into the North Sea near Rotterdam.")
    dest_dir = tmp_path / "a" / "b" / "uploads"
    before = {p for p in tmp_path.rglob("*")}
    saved = uploads.save_upload(src, name, dest_dir)
    assert saved.parent == dest_dir.resolve()
    assert saved.suffix in {".txt", ".html"}
    assert saved.read_text() == src.read_text()
    new = {p for p in tmp_path.rglob("*")} - before
    assert {p.resolve() for p in new} <= {dest_dir.resolve(), *dest_dir.resolve().parents,
                                           saved}
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "a" / "x.txt").exists()


@pytest.mark.parametrize("name", ["..", ".", "", "/", "../", ".hidden.txt", "x.exe", "x"])
def test_unusable_upload_names_are_refused(tmp_path: Path, name: str) -> None:
    src = tmp_path / "article.txt"
    src.write_text("Some text.")
    with pytest.raises(IngestError) as info:
        uploads.save_upload(src, name, tmp_path / "uploads")
    assert "\n" not in str(info.value)
    assert not (tmp_path / "uploads").exists() or not list((tmp_path / "uploads").iterdir())


def test_uploads_are_size_limited(tmp_path: Path) -> None:
    src = tmp_path / "big.txt"
    src.write_text("word " * 3000)  # 15,000 bytes
    with pytest.raises(IngestError, match="the limit is"):
        uploads.save_upload(src, "big.txt", tmp_path / "uploads", max_bytes=10_000)
    assert not (tmp_path / "uploads" / "big.txt").exists()
    assert uploads.save_upload(src, "big.txt", tmp_path / "uploads",
                               max_bytes=20_000).name == "big.txt"


@pytest.mark.slow
def test_server_refuses_oversized_uploads(served: Served) -> None:
    """A file over the article limit (50,000 bytes here) still reaches the chat, which
    refuses it with its size and the limit; the server itself refuses one over ten times
    that (uploads.transfer_limit)."""
    import httpx

    url = served.url + "gradio_api/upload"
    small = httpx.post(url, files={"files": ("ok.txt", b"A short article about Oslo.")},
                       timeout=60)
    assert small.status_code == 200, small.text
    over = httpx.post(url, files={"files": ("big.txt", b"word " * 20_000)}, timeout=60)
    assert over.status_code == 200, over.text  # 100,000 bytes: for our own check
    huge_text = b"w" * (uploads.transfer_limit(50_000) + 1)
    huge = httpx.post(url, files={"files": ("huge.txt", huge_text)}, timeout=60)
    assert huge.status_code == 413, huge.text


@pytest.mark.slow
def test_server_upload_with_a_traversal_name(served: Served) -> None:
    """The server stores an upload named ``../../x.txt`` in its cache; indexing it keeps
    it in the uploads folder."""
    import httpx

    text = b"Lake Titicaca lies between Peru and Bolivia at 3,812 metres."
    r = httpx.post(served.url + "gradio_api/upload",
                   files={"files": ("../../escape-test.txt", text)}, timeout=60)
    assert r.status_code == 200, r.text
    stored = Path(r.json()[0])
    assert stored.name == "escape-test.txt" and stored.read_bytes() == text
    assert not (stored.parent.parent.parent / "escape-test.txt").exists()

    service = app.ChatService(served.pipe, served.uploads_dir, max_upload_bytes=50_000)
    status, _ = service.upload([str(stored)])
    saved = served.uploads_dir / "escape-test.txt"
    assert saved.is_file(), status
    assert "escape-test.txt" in served.pipe.index.manifest["documents"]
    assert not (served.uploads_dir.parent / "escape-test.txt").exists()


@pytest.mark.slow
def test_oversized_upload_through_the_service_is_refused(served: Served,
                                                         tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    big.write_text("The Amazon is long. " * 5000)  # 100,000 bytes, over the 50,000 limit
    documents_before = dict(served.pipe.index.manifest["documents"])
    service = app.ChatService(served.pipe, served.uploads_dir, max_upload_bytes=50_000)
    status, _ = service.upload([str(big)])
    assert "limit" in status and "huge.txt" in status
    assert not (served.uploads_dir / "huge.txt").exists()
    assert served.pipe.index.manifest["documents"] == documents_before


# -- binding and sharing ---------------------------------------------------------------------
def test_launch_defaults_are_local_only() -> None:
    params = inspect.signature(app.launch).parameters
    assert params["host"].default == "127.0.0.1"
    assert "share" not in params or params["share"].default is False
    source = inspect.getsource(app.launch)
    assert "share=False" in source


@pytest.mark.slow
def test_server_binds_loopback_and_never_shares(served: Served,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert served.demo.server_name == "127.0.0.1"
    assert not served.demo.share and served.demo.share_url is None
    # environment overrides do not widen it either
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SHARE", "True")
    port = free_port()
    demo = app.launch(served.pipe, port=port, uploads_dir=served.uploads_dir,
                      prevent_thread_lock=True, quiet=True)
    try:
        assert demo.server_name == "127.0.0.1"
        assert not demo.share and demo.share_url is None
        for address in _other_addresses():
            with socket.socket() as s:
                s.settimeout(2)
                assert s.connect_ex((address, port)) != 0, f"reachable on {address}"
    finally:
        demo.close()


def _other_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (none in some sandboxes)."""
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent
            found.add(s.getsockname()[0])
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127."))

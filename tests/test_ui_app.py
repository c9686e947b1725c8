"""The chat app over HTTP: the named /ask endpoint, follow-ups, the chat turn, uploads.

A real server (in-process, 127.0.0.1, free port) over seeds/ plus a distractor
article, with the shipped reader; called with gradio_client.
"""

from __future__ import annotations

import re
import shutil
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.metrics import normalize_answer

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_TITLE = "Russia has reportedly recruited Syrians to fight in Ukraine"
DISTRACTOR = (
    "Riverton Rovers football club signed three new players last summer. They were paid "
    "5,000 euros per week each, the club's chairman said. How much the players were paid "
    "was not disclosed at first.\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from qa.pipeline import QAPipeline
    from ui.app import launch

    root = tmp_path_factory.mktemp("ui-app")
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "rovers.txt").write_text(DISTRACTOR, encoding="utf-8")
    pipe = QAPipeline(root / "index", corpus=corpus)
    port = free_port()
    demo = launch(pipe, port=port, uploads_dir=root / "uploads", prevent_thread_lock=True,
                  quiet=True)
    try:
        yield {"url": f"http://127.0.0.1:{port}/", "pipeline": pipe, "root": root}
    finally:
        demo.close()


@pytest.fixture(scope="module")
def client(server: dict[str, Any]) -> Any:
    from gradio_client import Client

    return Client(server["url"], verbose=False)


def _answer_source(result: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in result["sources"] if s["answer_start"] is not None)


def test_the_chat_serves_on_ipv6_loopback(server: dict[str, Any]) -> None:
    import urllib.request

    from ui.app import launch

    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
            port = int(s.getsockname()[1])
    except OSError:
        pytest.skip("no IPv6 loopback here")
    # Gradio made http://::1:PORT/ of it, no URL: launching failed
    demo = launch(server["pipeline"], host="::1", port=port,
                  uploads_dir=server["root"] / "uploads", prevent_thread_lock=True, quiet=True)
    try:
        with urllib.request.urlopen(f"http://[::1]:{port}/", timeout=30) as resp:
            assert resp.status == 200
    finally:
        demo.close()


def test_ask_endpoint_returns_the_answer_with_its_source(client: Any) -> None:
    result = client.predict("What length of contract is Russia offering Syrian volunteers?",
                            None, None, None, api_name="/ask")
    assert result["text"] is not None, result
    assert "six" in normalize_answer(result["text"]), result["text"]
    source = _answer_source(result)
    assert source["title"].startswith(SEED_TITLE)
    assert source["passage"][source["answer_start"] - source["passage_start"]:].startswith(
        result["text"])
    assert result["followup"] is False
    assert 0.0 <= result["score"] <= 1.0


def test_ask_endpoint_reports_bad_questions_plainly(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="question is empty"):
        client.predict("   ", None, None, None, api_name="/ask")


@pytest.mark.parametrize("question, top_k, threshold, message", [
    (None, None, None, "a question must be text"),
    ("Who is the Chechen leader?", "abc", None, "top_k must be a whole number"),
    ("Who is the Chechen leader?", 2.5, None, "top_k must be a whole number"),
    # the chat's range, as its slider: 1 to 10 (the index's top-k is 5 here)
    ("Who is the Chechen leader?", 99, None, r"top_k must be a whole number from 1 to 10, "
                                             r"got 99"),
    ("Who is the Chechen leader?", 11, None, "top_k must be a whole number from 1 to 10"),
    ("Who is the Chechen leader?", 0, None, "top_k must be a whole number from 1 to 10"),
    ("Who is the Chechen leader?", None, 2.0, "threshold must be a number from 0 to 1"),
    ("Who is the Chechen leader?", None, "nan", "threshold must be a number from 0 to 1"),
])
def test_ask_endpoint_reports_bad_values_plainly(client: Any, question: Any, top_k: Any,
                                                 threshold: Any, message: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(question, None, top_k, threshold, api_name="/ask")


def test_ask_endpoint_takes_the_sliders_whole_range(client: Any) -> None:
    for top_k in (1, 10):
        result = client.predict("Who is the Chechen leader?", None, top_k, None,
                                api_name="/ask")
        assert len(result["sources"]) <= top_k, result


def test_the_chat_top_k_range_is_the_sliders(server: dict[str, Any], tmp_path: Path) -> None:
    """1 to 10, or to the index's top-k when that is more; the API and a typed slider
    value alike (no model loads: the range is checked first)."""
    from qa.errors import ConfigError
    from qa.pipeline import QAPipeline
    from ui.app import build_app
    from ui.service import ChatService

    service = ChatService(QAPipeline(tmp_path / "index"), tmp_path / "uploads")
    assert service.max_top_k == 10
    with pytest.raises(ConfigError, match=r"^top_k must be a whole number from 1 to 10, "
                                          r"got 11$"):
        service.answer("Who is the Chechen leader?", None, 11)
    assert "from 1 to 10" in service._reply("Who?", [], "abc", 0.5)
    wide = ChatService(QAPipeline(tmp_path / "index", top_k=12), tmp_path / "uploads")
    assert wide.max_top_k == 12
    with pytest.raises(ConfigError, match="from 1 to 12, got 13"):
        wide.answer("Who is the Chechen leader?", None, 13)
    # a calibration while the chat runs (another process's) widens the API's range too
    import shutil
    copy = Path(shutil.copytree(server["root"] / "index", tmp_path / "copy"))
    running = ChatService(QAPipeline(copy), tmp_path / "uploads")
    assert running.max_top_k == 10
    running.pipeline.store.update_settings(top_k=14)
    assert running.max_top_k == 14
    for pipe, most in ((server["pipeline"], 10),
                       (QAPipeline(server["root"] / "index", top_k=12), 12)):
        demo = build_app(pipe, server["root"] / "uploads")  # the server's: left as it is
        slider = next(c for c in demo.blocks.values()
                      if getattr(c, "elem_id", "") == "qa-top-k")
        assert (slider.minimum, slider.maximum) == (1, most)


def test_the_page_texts_fit_any_corpus_and_the_layout(server: dict[str, Any]) -> None:
    """The empty chat's text names where the article list is (it is no longer 'below'),
    and the header's follow-up examples are no seed-article questions."""
    from qa.followup import is_followup
    from ui.app import HEADER, PLACEHOLDER, build_app

    demo = build_app(server["pipeline"], server["root"] / "uploads")
    chat = next(c for c in demo.blocks.values() if getattr(c, "elem_id", "") == "qa-chat")
    assert chat.placeholder == PLACEHOLDER
    assert "below" not in PLACEHOLDER and "Indexed articles" in PLACEHOLDER
    headers = [c.value for c in demo.blocks.values() if type(c).__name__ == "Markdown"]
    assert HEADER in headers
    assert "ally" not in HEADER and " his " not in HEADER
    examples = re.findall(r'"([^"]+)"', HEADER)
    assert examples and all(is_followup(q) for q in examples)
    assert any(c.label == "Indexed articles" for c in demo.blocks.values()
               if type(c).__name__ == "Accordion")


def test_chat_turn_without_settings_uses_the_defaults(server: dict[str, Any]) -> None:
    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    history, _ = service.respond("Who is the Chechen leader?", [], None, None)  # type: ignore[arg-type]
    assert "Kadyrov" in history[-1]["content"] and "went wrong" not in history[-1]["content"]
    history, _ = service.respond("Who is the Chechen leader?", [], 5, 7)  # typed in
    assert "I could not find" in history[-1]["content"]  # read as 1, the slider's most
    history, _ = service.respond("Who is the Chechen leader?", [], 3.5, 0.25)  # typed in
    assert "Kadyrov" in history[-1]["content"]  # rounded to a whole number of passages


@pytest.mark.parametrize("typed, read", [
    (0, 1), (-3, 1), (11, 10), (99, 10),  # out of range: brought into it
    (2.5, 3), (3.5, 4), (1.49, 1), ("2.5", 3),  # half up, as the page's slider rounds
    (None, "default"), ("", "default"),  # a blank box: the default
    (7, 7),
])
def test_a_typed_top_k_is_read_as_the_page_shows_it(server: dict[str, Any], typed: Any,
                                                     read: Any) -> None:
    """The page showed 0, -3, 11 and 2.5 as typed while 1, 10 and 2 passages were read
    (2.5: Python's round-half-to-even), and a blank box read 1, not the default."""
    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    expected = server["pipeline"].top_k if read == "default" else read
    assert service.slider_settings(typed, 0.5) == (expected, 0.5)
    assert service.shown_settings(typed, 0.5) == (expected, 0.5)


@pytest.mark.parametrize("typed, read", [
    (-1, 0.0), (1.5, 1.0), (0.4, 0.4), (1, 1.0), (0, 0.0),
    (None, "default"), ("", "default"),  # a blank box: the index's threshold
])
def test_a_typed_threshold_is_read_as_the_page_shows_it(server: dict[str, Any], typed: Any,
                                                        read: Any) -> None:
    """-1 and 1.5 stayed on the page as typed; a blank box moved the slider to 0.5 while
    the default was read. The default is shown to two decimals, as the slider first
    showed it, and read exactly."""
    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    exact = server["pipeline"].threshold
    used, shown = (exact, round(exact, 2)) if read == "default" else (read, read)
    assert service.slider_settings(5, typed) == (5, used)
    assert service.shown_settings(5, typed) == (5, shown)


def test_an_answer_sets_the_sliders_to_the_values_it_was_read_with(
        server: dict[str, Any]) -> None:
    """The page's turn returns the values it used to the sliders: what the page shows is
    what was read."""
    import gradio as gr

    from ui.render import render_user
    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    question = "Who is the Chechen leader?"
    shown = [{"role": "user", "content": render_user(question)}]
    history, idle, top_k, threshold = service.complete(question, shown, 2.5, 1.5)
    assert (top_k, threshold) == (3, 1.0)
    assert "Closest passages (3)" in history[-1]["content"]  # 3 read, none over 1.0
    exact = server["pipeline"].threshold
    history, _, top_k, threshold = service.complete(question, shown, "", "")
    assert (top_k, threshold) == (server["pipeline"].top_k, round(exact, 2))
    assert "Kadyrov" in history[-1]["content"]
    assert service.complete(None, shown, 0, 9)[2:] == (gr.update(), gr.update())


def test_the_slider_left_at_the_rounded_threshold_means_the_exact_one(
        server: dict[str, Any]) -> None:
    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    exact = server["pipeline"].threshold
    assert service.slider_settings(5, round(exact, 2))[1] == exact
    assert service.slider_settings(5, 0.9)[1] == 0.9  # moved: the user's value


def test_followup_uses_the_previous_question(client: Any) -> None:
    first = "What length of contract is Russia offering Syrian volunteers?"
    followup = "How much were they paid?"
    history = [{"role": "user", "content": first},
               {"role": "assistant", "content": "six-month"}]
    alone = client.predict(followup, None, 1, 0.0, api_name="/ask")
    result = client.predict(followup, history, 1, 0.0, api_name="/ask")
    assert result["followup"] is True
    assert result["retrieval_query"] == f"{first} {followup}"
    # alone, the follow-up finds the football club; with the conversation, the recruits
    assert alone["sources"][0]["doc_id"] == "rovers.txt"
    assert result["sources"][0]["doc_id"] == "000_bdb7ea08bf89b1ec.txt"
    assert result["text"] is not None
    text = normalize_answer(result["text"])
    assert "200" in text or "300" in text, result["text"]


def test_followup_about_a_person_reads_the_previous_answer(client: Any) -> None:
    first = client.predict("Who is the Chechen leader?", None, None, None, api_name="/ask")
    assert first["text"] is not None and "kadyrov" in normalize_answer(first["text"])
    history = [{"role": "user", "content": "Who is the Chechen leader?"},
               {"role": "assistant", "content": first["text"]}]
    result = client.predict("And who is his close ally?", history, None, None, api_name="/ask")
    assert result["followup"] is True
    assert first["text"] in result["question"]
    assert result["text"] is not None and "putin" in normalize_answer(result["text"])


def test_followup_about_the_person_a_who_is_question_named(client: Any) -> None:
    """A browser trial: "Who is Oleksiy Danilov?" then "What did he allege?" found
    nothing; "he" is the man the first question named (its answer says what he is)."""
    first = client.predict("Who is Oleksiy Danilov?", None, None, None, api_name="/ask")
    history = [{"role": "user", "content": "Who is Oleksiy Danilov?"},
               {"role": "assistant", "content": first["text"] or "not found"}]
    result = client.predict("What did he allege?", history, None, None, api_name="/ask")
    assert result["followup"] is True
    assert result["question"] == "What did Oleksiy Danilov allege?"
    assert result["text"] is not None and "assassinate" in normalize_answer(result["text"])


def test_a_chain_of_followups_keeps_the_person(client: Any) -> None:
    """A trial: "Who is he?" then "And who is his close ally?" resolved nothing: the
    person is followed through the turns, not only from the last answer."""
    history: list[dict[str, Any]] = []
    for question in ("Who is the Chechen leader?", "Who is he?"):
        result = client.predict(question, history, None, None, api_name="/ask")
        history += [{"role": "user", "content": question},
                    {"role": "assistant", "content": result["text"] or "not found"}]
    assert "kadyrov" in normalize_answer(history[1]["content"])
    name = history[1]["content"]
    result = client.predict("And who is his close ally?", history, None, None, api_name="/ask")
    assert result["question"] == f"And who is {name}'s close ally?"
    assert result["text"] is not None and "putin" in normalize_answer(result["text"])


def test_self_contained_question_ignores_the_history(client: Any) -> None:
    history = [{"role": "user", "content": "What did the football club's players earn?"}]
    result = client.predict("Who is the Chechen leader?", history, None, None, api_name="/ask")
    assert result["followup"] is False
    assert result["retrieval_query"] == "Who is the Chechen leader?"
    assert result["text"] is not None and "kadyrov" in normalize_answer(result["text"])


def test_chat_turn_renders_answer_and_sources(client: Any) -> None:
    history, box = client.predict("Who is the Chechen leader?", [], 5, 0.0, api_name="/chat")
    assert box == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    reply = history[1]["content"]
    reply = reply if isinstance(reply, str) else " ".join(p.get("text", "") for p in reply)
    assert "<strong>" in reply and "Kadyrov" in reply
    assert "<summary>Sources" in reply and "<mark>" in reply


def test_chat_turn_shows_errors_as_a_message(client: Any) -> None:
    long_question = "why " * 400
    history, _ = client.predict(long_question, [], 5, 0.5, api_name="/chat")
    reply = history[-1]["content"]
    reply = reply if isinstance(reply, str) else " ".join(p.get("text", "") for p in reply)
    assert "limit is" in reply and "Traceback" not in reply


def test_uploads_are_indexed_at_once_and_bad_files_refused(server: dict[str, Any]) -> None:
    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads", max_upload_bytes=5000)
    staging = server["root"] / "staging"
    staging.mkdir()
    good = staging / "lighthouse.md"
    good.write_text("# The Harwick lighthouse\nThe Harwick lighthouse was painted cobalt blue "
                    "in 1911 by the keeper Ada Moss.\n", encoding="utf-8")
    bad = staging / "tool.exe"
    bad.write_bytes(b"MZ\x00\x00")
    big = staging / "big.txt"
    big.write_text("word " * 2000)
    dup = staging / "copy.txt"
    dup.write_text(DISTRACTOR, encoding="utf-8")
    status, articles = service.upload([str(good), str(bad), str(big), str(dup)])
    assert "added &#x27;lighthouse.md&#x27;" in status
    assert "unsupported file type" in status and "limit is" in status
    assert "the same text as rovers.txt, already indexed" in status
    assert "The Harwick lighthouse" in articles
    assert sorted(p.name for p in (server["root"] / "uploads").iterdir()) == ["lighthouse.md"]
    answer, _ = service.answer("What colour was the Harwick lighthouse painted?")
    assert answer.text is not None and "blue" in normalize_answer(answer.text)
    assert answer.sources[0].doc_id == "lighthouse.md"


def test_page_turn_takes_shows_then_answers(server: dict[str, Any]) -> None:
    import gradio as gr

    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    assert service.take("   ", None) == (None, None)  # blank: nothing to answer
    question, busy = service.take("Who is the Chechen leader?", None)
    assert question == "Who is the Chechen leader?" and isinstance(busy, float)
    with pytest.warns(UserWarning, match="Still answering the previous question"), \
            pytest.raises(gr.Error) as stopped:
        service.take("And who is his ally?", busy)
    assert not stopped.value.visible  # the warning is the notice; the error only stops the turn
    # Enter in the emptied box meanwhile (the second press of a double Enter) does nothing,
    # as Enter in an empty box always does: the warning said to press Enter again, and
    # there was nothing in the box to send
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert service.take("", busy) == (None, busy)
    stale = busy - 301.0  # an answer that never came back blocks for 300 s at most
    assert service.take("Who is the Chechen leader?", stale)[0] == "Who is the Chechen leader?"
    box, shown = service.show(question, [])
    assert box == "" and [m["role"] for m in shown] == ["user"]
    history, idle, *_ = service.complete(question, shown, 5, 0.0)
    assert idle is None and [m["role"] for m in history] == ["user", "assistant"]
    assert "Kadyrov" in history[1]["content"]
    # a follow-up reads the turns before it, not itself
    _, shown = service.show("And who is his close ally?", history)
    history, *_ = service.complete("And who is his close ally?", shown, 5, 0.0)
    assert "putin" in normalize_answer(history[-1]["content"])
    assert service.complete(None, history, 5, 0.0)[0] == gr.update()  # nothing was taken


def test_an_upload_the_disk_cannot_take_is_refused_and_removed(server: dict[str, Any],
                                                               monkeypatch) -> None:
    import errno

    from ui.service import ChatService

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    uploads = server["root"] / "uploads-full"
    monkeypatch.setattr(server["pipeline"], "uploads_dir", server["pipeline"].uploads_dir)
    service = ChatService(server["pipeline"], uploads)
    monkeypatch.setattr(server["pipeline"].store, "build_loaded", full_disk)
    staging = server["root"] / "staging-full"
    staging.mkdir()
    (staging / "notes.txt").write_text("The ferry leaves at noon.\n", encoding="utf-8")
    status, _ = service.upload([str(staging / "notes.txt")])
    assert "indexing failed, nothing was added" in status
    assert "No space left on device" in status
    assert not any(uploads.iterdir())  # the saved file was taken back


def test_a_copy_uploaded_under_an_earlier_name_is_refused(server: dict[str, Any],
                                                          monkeypatch) -> None:
    from ui.service import ChatService

    monkeypatch.setattr(server["pipeline"], "uploads_dir", server["pipeline"].uploads_dir)
    service = ChatService(server["pipeline"], server["root"] / "uploads")
    staging = server["root"] / "staging-copies"
    staging.mkdir()
    zoo = staging / "zoo.html"
    zoo.write_text("<html><body><h1>The zoo</h1><p>The zoo keeps two red pandas named "
                   "Momo and Pip.</p></body></html>", encoding="utf-8")
    status, _ = service.upload([str(zoo)])
    assert "added &#x27;zoo.html&#x27;" in status
    copy = staging / "a-zoo-copy.html"  # sorts before zoo.html
    copy.write_bytes(zoo.read_bytes())
    status, articles = service.upload([str(copy)])
    assert ("&#x27;a-zoo-copy.html&#x27; was not added: the same text as zoo.html, already "
            "indexed") in status
    assert "zoo.html" in service.documents() and "a-zoo-copy.html" not in service.documents()
    assert not (server["root"] / "uploads" / "a-zoo-copy.html").exists()


def test_what_is_typed_after_enter_stays_in_the_box(server: dict[str, Any]) -> None:
    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    question = "Who is the Chechen leader?"
    # typing went on before the box was emptied: it ran on after the sent question
    box, chat = service.show(question, [], question + "Who is the exp")
    assert box == "Who is the exp"
    assert chat[-1]["role"] == "user" and question in chat[-1]["content"]
    assert service.show(question, [], question)[0] == ""
    assert service.show(question, [], "a new question")[0] == "a new question"


def _ferry_pipeline(tmp_path: Path) -> tuple[Any, Path, Path]:
    """A pipeline with uploads over an index of one corpus article (ferry.md), its
    corpus folder, and an empty folder to stage uploads in."""
    from qa.pipeline import QAPipeline

    corpus, staging = tmp_path / "corpus", tmp_path / "staging"
    corpus.mkdir()
    staging.mkdir()
    (corpus / "ferry.md").write_text("# Ferry\n\nThe ferry leaves at noon.")
    pipe = QAPipeline(tmp_path / "index", corpus=corpus, uploads_dir=tmp_path / "uploads")
    pipe.build([corpus])
    return pipe, corpus, staging


def test_an_upload_is_announced_with_its_own_title(tmp_path: Path) -> None:
    # a corpus file of the same name, added after the last build, takes the plain id at
    # the upload's build; the upload goes in as uploads/notes.md, and is named by its title
    from ui.service import ChatService

    pipe, corpus, staging = _ferry_pipeline(tmp_path)
    (corpus / "notes.md").write_text("# Corpus notes\n\nThe market opens at nine.")
    (staging / "notes.md").write_text("# Upload notes\n\nThe museum closes at six.")
    status, _ = ChatService(pipe, tmp_path / "uploads").upload([str(staging / "notes.md")])
    assert "added &#x27;notes.md&#x27; (Upload notes)" in status, status
    assert set(pipe.store.read_manifest()["documents"]) == {"ferry.md", "notes.md",
                                                            "uploads/notes.md"}
    # uploaded under the name of an article from the corpus: saved as ferry-1.md, and said
    # so; the same text again: refused under the name the user gave it, not the one it
    # was saved as
    (staging / "ferry.md").write_text("# Later notes\n\nThe pier is closed on Sundays.")
    service = ChatService(pipe, tmp_path / "uploads")
    status, _ = service.upload([str(staging / "ferry.md")])
    assert ("added &#x27;ferry.md&#x27; as &#x27;ferry-1.md&#x27; (Later notes): you can "
            "ask about it now. &#x27;ferry.md&#x27; is the name of an indexed article that is "
            "not an upload; to replace this upload later, upload the file as "
            "&#x27;ferry-1.md&#x27;") in status, status
    assert ") (" not in status
    assert (corpus / "ferry.md").read_text() == "# Ferry\n\nThe ferry leaves at noon."
    status, _ = service.upload([str(staging / "ferry.md")])
    assert ("&#x27;ferry.md&#x27; was not added: the same text as ferry-1.md, already "
            "indexed") in status, status
    # two equal files in one upload; a failure named as uploaded; a name NFC changes
    (staging / "a.md").write_text("# Tide\n\nHigh tide is at four.")
    (staging / "b.md").write_text("# Tide\n\nHigh tide is at four.")
    (staging / "x(1).html").write_text("<html><body></body></html>")
    (staging / "cafe\u0301.md").write_text("# Cafe\n\nThe cafe opens at eight.")
    status, _ = service.upload([str(staging / n) for n in
                                ("a.md", "b.md", "x(1).html", "cafe\u0301.md")])
    assert "&#x27;b.md&#x27; was not added: the same text as a.md, uploaded with it" in status
    assert ("&#x27;x(1).html&#x27; was not added: no text once markup and scripts are left "
            "out") in status, status
    assert "added &#x27;caf\u00e9.md&#x27; (Cafe)" in status.replace("e\u0301", "\u00e9"), status
    assert " as &#x27;caf" not in status


LIGHTHOUSE = ("Harwick lighthouse reopens\n\nThe Harwick lighthouse on the north pier reopened "
              "in May. The lighthouse's colour is now {colour}, after the keeper Ada Moss "
              "repainted it.\n")


@pytest.mark.parametrize("inside", [False, True])
def test_an_upload_never_replaces_a_file_of_the_corpus(tmp_path: Path, inside: bool) -> None:
    # an uploads folder that is the corpus (or inside it) holds the user's own articles:
    # a file uploaded under one of their names is added beside it, never written over it
    from ui.service import ChatService

    pipe, corpus, staging = _ferry_pipeline(tmp_path)
    uploads = corpus / "uploads" if inside else corpus
    uploads.mkdir(exist_ok=True)
    (uploads / "notes.md").write_text("# Notes\n\nThe harbour master is Ada Moss.")
    pipe.build([corpus])
    service = ChatService(pipe, uploads)
    (staging / "notes.md").write_text("# Notes\n\nThe harbour master is Tom Reed.")
    status, _ = service.upload([str(staging / "notes.md")])
    assert "replaced" not in status and "as &#x27;notes-1.md&#x27;" in status, status
    assert "Ada Moss" in (uploads / "notes.md").read_text()


def test_an_upload_under_the_name_of_an_earlier_upload_replaces_it(tmp_path: Path) -> None:
    # a corrected article uploaded under its name again takes the earlier one's place, in
    # the uploads folder and in the index: the old text answers no more
    from ui.service import ChatService

    pipe, corpus, staging = _ferry_pipeline(tmp_path)
    uploads = tmp_path / "uploads"
    service = ChatService(pipe, uploads)
    (staging / "lighthouse.txt").write_text(LIGHTHOUSE.format(colour="cobalt blue"))
    status, _ = service.upload([str(staging / "lighthouse.txt")])
    assert "added &#x27;lighthouse.txt&#x27; (Harwick lighthouse reopens)" in status, status
    answer, _ = service.answer("What is the Harwick lighthouse's colour now?")
    assert answer.text is not None and "cobalt blue" in answer.text
    (staging / "lighthouse.txt").write_text(LIGHTHOUSE.format(colour="bright red"))
    status, articles = service.upload([str(staging / "lighthouse.txt")])
    assert ("replaced &#x27;lighthouse.txt&#x27; (Harwick lighthouse reopens): you can ask "
            "about it now") in status, status
    assert sorted(p.name for p in uploads.iterdir()) == ["lighthouse.txt"]  # nothing aside
    assert "bright red" in (uploads / "lighthouse.txt").read_text()
    documents = service.documents()
    assert set(documents) == {"ferry.md", "lighthouse.txt"}
    assert articles.count("Harwick lighthouse reopens") == 1
    answer, _ = service.answer("What is the Harwick lighthouse's colour now?")
    assert answer.text is not None and "bright red" in answer.text, answer.text
    assert all("cobalt" not in r.passage.text for r in pipe.retrieve("cobalt blue lighthouse", 5))
    # the same text again is refused as before, and leaves the file as it was
    before = (uploads / "lighthouse.txt").stat()
    status, _ = service.upload([str(staging / "lighthouse.txt")])
    assert ("&#x27;lighthouse.txt&#x27; was not added: the same text as lighthouse.txt, "
            "already indexed") in status, status
    after = (uploads / "lighthouse.txt").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in uploads.iterdir()) == ["lighthouse.txt"]
    # two files of one name in one upload: the second does not replace the first
    (staging / "b").mkdir()
    (staging / "tide.md").write_text("# Tide\n\nHigh tide is at four.")
    (staging / "b" / "tide.md").write_text("# Tide again\n\nLow tide is at ten.")
    status, _ = service.upload([str(staging / "tide.md"), str(staging / "b" / "tide.md")])
    assert ("added &#x27;tide.md&#x27; as &#x27;tide-1.md&#x27; (Tide again): you can ask "
            "about it now. Another file of this upload is named &#x27;tide.md&#x27;") in status
    assert {"tide.md", "tide-1.md"} <= set(service.documents())


def test_a_replacement_that_is_refused_or_not_indexed_keeps_the_earlier_upload(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from ui.service import ChatService

    pipe, corpus, staging = _ferry_pipeline(tmp_path)
    uploads = tmp_path / "uploads"
    service = ChatService(pipe, uploads)
    first = LIGHTHOUSE.format(colour="cobalt blue")
    (staging / "lighthouse.txt").write_text(first)
    service.upload([str(staging / "lighthouse.txt")])
    # a new version with no text: refused, the earlier one stays
    (staging / "lighthouse.txt").write_text("  \n\n  ")
    status, _ = service.upload([str(staging / "lighthouse.txt")])
    assert "&#x27;lighthouse.txt&#x27; was not added: " in status, status
    assert (uploads / "lighthouse.txt").read_text() == first
    # the text of another indexed article: refused, the earlier one stays
    (staging / "lighthouse.txt").write_text((corpus / "ferry.md").read_text())
    (staging / "lighthouse.txt").rename(staging / "lighthouse.md")
    (uploads / "lighthouse.md").write_text(first.replace("Harwick", "Dunmore"))
    status, _ = service.upload([str(staging / "lighthouse.md")])
    assert "the same text as ferry.md, already indexed" in status, status
    assert "Dunmore" in (uploads / "lighthouse.md").read_text()
    (uploads / "lighthouse.md").unlink()

    # indexing fails (a full disk): the earlier upload is put back, as the index has it
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    (staging / "lighthouse.txt").write_text(LIGHTHOUSE.format(colour="bright red"))
    monkeypatch.setattr(pipe.store, "build_loaded", full_disk)
    status, _ = service.upload([str(staging / "lighthouse.txt")])
    assert "indexing failed, nothing was added" in status, status
    assert (uploads / "lighthouse.txt").read_text() == first
    assert sorted(p.name for p in uploads.iterdir()) == ["lighthouse.txt"]
    monkeypatch.undo()
    answer, _ = service.answer("What is the Harwick lighthouse's colour now?")
    assert answer.text is not None and "cobalt blue" in answer.text


def test_an_upload_read_in_a_guessed_encoding_says_so_in_its_status_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # the log is no place a web user sees: the status line names the guess, and the log
    # names it once for the file, not at every later upload's re-reading of the folder
    from ui.service import ChatService

    pipe, corpus, staging = _ferry_pipeline(tmp_path)
    (staging / "latin1.txt").write_bytes("Café crème costs 3 euros in Zürich.".encode("latin-1"))
    (staging / "plain.txt").write_text("The bakery opens at seven.", encoding="utf-8")
    service = ChatService(pipe, tmp_path / "uploads")
    with caplog.at_level("WARNING", logger="qa.ingest"):
        status, _ = service.upload([str(staging / "latin1.txt")])
        later, _ = service.upload([str(staging / "plain.txt")])
    assert "added &#x27;latin1.txt&#x27;" in status, status
    assert "not UTF-8 and was read as Windows-1252" in status, status
    assert "UTF-8" not in later, later
    assert caplog.text.count("latin1.txt is not UTF-8") == 1, caplog.text


def test_an_upload_renamed_on_its_way_is_called_renamed(server: dict[str, Any],
                                                        tmp_path: Path) -> None:
    # Gradio's cache stores 'evil<b>name.md' as 'evilbname.md'; the page's upload event
    # takes the files as Gradio sent them, with the name the browser gave, and the status
    # line says what the file was saved as
    from gradio.data_classes import FileData, ListFiles

    from ui.app import build_app, uploaded_files
    from ui.service import ChatService

    stored = tmp_path / "evilbname.md"
    stored.write_text("# Evil page\n\nThe evil page is about paper lanterns.")
    payload = ListFiles(root=[FileData(path=str(stored), orig_name="evil<b>name.md")]
                        ).model_dump()
    paths, names = uploaded_files(payload)
    assert (paths, names) == ([str(stored)], ["evil<b>name.md"])
    assert uploaded_files(None) == ([], [])
    service = ChatService(server["pipeline"], server["root"] / "uploads")
    status, _ = service.upload(paths, names)
    assert ("added &#x27;evil&lt;b&gt;name.md&#x27; as &#x27;evil_b_name.md&#x27; "
            "(Evil page)") in status, status
    assert "<b>" not in status
    demo = build_app(server["pipeline"], server["root"] / "uploads")
    box = next(c for c in demo.blocks.values() if getattr(c, "elem_id", "") == "qa-upload")
    event = next(fn for fn in demo.fns.values()
                 if any(t == (box._id, "upload") for t in
                        [(getattr(b, "_id", b), e) for b, e in fn.targets]))
    assert event.preprocess is False


def test_a_question_over_the_limit_stays_in_the_box_and_out_of_the_chat(
        server: dict[str, Any]) -> None:
    # refused at the first step: the turn stops before the box is emptied and the question
    # is shown in the chat; the warning gives the reason
    import gradio as gr

    from ui.service import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    limit = server["pipeline"].max_question_chars
    long_question = "Who is the Chechen leader? " * (limit // 20)
    with pytest.warns(UserWarning, match=f"the limit is {limit:,}"), \
            pytest.raises(gr.Error) as stopped:
        service.take(long_question, None)
    assert not stopped.value.visible
    question, busy = service.take("Who is the Chechen leader?", None)  # a short one goes on
    assert question == "Who is the Chechen leader?" and isinstance(busy, float)


def test_a_click_on_an_example_asks_it(server: dict[str, Any]) -> None:
    # the example goes into the box, then the page's turn (take, show, complete) runs, as
    # on Enter; Clear cancels it too
    from ui.app import build_app

    demo = build_app(server["pipeline"], server["root"] / "uploads",
                     examples=["Who is the Chechen leader?"])
    dataset = next(c for c in demo.blocks.values() if type(c).__name__ == "Dataset")
    fns = list(demo.fns.values())
    load = next(fn for fn in fns if (dataset._id, "click") in
                [(getattr(b, "_id", b), e) for b, e in fn.targets])
    take = next(fn for fn in fns if fn.trigger_after == load._id)
    assert take.name == "take"
    show = next(fn for fn in fns if fn.trigger_after == take._id)
    complete = next(fn for fn in fns if fn.trigger_after == show._id)
    assert (show.name, complete.name) == ("show", "complete")
    clear = next(c for c in demo.blocks.values() if getattr(c, "elem_id", "") == "qa-clear")
    cancelled = {i for fn in fns if (clear._id, "click") in
                 [(getattr(b, "_id", b), e) for b, e in fn.targets] for i in fn.cancels}
    assert complete._id in cancelled


def test_the_chat_has_no_floating_label_over_its_messages(server: dict[str, Any]) -> None:
    # Gradio floats a shown label over the messages, where it covered their text once the
    # chat scrolled; the page's header says what the chat is, and its log keeps a name
    from ui.app import build_app

    demo = build_app(server["pipeline"], server["root"] / "uploads")
    chat = next(c for c in demo.blocks.values() if getattr(c, "elem_id", "") == "qa-chat")
    assert chat.show_label is False and chat.label == "Chat"


def test_the_article_list_shows_that_it_scrolls() -> None:
    # with overlay scrollbars nothing showed that the list held more: a scrollbar that is
    # always there, and a shadow at an edge with more beyond it
    from ui.app import CSS

    assert "ul.qa-articles::-webkit-scrollbar { width: 8px; }" in CSS
    assert "scrollbar-width: thin" in CSS  # Firefox
    assert "background-attachment: local, local, scroll, scroll" in CSS


def test_a_long_word_wraps_in_the_side_column() -> None:
    # a title of one 240-character word was cut in the status line and the article list
    from ui.app import CSS

    assert ".qa-status, ul.qa-articles { overflow-wrap: anywhere; }" in CSS


def test_an_upload_status_line_has_one_mark() -> None:
    # each line showed a list bullet and its ✓ or ✗
    from ui.app import CSS

    assert "#qa-upload-status ul.qa-status li {\n  list-style: none;" in CSS


def test_the_empty_chat_text_keeps_off_the_edges() -> None:
    # on a phone (390 px) the text touched the chat's left edge
    from ui.app import CSS

    assert "#qa-chat .placeholder-content { padding: 0 1.2em; text-align: center; }" in CSS


def test_an_upload_of_a_server_path_is_refused(server: dict[str, Any], tmp_path: Path) -> None:
    # the upload event takes Gradio's payload as sent (preprocess=False, for the names the
    # browser gave): a client naming a file on the server, not one it uploaded, must not
    # get it indexed (Gradio checks the path before the handler runs; this keeps it so)
    import json
    import uuid

    import httpx

    secret = tmp_path / "secret.txt"
    secret.write_text("The harbour master's safe code is ZEBRA-42.", encoding="utf-8")
    base = server["url"] + "gradio_api"
    config = httpx.get(server["url"] + "config", timeout=30).json()
    [upload] = [d for d in config["dependencies"] if d.get("api_name") == "upload"]
    session = uuid.uuid4().hex[:10]
    joined = httpx.post(base + "/queue/join", timeout=30, json={
        "data": [[{"path": str(secret), "orig_name": "secret.txt",
                   "meta": {"_type": "gradio.FileData"}}]],
        "fn_index": upload["id"], "session_hash": session, "event_data": None,
        "trigger_id": upload["targets"][0][0]})
    assert joined.status_code == 200, joined.text
    done = None
    with httpx.stream("GET", base + "/queue/data", params={"session_hash": session},
                      timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and "process_completed" in line:
                done = json.loads(line[5:])
                break
    assert done is not None and done["success"] is False
    uploads = server["root"] / "uploads"
    assert not (uploads / "secret.txt").exists()
    assert "secret.txt" not in server["pipeline"].store.read_manifest()["documents"]


def test_an_upload_is_removed_from_the_page(server: dict[str, Any], client: Any,
                                            tmp_path: Path) -> None:
    # the page lists the uploads under Indexed articles with a Remove button; removing one
    # (the page's event, over HTTP) takes it out of the index, the article list and the
    # removal list; the upload event refreshes that list too
    from ui.app import build_app
    from ui.service import ChatService

    uploads = server["root"] / "uploads"
    service = ChatService(server["pipeline"], uploads)
    kiosk = tmp_path / "kiosk.md"
    kiosk.write_text("# Kiosk hours\n\nThe harbour kiosk sells ice cream until seven.")
    status, _ = service.upload([str(kiosk)])
    assert "added &#x27;kiosk.md&#x27;" in status, status
    demo = build_app(server["pipeline"], uploads)
    blocks = {getattr(c, "elem_id", None): c for c in demo.blocks.values()}
    choice, button = blocks["qa-remove-choice"], blocks["qa-remove"]
    assert "kiosk.md" in [value for _, value in choice.choices]
    ids = {c._id for c in (choice, blocks["qa-articles"], blocks["qa-upload-status"])}
    fns = list(demo.fns.values())
    remove = next(fn for fn in fns if (button._id, "click") in
                  [(getattr(b, "_id", b), e) for b, e in fn.targets])
    assert remove.preprocess is False and {o._id for o in remove.outputs} == ids
    upload = next(fn for fn in fns if fn.name == "upload")
    assert choice._id in {o._id for o in upload.outputs}
    load = next(fn for fn in fns if any(e == "load" for _, e in fn.targets))
    assert choice._id in {o._id for o in load.outputs}

    status, articles, listed = client.predict("kiosk.md", api_name="/remove")
    assert "removed &#x27;kiosk.md&#x27; (Kiosk hours): the index holds" in status, status
    assert "Kiosk hours" not in articles
    assert "choices" in listed and "kiosk.md" not in str(listed["choices"]), listed
    assert "kiosk.md" not in service.documents() and not (uploads / "kiosk.md").exists()
    answer, _ = service.answer("Until when does the harbour kiosk sell ice cream?")
    assert all(s.doc_id != "kiosk.md" for s in answer.sources)
    # a file that is no upload is refused in the status line, and stays
    status, _, _ = client.predict("rovers.txt", api_name="/remove")
    assert "&#x27;rovers.txt&#x27; is not in the uploads folder" in status, status
    assert "is not an upload" in status
    assert (server["root"] / "corpus" / "rovers.txt").exists()


def test_the_page_offers_no_removal_where_uploads_are_corpus_files(tmp_path: Path) -> None:
    from qa.pipeline import QAPipeline
    from ui.app import build_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ferry.md").write_text("# Ferry\n\nThe ferry leaves at noon.")
    pipe = QAPipeline(tmp_path / "index", corpus=corpus)
    pipe.build([corpus])
    demo = build_app(pipe, corpus)  # the uploads folder is the corpus
    choice = next(c for c in demo.blocks.values()
                  if getattr(c, "elem_id", "") == "qa-remove-choice")
    assert choice.choices == []
    assert not any(fn.api_name == "remove" for fn in demo.fns.values())
    row = choice.parent
    while type(row).__name__ != "Row":  # Gradio puts the list in a Form of its own
        row = row.parent
    assert row.visible is False


def test_the_removal_list_shows_only_while_there_are_uploads(tmp_path: Path) -> None:
    """The removal list and its button are hidden while the uploads folder holds no
    upload, shown once it holds one; the page's load, its upload, its removal and its
    follow-up of the lists set that again."""
    from qa.pipeline import QAPipeline
    from ui.app import build_app

    corpus, uploads = tmp_path / "corpus", tmp_path / "uploads"
    corpus.mkdir()
    (corpus / "ferry.md").write_text("# Ferry\n\nThe ferry leaves at noon.")
    pipe = QAPipeline(tmp_path / "index", corpus=corpus)
    pipe.build([corpus])

    def removal_row(demo: Any) -> Any:
        return next(c for c in demo.blocks.values()
                    if getattr(c, "elem_id", "") == "qa-removal")

    demo = build_app(pipe, uploads)
    row = removal_row(demo)
    assert row.visible is False
    updating = [fn for fn in demo.fns.values() if row._id in {o._id for o in fn.outputs}]
    triggers = {(getattr(b, "elem_id", None), e) for fn in updating for b, e in fn.targets}
    assert {(None, "load"), (None, "tick")} <= triggers, triggers  # load, the Timer
    assert len(updating) >= 4, updating  # and after an upload, after a removal
    uploads.mkdir()
    (uploads / "pier.md").write_text("# Pier\n\nThe pier is closed on Sundays.")
    assert removal_row(build_app(pipe, uploads)).visible is True  # indexed as it starts


def test_the_saved_conversation_is_the_index_folders_across_restarts(tmp_path: Path) -> None:
    """The browser keeps the conversation under a key (and an encryption key) of the index
    folder: a chat started again over it reads it back (Gradio's random default did not);
    a chat over another index has its own, and so has the question box's draft. What is
    kept is the last messages alone."""
    from qa.pipeline import QAPipeline
    from ui.history import SAVED_MESSAGES, draft_key, kept_messages, saved_chat

    first, again = saved_chat(QAPipeline(tmp_path / "a")), saved_chat(QAPipeline(tmp_path / "a"))
    other = saved_chat(QAPipeline(tmp_path / "b"))
    assert (first.storage_key, first.secret) == (again.storage_key, again.secret)
    assert first.storage_key != other.storage_key and first.secret != other.secret
    drafts = [draft_key(QAPipeline(tmp_path / d)) for d in "aab"]
    assert drafts[0] == drafts[1] != drafts[2]
    assert drafts[0] == first.storage_key.replace("qa-chat-", "qa-draft-")
    history = [{"role": "user", "content": str(n)} for n in range(SAVED_MESSAGES + 3)]
    assert kept_messages(history) == history[3:]
    assert kept_messages("not a conversation") == [] and kept_messages(None) == []


def test_the_saved_settings_are_the_index_folders_and_read_back_in_range(
        tmp_path: Path) -> None:
    """The browser keeps the Settings sliders' values under a key of the index folder, as
    the conversation; a reloaded page sets the sliders to them, and leaves a slider at its
    default (no update) for a value it does not take: out of range, not a whole number of
    passages, no number, a damaged or foreign stored value."""
    import gradio as gr

    from qa.pipeline import QAPipeline
    from ui.history import kept_settings, restored_settings, saved_chat, saved_settings

    first, again = (saved_settings(QAPipeline(tmp_path / d)) for d in "aa")
    other = saved_settings(QAPipeline(tmp_path / "b"))
    assert (first.storage_key, first.secret) == (again.storage_key, again.secret)
    assert first.storage_key != other.storage_key
    chat = saved_chat(QAPipeline(tmp_path / "a"))
    assert first.storage_key == chat.storage_key.replace("qa-chat-", "qa-settings-")
    assert restored_settings(kept_settings(3, 0.4), 10) == (3, 0.4)
    assert restored_settings(kept_settings(10.0, 0), 10) == (10, 0.0)
    keep = gr.update()
    for saved in ({"top_k": 11, "threshold": 1.5}, {"top_k": 0, "threshold": -0.1},
                  {"top_k": 2.5, "threshold": float("nan")}, {"top_k": True, "threshold": True},
                  {"top_k": "3", "threshold": "0.4"}, {"top_k": None}, {}, [3, 0.4],
                  "garbage", None):
        assert restored_settings(saved, 10) == (keep, keep), saved
    assert restored_settings({"top_k": 4, "threshold": "high"}, 10) == (4, keep)


def test_a_restored_conversation_starts_with_a_question_and_ends_with_a_reply() -> None:
    """What the browser keeps is cut at a question (never a reply without it); what a page
    shows again drops a last question the reload left unanswered, which follow-ups would
    otherwise read as the earlier question."""
    from ui.history import SAVED_MESSAGES, kept_messages, restored_messages

    def turn(n: int) -> list[dict[str, str]]:
        return [{"role": "user", "content": f"q{n}"}, {"role": "assistant", "content": f"a{n}"}]

    history = [m for n in range(SAVED_MESSAGES // 2) for m in turn(n)]
    pending = [*history, {"role": "user", "content": "open"}]  # 41 messages
    kept = kept_messages(pending)
    assert kept[0] == {"role": "user", "content": "q1"} and len(kept) == SAVED_MESSAGES - 1
    assert restored_messages(pending) == kept[:-1]
    assert restored_messages(history) == history
    assert restored_messages([{"role": "user", "content": "open"}]) == []


def test_a_question_the_reload_left_without_a_reply_goes_back_in_the_box() -> None:
    """The question a reload cut off is put back in the box as typed (our rendering of
    it undone), unless the box holds a draft already; a finished conversation leaves the
    box alone."""
    import gradio as gr

    from ui.history import restored_turn
    from ui.render import render_user

    done = [{"role": "user", "content": render_user("q1")},
            {"role": "assistant", "content": "a1"}]
    cut = [*done, {"role": "user", "content": render_user("Is 2 < 3 &\nwhy?")}]
    shown, box = restored_turn(cut, "")
    assert shown == done and box == "Is 2 < 3 &\nwhy?"
    shown, box = restored_turn(cut, "a draft")
    assert shown == done and box == gr.update()
    shown, box = restored_turn(done, "")
    assert shown == done and box == gr.update()
    assert restored_turn([{"role": "user", "content": "plain, from an API client"}], None) == (
        [], "plain, from an API client")
    assert restored_turn("damaged", "") == ([], gr.update())


def test_the_chat_reply_says_how_a_followup_was_read(server: dict[str, Any]) -> None:
    """A browser trial: "Who is he?" answered, and "And when?" found nothing, with no
    word of the questions the reader had read ("Who is Ramzan Kadyrov?", "When is the
    Chechen leader?"). A question read as typed says nothing of the kind."""
    from ui.app import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    history, _ = service.respond("Who is the Chechen leader?", [], None, None)
    assert "qa-read-as" not in history[-1]["content"]
    assert "Kadyrov" in history[-1]["content"]
    for followup, reading in (("Who is he?", "Who is Ramzan Kadyrov?"),
                              ("And when?", "When is the Chechen leader?")):
        reply = service.respond(followup, history[:2], None, None)[0][-1]["content"]
        assert f"read as: \u201c{reading}\u201d" in reply, reply
    spaced = service.respond("  who is the   Chechen leader ", [], None, None)[0][-1]
    assert "qa-read-as" not in spaced["content"]


def test_markup_pasted_with_a_question_is_left_out(server: dict[str, Any]) -> None:
    """A browser trial: "<b>Who</b> is the <i>Chechen</i> leader?" found nothing, and
    "**Who** is the `Chechen` leader?" scored half of the plain question; both are read
    as the plain question, and the reply says so."""
    from ui.app import ChatService

    service = ChatService(server["pipeline"], server["root"] / "uploads")
    plain, _ = service.answer("Who is the Chechen leader?")
    assert plain.text is not None and "Kadyrov" in plain.text
    for pasted in ("<b>Who</b> is the <i>Chechen</i> leader?",
                   "**Who** is the `Chechen` leader? <script>alert(1)</script>",
                   '<p><a href="x">Who</a> is the <img src=x onerror=alert(1)>Chechen '
                   "leader?</p>"):
        answer, _ = service.answer(pasted)
        assert (answer.question, answer.text) == (plain.question, plain.text), pasted
        assert answer.score == pytest.approx(plain.score, abs=1e-6)
        reply = service.respond(pasted, [], None, None)[0][-1]["content"]
        assert "read as: \u201cWho is the Chechen leader?\u201d" in reply, reply


@pytest.mark.parametrize("question", ["What does the <br> tag do?", "Is 2*3*4 = 24?",
                                      "What is a < b and c > d?", "What is __init__.py?",
                                      "What is snake_case_name?", "Is 2**3 equal to 2**4?",
                                      "What do f(*args, **kwargs) and g(**opts) do?"])
def test_text_that_is_no_pasted_markup_stays(question: str) -> None:
    from ui.markup import without_markup

    assert without_markup(question) == question


def test_a_long_text_of_open_tags_is_not_searched_for_markup(
        server: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.markup
    from qa.errors import QAError
    from ui.app import ChatService
    from ui.markup import MAX_CHARS, without_markup

    # each open tag makes the paired-tag search scan to the text's end: 45,000 characters
    # of them took 8 s before the question's length was checked (a review)
    flood = "<a>" * 15_000
    searched: list[int] = []
    paired = ui.markup._PAIRED_TAG
    monkeypatch.setattr(ui.markup, "_PAIRED_TAG", type("Spy", (), {
        "sub": staticmethod(lambda repl, text: searched.append(len(text))
                            or paired.sub(repl, text))}))
    assert without_markup(flood) == flood  # left for the length check to refuse
    assert searched == []
    fits = "<b>Who</b> is it?" + " " * (MAX_CHARS - 17)
    assert without_markup(fits).startswith("Who is it?")
    with pytest.raises(QAError, match="the limit is"):
        ChatService(server["pipeline"], server["root"] / "uploads").answer(flood)


def test_building_the_app_leaves_a_progress_bar_already_running_working(
        server: dict[str, Any], tmp_path: Path) -> None:
    """The upload's progress (gr.Progress(track_tqdm=True)) patches tqdm for the whole
    process when the page is built; a bar made before (a build in another thread) then
    failed on its next update with AttributeError (a review). In a fresh process, as the
    patch is made once."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom tqdm import tqdm\nfrom qa.pipeline import QAPipeline\n"
        "from ui.app import build_app\n"
        "bar = tqdm(total=3, disable=False)\n"
        "build_app(QAPipeline(sys.argv[1], corpus=sys.argv[2]), uploads_dir=sys.argv[3])\n"
        "bar.update(1)\nbar.close()\nprint('bar ok')\n")
    root = server["root"]
    done = subprocess.run(
        [sys.executable, "-c", script, str(root / "index"), str(root / "corpus"),
         str(tmp_path / "uploads")], capture_output=True, text=True, timeout=600,
        cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("bar ok")
    assert "AttributeError" not in done.stderr


def test_the_seed_examples_show_whole_and_are_answered(server: dict[str, Any]) -> None:
    """Gradio shows the first 60 characters of an example and "...": two of the examples
    were cut ("What length of contract is Russia offering Syrian volunteers..."), so the
    question could not be read before it was asked (a browser trial). Each is answered."""
    from ui.app import EXAMPLE_CHARS, SEED_EXAMPLES

    for question in SEED_EXAMPLES:
        assert len(question) <= EXAMPLE_CHARS, question
        assert server["pipeline"].answer(question).text is not None, question

"""Hardening: awkward files in a corpus are skipped with a clear reason; the rest is indexed."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.errors import IngestError
from qa.ingest import SUPPORTED_SUFFIXES, decode, decode_bytes, html_to_text, load_documents

GOOD = "The river Elbe flows through Dresden and Hamburg before it reaches the North Sea."


def _reasons(report) -> dict[str, str]:
    return {Path(p).name: reason for p, reason in report.skipped}


def _ids(report) -> set[str]:
    return {d.doc_id for d in report.documents}


# -- single awkward files ---------------------------------------------------------------
def test_empty_and_whitespace_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text(" \n\t\n  ")
    (tmp_path / "tags.html").write_text("<html><body><script>x()</script></body></html>")
    (tmp_path / "ok.txt").write_text(GOOD)
    report = load_documents([tmp_path])
    assert _ids(report) == {"ok.txt"}
    reasons = _reasons(report)
    for name in ("empty.txt", "blank.md"):
        assert reasons[name] == "empty file (no text)"
    # not empty: its text is all left out, and the reason says so
    assert reasons["tags.html"] == "no text once markup and scripts are left out"


def test_binary_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "nul.txt").write_bytes(bytes(range(256)) * 8)
    rng = random.Random(7)  # random bytes without any NUL: caught by the control-character test
    (tmp_path / "noise.txt").write_bytes(bytes(rng.randrange(1, 256) for _ in range(4000)))
    (tmp_path / "png.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256)
                                                                for _ in range(500)))
    (tmp_path / "ok.txt").write_text(GOOD)
    report = load_documents([tmp_path])
    assert _ids(report) == {"ok.txt"}
    reasons = _reasons(report)
    assert set(reasons) == {"nul.txt", "noise.txt", "png.md"}
    assert all("binary content" in r and "not a text article" in r for r in reasons.values())


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("latin-1", b""), ("cp1252", b""), ("utf-16", b""), ("utf-16-le", b""),
     ("utf-16-be", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")],
)
def test_text_encodings_are_decoded(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = "Café crème in Zürich costs 5 francs. Ærø is an island; naïve façade."
    if encoding == "cp1252":
        text += " “Quotes” – and a dash."
    (tmp_path / "article.txt").write_bytes(prefix + text.encode(encoding))
    report = load_documents([tmp_path])
    assert report.skipped == []
    assert report.documents[0].text == text


def test_decode_bytes_control_characters_limit() -> None:
    # a form feed or two in a long text is fine; a text full of control characters is not
    assert decode_bytes(("a" * 500 + "\x0c\x1b").encode()).endswith("\x0c\x1b")
    with pytest.raises(IngestError, match="binary content"):
        decode_bytes(b"\x01\x02\x03\x04 hello")


def test_oversized_file_is_skipped_with_the_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 3000)  # 15,000 bytes
    (tmp_path / "ok.txt").write_text(GOOD)
    report = load_documents([tmp_path], max_bytes=10_000)
    assert _ids(report) == {"ok.txt"}
    reason = _reasons(report)["big.txt"]
    assert "15,000 bytes" in reason and "10,000-byte limit" in reason
    assert "--max-file-mb" in reason
    assert _ids(load_documents([tmp_path], max_bytes=20_000)) == {"ok.txt", "big.txt"}


def test_symlinks_outside_the_corpus_are_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret_dir = tmp_path / "private"
    secret_dir.mkdir()
    (secret_dir / "secret.txt").write_text("The password is swordfish.")
    (corpus / "ok.txt").write_text(GOOD)
    (corpus / "inside.md").write_text("# Inside\n\nA linked article that stays inside.")
    os.symlink(secret_dir / "secret.txt", corpus / "file-link.txt")
    os.symlink(secret_dir, corpus / "dir-link")
    os.symlink("../private/secret.txt", corpus / "relative-link.txt")
    (corpus / "sub").mkdir()
    os.symlink(corpus / "inside.md", corpus / "sub" / "link-inside.md")
    os.symlink(corpus / "loop-b.txt", corpus / "loop-a.txt")
    os.symlink(corpus / "loop-a.txt", corpus / "loop-b.txt")
    os.symlink(corpus / "missing.txt", corpus / "dangling.txt")

    report = load_documents([corpus])
    assert _ids(report) == {"ok.txt", "inside.md"}
    assert all("swordfish" not in d.text for d in report.documents)
    reasons = _reasons(report)
    for name in ("file-link.txt", "dir-link", "relative-link.txt"):
        assert "symbolic link pointing outside the corpus folder" in reasons[name]
    assert "duplicate of inside.md" in reasons["link-inside.md"]
    assert "Too many levels of symbolic links" in reasons["loop-a.txt"]
    assert "cannot read" in reasons["dangling.txt"]


def test_duplicates_and_unsupported_types(tmp_path: Path) -> None:
    two_lines = "First line about the Elbe.\nSecond line about Hamburg."
    (tmp_path / "a.txt").write_text(two_lines)
    (tmp_path / "b.md").write_text(two_lines)
    (tmp_path / "c.txt").write_bytes(two_lines.replace("\n", "\r\n").encode())  # Windows
    for name in ("report.odt", "slides.docx", "Makefile", "data.json"):
        (tmp_path / name).write_text("some text")
    report = load_documents([tmp_path])
    assert _ids(report) == {"a.txt"}
    reasons = _reasons(report)
    assert reasons["b.md"] == "duplicate of a.txt"
    assert reasons["c.txt"] == "duplicate of a.txt"
    for name in ("report.odt", "slides.docx", "Makefile", "data.json"):
        assert reasons[name].startswith("unsupported file type")
        assert all(suffix in reasons[name] for suffix in SUPPORTED_SUFFIXES)


def test_same_path_in_two_folders_gets_the_folder_name(tmp_path: Path) -> None:
    # ~/notes/README.md and ~/work/README.md: both are indexed; the later folder's file
    # goes under its folder's name, and further up its path when that name is taken too
    folders = [tmp_path / "notes", tmp_path / "work", tmp_path / "old" / "work"]
    for i, folder in enumerate(folders):
        (folder / "sub").mkdir(parents=True)
        (folder / "README.md").write_text(f"{GOOD} Copy {i} of the readme.")
        (folder / "sub" / "todo.txt").write_text(f"Todo list {i}: {GOOD}")
    report = load_documents(folders)
    assert report.skipped == []
    assert _ids(report) == {"README.md", "sub/todo.txt", "work/README.md", "work/sub/todo.txt",
                            "old/work/README.md", "old/work/sub/todo.txt"}
    texts = {d.doc_id: d.text for d in report.documents}
    assert "Copy 1" in texts["work/README.md"] and "Copy 2" in texts["old/work/README.md"]
    # the same folders in the same order get the same ids: an unchanged corpus stays unchanged
    assert _ids(load_documents(folders)) == _ids(report)


def test_html_inline_elements_stay_in_their_line() -> None:
    text, title = html_to_text(
        "<html><head><title>Town news</title><style>p {}</style></head><body>"
        "<h1>Bridge opened</h1><p>The mayor <a href='/ana'>Ana</a> <b>Kovač</b> opened it\n"
        "   on 3 May 2020. It cost <em>12</em> million euros; the architect is from "
        "Shang<span>hai</span>.</p><ul><li>Steel</li><li>Glass</li></ul>"
        "Line one<br>Line two<table><tr><th>Span</th><td>120 m</td></tr></table>"
        "<!-- a comment --><script>var x = 1;</script></body></html>")
    assert title == "Bridge opened"
    assert text.split("\n\n") == [  # blocks a blank line apart, a <br> ends a line
        "Bridge opened",
        "The mayor Ana Kovač opened it on 3 May 2020. It cost 12 million euros; "
        "the architect is from Shanghai.",
        "Steel", "Glass", "Line one\nLine two", "Span | 120 m"]


def test_html_title_without_head_and_options() -> None:
    text, title = html_to_text("<title>Fares</title><p>Tickets cost two euros.</p>"
                               "<select><option>Single</option><option>Return</option></select>")
    assert title == "Fares"
    assert text.split("\n\n") == ["Tickets cost two euros.", "Single", "Return"]


def test_qa_index_expands_a_quoted_home(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text(GOOD)
    result = CliRunner().invoke(main, ["-q", "index", "~/notes", "--index",
                                       str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 article," in result.stdout


def test_hidden_files_and_folders_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# Elbe\n\nThe Elbe flows through Hamburg.")
    (tmp_path / ".draft.md").write_text("A hidden draft about the Rhine.")
    for folder in (".git", ".obsidian/plugins", "trip/.cache"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "stuff.txt").write_text(f"Tooling files in {folder}.")
    (tmp_path / "trip" / "day1.txt").write_text("Day one: we walked to the Danube.")
    report = load_documents([tmp_path])
    assert _ids(report) == {"notes.md", "trip/day1.txt"}
    assert report.skipped == []  # no skipped file each, but one line for all (below)


def test_hidden_files_and_folders_are_counted_in_one_line(tmp_path: Path, caplog) -> None:
    # they were left out without a word: a user's .hidden.md seemed indexed
    import logging

    (tmp_path / "notes.md").write_text("# Elbe\n\nThe Elbe flows through Hamburg.")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / ".draft.md").write_text("A hidden draft about the Rhine.")
    for folder in (".git/objects", "trip/.cache"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "stuff.txt").write_text(f"Tooling files in {folder}.")
    (tmp_path / "trip" / "day1.txt").write_text("Day one: we walked to the Danube.")
    with caplog.at_level(logging.INFO, logger="qa.ingest"):
        report = load_documents([tmp_path])
    assert _ids(report) == {"notes.md", "trip/day1.txt"} and report.skipped == []
    # articles first, then folders (not entered: .git's files are not counted), then others
    assert report.hidden == [str(tmp_path / ".draft.md"), str(tmp_path / ".git") + os.sep,
                             str(tmp_path / "trip" / ".cache") + os.sep,
                             str(tmp_path / ".DS_Store")]
    [line] = [r for r in caplog.records if "hidden" in r.getMessage()]
    assert line.levelname == "INFO"  # expected (.git), so no warning
    assert line.getMessage() == (
        "skipped 2 hidden files and 2 hidden folders (names starting with '.' are not "
        f"indexed; rename one to index it): {tmp_path / '.draft.md'}, {tmp_path / '.git'}"
        f"{os.sep}, {tmp_path / 'trip' / '.cache'}{os.sep} and 1 more")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="qa.ingest"):
        assert load_documents([tmp_path / "trip" / "day1.txt"]).hidden == []
    assert not caplog.records  # nothing hidden: no line


def test_qa_index_of_a_hidden_file_says_why_nothing_was_read(tmp_path: Path) -> None:
    (tmp_path / ".draft.md").write_text(GOOD)
    result = CliRunner().invoke(main, ["-q", "index", str(tmp_path / ".draft.md"),
                                       "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert result.stderr.count("hidden file") == 1, result.stderr  # in the error
    assert result.stderr.startswith("Error: no article could be read")
    assert f"(skipped 1 hidden file (names starting with '.' are not indexed; rename one to " \
           f"index it): {tmp_path / '.draft.md'}" in result.stderr


def test_a_folder_that_cannot_be_listed_is_skipped_not_fatal(tmp_path: Path,
                                                             monkeypatch) -> None:
    (tmp_path / "ok.txt").write_text(GOOD)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text("Unreachable text about the Oder.")
    real_scandir = os.scandir

    def scandir(path=".", *args, **kwargs):  # tests run as root, which reads any folder
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    report = load_documents([tmp_path])
    assert _ids(report) == {"ok.txt"}
    assert report.skipped == [(str(tmp_path / "locked"), "cannot read: Permission denied")]


def test_one_path_given_as_a_string_is_one_path(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(GOOD)
    assert _ids(load_documents(str(tmp_path / "ok.txt"))) == {"ok.txt"}  # type: ignore[arg-type]
    assert _ids(load_documents(tmp_path)) == {"ok.txt"}  # type: ignore[arg-type]


def test_undecodable_file_name_is_skipped(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 name on a UTF-8 file system
    try:
        (tmp_path / name).write_text(GOOD)
    except (OSError, UnicodeEncodeError):  # pragma: no cover - file systems that refuse it
        pytest.skip("this file system refuses non-UTF-8 file names")
    (tmp_path / "ok.txt").write_text("Another article about the Rhine.")
    report = load_documents([tmp_path])
    assert _ids(report) == {"ok.txt"}
    assert "not valid UTF-8" in report.skipped[0][1]
    json.dumps([d.doc_id for d in report.documents])  # ids stay storable


def test_missing_path_is_reported(tmp_path: Path) -> None:
    report = load_documents([tmp_path / "nope"])
    assert report.documents == []
    assert report.skipped == [(str(tmp_path / "nope"), "no such file or folder")]


# -- the whole path: qa index over a messy corpus ----------------------------------------
def _messy_corpus(root: Path) -> dict[str, str]:
    """A corpus with one file of every awkward kind; returns {name: expected reason part}."""
    root.mkdir()
    (root / "elbe.txt").write_text(GOOD)
    latin = "Zürich liegt am Zürichsee, sagt der Bäcker."
    (root / "latin.txt").write_bytes(latin.encode("latin-1"))
    (root / "utf16.md").write_bytes("# Tokyo\n\nTokyo is the capital of Japan.".encode("utf-16"))
    (root / "page.html").write_text("<html><head><title>Rome</title></head><body><h1>Rome</h1>"
                                    "<p>Rome is the capital of Italy.</p></body></html>")
    (root / "empty.txt").write_text("")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / "huge.txt").write_text("lorem ipsum " * 2000)  # 24,000 bytes
    (root / "elbe2.txt").write_text(GOOD)
    (root / "paper.pdf").write_bytes(b"%PDF-1.4 ...")
    outside = root.parent / "outside.txt"
    outside.write_text("Outside text that must never be indexed: zanzibar.")
    os.symlink(outside, root / "outside-link.txt")
    (root / "front.md").write_text("---\ntitle: Draft\ndate: 2026-12-02\n---\n\n")
    (root / "scripts.html").write_text("<html><body><script>var x = 1;</script></body></html>")
    return {"empty.txt": "empty file", "binary.txt": "binary content",
            "front.md": "no text (only front matter)",
            "scripts.html": "no text once markup and scripts are left out",
            "huge.txt": "byte limit", "elbe2.txt": "duplicate of elbe.txt",
            "paper.pdf": "not a readable PDF", "outside-link.txt": "outside the corpus folder"}


@pytest.mark.slow
def test_qa_index_reports_skips_and_indexes_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    expected = _messy_corpus(corpus)
    (corpus / ".hidden.md").write_text("A hidden note about the Oder.")
    index_dir = tmp_path / "index"
    result = CliRunner().invoke(main, ["-q", "index", str(corpus), "--index", str(index_dir),
                                       "--max-file-mb", "0.02"])
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert skipped[-1] == ("skipped 1 hidden file (names starting with '.' are not indexed; "
                           f"rename one to index it): {corpus / '.hidden.md'}")
    skipped = skipped[:-1]
    assert len(skipped) == len(expected)
    for name, reason in expected.items():
        assert any(f"{name}: " in line and reason in line for line in skipped), (name, skipped)
    assert "Indexed 4 articles" in result.stdout

    from qa.index import IndexStore

    manifest = IndexStore(index_dir).read_manifest()
    assert set(manifest["documents"]) == {"elbe.txt", "latin.txt", "utf16.md", "page.html"}
    assert manifest["documents"]["page.html"]["title"] == "Rome"
    loaded = IndexStore(index_dir).load()
    text = " ".join(p.text for p in loaded.passages)
    assert "Zürichsee" in text and "Tokyo is the capital" in text
    assert "zanzibar" not in text and "lorem" not in text


@pytest.mark.slow
def test_qa_index_names_each_skipped_file_once(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """At the default log level the warning is the only line a skipped file gets."""
    import logging

    # basicConfig only configures an unconfigured root logger: start from one
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logging.getLogger(), "level", logging.WARNING)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "elbe.txt").write_text(GOOD)
    (corpus / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["index", str(corpus), "--index", str(tmp_path / "i")])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("empty.txt") == 1, result.stderr
    assert "WARNING qa.ingest: skipped" in result.stderr and "empty file" in result.stderr


@pytest.mark.slow
def test_max_file_mb_is_wired_to_the_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "elbe.txt").write_text(GOOD)
    (corpus / "huge.txt").write_text("The Danube is long. " * 1500)  # 30,000 bytes
    index_dir = tmp_path / "index"
    runner = CliRunner()
    small = runner.invoke(main, ["-q", "index", str(corpus), "--index", str(index_dir),
                                 "--max-file-mb", "0.01"])
    assert small.exit_code == 0, small.output
    assert "huge.txt: file is 30,000 bytes, over the 10,000-byte limit" in small.stderr
    big = runner.invoke(main, ["-q", "index", str(corpus), "--index", str(index_dir),
                               "--max-file-mb", "1"])
    assert big.exit_code == 0, big.output
    assert "skipped" not in big.stderr
    assert "Indexed 2 articles" in big.stdout
    bad = runner.invoke(main, ["index", str(corpus), "--index", str(index_dir),
                               "--max-file-mb", "0"])
    assert bad.exit_code == 2 and "--max-file-mb" in bad.stderr


def test_pipeline_max_file_bytes_is_used_by_build(tmp_path: Path) -> None:
    from qa.errors import ConfigError
    from qa.pipeline import QAPipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "big.txt").write_text("x " * 100)
    pipe = QAPipeline(tmp_path / "index", corpus=corpus, max_file_bytes=50)
    # every file is over the limit: nothing to index, and the build says so before any model runs
    with pytest.raises(IngestError, match="200 bytes, over the 50-byte limit"):
        pipe.build([corpus])
    assert not (tmp_path / "index" / "CURRENT").exists()
    with pytest.raises(ConfigError, match="file size limit"):
        QAPipeline(tmp_path / "index", max_file_bytes=0)


def test_qa_index_with_nothing_readable_leaves_the_index_unchanged(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "blank.txt").write_text("  \n")
    result = CliRunner().invoke(main, ["index", str(tmp_path / "empty"),
                                       "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: no article could be read from")
    # there was no index to leave unchanged
    assert "empty file" in lines[-1] and "no index was written" in lines[-1]
    assert "Give folders" not in lines[-1]  # a .txt was given: the type is no fault
    assert "Traceback" not in result.output
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_nothing_readable_over_an_index_leaves_it_and_names_three_skipped_files(
        tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "a.txt").write_text("Ada Lovelace wrote the first program.\n")
    index = str(tmp_path / "index")
    assert CliRunner().invoke(main, ["index", str(tmp_path / "good"), "--index", index]
                              ).exit_code == 0
    (tmp_path / "bad").mkdir()
    for name in ("b1.txt", "b2.txt", "b3.txt", "b4.txt", "b5.txt"):
        (tmp_path / "bad" / name).write_text("  \n")
    result = CliRunner().invoke(main, ["index", str(tmp_path / "bad"), "--index", index])
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "left unchanged" in last and "2 more skipped" in last
    assert last.count("empty file") == 3  # not all five reasons again on one line
    assert "a.txt" in CliRunner().invoke(main, ["info", "--index", index]).output


def test_qa_index_refuses_a_path_that_is_not_there(tmp_path: Path) -> None:
    # a typo beside a good folder used to index the good one alone, silently dropping
    # whatever the index held from the mistyped one
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text(GOOD)
    result = CliRunner().invoke(main, ["index", str(tmp_path / "notes"), str(tmp_path / "nots"),
                                       "--index", str(tmp_path / "index")])
    assert result.exit_code == 2
    assert f"'{tmp_path / 'nots'}' does not exist" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "index" / "CURRENT").exists()


@pytest.mark.parametrize("text, title", [
    ("# The **Hekla** Volcano\n\nIt erupted.", "The Hekla Volcano"),
    ("## *Gateway* to `Hell` ##\n", "Gateway to Hell"),
    ("# [Hekla](https://example.org/hekla) ![map](map.png)\n", "Hekla"),  # no image alt
    ("# snake_case_name and _emphasis_\n", "snake_case_name and emphasis"),
    ("# The `__init__.py` file, `a*b*c`\n", "The __init__.py file, a*b*c"),  # code: literal
    ("# See [Foo](https://example.org/Foo_(bar)) now\n", "See Foo now"),
    ("No heading, but **bold** words on the first line.\n", "No heading, but bold words on "
                                                            "the first line"),
])
def test_markdown_titles_are_read_as_text(tmp_path: Path, text: str, title: str) -> None:
    (tmp_path / "a.md").write_text(text)
    assert [d.title for d in load_documents([tmp_path]).documents] == [title]


@pytest.mark.parametrize("text, title", [
    ("From: Gareth Pryce <gareth@example.org>\nTo: Choir members\nSubject: Spring concert\n"
     "Date: Mon, 4 Mar 2024 09:12:44 +0000\n\nDear all,\n", "Spring concert"),
    ("\nDate: today\nSubject: Re: the plot rent,\n and the new\n\tsecretary\n\nHi\n",
     "Re: the plot rent, and the new secretary"),  # a folded subject
    ("Subject: the rent\n\nA subject line alone is no mail.\n", "Subject: the rent"),
    ("From: the sea\nSubject: rises\nand so it goes.\n", "From: the sea"),  # then prose
    ("From: a@b.org\nSubject:\n\nNo subject.\n", "From: a@b.org"),
])
def test_a_mail_saved_as_text_is_titled_by_its_subject(tmp_path: Path, text: str,
                                                       title: str) -> None:
    # 'qa info' listed every mail of a folder by its sender: "From: Gareth Pryce <…>"
    (tmp_path / "mail.txt").write_text(text)
    assert [d.title for d in load_documents([tmp_path]).documents] == [title]


# -- one Unicode form ---------------------------------------------------------------------
def test_articles_are_read_in_one_unicode_form(tmp_path: Path) -> None:
    decomposed = "Zoe\u0308 Mu\u0308ller tasted coffee in Sa\u0303o Paulo."
    (tmp_path / "nfd.txt").write_text(decomposed, encoding="utf-8")
    (tmp_path / "pdf.txt").write_text("The sta\ufb00 \ufb01nished the o\ufb03ce.\n"
                                      "Con\u00adference in Ber\u200blin.", encoding="utf-8")
    report = load_documents([tmp_path])
    texts = {d.doc_id: d.text for d in report.documents}
    assert texts["nfd.txt"] == "Zoë Müller tasted coffee in São Paulo."
    assert texts["pdf.txt"] == "The staff finished the office.\nConference in Ber lin."


def test_the_same_article_composed_and_decomposed_is_a_duplicate(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Zoë Müller tasted coffee.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Zoe\u0308 Mu\u0308ller tasted coffee.", encoding="utf-8")
    report = load_documents([tmp_path])
    assert _ids(report) == {"a.txt"}
    assert "duplicate of a.txt" in _reasons(report)["b.txt"]


def test_a_web_page_is_read_in_the_charset_it_declares(tmp_path: Path, caplog) -> None:
    for name, head in (("meta.html", '<meta charset="windows-1251">'),
                       ("equiv.html", '<meta http-equiv="Content-Type" '
                                      'content="text/html; charset=windows-1251">')):
        (tmp_path / name).write_bytes(f"<html><head>{head}</head><body><p>{name}: Директор — "
                                      "Ольга Смирнова.</p></body></html>".encode("cp1251"))
    with caplog.at_level("WARNING", logger="qa.ingest"):
        report = load_documents([tmp_path])
    assert {d.doc_id: d.text for d in report.documents} == {
        "equiv.html": "equiv.html: Директор — Ольга Смирнова.",
        "meta.html": "meta.html: Директор — Ольга Смирнова."}
    assert "not UTF-8" not in caplog.text  # declared, not guessed


def test_a_declared_charset_is_read_as_browsers_read_it(tmp_path: Path, caplog) -> None:
    pages = {  # name: (head, body bytes, text expected)
        "latin1.html": ('<meta charset="iso-8859-1">',
                        "He said “hello” – café.".encode("cp1252"),
                        "He said “hello” – café."),  # Latin-1 labels mean Windows-1252
        "hex.html": ('<meta charset="hex">', "Un café.".encode("cp1252"), "Un café."),
        "described.html": ('<meta name="description" content="about charset=koi8-r">',
                           "Un café.".encode("cp1252"), "Un café."),
        "page.xhtml.html": ("", "Казань.".encode("cp1251"), "Казань."),
        "gbk.html": ('<meta charset="gb2312">', "朱镕基。".encode("gbk"), "朱镕基。"),
        "both.xhtml.html": ('<meta http-equiv="Content-Type" content="text/html; '
                            'charset=windows-1251">', "Казань.".encode("cp1251"), "Казань."),
        "late.html": ("<style>" + "p {}" * 2000 + '</style><meta charset="koi8-r">',
                      "Казань.".encode("koi8-r"), "Казань."),
        "commented.html": ('<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">',
                           "Казань.".encode("cp1251"), "Казань."),
    }
    for name, (head, body, _) in pages.items():
        xml = (b'<?xml version="1.0" encoding="utf-8"?>\n' if name == "both.xhtml.html" else
               b'<?xml version="1.0" encoding="windows-1251"?>\n' if "xhtml" in name else b"")
        (tmp_path / name).write_bytes(xml + f"<html><head>{head}</head><body><p>{name}: "
                                      .encode() + body + b"</p></body></html>")
    with caplog.at_level("WARNING", logger="qa.ingest"):
        report = load_documents([tmp_path])
    assert report.skipped == []
    assert {d.doc_id: d.text for d in report.documents} == {
        name: f"{name}: {text}" for name, (_, _, text) in pages.items()}
    # a charset that is no text encoding, or not a declaration, is a guess: said
    assert "hex.html is not UTF-8" in caplog.text
    assert "described.html is not UTF-8" in caplog.text
    assert "latin1.html" not in caplog.text


def test_a_guessed_encoding_is_named_in_a_warning(tmp_path: Path, caplog) -> None:
    (tmp_path / "old.txt").write_bytes("Café crème in Zürich.".encode("cp1252"))
    (tmp_path / "new.txt").write_text("Tea in Zürich.", encoding="utf-8")
    with caplog.at_level("WARNING", logger="qa.ingest"):
        report = load_documents([tmp_path])
    assert {d.doc_id for d in report.documents} == {"old.txt", "new.txt"}
    assert "old.txt is not UTF-8; it was read as Windows-1252" in caplog.text
    assert "new.txt" not in caplog.text


def test_utf8_with_a_few_stray_bytes_keeps_its_utf8_letters(tmp_path: Path, caplog) -> None:
    # a UTF-8 file with one byte from a Windows editor (0x92, a curly apostrophe) was read
    # whole as Windows-1252: every accent of it became two letters ('CafÃ©')
    (tmp_path / "mixed.txt").write_bytes("Café notes\n\nRené runs the café. ".encode()
                                         + b"It\x92s the best.\n")
    (tmp_path / "mixed.html").write_bytes(b'<meta charset="utf-8"><p>' + "Zürich".encode()
                                          + b" \x96 " + "Genève".encode() + b"</p>")
    with caplog.at_level("WARNING", logger="qa.ingest"):
        report = load_documents([tmp_path])
    texts = {d.doc_id: d.text for d in report.documents}
    assert texts == {"mixed.txt": "Café notes\n\nRené runs the café. It’s the best.\n",
                     "mixed.html": "Zürich – Genève"}
    assert report.documents[0].guessed_encoding == (
        "UTF-8 with 1 byte in Windows-1252 (the first: byte 0x96 at line 1, column 33)")
    assert ("mixed.txt is not UTF-8; it was read as UTF-8 with 1 byte in Windows-1252 "
            "(the first: byte 0x92 at line 3, column 23)") in caplog.text
    # text with no UTF-8 letter in it is Windows-1252 throughout, as before; so is text
    # with fewer UTF-8 letters than other bytes ('É»' is also UTF-8's 'ɻ')
    assert decode(b"Caf\xe9 \x93cr\xe8me\x94") == ("Café “crème”", "Windows-1252")
    french = "«CAFÉ» coûte 3 €, très cher."
    assert decode(french.encode("cp1252")) == (french, "Windows-1252")


def test_links_to_folders_inside_the_corpus_are_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(GOOD)
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "inner.md").write_text("# Inner\n\nAn article in a folder.")
    os.symlink(".", tmp_path / "dot")
    os.symlink("../loop", tmp_path / "loop" / "self")
    os.symlink("loop", tmp_path / "loop-link.txt")  # a folder link with a file's name
    os.symlink("ok.txt", tmp_path / "z-link.md")  # a link to a file: read as before

    report = load_documents([tmp_path])
    assert _ids(report) == {"ok.txt", "loop/inner.md"}
    reasons = _reasons(report)
    for name in ("dot", "self", "loop-link.txt"):
        assert reasons[name] == "link to a folder: not followed (index the folder itself)"
    assert reasons["z-link.md"] == "duplicate of ok.txt"


def test_a_charset_in_an_unclosed_comment_is_no_declaration() -> None:
    from qa.ingest import _declared_charsets

    assert _declared_charsets(b'<!-- <meta charset="koi8-r"> and the page goes on') == []
    assert _declared_charsets(b'<!-- x --><meta charset="koi8-r"><!-- y') == ["koi8_r"]
    assert _declared_charsets(b"<meta/charset=windows-1251>") == ["cp1251"]


def test_nothing_read_names_three_files_and_asks_for_other_types_only_when_it_helps(
        tmp_path: Path) -> None:
    """A trial: of three broken PDFs two reasons were named ('1 more skipped'), then
    "Give folders or .txt/.md/.html/.pdf files", which they were."""
    from qa.ingest import IngestReport
    from qa.sources import nothing_read

    pdfs = [(f"{n}.pdf", why) for n, why in (("a", "not a readable PDF"), ("b", "no text layer"),
                                               ("c", "encrypted with a password"))]
    message = nothing_read([tmp_path], IngestReport([], pdfs), False)
    assert all(why in message for _, why in pdfs) and "more skipped" not in message
    assert message.endswith("no index was written.")
    other = nothing_read([tmp_path], IngestReport([], [("x.docx", "unsupported file type "
                                                               "'.docx'")]), True)
    assert other.endswith("the index was left unchanged. Give folders or .txt/.md/.html/.pdf "
                          "files.")
    none = nothing_read([tmp_path], IngestReport([], []), False)
    assert "(no files found)" in none and none.endswith("Give folders or .txt/.md/.html/.pdf "
                                                        "files.")

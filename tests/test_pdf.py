"""PDF articles: text laid out as paragraphs, titles, and clear refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.errors import IngestError
from qa.ingest import read_document
from qa.pdf import pdf_to_text
from tests.pdfs import make_pdf

BODY = [
    "Porthaven Harbour Guide",
    "The harbour of Porthaven was dredged in 1887 so that steamers of the northern",
    "line could berth at any tide. Its breakwater, built from local gran-",
    "ite, is 640 metres long and ends at a small lighthouse.",
    "1.2 Opening hours",
    "The harbour office opens at seven in the morning from April to October.",
    "• Fishing boats land their catch at the east quay.",
    "• Ferries leave from the west quay twice a day.",
    "Visitors may walk along the breakwater in fair weather, but the gate is closed",
    "whenever the harbour master raises the red flag.",
    "3",
]


def test_lines_become_paragraphs_with_headings_and_list_items_apart() -> None:
    text, title = pdf_to_text(make_pdf([BODY]))
    assert title is None  # the PDF names none: the first line will be used
    assert text.split("\n") == [
        "Porthaven Harbour Guide",
        "The harbour of Porthaven was dredged in 1887 so that steamers of the northern line "
        "could berth at any tide. Its breakwater, built from local granite, is 640 metres "
        "long and ends at a small lighthouse.",
        "1.2 Opening hours",
        "The harbour office opens at seven in the morning from April to October.",
        "• Fishing boats land their catch at the east quay.",
        "• Ferries leave from the west quay twice a day.",
        "Visitors may walk along the breakwater in fair weather, but the gate is closed "
        "whenever the harbour master raises the red flag.",
    ]  # the page number '3' is left out


def test_running_heads_page_numbers_and_contents_leaders_are_left_out() -> None:
    pages = [["Porthaven Guide — 2024", "Contents", "1 Harbour . . . . . . . . . . 2",
              "A first page about the harbour and its long history of trade.", "Page 1"]]
    pages += [["Porthaven Guide — 2024", f"Page {n} tells of the harbour's trade in year {n}.",
               f"Chapter 2: Trade {n + 10}", f"- {n} -"] for n in range(2, 5)]
    text, _ = pdf_to_text(make_pdf(pages))
    assert ". . ." not in text and "Page 1" not in text and "- 2 -" not in text
    assert "Chapter 2" not in text  # a running foot with a page number that changes
    assert text.split("\n\n") == [
        # the first page keeps its running head (often the title), as a paragraph apart
        "Porthaven Guide — 2024\nContents\n"
        "A first page about the harbour and its long history of trade.",
        "Page 2 tells of the harbour's trade in year 2.",
        "Page 3 tells of the harbour's trade in year 3.",
        "Page 4 tells of the harbour's trade in year 4.",
    ]


def test_running_heads_of_two_pages_go_from_the_second_and_the_first_page_gives_the_title(
        tmp_path: Path) -> None:
    pages = [["The Harbour Observer          Weekly edition",
              "LIGHTHOUSE RESTORATION COMPLETED IN PORT ELLIS",
              "The Port Ellis lighthouse, built in 1874, reopened to visitors on Saturday",
              "after a restoration that cost 2.3 million pounds.", "1"],
             ["The Harbour Observer          Weekly edition",
              "Tickets cost five pounds for adults; children under twelve enter free.", "2"]]
    path = tmp_path / "lighthouse.pdf"
    path.write_bytes(make_pdf(pages))
    doc = read_document(path, "lighthouse.pdf")
    assert doc.text.split("\n") == [
        "The Harbour Observer Weekly edition",
        "LIGHTHOUSE RESTORATION COMPLETED IN PORT ELLIS",  # a headline in capitals: apart
        "The Port Ellis lighthouse, built in 1874, reopened to visitors on Saturday after a "
        "restoration that cost 2.3 million pounds.",
        "",
        "Tickets cost five pounds for adults; children under twelve enter free.",
    ]
    assert doc.title == "The Harbour Observer Weekly edition"


@pytest.mark.parametrize("lines, title", [
    (["Ferry Timetable Changes", "From May the ferry leaves at 7:15."],
     "Ferry Timetable Changes"),
    (["Annual Report of the Rowing Club",
      "The club bought two new boats in 2025 for 18,000 pounds."],
     "Annual Report of the Rowing Club"),
    (["Glacier retreat measured in the Alder Range",
      "Researchers from the University of Kestrel have found that the Brennan Glacier",
      "lost 41 metres of length last summer, the largest retreat since 1952. The team",
      "used drones to map the ice front."], "Glacier retreat measured in the Alder Range"),
])
def test_a_heading_line_stands_apart_and_titles_the_article(tmp_path: Path, lines: list[str],
                                                            title: str) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(make_pdf([lines]))
    doc = read_document(path, "x.pdf")
    assert doc.title == title
    assert doc.text.split("\n")[0] == title


def test_a_sentence_or_word_running_over_a_page_break_is_joined() -> None:
    pages = [["Northfield Herald", "The council agreed that the total cost of the"],
             ["Northfield Herald", "project must not exceed 4.5 million pounds. The restor-"],
             ["Northfield Herald", "ation of the old town hall will follow."],
             ["Northfield Herald", "The mayor called it a proud day."]]
    text, _ = pdf_to_text(make_pdf(pages))
    assert text.split("\n\n") == [
        "Northfield Herald\nThe council agreed that the total cost of the project must not "
        "exceed 4.5 million pounds. The restoration of the old town hall will follow.",
        "The mayor called it a proud day.",
    ]


def test_a_compound_hyphenated_at_a_lines_end_keeps_its_hyphen() -> None:
    lines = ["The new tram line, a long-awaited project, was opened by the well-",
             "known architect Paolo Ferri on Friday. The line uses self-",
             "driving trams built between 1990-",
             "1995 in a cast-",
             "iron depot with a cast-iron roof, an Anglo-",
             "Saxon crypt and an old engi-",
             "neering hall, far from the high-",
             "er ground."]
    text, _ = pdf_to_text(make_pdf([lines]))
    assert text == ("The new tram line, a long-awaited project, was opened by the well-known "
                    "architect Paolo Ferri on Friday. The line uses self-driving trams built "
                    "between 1990-1995 in a cast-iron depot with a cast-iron roof, an "
                    "Anglo-Saxon crypt and an old engineering hall, far from the higher ground.")


@pytest.mark.parametrize("meta, title", [
    ("The Porthaven Harbour Guide", "The Porthaven Harbour Guide"),
    ("Microsoft Word - guide_v3.docx", "Porthaven Harbour Guide"),  # a label: the first line
    ("guide.pdf", "Porthaven Harbour Guide"),
    ("", "Porthaven Harbour Guide"),
])
def test_the_title_is_the_pdfs_own_unless_it_is_a_file_name(tmp_path: Path, meta: str,
                                                             title: str) -> None:
    path = tmp_path / "guide.pdf"
    path.write_bytes(make_pdf([BODY], title=meta))
    doc = read_document(path, "guide.pdf")
    assert doc.title == title
    assert "granite, is 640 metres long" in doc.text


def test_an_owner_password_alone_does_not_stop_reading() -> None:
    text, _ = pdf_to_text(make_pdf([BODY], user_password="", owner_password="secret"))
    assert "640 metres" in text


@pytest.mark.parametrize("data, message", [
    (make_pdf([BODY], user_password="secret"), "encrypted with a password"),
    (b"%PDF-1.4\nthis is not really a PDF", "not a readable PDF"),
    (b"hello, this is plain text", "not a PDF (it does not start with %PDF-): is it another "
                                   "kind of file named .pdf?"),
    (b"\n", "empty file (no text)"),
    (make_pdf([BODY])[:400], "not a readable PDF"),  # cut short
    (make_pdf([[]]), "no text layer in this PDF (a scan?): run OCR"),
    (make_pdf([["12", "- 3 -"]]), "no text layer"),  # page numbers alone
])
def test_unusable_pdfs_are_refused_saying_why(tmp_path: Path, data: bytes, message: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=re.escape(message)):
        read_document(path, "x.pdf")
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]  # ours says it all


def test_a_pdf_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(make_pdf([BODY] * 3))
    with pytest.raises(IngestError, match="over the 1,000-byte limit"):
        read_document(path, "big.pdf", max_bytes=1000)


@pytest.mark.slow
def test_a_pdf_is_indexed_and_answers_cite_it(tmp_path: Path) -> None:
    from qa.pipeline import QAPipeline

    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "guide.pdf").write_bytes(make_pdf([BODY], title="Porthaven Harbour Guide"))
    (corpus / "notes.txt").write_text("The museum of Porthaven shows old fishing nets.\n")
    pipe = QAPipeline(tmp_path / "index", corpus=corpus)
    stats, report = pipe.build([corpus])
    assert not report.skipped and stats.documents == 2
    a = pipe.answer("How long is the breakwater of Porthaven?")
    assert a.text is not None and "640 metres" in a.text
    top = next(s for s in a.sources if s.has_answer)
    assert top.doc_id == "guide.pdf" and top.title == "Porthaven Harbour Guide"
    doc = read_document(corpus / "guide.pdf", "guide.pdf")
    assert doc.text[top.answer_start:top.answer_end] == a.text  # offsets into the PDF's text


def test_lines_in_capitals_stand_apart_from_other_text_but_hold_together() -> None:
    pages = [["LIGHTHOUSE RESTORATION COMPLETED", "IN PORT ELLIS AFTER THREE YEARS",
              "The Port Ellis lighthouse, built in 1874, reopened to visitors on Saturday",
              "after a restoration that cost 2.3 million pounds and three years of work.",
              "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND, AND IN NO",
              "EVENT SHALL THE AUTHORS BE LIABLE FOR ANY CLAIM."]]
    text, _ = pdf_to_text(make_pdf(pages))
    assert text.split("\n") == [
        "LIGHTHOUSE RESTORATION COMPLETED IN PORT ELLIS AFTER THREE YEARS",
        "The Port Ellis lighthouse, built in 1874, reopened to visitors on Saturday after a "
        "restoration that cost 2.3 million pounds and three years of work.",
        "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND, AND IN NO EVENT SHALL "
        "THE AUTHORS BE LIABLE FOR ANY CLAIM.",
    ]


@pytest.mark.slow
def test_a_pdf_uploaded_in_the_chat_is_indexed_and_answers_cite_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import OrderedDict

    import qa.pdf
    from tests.conftest import chat_over_a_note

    reads: list[int] = []  # the upload's check and its indexing read the PDF once
    read_pdf = qa.pdf._read_pdf
    monkeypatch.setattr(qa.pdf, "_READ", OrderedDict())
    monkeypatch.setattr(qa.pdf, "_read_pdf", lambda data: reads.append(len(data))
                        or read_pdf(data))

    pipe, service, staging = chat_over_a_note(tmp_path)
    (staging / "Harbour Guide.pdf").write_bytes(make_pdf([BODY], title="Porthaven Harbour"))
    (staging / "locked.pdf").write_bytes(make_pdf([BODY], user_password="pw"))
    status, articles = service.upload([str(staging / "Harbour Guide.pdf"),
                                       str(staging / "locked.pdf")])
    assert "added &#x27;Harbour Guide.pdf&#x27;" in status
    assert "encrypted with a password" in status
    assert "Porthaven Harbour" in articles
    good = (staging / "Harbour Guide.pdf").stat().st_size
    assert reads.count(good) == 1, reads
    pipe.add_documents()  # the next upload reads the whole corpus again: not this PDF
    assert reads.count(good) == 1, reads
    answer, _ = service.answer("How long is the breakwater of Porthaven?")
    assert answer.text is not None and "640 metres" in answer.text
    assert next(s for s in answer.sources if s.has_answer).doc_id == "Harbour Guide.pdf"


def test_two_columns_are_read_one_after_the_other() -> None:
    """A trial: a two-column newsletter was read across the columns, line by line ("The
    Riverside Chess Club won the The club was founded in 1923 by regional championship…")."""
    left = ["The Riverside Chess Club won the", "regional championship on Sunday,",
            "beating the Hilltop club 5 to 3 in", "the final round. Their captain,",
            "Amara Okafor, won all her games."]
    right = ["The club was founded in 1923 by", "a group of railway workers and",
             "now meets every Thursday in the", "public library on Elm Street.",
             "Membership costs 40 dollars a year."]
    text, _ = pdf_to_text(make_pdf([["Chess club news"]], columns=(left, right)))
    assert text.split("\n") == [
        "Chess club news",
        "The Riverside Chess Club won the regional championship on Sunday, beating the "
        "Hilltop club 5 to 3 in the final round. Their captain, Amara Okafor, won all her "
        "games. The club was founded in 1923 by a group of railway workers and now meets "
        "every Thursday in the public library on Elm Street. Membership costs 40 dollars a "
        "year."]


def test_a_table_of_narrow_cells_is_not_taken_for_columns() -> None:
    rows = [f"{n}    CARD32    offset of entry {n}" for n in range(1, 7)]
    text, _ = pdf_to_text(make_pdf([["Header layout", *rows]]))
    assert "1 CARD32 offset of entry 1" in text  # rows kept whole, in order
    assert text.index("entry 1") < text.index("entry 2")

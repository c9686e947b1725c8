"""Tiny PDFs for tests, written with pypdf: pages of text lines in Helvetica."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject


def _escaped(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], *, title: str | None = None,
             user_password: str | None = None, owner_password: str | None = None,
             columns: tuple[list[str], list[str]] | None = None) -> bytes:
    """A PDF whose pages hold ``pages``' lines, top to bottom (Latin-1 text); with
    ``columns``, the first page holds its lines as a heading, then two columns of lines
    side by side under it (a newsletter's layout)."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        ops = ["BT", "/F1 10 Tf", "13 TL", "60 740 Td"]
        ops += [f"({_escaped(line)}) Tj T*" for line in lines]
        ops.append("ET")
        if columns is not None and page is writer.pages[0]:
            top = 740 - 13 * (len(lines) + 1)
            for row, pair in enumerate(zip(*columns, strict=True)):  # row by row, as
                for x, line in zip((60, 320), pair, strict=True):  # many writers draw
                    ops += ["BT", "/F1 10 Tf", f"{x} {top - 13 * row} Td",
                            f"({_escaped(line)}) Tj", "ET"]
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("cp1252"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    if title is not None:
        writer.add_metadata({"/Title": title})
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password=owner_password)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()

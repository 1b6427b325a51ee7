"""The PDFium page source reads every PDF as the pdfplumber source (the reference) does.

Every PDF under tests/fixtures and data/raw goes through ``read_pdf`` (PDFium) and
``read_pdf_pdfplumber``: the same refusal code, or the same text, cells, spans, warnings
and page count, and every character's box within half a point.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.document import Document, Source
from extractors.errors import JixiaoError
from extractors.pdf import read_pdf, read_pdf_pdfplumber
from extractors.pdfium import declared_descents

ROOT = Path(__file__).resolve().parents[1]
# the timeout fixture: pdfplumber needs about a minute for it (that is the point of it)
SLOW = {"slow_dense_text.pdf"}
PDFS = sorted(
    p for p in [*(ROOT / "tests" / "fixtures").rglob("*.pdf"), *(ROOT / "data" / "raw").rglob("*.pdf")]
    # the held-out layout renderings are scored by tests/fixtures/score_layouts.py, and scans
    # (no text layer: both page sources hand every page to the same OCR) by test_scans.py
    if p.name not in SLOW and not p.parent.name.startswith("layouts_heldout") and p.parent.name != "scans"
)
# PDFium takes a glyph's advance from the font program where the file's /Widths (or a
# non-embedded CID font's metrics) say otherwise; pdfminer takes the declared width
WIDTHS_DIFFER = {"invoice.pdf", "tick_off_baseline.pdf"}
# the layout fixtures' LibreOffice exports (LibreOffice 7.x here, fonts substituted): the same
# glyph-advance difference, a little over half a point at line ends
WIDTHS_DIFFER |= {p.name for p in PDFS if p.parent.name == "layouts" and p.name.endswith(".lo.pdf")
                  and ".official." not in p.name or p.name in ("d001.official.lo.pdf", "d002.official.lo.pdf")}
TOLERANCE = 0.5


def _read(reader, data: bytes) -> Document | str:  # type: ignore[no-untyped-def]
    try:
        document: Document = reader(data, Source("memory", "0" * 64, "pdf"))
    except JixiaoError as exc:
        return exc.error_code
    return document


def _structure(document: Document) -> list[tuple[object, ...]]:
    return [(c.text, c.start, c.end, c.table, c.row, c.col, c.page, c.row_span, c.col_span)
            for c in document.cells]


def _worst_box(ours: Document, reference: Document) -> float:
    assert ours.char_boxes is not None and reference.char_boxes is not None
    worst = 0.0
    for mine, theirs in zip(ours.char_boxes, reference.char_boxes, strict=True):
        assert (mine is None) == (theirs is None)
        if mine and theirs:
            assert mine.page == theirs.page
            worst = max(worst, *(abs(a - b) for a, b in zip(mine.bbox, theirs.bbox, strict=True)))
    for mine_cell, their_cell in zip(ours.cells, reference.cells, strict=True):
        if mine_cell.bbox and their_cell.bbox:
            worst = max(worst, *(abs(a - b) for a, b in zip(mine_cell.bbox, their_cell.bbox, strict=True)))
    return worst


@pytest.fixture(scope="module")
def readings() -> dict[Path, tuple[Document | str, Document | str]]:
    out = {}
    for path in PDFS:
        data = path.read_bytes()
        out[path] = (_read(read_pdf, data), _read(read_pdf_pdfplumber, data))
    return out


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_same_document_as_pdfplumber(path: Path, readings) -> None:  # type: ignore[no-untyped-def]
    ours, reference = readings[path]
    if isinstance(reference, str) or isinstance(ours, str):
        assert ours == reference
        return
    assert ours.text == reference.text
    assert _structure(ours) == _structure(reference)
    assert ours.warnings == reference.warnings
    assert ours.source.pages == reference.source.pages


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(reason="PDFium's glyph advance differs from the declared width", strict=True))
    if p.name in WIDTHS_DIFFER else p
    for p in PDFS
], ids=lambda p: p.name)
def test_boxes_within_half_a_point(path: Path, readings) -> None:  # type: ignore[no-untyped-def]
    ours, reference = readings[path]
    if isinstance(reference, str):  # a refusal has no boxes
        assert ours == reference
        return
    assert not isinstance(ours, str)
    assert _worst_box(ours, reference) <= TOLERANCE


def _turned(path: Path, rotation: int, margin: float) -> bytes:
    """The PDF with every page turned and its MediaBox moved off the origin."""
    pdf = pdfium.PdfDocument(path)
    try:
        for page in pdf:
            page.set_rotation(rotation)
            if margin:
                left, bottom, right, top = page.get_mediabox()
                page.set_mediabox(left - margin, bottom - margin, right + margin, top + 2 * margin)
            page.close()
        buffer = io.BytesIO()
        pdf.save(buffer)
    finally:
        pdf.close()
    return buffer.getvalue()


@pytest.mark.parametrize("rotation, margin", [
    (0, 30.0), (180, 0.0), (270, 20.0),
    pytest.param(90, 0.0, marks=pytest.mark.xfail(
        reason="a quarter turn: pdfminer's box of a turned glyph is its advance across, not its size", strict=True)),
])
def test_turned_pages_and_moved_media_box(rotation: int, margin: float) -> None:
    data = _turned(ROOT / "tests" / "fixtures" / "forms" / "hsjd_2023.rl.pdf", rotation, margin)
    ours, reference = _read(read_pdf, data), _read(read_pdf_pdfplumber, data)
    assert isinstance(ours, Document) and isinstance(reference, Document)
    assert ours.text == reference.text
    assert _worst_box(ours, reference) <= TOLERANCE


def test_declared_descents_are_read_from_plain_and_compressed_objects() -> None:
    plain = b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Ascent 859 /Descent -141 >>"
    assert declared_descents(plain) == {"SimSun": pytest.approx(-0.141)}
    import zlib

    body = zlib.compress(b"<</Type/FontDescriptor/FontName/KaiTi/Descent 120>>")
    packed = b"1 0 obj <</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>\nstream\n" % len(body)
    assert declared_descents(packed + body + b"\nendstream") == {"KaiTi": pytest.approx(-0.12)}
    # a descent given by reference is not read (PDFium's stands); none declared is 0
    assert declared_descents(b"<</Type/FontDescriptor/FontName/X/Descent 12 0 R>>") == {}
    assert declared_descents(b"<</Type/FontDescriptor/FontName/Y/Ascent 800>>") == {"Y": 0.0}

"""The C helper ``extractors._pdfium_bulk`` gives what the same PDFium calls give through ctypes.

The page source takes a page's characters, objects and paths from the helper in one call each;
where the helper is not built it makes the same calls one by one through ctypes
(``_char_columns_ctypes``, ``_object_entry``, ``_path_ctypes``). Both must give the same
bytes on every PDF: characters, top-level objects, and every path object's matrix, paint
and segments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest

import extractors.pdfium as source
from extractors.errors import JixiaoError

ROOT = Path(__file__).resolve().parents[1]
PDFS = sorted(p for p in [*(ROOT / "tests" / "fixtures").rglob("*.pdf"), *(ROOT / "data" / "raw").rglob("*.pdf")]
              if p.name != "slow_dense_text.pdf")


def test_the_helper_is_built() -> None:
    # `pip install -e .` builds it where gcc and the Python headers are (every machine the
    # README's commands run on); without it PDF pages are read through ctypes, about twice as slow
    assert source._bulk is not None, "extractors._pdfium_bulk is not built: run `pip install -e .` again"


def _pages(path: Path):  # type: ignore[no-untyped-def]
    try:
        pdf = pdfium.PdfDocument(path.read_bytes())
    except pdfium.PdfiumError:
        return  # refused as damaged or locked before any page is read
    try:
        for index in range(len(pdf)):
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                continue
            textpage = page.get_textpage()
            try:
                yield page, textpage
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()


PATH, FORM = pdfium.raw.FPDF_PAGEOBJ_PATH, pdfium.raw.FPDF_PAGEOBJ_FORM


def _paths(objects: list[int]) -> list[int]:
    """The path objects among ``objects`` and inside their forms, at any depth."""
    found = []
    for obj in objects:
        kind = source._object_type(obj)
        if kind == PATH:
            found.append(obj)
        elif kind == FORM:
            found.extend(_paths([source._form_object(obj, i) or 0 for i in range(source._form_count(obj))]))
    return found


@pytest.mark.parametrize("path", PDFS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_helper_and_ctypes_give_the_same_characters_and_objects(path: Path) -> None:
    assert source._bulk is not None
    pages = 0
    for page, textpage in _pages(path):
        pages += 1
        address = source._address(textpage.raw)
        assert source._bulk.chars(address) == source._char_columns_ctypes(address)
        kinds, handles, bounds = source._bulk.objects(source._address(page.raw))
        expected = [source._object_entry(source._page_object(source._address(page.raw), index))
                    for index in range(source._count_objects(source._address(page.raw)))]
        assert np.frombuffer(kinds, dtype=np.int32).tolist() == [kind for kind, _, _ in expected]
        assert np.frombuffer(handles, dtype=np.uint64).tolist() == [obj for _, obj, _ in expected]
        boxes = np.frombuffer(bounds, dtype=np.float64).reshape(-1, 4).tolist()
        assert [None if box[0] != box[0] else tuple(box) for box in boxes] == [box for _, _, box in expected]
        found = _paths([obj for kind, obj, _ in expected if kind in (PATH, FORM)])
        for obj in found:
            assert source._bulk.path(obj) == source._path_ctypes(obj)
        # many at once, each under a parent matrix as the walk combines them
        parent = (0.5, 0.0, -0.0, -2.0, 7.25, 300.0)
        walked = []
        for obj in found:
            own, painted, kinds, points = source._path_ctypes(obj)
            if painted:
                walked.append((source._multiply(source._IDENTITY if own is None else own, parent), kinds, points))
        assert repr(source._bulk.paths(np.array(found, dtype=np.uint64), parent)) == repr(walked)  # -0.0 too
    if path.parent.name not in ("bad", "rejects"):
        assert pages > 0


def test_the_page_source_reads_the_same_without_the_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors.document import Source
    from extractors.pdf import read_pdf

    path = ROOT / "tests" / "fixtures" / "forms"
    pdfs = sorted(path.glob("*.pdf"))
    assert pdfs
    with_helper = [read_pdf(p.read_bytes(), Source(p.name, "0" * 64, "pdf")) for p in pdfs]
    monkeypatch.setattr(source, "_bulk", None)
    without = [read_pdf(p.read_bytes(), Source(p.name, "0" * 64, "pdf")) for p in pdfs]
    for mine, theirs in zip(with_helper, without, strict=True):
        assert mine.text == theirs.text
        assert mine.char_boxes == theirs.char_boxes
        assert mine.cells == theirs.cells
        assert mine.warnings == theirs.warnings


def test_the_helper_refuses_null_addresses() -> None:
    assert source._bulk is not None
    with pytest.raises(ValueError, match="null"):
        source._bulk.chars(0)
    with pytest.raises(ValueError, match="null"):
        source._bulk.objects(0)
    with pytest.raises(ValueError, match="null"):
        source._bulk.bind(*([0] * 20))
    with pytest.raises(ValueError, match="null"):
        source._bulk.path(0)
    with pytest.raises(ValueError, match="null"):
        source._bulk.paths(np.zeros(1, np.uint64), source._IDENTITY)
    with pytest.raises(ValueError, match="uint64"):
        source._bulk.paths(b"123", source._IDENTITY)


@pytest.mark.parametrize("path", [p for p in PDFS if p.parent.name not in ("bad", "rejects")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_page_source_gives_the_same_characters_and_lines_without_the_helper(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The characters (made by ``_assemble.chars`` in C, else as dicts in Python) and ruling
    lines of every page, with and without the helpers: equal down to their repr, keys in the
    same order."""
    def pages() -> list[tuple[str, list[Any]]]:
        try:
            with source.pdfium_pages(path.read_bytes()) as (_count, contents):
                return [(repr(page.chars), page.edges) for page in contents]
        except JixiaoError:
            return []  # refused either way: compared below

    with_helper = pages()
    monkeypatch.setattr(source, "_bulk", None)
    monkeypatch.setattr(source, "_assemble", None)
    assert pages() == with_helper


@pytest.mark.parametrize("path", [p for p in PDFS if p.parent.name not in ("bad", "rejects")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_text_runs_are_numpys(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's text runs and space advances from ``_assemble.runs`` (C) are NumPy's."""
    pages = [source._char_columns(source._address(textpage.raw)) for _page, textpage in _pages(path)]

    def runs() -> list[tuple[list[Any], dict[int, float]]]:
        found = []
        for _unmapped, codes, objects, fonts, values in pages:
            if not len(codes):
                continue  # _chars asks for no runs of a page without characters
            text = source._Text([], 0, {})
            source._runs(text, codes, objects, fonts, values)
            columns = [text.run_objects, text.run_left, text.run_right, text.run_baseline, text.run_size]
            found.append(([repr(column.tolist()) for column in columns], text.space_em))
        return found

    in_c = runs()
    monkeypatch.setattr(source, "_assemble", None)
    assert in_c == runs()

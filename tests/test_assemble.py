"""The C assembly steps (``extractors._assemble``) are the Python ones, step for step.

``extractors.pdf`` takes ``_lines``, ``_line_pairs``, ``_assign_chars``, ``_normalise`` and
``_cell_text`` from the C helper when it is built. Here each is held to its Python twin
(``_py_lines``, ``_py_line_pairs``, ``_py_assign_chars``, ``_py_normalise``, and
``_cell_text`` with the helper out of sight) on random characters (hypothesis: ties in every coordinate, ints and
floats, missing sizes, OCR boxes and confidences) and on every page of every PDF fixture:
the same character objects in the same order, and results equal down to their ``repr``
(an int stays an int, a float keeps every digit).
"""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import _assemble as assemble  # `pip install -e .` builds it (gcc, Python headers)
from extractors import pdf
from extractors.document import CharBox, as_char_box
from extractors.grid import edges_to_tables
from extractors.pdfium import pdfium_pages

ROOT = Path(__file__).resolve().parents[1]
# every fixture PDF with pages to read (bad/ holds damaged and locked files)
PDFS = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*.pdf") if p.parent.name != "bad")


# coordinates on a coarse grid so that ties (same top, same x0, same centre) are common
COORD = st.one_of(
    st.integers(0, 40).map(lambda v: v * 2.5),
    st.integers(0, 100),
    st.floats(0, 100, allow_nan=False, allow_infinity=False),
)


@st.composite
def chars(draw: st.DrawFn, pages: int = 2) -> dict[str, Any]:
    x0, top = draw(COORD), draw(COORD)
    char: dict[str, Any] = {
        "text": draw(st.sampled_from([*"一二三1.5 元%（）x、a", "\u3000", "\n", "\t", "fi", " 2"])),
        "x0": x0,
        "x1": x0 + draw(st.sampled_from([0, 1, 2.5, 5, 10.25, 12])),
        "top": top,
        "bottom": top + draw(st.sampled_from([0, 3, 8.5, 10, 12, 20])),
        "size": draw(st.sampled_from([None, 0, 5, 10.5, 12])),
        "page_number": draw(st.integers(1, pages)),
        "fontname": "F1",
    }
    if draw(st.booleans()):  # a character read by OCR
        char["confidence"] = draw(st.floats(0, 1))
        if draw(st.booleans()):
            char["page_bbox"] = [draw(COORD) for _ in range(4)]
    return char


def _boxed(result: Any) -> str:
    """The repr of a (text, boxes) or of (text, box) pairs, each box as a CharBox: a Char
    stands for its own box (``extractors.document.CharBoxes``)."""
    if isinstance(result, tuple):
        text, boxes = result
        return repr((text, [as_char_box(box) for box in boxes]))
    return repr([(text, as_char_box(box)) for text, box in result])


def _ids(lines: list[list[dict[str, Any]]]) -> list[list[int]]:
    return [[id(char) for char in line] for line in lines]


def test_the_helper_is_built_and_in_use() -> None:
    assert pdf._assemble is assemble


@settings(max_examples=300, deadline=None)
@given(st.lists(chars(), max_size=40))
def test_lines_are_pythons_on_random_characters(page_chars: list[dict[str, Any]]) -> None:
    assert _ids(assemble.lines(page_chars, pdf.LINE_TOLERANCE)) == _ids(pdf._py_lines(page_chars))


@settings(max_examples=300, deadline=None)
@given(st.lists(chars(pages=1), max_size=30), st.integers(1, 9))
def test_line_pairs_are_pythons_on_random_characters(line: list[dict[str, Any]], page: int) -> None:
    ours = assemble.line_pairs(line, page, CharBox, pdf._GAP)
    assert repr(ours) == repr(pdf._py_line_pairs(line, page))
    assert all(type(box) is CharBox for _, box in ours if box is not None)


def _in_python(function: Any, *args: Any) -> Any:
    """``function(*args)`` with the helper out of sight: the Python twins throughout."""
    with mock.patch.object(pdf, "_assemble", None):
        return function(*args)


@settings(max_examples=300, deadline=None)
@given(st.lists(chars(), max_size=40))
def test_cell_text_is_pythons_on_random_characters(cell_chars: list[dict[str, Any]]) -> None:
    ours = assemble.cell_text(cell_chars, pdf.LINE_TOLERANCE, CharBox, pdf._GAP, pdf._breaks_before)
    assert repr(ours) == repr(_in_python(pdf._cell_text, cell_chars))


PAIR_TEXTS = st.sampled_from([" ", "\n", "\u3000", "\t ", "一", "2", "ab", "", " x"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PAIR_TEXTS, st.one_of(st.none(), st.integers(0, 9))), max_size=30))
def test_normalise_is_pythons_on_random_pairs(pairs: list[tuple[str, Any]]) -> None:
    assert repr(assemble.normalise(pairs)) == repr(pdf._py_normalise(pairs))


BOXES = st.lists(st.one_of(st.none(), st.builds(
    lambda page, box, confidence: CharBox(page, box, confidence),
    st.integers(1, 3), st.tuples(COORD, COORD, COORD, COORD), st.one_of(st.none(), st.floats(0, 1)))), max_size=30)


@settings(max_examples=300, deadline=None)
@given(BOXES, st.integers(-35, 35), st.integers(-35, 35))
def test_locate_is_pythons_on_random_boxes(boxes: list[CharBox | None], start: int, end: int) -> None:
    from extractors import document as module

    document = module.Document(module.Source("x", "0" * 64, "pdf"), "", [], char_boxes=boxes)
    ours = document.locate(start, end)
    with mock.patch.object(module, "_assemble", None):
        assert repr(ours) == repr(document.locate(start, end))
    assert repr(ours) == repr(assemble.locate(boxes, start, end))


def test_locate_keeps_the_first_of_equal_sides_as_min_and_max_do() -> None:
    boxes = [None, CharBox(1, (5, 0.0, 10, 8)), CharBox(1, (5.0, 0, 10.0, 8.0)), CharBox(2, (0, 0, 99, 99))]
    assert repr(assemble.locate(boxes, 0, 4)) == "(1, (5, 0.0, 10, 8))"
    assert assemble.locate(boxes, 0, 1) == (None, None)


def _cells(boxes: list[tuple[float, float, float, float]]) -> list[pdf._Row]:
    return [pdf._Row(0, 0, 1, [pdf._Cell(col, box) for col, box in enumerate(boxes)])]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(COORD, COORD, COORD, COORD), max_size=8),
    st.lists(chars(pages=1), max_size=40),
    st.tuples(COORD, COORD, COORD, COORD),
)
def test_assignment_is_pythons_on_random_cells(
    boxes: list[tuple[float, float, float, float]],
    page_chars: list[dict[str, Any]],
    table_box: tuple[float, float, float, float],
) -> None:
    boxes = [(min(a, c), min(b, d), max(a, c), max(b, d)) for a, b, c, d in boxes]
    ours, theirs = _cells(boxes), _cells(boxes)
    left_over = assemble.assign([(cell.box, cell.chars) for cell in ours[0].cells], page_chars, table_box,
                                pdf.EDGE_TOLERANCE)
    assert [id(c) for c in left_over] == [id(c) for c in pdf._py_assign_chars(theirs, page_chars, table_box)]
    assert [_ids([cell.chars]) for cell in ours[0].cells] == [_ids([cell.chars]) for cell in theirs[0].cells]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_every_fixture_page_assembles_as_in_python(path: Path) -> None:
    with pdfium_pages(path.read_bytes()) as (_count, pages):
        contents = list(pages)
    for page in contents:
        remaining = page.chars
        for table in edges_to_tables(pdf.close_cut_tables(page.edges)):
            ours = [pdf._Row(0, i, page.number, [pdf._Cell(c.col, c.bbox) for c in row])
                    for i, row in enumerate(table.rows)]
            theirs = [pdf._Row(0, i, page.number, [pdf._Cell(c.col, c.bbox) for c in row])
                      for i, row in enumerate(table.rows)]
            left_over = pdf._assign_chars(ours, remaining, table.bbox)
            assert [id(c) for c in left_over] == [id(c) for c in pdf._py_assign_chars(theirs, remaining, table.bbox)]
            for row, twin in zip(ours, theirs, strict=True):
                for cell, cell_twin in zip(row.cells, twin.cells, strict=True):
                    assert _ids(pdf._lines(cell.chars)) == _ids(pdf._py_lines(cell_twin.chars))
                    assert _boxed(pdf._cell_text(cell.chars)) == _boxed(_in_python(pdf._cell_text, cell_twin.chars))
            remaining = left_over
        lines = pdf._lines(remaining)
        assert _ids(lines) == _ids(pdf._py_lines(remaining))
        for line in lines:
            assert _boxed(pdf._line_pairs(line, page.number)) == _boxed(pdf._py_line_pairs(line, page.number))
        assert _boxed(pdf._cell_text(remaining)) == _boxed(_in_python(pdf._cell_text, remaining))


def test_a_coordinate_not_finite_goes_the_python_way() -> None:
    good = {"text": "一", "x0": 1.0, "x1": 9.0, "top": 5.0, "bottom": 15.0, "size": 10, "page_number": 1}
    bad = {**good, "text": "二", "x0": math.nan}
    with pytest.raises(ValueError, match="not a finite number"):
        assemble.lines([good, bad], pdf.LINE_TOLERANCE)
    assert _ids(pdf._lines([good, bad])) == _ids(pdf._py_lines([good, bad]))
    cell = pdf._Cell(0, (0.0, 0.0, 50.0, 50.0))
    rows = [pdf._Row(0, 0, 1, [cell])]
    left_over = pdf._assign_chars(rows, [good, bad], (0.0, 0.0, 50.0, 50.0))
    assert left_over == [bad] and cell.chars == [good]  # nothing given twice by the C attempt


def test_refusals_are_errors_not_crashes() -> None:
    with pytest.raises(KeyError, match="page_number"):
        assemble.lines([{"x0": 1.0}], 3.0)
    with pytest.raises(TypeError, match="dict"):
        assemble.lines([("not", "a", "dict")], 3.0)
    with pytest.raises(TypeError, match="tuple subtype"):
        assemble.line_pairs([], 1, dict, pdf._GAP)
    with pytest.raises(TypeError, match="gap"):
        assemble.line_pairs([], 1, CharBox, " ")
    with pytest.raises(TypeError, match="gap"):
        assemble.cell_text([], 3.0, CharBox, (1, None), pdf._breaks_before)
    with pytest.raises(TypeError, match="pair"):
        assemble.assign([[(0, 0, 1, 1), []]], [], (0, 0, 1, 1), 8.0)
    with pytest.raises(TypeError, match="pair"):
        assemble.normalise([("a", None, 1)])
    with pytest.raises(TypeError, match="pair"):
        assemble.normalise([(1, None)])
    with pytest.raises(ValueError, match="four numbers"):
        assemble.assign([((0, 0, 1), [])], [], (0, 0, 1, 1), 8.0)


def _python_path_edges(kinds: bytes, points: bytes, matrix: tuple[float, ...], view: Any) -> tuple[list[Any], ...]:
    from extractors import pdfium as source

    lines: list[Any] = []
    rects: list[Any] = []
    curves: list[Any] = []
    for shape, shape_points in source._subpaths(kinds, points, matrix, view):
        source._classify(shape, shape_points, lines, rects, curves)
    return lines, rects, curves


class _View:
    """A page view as _PageView holds it: pdfminer's page matrix, the MediaBox's left, height, top."""

    def __init__(self, ctm: tuple[float, ...], left: float, height: float, top: float) -> None:
        self.ctm, self.left, self.height, self.top = ctm, left, height, top

    def point(self, x: float, y: float) -> tuple[float, float]:
        from extractors.pdfium import _PageView

        return _PageView.point(self, x, y)  # type: ignore[arg-type]


SEGMENT = st.tuples(st.sampled_from([0, 0, 0, 1, 2, 2, -1]), st.sampled_from([0, 0, 1]),
                    st.sampled_from([0.0, 10.0, 10.000000001, 20.5, -3.25, 100.0]),
                    st.sampled_from([0.0, 5.0, 5.0000001, 30.75, -1.0, 100.0]))
MATRICES = st.sampled_from([(1.0, 0.0, 0.0, 1.0, 0.0, 0.0), (0.5, 0.0, 0.0, -2.0, 7.25, 300.0),
                            (0.0, 1.0, -1.0, 0.0, 12.0, 3.5)])
VIEWS = st.sampled_from([((1, 0, 0, 1, -0.0, -0.0), 0.0, 842.0, 0.0), ((0, -1, 1, 0, -0.0, 595.0), 0.0, 595.0, 0.0),
                         ((-1, 0, 0, -1, 595.0, 842.0), 10.0, 832.0, -10.0)])


@settings(max_examples=400, deadline=None)
@given(st.lists(SEGMENT, max_size=14), MATRICES, VIEWS)
def test_path_edges_are_pythons_on_random_segments(segments: list[tuple[int, int, float, float]],
                                                   matrix: tuple[float, ...], view: tuple[Any, ...]) -> None:
    from array import array

    from extractors.grid import Edge

    kinds = array("i", [v for kind, closes, _, _ in segments for v in (kind, closes)]).tobytes()
    points = array("f", [v for _, _, x, y in segments for v in (x, y)]).tobytes()
    ours = assemble.path_edges(kinds, points, matrix, *view, Edge)
    assert repr(ours) == repr(_python_path_edges(kinds, points, matrix, _View(*view)))
    assert all(type(edge) is Edge for group in ours for edge in group)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_every_fixture_path_gives_pythons_edges(path: Path) -> None:
    import pypdfium2 as pdfium

    from extractors import pdfium as source
    from extractors.grid import Edge

    pdf = pdfium.PdfDocument(path.read_bytes())
    compared = 0
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            view = source._PageView(page)
            kinds_column, addresses, _bounds = source._page_objects(source._address(page.raw))
            one_by_one: tuple[list[Any], ...] = ([], [], [])
            for kind, obj in zip(kinds_column.tolist(), addresses.tolist(), strict=True):
                if kind != pdfium.raw.FPDF_PAGEOBJ_PATH:
                    continue
                matrix, painted, kinds, points = source._path(obj)
                matrix = matrix or source._IDENTITY
                ours = assemble.path_edges(kinds, points, matrix, view.ctm, view.left, view.height, view.top, Edge)
                assert repr(ours) == repr(_python_path_edges(kinds, points, matrix, view))
                if painted:  # as the walk takes it: under the page (its matrix times the identity)
                    walked = assemble.path_edges(kinds, points, source._multiply(matrix, source._IDENTITY), view.ctm,
                                                 view.left, view.height, view.top, Edge)
                    for found, edges in zip(one_by_one, walked, strict=True):
                        found.extend(edges)
                compared += 1
            # the page's painted paths in one call each way: the same edges in the same order
            paths = source._bulk.paths(addresses[kinds_column == pdfium.raw.FPDF_PAGEOBJ_PATH], source._IDENTITY)
            all_at_once = assemble.paths_edges(paths, view.ctm, view.left, view.height, view.top, Edge)
            assert repr(all_at_once) == repr(one_by_one)
            page.close()
    finally:
        pdf.close()
    assert compared or path.parent.name != "forms"  # the forms are ruled tables: paths to compare


# ---- Char: the page source's characters, read as their dicts -------------------------------

CHAR_KEYS = ["text", "fontname", "size", "x0", "x1", "top", "bottom", "page_number"]


def _as_char(char: dict[str, Any]) -> assemble.Char:
    return assemble.Char(*(char[key] for key in CHAR_KEYS))


@st.composite
def text_layer_chars(draw: st.DrawFn, pages: int = 2) -> dict[str, Any]:
    """A character as the PDFium source gives it: eight keys, the numbers floats."""
    char = draw(chars(pages))
    return {key: float(char[key] or 0) if key in ("size", "x0", "x1", "top", "bottom") else char[key]
            for key in CHAR_KEYS}


def test_a_char_reads_as_its_dict() -> None:
    values = {"text": "中", "fontname": "SimSun", "size": 10.5, "x0": 1.0, "x1": 11.5, "top": 3.25,
              "bottom": 13.75, "page_number": 2}
    char = assemble.Char(**values)
    assert dict(char) == values and {**char} == values and char.to_dict() == values
    assert list(char) == CHAR_KEYS and list(char.keys()) == CHAR_KEYS and len(char) == 8
    assert list(char.items()) == list(values.items()) and list(char.values()) == list(values.values())
    assert char["x1"] == 11.5 and char["page_number"] == 2 and "top" in char and "confidence" not in char
    assert char.get("page_bbox") is None and char.get("confidence", 1.0) == 1.0 and char.get("size") == 10.5
    assert repr(char) == repr(values)
    assert char == values and char == assemble.Char(**values) and char != {**values, "x0": 2.0}
    assert pickle.loads(pickle.dumps(char)) == values
    with pytest.raises(KeyError, match="confidence"):
        char["confidence"]
    with pytest.raises(TypeError):
        hash(char)
    with pytest.raises(TypeError):
        char["x0"] = 2.0  # type: ignore[index]


@settings(max_examples=300, deadline=None)
@given(st.lists(text_layer_chars(), max_size=40), st.integers(1, 9))
def test_the_steps_read_chars_as_their_dicts(page_chars: list[dict[str, Any]], page: int) -> None:
    """Each step gives the same on the characters as Char as on the same characters as dicts."""
    as_chars = [_as_char(char) for char in page_chars]
    position = {id(char): index for index, char in enumerate(as_chars)}
    position.update({id(char): index for index, char in enumerate(page_chars)})

    def indices(lines: list[list[Any]]) -> list[list[int]]:
        return [[position[id(char)] for char in line] for line in lines]

    assert indices(assemble.lines(as_chars, pdf.LINE_TOLERANCE)) == indices(assemble.lines(page_chars, pdf.LINE_TOLERANCE))
    assert _boxed(assemble.line_pairs(as_chars, page, CharBox, pdf._GAP)) == _boxed(
        assemble.line_pairs(page_chars, page, CharBox, pdf._GAP))
    assert _boxed(assemble.cell_text(as_chars, pdf.LINE_TOLERANCE, CharBox, pdf._GAP, pdf._breaks_before)) == _boxed(
        _in_python(pdf._cell_text, page_chars))
    boxes = [(0.0, 0.0, 50.0, 50.0), (50.0, 0.0, 100.0, 50.0), (0.0, 50.0, 100.0, 100.0)]
    held: list[list[Any]] = [[], [], []]
    theirs: list[list[Any]] = [[], [], []]
    left = assemble.assign(list(zip(boxes, held, strict=True)), as_chars, (0.0, 0.0, 100.0, 100.0), 8.0)
    right = assemble.assign(list(zip(boxes, theirs, strict=True)), page_chars, (0.0, 0.0, 100.0, 100.0), 8.0)
    assert indices([left, *held]) == indices([right, *theirs])


def test_chars_are_made_from_columns() -> None:
    columns = tuple(np.array([float(k), k + 0.5]) for k in range(5))
    made = assemble.chars(np.array([0x4E2D, 0x1F600], np.uint32), ["F", "G"], np.array([1, 0], np.int64), columns, 3)
    assert made == [
        {"text": "中", "fontname": "G", "size": 0.0, "x0": 1.0, "x1": 2.0, "top": 3.0, "bottom": 4.0, "page_number": 3},
        {"text": "😀", "fontname": "F", "size": 0.5, "x0": 1.5, "x1": 2.5, "top": 3.5, "bottom": 4.5, "page_number": 3},
    ]
    again = assemble.chars(np.array([0x4E2D], np.uint32), ["F"], np.zeros(1, np.int64), tuple(c[:1] for c in columns), 1)
    assert again[0]["text"] is made[0]["text"]  # a code point's str made once and shared
    with pytest.raises(ValueError, match="one uint32 and one int64"):
        assemble.chars(np.zeros(2, np.uint32), ["F"], np.zeros(3, np.int64), columns, 1)
    with pytest.raises(ValueError, match="one float64"):
        assemble.chars(np.zeros(2, np.uint32), ["F"], np.zeros(2, np.int64), (np.zeros(1),) * 5, 1)
    with pytest.raises(IndexError, match="font index"):
        assemble.chars(np.zeros(2, np.uint32), ["F"], np.ones(2, np.int64), columns, 1)
    with pytest.raises(ValueError, match="outside Unicode"):
        assemble.chars(np.array([0x110000, 0], np.uint32), ["F"], np.zeros(2, np.int64), columns, 1)


def test_page_chars_and_runs_refuse_what_they_cannot_read() -> None:
    codes, objects, fonts = np.array([0x4E00], np.uint32), np.ones(1, np.uint64), np.full(1, 7, np.uint64)
    numbers = np.array([[10.0, 1.0, 11.0, 700.0]])
    with pytest.raises(ValueError, match="one code, object, font and four numbers"):
        assemble.page_chars(codes, objects, fonts, numbers[:, :3], lambda font: ("F", -0.2), 0.0, 842.0, 1)
    with pytest.raises(ValueError, match="one code, object, font and four numbers"):
        assemble.runs(codes, np.ones(2, np.uint64), fonts, numbers)
    with pytest.raises(TypeError, match="name, descent"):
        assemble.page_chars(codes, objects, fonts, numbers, lambda font: "F", 0.0, 842.0, 1)
    with pytest.raises(ZeroDivisionError):
        assemble.page_chars(codes, objects, fonts, numbers, lambda font: 1 / 0, 0.0, 842.0, 1)
    asked: list[int] = []
    made = assemble.page_chars(np.repeat(codes, 3), np.ones(3, np.uint64), np.array([7, 9, 7], np.uint64),
                               np.repeat(numbers, 3, axis=0), lambda font: asked.append(font) or (f"F{font}", -0.25),
                               2.0, 842.0, 4)
    assert asked == [7, 9]  # each font asked once, in the order met
    assert made[1] == {"text": "一", "fontname": "F9", "size": 10.0, "x0": 3.0, "x1": 13.0,
                       "top": 842.0 - (700.0 + -0.25 * 10.0 + 10.0), "bottom": 842.0 - (700.0 + -0.25 * 10.0),
                       "page_number": 4}


# ---- a Char stands for its own box -------------------------------------------------------------

FLOAT_COORD = COORD.map(float)
CHARS_AS_BOXES = st.lists(st.one_of(
    st.none(),
    st.builds(lambda page, box, confidence: CharBox(page, tuple(map(float, box)), confidence),
              st.integers(1, 3), st.tuples(COORD, COORD, COORD, COORD), st.one_of(st.none(), st.floats(0, 1))),
    st.builds(lambda page, x0, top, x1, bottom: assemble.Char("字", "F", 10.0, x0, x1, top, bottom, page),
              st.integers(1, 3), FLOAT_COORD, FLOAT_COORD, FLOAT_COORD, FLOAT_COORD),
), max_size=30)


def test_a_char_reads_as_its_char_box() -> None:
    from extractors.document import as_char_box

    char = assemble.Char("字", "F", 10.0, 1.5, 11.5, 3.0, 13.0, 2)
    assert (char.page, char.bbox, char.confidence) == (2, (1.5, 3.0, 11.5, 13.0), None)
    assert as_char_box(char) == CharBox(2, (1.5, 3.0, 11.5, 13.0), None) and type(as_char_box(char)) is CharBox
    box = CharBox(1, (0.0, 0.0, 1.0, 1.0))
    assert as_char_box(box) is box and as_char_box(None) is None


@settings(max_examples=300, deadline=None)
@given(CHARS_AS_BOXES, st.integers(-35, 35), st.integers(-35, 35))
def test_locate_reads_chars_as_their_boxes(items: list[Any], start: int, end: int) -> None:
    """Over Chars standing for boxes, locate is what it is over their CharBoxes, in C and Python."""
    from extractors import document as module

    as_boxes = [module.as_char_box(item) for item in items]
    document = module.Document(module.Source("x", "0" * 64, "pdf"), "", [], char_boxes=module.CharBoxes(items))
    expected = assemble.locate(as_boxes, start, end)
    assert repr(document.locate(start, end)) == repr(expected)
    with mock.patch.object(module, "_assemble", None):
        assert repr(document.locate(start, end)) == repr(expected)
    assert document.confidence(start, end) == module.Document(
        module.Source("x", "0" * 64, "pdf"), "", [], char_boxes=as_boxes).confidence(start, end)


def test_char_boxes_give_out_char_boxes() -> None:
    from extractors.document import CharBoxes

    char = assemble.Char("字", "F", 10.0, 1.5, 11.5, 3.0, 13.0, 2)
    box = CharBox(1, (0.0, 0.0, 1.0, 1.0), 0.5)
    boxes = CharBoxes([char, None, box])
    expected = [CharBox(2, (1.5, 3.0, 11.5, 13.0)), None, box]
    assert len(boxes) == 3 and list(boxes) == expected and boxes[0] == expected[0] and boxes[-1] is box
    assert boxes[1:] == expected[1:] and boxes == expected and boxes == CharBoxes(list(expected))
    assert boxes != expected[:2] and boxes != CharBoxes([box, None, char]) and (boxes == 3) is False
    assert type(boxes[0]) is CharBox and repr(boxes) == f"CharBoxes({expected!r})"
    with pytest.raises(TypeError):
        hash(boxes)


def test_only_a_line_that_begins_as_a_numbered_item_can_start_one() -> None:
    """The C cell_text asks _breaks_before only of a line whose first character past white space
    is a decimal digit or in _ITEM_FIRST: any other first character starts no numbered item."""
    endings = ["1.", "1、", "务1", "1）", "一)", ". 2", "、"]
    for code in range(0x110000):
        ch = chr(code)
        if ch.isdecimal() or ch.isspace() or ch in pdf._ITEM_FIRST or 0xD800 <= code <= 0xDFFF:
            continue
        assert not any(pdf._ITEM_START.match(ch + ending) for ending in endings), hex(code)


@settings(max_examples=300, deadline=None)
@given(st.lists(chars(pages=1), max_size=40))
def test_cell_text_asks_breaks_before_the_same_with_or_without_the_first_character_filter(
        cell_chars: list[dict[str, Any]]) -> None:
    filtered = assemble.cell_text(cell_chars, pdf.LINE_TOLERANCE, CharBox, pdf._GAP, pdf._breaks_before,
                                  pdf._ITEM_FIRST)
    assert repr(filtered) == repr(assemble.cell_text(cell_chars, pdf.LINE_TOLERANCE, CharBox, pdf._GAP,
                                                     pdf._breaks_before))


def test_boxes_without_an_ocr_page_have_no_confidence_to_look_for() -> None:
    from extractors.document import CharBoxes, Document, Source

    box = CharBox(1, (0.0, 0.0, 1.0, 1.0), 0.5)
    scored = Document(Source("x", "0" * 64, "pdf"), "a", [], char_boxes=CharBoxes([box]))
    unscored = Document(Source("x", "0" * 64, "pdf"), "a", [], char_boxes=CharBoxes([box], scored=False))
    assert scored.confidence(0, 1) == 0.5 and unscored.confidence(0, 1) is None
    document = pdf.read_pdf((ROOT / "tests" / "fixtures" / "forms" / "hsjd_2023.rl.pdf").read_bytes(),
                            Source("x", "0" * 64, "pdf"))
    assert isinstance(document.char_boxes, CharBoxes) and not document.char_boxes.scored

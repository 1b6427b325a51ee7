"""The grid: ruling lines to cells with row, column and spans, as pdfplumber finds them.

``edges_to_tables`` takes pdfplumber's steps in C (``extractors._assemble.grid``) or, without
the helper, in Python on tuples; both are held equal to the same steps through pdfplumber's
own functions (``edges_to_tables_pdfplumber``) on random rulings and on every page of every
fixture PDF, and to pdfplumber's table finder on the forms.
"""

from __future__ import annotations

import math
from pathlib import Path
from unittest import mock

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import grid
from extractors.grid import (
    Edge,
    GridTable,
    edges_to_tables,
    edges_to_tables_pdfplumber,
    rect_to_edges,
)

FORMS = Path(__file__).parent / "fixtures" / "forms"  # wherever pytest runs from


def _box(x0: float, top: float, x1: float, bottom: float) -> list[Edge]:
    return rect_to_edges(x0, top, x1, bottom)


def test_a_merged_cell_spans_the_boundaries_inside_it():
    # 2 x 3 grid whose first row's first two cells are merged, and whose last column is
    # merged down both rows
    edges = [
        Edge("h", 0, 0, 300, 0),
        Edge("h", 0, 50, 200, 50),
        Edge("h", 0, 100, 300, 100),
        Edge("v", 0, 0, 0, 100),
        Edge("v", 100, 50, 100, 100),
        Edge("v", 200, 0, 200, 100),
        Edge("v", 300, 0, 300, 100),
    ]
    (table,) = edges_to_tables(edges)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in table.cells}
    assert spans == {(0, 0): (1, 2), (0, 2): (2, 1), (1, 0): (1, 1), (1, 1): (1, 1)}
    assert table.bbox == (0.0, 0.0, 300.0, 100.0)


def test_lines_drawn_a_little_apart_snap_together():
    edges = _box(0, 0, 100, 40) + [Edge("v", 51.5, 0.8, 51.5, 39.5), Edge("v", 49.5, 0, 49.5, 40)]
    (table,) = edges_to_tables(edges)
    assert [(c.row, c.col) for c in table.cells] == [(0, 0), (0, 1)]


def test_a_rule_drawn_in_pieces_up_to_the_join_tolerance_apart_is_one_rule():
    for gap, cells in ((3.0, 2), (3.01, 1)):
        edges = [
            Edge("h", 0, 0, 47, 0), Edge("h", 47 + gap, 0, 100, 0),  # the top rule in two pieces
            Edge("h", 0, 40, 100, 40),
            Edge("v", 0, 0, 0, 40), Edge("v", 20, 0, 20, 40), Edge("v", 100, 0, 100, 40),
        ]
        tables = edges_to_tables(edges)
        assert tables == edges_to_tables_pdfplumber(edges)
        assert sum(len(t.cells) for t in tables) == (cells if cells > 1 else 0)


def test_two_separate_tables_come_top_to_bottom_and_a_lone_box_is_no_table():
    lower = _box(0, 200, 50, 240) + _box(50, 200, 100, 240)
    upper = _box(0, 0, 50, 40) + _box(50, 0, 100, 40)
    tables = edges_to_tables(lower + upper + _box(0, 400, 100, 440))
    assert [t.bbox[1] for t in tables] == [0.0, 200.0]


@pytest.mark.parametrize("path", sorted(str(p) for p in FORMS.glob("*.pdf"))[:6])
def test_same_cells_as_pdfplumbers_table_finder(path):
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            edges = [Edge(e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"]) for e in page.edges]
            ours = edges_to_tables(edges)
            theirs = page.find_tables()
            assert len(ours) == len(theirs)
            for mine, table in zip(ours, theirs, strict=True):
                expected = [
                    (index, col, tuple(float(v) for v in box))
                    for index, row in enumerate(table.rows)
                    for col, box in enumerate(row.cells)
                    if box is not None
                ]
                assert [(c.row, c.col, c.bbox) for c in mine.cells] == expected


@pytest.mark.parametrize("path", sorted(str(p) for p in FORMS.glob("*.pdf")))
def test_cells_from_intersections_are_pdfplumbers(path):  # type: ignore[no-untyped-def]
    """grid's faster intersections_to_cells finds pdfplumber's cells, in pdfplumber's order."""
    from pdfplumber.table import edges_to_intersections, merge_edges
    from pdfplumber.table import intersections_to_cells as reference

    from extractors.grid import intersections_to_cells

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            edges = merge_edges(page.edges, 3, 3, 3, 3)
            points = edges_to_intersections([e for e in edges if e["orientation"] in ("h", "v")], 3, 3)
            assert intersections_to_cells(points) == reference(points)


# coordinates on a coarse grid with small offsets, so that edges snap, join, meet and miss
_AT = st.tuples(st.integers(0, 8), st.sampled_from([0, 0, 0.5, 1.25, 2.9, 3.0, 3.1, -1.5])).map(
    lambda t: t[0] * 20 + t[1])


@st.composite
def _edges(draw: st.DrawFn) -> Edge:
    # few lines to be on, so that edges share one, end to end or overlapping
    a, b, across = draw(_AT), draw(_AT), draw(st.sampled_from([0, 20, 21.5, 40, 43, 60]))
    low, high = min(a, b), max(a, b)
    if draw(st.booleans()):
        return Edge("h", low, across, high, across)
    return Edge("v", across, low, across, high)


def _in_python(edges: list[Edge]) -> list[GridTable]:
    """``edges_to_tables`` with the C helper out of sight: the Python steps."""
    with mock.patch.object(grid, "_assemble", None):
        return edges_to_tables(edges)


@settings(max_examples=400, deadline=None)
@given(st.lists(_edges(), max_size=30))
def test_tables_are_pdfplumbers_on_random_rulings(edges: list[Edge]) -> None:
    expected = edges_to_tables_pdfplumber(edges)
    assert edges_to_tables(edges) == expected  # the C helper's steps
    assert _in_python(edges) == expected


def test_the_helper_is_built_and_in_use() -> None:
    assert grid._assemble is not None, "extractors._assemble is not built: run `pip install -e .` again"


@pytest.mark.parametrize("odd", [-0.0, math.nan, math.inf])
def test_an_odd_coordinate_goes_the_python_way(odd: float) -> None:
    edges = _box(0, 0, 50, 40) + _box(50, 0, 100, 40) + [Edge("h", odd, 20, 100, 20)]
    assert edges_to_tables(edges) == _in_python(edges)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_AT, _AT, st.integers(1, 3), st.integers(1, 3)), max_size=12))
def test_tables_are_pdfplumbers_on_random_grids_of_boxes(boxes: list[tuple[float, float, int, int]]) -> None:
    edges = [e for x, y, w, h in boxes for e in rect_to_edges(x, y, x + 20 * w, y + 20 * h)]
    expected = edges_to_tables_pdfplumber(edges)
    assert edges_to_tables(edges) == expected
    assert _in_python(edges) == expected


@pytest.mark.parametrize("path", sorted(p for p in (FORMS.parent).rglob("*.pdf") if p.parent.name != "bad"),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_page_gives_pdfplumbers_tables(path: Path) -> None:
    from extractors.pdf import close_cut_tables
    from extractors.pdfium import pdfium_pages

    with pdfium_pages(path.read_bytes()) as (_count, pages):
        for page in pages:
            edges = close_cut_tables(page.edges)
            expected = edges_to_tables_pdfplumber(edges)
            assert edges_to_tables(edges) == expected
            assert _in_python(edges) == expected


_SIDE = st.sampled_from([0.0, -0.0, 1.0, 2.5, 2.5000000000000004, 7.0, 10.0, 12.75, 30.0, 100.0])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_SIDE, _SIDE, _SIDE, _SIDE), min_size=1, max_size=20))
def test_a_table_from_its_boxes_is_pythons(boxes: list[tuple[float, float, float, float]]) -> None:
    """``_assemble.cells_to_table`` gives the Python steps' table, down to the repr (-0.0 too)."""
    from extractors import grid

    ours = grid.cells_to_table(boxes)
    assert repr(ours) == repr(grid._py_cells_to_table(boxes))
    assert all(type(cell) is grid.GridCell for row in ours.rows for cell in row)


def test_a_table_from_boxes_not_finite_goes_the_python_way() -> None:
    from extractors import grid

    boxes = [(0.0, 0.0, 10.0, 10.0), (10.0, 0.0, math.inf, 10.0)]
    assert repr(grid.cells_to_table(boxes)) == repr(grid._py_cells_to_table(boxes))

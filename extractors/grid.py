"""Ruling lines → intersections → cells → tables: the one grid every page reader builds on.

A text-layer PDF gives its ruling lines as path objects, a scan gives them as lines found
in the image; either way they arrive here as ``Edge``s in PDF points (top-left origin) and
leave as ``GridTable``s whose cells know their row, column and spans. The geometry is
pdfplumber's (``pdfplumber.table``: snap and join edges, intersect them, find the smallest
cell at each corner, group touching cells into tables) — pure functions over plain dicts,
used here without pdfminer, with the same default tolerances as ``page.find_tables()``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    merge_edges,
)

from extractors._typing import BBox

# pdfplumber's TableSettings defaults, so cells come out as find_tables() finds them
SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
EDGE_MIN_LENGTH = 3.0
EDGE_MIN_LENGTH_PREFILTER = 1.0
INTERSECTION_TOLERANCE = 3.0

Orientation = Literal["h", "v"]


@dataclass(frozen=True)
class Edge:
    """One ruling line: horizontal (``top == bottom``) or vertical (``x0 == x1``), in points."""

    orientation: Orientation
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def length(self) -> float:
        return self.x1 - self.x0 if self.orientation == "h" else self.bottom - self.top


@dataclass(frozen=True)
class GridCell:
    """A cell of a ruled table at its top-left grid position; a merged cell spans several."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox


@dataclass(frozen=True)
class GridTable:
    """A ruled table: its box and its cells, row by row, each row left to right."""

    bbox: BBox
    rows: list[list[GridCell]]

    @property
    def cells(self) -> list[GridCell]:
        return [cell for row in self.rows for cell in row]


def rect_to_edges(x0: float, top: float, x1: float, bottom: float) -> list[Edge]:
    """The four sides of a rectangle (a table drawn with ``re`` operators or filled boxes)."""
    return [
        Edge("h", x0, top, x1, top),
        Edge("h", x0, bottom, x1, bottom),
        Edge("v", x0, top, x0, bottom),
        Edge("v", x1, top, x1, bottom),
    ]


def edges_to_tables(edges: Iterable[Edge]) -> list[GridTable]:
    """The ruled tables the edges of one page draw, top to bottom, as pdfplumber finds them."""
    base = [_as_dict(edge) for edge in edges if edge.length >= EDGE_MIN_LENGTH_PREFILTER]
    merged = merge_edges(
        base,
        snap_x_tolerance=SNAP_TOLERANCE,
        snap_y_tolerance=SNAP_TOLERANCE,
        join_x_tolerance=JOIN_TOLERANCE,
        join_y_tolerance=JOIN_TOLERANCE,
    )
    kept = [edge for edge in merged if _length(edge) >= EDGE_MIN_LENGTH]
    intersections = edges_to_intersections(kept, INTERSECTION_TOLERANCE, INTERSECTION_TOLERANCE)
    cells = intersections_to_cells(intersections)
    return [cells_to_table(group) for group in cells_to_tables(cells)]


def intersections_to_cells(intersections: dict[tuple[float, float], dict[str, list[Any]]]) -> list[Any]:
    """pdfplumber's ``intersections_to_cells``, the same cells in the same order, faster.

    pdfplumber rebuilds the edge sets of both points for every pair it tests and scans
    all later points for each; here each point's edge sets are built once and the points
    below and to the right come from per-column and per-row lists.
    """
    points = sorted(intersections)
    vertical = {pt: {_bbox(e) for e in intersections[pt]["v"]} for pt in points}
    horizontal = {pt: {_bbox(e) for e in intersections[pt]["h"]} for pt in points}
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    for pt in points:  # sorted: a column top to bottom, a row left to right
        columns.setdefault(pt[0], []).append(pt)
        rows.setdefault(pt[1], []).append(pt)

    def connects(one: tuple[float, float], other: tuple[float, float]) -> bool:
        return (one[0] == other[0] and not vertical[one].isdisjoint(vertical[other])) or (
            one[1] == other[1] and not horizontal[one].isdisjoint(horizontal[other])
        )

    cells = []
    for pt in points[:-1]:
        column, row = columns[pt[0]], rows[pt[1]]
        below = column[column.index(pt) + 1:]
        right = row[row.index(pt) + 1:]
        found = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                corner = (right_pt[0], below_pt[1])
                if corner in intersections and connects(corner, right_pt) and connects(corner, below_pt):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _bbox(edge: dict[str, Any]) -> tuple[float, float, float, float]:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])


def cells_to_table(boxes: list[Any]) -> GridTable:
    """One table from its cell boxes: rows by distinct top, columns by distinct left edge.

    A merged cell covers every row (column) boundary that starts inside it, which gives its
    span; rows are numbered as pdfplumber's ``Table.rows`` numbers them.
    """
    tops = sorted({float(box[1]) for box in boxes})
    lefts = sorted({float(box[0]) for box in boxes})
    by_row: dict[int, list[GridCell]] = {}
    for box in boxes:
        x0, top, x1, bottom = (float(v) for v in box)
        row, col = tops.index(top), lefts.index(x0)
        cell = GridCell(
            row,
            col,
            max(1, bisect_left(tops, bottom) - row),
            max(1, bisect_left(lefts, x1) - col),
            (x0, top, x1, bottom),
        )
        by_row.setdefault(row, []).append(cell)
    rows = [sorted(by_row[index], key=lambda cell: cell.col) for index in sorted(by_row)]
    bbox = (
        min(float(box[0]) for box in boxes),
        min(float(box[1]) for box in boxes),
        max(float(box[2]) for box in boxes),
        max(float(box[3]) for box in boxes),
    )
    return GridTable(bbox, rows)


def _as_dict(edge: Edge) -> dict[str, Any]:
    return {
        "orientation": edge.orientation,
        "x0": edge.x0,
        "x1": edge.x1,
        "top": edge.top,
        "bottom": edge.bottom,
        "width": edge.x1 - edge.x0,
        "height": edge.bottom - edge.top,
        "object_type": "line",
    }


def _length(edge: dict[str, Any]) -> float:
    return float(edge["x1"] - edge["x0"] if edge["orientation"] == "h" else edge["bottom"] - edge["top"])

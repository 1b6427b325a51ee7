"""Ruling lines → intersections → cells → tables: the one grid every page reader builds on.

A text-layer PDF gives its ruling lines as path objects, a scan gives them as lines found
in the image; either way they arrive here as ``Edge``s in PDF points (top-left origin) and
leave as ``GridTable``s whose cells know their row, column and spans. The geometry is
pdfplumber's (``pdfplumber.table``: snap and join edges, intersect them, find the smallest
cell at each corner, group touching cells into tables), used here without pdfminer, with
the same default tolerances as ``page.find_tables()``: pdfplumber's steps taken in C in one
call (``extractors/_assemble.c``, ``grid``) or, where it is not built, in Python on tuples
(``_py_edges_to_tables``); both held equal to pdfplumber's own functions over dicts
(``edges_to_tables_pdfplumber``, the reference, ~4x the time of the C steps).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any, Literal, NamedTuple

from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    merge_edges,
)
from pdfplumber.utils.clustering import cluster_list

from extractors._native import assemble as _assemble  # the grid's steps in C, or None
from extractors._typing import BBox

# pdfplumber's TableSettings defaults, so cells come out as find_tables() finds them
SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
EDGE_MIN_LENGTH = 3.0
EDGE_MIN_LENGTH_PREFILTER = 1.0
INTERSECTION_TOLERANCE = 3.0

Orientation = Literal["h", "v"]


class Edge(NamedTuple):
    """One ruling line: horizontal (``top == bottom``) or vertical (``x0 == x1``), in points.

    A named tuple, not a dataclass: a page source makes one per ruling line and side of a
    box, and a frozen dataclass costs several times as much to make.
    """

    orientation: Orientation
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def length(self) -> float:
        return self.x1 - self.x0 if self.orientation == "h" else self.bottom - self.top


class GridCell(NamedTuple):
    """A cell of a ruled table at its top-left grid position; a merged cell spans several.

    A named tuple, as ``Edge``: a page's tables make one per cell (~80 a page).
    """

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
    """The ruled tables the edges of one page draw, top to bottom, as pdfplumber finds them.

    pdfplumber's steps (``edges_to_tables_pdfplumber``) in C where the helper is built
    (``_assemble.grid``), else in Python on plain tuples (``_py_edges_to_tables``) instead of
    dicts copied at each move: the same snapping, joining, intersections and cells, the same
    float operations in the same order (``tests/test_grid.py`` holds all three equal).
    """
    horizontals: list[_Box] = []
    verticals: list[_Box] = []
    for edge in edges:
        if edge.length >= EDGE_MIN_LENGTH_PREFILTER:
            (horizontals if edge.orientation == "h" else verticals).append((edge.x0, edge.top, edge.x1, edge.bottom))
    if _assemble is not None:  # the same steps in C (extractors/_assemble.c), in one call
        try:
            groups = _assemble.grid(horizontals, verticals, SNAP_TOLERANCE, JOIN_TOLERANCE, EDGE_MIN_LENGTH,
                                    INTERSECTION_TOLERANCE, sum)
        except ValueError:  # a coordinate not finite, or -0.0: the Python steps below
            pass
        else:
            return [cells_to_table(group) for group in groups]
    return _py_edges_to_tables(horizontals, verticals)


def _py_edges_to_tables(horizontals: list[_Box], verticals: list[_Box]) -> list[GridTable]:
    """``edges_to_tables`` in Python: where ``_assemble`` is not built, and its reference."""
    # pdfplumber's merge_edges: snap verticals by x0 and horizontals by top, then join the
    # edges of each line (horizontal lines first, by top; then vertical ones, by x0)
    horizontals = _join(_snap(horizontals, 1), 1, 0, 2)
    verticals = _join(_snap(verticals, 0), 0, 1, 3)
    vertical, horizontal = _intersections(horizontals, verticals)
    cells = _smallest_cells(vertical, horizontal)
    return [cells_to_table(group) for group in _cells_to_tables(cells)]


def edges_to_tables_pdfplumber(edges: Iterable[Edge]) -> list[GridTable]:
    """``edges_to_tables`` through pdfplumber's own functions over dicts: the reference."""
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


# an edge or a cell box as (x0, top, x1, bottom); a point as (x, y)
_Box = tuple[float, float, float, float]
_Point = tuple[float, float]


def _snap(edges: list[_Box], at: int) -> list[_Box]:
    """pdfplumber's ``snap_objects``: edges whose ``at`` coordinates cluster within the
    tolerance move to the cluster's mean, in cluster order, each cluster in input order."""
    clusters = cluster_list(list({e[at] for e in edges}), SNAP_TOLERANCE)
    cluster_of = {value: index for index, cluster in enumerate(clusters) for value in cluster}
    out: list[_Box] = []
    for _, group in groupby(sorted(edges, key=lambda e: cluster_of[e[at]]), key=lambda e: cluster_of[e[at]]):
        members = list(group)
        mean = sum(e[at] for e in members) / len(members)
        for x0, top, x1, bottom in members:
            if at == 0:  # a vertical moves across: x0 and x1 by the same amount
                shift = mean - x0
                out.append((x0 + shift, top, x1 + shift, bottom))
            else:
                shift = mean - top
                out.append((x0, top + shift, x1, bottom + shift))
    return out


def _join(edges: list[_Box], line: int, low: int, high: int) -> list[_Box]:
    """pdfplumber's ``join_edge_group`` on each line (edges with the same ``line``
    coordinate), lines in order; edges kept at least ``EDGE_MIN_LENGTH`` long. Along the
    line an edge runs from ``low`` to ``high``."""
    kept: list[_Box] = []
    for _, items in groupby(sorted(edges, key=itemgetter(line)), key=itemgetter(line)):
        ordered = sorted(items, key=itemgetter(low))
        joined = [ordered[0]]
        for edge in ordered[1:]:
            last = joined[-1]
            if edge[low] <= last[high] + JOIN_TOLERANCE:
                if edge[high] > last[high]:  # pdfplumber's resize_object: the far end moves
                    joined[-1] = (*last[:high], edge[high], *last[high + 1:])  # type: ignore[assignment]
            else:
                joined.append(edge)
        kept.extend(e for e in joined if float(e[high] - e[low]) >= EDGE_MIN_LENGTH)
    return kept


def _intersections(horizontals: list[_Box], verticals: list[_Box]) -> tuple[
        dict[_Point, set[_Box]], dict[_Point, set[_Box]]]:
    """pdfplumber's ``edges_to_intersections`` as each point's vertical and horizontal edge
    boxes: where a vertical meets a horizontal within the tolerance, at (its x0, their top)."""
    horizontals = sorted(horizontals, key=itemgetter(1, 0))
    tops = [e[1] for e in horizontals]
    vertical: dict[_Point, set[_Box]] = {}
    horizontal: dict[_Point, set[_Box]] = {}
    for v in verticals:
        x, v_top, _, v_bottom = v
        # v.top <= h.top + tol and v.bottom >= h.top - tol: the horizontals by top, a range
        first = bisect_left(tops, v_top - 2 * INTERSECTION_TOLERANCE)
        for h in horizontals[first:]:
            h_top = h[1]
            if h_top - INTERSECTION_TOLERANCE > v_bottom:
                break
            if v_top <= h_top + INTERSECTION_TOLERANCE and v_bottom >= h_top - INTERSECTION_TOLERANCE and (
                h[0] - INTERSECTION_TOLERANCE <= x <= h[2] + INTERSECTION_TOLERANCE
            ):
                point = (x, h_top)
                vertical.setdefault(point, set()).add(v)
                horizontal.setdefault(point, set()).add(h)
    return vertical, horizontal


def _cells_to_tables(cells: list[_Box]) -> list[list[_Box]]:
    """pdfplumber's ``cells_to_tables``: cells sharing a corner, directly or through others,
    are one table; tables of one cell dropped; top-left-most corner first.

    pdfplumber grows each table pass by pass; the tables are the same as the groups found
    here in one pass (union-find), and their order is their top-left corners' (two tables
    cannot share one: they would share a corner).
    """
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[_Point, int] = {}
    for index, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            other = owner.setdefault(corner, index)
            if other != index:
                parent[root(index)] = root(other)
    groups: dict[int, list[_Box]] = {}
    for index, cell in enumerate(cells):
        groups.setdefault(root(index), []).append(cell)
    tables = [group for group in groups.values() if len(group) > 1]
    return sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))


def intersections_to_cells(intersections: dict[tuple[float, float], dict[str, list[Any]]]) -> list[Any]:
    """pdfplumber's ``intersections_to_cells`` over its intersections, the same cells in the
    same order, faster (``_smallest_cells``)."""
    vertical = {pt: {_bbox(e) for e in found["v"]} for pt, found in intersections.items()}
    horizontal = {pt: {_bbox(e) for e in found["h"]} for pt, found in intersections.items()}
    return _smallest_cells(vertical, horizontal)


def _smallest_cells(vertical: dict[_Point, set[_Box]], horizontal: dict[_Point, set[_Box]]) -> list[_Box]:
    """The smallest cell at each point, as pdfplumber's ``intersections_to_cells`` finds it.

    pdfplumber rebuilds the edge sets of both points for every pair it tests and scans
    all later points for each; here each point's edge sets are built once and the points
    below and to the right come from per-column and per-row lists. A point below shares
    only a column with the point, one to the right only a row: each pair is tested on the
    rules of its one shared line, as pdfplumber's ``edge_connects`` ends up testing it.
    """
    points = sorted(vertical)
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    for pt in points:  # sorted: a column top to bottom, a row left to right
        columns.setdefault(pt[0], []).append(pt)
        rows.setdefault(pt[1], []).append(pt)
    # each point's place in its column and in its row
    in_column = {pt: index for line in columns.values() for index, pt in enumerate(line)}
    in_row = {pt: index for line in rows.values() for index, pt in enumerate(line)}

    cells = []
    for pt in points[:-1]:
        x, y = pt
        down, across = vertical[pt], horizontal[pt]
        column, row = columns[x], rows[y]
        below = column[in_column[pt] + 1:]
        right = row[in_row[pt] + 1:]
        found = None
        for below_pt in below:
            if down.isdisjoint(vertical[below_pt]):  # not on a rule down from pt
                continue
            for right_pt in right:
                if across.isdisjoint(horizontal[right_pt]):  # not on a rule across from pt
                    continue
                corner = (right_pt[0], below_pt[1])
                if (corner in vertical and not vertical[corner].isdisjoint(vertical[right_pt])
                        and not horizontal[corner].isdisjoint(horizontal[below_pt])):
                    found = (x, y, corner[0], corner[1])
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
    span; rows are numbered as pdfplumber's ``Table.rows`` numbers them. In one call where
    the C helper is built (``_assemble.cells_to_table``: the same values, orders and ties).
    """
    if _assemble is not None:
        try:
            bbox, rows = _assemble.cells_to_table(boxes, GridCell)
            return GridTable(bbox, rows)
        except ValueError:  # a side not finite: the Python steps below
            pass
    return _py_cells_to_table(boxes)


def _py_cells_to_table(boxes: list[Any]) -> GridTable:
    """``cells_to_table`` in Python: where ``_assemble`` is not built, and its reference."""
    sides = [(float(x0), float(top), float(x1), float(bottom)) for x0, top, x1, bottom in boxes]
    tops = sorted({box[1] for box in sides})
    lefts = sorted({box[0] for box in sides})
    row_of = {top: index for index, top in enumerate(tops)}
    col_of = {left: index for index, left in enumerate(lefts)}
    by_row: dict[int, list[GridCell]] = {}
    for box in sides:
        x0, top, x1, bottom = box
        row, col = row_of[top], col_of[x0]
        cell = GridCell(row, col, max(1, bisect_left(tops, bottom) - row), max(1, bisect_left(lefts, x1) - col), box)
        by_row.setdefault(row, []).append(cell)
    rows = [sorted(by_row[index], key=_COLUMN) for index in sorted(by_row)]
    bbox = (
        min(box[0] for box in sides),
        min(box[1] for box in sides),
        max(box[2] for box in sides),
        max(box[3] for box in sides),
    )
    return GridTable(bbox, rows)


_COLUMN = attrgetter("col")


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

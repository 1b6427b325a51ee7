"""Types of the C helper extractors/_assemble.c (see there)."""

from collections.abc import Callable
from typing import Any

def lines(chars: list[dict[str, Any]], tolerance: float, /) -> list[list[dict[str, Any]]]: ...
def line_pairs(
    line: list[dict[str, Any]], page: int, char_box: type[tuple[Any, ...]], gap: tuple[str, Any], /,
) -> list[tuple[str, Any]]: ...
def assign(
    cells: list[tuple[tuple[float, float, float, float], list[dict[str, Any]]]],
    chars: list[dict[str, Any]], table_box: tuple[float, float, float, float], tolerance: float, /,
) -> list[dict[str, Any]]: ...
def normalise(pairs: list[tuple[str, Any]], /) -> tuple[str, list[Any]]: ...
def cell_text(
    chars: list[dict[str, Any]], tolerance: float, char_box: type[tuple[Any, ...]], gap: tuple[str, Any],
    breaks_before: Callable[[str, str], bool], /,
) -> tuple[str, list[Any]]: ...
def grid(
    horizontals: list[tuple[float, float, float, float]], verticals: list[tuple[float, float, float, float]],
    snap: float, join: float, min_length: float, tolerance: float, sum: Callable[[list[float]], float], /,
) -> list[list[tuple[float, float, float, float]]]: ...
def locate(char_boxes: list[Any], start: int, end: int, /) -> tuple[Any, Any]: ...
def path_edges(
    kinds: bytes, points: bytes, matrix: tuple[float, ...], ctm: tuple[float, ...], left: float, height: float,
    top: float, edge: type[tuple[Any, ...]], /,
) -> tuple[list[Any], list[Any], list[Any]]: ...

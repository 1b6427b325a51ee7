"""Types of the C helper extractors/_pdfium_bulk.c (see there)."""

from typing import Any

def bind(
    count_chars: int, get_unicode: int, is_generated: int, has_unicode_map_error: int,
    get_text_object: int, get_font_size: int, get_loose_char_box: int, get_char_origin: int,
    count_objects: int, get_object: int, object_type: int, object_bounds: int,
    text_object_font: int, object_matrix: int, draw_mode: int, count_segments: int,
    get_segment: int, segment_point: int, segment_type: int, segment_close: int, /,
) -> None: ...
def chars(text_page: int, /) -> tuple[int, bytes, bytes, bytes, bytes]: ...
def objects(page: int, /) -> tuple[bytes, bytes, bytes]: ...
def path(
    path_object: int, /,
) -> tuple[tuple[float, float, float, float, float, float] | None, bool, bytes, bytes]: ...
def paths(
    addresses: Any, parent: tuple[float, float, float, float, float, float], /,
) -> list[tuple[tuple[float, float, float, float, float, float], bytes, bytes]]: ...

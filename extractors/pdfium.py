"""The PDF page source on pypdfium2: every printed character and ruling line of a page.

``pdfium_pages`` opens a PDF with PDFium and yields one ``extractors.pdf.PageContent`` per
page, in the shape the assembly (``extractors.pdf.pages_to_document``) reads: characters
as pdfplumber-shaped dicts (``text``, ``x0``, ``x1``, ``top``, ``bottom`` from the top-left
of the page as displayed, ``size``, ``fontname``, ``page_number``) and ruling lines as
``extractors.grid.Edge``. It gives what pdfplumber gives, at a tenth of the cost:

- characters from ``PdfTextPage`` by index, each read with the raw ``FPDFText_*`` calls
  (``GetUnicode`` per index — ``get_text_range`` offsets drift from character indexes on
  some files); characters PDFium *generated* (the spaces and line breaks it infers) are
  skipped, since pdfminer has no such characters. The calls are made from C, a page in
  one call (``extractors/_pdfium_bulk.c``, built at install where a C compiler is), and
  the coordinates computed a column at a time with NumPy; where the helper is not built
  the same calls go through ctypes one by one, with the same result, at about twice the
  cost. A box is pdfminer's: the advance width across (PDFium's loose box), and from the
  font's descent below the origin to one font size above it down;
- a character whose font has no Unicode map (``FPDFText_HasUnicodeMapError``) is counted
  in ``unmapped`` and left out, as pdfplumber's ``(cid:N)`` characters are;
- ruling lines from the page's path objects (form XObjects walked, their matrices
  applied), each sub-path classified as pdfminer classifies it (a line, a rectangle, or
  a curve whose consecutive points are edges) and turned into edges as pdfplumber's
  ``page.edges`` turns them; a diagonal curve segment is no ruling line and is dropped;
- page rotation and a MediaBox off the origin are applied as pdfminer's page matrix does.

PDFium is not thread-safe, and its objects must close child first (text page, page,
document): every call runs under one process-wide lock, and a document is opened, read
and closed inside ``pdfium_pages``'s context. Worker processes each have their own
library state (the batch forks before any document is opened).

pdfplumber is still used for: the reference page source ``extractors.pdf._pdfplumber_pages``
(kept so ``tests/test_pdfium.py`` can compare the two on every PDF fixture), the grid
geometry in ``extractors.grid`` (pdfplumber's table functions, pure), and page images
for the HTML trace (``pipeline.trace_html``).
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import re
import threading
import zlib
from array import array
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pypdfium2_raw.bindings as _bindings

from extractors._native import assemble as _assemble  # characters, runs, path edges in C, or None
from extractors.errors import CorruptFile, Encrypted
from extractors.grid import Edge, rect_to_edges

Char = Mapping[str, Any]  # a dict, or extractors._assemble.Char, which reads as one
Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]

_LOCK = threading.RLock()
_SIZE_EPSILON = 0.01  # PDFium's kSizeEpsilon: a text object narrower is left out of the text page
_BLANK_GAP = 0.5  # a text object's box past its kept characters by more holds a blank glyph
_SPACE_EM = 0.25  # a blank text object's width, in font sizes (pdfminer has the font's advance)
_FONT_NAME_BUFFER = 256
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_LINETO, _BEZIERTO, _MOVETO = raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_BEZIERTO, raw.FPDF_SEGMENT_MOVETO


@contextmanager
def pdfium_pages(data: bytes) -> Iterator[tuple[int, Iterator[Any]]]:
    """Open a PDF: ``(page count, PageContent per page)``, valid inside the ``with`` block.

    Raises ``Encrypted`` for a password-locked file and ``CorruptFile`` for one PDFium
    cannot open or whose page it cannot load.
    """
    with _LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
                raise Encrypted(
                    "the PDF is locked with a password; remove the password and resubmit"
                ) from None
            raise CorruptFile(f"the PDF is damaged ({_reason(exc)}); resubmit it") from None
        try:
            yield len(pdf), _pages(pdf, declared_descents(data))
        finally:
            pdf.close()


def _reason(exc: BaseException) -> str:
    text = str(exc)
    start, end = text.find("(PDFium: "), text.rfind(")")
    return text[start + 9 : end] if 0 <= start < end else type(exc).__name__


def _pages(pdf: pdfium.PdfDocument, declared: dict[str, float]) -> Iterator[Any]:
    from extractors.pdf import PageContent  # the assembly imports this module lazily

    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pdfium.PdfiumError:
            raise CorruptFile(f"page {index + 1} of the PDF is damaged; resubmit it") from None
        try:
            content = _page_content(page, index + 1, declared, PageContent)
        finally:
            page.close()  # before yielding: no page is left open if the reader stops early
        yield content


def _page_content(page: pdfium.PdfPage, number: int, declared: dict[str, float],
                  make: Any) -> Any:
    view = _PageView(page)
    fonts: dict[int, tuple[str, float]] = {}
    textpage = page.get_textpage()
    try:
        text = _chars(_address(textpage.raw), view, number, fonts, declared)
    finally:
        textpage.close()
    shapes = _Shapes(view)
    shapes.add_page_objects(_address(page.raw), text)
    text.chars.extend(shapes.blank_chars(text, number, fonts, declared))
    return make(number, text.chars, shapes.lines + shapes.rects + shapes.curves, text.unmapped)


class _PageView:
    """PDF user space → pdfplumber's top-left coordinates of the page as displayed."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        left, bottom, right, top = page.get_mediabox()
        x0, x1 = sorted((left, right))
        y0, y1 = sorted((bottom, top))
        rotation = page.get_rotation() % 360
        # pdfminer's page matrix (PDFPageInterpreter.process_page)
        if rotation == 90:
            self.ctm: Matrix = (0, -1, 1, 0, -y0, x1)
        elif rotation == 180:
            self.ctm = (-1, 0, 0, -1, x1, y1)
        elif rotation == 270:
            self.ctm = (0, 1, -1, 0, y1, -x0)
        else:
            self.ctm = (1, 0, 0, 1, -x0, -y0)
        # pdfplumber's MediaBox as displayed (x and y swapped when turned a quarter), whose
        # left and top it adds back to pdfminer's coordinates (its page.process_object)
        box = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        self.height = box[3] - box[1]
        self.left = box[0]
        self.top = self.height - box[3]
        self.upright = rotation == 0 and x0 <= x1 and y0 <= y1
        self.dx = self.ctm[4] + self.left  # upright: x + dx, top = dy - y
        self.dy = self.height - self.ctm[5] + self.top

    def point(self, x: float, y: float) -> Point:
        """A point of PDF user space as (x, top) on the displayed page."""
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e + self.left, self.height - (b * x + d * y + f) + self.top

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        """A box of user space as (x0, top, x1, bottom) on the displayed page."""
        if self.upright:  # the common page: a shift only
            dx, dy = self.dx, self.dy
            return x0 + dx, dy - y1, x1 + dx, dy - y0
        (ax, at), (bx, bt) = self.point(x0, y0), self.point(x1, y1)
        return min(ax, bx), min(at, bt), max(ax, bx), max(at, bt)


class _Run(NamedTuple):
    """What the text page kept of one text object: its characters' extent and baseline."""

    left: float
    right: float
    baseline: float
    size: float


@dataclass
class _Text:
    """The text page's characters, and what the blank-space recovery needs to know."""

    chars: list[Char]
    unmapped: int
    space_em: dict[int, float]  # a font's space advance per point of size, where one was seen
    # the runs as NumPy columns sorted by text object: its address, kept left and right,
    # first baseline and size
    run_objects: Any = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    run_left: Any = field(default_factory=lambda: np.zeros(0))
    run_right: Any = field(default_factory=lambda: np.zeros(0))
    run_baseline: Any = field(default_factory=lambda: np.zeros(0))
    run_size: Any = field(default_factory=lambda: np.zeros(0))

    def run(self, obj: int) -> _Run | None:
        """What the text page kept of the text object at ``obj``; None if nothing (or no object)."""
        objects = self.run_objects
        at = int(np.searchsorted(objects, obj))
        if not obj or at == len(objects) or int(objects[at]) != obj:
            return None
        return _Run(float(self.run_left[at]), float(self.run_right[at]), float(self.run_baseline[at]),
                    float(self.run_size[at]))


def _prototype(name: str, restype: Any, *argtypes: Any) -> Any:
    """A private binding of a PDFium function (pypdfium2's own stay as they are)."""
    function = _bindings._libs["pdfium"][name]  # __getitem__ makes a fresh function object
    function.restype = restype
    if argtypes:
        function.argtypes = argtypes
    return function


# handles as plain integers: a text object's address is its key, with no ctypes.cast
_text_object_font = _prototype("FPDFTextObj_GetFont", ctypes.c_void_p, ctypes.c_void_p)
_font_name = _prototype("FPDFFont_GetBaseFontName", ctypes.c_size_t, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t)
_font_descent = _prototype("FPDFFont_GetDescent", ctypes.c_int, ctypes.c_void_p, ctypes.c_float,
                           ctypes.POINTER(ctypes.c_float))


# The per-character calls, bound without argtypes: ctypes then passes the handle (a
# c_void_p made once per page), the index and the byref'd outputs as they are, at half the
# cost of pypdfium2's checked bindings. The page's characters are a hot loop (~1,200 a page).
_unicode = _prototype("FPDFText_GetUnicode", ctypes.c_uint)
_generated = _prototype("FPDFText_IsGenerated", ctypes.c_int)
_unmapped = _prototype("FPDFText_HasUnicodeMapError", ctypes.c_int)
_char_object = _prototype("FPDFText_GetTextObject", ctypes.c_void_p)
_font_size = _prototype("FPDFText_GetFontSize", ctypes.c_double)
_loose_box = _prototype("FPDFText_GetLooseCharBox", ctypes.c_int)
_origin = _prototype("FPDFText_GetCharOrigin", ctypes.c_int)


# The page-object walk's calls, on plain integer handles (a handle is also a run's key)
_V = ctypes.c_void_p
_page_object = _prototype("FPDFPage_GetObject", _V, _V, ctypes.c_int)
_object_type = _prototype("FPDFPageObj_GetType", ctypes.c_int, _V)
_object_matrix = _prototype("FPDFPageObj_GetMatrix", ctypes.c_int, _V, _V)
_object_bounds = _prototype("FPDFPageObj_GetBounds", ctypes.c_int, _V, _V, _V, _V, _V)
_form_count = _prototype("FPDFFormObj_CountObjects", ctypes.c_int, _V)
_form_object = _prototype("FPDFFormObj_GetObject", _V, _V, ctypes.c_ulong)
_draw_mode = _prototype("FPDFPath_GetDrawMode", ctypes.c_int, _V, _V, _V)
_segment_count = _prototype("FPDFPath_CountSegments", ctypes.c_int, _V)
_segment = _prototype("FPDFPath_GetPathSegment", _V, _V, ctypes.c_int)
_segment_point = _prototype("FPDFPathSegment_GetPoint", ctypes.c_int, _V, _V, _V)
_segment_type = _prototype("FPDFPathSegment_GetType", ctypes.c_int, _V)
_segment_close = _prototype("FPDFPathSegment_GetClose", ctypes.c_int, _V)
_text_font_size = _prototype("FPDFTextObj_GetFontSize", ctypes.c_int, _V, _V)
_count_chars = _prototype("FPDFText_CountChars", ctypes.c_int)
_count_objects = _prototype("FPDFPage_CountObjects", ctypes.c_int, _V)


def _bind_bulk() -> Any:
    """``extractors._pdfium_bulk`` bound to this process's PDFium; None where it is not built."""
    try:
        from extractors import _pdfium_bulk
    except ImportError:
        return None
    library = _bindings._libs["pdfium"]
    _pdfium_bulk.bind(*(ctypes.cast(library[name], ctypes.c_void_p).value or 0 for name in (
        "FPDFText_CountChars", "FPDFText_GetUnicode", "FPDFText_IsGenerated",
        "FPDFText_HasUnicodeMapError", "FPDFText_GetTextObject", "FPDFText_GetFontSize",
        "FPDFText_GetLooseCharBox", "FPDFText_GetCharOrigin", "FPDFPage_CountObjects",
        "FPDFPage_GetObject", "FPDFPageObj_GetType", "FPDFPageObj_GetBounds",
        "FPDFTextObj_GetFont", "FPDFPageObj_GetMatrix", "FPDFPath_GetDrawMode",
        "FPDFPath_CountSegments", "FPDFPath_GetPathSegment", "FPDFPathSegment_GetPoint",
        "FPDFPathSegment_GetType", "FPDFPathSegment_GetClose",
    )))
    return _pdfium_bulk


# the C helper taking a page's characters and objects in one call each (issue 10)
_bulk = _bind_bulk()


def _chars(textpage: int, view: _PageView, number: int,
           fonts: dict[int, tuple[str, float]], declared: dict[str, float]) -> _Text:
    """The page's characters as pdfplumber-shaped dicts, and how many had no Unicode map.

    On an upright page with the C helper built, in one call (``_assemble.page_chars``: the
    characters as Char, read as the dicts). Else the coordinates are computed a column at a
    time (NumPy: the same float64 operations, in the same order, as one character at a
    time), then each character is made.
    """
    unmapped, codes, objects, font_column, values = _char_columns(textpage)
    text = _Text([], unmapped, {})
    if not len(codes):
        return text
    _runs(text, codes, objects, font_column, values)
    if _assemble is not None and view.upright:
        text.chars.extend(_assemble.page_chars(codes, objects, font_column, values,
                                               partial(_font, cache=fonts, declared=declared),
                                               view.dx, view.dy, number))
        return text
    distinct, which = np.unique(font_column, return_inverse=True)
    known = [_font(font, fonts, declared) for font in distinct.tolist()]
    size, left, right, baseline = values[:, 0], values[:, 1], values[:, 2], values[:, 3]
    bottom = baseline + np.array([descent for _, descent in known], dtype=np.float64)[which] * size
    if view.upright:  # view.box: a shift only
        x0, x1 = left + view.dx, right + view.dx
        top, bot = view.dy - (bottom + size), view.dy - bottom
    else:
        boxes = [view.box(*box) for box in zip(left.tolist(), bottom.tolist(), right.tolist(),
                                               (bottom + size).tolist(), strict=True)]
        x0, top, x1, bot = (np.array(column, dtype=np.float64) for column in zip(*boxes, strict=True))
    if _assemble is not None:  # the characters made in C, in one call, as Char (read as the dicts)
        text.chars.extend(_assemble.chars(
            codes, [name for name, _ in known], np.ascontiguousarray(which, dtype=np.int64),
            tuple(np.ascontiguousarray(column, dtype=np.float64) for column in (size, x0, x1, top, bot)),
            number))
    else:
        names = np.array([name for name, _ in known], dtype=object)[which].tolist()
        text.chars.extend([
            {"text": char, "fontname": name, "size": s, "x0": a, "x1": b, "top": c, "bottom": d,
             "page_number": number}
            for char, name, s, a, b, c, d in zip(
                map(chr, codes.tolist()), names, size.tolist(), x0.tolist(), x1.tolist(), top.tolist(),
                bot.tolist(), strict=True)
        ])
    return text


def _runs(text: _Text, codes: Any, objects: Any, font_column: Any, values: Any) -> None:
    """Each text object's kept extent, first baseline and size (``text.run_*`` columns, read
    one object at a time by ``text.run``), and each font's space advance per point where a
    space of it was kept (``text.space_em``). In one call where the C helper is built
    (``_assemble.runs``: the same groups, the same NumPy minimum and maximum)."""
    if _assemble is not None:
        found, left, right, baseline, size, text.space_em = _assemble.runs(codes, objects, font_column, values)
        text.run_objects = np.frombuffer(found, dtype=np.uint64)
        text.run_left, text.run_right, text.run_baseline, text.run_size = (
            np.frombuffer(column, dtype=np.float64) for column in (left, right, baseline, size))
        return
    order = np.argsort(objects, kind="stable")  # each object's characters together, in page order
    grouped = objects[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    firsts = order[starts]
    text.run_objects = grouped[starts]
    text.run_left = np.minimum.reduceat(values[order, 1], starts)
    text.run_right = np.maximum.reduceat(values[order, 2], starts)
    text.run_baseline = values[firsts, 3]
    text.run_size = values[firsts, 0]
    spaces = np.flatnonzero((codes == 0x20) & (objects != 0) & (values[:, 0] > 0))
    for index in spaces.tolist():
        font = int(font_column[index])
        if font not in text.space_em:
            size, left, right = values[index, 0:3].tolist()
            text.space_em[font] = (right - left) / size


def _char_columns(textpage: int) -> tuple[int, Any, Any, Any, Any]:
    """A text page's kept characters as NumPy columns: ``(unmapped, codes, objects, fonts, values)``.

    Kept are the characters pdfminer would have: not generated by PDFium (its inferred
    spaces and line breaks), with a Unicode map (those without are counted in
    ``unmapped``), and not a null, line break or U+FFFE. Per character: its code (uint32),
    its text object's address and that object's font (uint64, 0 for none), and a row of
    ``values`` (float64): its text object's font size, the loose box's left and right,
    the origin's y.
    """
    if _bulk is not None:
        unmapped, codes, objects, fonts, numbers = _bulk.chars(textpage)
    else:
        unmapped, codes, objects, fonts, numbers = _char_columns_ctypes(textpage)
    return (unmapped, np.frombuffer(codes, dtype=np.uint32), np.frombuffer(objects, dtype=np.uint64),
            np.frombuffer(fonts, dtype=np.uint64), np.frombuffer(numbers, dtype=np.float64).reshape(-1, 4))


def _char_columns_ctypes(textpage: int) -> tuple[int, bytes, bytes, bytes, bytes]:
    """``_pdfium_bulk.chars`` through ctypes, call by call: where it is not built."""
    handle = ctypes.c_void_p(textpage)
    rect = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect_ref, ox_ref, oy_ref = ctypes.byref(rect), ctypes.byref(ox), ctypes.byref(oy)
    unicode, generated, unmapped, char_object = _unicode, _generated, _unmapped, _char_object
    loose_box, origin = _loose_box, _origin
    lost = 0
    codes: list[int] = []
    objects: list[int] = []
    fonts: list[int] = []
    numbers: list[float] = []
    started, last_object, size, font = False, None, 0.0, 0
    for index in range(_count_chars(handle)):
        code = unicode(handle, index)
        # PDFium generates only spaces and line breaks
        if code in (0x20, 0x0D, 0x0A) and generated(handle, index):
            continue
        if unmapped(handle, index):
            lost += 1
            continue
        if code in (0, 0x0D, 0x0A, 0xFFFE):
            continue
        textobj = char_object(handle, index) or 0
        if not started or textobj != last_object or not textobj:
            # a character's size is its text object's (CPDF_TextPage::GetCharFontSize)
            started, last_object = True, textobj
            size = _font_size(handle, index)
            font = (_text_object_font(textobj) or 0) if textobj else 0
        loose_box(handle, index, rect_ref)
        origin(handle, index, ox_ref, oy_ref)
        codes.append(code)
        objects.append(textobj)
        fonts.append(font)
        numbers.extend((size, rect.left, rect.right, oy.value))
    return (lost, array("I", codes).tobytes(), array("Q", objects).tobytes(), array("Q", fonts).tobytes(),
            array("d", numbers).tobytes())


def _page_objects(page: int) -> tuple[Any, Any, Any]:
    """The page's top-level objects as NumPy columns: ``(types, addresses, bounds)``.

    ``types`` each one's FPDF_PAGEOBJ_* (int32), ``addresses`` its address (uint64), an
    object PDFium could not give having type -1 and address 0; ``bounds`` four float64 per
    object (left, bottom, right, top in user space) for a text object whose bounds PDFium
    gave, NaN otherwise.
    """
    if _bulk is not None:
        types, addresses, numbers = _bulk.objects(page)
    else:
        entries = [_object_entry(_page_object(page, index)) for index in range(_count_objects(page))]
        types = array("i", [kind for kind, _, _ in entries]).tobytes()
        addresses = array("Q", [obj for _, obj, _ in entries]).tobytes()
        numbers = array("d", [v for _, _, box in entries for v in (box or (math.nan,) * 4)]).tobytes()
    return (np.frombuffer(types, dtype=np.int32), np.frombuffer(addresses, dtype=np.uint64),
            np.frombuffer(numbers, dtype=np.float64).reshape(-1, 4))


def _object_entry(obj: int | None) -> tuple[int, int, tuple[float, float, float, float] | None]:
    """``(type, address, bounds)`` of one object through ctypes, as ``_page_objects`` gives it."""
    if not obj:
        return -1, 0, None
    kind = _object_type(obj)
    if kind != raw.FPDF_PAGEOBJ_TEXT:
        return kind, obj, None
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not _object_bounds(obj, *(ctypes.byref(value) for value in (left, bottom, right, top))):
        return kind, obj, None
    return kind, obj, (left.value, bottom.value, right.value, top.value)


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0 if handle else 0


def _font(font: int | None, cache: dict[int, tuple[str, float]],
          declared: dict[str, float]) -> tuple[str, float]:
    """A font's name (no subset prefix, as PDFium gives it) and descent per point of size.

    pdfminer takes the descent the font descriptor declares (0 when it declares 0);
    PDFium measures the glyphs instead when a descriptor declares neither ascent nor
    descent, so a declared descent, when the file shows one, wins.
    """
    key = font or 0
    known = cache.get(key)
    if known is not None:
        return known
    name = ""
    if font:
        buffer = ctypes.create_string_buffer(_FONT_NAME_BUFFER)
        length = _font_name(font, buffer, _FONT_NAME_BUFFER)
        name = buffer.raw[: max(0, min(length, _FONT_NAME_BUFFER) - 1)].decode("utf-8", "replace")
    per_point = declared.get(name)
    if per_point is None:
        descent = ctypes.c_float()
        per_point = descent.value if font and _font_descent(font, 1.0, ctypes.byref(descent)) else 0.0
    cache[key] = (name, per_point)
    return name, per_point


# where a font descriptor dictionary says what it is; its dictionary is the innermost
# ``<< … >>`` around that (hex strings allowed inside, no dictionary nested in it)
_DESCRIPTOR_TYPE = re.compile(rb"/Type\s*/FontDescriptor")
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/\[\]<>()]+)")
_DESCENT = re.compile(rb"/Descent\s+([-+]?(?:\d+\.?\d*|\.\d+))(?![\d.])(?!\s+\d+\s+R)")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b[^>]*>>\s*stream\r?\n")


def declared_descents(data: bytes) -> dict[str, float]:
    """Each font's declared descent per point (``/Descent`` / 1000, negative), by font name.

    The descriptors are read straight from the file's bytes, and from its compressed
    object streams; the font name is without its subset prefix, as PDFium names it. A
    font whose descriptor is not found here keeps PDFium's descent.
    """
    chunks = [data]
    if b"/ObjStm" in data:
        for match in _OBJECT_STREAM.finditer(data):
            with contextlib.suppress(zlib.error):
                chunks.append(zlib.decompressobj().decompress(data[match.end():match.end() + (1 << 22)]))
    found: dict[str, float] = {}
    for chunk in chunks:
        for body in _descriptor_bodies(chunk):
            name, descent = _FONT_NAME.search(body), _DESCENT.search(body)
            if name is None or (descent is None and b"/Descent" in body):
                continue  # no name, or a descent given by reference: PDFium's stands
            value = float(descent.group(1)) if descent else 0.0
            key = _SUBSET.sub(b"", name.group(1)).decode("latin-1")
            found.setdefault(key, -abs(value) / 1000)
    return found


def _descriptor_bodies(chunk: bytes) -> Iterator[bytes]:
    """The inside of each font descriptor dictionary of ``chunk``, in file order.

    Found from its ``/Type /FontDescriptor`` out to the nearest ``<<`` before and ``>>``
    after, so the file is scanned once for a literal rather than matched from every ``<<``.
    """
    end = 0
    for match in _DESCRIPTOR_TYPE.finditer(chunk):
        if match.start() < end:
            continue
        start = chunk.rfind(b"<<", end, match.start())
        close = chunk.find(b">>", match.end())
        if start < 0 or close < 0:
            continue
        yield chunk[start + 2 : close]
        end = close + 2


_SUBSET = re.compile(rb"^[A-Z]{6}\+")


class _Shapes:
    """One walk over a page's objects: its ruling lines (pdfplumber's line, rect and curve
    edges) and the blank text objects PDFium's text page leaves out.

    PDFium skips a text object whose box has no width — a run of spaces in a font of its
    own, as LibreOffice and reportlab write a line's trailing space — where pdfminer gives
    each space a character; ``blank_chars`` gives one space for each.
    """

    def __init__(self, view: _PageView) -> None:
        self.view = view
        self.lines: list[Edge] = []
        self.rects: list[Edge] = []
        self.curves: list[Edge] = []
        # a text object, the matrix of the form it is drawn in, and its bounds (None: PDFium
        # gave none)
        self.texts: list[tuple[int, Matrix, tuple[float, float, float, float] | None]] = []
        self._matrix = raw.FS_MATRIX()

    def add_page_objects(self, page: int, text: _Text) -> None:
        """The page's objects: its text objects kept, its paths and forms walked.

        A text object is kept only where ``blank_chars`` has something to look at: not the
        common one, whose bounds PDFium gave and whose kept characters (``text``) reach both
        ends of them — the same test as there, taken for all top-level objects at once.
        """
        kinds, addresses, bounds = _page_objects(page)
        text_kind = raw.FPDF_PAGEOBJ_TEXT
        left, right = bounds[:, 0], bounds[:, 2]
        look = (kinds == raw.FPDF_PAGEOBJ_PATH) | (kinds == raw.FPDF_PAGEOBJ_FORM)
        texts = (kinds == text_kind) & ~np.isnan(left)  # no bounds: nothing for blank_chars
        if len(text.run_objects):
            at = np.minimum(np.searchsorted(text.run_objects, addresses), len(text.run_objects) - 1)
            texts &= ~((text.run_objects[at] == addresses) & ~(left < text.run_left[at] - _BLANK_GAP)
                       & ~(right > text.run_right[at] + _BLANK_GAP))
        selected = np.flatnonzero(look | texts)
        if _bulk is not None and not (kinds[selected] == raw.FPDF_PAGEOBJ_FORM).any():
            # no form on the page (the common one): its paths in one call, then its texts
            paths = _bulk.paths(addresses[selected[kinds[selected] == raw.FPDF_PAGEOBJ_PATH]], _IDENTITY)
            if _assemble is not None:  # and their edges in one call
                view = self.view
                lines, rects, curves = _assemble.paths_edges(paths, view.ctm, view.left, view.height, view.top, Edge)
                self.lines += lines
                self.rects += rects
                self.curves += curves
            else:
                for matrix, path_kinds, points in paths:
                    self.add_path(path_kinds, points, matrix)
            selected = selected[kinds[selected] == text_kind]
        for index in selected.tolist():
            kind, obj = int(kinds[index]), int(addresses[index])
            if kind == text_kind:
                self.texts.append((obj, _IDENTITY, tuple(bounds[index].tolist())))
            else:
                self.walk(obj, _IDENTITY, kind)

    def walk(self, obj: int | None, parent: Matrix, kind: int | None = None) -> None:
        """One object (of type ``kind``, asked of PDFium when not given) under ``parent``."""
        if not obj:
            return  # PDFium could not give the object
        if kind is None:
            kind = _object_type(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            self.texts.append((obj, parent, _object_entry(obj)[2]))
            return
        if kind == raw.FPDF_PAGEOBJ_FORM:
            matrix = self._matrix
            own = (_IDENTITY if not _object_matrix(obj, ctypes.byref(matrix))
                   else (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f))
            combined = _multiply(own, parent)
            for index in range(_form_count(obj)):
                self.walk(_form_object(obj, index), combined)
            return
        if kind != raw.FPDF_PAGEOBJ_PATH:
            return
        own_matrix, painted, kinds, points = _path(obj)
        combined = _multiply(_IDENTITY if own_matrix is None else own_matrix, parent)
        if painted:
            self.add_path(kinds, points, combined)

    def add_path(self, kinds: bytes, points: bytes, matrix: Matrix) -> None:
        """A painted path's edges: its sub-paths in pdfminer's letters, then pdfplumber's
        edges of each (``_subpaths``, ``_classify``), in C where the helper is built."""
        if _assemble is not None:
            view = self.view
            lines, rects, curves = _assemble.path_edges(kinds, points, matrix, view.ctm, view.left, view.height,
                                                        view.top, Edge)
            self.lines += lines
            self.rects += rects
            self.curves += curves
            return
        for shape, shape_points in _subpaths(kinds, points, matrix, self.view):
            _classify(shape, shape_points, self.lines, self.rects, self.curves)

    def blank_chars(self, text: _Text, number: int, fonts: dict[int, tuple[str, float]],
                    declared: dict[str, float]) -> list[Char]:
        """Spaces pdfminer has and PDFium's text page leaves out, one per place.

        PDFium skips a text object with no width (a run of spaces in a font of its own) and
        deletes a space that follows a space on its line (a line's trailing space, where
        the next run starts with one too). A blank glyph's box is its origin, so such a
        space shows as a text object with nothing kept, or whose box reaches past the
        characters kept from it.
        """
        chars: list[Char] = []
        size = ctypes.c_float()
        for obj, parent, bounds in self.texts:
            if bounds is None:
                continue
            left, bottom, right, _top = bounds
            run = text.run(obj)
            if (run is not None and parent is _IDENTITY and not left < run.left - _BLANK_GAP
                    and not right > run.right + _BLANK_GAP):
                continue  # the common object, all kept: under no matrix, none of the tests below hold
            (x0, y0), (x1, _) = _apply(parent, left, bottom), _apply(parent, right, bottom)
            places: list[tuple[float, float]] = []
            if run is None:
                if abs(x1 - x0) < _SIZE_EPSILON and _text_font_size(obj, ctypes.byref(size)):
                    places.append((x0, y0))
                run_size = size.value
            else:
                run_size = run.size
                if x0 < run.left - _BLANK_GAP:
                    places.append((x0, run.baseline))
                if x1 > run.right + _BLANK_GAP:
                    places.append((x1, run.baseline))
            if not places or run_size <= 0:
                continue
            font = _text_object_font(obj)
            fontname, descent = _font(font, fonts, declared)
            width = text.space_em.get(font or 0, _SPACE_EM) * run_size
            for x, baseline in places:
                low = baseline + descent * run_size
                bx0, box_top, bx1, box_bottom = self.view.box(x, low, x + width, low + run_size)
                chars.append({
                    "text": " ", "fontname": fontname, "size": run_size, "x0": bx0, "x1": bx1,
                    "top": box_top, "bottom": box_bottom, "page_number": number,
                })
        return chars


def _path(obj: int) -> tuple[Matrix | None, bool, bytes, bytes]:
    """A path object's matrix (None: PDFium gave none), whether it is painted, and its
    segments: ``kinds`` (int32 type, int32 closes) and ``points`` (float32 x, y) each.

    From the C helper in one call where it is built (``_pdfium_bulk.path``); else
    ``_path_ctypes``, the same calls one by one.
    """
    if _bulk is not None:
        result: tuple[Matrix | None, bool, bytes, bytes] = _bulk.path(obj)
        return result
    return _path_ctypes(obj)


def _path_ctypes(obj: int) -> tuple[Matrix | None, bool, bytes, bytes]:
    """``_pdfium_bulk.path`` through ctypes, call by call: where it is not built."""
    matrix = raw.FS_MATRIX()
    own = (None if not _object_matrix(obj, ctypes.byref(matrix))
           else (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    painted = not _draw_mode(obj, ctypes.byref(fill), ctypes.byref(stroke)) or bool(fill.value) or bool(
        stroke.value)
    kinds: list[int] = []
    points: list[float] = []
    x, y = ctypes.c_float(), ctypes.c_float()  # a point PDFium cannot give keeps the one before
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    for index in range(_segment_count(obj) if painted else 0):
        segment = _segment(obj, index)
        _segment_point(segment, x_ref, y_ref)
        kinds.extend((_segment_type(segment), _segment_close(segment)))
        points.extend((x.value, y.value))
    return own, painted, array("i", kinds).tobytes(), array("f", points).tobytes()


def _subpaths(kinds: bytes, points: bytes, matrix: Matrix, view: _PageView) -> Iterator[tuple[str, list[Point]]]:
    """The path's sub-paths in pdfminer's letters (m, l, c, h) with their end points."""
    shape: list[str] = []
    path_points: list[Point] = []
    bezier = 0
    kind_close = memoryview(kinds).cast("i").tolist()
    xy = memoryview(points).cast("f").tolist()
    for index in range(0, len(kind_close), 2):
        kind, closes = kind_close[index], kind_close[index + 1]
        px, py = _apply(matrix, xy[index], xy[index + 1])
        point = view.point(px, py)
        if kind == _MOVETO:
            if shape:
                yield "".join(shape), path_points
            shape, path_points, bezier = ["m"], [point], 0
            continue
        if not shape:  # a path must begin with a move; pdfminer ignores one that does not
            shape, path_points = ["m"], [point]
            continue
        if kind == _BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # the two control points; a curve is known by its end point
            shape.append("c")
        else:
            shape.append("l")
        path_points.append(point)
        if closes:
            # PDFium closes a sub-path on its last point, adding a line back to the start
            # when needed; pdfminer keeps ``h`` and drops a redundant line before it
            if shape[-1] == "l" and _same(path_points[-1], path_points[0]):
                shape[-1] = "h"
                path_points[-1] = path_points[0]
            else:
                shape.append("h")
                path_points.append(path_points[0])
    if shape:
        yield "".join(shape), path_points


def _classify(shape: str, points: list[Point],
              lines: list[Edge], rects: list[Edge], curves: list[Edge]) -> None:
    """pdfminer's ``paint_path``: one line, one rectangle, or a curve; then pdfplumber's edges."""
    if shape in ("ml", "mlh"):
        (ax, at), (bx, bt) = points[0], points[1]
        top, bottom = min(at, bt), max(at, bt)
        lines.append(Edge("h" if top == bottom else "v", min(ax, bx), top, max(ax, bx), bottom))
        return
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), last = points[:5]
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if _same(points[0], last) and square:
            xs, tops = (x0, x2), (y0, y2)
            rects.extend(rect_to_edges(min(xs), min(tops), max(xs), max(tops)))
            return
    for (ax, at), (bx, bt) in zip(points, points[1:], strict=False):
        if ax == bx:
            curves.append(Edge("v", ax, min(at, bt), bx, max(at, bt)))
        elif at == bt:
            curves.append(Edge("h", min(ax, bx), at, max(ax, bx), bt))


def _same(one: Point, other: Point) -> bool:
    return math.isclose(one[0], other[0], abs_tol=1e-6) and math.isclose(one[1], other[1], abs_tol=1e-6)


def _apply(m: Matrix, x: float, y: float) -> Point:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _multiply(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying ``first``, then ``then`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = then
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)

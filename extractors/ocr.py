"""Scanned pages: a page image in, the same ``PageContent`` a text layer gives out.

Each page image goes through small named steps — the red seal separated out by colour
(``image_to_gray``), the skew measured and undone (``gray_to_deskewed``), ruling lines
found by morphology on the binarised page (``binary_to_edges``), text lines recognised
by RapidOCR and split into characters (``lines_to_chars``), yes/no boxes read by their
shape (``marks``) — so that ``extractors.pdf.pages_to_document`` builds cells from it
exactly as it does from a text layer. Boxes are in PDF points: the assembly works in the
deskewed frame (where ruling lines are straight), while each character also carries its
``page_bbox`` on the page as scanned, which is what an auditor sees.

RapidOCR's wheel ships the PP-OCR detection and recognition models; the engine is built
from those files only, so nothing is fetched at run time.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from extractors._typing import BBox
from extractors.document import Document, Source
from extractors.errors import CorruptFile, Timeout
from extractors.grid import Edge, edges_to_tables
from extractors.marks import ocr_marks
from extractors.pdf import Char, PageContent

OCR_DPI = 200
# One page may take this long to recognise (seconds): half the batch's default per-file limit
# (60 s), so a stuck page is named as such before its file's limit ends the whole reading.
PAGE_SECONDS = 30.0
# A page scanned at an unknown resolution is taken to be A4 wide.
A4_WIDTH_PT = 595.0
# Recognised lines below this score are noise (dust, seal fragments), not text.
MIN_LINE_SCORE = 0.5
# the detector looks at the page at most this many pixels high (lines are then cut from the full page)
DET_SIDE = 1600
# red this far above green and blue is the seal's ink; gray this light is paper
SEAL_REDNESS = 40
# darker than this in luma is print, whatever colour JPEG smeared onto it (a seal is ~100)
PRINT_LUMA = 90
PAPER_LEVEL = 215
# a year in brackets that one side shows as 〔 or 〕: a document number
_DOC_YEAR = re.compile(r"[〔（(](?:19|20)\d{2}[〕)）](?=\d{1,4}号)")
# a ruling line this short of a crossing line (points) is taken to meet it
GAP_REACH = 30.0
MEETS = 3.0  # extractors.grid's intersection tolerance: this close, lines already meet
# a "line" that is only dashes or bars is a piece of ruling line, read as text
_RULE_TEXT = re.compile(r"^[\s一—_\-|丨｜]+$")
MODEL_FILES = {
    "Det.model_path": "PP-OCRv6_det_small.onnx",
    "Rec.model_path": "PP-OCRv6_rec_small.onnx",
}


@dataclass
class PageImage:
    """One page as scanned: RGB pixels and how many pixels make one PDF point."""

    number: int
    rgb: np.ndarray
    scale: float


@dataclass
class OcrLine:
    """One recognised text line: its text and, per non-blank character, box and confidence.

    Boxes are ``(x0, top, x1, bottom)`` in pixels of the deskewed page.
    """

    text: str
    score: float
    box: BBox
    char_boxes: list[tuple[str, float, BBox]]


class PageTooSlow(Exception):
    """Raised inside recognition when a page passes its time limit."""


@dataclass
class _Limit:
    expired: bool = False


def image_file_pages(data: bytes) -> Iterator[PageImage]:
    """The frames of a scanned image file (JPEG, PNG, multi-page TIFF) as page images."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
        for index in range(frames):
            image.seek(index)
            rgb = np.ascontiguousarray(np.asarray(image.convert("RGB")))
            dpi = image.info.get("dpi")
            width = rgb.shape[1]
            scale = float(dpi[0]) / 72 if dpi and dpi[0] and dpi[0] > 1 else width / A4_WIDTH_PT
            yield PageImage(index + 1, rgb, scale)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptFile(f"the image is damaged ({type(exc).__name__}); scan it again") from None


def render_pdf_page(page: Any, number: int, dpi: int = OCR_DPI) -> PageImage:
    """A pypdfium2 page rendered to RGB at ``dpi``."""
    scale = dpi / 72
    bitmap = page.render(scale=scale, rev_byteorder=True)
    rgb = np.ascontiguousarray(bitmap.to_numpy()[:, :, :3])
    return PageImage(number, rgb, scale)


def page_seconds() -> float:
    """The per-page OCR time limit: ``JIXIAO_OCR_PAGE_SECONDS`` if set, else ``PAGE_SECONDS``."""
    try:
        return float(os.environ.get("JIXIAO_OCR_PAGE_SECONDS", PAGE_SECONDS))
    except ValueError:
        return PAGE_SECONDS


def page_image_to_content(image: PageImage, *, seconds: float | None = None) -> PageContent:
    """OCR one page image into characters and ruling lines, in points; raises Timeout past ``seconds``.

    ``seconds`` defaults to ``page_seconds()``.
    """
    started = time.monotonic()
    seconds = page_seconds() if seconds is None else seconds
    gray = image_to_gray(image.rgb)
    deskewed, to_page = gray_to_deskewed(gray)
    seal = _turned_like(rgb_to_seal(image.rgb), to_page)
    binary = gray_to_binary(deskewed)
    h_mask, v_mask = binary_to_line_masks(binary)
    edges = close_gaps(masks_to_edges(h_mask, v_mask, image.scale), seal, image.scale)
    # the ruling lines stay in what the detector sees: they keep the text of neighbouring
    # cells apart (without them a mark and the next cell's label become one line)
    lines_mask = cv2.dilate(cv2.bitwise_or(h_mask, v_mask), np.ones((3, 3), np.uint8))
    ink = cv2.bitwise_and(binary, cv2.bitwise_not(lines_mask))
    limit = _Limit()
    try:
        with _time_limit(seconds, limit):
            lines = recognise_lines(deskewed)
            lines = split_at_rules(lines, deskewed, edges, image.scale)
            lines = [line for line in lines if not _RULE_TEXT.match(line.text)]
            lines = punctuation_at_ends(lines, deskewed, ink)
    except Exception:
        # the alarm can land inside onnxruntime, which hands it back as its own error
        if limit.expired:
            raise Timeout(
                f"page {image.number} took longer than the {seconds:g} s limit per page to OCR"
            ) from None
        raise
    lines = [_tightened(line, ink) for line in ocr_marks(lines, ink)]
    chars = lines_to_chars(lines, image.number, image.scale, to_page)
    return PageContent(image.number, chars, edges, ocr_seconds=time.monotonic() - started)


def image_to_gray(rgb: np.ndarray) -> np.ndarray:
    """The page's gray with the red seal taken out, paper white and print black.

    The red channel shows black print as black and red ink as nearly paper. JPEG keeps
    colour at half resolution, so red bleeds onto the print it covers and lifts its red
    channel; print is still what is dark in brightness (luma), which a red seal is not.
    So: luma where it is dark, the red channel elsewhere; what is still clearly red there
    is seal and becomes paper; levels are stretched so the seal's faint remains fade out.
    """
    red = rgb[:, :, 0].astype(np.float32)
    green, blue = rgb[:, :, 1].astype(np.float32), rgb[:, :, 2].astype(np.float32)
    luma = 0.299 * red + 0.587 * green + 0.114 * blue
    print_ink = luma < PRINT_LUMA
    gray = np.where(print_ink, np.minimum(red, luma), red)
    gray[~print_ink & ((red - np.maximum(green, blue)) > SEAL_REDNESS)] = 255
    paper = max(64.0, float(np.percentile(red[::8, ::8], 90)))
    gray = np.clip(gray * (255.0 / paper), 0, 255)
    gray[gray > PAPER_LEVEL] = 255
    return gray.astype(np.uint8)


def rgb_to_seal(rgb: np.ndarray) -> np.ndarray:
    """Where the page is red ink (255), widened a little: the places a seal may hide print."""
    red = rgb[:, :, 0].astype(np.int16)
    other = np.maximum(rgb[:, :, 1], rgb[:, :, 2]).astype(np.int16)
    mask = ((red - other) > SEAL_REDNESS).astype(np.uint8) * 255
    return cv2.dilate(mask, np.ones((7, 7), np.uint8))


def _turned_like(mask: np.ndarray, to_page: np.ndarray) -> np.ndarray:
    """A mask of the scanned page moved into the deskewed frame (the inverse of ``to_page``)."""
    h, w = mask.shape
    return cv2.warpAffine(mask, cv2.invertAffineTransform(to_page), (w, h), flags=cv2.INTER_NEAREST)


def gray_to_deskewed(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page turned straight, and the 2x3 matrix taking its pixels back to the scan's."""
    angle = skew_angle(gray)
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    if abs(angle) < 0.02:
        return gray, cv2.invertAffineTransform(matrix)
    straight = cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return straight, cv2.invertAffineTransform(matrix)


def skew_angle(gray: np.ndarray, limit: float = 3.0) -> float:
    """The angle (degrees, counter-clockwise) that makes the page's rows of ink horizontal.

    Projection profile: the rotation whose row sums of ink vary the most lines ruling lines
    and text lines up with the pixel rows; searched coarse, then fine, on a reduced page.
    """
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    h, w = ink.shape

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        turned = cv2.warpAffine(ink, matrix, (w, h), flags=cv2.INTER_LINEAR)
        return float(np.var(turned.sum(axis=1)))

    best = max(np.arange(-limit, limit + 1e-9, 0.25), key=sharpness)
    return float(max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness))


def gray_to_binary(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0 (Otsu's threshold): what line finding and mark reading look at."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def binary_to_line_masks(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling lines: ink runs far longer than any stroke of a character."""
    h, w = binary.shape
    unit = w / A4_WIDTH_PT  # pixels per point, near enough for kernel sizes
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (max(10, int(18 * unit)), 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(10, int(14 * unit)))))
    # a line broken by noise or JPEG is one line again (well under a row's height: rows stay apart)
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(6 * unit)), 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(6 * unit)))))
    return horizontal, vertical | _short_rules(binary, horizontal, vertical, unit)


def _short_rules(binary: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray, unit: float) -> np.ndarray:
    """Vertical rules of rows too short for the vertical kernel, kept when they join two lines.

    A one-line row of small print is ~11 pt high, shorter than strokes the vertical kernel
    must ignore. A rule there runs from a horizontal line to the next and stands in a column
    of the table: in line with a longer rule elsewhere, or with another such short rule in
    another row (a column of short rows only); a stroke of a character does neither.
    """
    columns = np.where(vertical.any(axis=0))[0]
    found = np.zeros_like(binary)
    short = cv2.morphologyEx(binary, cv2.MORPH_OPEN,
                             cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(5, int(6 * unit)))))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(short, connectivity=8)
    reach = max(2, int(0.8 * unit))
    joining: list[tuple[int, float, int, int, bool]] = []  # label, middle, top, bottom, clear beside
    for index in range(1, count):
        x, y, w, h, _area = stats[index]
        if w > 4 * unit or h < 4 * w:
            continue
        # a rule may run a little past the line it meets (a blurred junction)
        inside = max(reach, int(0.15 * h))
        above = horizontal[max(0, y - reach):y + inside, x:x + w]
        below = horizontal[max(0, y + h - inside):y + h + reach, x:x + w]
        if above.any() and below.any():
            joining.append((index, x + w / 2, y, y + h, _clear_beside(binary, x, y, w, h)))
    for index, middle, top, bottom, clear in joining:
        in_column = clear and columns.size and np.abs(columns - middle).min() <= 2
        # a column of short rows only: the same rule in another row, cell padding beside both
        in_line = clear and any(
            other_clear and abs(other - middle) <= 2 and (other_top >= bottom or other_bottom <= top)
            for other_index, other, other_top, other_bottom, other_clear in joining if other_index != index
        )
        if in_column or in_line:
            found[labels == index] = 255
    return found


def _clear_beside(binary: np.ndarray, x: int, y: int, w: int, h: int) -> bool:
    """Blank paper on both sides of a vertical stroke along its middle: a rule between two
    cells' padding, not the stroke of a character (whose own ink stands close beside it)."""
    top, bottom = y + h // 5, y + h - h // 5
    left = binary[top:bottom, max(0, x - 4):max(0, x - 1)]
    right = binary[top:bottom, x + w + 1:x + w + 4]
    return bool(left.size and right.size) and float((left > 0).mean()) <= 0.1 and float((right > 0).mean()) <= 0.1


def masks_to_edges(horizontal: np.ndarray, vertical: np.ndarray, scale: float) -> list[Edge]:
    """Each line of the masks as an ``Edge`` in points, through the middle of its thickness."""
    edges: list[Edge] = []
    for mask, orientation in ((horizontal, "h"), (vertical, "v")):
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            if orientation == "h" and w > 4 * h:
                middle = (y + h / 2) / scale
                edges.append(Edge("h", x / scale, middle, (x + w) / scale, middle))
            elif orientation == "v" and h > 4 * w:
                middle = (x + w / 2) / scale
                edges.append(Edge("v", middle, y / scale, middle, (y + h) / scale))
    return edges


def close_gaps(edges: list[Edge], seal: np.ndarray, scale: float, reach: float = GAP_REACH) -> list[Edge]:
    """Ruling lines the seal cut, drawn whole again: pieces joined, ends drawn on to their line.

    Where the seal's ink crossed a ruling line, the line's pixels went with the seal. Only
    gaps under the seal (``seal``: red ink, deskewed pixels) are closed: elsewhere a gap is
    the table's own (the lines of two rows a short row apart must stay apart).
    """
    def under_seal(orientation: str, at: float, start: float, end: float) -> bool:
        """Whether red ink lies on the gap from ``start`` to ``end`` of a line at ``at``."""
        a, s0, s1 = int(at * scale), max(0, int(start * scale)), int(end * scale) + 1
        strip = seal[s0:s1, max(0, a - 2):a + 3] if orientation == "v" else seal[max(0, a - 2):a + 3, s0:s1]
        return bool(strip.size) and bool(strip.any())

    horizontal = _join_collinear([e for e in edges if e.orientation == "h"], reach, under_seal)
    vertical = _join_collinear([e for e in edges if e.orientation == "v"], reach, under_seal)

    def gap_under_seal(x: float, start: float, end: float, edge: Edge) -> bool:
        return under_seal(edge.orientation, x, start, end)

    def extend(edge: Edge, across: list[Edge]) -> Edge:
        if edge.orientation == "v":
            x, start, end = edge.x0, edge.top, edge.bottom
            spans = [e.top for e in across if e.x0 - 2 <= x <= e.x1 + 2]
        else:
            x, start, end = edge.top, edge.x0, edge.x1
            spans = [e.x0 for e in across if e.top - 2 <= x <= e.bottom + 2]
        before = [p for p in spans if start - reach <= p < start]
        after = [p for p in spans if end < p <= end + reach]
        if before and not any(abs(p - start) <= MEETS for p in spans) and gap_under_seal(x, max(before), start, edge):
            start = max(before)
        if after and not any(abs(p - end) <= MEETS for p in spans) and gap_under_seal(x, end, min(after), edge):
            end = min(after)
        if edge.orientation == "v":
            return Edge("v", edge.x0, start, edge.x1, end)
        return Edge("h", start, edge.top, end, edge.bottom)

    return [extend(e, horizontal) for e in vertical] + [extend(e, vertical) for e in horizontal]


# punctuation that may begin a line when a line break falls just before it, or end one
_LEADING_MARKS = "，,。．、；;：:"
_TRAILING_MARKS = "，,。．、；;：:！!？?"


@cache
def ocr_engine() -> Any:
    """The RapidOCR engine, built once per process from the models inside its wheel."""
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    params: dict[str, Any] = {key: str(models / name) for key, name in MODEL_FILES.items()}
    missing = [p for p in params.values() if not Path(p).is_file()]
    if missing:
        raise RuntimeError(f"RapidOCR's packaged models are missing: {', '.join(missing)}; reinstall rapidocr")
    params.update({
        "Global.use_cls": False,  # pages are upright once deskewed; the classifier only costs time
        "Global.log_level": "error",
        "Global.text_score": MIN_LINE_SCORE,
        # crop lines from the page as rendered: the default shrinks pages over 2000 px first,
        # which loses the difference between , and . in small print
        "Global.max_side_len": 4000,
        "Det.limit_type": "max",
        "Det.limit_side_len": DET_SIDE,
        # boxes a little taller than the default 1.6: a comma's tail below the line (1,932) and
        # a closing 。 are inside the crop the recogniser sees
        "Det.unclip_ratio": 1.8,
    })
    return RapidOCR(params=params)


def recognise_lines(gray: np.ndarray) -> list[OcrLine]:
    """RapidOCR's text lines of a page, each split into its characters' boxes and scores."""
    result = ocr_engine()(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR),
                          return_word_box=True, return_single_char_box=True)
    if result.txts is None or result.boxes is None or not len(result.txts):
        return []
    words = list(result.word_results or ())
    lines = []
    for index, (quad, text, score) in enumerate(zip(result.boxes, result.txts, result.scores, strict=False)):
        box = _quad_box(quad)
        # word_results drops lines without boxes, so take this line's only when the text agrees
        items = words[index] if index < len(words) else ()
        char_boxes = _per_mille(_document_number_brackets(_char_boxes(text, float(score), box, items)))
        lines.append(OcrLine(_respelled(text, char_boxes), float(score), box, char_boxes))
    return lines


def _document_number_brackets(chars: list[tuple[str, float, BBox]]) -> list[tuple[str, float, BBox]]:
    """A document number's year in 〔〕 (临交〔2022〕11号), where the recogniser read one as （ or ）."""
    text = "".join(ch for ch, _, _ in chars)
    fixed = list(chars)
    for match in _DOC_YEAR.finditer(text):
        for index, want in ((match.start(), "〔"), (match.end() - 1, "〕")):
            ch, confidence, box = fixed[index]
            if ch != want:
                fixed[index] = (want, min(confidence, 0.9), box)
    return fixed


def _per_mille(chars: list[tuple[str, float, BBox]]) -> list[tuple[str, float, BBox]]:
    """‰ after a number, where the recogniser read it as %0 (婴儿死亡率2.1‰ → 2.1%0)."""
    out: list[tuple[str, float, BBox]] = []
    for index, (ch, confidence, box) in enumerate(chars):
        if (ch == "0" and out and out[-1][0] == "%" and len(out) >= 2 and out[-2][0].isdigit()
                and not (index + 1 < len(chars) and chars[index + 1][0].isdigit())):
            _, before, (x0, top, _, bottom) = out.pop()
            out.append(("‰", min(before, confidence, 0.9), (x0, top, box[2], bottom)))
            continue
        out.append((ch, confidence, box))
    return out


def _respelled(text: str, chars: list[tuple[str, float, BBox]]) -> str:
    """The line's text with its non-blank characters as ``chars`` spell them (blanks kept)."""
    it = iter(ch for ch, _, _ in chars)
    return "".join(ch if ch.isspace() else next(it, "") for ch in text)


def split_at_rules(lines: list[OcrLine], gray: np.ndarray, edges: list[Edge], scale: float) -> list[OcrLine]:
    """Lines the detector ran across a cell's border, read again cell by cell.

    In narrow cells the detector joins text on both sides of a vertical rule into one line,
    and the recogniser then misreads the rule and the text beside it; each part between
    rules is recognised on its own.
    """
    # cell borders only: a tall stroke of a title's glyph is no rule
    borders = [
        (cell.bbox[0] * scale, cell.bbox[1] * scale, cell.bbox[3] * scale)
        for table in edges_to_tables(edges) for cell in table.cells
    ]
    out: list[OcrLine] = []
    for line in lines:
        x0, top, x1, bottom = line.box
        height, middle = bottom - top, (top + bottom) / 2
        cuts = sorted({
            round(x) for x, cell_top, cell_bottom in borders
            if x0 + 0.4 * height < x < x1 - 0.4 * height and cell_top <= middle <= cell_bottom
        })
        if not cuts:
            out.append(line)
            continue
        bounds = [x0, *cuts, x1]
        for left, right in zip(bounds, bounds[1:], strict=False):
            if right - left < 0.4 * height:
                continue
            pad = 2
            crop_box = (max(0, int(left) + pad), max(0, int(top) - 2), int(right) - pad, int(bottom) + 2)
            crop = gray[crop_box[1]:crop_box[3], crop_box[0]:crop_box[2]]
            if crop.size == 0:
                continue
            for part in recognise_lines(np.ascontiguousarray(crop)):
                out.append(_moved(part, crop_box[0], crop_box[1]))
    return out


def punctuation_at_ends(lines: list[OcrLine], gray: np.ndarray, ink: np.ndarray) -> list[OcrLine]:
    """Lines with the punctuation mark at either end that the detector left out of their box.

    A comma wrapped to the start of the next line (``，督办事项…``) or a full stop after a
    closing quote (``…到位”。``) is small and sits apart, and the detector's box stops at the
    character beside it. Where a mark-sized blot of ink stands just before or after a line,
    the line is recognised again with it, and kept only when the recogniser then reads the
    same line with one punctuation mark more at that end.
    """
    out = []
    for line in lines:
        for side in (-1, 1):
            line = _with_mark(line, side, gray, ink)
        out.append(line)
    return out


def _with_mark(line: OcrLine, side: int, gray: np.ndarray, ink: np.ndarray) -> OcrLine:
    x0, top, x1, bottom = line.box
    height = bottom - top
    left, right = (max(0, int(x0 - 0.9 * height)), int(x0)) if side < 0 else (int(x1), int(x1 + 0.9 * height))
    band = ink[max(0, int(top)):int(bottom), left:max(left, right)]
    columns = np.nonzero(band.any(axis=0))[0] if band.size else np.array([])
    rows = np.nonzero(band.any(axis=1))[0] if band.size else np.array([])
    if (not columns.size or columns[-1] - columns[0] > 0.5 * height or rows[-1] - rows[0] > 0.5 * height
            or rows[0] == 0 or rows[-1] == band.shape[0] - 1):
        return line  # nothing beside the line; a glyph, not a mark; or the line above or below
    # the whole line again, detector included, from the mark on: ink the detector still
    # leaves out, or reads as no mark, adds nothing
    crop_box = (left, max(0, int(top) - 2), int(x1) + 2, int(bottom) + 2) if side < 0 \
        else (max(0, int(x0) - 2), max(0, int(top) - 2), right, int(bottom) + 2)
    crop = np.ascontiguousarray(gray[crop_box[1]:crop_box[3], crop_box[0]:crop_box[2]])
    again = recognise_lines(crop) if crop.size else []
    if len(again) != 1:
        return line
    text, read = "".join(line.text.split()), "".join(again[0].text.split())
    mark, rest = (read[:1], read[1:]) if side < 0 else (read[-1:], read[:-1])
    if rest != text or mark not in (_LEADING_MARKS if side < 0 else _TRAILING_MARKS):
        return line
    return _moved(again[0], crop_box[0], crop_box[1])


def _tightened(line: OcrLine, ink: np.ndarray) -> OcrLine:
    """The line's first and last characters drawn in to where their ink starts and ends.

    The detector pads its boxes, so a line's first character can start over the cell
    border before it and be given to the cell on the left; the ink (ruling lines taken
    out) says where the print really begins.
    """
    if not line.char_boxes:
        return line
    x0, top, x1, bottom = (int(round(v)) for v in line.box)
    inset = max(1, (bottom - top) // 6)
    band = ink[max(0, top + inset):max(top + inset + 1, bottom - inset), max(0, x0):x1]
    columns = np.nonzero(band.any(axis=0))[0] if band.size else np.array([])
    if not columns.size:
        return line
    first, last = max(0, x0) + float(columns[0]), max(0, x0) + float(columns[-1]) + 1
    boxes = list(line.char_boxes)
    ch, confidence, (bx0, btop, bx1, bbottom) = boxes[0]
    if first < bx1:
        boxes[0] = (ch, confidence, (max(bx0, first - 1), btop, bx1, bbottom))
    ch, confidence, (bx0, btop, bx1, bbottom) = boxes[-1]
    if last > bx0:
        boxes[-1] = (ch, confidence, (bx0, btop, min(bx1, last + 1), bbottom))
    return OcrLine(line.text, line.score, line.box, boxes)


def _moved(line: OcrLine, dx: float, dy: float) -> OcrLine:
    """A line recognised in a crop, in the page's pixels."""
    def move(box: BBox) -> BBox:
        return (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)

    return OcrLine(line.text, line.score, move(line.box), [(ch, c, move(b)) for ch, c, b in line.char_boxes])


def _char_boxes(text: str, score: float, box: BBox, items: Any) -> list[tuple[str, float, BBox]]:
    """Each non-blank character of a line with its box: the recogniser's, else an even share."""
    chars = [ch for ch in text if not ch.isspace()]
    pieces: list[tuple[str, float, BBox]] = []
    for item in items or ():
        word, word_score, quad = item[0], float(item[1]), item[2]
        word = "".join(ch for ch in str(word) if not ch.isspace())
        if not word:
            continue
        x0, top, x1, bottom = _quad_box(quad)
        step = (x1 - x0) / len(word)
        pieces.extend((ch, word_score, (x0 + i * step, box[1], x0 + (i + 1) * step, box[3]))
                      for i, ch in enumerate(word))
    if [ch for ch, _, _ in pieces] == chars:
        return pieces
    # the recogniser's boxes do not spell the line: share its box by character width
    widths = [1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text]
    unit = (box[2] - box[0]) / (sum(widths) or 1)
    x = box[0]
    shares: list[tuple[str, float, BBox]] = []
    for ch, width in zip(text, widths, strict=True):
        if not ch.isspace():
            shares.append((ch, score, (x, box[1], x + width * unit, box[3])))
        x += width * unit
    return shares


def lines_to_chars(lines: list[OcrLine], page: int, scale: float, to_page: np.ndarray) -> list[Char]:
    """pdfplumber-shaped characters in points, each with its ``confidence`` and ``page_bbox``.

    Neighbours within a word touch, so the assembly puts no space between them; where the
    recogniser read a space the gap is kept wide enough to stay one.
    """
    chars: list[Char] = []
    for line in lines:
        height = (line.box[3] - line.box[1]) / scale
        size = max(4.0, 0.8 * height)
        spaced = _space_after(line.text)
        boxes = [list(b) for _, _, b in line.char_boxes]
        for i in range(len(boxes) - 1):
            left, right = boxes[i], boxes[i + 1]
            if spaced[i]:
                gap = 0.35 * size * scale
                if right[0] - left[2] < gap:
                    middle = (left[2] + right[0]) / 2
                    left[2] = min(left[2], middle - gap / 2)
                    right[0] = max(right[0], middle + gap / 2)
            else:
                middle = (left[2] + right[0]) / 2
                left[2] = right[0] = middle
        for (ch, confidence, _), (x0, top, x1, bottom) in zip(line.char_boxes, boxes, strict=True):
            if x1 <= x0:
                x1 = x0 + 1
            chars.append({
                "text": ch,
                "x0": x0 / scale, "x1": x1 / scale, "top": top / scale, "bottom": bottom / scale,
                "size": size,
                "fontname": "OCR",
                "page_number": page,
                "confidence": round(min(confidence, line.score), 4),
                "page_bbox": _to_page_points((x0, top, x1, bottom), to_page, scale),
            })
    return chars


def _space_after(text: str) -> list[bool]:
    """For each non-blank character of a line, whether a blank follows it.

    A blank the recogniser reads between a Chinese character and a digit is the gap Chinese
    typesetting puts between the two scripts (提高 4.1 个百分点 prints 提高4.1个百分点), not a
    typed space: it is no blank.
    """
    flags: list[bool] = []
    visible = [ch for ch in text if not ch.isspace()]
    index = -1
    for ch in text:
        if not ch.isspace():
            flags.append(False)
            index += 1
        elif flags and index + 1 < len(visible) and not _script_gap(visible[index], visible[index + 1]):
            flags[-1] = True
    return flags


def _script_gap(before: str, after: str) -> bool:
    """A Chinese character beside a digit: where typesetting leaves a gap no one typed."""
    return (_is_cjk(before) and after.isdigit()) or (before.isdigit() and _is_cjk(after))


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _to_page_points(box: BBox, to_page: np.ndarray, scale: float) -> BBox:
    """A deskewed pixel box as the envelope of its corners on the scanned page, in points."""
    corners = np.array([[box[0], box[1], 1], [box[2], box[1], 1], [box[0], box[3], 1], [box[2], box[3], 1]])
    mapped = corners @ to_page.T
    return (
        round(float(mapped[:, 0].min()) / scale, 2),
        round(float(mapped[:, 1].min()) / scale, 2),
        round(float(mapped[:, 0].max()) / scale, 2),
        round(float(mapped[:, 1].max()) / scale, 2),
    )


def _join_collinear(edges: list[Edge], reach: float, under_seal: Any) -> list[Edge]:
    """Pieces of one ruling line (same orientation and position) as one, across gaps under the seal."""
    def position(edge: Edge) -> float:
        return edge.top if edge.orientation == "h" else edge.x0

    def span(edge: Edge) -> tuple[float, float]:
        return (edge.x0, edge.x1) if edge.orientation == "h" else (edge.top, edge.bottom)

    groups: list[list[Edge]] = []
    for edge in sorted(edges, key=position):
        if groups and position(edge) - position(groups[-1][-1]) <= 2:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    joined: list[Edge] = []
    for group in groups:
        line: list[Edge] = []
        for edge in sorted(group, key=lambda e: span(e)[0]):
            last = line[-1] if line else None
            if last is not None:
                gap = (span(last)[1], span(edge)[0])
                if gap[1] - gap[0] <= MEETS or (
                    gap[1] - gap[0] <= reach and under_seal(edge.orientation, position(edge), *gap)
                ):
                    end = max(span(last)[1], span(edge)[1])
                    line[-1] = (Edge("h", last.x0, last.top, end, last.bottom) if edge.orientation == "h"
                                else Edge("v", last.x0, last.top, last.x1, end))
                    continue
            line.append(edge)
        joined.extend(line)
    return joined


def _quad_box(quad: Any) -> BBox:
    points = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
    return (float(points[:, 0].min()), float(points[:, 1].min()),
            float(points[:, 0].max()), float(points[:, 1].max()))


@contextlib.contextmanager
def _time_limit(seconds: float, limit: _Limit) -> Iterator[None]:
    """Raise PageTooSlow in this block after ``seconds`` (an interval timer; main thread only).

    The recogniser returns to Python between batches of lines, where the alarm lands. Off
    the main thread no timer can be set, and the batch's per-file limit is what holds.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        limit.expired = True
        raise PageTooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_image(data: bytes, source: Source) -> Document:
    """Read a scanned image file (JPEG, PNG, multi-page TIFF) into a Document by OCR."""
    from extractors.pdf import pages_to_document

    pages = list(image_file_pages(data))
    source = Source(source.path, source.sha256, source.format, len(pages))
    return pages_to_document((page_image_to_content(page) for page in pages), source)

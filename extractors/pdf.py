"""PDF submissions: table cells (merged ones once) and free lines, every character boxed.

Two steps: a page source gives each page's characters and ruling lines
(``PageContent``), and ``pages_to_document`` assembles them — ruled tables through
``extractors.grid``, so any source of characters and lines (a text layer, OCR) reads
alike. Characters are assigned to the cell whose box holds
their centre, so a merged cell is read once and a number wrapped inside a narrow cell
(``1867.0`` / ``5亿元``) is joined back without a break. Each character keeps its page
and box, so a figure's box is the union of its characters'.

``read_pdf`` takes its pages from PDFium (``extractors.pdfium``); ``read_pdf_pdfplumber``
from pdfplumber (``_pdfplumber_pages``), the reference the PDFium source is tested against.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from extractors._native import assemble as _assemble  # the per-character steps in C, or None
from extractors._typing import BBox
from extractors.document import CharBox, Document, DocumentBuilder, OcrPage, Source
from extractors.errors import CorruptFile, Encrypted, JixiaoError, NoTextLayer
from extractors.grid import Edge, edges_to_tables
from extractors.marks import glyph, symbol_table

# pdfminer logs every damaged object it works around; the reader reports what matters
# (a refusal, or a warning in the reading) itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_CID = re.compile(r"^\(cid:\d+\)$")
_BLANK = re.compile(r"\s")
# a wrapped line that starts a numbered item keeps its line break
_ITEM_START = re.compile(
    r"^(?:\d{1,2}\s*[.．、](?!\d)|任务\s*\d|[（(][一二三四五六七八九十\d]+[)）])"
)
# what a numbered item (_ITEM_START) can begin with besides a decimal digit: the C cell_text
# asks _breaks_before only of a line that begins so (tests/test_assemble.py holds it sound)
_ITEM_FIRST = "任（("
LINE_TOLERANCE = 3.0
# fewer characters than this on pages read by OCR is noise (dust, a seal), not a readable scan
MIN_OCR_CHARS = 10
EDGE_TOLERANCE = 8.0
CLOSE_TOLERANCE = 1.5
Char = Mapping[str, Any]  # a dict, or the C helper's Char, which reads as one
Pair = tuple[str, CharBox | None]


def read_pdf(data: bytes, source: Source) -> Document:
    """Read a PDF into a Document: per page, tables and free lines from top to bottom.

    The pages come from PDFium (``extractors.pdfium``); ``read_pdf_pdfplumber`` reads the
    same file through pdfplumber, the reference the PDFium source is tested against.
    """
    from extractors.pdfium import pdfium_pages  # it imports this module's PageContent

    with pdfium_pages(data) as (count, pages):
        source = Source(source.path, source.sha256, source.format, count)
        return pages_to_document(_ocr_blank_pages(pages, data), source)


def read_pdf_pdfplumber(data: bytes, source: Source) -> Document:
    """``read_pdf`` with pdfplumber's page source: the reference, slow (pdfminer's parse)."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for a damaged file
        raise _refusal(exc) from None
    try:
        return _read_pages(pdf, data, source)
    except JixiaoError:  # a refusal already (no text even by OCR, a page too slow)
        raise
    except Exception as exc:  # a broken object can surface on any page
        raise _refusal(exc) from None
    finally:
        # closing walks the pages again, and a damaged page raises there too
        with contextlib.suppress(Exception):
            pdf.close()


def _refusal(exc: BaseException) -> Encrypted | CorruptFile:
    """The error for a PDF pdfminer could not read: locked, or damaged."""
    # pdfplumber wraps pdfminer's errors; the wrapped one says what happened
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return Encrypted("the PDF is locked with a password; remove the password and resubmit")
    return CorruptFile(f"the PDF is damaged ({type(inner).__name__}); resubmit it")


class _Cell:
    """A table cell of one page, and the characters assigned to it (~80 a page: a plain class
    with slots is made several times as fast as a dataclass with a default factory)."""

    __slots__ = ("col", "box", "row_span", "col_span", "chars")

    def __init__(self, col: int, box: BBox, row_span: int = 1, col_span: int = 1) -> None:
        self.col, self.box, self.row_span, self.col_span = col, box, row_span, col_span
        self.chars: list[Char] = []


@dataclass
class _Row:
    """One table row of one page; ``cells`` hold the characters assigned to them."""

    table: int
    index: int
    page: int
    cells: list[_Cell]


@dataclass
class _Line:
    """Free text: one printed line, or a paragraph whose wrapped lines were joined."""

    page: int
    chars: list[Char]
    wrapped: bool = False


@dataclass
class PageContent:
    """What a page source gives the assembly: printed characters and ruling lines, in points.

    Each character is a dict with ``text``, ``x0``, ``x1``, ``top``, ``bottom`` (top-left
    origin), ``size``, ``fontname`` and ``page_number`` — pdfplumber's char shape, which a
    text layer or an OCR'd line can both fill. ``unmapped`` counts characters dropped
    because their font has no Unicode map (pdfplumber's ``(cid:N)``). A page read by OCR
    says how long that took (``ocr_seconds``); its characters add ``confidence`` and
    ``page_bbox`` (the box on the page as scanned, when the assembly works deskewed).
    """

    number: int
    chars: list[Char]
    edges: list[Edge]
    unmapped: int = 0
    ocr_seconds: float | None = None


def _read_pages(pdf: pdfplumber.PDF, data: bytes, source: Source) -> Document:
    pages = pdf.pages
    source = Source(source.path, source.sha256, source.format, len(pages))
    return pages_to_document(_ocr_blank_pages(_pdfplumber_pages(pages), data), source)


def _ocr_blank_pages(pages: Iterable[PageContent], data: bytes) -> Iterator[PageContent]:
    """Each page as its text layer gives it, and a page without one (a scan) by OCR."""
    rendered = None
    for page in pages:
        if any(char["text"].strip() for char in page.chars):
            yield page
            continue
        import pypdfium2

        from extractors.ocr import page_image_to_content, render_pdf_page

        if rendered is None:
            rendered = pypdfium2.PdfDocument(data)
        yield page_image_to_content(render_pdf_page(rendered[page.number - 1], page.number))


def _pdfplumber_pages(pages: Iterable[Any]) -> Iterator[PageContent]:
    """pdfplumber's characters (symbol-font marks mapped) and ruling edges, page by page."""
    for number, page in enumerate(pages, start=1):
        chars, lost = _usable_chars(page.chars)
        edges = [
            Edge(edge["orientation"], edge["x0"], edge["top"], edge["x1"], edge["bottom"])
            for edge in page.edges
        ]
        yield PageContent(number, chars, edges, lost)


def pages_to_document(pages: Iterable[PageContent], source: Source) -> Document:
    """Assemble pages into a Document: per page, ruled tables and free lines top to bottom.

    Raises NoTextLayer when no page has a character.
    """
    builder = DocumentBuilder(source, with_boxes=True)
    blocks: list[_Row | _Line] = []
    total_chars = ocr_chars = 0
    table_count = 0
    ocr_pages: list[OcrPage] = []
    for page in pages:
        number, chars = page.number, page.chars
        if page.ocr_seconds is not None:
            ocr_pages.append(OcrPage(number, round(page.ocr_seconds, 2), len(chars)))
            ocr_chars += len(chars)
        if page.unmapped:
            builder.warnings.append(
                f"page {number}: {page.unmapped} characters have no Unicode mapping (shown as (cid:N)) and were left out"
            )
        total_chars += len(chars)
        if not chars:
            continue
        page_blocks: list[tuple[float, _Row | _Line]] = []
        remaining = chars
        for table in edges_to_tables(close_cut_tables(page.edges)):
            rows = [
                _Row(table_count, index, number,
                     [_Cell(cell.col, cell.bbox, cell.row_span, cell.col_span) for cell in row])
                for index, row in enumerate(table.rows)
            ]
            remaining = _assign_chars(rows, remaining, table.bbox)
            page_blocks.extend((row.cells[0].box[1] if row.cells else table.bbox[1], row) for row in rows)
            table_count += 1
        page_blocks.extend((line[0]["top"], _Line(number, line)) for line in _lines(remaining))
        page_blocks.sort(key=lambda block: (block[0], isinstance(block[1], _Line)))
        ordered = _join_wrapped_lines([block for _, block in page_blocks])
        _join_split_row(blocks, ordered)
        blocks.extend(ordered)
    if total_chars == 0 or (total_chars == ocr_chars and ocr_chars < MIN_OCR_CHARS):
        raise NoTextLayer(
            "nothing on the pages could be read, not even by OCR (a blank or illegible scan); "
            "send the original file or a clearer scan"
        )
    builder.ocr_pages = ocr_pages
    paragraph = 0
    for block in blocks:
        if isinstance(block, _Line):
            text, boxes = _cell_text(block.chars) if block.wrapped else _normalise(
                _line_pairs(block.chars, block.page))
            if text:
                builder.add_cell(text, table=None, row=paragraph, col=0, page=block.page,
                                 bbox=_union([b.bbox for b in boxes if b]), char_boxes=boxes)
                paragraph += 1
            continue
        for cell in block.cells:
            text, boxes = _cell_text(cell.chars)
            builder.add_cell(text, table=block.table, row=block.index, col=cell.col, page=block.page,
                             bbox=cell.box, char_boxes=boxes,
                             row_span=cell.row_span, col_span=cell.col_span)
    return builder.build()


def close_cut_tables(edges: list[Edge]) -> list[Edge]:
    """Draw the missing bottom rule of a table cut by a page break.

    Some producers (reportlab splitting a row) leave the part of a row at the foot of a
    page without its bottom rule: its column rules end in the air and the row would not
    be a cell. Where two or more vertical rules end at the same height with no horizontal
    rule there across them, the rule is added.
    """
    verticals = [edge for edge in edges if edge.orientation == "v"]
    horizontals = [edge for edge in edges if edge.orientation == "h"]
    groups: dict[int, list[Edge]] = {}
    for edge in verticals:
        groups.setdefault(round(edge.bottom), []).append(edge)
    added = []
    for bottom, group in groups.items():
        if len(group) < 2:
            continue
        left, right = min(e.x0 for e in group), max(e.x0 for e in group)
        closed = any(
            abs(h.top - bottom) <= CLOSE_TOLERANCE and h.x0 <= left + CLOSE_TOLERANCE and h.x1 >= right - CLOSE_TOLERANCE
            for h in horizontals
        )
        if not closed and not any(v.top < bottom - CLOSE_TOLERANCE < v.bottom for v in verticals if v not in group):
            y = max(e.bottom for e in group)
            added.append(Edge("h", left, y, right, y))
    return [*edges, *added]


def _assign_chars(rows: list[_Row], chars: list[Char], table_box: BBox) -> list[Char]:
    """Give each character of the table to the cell where it starts; return the others.

    Text runs left to right, so a character belongs where it starts: one hanging out
    of a full line past the cell's right edge stays in its cell, and one past the
    table's edge goes to the nearest cell of its row.
    """
    if _assemble is not None:
        cells = [(cell.box, cell.chars) for row in rows for cell in row.cells]
        held = [len(assigned) for _box, assigned in cells]
        try:
            return _assemble.assign(cells, chars, table_box, EDGE_TOLERANCE)
        except ValueError:  # a coordinate not finite: Python's way below
            pass
        for (_box, assigned), count in zip(cells, held, strict=True):
            del assigned[count:]  # what it gave out before it stopped
    return _py_assign_chars(rows, chars, table_box)


def _py_assign_chars(rows: list[_Row], chars: list[Char], table_box: BBox) -> list[Char]:
    """``_assign_chars`` in Python: where ``_assemble`` is not built, and its reference."""
    left_over = []
    spans = [(cell.box[1], cell.box[3], (cell.box[0], cell.box[2], cell)) for row in rows for cell in row.cells]
    # the cells across each height a character's centre is at (the characters of a line
    # share their centre), each as (left, right, cell)
    bands: dict[float, list[tuple[float, float, _Cell]]] = {}
    left, right = table_box[0] - EDGE_TOLERANCE, table_box[2] + EDGE_TOLERANCE
    top, bottom = table_box[1], table_box[3]
    for char in chars:
        x0 = char["x0"]
        quarter = (char["x1"] - x0) / 4
        x = x0 + (quarter if quarter < 1.0 else 1.0)
        y = (char["top"] + char["bottom"]) / 2
        if not (left <= x <= right and top <= y <= bottom):
            left_over.append(char)
            continue
        band = bands.get(y)
        if band is None:
            band = bands[y] = [span for cell_top, cell_bottom, span in spans if cell_top <= y <= cell_bottom]
        home = None
        for cell_left, cell_right, cell in band:
            if cell_left <= x <= cell_right:
                home = cell
                break
        if home is None and band:
            nearest = min(band, key=lambda span: min(abs(x - span[0]), abs(x - span[1])))
            if min(abs(x - nearest[0]), abs(x - nearest[1])) <= EDGE_TOLERANCE:
                home = nearest[2]
        if home is None:
            left_over.append(char)
        else:
            home.chars.append(char)
    return left_over


def _join_split_row(previous: list[_Row | _Line], page_blocks: list[_Row | _Line]) -> None:
    """Join the first table row of a page to the row the page break cut, when it is one.

    A row split by a page break continues on the next page with the same columns, and
    every cell that continues was full to its right edge when the page ended; a new
    row does not look like that.
    """
    last = next((block for block in reversed(previous) if isinstance(block, _Row)), None)
    rows = [block for block in page_blocks if isinstance(block, _Row)]
    first = rows[0] if rows else None
    if last is None or first is None or first.index != 0 or first.page != last.page + 1:
        return
    if _repeats_header(previous, last, first):
        # a header row repeated on the new page: the cut row goes on below it
        if len(rows) < 2 or rows[1].table != first.table:
            return
        first = rows[1]
    if not any(cell.chars for cell in first.cells):
        return
    pairs: list[tuple[_Cell, _Cell]] = []
    for below in first.cells:
        above = next((cell for cell in last.cells if _same_columns(cell, below)), None)
        if below.chars and (above is None or not _ends_full(above)):
            return
        if above is not None:
            pairs.append((above, below))
    for above, below in pairs:
        above.chars.extend(below.chars)
        first.cells.remove(below)


def _join_wrapped_lines(blocks: list[_Row | _Line]) -> list[_Row | _Line]:
    """Join a free line to the one before it when that one was wrapped, not ended.

    A paragraph outside the tables wraps at the right edge of the text; its next line
    goes on the paragraph, as a wrapped line in a cell does. A line that ends short of
    the edge, or a next line that starts a numbered item or stands apart, starts anew.
    """
    lines = [block for block in blocks if isinstance(block, _Line)]
    if len(lines) < 2:
        return blocks
    # the right margin: the tables' right edge, else where at least two lines end together
    ends = sorted((max(c["x1"] for c in line.chars) for line in lines), reverse=True)
    tables = [cell.box[2] for block in blocks if isinstance(block, _Row) for cell in block.cells]
    right = max(tables) if tables else ends[1] + 4
    left = min(min(c["x0"] for c in line.chars) for line in lines)
    out: list[_Row | _Line] = []
    for block in blocks:
        previous = out[-1] if out else None
        if isinstance(block, _Line) and isinstance(previous, _Line) and _wraps_into(previous, block, left, right):
            out[-1] = _Line(previous.page, previous.chars + block.chars, wrapped=True)
        else:
            out.append(block)
    return out


def _wraps_into(previous: _Line, line: _Line, left: float, right: float) -> bool:
    last = _lines(previous.chars)[-1]
    width = max(c["x1"] - c["x0"] for c in last)
    height = max(c["bottom"] - c["top"] for c in last)
    first_x = min(c["x0"] for c in line.chars)
    gap = min(c["top"] for c in line.chars) - max(c["bottom"] for c in last)
    text = "".join(c["text"] for c in sorted(line.chars, key=lambda c: c["x0"]))
    return (
        last[-1]["x1"] >= right - 1.5 * width - 4
        and first_x <= left + width
        and gap < height
        and not _ITEM_START.match(text.lstrip())
    )


def _repeats_header(previous: list[_Row | _Line], last: _Row, first: _Row) -> bool:
    """True when ``first`` prints again the header row of the table ``last`` belongs to."""
    header = next(
        (block for block in previous if isinstance(block, _Row) and block.table == last.table and block.index == 0),
        None,
    )
    return header is not None and header is not last and _row_texts(header) == _row_texts(first)


def _row_texts(row: _Row) -> list[str]:
    return ["".join(c["text"] for c in sorted(cell.chars, key=lambda c: (c["top"], c["x0"]))) for cell in row.cells]


def _same_columns(one: _Cell, other: _Cell) -> bool:
    return abs(one.box[0] - other.box[0]) <= 2 and abs(one.box[2] - other.box[2]) <= 2


def _ends_full(cell: _Cell) -> bool:
    """True when the cell's last line of text runs to its right edge (it was cut, not ended)."""
    if not cell.chars:
        return False
    last_line = _lines(cell.chars)[-1]
    width = max(c["x1"] - c["x0"] for c in last_line)
    return last_line[-1]["x1"] >= cell.box[2] - 1.5 * width - 4


def _usable_chars(chars: Iterable[Char]) -> tuple[list[Char], int]:
    """The characters with text, symbol-font marks as the marks they show; and how many were lost."""
    usable, lost = [], 0
    for char in chars:
        text = char.get("text", "")
        if _CID.match(text):
            lost += 1
        elif text:
            if symbol_table(char.get("fontname")):
                char = {**char, "text": glyph(char.get("fontname"), text)}
            usable.append(char)
    return usable, lost


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Group characters into lines (page, then vertical position), each sorted left to right.

    A character joins a line when its vertical centre lies within the line's band, so a
    tick drawn larger or a little off the baseline beside its option stays on that line.
    """
    if _assemble is not None:
        try:
            return _assemble.lines(chars, LINE_TOLERANCE)
        except ValueError:  # a coordinate not finite: Python's order for it
            pass
    return _py_lines(chars)


def _py_lines(chars: list[Char]) -> list[list[Char]]:
    """``_lines`` in Python: where ``_assemble`` is not built, and its reference."""
    lines: list[list[Char]] = []
    line: list[Char] = []
    page, band_top, band_bottom, line_top = 0, 0.0, 0.0, 0.0  # the current line's band
    for char in sorted(chars, key=_reading_order):
        top, bottom = char["top"], char["bottom"]
        centre = (top + bottom) / 2
        if line and page == char["page_number"] and (
            band_top <= centre <= band_bottom or abs(line_top - top) <= LINE_TOLERANCE
        ):
            line.append(char)
            if top < band_top:
                band_top = top
            if bottom > band_bottom:
                band_bottom = bottom
        else:
            line = [char]
            lines.append(line)
            page, band_top, band_bottom, line_top = char["page_number"], top, bottom, top
    return [sorted(line, key=_X0) for line in lines]


def _reading_order(char: Char) -> tuple[int, int, float]:
    return char["page_number"], round(char["top"]), char["x0"]


_X0 = itemgetter("x0")


def _line_pairs(line: list[Char], page: int) -> list[Pair]:
    """A line's (character, box) pairs, a gap where the words stand apart."""
    if _assemble is not None:
        try:
            return _assemble.line_pairs(line, page, CharBox, _GAP)
        except ValueError:  # a coordinate not finite: Python's way below
            pass
    return _py_line_pairs(line, page)


def _py_line_pairs(line: list[Char], page: int) -> list[Pair]:
    """``_line_pairs`` in Python: where ``_assemble`` is not built, and its reference."""
    pairs: list[Pair] = []
    append = pairs.append
    previous_x1: float | None = None
    for char in line:
        x0 = char["x0"]
        if previous_x1 is not None:
            gap = 0.25 * (char["size"] or 10)
            if x0 - previous_x1 > (gap if gap > 1.5 else 1.5):
                append(_GAP)
        page_bbox = char.get("page_bbox")
        box = (x0, char["top"], char["x1"], char["bottom"]) if page_bbox is None else tuple(page_bbox)
        append((char["text"], _char_box((page, box, char.get("confidence")))))
        previous_x1 = char["x1"]
    return pairs


_GAP: Pair = (" ", None)
_char_box = partial(tuple.__new__, CharBox)  # CharBox((page, box, confidence)) without its __new__


def _cell_text(chars: list[Char]) -> tuple[str, list[CharBox | None]]:
    """A cell's text and each character's box: ``_normalise(_cell_pairs(chars))``, in one
    call to the C helper where it is built."""
    if _assemble is not None:
        try:
            return _assemble.cell_text(chars, LINE_TOLERANCE, CharBox, _GAP, _breaks_before, _ITEM_FIRST)
        except ValueError:  # a coordinate not finite: Python's way below
            pass
    return _py_normalise(_cell_pairs(chars))


def _cell_pairs(chars: list[Char]) -> list[Pair]:
    """A cell's characters line by line; wrapped lines joined with no break (CJK has no spaces)."""
    pairs: list[Pair] = []
    for line in _lines(chars):
        line_pairs = _line_pairs(line, line[0]["page_number"])
        if pairs and _breaks_before(pairs[-1][0], "".join(ch for ch, _ in line_pairs)):
            pairs.append(("\n", None))
        pairs.extend(line_pairs)
    return pairs


def _breaks_before(previous: str, text: str) -> bool:
    """True when a wrapped line of ``text`` after ``previous`` starts a numbered item."""
    # a line starting "72.html" after "…post_4251" is a word cut at the edge, not an item
    cut_word = previous.isascii() and previous.isalnum() and text[:1].isdigit()
    return bool(_ITEM_START.match(text.lstrip())) and not cut_word


def _normalise(pairs: list[Pair]) -> tuple[str, list[CharBox | None]]:
    """Fold blanks as ``normalise_cell_text`` does, keeping each character's box aligned."""
    if _assemble is not None:
        return _assemble.normalise(pairs)
    return _py_normalise(pairs)


def _py_normalise(pairs: list[Pair]) -> tuple[str, list[CharBox | None]]:
    """``_normalise`` in Python: where ``_assemble`` is not built, and its reference."""
    joined = "".join([ch for ch, _ in pairs])
    if not _BLANK.search(joined):
        return joined, [box for _, box in pairs]  # nothing to fold
    out: list[Pair] = []
    for ch, box in pairs:
        if ch == "\n":
            while out and out[-1][0] == " ":
                out.pop()
            if out and out[-1][0] != "\n":
                out.append(("\n", None))
        elif ch.isspace():
            if out and out[-1][0] not in (" ", "\n"):
                out.append((" ", None))
        else:
            out.append((ch, box))
    while out and out[-1][0] in (" ", "\n"):
        out.pop()
    return "".join(ch for ch, _ in out), [box for _, box in out]


def _bbox(box: Sequence[float]) -> BBox:
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def _union(boxes: list[BBox]) -> BBox | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )

"""The one shape every reader returns: cells in reading order over one text string.

A ``Document`` is what the form reader sees, whatever the file format was. Its ``text``
is built once (cells joined with newlines) and every cell records where it sits in
that string, so any value the pipeline reads keeps a span an auditor can slice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

from extractors._native import assemble as _assemble  # the page and box of a span in C, or None
from extractors._typing import BBox, Span

_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u3000]+")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
# what normalise_cell_text changes inside a text: line breaks, blanks but a single space,
# invisible characters
_TO_FOLD = re.compile("[\r\n\t\u00a0\u2002-\u200a\u3000\u200b-\u200d\u2060\ufeff\u00ad]|  ")


def normalise_line(line: str) -> str:
    """Fold the spacing of one line: invisible characters go, runs of blanks become one space."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


def normalise_cell_text(raw: str) -> str:
    """Normalise a cell's text: each line folded, blank lines dropped, lines joined by newlines."""
    if not _TO_FOLD.search(raw) and not raw[:1].isspace() and not raw[-1:].isspace():
        return raw  # one line, no blank to fold or strip, nothing invisible: as it is
    lines = (
        normalise_line(part) for part in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    )
    return "\n".join(line for line in lines if line)


class CharBox(NamedTuple):
    """Where one character of the text was printed (PDF sources only).

    ``bbox`` is as the page source measured it, unrounded: whoever prints a box rounds the
    union it prints (rounding is monotonic, so the union of rounded boxes is the same).
    ``confidence`` (0–1) is the recogniser's, for a character read by OCR; ``None`` otherwise.
    A named tuple, not a dataclass: a document makes one per printed character.
    """

    page: int
    bbox: BBox
    confidence: float | None = None


def as_char_box(item: Any) -> CharBox | None:
    """An item of a document's boxes as a CharBox: itself, or made from the character that
    stands for it (``extractors._assemble.Char``: its page, bbox and confidence)."""
    if item is None or type(item) is CharBox:
        return item
    return CharBox(item.page, item.bbox, item.confidence)


class CharBoxes(Sequence[CharBox | None]):
    """A document's box per character of its text (None where none), given out as CharBox.

    The PDF assembly keeps the page source's character itself where its box is
    (``extractors._assemble.Char``, which reads as a CharBox: ``page``, ``bbox``,
    ``confidence``), instead of a CharBox, a box tuple and four floats per character that
    mostly nobody reads. An item or slice read gives CharBox; ``items`` are as kept, which
    ``Document.locate`` and ``confidence`` read directly. Equal to a sequence of the same boxes.
    ``scored`` is False where no page was read by OCR: no box has a confidence then (a page
    source gives one only to a character OCR read, ``PageContent``).
    """

    __slots__ = ("items", "scored")

    def __init__(self, items: list[Any], *, scored: bool = True) -> None:
        self.items = items
        self.scored = scored

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> CharBox | None: ...
    @overload
    def __getitem__(self, index: slice) -> list[CharBox | None]: ...
    def __getitem__(self, index: int | slice) -> CharBox | None | list[CharBox | None]:
        if isinstance(index, slice):
            return [as_char_box(item) for item in self.items[index]]
        return as_char_box(self.items[index])

    def __iter__(self) -> Iterator[CharBox | None]:
        return map(as_char_box, self.items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CharBoxes | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CharBoxes({list(self)!r})"


@dataclass(frozen=True)
class OcrPage:
    """A page read by OCR: how long it took and how many characters it gave."""

    number: int
    seconds: float
    chars: int


@dataclass(frozen=True)
class Cell:
    """One table cell or free paragraph, in reading order.

    ``table`` is ``None`` for a paragraph outside any table; ``row``/``col`` are then the
    paragraph's index and 0. ``start``/``end`` locate ``text`` in ``Document.text``.
    ``row_span``/``col_span`` say how many grid rows and columns a merged cell covers
    (a merged cell is one ``Cell``, at its top-left position).
    """

    text: str
    start: int
    end: int
    table: int | None
    row: int
    col: int
    page: int | None = None
    bbox: BBox | None = None
    row_span: int = 1
    col_span: int = 1

    @property
    def span(self) -> Span:
        return (self.start, self.end)


def new_cell(text: str, start: int, end: int, table: int | None, row: int, col: int, page: int | None,
             bbox: BBox | None, row_span: int, col_span: int) -> Cell:
    """``Cell(...)`` with every field given, made at once: a frozen dataclass's ``__init__``
    sets each field through ``object.__setattr__``, ~2.5× the cost, and a document makes a
    cell per table cell and paragraph. The cell is the same: equal, frozen, the same repr."""
    cell = object.__new__(Cell)
    cell.__dict__.update(text=text, start=start, end=end, table=table, row=row, col=col, page=page, bbox=bbox,
                         row_span=row_span, col_span=col_span)
    return cell


@dataclass(frozen=True)
class Source:
    """The file a document was read from."""

    path: str
    sha256: str
    format: str
    pages: int | None = None


@dataclass
class Document:
    """A submission read into cells, one text string, and (for PDFs) a box per character."""

    source: Source
    text: str
    cells: list[Cell]
    char_boxes: Sequence[CharBox | None] | None = None
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[OcrPage] = field(default_factory=list)

    @property
    def ocr(self) -> bool:
        """Whether any page was read by OCR (a scan)."""
        return bool(self.ocr_pages)

    def _box_items(self) -> Sequence[Any] | None:
        """The boxes as kept: CharBoxes' items (CharBox or Char), else the sequence itself."""
        boxes = self.char_boxes
        return boxes.items if isinstance(boxes, CharBoxes) else boxes

    def confidence(self, start: int, end: int) -> float | None:
        """The lowest OCR confidence among the characters ``text[start:end]``; ``None`` if none was OCR'd."""
        items = self._box_items()
        if items is None or (isinstance(self.char_boxes, CharBoxes) and not self.char_boxes.scored):
            return None
        scores = [b.confidence for b in items[start:end] if b is not None and b.confidence is not None]
        return min(scores) if scores else None

    def rows(self) -> list[list[Cell]]:
        """The cells grouped by (table, row), in reading order."""
        grouped: list[list[Cell]] = []
        key: tuple[int | None, int] | None = None
        for cell in self.cells:
            this = (cell.table, cell.row)
            if this != key:
                grouped.append([])
                key = this
            grouped[-1].append(cell)
        return grouped

    def locate(self, start: int, end: int) -> tuple[int | None, BBox | None]:
        """Page and union box of the characters ``text[start:end]``; ``(None, None)`` if unknown."""
        items = self._box_items()
        if items is None:
            return None, None
        if _assemble is not None:
            try:
                return _assemble.locate(items, start, end)
            except ValueError:  # a coordinate that is not a number: min and max below
                pass
        boxes = [b for b in items[start:end] if b is not None]
        if not boxes:
            return None, None
        page = boxes[0].page
        lefts, tops, rights, bottoms = zip(*[b.bbox for b in boxes if b.page == page], strict=True)
        return page, (min(lefts), min(tops), max(rights), max(bottoms))


class DocumentBuilder:
    """Appends cells to one growing text, recording each cell's offsets (and char boxes)."""

    def __init__(self, source: Source, *, with_boxes: bool = False) -> None:
        self._source = source
        self._parts: list[str] = []
        self._length = 0
        self._cells: list[Cell] = []
        self._boxes: list[CharBox | None] | None = [] if with_boxes else None
        self.warnings: list[str] = []
        self.ocr_pages: list[OcrPage] = []

    def add_cell(
        self,
        text: str,
        *,
        table: int | None,
        row: int,
        col: int,
        page: int | None = None,
        bbox: BBox | None = None,
        char_boxes: Sequence[CharBox | None] | None = None,
        row_span: int = 1,
        col_span: int = 1,
    ) -> Cell:
        """Add one cell's already-normalised text.

        An empty cell adds nothing to the text (it keeps its place in ``cells`` as an
        empty span). ``char_boxes``, when given, has one entry per character of ``text``.
        """
        if not text:
            cell = new_cell("", self._length, self._length, table, row, col, page, bbox, row_span, col_span)
            self._cells.append(cell)
            return cell
        if self._parts:
            self._parts.append("\n")
            self._length += 1
            if self._boxes is not None:
                self._boxes.append(None)
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        if self._boxes is not None:
            if char_boxes is not None and len(char_boxes) == len(text):
                self._boxes.extend(char_boxes)
            else:
                self._boxes.extend([None] * len(text))
        cell = new_cell(text, start, self._length, table, row, col, page, bbox, row_span, col_span)
        self._cells.append(cell)
        return cell

    def add_cells(self, texts: Iterable[str], *, table: int | None, row: int) -> None:
        """Add a row of plain cells (no pages or boxes)."""
        for col, text in enumerate(texts):
            self.add_cell(text, table=table, row=row, col=col)

    def build(self) -> Document:
        """The finished document."""
        return Document(
            source=self._source,
            text="".join(self._parts),
            cells=self._cells,
            char_boxes=CharBoxes(self._boxes, scored=bool(self.ocr_pages)) if self._boxes is not None else None,
            warnings=list(self.warnings),
            ocr_pages=list(self.ocr_pages),
        )

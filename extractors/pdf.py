"""PDF submissions: table cells (merged ones once) and free lines, every character boxed.

pdfplumber finds the ruled tables; characters are assigned to the cell whose box holds
their centre, so a merged cell is read once and a number wrapped inside a narrow cell
(``1867.0`` / ``5亿元``) is joined back without a break. Each character keeps its page
and box, so a figure's box is the union of its characters'.
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from extractors._typing import BBox
from extractors.document import CharBox, Document, DocumentBuilder, Source
from extractors.errors import CorruptFile, Encrypted, NoTextLayer

_CID = re.compile(r"^\(cid:\d+\)$")
# a wrapped line that starts a numbered item keeps its line break
_ITEM_START = re.compile(
    r"^(?:\d{1,2}\s*[.．、](?!\d)|任务\s*\d|[（(][一二三四五六七八九十\d]+[)）])"
)
LINE_TOLERANCE = 3.0
Char = dict[str, Any]
Pair = tuple[str, CharBox | None]


def read_pdf(data: bytes, source: Source) -> Document:
    """Read a PDF into a Document: per page, tables and free lines from top to bottom."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many unrelated types for a damaged file
        raise _refusal(exc) from None
    with pdf:
        try:
            return _read_pages(pdf, source)
        except NoTextLayer:
            raise
        except Exception as exc:  # a broken object can surface on any page
            raise _refusal(exc) from None


def _refusal(exc: BaseException) -> Encrypted | CorruptFile:
    """The error for a PDF pdfminer could not read: locked, or damaged."""
    # pdfplumber wraps pdfminer's errors; the wrapped one says what happened
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return Encrypted("the PDF is locked with a password; remove the password and resubmit")
    return CorruptFile(f"the PDF is damaged ({type(inner).__name__}); resubmit it")


def _read_pages(pdf: pdfplumber.PDF, source: Source) -> Document:
    pages = pdf.pages
    source = Source(source.path, source.sha256, source.format, len(pages))
    builder = DocumentBuilder(source, with_boxes=True)
    total_chars = 0
    table_id = 0
    paragraph = 0
    for number, page in enumerate(pages, start=1):
        chars, lost = _usable_chars(page.chars)
        if lost:
            builder.warnings.append(
                f"page {number}: {lost} characters have no Unicode mapping (shown as (cid:N)) and were left out"
            )
        total_chars += len(chars)
        if not chars:
            continue
        tables = page.find_tables()
        blocks: list[tuple[float, str, Any]] = [(t.bbox[1], "table", t) for t in tables]
        table_boxes = [t.bbox for t in tables]
        loose = [c for c in chars if not any(_inside(c, box) for box in table_boxes)]
        for line in _lines(loose):
            blocks.append((line[0]["top"], "line", line))
        blocks.sort(key=lambda block: (block[0], block[1] == "line"))
        index = _CharIndex(chars)
        for _, kind, block in blocks:
            if kind == "line":
                pairs = _line_pairs(block, number)
                text, boxes = _normalise(pairs)
                builder.add_cell(
                    text,
                    table=None,
                    row=paragraph,
                    col=0,
                    page=number,
                    bbox=_union([b.bbox for b in boxes if b]),
                    char_boxes=boxes,
                )
                paragraph += 1
                continue
            for row_index, row in enumerate(block.rows):
                for col, cell_box in enumerate(row.cells):
                    if cell_box is None:
                        continue
                    pairs = _cell_pairs(index.within(cell_box), number)
                    text, boxes = _normalise(pairs)
                    builder.add_cell(
                        text,
                        table=table_id,
                        row=row_index,
                        col=col,
                        page=number,
                        bbox=tuple(cell_box),
                        char_boxes=boxes,
                    )
            table_id += 1
    if total_chars == 0:
        raise NoTextLayer("the PDF has no text layer (a scan); send the original or an OCR'd PDF")
    return builder.build()


def _usable_chars(chars: Iterable[Char]) -> tuple[list[Char], int]:
    usable, lost = [], 0
    for char in chars:
        text = char.get("text", "")
        if _CID.match(text):
            lost += 1
        elif text:
            usable.append(char)
    return usable, lost


def _inside(char: Char, box: Sequence[float]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


class _CharIndex:
    """Characters sorted by vertical centre, for quick lookup of a cell's characters."""

    def __init__(self, chars: list[Char]) -> None:
        self.chars = sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2)
        self.centres = [(c["top"] + c["bottom"]) / 2 for c in self.chars]

    def within(self, box: Sequence[float]) -> list[Char]:
        low = bisect.bisect_left(self.centres, box[1])
        high = bisect.bisect_right(self.centres, box[3])
        return [c for c in self.chars[low:high] if box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2]]


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Group characters into lines by their vertical position, each sorted left to right."""
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - char["top"]) <= LINE_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _line_pairs(line: list[Char], page: int) -> list[Pair]:
    pairs: list[Pair] = []
    previous: Char | None = None
    for char in line:
        if previous is not None and char["x0"] - previous["x1"] > max(
            1.5, 0.25 * (char["size"] or 10)
        ):
            pairs.append((" ", None))
        pairs.append((char["text"], CharBox(page, _box(char))))
        previous = char
    return pairs


def _cell_pairs(chars: list[Char], page: int) -> list[Pair]:
    """A cell's characters line by line; wrapped lines joined with no break (CJK has no spaces)."""
    pairs: list[Pair] = []
    for line in _lines(chars):
        line_pairs = _line_pairs(line, page)
        if pairs:
            text = "".join(ch for ch, _ in line_pairs)
            if _ITEM_START.match(text.lstrip()):
                pairs.append(("\n", None))
        pairs.extend(line_pairs)
    return pairs


def _normalise(pairs: list[Pair]) -> tuple[str, list[CharBox | None]]:
    """Fold blanks as ``normalise_cell_text`` does, keeping each character's box aligned."""
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


def _box(char: Char) -> BBox:
    return (
        round(char["x0"], 2),
        round(char["top"], 2),
        round(char["x1"], 2),
        round(char["bottom"], 2),
    )


def _union(boxes: list[BBox]) -> BBox | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )

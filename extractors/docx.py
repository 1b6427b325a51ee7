"""Word (.docx) submissions, read from the document XML in reading order.

python-docx's ``cell.text`` repeats a merged cell across its span, misses text inside
content controls (``w:sdt``), checkbox controls (``w14:checkbox``) and nested tables.
So this reader walks the body XML itself: each ``w:tc`` once (horizontal spans via
``gridSpan``, vertical merges as ``row_span`` on the top cell), content controls read through,
checkboxes turned into ☑/□ marks, nested tables as tables of their own.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

import docx
from lxml import etree

from extractors.document import Document, DocumentBuilder, Source, normalise_cell_text
from extractors.errors import CorruptFile, Encrypted, TooLarge, WrongFormat
from extractors.marks import glyph, symbol_table

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200

_TAGS: dict[str, str] = {}


def _w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag (cached: the walk asks for a few, often)."""
    name = _TAGS.get(tag)
    if name is None:
        name = _TAGS[tag] = f"{{{W}}}{tag}"
    return name


# the tags and attributes the walk asks for at every element, named once
_W_P = _w("p")
_W_TBL = _w("tbl")
_W_TC_PR = _w("tcPr")
_W_GRID_SPAN = _w("gridSpan")
_W_VAL = _w("val")
_W_V_MERGE = _w("vMerge")
_W_SDT = _w("sdt")
_W_SDT_CONTENT = _w("sdtContent")
_W_R = _w("r")
_W_SYM = _w("sym")
_W_CHAR = _w("char")
_W_FONT = _w("font")
_W_TR = _w("tr")
_W_TC = _w("tc")
_RUN_FONTS = f"{_w('rPr')}/{_w('rFonts')}"
_CHECKBOX = f"{_w('sdtPr')}/{{{W14}}}checkbox"
_SHOWING_PLACEHOLDER = f"{_w('sdtPr')}/{_w('showingPlcHdr')}"


def check_package(data: bytes) -> None:
    """Refuse what must not reach an XML parser: encrypted files, bombs, non-Word ZIPs."""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise Encrypted("the file is locked with a password; remove the password and resubmit")
        raise WrongFormat(
            "the file is named .docx but is an old-style Word 97-2003 document; save it as .docx and resubmit"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        raise CorruptFile(
            "the Word file is damaged (not a readable ZIP package); resubmit it"
        ) from None
    names = {member.filename for member in members}
    if "word/document.xml" not in names:
        raise WrongFormat(
            "the file is named .docx but is a ZIP archive without a Word document in it"
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise TooLarge(
            f"the Word file unpacks to {total:,} bytes, over the limit of {MAX_UNCOMPRESSED_BYTES:,} bytes"
        )
    for member in members:
        if (
            member.compress_size
            and member.file_size > 1_000_000
            and (member.file_size / member.compress_size > MAX_COMPRESSION_RATIO)
        ):
            raise TooLarge(
                f"{member.filename} inflates {member.file_size // member.compress_size}x "
                f"(limit {MAX_COMPRESSION_RATIO}x): a ZIP bomb"
            )
        if member.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(member) as part:
                    declares = _declares_entities(part)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
                raise CorruptFile(
                    f"the Word file is damaged ({member.filename} cannot be unpacked); resubmit it"
                ) from None
            if declares:
                raise TooLarge(
                    f"{member.filename} declares XML entities (an entity-expansion bomb); "
                    "no entity declarations are allowed in a Word file"
                )


_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def _declares_entities(part: IO[bytes]) -> bool:
    """True when an XML part holds a DOCTYPE or ENTITY declaration anywhere.

    In XML bytes a literal ``<!`` can only be markup (text escapes ``<``), so a plain scan
    is exact; the whole part is streamed, so nothing hides behind a long comment.
    """
    tail = b""
    while chunk := part.read(1 << 16):
        window = tail + chunk
        if any(marker in window for marker in _DECLARATIONS):
            return True
        tail = window[-16:]
    return False


def read_docx(data: bytes, source: Source) -> Document:
    """Read a .docx into a Document: paragraphs and table cells in reading order."""
    check_package(data)
    try:
        body = _main_body(data)
        if body is None:  # an unusual package: let python-docx find its main part
            body = docx.Document(io.BytesIO(data)).element.body
    except (
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        zlib.error,
        etree.XMLSyntaxError,
        OSError,
        EOFError,
    ) as exc:
        raise CorruptFile(f"the Word file is damaged ({type(exc).__name__}); resubmit it") from None
    builder = DocumentBuilder(source)
    _BodyWalker(builder).walk(body)
    return builder.build()


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
_OFFICE_DOCUMENT = "/officeDocument"


def _main_body(data: bytes) -> etree._Element | None:
    """``w:body`` of a package whose main part is ``word/document.xml``, parsed directly.

    Opening the whole package with python-docx parses every part (styles, numbering,
    themes) for a body this reader walks alone; None for any other layout.
    """
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        return None
    relations = etree.fromstring(archive.read("_rels/.rels"), _PARSER)
    targets = [rel.get("Target", "").lstrip("/") for rel in relations
               if rel.get("Type", "").endswith(_OFFICE_DOCUMENT)]
    if targets != ["word/document.xml"]:
        return None
    body = etree.fromstring(archive.read("word/document.xml"), _PARSER).find(_w("body"))
    if body is None:
        raise ValueError("word/document.xml has no body")
    return body


class _BodyWalker:
    def __init__(self, builder: DocumentBuilder) -> None:
        self.builder = builder
        self.tables = 0
        self.paragraphs = 0

    def walk(self, container: etree._Element) -> None:
        for child in _block_children(container):
            if child.tag == _W_P:
                self.builder.add_cell(
                    normalise_cell_text(paragraph_text(child)),
                    table=None,
                    row=self.paragraphs,
                    col=0,
                )
                self.paragraphs += 1
            elif child.tag == _W_TBL:
                self.read_table(child)

    def read_table(self, table: etree._Element) -> None:
        table_id = self.tables
        self.tables += 1
        rows = [list(_row_cells(row)) for row in _children(table, _W_TR)]
        for row_index, cells in enumerate(rows):
            for column, span, continued, cell in cells:
                if continued:
                    # the cell above holds this text already and spans down over it
                    continue
                text = "\n".join(paragraph_text(p) for p in _cell_paragraphs(cell))
                self.builder.add_cell(
                    normalise_cell_text(text),
                    table=table_id,
                    row=row_index,
                    col=column,
                    col_span=span,
                    row_span=_rows_merged_below(rows, row_index, column),
                )
                for nested in _cell_tables(cell):
                    self.read_table(nested)


_GridCell = tuple[int, int, bool, etree._Element]


def _row_cells(row: etree._Element) -> Iterator[_GridCell]:
    """(column, column span, continues a vertical merge, w:tc) for each cell of a row."""
    column = 0
    for cell in _children(row, _W_TC):
        properties = cell.find(_W_TC_PR)
        span = 1
        continued = False
        if properties is not None:
            grid = properties.find(_W_GRID_SPAN)
            if grid is not None:
                span = int(grid.get(_W_VAL, "1") or 1)
            merge = properties.find(_W_V_MERGE)
            continued = merge is not None and merge.get(_W_VAL, "continue") == "continue"
        yield column, span, continued, cell
        column += span


def _rows_merged_below(rows: list[list[_GridCell]], row_index: int, column: int) -> int:
    """How many grid rows a cell starting at ``column`` covers: itself and its vMerge continuations."""
    span = 1
    for below in rows[row_index + 1 :]:
        if not any(col == column and continued for col, _, continued, _ in below):
            break
        span += 1
    return span


def _block_children(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body or cell, looking through block-level content controls."""
    for child in container:
        if child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _block_children(content)
        elif child.tag in (_W_P, _W_TBL):
            yield child


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Rows of a table or cells of a row (``tag``, a Clark name), including those wrapped in
    content controls."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)


def _cell_paragraphs(cell: etree._Element) -> Iterator[etree._Element]:
    return (child for child in _block_children(cell) if child.tag == _W_P)


def _cell_tables(cell: etree._Element) -> Iterator[etree._Element]:
    return (child for child in _block_children(cell) if child.tag == _W_TBL)


def paragraph_text(paragraph: etree._Element) -> str:
    """The visible text of a paragraph, content controls and checkboxes included."""
    parts: list[str] = []
    if _plain_text(paragraph, parts):
        return "".join(parts)
    parts.clear()
    _collect(paragraph, parts)
    return "".join(parts)


def _plain_text(paragraph: etree._Element, parts: list[str]) -> bool:
    """``_collect`` for the common paragraph (runs of text, tabs and breaks), with lxml's own
    walk in document order; False, having given up, for any other (a content control, a
    symbol, skipped content, or one of its text elements holding elements of its own)."""
    if next(paragraph.iter(*_SPECIAL), None) is not None:
        return False
    for element in paragraph.iter(*_PLAIN):
        if len(element):
            return False  # _collect would not look inside it
        tag = element.tag
        if tag == _T:
            text = element.text or ""
            font = _run_font(element.getparent())
            parts.append("".join(glyph(font, ch) for ch in text) if font else text)
        else:
            parts.append(" " if tag in _SPACES else "\n")
    return True


def _run_font(run: etree._Element) -> str | None:
    """The run's symbol font, if one of its fonts is one (Wingdings, Wingdings 2)."""
    if run.tag != _W_R:
        return None
    fonts = run.find(_RUN_FONTS)
    if fonts is None:
        return None
    return next((name for name in fonts.attrib.values() if symbol_table(name)), None)


_T, _SDT, _SKIPPED = _w("t"), _W_SDT, (
    f"{{{MC}}}Fallback", _w("delText"), _w("instrText"), _W_TBL, _w("moveFrom"))
_SPACES, _BREAKS = (_w("tab"), _w("ptab")), (_w("br"), _w("cr"))
_SPECIAL = (_SDT, _W_SYM, *_SKIPPED)  # what _collect treats otherwise than as plain runs
_PLAIN = (_T, *_SPACES, *_BREAKS)


def _collect(element: etree._Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == _T:
            text = child.text or ""
            font = _run_font(element)
            parts.append("".join(glyph(font, ch) for ch in text) if font else text)
        elif tag in _SPACES:
            parts.append(" ")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _W_SYM:
            code = child.get(_W_CHAR) or ""
            font = child.get(_W_FONT) or "Wingdings"
            with contextlib.suppress(ValueError):
                parts.append(glyph(font, chr(int(code, 16))))
        elif tag == _SDT:
            checkbox = child.find(_CHECKBOX)
            if checkbox is not None:
                checked = checkbox.find(f"{{{W14}}}checked")
                value = checked.get(f"{{{W14}}}val", "0") if checked is not None else "0"
                parts.append("☑" if value in ("1", "true") else "□")
            elif child.find(_SHOWING_PLACEHOLDER) is None:
                # a control still showing its placeholder (单击或点击此处输入文字) is blank
                content = child.find(_W_SDT_CONTENT)
                if content is not None:
                    _collect(content, parts)
        elif tag in _SKIPPED:
            continue
        else:
            _collect(child, parts)

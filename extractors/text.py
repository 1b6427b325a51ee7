"""Plain-text submissions: one table row per line, cells separated by tabs.

This is how forms arrive when copied out of a spreadsheet or exported by the
submission portal: merged cells become empty cells, and a cell holding several
paragraphs carries them as ``<p>…</p>``.
"""

from __future__ import annotations

import re

from extractors.document import Document, DocumentBuilder, Source, normalise_cell_text
from extractors.errors import UndecodableText

_PARAGRAPH = re.compile(r"</?p\s*>|<br\s*/?>", re.IGNORECASE)
ENCODINGS_TRIED = "UTF-8, UTF-16 and GB18030"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode submission bytes; return the text and the encoding that worked.

    Tries a BOM first, then UTF-8, UTF-16 (when the bytes look like it) and GB18030.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UndecodableText(
                f"the text has a UTF-16 mark but does not decode ({exc.reason}); tried {ENCODINGS_TRIED}"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-16 without a BOM: every other byte of ASCII-range text is NUL
    if len(data) >= 4 and data.count(b"\x00") * 4 >= len(data):
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise UndecodableText(
            f"the text is in an unknown encoding; tried {ENCODINGS_TRIED}"
        ) from None


def split_cell(raw: str) -> str:
    """One tab-separated cell to normalised text, ``<p>`` paragraphs on lines of their own."""
    return normalise_cell_text(_PARAGRAPH.sub("\n", raw))


def read_text(data: bytes, source: Source) -> Document:
    """Read a tab-separated text submission into a Document (one table, a row per line)."""
    text, _encoding = decode_text(data)
    if "\x00" in text or _looks_binary(text):
        raise UndecodableText(f"the file does not read as text in any of {ENCODINGS_TRIED}")
    builder = DocumentBuilder(source)
    for row, line in enumerate(re.split(r"\r\n|\r|\n", text)):
        if not line.strip():
            continue
        builder.add_cells((split_cell(raw) for raw in line.split("\t")), table=0, row=row)
    return builder.build()


def _looks_binary(text: str) -> bool:
    """Control characters other than tab/newline in bulk mean we decoded garbage."""
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls > max(8, len(sample) // 50)

"""Plain-text submissions: one table row per line, cells separated by tabs.

This is how forms arrive when copied out of a spreadsheet or exported by the
submission portal: merged cells become empty cells, and a cell holding several
paragraphs carries them as ``<p>…</p>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import Document, DocumentBuilder, Source, normalise_cell_text
from extractors.errors import UndecodableText

_PARAGRAPH = re.compile(r"</?p\s*>|<br\s*/?>", re.IGNORECASE)
ENCODINGS_TRIED = "UTF-8, UTF-16 and GB18030"
# Damaged characters tolerated: 0.2% of the text (a 5,000-character form: 10), none in a tiny file.
MAX_REPLACED_SHARE = 0.002


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from a submission's bytes, and how many damaged bytes were replaced."""

    text: str
    encoding: str
    replaced: int = 0


def decode_text(data: bytes) -> DecodedText:
    """Decode submission bytes: a BOM first, then UTF-8, UTF-16 (when it looks like it), GB18030.

    A file that is clearly in one encoding but has a few damaged bytes is read with those
    bytes replaced (``replaced`` says how many) rather than refused whole.
    """
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            body = data[len(bom):] if encoding == "utf-8" else data
            decoded = _lenient(body, encoding)
            if decoded is None:
                raise UndecodableText(
                    f"the text is marked as {encoding.upper()} but much of it does not decode; "
                    f"tried {ENCODINGS_TRIED}"
                )
            return decoded
    # strict first; a damaged UTF-8 file is still UTF-8 (GB18030 would read it as mojibake)
    attempts = [("utf-8", False), *((e, False) for e in _utf16_guess(data)), ("utf-8", True),
                ("gb18030", False), ("gb18030", True)]
    for encoding, lenient in attempts:
        if lenient:
            decoded = _lenient(data, encoding)
            if decoded is not None:
                return decoded
            continue
        try:
            return DecodedText(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    raise UndecodableText(f"the text is in an unknown encoding; tried {ENCODINGS_TRIED}")


def _utf16_guess(data: bytes) -> list[str]:
    # UTF-16 without a BOM: every other byte of ASCII-range text is NUL
    return ["utf-16-le", "utf-16-be"] if len(data) >= 4 and data.count(b"\x00") * 4 >= len(data) else []


def _lenient(data: bytes, encoding: str) -> DecodedText | None:
    """The text with undecodable bytes replaced, if they are few (a damaged file, not another encoding)."""
    text = data.decode(encoding, errors="replace")
    replaced = text.count("\ufffd")
    if replaced <= len(text) * MAX_REPLACED_SHARE:
        return DecodedText(text, encoding, replaced)
    return None


def split_cell(raw: str) -> str:
    """One tab-separated cell to normalised text, ``<p>`` paragraphs on lines of their own."""
    return normalise_cell_text(_PARAGRAPH.sub("\n", raw))


def read_text(data: bytes, source: Source) -> Document:
    """Read a tab-separated text submission into a Document (one table, a row per line)."""
    decoded = decode_text(data)
    text = decoded.text
    if "\x00" in text or _looks_binary(text):
        raise UndecodableText(f"the file does not read as text in any of {ENCODINGS_TRIED}")
    builder = DocumentBuilder(source)
    if decoded.replaced:
        builder.warnings.append(
            f"{decoded.replaced} damaged bytes of the {decoded.encoding.upper()} text were replaced by \ufffd; "
            "check the values near them"
        )
    for row, line in enumerate(re.split(r"\r\n|\r|\n", text)):
        if not line.strip():
            continue
        builder.add_cells((split_cell(raw) for raw in line.split("\t")), table=0, row=row)
    return builder.build()


def _looks_binary(text: str) -> bool:
    """Control characters other than tab/newline in bulk mean we decoded garbage."""
    sample = text[:4096]
    controls = len(_CONTROLS.findall(sample))
    return controls > max(8, len(sample) // 50)


_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # below 32, but tab, line feed, form feed, return

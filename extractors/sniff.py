"""Decide what a file really is before any parser touches it.

Extensions lie and parsers fail late and obscurely; a look at the first bytes and the
size gives the clerk a sentence they can act on (contract/ERRORS.md).
"""

from __future__ import annotations

from pathlib import Path

from extractors.errors import EmptyFile, TooLarge, UnsupportedFormat, WrongFormat

ACCEPTED = {
    ".pdf": "pdf", ".docx": "docx", ".txt": "text",
    # a scanned form sent as a picture, read by OCR
    ".jpg": "image", ".jpeg": "image", ".png": "image", ".tif": "image", ".tiff": "image",
}
IMAGE_KINDS = ("jpeg", "png", "tiff")
LEGACY = {
    ".doc": "legacy Word (.doc)",
    ".wps": "WPS Writer (.wps)",
    ".xls": "legacy Excel (.xls)",
    ".xlsx": "Excel (.xlsx)",
    ".et": "WPS Spreadsheet (.et)",
    ".ppt": "PowerPoint (.ppt)",
    ".rtf": "RTF (.rtf)",
    ".odt": "OpenDocument (.odt)",
}
ACCEPTED_SENTENCE = (
    "accepted formats are PDF (.pdf), Word 2007+ (.docx), plain text (.txt) "
    "and scanned images (.jpg, .png, .tif)"
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "cfb"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"{\\rtf", "rtf"),
)

WHAT_IT_IS = {
    "pdf": "a PDF",
    "zip": "a ZIP archive",
    "docx": "a Word .docx file",
    "xlsx": "an Excel .xlsx file",
    "odf": "an OpenDocument file",
    "cfb": "an old-style Office file (Word 97-2003 / Excel / WPS)",
    "png": "a PNG image",
    "jpeg": "a JPEG image",
    "gif": "a GIF image",
    "tiff": "a TIFF image",
    "image": "a scanned image (JPEG, PNG or TIFF)",
    "rtf": "an RTF document",
    "html": "an HTML page",
    "text": "plain text",
    "unknown": "of an unknown binary type",
}


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is: pdf, zip, cfb, png, jpeg, gif, tiff, rtf, html, text or unknown."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # PDF readers accept a header within the first KiB
    if b"%PDF-" in head[:1024]:
        return "pdf"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text" if _is_utf16_text(head) else "unknown"  # a byte order mark, and text after it
    if b"\x00" in head[:1024] or _control_share(head[:2048]) > MAX_CONTROL_SHARE:
        return "unknown"
    return "text"


# Text in any encoding a form comes in (UTF-8, GB18030, even Latin-1) has almost no C0 control
# bytes but tab, newline, carriage return and form feed; random or compressed bytes have ~10%.
MAX_CONTROL_SHARE = 0.02
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13} | {127}


_CONTROL_BYTES = bytes(sorted(_CONTROL))


def _control_share(head: bytes) -> float:
    # the control bytes counted as what deleting them takes away (one C pass, not a loop)
    return (len(head) - len(head.translate(None, _CONTROL_BYTES))) / len(head) if head else 0.0


def _is_utf16_text(head: bytes) -> bool:
    """The bytes after a UTF-16 byte order mark decode as text with few control characters.

    Two random bytes are a byte order mark once in ~30,000 files; what follows them is
    no UTF-16 (unpaired surrogates, ~3% of random code units) unless it is text.
    """
    codec = "utf-16-le" if head.startswith(b"\xff\xfe") else "utf-16-be"
    body = head[2 : len(head) - len(head) % 2]
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.start < len(body) - 4:  # not merely a pair cut at the end of the head
            return False
        text = body[: exc.start].decode(codec)
    controls = sum(ord(char) in _CONTROL for char in text)
    return not text or controls / len(text) <= MAX_CONTROL_SHARE


def _zip_kind(data: bytes) -> str:
    """Which Office file a ZIP is, by the part names its directory lists (stored uncompressed)."""
    if b"word/document.xml" in data:
        return "docx"
    if b"xl/workbook.xml" in data:
        return "xlsx"
    if b"mimetype" in data[:100] and b"opendocument" in data[:200]:
        return "odf"
    return "zip"


def classify(path: Path, *, max_bytes: int) -> tuple[str, bytes]:
    """Check size, extension and magic bytes; return the reader to use and the file's bytes.

    Raises EmptyFile, TooLarge, UnsupportedFormat or WrongFormat.
    """
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile("the file is empty (0 bytes); resubmit the completed form")
    if size > max_bytes:
        raise TooLarge(f"the file is {size:,} bytes, over the limit of {max_bytes:,} bytes")
    suffix = path.suffix.lower()
    if suffix in LEGACY:
        raise UnsupportedFormat(f"{LEGACY[suffix]} files are not read; {ACCEPTED_SENTENCE}")
    if suffix not in ACCEPTED:
        raise UnsupportedFormat(
            f"files ending in {suffix or '(no extension)'!r} are not read; {ACCEPTED_SENTENCE}"
        )
    data = path.read_bytes()
    expected = ACCEPTED[suffix]
    found = _zip_kind(data) if sniff(data[:2048]) == "zip" else sniff(data[:2048])
    if expected == "pdf" and found != "pdf":
        raise WrongFormat(f"the file is named .pdf but is {WHAT_IT_IS[found]}; expected a PDF")
    if expected == "docx" and found not in ("zip", "docx", "cfb"):
        raise WrongFormat(
            f"the file is named .docx but is {WHAT_IT_IS[found]}; expected a Word .docx"
        )
    if expected == "image" and found not in IMAGE_KINDS:
        raise WrongFormat(
            f"the file is named {suffix} but is {WHAT_IT_IS[found]}; expected a scanned image"
        )
    if expected == "text" and found not in ("text",):
        raise WrongFormat(f"the file is named .txt but is {WHAT_IT_IS[found]}; expected plain text")
    return expected, data

"""Personal data (contact person, phone, email) kept out of what analysts and auditors see.

The warehouse keeps those values only in ``contacts``; everywhere else — the stored
document text, trace pages — every occurrence is blotted out character for character,
so every span still points at the same offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors._typing import Span
from pipeline.fields import FIELD_SPECS

CONTACT_KEYS: tuple[str, ...] = tuple(spec.key for spec in FIELD_SPECS if spec.personal)
# A personal value shorter than this is too likely to occur by chance to be masked everywhere.
MIN_MASKED = 2
# A full block: a redaction mark no form prints, so a run of it is always a withheld value.
MASK_CHAR = "█"

_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def personal_ranges(text: str, contacts: Iterable[str | None]) -> list[Span]:
    """Where the contact person, phone and email occur in a document text.

    The warehouse keeps these only in ``contacts``, without spans, so every occurrence of each
    value (and of each part of a list such as ``0759-1234567、136…``) is masked.
    """
    return needle_ranges(text, personal_needles(contacts))


def personal_needles(contacts: Iterable[str | None]) -> list[str]:
    """What ``personal_ranges`` looks for: each contact value and each part of a list of them,
    long enough to mask (``MIN_MASKED``)."""
    needles: set[str] = set()
    for value in contacts:
        if not value:
            continue
        needles.add(value.strip())
        needles.update(_SEPARATORS.split(value))
    return [needle for needle in needles if len(needle) >= MIN_MASKED]


def needle_ranges(text: str, needles: Iterable[str]) -> list[Span]:
    """Every occurrence of each of ``needles`` in ``text``, in order."""
    ranges: list[Span] = []
    for needle in needles:
        start = text.find(needle)
        while start >= 0:
            ranges.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    return sorted(ranges)


def mask_text(text: str, ranges: Iterable[Span], offset: int = 0) -> str:
    """``text`` (starting at ``offset`` of its document) with personal ranges blotted out, same length."""
    if not ranges:
        return text
    chars = list(text)
    for start, end in ranges:
        for i in range(max(start - offset, 0), min(end - offset, len(chars))):
            if chars[i] != "\n":
                chars[i] = MASK_CHAR
    return "".join(chars)


def mask_personal(text: str, contacts: Iterable[str | None]) -> str:
    """``text`` with every occurrence of the contact values blotted out, same length."""
    return mask_text(text, personal_ranges(text, contacts))


_MASKED = re.compile(f"{re.escape(MASK_CHAR)}+")


def masked_ranges(stored: str) -> list[Span]:
    """Where a stored (already blotted) document text hides personal values: its runs of the mask.

    The same places ``personal_ranges`` found in the original text (less any line breaks inside
    them), so tracing, redacting a page and comparing a new reading need no contact value at all:
    those stay in the contacts file, which whoever traces a figure may not be allowed to read.
    """
    return [match.span() for match in _MASKED.finditer(stored)]

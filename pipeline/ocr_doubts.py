"""OCR confidence as doubts: a field or fact read from a scan below the threshold is a warning.

The recogniser's confidence travels with every character (``CharBox.confidence``) and every
field and fact carries the lowest of its characters'. A figure, a yes/no mark or a label's
value read with low confidence loads all the same, but the clerk is told where to look.
Personal fields are never quoted (their values stay out of warnings).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.fields import PERSONAL_KEYS

# below this the recogniser was unsure enough that a person should look at the scan
LOW_CONFIDENCE = 0.8


def ocr_doubts(fields: dict[str, Any], facts: list[dict[str, Any]]) -> Iterator[str]:
    """One warning per field and fact read by OCR with confidence under ``LOW_CONFIDENCE``."""
    for key, item in fields.items():
        confidence = item.get("confidence")
        if confidence is None or confidence >= LOW_CONFIDENCE:
            continue
        shown = "" if key in PERSONAL_KEYS else f" {item.get('text')!r}"
        yield (f"{key}: read by OCR with low confidence ({confidence:.2f}){shown} on page "
               f"{item.get('page')}; check it against the scan")
    for fact in facts:
        confidence = fact.get("confidence")
        if confidence is None or confidence >= LOW_CONFIDENCE:
            continue
        yield (f"figure {fact.get('text')!r} (task {fact.get('task_no')}) read by OCR with low "
               f"confidence ({confidence:.2f}) on page {fact.get('page')}; check it against the scan")

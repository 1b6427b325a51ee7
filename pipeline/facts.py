"""Figures of a form's free text as facts with provenance (contract/FACTS.md, OUTPUT.md).

The number reader works on plain strings; here its spans are moved into the document
text and given the page, box, task number and a stable id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from extractors.document import Document
from pipeline.figures import read_figures
from pipeline.form import FACT_FIELDS, Form
from pipeline.privacy import CONTACT_KEYS, mask_personal


def free_text_regions(form: Form) -> Iterator[tuple[int | None, int, int]]:
    """``(task_no, start, end)`` of every free text whose figures are facts: outcomes first."""
    for task in form.tasks:
        if task.outcome_span:
            yield task.no, task.outcome_span[0], task.outcome_span[1]
    for key in FACT_FIELDS:
        reading = form.fields.get(key)
        if reading is not None:
            yield None, reading.start, reading.end


def _text(form: Form, key: str) -> str | None:
    reading = form.fields.get(key)
    return str(reading.value) if reading is not None and reading.value is not None else None


def fact_id(sha256: str, start: int, end: int, kind: str) -> str:
    """A fact's stable id: the same file read twice gives the same ids."""
    return hashlib.sha256(f"{sha256}:{start}:{end}:{kind}".encode()).hexdigest()[:20]


def form_to_facts(
    document: Document, form: Form, warnings: list[str] | None = None
) -> list[dict[str, Any]]:
    """Every fact of the form's free text, as OUTPUT.md dicts with spans into the document.

    A figure left out because it could not be read with confidence is appended to
    ``warnings`` (when given), its span moved into the document text.
    """
    facts: list[dict[str, Any]] = []
    contacts = [_text(form, key) for key in CONTACT_KEYS]
    for task_no, start, end in free_text_regions(form):
        reading = read_figures(document.text[start:end])
        if warnings is not None:
            where = f"任务{task_no}：" if task_no is not None else ""
            # personal data never reaches warnings, not even inside a quoted figure
            warnings.extend(
                mask_personal(d.message(start, where), contacts) for d in reading.doubts
            )
        for fact in reading.facts:
            begin, finish = start + fact.start, start + fact.end
            item: dict[str, Any] = {
                "id": fact_id(document.source.sha256, begin, finish, fact.kind),
                "task_no": task_no,
            }
            item.update(fact.to_json())
            item["span"] = [begin, finish]
            page, bbox = document.locate(begin, finish)
            if page is not None:
                item["page"] = page
                item["bbox"] = [round(v, 2) for v in bbox] if bbox else None
            confidence = document.confidence(begin, finish)
            if confidence is not None:
                item["confidence"] = confidence
            facts.append(item)
    return facts

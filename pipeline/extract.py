"""One submission file in, its reading (contract/OUTPUT.md) out: the pure map the batch runs.

Everything here is a plain function of the file's bytes, so the batch can run it in
worker processes (or on another engine) and only the loader touches the warehouse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from extractors.document import Document, Source
from extractors.errors import InternalError, JixiaoError
from extractors.sniff import classify
from pipeline.checks import fields_to_checks
from pipeline.coverage import coverage_warnings, reading_coverage
from pipeline.facts import form_to_facts
from pipeline.fields import FIELD_SPECS
from pipeline.form import Form, document_to_form
from pipeline.tasks import Task

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
SCHEMA = "jixiao.form/1"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _readers() -> dict[str, Callable[[bytes, Source], Document]]:
    # imported here so that reading text never pays for pdfplumber's import
    from extractors.docx import read_docx
    from extractors.pdf import read_pdf
    from extractors.text import read_text

    return {"text": read_text, "docx": read_docx, "pdf": read_pdf}


def read_document(
    path: Path, *, sha256: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """Check a file and read it with the reader its real format needs."""
    kind, data = classify(path, max_bytes=max_bytes)
    digest = sha256 or hashlib.sha256(data).hexdigest()
    return _readers()[kind](data, Source(str(path), digest, kind))


def extract_file(
    path: Path, *, sha256: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> dict[str, Any]:
    """Read one submission into the JSON of contract/OUTPUT.md.

    Raises a ``extractors.errors.JixiaoError`` subclass (with ``error_code``) for bad input;
    anything unexpected becomes ``InternalError`` (class and message only, no locals).
    """
    try:
        document = read_document(Path(path), sha256=sha256, max_bytes=max_bytes)
        form = document_to_form(document)
        return reading_to_json(document, form)
    except JixiaoError:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise InternalError.from_exception(exc) from exc


def reading_to_json(document: Document, form: Form) -> dict[str, Any]:
    """The OUTPUT.md object for a document and its form."""
    fields = {spec.key: _field_json(document, form, spec.key, spec.type) for spec in FIELD_SPECS}
    year = form.fields["year"].value if form.fields["year"] else None
    facts = form_to_facts(document, form)
    coverage = reading_coverage(document, form, facts)
    return {
        "schema": SCHEMA,
        "source": {
            "path": document.source.path,
            "sha256": document.source.sha256,
            "format": document.source.format,
            "pages": document.source.pages,
        },
        "text": document.text,
        "fields": fields,
        "tasks": [_task_json(document, task) for task in form.tasks],
        "facts": facts,
        "checks": fields_to_checks(fields, year if isinstance(year, int) else None),
        "warnings": [*document.warnings, *form.warnings, *coverage_warnings(coverage)],
        "coverage": coverage,
    }


def _task_json(document: Document, task: Task) -> dict[str, Any]:
    item: dict[str, Any] = {
        "no": task.no,
        "goal": task.goal,
        "outcome": task.outcome,
        "goal_span": list(task.goal_span) if task.goal_span else None,
        "outcome_span": list(task.outcome_span) if task.outcome_span else None,
    }
    for part, span in (("goal", task.goal_span), ("outcome", task.outcome_span)):
        page, bbox = document.locate(*span) if span else (None, None)
        if page is not None:
            item[f"{part}_page"] = page
        if bbox is not None:
            item[f"{part}_bbox"] = [round(v, 2) for v in bbox]
    return item


def _field_json(document: Document, form: Form, key: str, kind: str) -> dict[str, Any]:
    reading = form.fields[key]
    if reading is None:
        return {"value": None}
    item: dict[str, Any] = {"value": reading.value}
    if kind in ("amount", "count", "percent") and key != "year":
        item.update(unit=reading.unit, value_std=reading.value_std, unit_std=reading.unit_std)
    item["text"] = document.text[reading.start : reading.end]
    item["span"] = [reading.start, reading.end]
    page, bbox = document.locate(reading.start, reading.end)
    if page is not None:
        item["page"] = page
    if bbox is not None:
        item["bbox"] = [round(v, 2) for v in bbox]
    return item

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
from extractors.errors import CorruptFile, InternalError, JixiaoError
from extractors.sniff import classify
from pipeline.checks import fields_to_checks
from pipeline.coverage import coverage_warnings, reading_coverage
from pipeline.facts import form_to_facts
from pipeline.fields import FIELD_SPECS
from pipeline.form import Form, document_to_form
from pipeline.ocr_doubts import ocr_doubts
from pipeline.tasks import Task

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
SCHEMA = "jixiao.form/1"

# What a reading is a function of: the file's bytes (sha256) and its extension, which picks
# the reader and is named in refusals. Same bytes under another extension: another reading.
ReadingKey = tuple[str, str]


def reading_key(path: Path, sha256: str) -> ReadingKey:
    """The key two files share exactly when reading them must give the same outcome."""
    return sha256, path.suffix.lower()


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

    return {"text": read_text, "docx": read_docx, "pdf": read_pdf, "image": _read_image}


def _read_image(data: bytes, source: Source) -> Document:
    # OpenCV and the OCR engine load only when a scan is read
    from extractors.ocr import read_image

    return read_image(data, source)


# allocations between two collections of the youngest generation in a reader (Python's
# default is 700); see warm_up
GC_YOUNG_THRESHOLD = 10_000


def warm_up() -> None:
    """Load what every reading needs once: the readers' imports, the jieba dictionary.

    Run in the process that forks the readers (``reader_context``), so each reader starts
    with them loaded and shares their pages instead of loading its own copy. What is loaded
    then is moved out of the garbage collector's sight (``gc.freeze``): it lives as long as
    the process, and a collection that walked it again on every full pass — ~0.5 ms of a
    PDF page's ~13 — would also write to the pages the readers share. And the youngest
    generation is collected every 10,000 allocations, not 700: a reading makes tens of
    thousands of short-lived objects (a box per character) that reference counting frees,
    and the collector walking them over and over was ~0.4 ms of a PDF page's ~10.
    """
    import gc

    import extractors.pdfium  # noqa: F401  PDFium, NumPy and the C helper, bound once

    _readers()
    from pipeline.figures.lexicon import lexicon

    lexicon()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def reader_context() -> Any:
    """The multiprocessing context reader processes start from, warmed up once.

    A fork server: a clean process (no DuckDB threads, unlike the batch's parent, which
    must not fork) that imports this module, runs ``warm_up`` and forks each reader.
    """
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline._warm"])
    return context


def read_document(
    path: Path, *, sha256: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """Check a file and read it with the reader its real format needs.

    The document's sha256 is always that of the bytes read, whatever ``sha256`` the caller
    hashed before (a file rewritten in between is read as it is now, and says so by its hash);
    a file that changes while it is being read is refused.
    """
    before = path.stat()
    kind, data = classify(path, max_bytes=max_bytes)
    after = path.stat()
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise CorruptFile(
            "the file changed while it was being read (is it still being written or copied?); "
            "it is read again on the next run once its bytes have settled"
        )
    return _readers()[kind](data, Source(str(path), hashlib.sha256(data).hexdigest(), kind))


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
    fact_warnings: list[str] = []
    facts = form_to_facts(document, form, fact_warnings)
    source: dict[str, Any] = {
        "path": document.source.path,
        "sha256": document.source.sha256,
        "format": document.source.format,
        "pages": document.source.pages,
        "ocr": document.ocr,
    }
    if document.ocr:
        source["ocr_pages"] = [{"page": p.number, "seconds": p.seconds} for p in document.ocr_pages]
    coverage = reading_coverage(document, form, facts)
    return {
        "schema": SCHEMA,
        "source": source,
        "text": document.text,
        "fields": fields,
        "tasks": [_task_json(document, task) for task in form.tasks],
        "facts": facts,
        "checks": fields_to_checks(fields, year if isinstance(year, int) else None),
        "warnings": [*document.warnings, *form.warnings, *fact_warnings, *ocr_doubts(fields, facts),
                     *coverage_warnings(coverage)],
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
    confidence = document.confidence(reading.start, reading.end)
    if confidence is not None:
        item["confidence"] = confidence
    return item

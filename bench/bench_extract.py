"""Extraction speed per format, against plain library loops measured in the same run.

Prints ms per PDF page, per DOCX and per text file for `extract_file` (reader, form,
facts, checks), and the same files through a simple baseline: pypdfium2's bare text per
page (`get_textpage().get_text_range()`), python-docx paragraph and cell text, and a
plain decode. The issue's bar: a PDF page end to end ≤ 3× the pypdfium2 baseline.

Then where a PDF page's time goes, each stage timed alone on the same files and as a
ratio to the same baseline: the page source (PDFium: characters, boxes, ruling lines),
the assembly (cells and lines into the document text), the form reader, and the number
reader with the JSON output (``reading_to_json``: facts, checks, coverage).

    .venv/bin/python bench/bench_extract.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pypdfium2 as pdfium

from extractors.document import Source
from extractors.pdf import PageContent, pages_to_document
from extractors.pdfium import pdfium_pages
from pipeline.extract import extract_file, read_document, reading_to_json, warm_up
from pipeline.form import document_to_form

FORMS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "forms"


def baseline_pdf(path: Path) -> None:
    pdf = pdfium.PdfDocument(path.read_bytes())
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()


def baseline_docx(path: Path) -> None:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    [p.text for p in document.paragraphs]
    [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def baseline_text(path: Path) -> None:
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        data.decode("gb18030")


def pdf_pages(path: Path) -> list[PageContent]:
    """The page source alone: PDFium's characters and ruling lines of every page."""
    with pdfium_pages(path.read_bytes()) as (_count, pages):
        return list(pages)


def pdf_stages(paths: list[Path], repeat: int, pages: int) -> None:
    """Each stage of the PDF path timed alone, per page and against the baseline."""
    contents = {path: pdf_pages(path) for path in paths}
    documents = {path: read_document(path) for path in paths}
    forms = {path: document_to_form(documents[path]) for path in paths}
    stages: list[tuple[str, Callable[[Path], object]]] = [
        ("page source (PDFium)", pdf_pages),
        ("assembly", lambda p: pages_to_document(contents[p], Source(str(p), "0" * 64, "pdf", len(contents[p])))),
        ("form reader", lambda p: document_to_form(documents[p])),
        ("numbers + output", lambda p: reading_to_json(documents[p], forms[p])),
    ]
    *seconds, baseline = timed_together([stage for _, stage in stages] + [baseline_pdf], paths, repeat)
    print(f"\nwhere a PDF page's time goes (baseline {1000 * baseline / pages:.1f} ms per page, "
          "timed again in turn with the stages)")
    print(f"{'stage':22} {'ms/page':>8} {'ratio':>6}")
    for (name, _), spent in zip(stages, seconds, strict=True):
        print(f"{name:22} {1000 * spent / pages:8.1f} {spent / baseline:6.2f}")
    print(f"{'sum of the stages':22} {1000 * sum(seconds) / pages:8.1f} {sum(seconds) / baseline:6.2f}")


def timed(function: Callable[[Path], object], paths: list[Path], repeat: int) -> float:
    """Best total seconds of ``repeat`` passes over ``paths``."""
    return timed_together([function], paths, repeat)[0]


def timed_together(functions: list[Callable[[Path], object]], paths: list[Path], repeat: int) -> list[float]:
    """Best total seconds of each function over ``paths``, the passes taken in turn.

    Each round times one pass of every function, so a slow spell of a shared machine falls
    on all of them, and the best of ``repeat`` rounds is kept for each.
    """
    best = [float("inf")] * len(functions)
    for _ in range(repeat):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            for path in paths:
                function(path)
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7,
                        help="rounds per measurement, the best kept (a round times ours and the baseline in turn)")
    args = parser.parse_args()
    files = sorted(p for p in FORMS.iterdir() if not p.name.endswith(".expected.json"))
    groups = {
        "pdf": ([p for p in files if p.suffix == ".pdf"], baseline_pdf),
        "docx": ([p for p in files if p.suffix == ".docx"], baseline_docx),
        "text": ([p for p in files if p.suffix == ".txt"], baseline_text),
    }
    # as a batch reader starts: imports and the jieba dictionary loaded (and frozen out of
    # the garbage collector's sight) by warm_up, outside the timings
    warm_up()
    extract_file(files[0])
    pages = 0
    for path in groups["pdf"][0]:
        pdf = pdfium.PdfDocument(path.read_bytes())
        pages += len(pdf)
        pdf.close()
    print(f"{'format':6} {'files':>5} {'unit':>10} {'jixiao ms':>10} {'baseline ms':>12} {'ratio':>6}")
    for name, (paths, baseline) in groups.items():
        ours, theirs = timed_together([extract_file, baseline], paths, args.repeat)
        units, unit_name = (pages, "page") if name == "pdf" else (len(paths), "file")
        print(
            f"{name:6} {len(paths):5d} {'per ' + unit_name:>10} {1000 * ours / units:10.1f} "
            f"{1000 * theirs / units:12.1f} {ours / theirs:6.2f}"
        )
    print("baseline: pypdfium2 bare text per page; python-docx paragraph+cell text; bytes.decode")
    pdf_stages(groups["pdf"][0], args.repeat, pages)


if __name__ == "__main__":
    main()

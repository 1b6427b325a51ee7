"""Extraction speed per format, against plain library loops measured in the same run.

Prints ms per PDF page, per DOCX and per text file for `extract_file` (reader, form,
facts, checks), and the same files through a simple baseline: pypdfium2's bare text per
page (`get_textpage().get_text_range()`), python-docx paragraph and cell text, and a
plain decode. The issue's bar: a PDF page end to end ≤ 3× the pypdfium2 baseline.

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

from pipeline.extract import extract_file

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


def timed(function: Callable[[Path], object], paths: list[Path], repeat: int) -> float:
    """Best total seconds of ``repeat`` passes over ``paths``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for path in paths:
            function(path)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="passes per measurement; the best is kept")
    args = parser.parse_args()
    files = sorted(p for p in FORMS.iterdir() if not p.name.endswith(".expected.json"))
    groups = {
        "pdf": ([p for p in files if p.suffix == ".pdf"], baseline_pdf),
        "docx": ([p for p in files if p.suffix == ".docx"], baseline_docx),
        "text": ([p for p in files if p.suffix == ".txt"], baseline_text),
    }
    extract_file(files[0])  # warm up imports and the jieba dictionary outside the timings
    pages = 0
    for path in groups["pdf"][0]:
        pdf = pdfium.PdfDocument(path.read_bytes())
        pages += len(pdf)
        pdf.close()
    print(f"{'format':6} {'files':>5} {'unit':>10} {'jixiao ms':>10} {'baseline ms':>12} {'ratio':>6}")
    for name, (paths, baseline) in groups.items():
        ours = timed(lambda p: extract_file(p), paths, args.repeat)
        theirs = timed(baseline, paths, args.repeat)
        units, unit_name = (pages, "page") if name == "pdf" else (len(paths), "file")
        print(
            f"{name:6} {len(paths):5d} {'per ' + unit_name:>10} {1000 * ours / units:10.1f} "
            f"{1000 * theirs / units:12.1f} {ours / theirs:6.2f}"
        )
    print("baseline: pypdfium2 bare text per page; python-docx paragraph+cell text; bytes.decode")


if __name__ == "__main__":
    main()

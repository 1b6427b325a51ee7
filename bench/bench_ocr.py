"""OCR of the scanned fixtures: accuracy per field and seconds per page, against the text layer.

Reads every scan of ``tests/fixtures/scans/manifest.json`` and, as the baseline in the
same run, the PDF it was made from (its text layer). Prints, per field, how many scans
read it right (the form's expected JSON is the truth), tasks right, facts strict F1
(against the text layer's facts), and seconds per page of each, with their ratio.

    .venv/bin/python bench/bench_ocr.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from form_compare import field_mismatches, task_mismatches  # noqa: E402

from pipeline.extract import extract_file  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SCANS = FIXTURES / "scans"
STRICT = ("task_no", "kind", "value_std", "unit_std", "approx", "value_max_std")


def timed(path: Path) -> tuple[dict[str, Any], float]:
    """The reading of a file and the seconds it took."""
    started = time.perf_counter()
    reading = extract_file(path)
    return reading, time.perf_counter() - started


def main() -> None:
    """Read every scan and its source PDF; print the scores and the timings."""
    entries = [e for e in json.loads((SCANS / "manifest.json").read_text(encoding="utf-8")) if "case" in e]
    wrong: Counter[str] = Counter()
    keys: list[str] = []
    tasks = tasks_right = 0
    gold: Counter[tuple[Any, ...]] = Counter()
    found: Counter[tuple[Any, ...]] = Counter()
    ocr_seconds = text_seconds = 0.0
    pages = 0
    slowest = 0.0
    for entry in entries:
        expected = json.loads((FIXTURES / entry["expected"]).read_text(encoding="utf-8"))
        keys = list(expected["fields"])
        reading, seconds = timed(SCANS / entry["file"])
        baseline, base_seconds = timed(FIXTURES / entry["source"])
        ocr_seconds += seconds
        text_seconds += base_seconds
        pages += reading["source"]["pages"]
        slowest = max([slowest, *(p["seconds"] for p in reading["source"]["ocr_pages"])])
        for problem in field_mismatches(reading, expected):
            wrong[problem.split(":")[0]] += 1
        tasks += len(expected["tasks"])
        tasks_right += len(expected["tasks"]) - len(task_mismatches(reading, expected))
        gold.update((entry["file"], *(f.get(k) for k in STRICT)) for f in baseline["facts"])
        found.update((entry["file"], *(f.get(k) for k in STRICT)) for f in reading["facts"])
        print(f"{entry['file']}: {seconds:.1f} s, {len(field_mismatches(reading, expected))} fields wrong")
    n = len(entries)
    print(f"\nper field (right of {n} scans), fields below {n} first:")
    for key in sorted(keys, key=lambda k: (-wrong[k], k)):
        if wrong[key]:
            print(f"  {key:34s} {n - wrong[key]}/{n}")
    right = sum(n - wrong[k] for k in keys)
    print(f"  … every other field {n}/{n}")
    hits = sum((gold & found).values())
    precision = hits / max(sum(found.values()), 1)
    recall = hits / max(sum(gold.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"\nfields {right}/{n * len(keys)} = {right / (n * len(keys)):.3f}")
    print(f"tasks {tasks_right}/{tasks} = {tasks_right / max(tasks, 1):.3f}")
    print(f"facts strict F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f}) against the text layer")
    print(f"\nOCR        {ocr_seconds / pages:.2f} s/page ({pages} pages; slowest page {slowest:.1f} s)")
    print(f"text layer {text_seconds / pages:.3f} s/page (baseline, same files)")
    print(f"ratio      {ocr_seconds / max(text_seconds, 1e-9):.0f}x")


if __name__ == "__main__":
    main()

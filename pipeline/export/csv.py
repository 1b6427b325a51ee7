"""CSV export for Excel: UTF-8 with a BOM, booleans as 是/否, one file per view and table.

Excel on a Chinese Windows desktop reads a CSV without a BOM as GBK and shows mojibake; with
the BOM it reads UTF-8. The header keeps the column names, so the files load back as the
views are (``labels.csv`` beside them gives the Chinese names).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb

from pipeline.export.objects import ExportObject, iter_rows, yes_no


def _cell(value: Any) -> Any:
    value = yes_no(value)
    return "" if value is None else value


def write_csv(con: duckdb.DuckDBPyConnection, objects: list[ExportObject], folder: Path,
              year: int | None = None) -> list[Path]:
    """``folder/<name>.csv`` for each object (of ``year``); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for obj in objects:
        path = folder / f"{obj.name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")  # Excel's own line ends
            writer.writerow([c.name for c in obj.columns])
            writer.writerows([_cell(v) for v in row] for row in iter_rows(con, obj, year))
        written.append(path)
    return written

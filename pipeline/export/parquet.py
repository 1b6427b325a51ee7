"""Parquet export: one file per view and table, written by DuckDB itself (``COPY ... TO``)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.export.objects import ExportObject, select_sql


def write_parquet(con: duckdb.DuckDBPyConnection, objects: list[ExportObject], folder: Path,
                  year: int | None = None) -> list[Path]:
    """``folder/<name>.parquet`` for each object (of ``year``); the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for obj in objects:
        path = folder / f"{obj.name}.parquet"
        target = str(path).replace("'", "''")
        con.execute(f"copy ({select_sql(obj, year)}) to '{target}' (format parquet)")
        written.append(path)
    return written

"""`jixiao sql QUERY`: a quick read-only look at the warehouse, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import duckdb

from pipeline.cli.options import db_option, fail, first_line, open_warehouse


def _width(text: str) -> int:
    # Chinese characters take two columns on a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def rows_to_table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Rows as an aligned text table with a header rule."""
    cells = [columns] + [[_cell(v) for v in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(columns))]

    def line(row: list[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths, strict=True)).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells[1:]]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def rows_to_csv(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Rows as CSV with a header line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return buffer.getvalue().rstrip("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def rows_to_json(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """Rows as a JSON array of objects (UTF-8, not ASCII-escaped)."""
    return json.dumps([dict(zip(columns, row, strict=True)) for row in rows],
                      ensure_ascii=False, default=_json_default, indent=1)


FORMATTERS = {"table": rows_to_table, "csv": rows_to_csv, "json": rows_to_json}


def run_script(con: duckdb.DuckDBPyConnection, script: str) -> list[tuple[list[str], list[tuple[Any, ...]]]]:
    """Run every statement of a script in turn; the columns and rows of each that returns some."""
    results = []
    for statement in con.extract_statements(script):
        cursor = con.execute(statement)
        columns = [d[0] for d in cursor.description or []]
        if columns:
            results.append((columns, cursor.fetchall()))
    return results


@click.command(name="sql")
@click.argument("query")
@db_option("The warehouse file to query")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="table", show_default=True,
              help="How to print the rows.")
def command(query: str, db: Path, fmt: str) -> None:
    """Run a read-only QUERY against the warehouse, e.g. "select * from v_sangong".

    QUERY may be a script of several statements separated by `;`: each runs in turn and its
    rows are printed one after the other (a blank line between). The warehouse is opened
    read-only, so this works while a nightly ingest runs: it sees the last published night.
    Every table, view and column: docs/reference/warehouse.md.
    """
    con = open_warehouse("sql", db)
    try:
        results = run_script(con, query)
    except duckdb.Error as exc:
        fail("sql", f"查询出错，未返回结果。 {first_line(exc)}")
    finally:
        con.close()
    click.echo("\n\n".join(FORMATTERS[fmt](columns, rows) for columns, rows in results))

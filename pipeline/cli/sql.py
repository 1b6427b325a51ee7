"""`jixiao sql QUERY`: a quick read-only look at the warehouse, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import duckdb

from pipeline.warehouse import DEFAULT_DB, WarehouseError
from pipeline.warehouse.schema import open_read_only


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


@click.command(name="sql")
@click.argument("query")
@click.option("--db", "db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The warehouse file to query.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="table", show_default=True,
              help="How to print the rows.")
def command(query: str, db: Path, fmt: str) -> None:
    """Run a read-only QUERY against the warehouse, e.g. "select * from v_sangong".

    The warehouse is opened read-only, so this works while a nightly ingest runs: it sees the
    last published night.
    """
    try:
        con = open_read_only(db)
    except WarehouseError as exc:
        click.echo(f"jixiao sql: {exc.message}", err=True)
        sys.exit(1)
    except duckdb.Error as exc:
        click.echo(f"jixiao sql: cannot open {db}: {str(exc).splitlines()[0]}", err=True)
        sys.exit(1)
    try:
        cursor = con.execute(query)
        columns = [d[0] for d in cursor.description or []]
        rows = cursor.fetchall() if columns else []
    except duckdb.Error as exc:
        click.echo(f"jixiao sql: {str(exc).splitlines()[0]}", err=True)
        sys.exit(1)
    finally:
        con.close()
    click.echo(FORMATTERS[fmt](columns, rows))

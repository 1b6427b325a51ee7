"""What an export holds: the views and tables, their columns with labels, and their rows.

The one query per object lives here (``select_sql``), so every format exports the same rows
in the same order; a ``--year`` reaches each object through its year, its submission or its
passage, and objects that belong to no year (runs, rejects, labels) are exported whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from pipeline.warehouse.labels import labels_of

# Never exported: the operator's personal data, and the schema's own bookkeeping.
NOT_EXPORTED = frozenset({"contacts", "schema_migrations"})
FETCH_ROWS = 10_000  # rows fetched at a time: a big view never sits in memory whole


@dataclass(frozen=True)
class Column:
    """One column of an exported object: its name, DuckDB type and Chinese label."""

    name: str
    type: str
    label_zh: str
    unit: str | None
    description: str | None

    @property
    def header(self) -> str:
        """The Chinese header a person reads: the label, with its unit when it has one."""
        return f"{self.label_zh}（{self.unit}）" if self.unit else self.label_zh


@dataclass(frozen=True)
class ExportObject:
    """A view or table to export, with its columns in order."""

    name: str
    kind: str  # "view" or "table"
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        """The column of that name, if the object has one."""
        return next((c for c in self.columns if c.name == name), None)


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> tuple[Column, ...]:
    labels = labels_of(con, name)
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'main' and table_name = ? order by ordinal_position", [name]
    ).fetchall()
    columns = []
    for column, dtype in rows:
        label = labels.get(column)
        columns.append(Column(column, dtype, label.label_zh if label else column,
                              label.unit if label else None, label.description if label else None))
    return tuple(columns)


def export_objects(con: duckdb.DuckDBPyConnection, *, views: bool = True, tables: bool = True) -> list[ExportObject]:
    """The analyst views (``v_*``, by name) and then the tables, as the warehouse has them."""
    rows = con.execute(
        "select table_name, table_type from information_schema.tables "
        "where table_schema = 'main' order by table_type desc, table_name"
    ).fetchall()
    found = []
    for name, table_type in rows:
        kind = "view" if table_type == "VIEW" else "table"
        if name in NOT_EXPORTED or (kind == "view" and not views) or (kind == "table" and not tables):
            continue
        found.append(ExportObject(name, kind, _columns(con, name)))
    return found


def select_sql(obj: ExportObject, year: int | None) -> str:
    """The one query of an object: its rows (of ``year``), in a stable order."""
    where = ""
    if year is not None:
        year = int(year)  # an int, so it can stand in the text of a COPY statement
        if obj.column("year"):
            where = f"where year = {year}"
        elif obj.column("submission_id"):
            where = f"where submission_id in (select submission_id from submissions where year = {year})"
        elif obj.column("passage_id"):
            where = ("where passage_id in (select passage_id from search_passages join submissions "
                     f"using (submission_id) where year = {year})")
    return f'select * from "{obj.name}" {where} order by all'


def iter_rows(con: duckdb.DuckDBPyConnection, obj: ExportObject, year: int | None) -> Iterator[tuple[Any, ...]]:
    """The rows of an object, fetched a chunk at a time."""
    cursor = con.cursor()
    try:
        cursor.execute(select_sql(obj, year))
        while chunk := cursor.fetchmany(FETCH_ROWS):
            yield from chunk
    finally:
        cursor.close()


def yes_no(value: Any) -> Any:
    """A boolean as a clerk writes it (是/否); anything else unchanged."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value

"""The Chinese label, unit and meaning of every column: ``sql/labels/<object>.csv`` → ``labels``.

One CSV per view or table (header ``column,label_zh,unit,description``, UTF-8). The rows are
put into the warehouse's ``labels`` table each time it is opened for writing, like the views,
so an export or a DuckDB client shows the labels of the code that loaded the night.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.warehouse.schema import SQL_DIR

HEADER = ["column", "label_zh", "unit", "description"]


@dataclass(frozen=True)
class Label:
    """What one column of a view or table is called in Chinese, its unit and its meaning."""

    object: str
    column: str
    label_zh: str
    unit: str | None
    description: str | None


def read_labels(sql_dir: Path = SQL_DIR) -> list[Label]:
    """Every label of ``sql/labels/*.csv``; a file without the header is refused by name."""
    found = []
    for path in sorted((sql_dir / "labels").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header != HEADER:
                raise ValueError(f"{path.name}: the first line must be {','.join(HEADER)}, not {header}")
            for number, row in enumerate(reader, 2):
                if not row:
                    continue
                if len(row) != len(HEADER) or not row[0] or not row[1]:
                    raise ValueError(f"{path.name} line {number}: want column,label_zh,unit,description")
                found.append(Label(path.stem, row[0], row[1], row[2] or None, row[3] or None))
    return found


def refresh_labels(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> int:
    """Replace the ``labels`` rows by those of the CSV files; how many there are."""
    labels = read_labels(sql_dir)
    con.execute("begin transaction")
    try:
        con.execute("delete from labels")
        if labels:
            con.executemany(
                'insert into labels (object, "column", label_zh, unit, description) values (?, ?, ?, ?, ?)',
                [[lb.object, lb.column, lb.label_zh, lb.unit, lb.description] for lb in labels],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(labels)


def labels_of(con: duckdb.DuckDBPyConnection, obj: str) -> dict[str, Label]:
    """The labels of one view or table by column name (from the warehouse, else the CSV files).

    A warehouse published before labels existed has no ``labels`` table: the shipped files serve.
    """
    try:
        rows = con.execute(
            'select object, "column", label_zh, unit, description from labels where object = ?', [obj]
        ).fetchall()
        labels = [Label(*row) for row in rows]
    except duckdb.CatalogException:
        labels = [lb for lb in read_labels() if lb.object == obj]
    return {lb.column: lb for lb in labels}


def missing_labels(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(object, column) of every column of a table or view that has no label in ``labels``."""
    rows = con.execute("""
        select c.table_name, c.column_name
        from information_schema.columns as c
        anti join labels as l on l.object = c.table_name and l."column" = c.column_name
        where c.table_schema = 'main'
        order by c.table_name, c.ordinal_position
    """).fetchall()
    return [(obj, column) for obj, column in rows]

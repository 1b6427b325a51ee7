"""Every column of every view and table has a Chinese label, unit and meaning (``labels``)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.warehouse import schema
from pipeline.warehouse.labels import HEADER, labels_of, missing_labels, read_labels


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = schema.open_for_write(Path(tmp_path_factory.mktemp("labels")) / "w.duckdb")
    yield connection
    connection.close()


def test_every_view_and_table_column_has_a_label(con: duckdb.DuckDBPyConnection) -> None:
    assert missing_labels(con) == [], "add the columns to sql/labels/<object>.csv"


def test_a_view_that_gains_a_column_without_a_label_is_caught(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create view v_probe as select unit_name, 1 as new_column from submissions")
    try:
        assert missing_labels(con) == [("v_probe", "unit_name"), ("v_probe", "new_column")]
    finally:
        con.execute("drop view v_probe")


def test_labels_in_the_warehouse_are_the_files(con: duckdb.DuckDBPyConnection) -> None:
    files = {(lb.object, lb.column, lb.label_zh, lb.unit, lb.description) for lb in read_labels()}
    table = set(con.execute('select object, "column", label_zh, unit, description from labels').fetchall())
    assert table == files and len(files) > 200
    assert labels_of(con, "v_sangong")["budget_yuan"].label_zh == "三公经费预算数"
    assert labels_of(con, "v_sangong")["budget_yuan"].unit == "元"


def test_each_label_names_a_real_column(con: duckdb.DuckDBPyConnection) -> None:
    columns = set(con.execute("select table_name, column_name from information_schema.columns").fetchall())
    objects = {obj for obj, _ in columns}
    stray = [(lb.object, lb.column) for lb in read_labels()
             if lb.object in objects and (lb.object, lb.column) not in columns]
    assert stray == []


def test_label_files_are_one_per_object_with_the_shared_header() -> None:
    for path in sorted((schema.SQL_DIR / "labels").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == HEADER, path.name
        names = [r[0] for r in rows[1:]]
        assert len(names) == len(set(names)), f"{path.name} labels a column twice"
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r[1]) for r in rows[1:]), path.name  # Chinese


def test_a_warehouse_without_the_labels_table_falls_back_to_the_files(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "old.duckdb")) as old:
        assert labels_of(old, "v_departments")["sangong_control_rate_pct"].unit == "%"

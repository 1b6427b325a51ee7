"""`jixiao export`: the workbook read back with openpyxl, Parquet and CSV read back with DuckDB."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner
from search_fixtures import build_warehouse, read_only

from pipeline.cli import cli
from pipeline.export.objects import export_objects, select_sql
from pipeline.warehouse.labels import labels_of


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("export") / "jixiao.duckdb")


@pytest.fixture(scope="module")
def con(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = read_only(db)
    yield connection
    connection.close()


def export(db: Path, *args: str) -> None:
    result = CliRunner().invoke(cli, ["export", *args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("已写入 wrote ")


@pytest.fixture(scope="module")
def workbook(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "绩效.xlsx"
    export(db, str(path))
    return path


def view_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [o.name for o in export_objects(con, tables=False)]


def view_rows(con: duckdb.DuckDBPyConnection, name: str, year: int | None = None) -> list[tuple[Any, ...]]:
    obj = next(o for o in export_objects(con) if o.name == name)
    return con.execute(select_sql(obj, year)).fetchall()


# --- xlsx -----------------------------------------------------------------------------------

def test_workbook_has_a_sheet_per_view_with_chinese_headers(workbook: Path, con: duckdb.DuckDBPyConnection) -> None:
    book = openpyxl.load_workbook(workbook)
    views = view_names(con)
    assert {"v_departments", "v_sangong", "v_metric_summary", "v_disclosure"} <= set(views)
    assert book.sheetnames == ["说明", "图表", *views]
    for name in views:
        sheet = book[name]
        labels = labels_of(con, name)
        columns = [r[0] for r in con.execute(f"describe {name}").fetchall()]
        expected = [f"{labels[c].label_zh}（{labels[c].unit}）" if labels[c].unit else labels[c].label_zh
                    for c in columns]
        assert [c.value for c in sheet[1]] == expected, name
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:"), name
        assert sheet.max_row == len(view_rows(con, name)) + 1, name
    assert book["v_sangong"]["C1"].value == "三公经费预算数（元）"


def test_numbers_stay_numbers_with_their_formats(workbook: Path, con: duckdb.DuckDBPyConnection) -> None:
    sheet = openpyxl.load_workbook(workbook)["v_departments"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, sheet[2], strict=True))
    expected = dict(zip([r[0] for r in con.execute("describe v_departments").fetchall()],
                        view_rows(con, "v_departments")[0], strict=True))
    budget = first["三公经费预算数（元）"]
    assert budget.value == expected["sangong_budget_yuan"] == 136700 and budget.number_format == "#,##0.00"
    rate = first["三公经费控制率（%）"]
    assert rate.value == pytest.approx(expected["sangong_control_rate_pct"] / 100) and rate.number_format == "0.0#%"
    assert first["年度"].value == 2023 and first["年度"].number_format == "0"
    assert first["任务数（个）"].number_format == "#,##0"
    assert first["自评信息是否公开"].value in ("是", "否")
    assert first["填报日期"].is_date and first["填报日期"].number_format == "yyyy-mm-dd"


def test_legend_sheet_names_every_column_of_every_sheet(workbook: Path, con: duckdb.DuckDBPyConnection) -> None:
    sheet = openpyxl.load_workbook(workbook)["说明"]
    views = view_names(con)
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] in views]
    listed = {(r[0], r[1]) for r in rows}
    every = {(v, r[0]) for v in views for r in con.execute(f"describe {v}").fetchall()}
    assert listed == every and len(rows) == len(every)
    assert ("v_sangong", "budget_yuan", "三公经费预算数", "元") in {r[:4] for r in rows}
    assert all(r[4] for r in rows)  # every column has its meaning


def test_workbook_has_native_charts(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as parts:
        names = parts.namelist()
        charts = sorted(n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 3
        assert not any(n.startswith("xl/media/") for n in names)  # charts, not pictures
        drawing_rels = "".join(parts.read(n).decode() for n in names if n.startswith("xl/drawings/_rels/"))
        xml = {n: parts.read(n).decode() for n in charts}
    assert all(f"../charts/{Path(n).name}" in drawing_rels for n in charts)
    titles = " ".join(xml.values())
    assert "三公经费与公用经费控制率" in titles and "信息公开情况" in titles and "报告部门最多的指标" in titles
    assert sum("<c:barChart>" in x for x in xml.values()) == 3
    assert all("<c:f>图表!$B$" in x for x in xml.values())  # series read the 图表 sheet's cells


def test_chart_data_is_the_views_for_one_year(workbook: Path, con: duckdb.DuckDBPyConnection) -> None:
    sheet = openpyxl.load_workbook(workbook)["图表"]
    assert sheet["A1"].value == "三公经费与公用经费控制率（2023 年）"
    departments_2023 = {r[0] for r in con.execute("select unit_name from v_departments where year = 2023").fetchall()}
    listed = {sheet.cell(row, 1).value for row in range(3, 3 + len(departments_2023))}
    assert listed == departments_2023


def test_year_filters_the_workbook(db: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "2022.xlsx"
    export(db, str(path), "--year", "2022")
    book = openpyxl.load_workbook(path)
    for name in view_names(con):
        assert book[name].max_row == len(view_rows(con, name, 2022)) + 1, name
    sheet = book["v_departments"]
    year = [c.value for c in sheet[1]].index("年度")
    assert {row[year] for row in sheet.iter_rows(min_row=2, values_only=True)} == {2022}
    assert book["图表"]["A1"].value == "三公经费与公用经费控制率（2022 年）"


# --- parquet and csv ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folders(db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {fmt: tmp_path_factory.mktemp(fmt) / "out" for fmt in ("parquet", "csv")}
    for fmt, folder in out.items():
        export(db, str(folder), "--format", fmt)
    return out


def test_parquet_reads_back_as_the_views_and_tables_row_for_row(folders: dict[str, Path],
                                                                con: duckdb.DuckDBPyConnection) -> None:
    objects = export_objects(con)
    assert sorted(p.stem for p in folders["parquet"].glob("*.parquet")) == sorted(o.name for o in objects)
    assert "contacts" not in {o.name for o in objects}  # personal data is never exported
    for obj in objects:
        path = folders["parquet"] / f"{obj.name}.parquet"
        back = con.execute(f"select * from read_parquet('{path}')").fetchall()
        assert back == view_rows(con, obj.name), obj.name
        assert [r[0] for r in con.execute(f"describe select * from read_parquet('{path}')").fetchall()] == \
            [c.name for c in obj.columns]


def test_csv_has_a_bom_booleans_as_yes_no_and_reads_back_row_for_row(folders: dict[str, Path],
                                                                      con: duckdb.DuckDBPyConnection) -> None:
    for obj in export_objects(con):
        path = folders["csv"] / f"{obj.name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), obj.name
        types = {c.name: ("VARCHAR" if c.type == "BOOLEAN" else c.type) for c in obj.columns}
        spec = "{" + ", ".join(f"'{n}': '{t}'" for n, t in types.items()) + "}"
        back = con.execute(f"select * from read_csv('{path}', header = true, columns = {spec})").fetchall()
        booleans = [i for i, c in enumerate(obj.columns) if c.type == "BOOLEAN"]
        expected = [
            tuple(({True: "是", False: "否"}.get(v) if i in booleans else (None if v == "" else v))
                  for i, v in enumerate(row))
            for row in view_rows(con, obj.name)
        ]
        assert back == expected, obj.name
    text = (folders["csv"] / "v_departments.csv").read_text(encoding="utf-8-sig")
    assert ",是," in text or ",否," in text
    assert "True" not in text and "False" not in text


def test_year_filters_views_and_tables(db: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    export(db, str(tmp_path), "--format", "csv", "--year", "2022")
    years = con.execute(f"select distinct year from read_csv('{tmp_path / 'v_departments.csv'}')").fetchall()
    assert years == [(2022,)]
    submissions = con.execute(f"select count(*) from read_csv('{tmp_path / 'tasks.csv'}')").fetchone()
    assert submissions == con.execute(
        "select count(*) from tasks join submissions using (submission_id) where year = 2022").fetchone()


def test_a_folder_needs_a_format_and_the_refusal_is_chinese_first(db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "out"), "--db", str(db)])
    assert result.exit_code == 2 and "给出 --format parquet 或 csv" in result.output
    missing = CliRunner().invoke(cli, ["export", str(tmp_path / "a.xlsx"), "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1 and missing.output.startswith("jixiao export: 找不到数据仓库")

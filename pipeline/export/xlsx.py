"""The Excel workbook: one sheet per analyst view, a 说明 sheet, and a 图表 sheet of native charts.

Headers are the Chinese labels (with their units); numbers stay numbers with their formats
(元 with thousands separators, percent as Excel percent), dates are dates, 是/否 for
booleans; every sheet has its header row frozen and filters on. Written by XlsxWriter in
constant-memory mode, so a big view streams through.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from extractors.errors import JixiaoError
from pipeline.export.charts import add_charts
from pipeline.export.objects import Column, ExportObject, iter_rows, select_sql, yes_no

EXCEL_ROWS = 1_048_576
WIDTH_SAMPLE = 200  # rows looked at to size a column
INTEGER_TYPES = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
                           "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"})
COUNT_UNITS = frozenset({"个", "家", "人", "名", "次", "项", "字符"})
# value columns whose unit is that of their row (v_metrics, v_metric_summary): 元 rows as money
ROW_UNIT_COLUMNS = {"value_std": "unit_std", "sum_value": "unit", "min_value": "unit",
                    "median_value": "unit", "max_value": "unit"}

FORMATS = {
    "header": {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top", "border": 1},
    "money": {"num_format": "#,##0.00"},
    "percent": {"num_format": "0.0#%"},
    "count": {"num_format": "#,##0"},
    "integer": {"num_format": "0"},
    "number": {"num_format": "#,##0.####"},
    "whole": {"num_format": "#,##0"},
    "date": {"num_format": "yyyy-mm-dd"},
    "datetime": {"num_format": "yyyy-mm-dd hh:mm:ss"},
    "text": {"text_wrap": False},
}


class ExportTooLarge(JixiaoError):
    """A view has more rows than an Excel sheet can hold."""

    error_code = "export_too_large"
    sentence_zh = "视图的行数超过了 Excel 工作表的上限，请用 --year 缩小范围，或导出为 parquet 或 csv。"


def _width(value: Any) -> int:
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_format(column: Column) -> str:
    """The name of the format a column's cells take (see ``FORMATS``)."""
    dtype = column.type.upper()
    if column.unit == "元":
        return "money"
    if column.unit == "%":
        return "percent"
    if dtype in INTEGER_TYPES:
        return "count" if column.unit in COUNT_UNITS else "integer"
    if dtype == "DATE":
        return "date"
    if dtype.startswith("TIMESTAMP"):
        return "datetime"
    if dtype in {"DOUBLE", "FLOAT", "REAL"} or dtype.startswith("DECIMAL"):
        return "number"
    return "text"


class Workbook:
    """An open workbook and its formats; ``write_object`` adds one sheet per view."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                                     "strings_to_urls": False, "strings_to_formulas": False})
        self.formats: dict[str, Format] = {name: self.book.add_format(spec) for name, spec in FORMATS.items()}

    def _write_cell(self, sheet: Worksheet, row: int, col: int, value: Any, fmt: str) -> None:
        value = yes_no(value)
        if value is None:
            return
        if isinstance(value, Decimal):
            value = float(value)
        if isinstance(value, int | float):
            if fmt == "percent":
                value = value / 100  # the warehouse keeps 53 for 53 %; Excel wants 0.53
            elif fmt == "number" and float(value).is_integer():
                fmt = "whole"
            sheet.write_number(row, col, value, self.formats[fmt])
        elif isinstance(value, datetime | date):
            sheet.write_datetime(row, col, value, self.formats[fmt if fmt in ("date", "datetime") else "date"])
        else:
            sheet.write_string(row, col, str(value))

    def write_object(self, con: duckdb.DuckDBPyConnection, obj: ExportObject, year: int | None) -> int:
        """One sheet named after the view: Chinese headers, formatted cells, frozen header, filters."""
        counted = con.execute(f"select count(*) from ({select_sql(obj, year)})").fetchone()
        count = int(counted[0]) if counted else 0
        if count >= EXCEL_ROWS:
            raise ExportTooLarge(f"{obj.name} has {count} rows, more than the {EXCEL_ROWS - 1} an Excel sheet holds")
        sheet = self.book.add_worksheet(obj.name[:31])
        formats = [column_format(c) for c in obj.columns]
        index = {c.name: i for i, c in enumerate(obj.columns)}
        row_units = {i: index[ROW_UNIT_COLUMNS[c.name]] for i, c in enumerate(obj.columns)
                     if c.name in ROW_UNIT_COLUMNS and ROW_UNIT_COLUMNS[c.name] in index and formats[i] == "number"}
        rows = iter_rows(con, obj, year)
        sample = [row for _, row in zip(range(WIDTH_SAMPLE), rows, strict=False)]
        for i, column in enumerate(obj.columns):  # constant-memory mode: widths before the cells
            widest = max([_width(yes_no(r[i]) if r[i] is not None else "") for r in sample] + [0])
            sheet.set_column(i, i, min(60, max(8, min(_width(column.header), 24), widest) + 2))
        sheet.set_row(0, 32)
        for i, column in enumerate(obj.columns):
            sheet.write_string(0, i, column.header, self.formats["header"])
        number = 0
        for number, row in enumerate(_chain(sample, rows), 1):
            for i, value in enumerate(row):
                fmt = formats[i]
                if i in row_units and row[row_units[i]] == "元":
                    fmt = "money"
                self._write_cell(sheet, number, i, value, fmt)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(number, 1), len(obj.columns) - 1)
        return number

    def write_legend(self, objects: list[ExportObject], notes: list[tuple[str, str]]) -> None:
        """The 说明 sheet: every column of every sheet with its Chinese label, unit and meaning."""
        sheet = self.book.add_worksheet("说明")
        headers = ["视图", "列名", "中文名", "单位", "说明"]
        for i, width in enumerate((22, 30, 28, 8, 80)):
            sheet.set_column(i, i, width)
        for i, header in enumerate(headers):
            sheet.write_string(0, i, header, self.formats["header"])
        row = 0
        for obj in objects:
            for column in obj.columns:
                row += 1
                for i, value in enumerate((obj.name, column.name, column.label_zh, column.unit, column.description)):
                    if value:
                        sheet.write_string(row, i, value)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, row, len(headers) - 1)
        row += 1
        for label, value in notes:
            row += 1
            sheet.write_string(row, 0, label, self.formats["header"])
            sheet.write_string(row, 1, value)

    def close(self) -> None:
        """Write the file."""
        self.book.close()


def _chain(first: list[tuple[Any, ...]], rest: Any) -> Any:
    yield from first
    yield from rest


def write_xlsx(con: duckdb.DuckDBPyConnection, objects: list[ExportObject], path: Path,
               year: int | None = None, notes: list[tuple[str, str]] | None = None) -> Path:
    """The workbook of ``objects`` (views) at ``path``: 说明 first, then 图表, then one sheet each."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(path)
    try:
        book.write_legend(objects, notes or [])
        add_charts(book.book, book.formats, con, {o.name: o for o in objects}, year)
        for obj in objects:
            book.write_object(con, obj, year)
    except BaseException:
        book.close()
        path.unlink(missing_ok=True)
        raise
    book.close()
    return path

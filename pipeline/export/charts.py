"""The 图表 sheet: native Excel charts over the views' own rows, each beside its data table.

三公经费 and 公用经费 control rates by department, disclosure answers by kind, and the
metrics most departments report — for one year (``--year``, else the latest there is).
The rows come from the views through ``objects.iter_rows``; nothing is queried anew.
"""

from __future__ import annotations

from typing import Any

import duckdb
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.export.objects import ExportObject, iter_rows

SHEET = "图表"
TOP_METRICS = 15
KINDS_ZH = {"self_eval": "自评信息", "budget": "预决算信息", "perf_goal": "绩效目标"}
CHART_COLUMN = 5  # charts stand right of the data tables (column F)
ROW_PIXELS = 20  # Excel's default row height


def _records(con: duckdb.DuckDBPyConnection, obj: ExportObject | None, year: int | None) -> list[dict[str, Any]]:
    if obj is None:
        return []
    names = [c.name for c in obj.columns]
    return [dict(zip(names, row, strict=True)) for row in iter_rows(con, obj, year)]


def _table(sheet: Worksheet, formats: dict[str, Format], top: int, title: str, headers: list[str],
           rows: list[list[Any]], cell_formats: list[str | None]) -> int:
    """A titled data table from row ``top``; the row after it."""
    sheet.write_string(top, 0, title, formats["header"])
    for i, header in enumerate(headers):
        sheet.write_string(top + 1, i, header, formats["header"])
    for r, row in enumerate(rows, top + 2):
        for i, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, int | float):
                fmt = cell_formats[i]
                sheet.write_number(r, i, value, formats[fmt] if fmt else None)
            else:
                sheet.write_string(r, i, str(value))
    if not rows:
        sheet.write_string(top + 2, 0, "（无数据 no data）")
    return top + 3 + max(len(rows), 1)


def _bar(book: Workbook, title: str, kind: dict[str, str], series: list[tuple[str, int]],
         first: int, last: int, axis: str, stacked: bool = False) -> Any:
    chart = book.add_chart(kind)
    for name, col in series:
        chart.add_series({
            "name": name,
            "categories": [SHEET, first, 0, last, 0],
            "values": [SHEET, first, col, last, col],
            "data_labels": {"value": not stacked},
        })
    chart.set_title({"name": title})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": max(320, 22 * (last - first + 1) + 140)})
    if kind["type"] == "bar":  # horizontal: values on x, the first department on top
        chart.set_x_axis({"name": axis})
        chart.set_y_axis({"reverse": True})
    else:
        chart.set_y_axis({"name": axis})
    return chart


def add_charts(book: Workbook, formats: dict[str, Format], con: duckdb.DuckDBPyConnection,
               objects: dict[str, ExportObject], year: int | None) -> None:
    """The 图表 sheet with its three charts (a chart is left out when its view has no rows)."""
    departments = _records(con, objects.get("v_departments"), year)
    if year is None:
        year = max((d["year"] for d in departments if d["year"] is not None), default=None)
    departments = [d for d in departments if d["year"] == year]
    sheet = book.add_worksheet(SHEET)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 4, 14)
    charts = []

    rates = sorted(
        ([d["unit_name"], _fraction(d["sangong_control_rate_pct"]), _fraction(d["public_control_rate_pct"])]
         for d in departments),
        key=lambda r: (r[1] is None, -(r[1] or 0), r[0] or ""))
    top = 0
    after = _table(sheet, formats, top, f"三公经费与公用经费控制率（{year} 年）", ["单位名称", "三公经费控制率", "公用经费控制率"],
                   rates, [None, "percent", "percent"])
    if rates:
        charts.append((top, _bar(book, f"三公经费与公用经费控制率（{year} 年）", {"type": "bar"},
                                 [("三公经费控制率", 1), ("公用经费控制率", 2)], top + 2, top + 1 + len(rates),
                                 "控制率（实际支出 ÷ 预算）")))

    disclosure = [r for r in _records(con, objects.get("v_disclosure"), year) if r["year"] == year]
    answers = [[KINDS_ZH.get(r["kind"], r["kind"]), r["disclosed"], r["not_disclosed"], r["unmarked"]]
               for r in sorted(disclosure, key=lambda r: list(KINDS_ZH).index(r["kind"]) if r["kind"] in KINDS_ZH else 9)]
    top = after + 1
    after = _table(sheet, formats, top, f"信息公开情况（{year} 年，部门数）", ["公开内容", "已公开", "未公开", "未勾选"],
                   answers, [None, "count", "count", "count"])
    if answers:
        charts.append((top, _bar(book, f"信息公开情况（{year} 年）", {"type": "column", "subtype": "stacked"},
                                 [("已公开", 1), ("未公开", 2), ("未勾选", 3)], top + 2, top + 1 + len(answers),
                                 "部门数", stacked=True)))

    summary = [r for r in _records(con, objects.get("v_metric_summary"), year) if r["year"] == year]
    summary.sort(key=lambda r: (-r["departments"], -r["facts"], r["metric"] or ""))
    metrics = [[f"{r['metric']}（{r['unit'] or '无单位'}）", r["departments"], r["facts"]] for r in summary[:TOP_METRICS]]
    top = after + 1
    _table(sheet, formats, top, f"报告部门最多的指标（{year} 年，前 {TOP_METRICS} 个）", ["指标（单位）", "报告部门数", "数字个数"],
           metrics, [None, "count", "count"])
    if metrics:
        charts.append((top, _bar(book, f"报告部门最多的指标（{year} 年）", {"type": "bar"},
                                 [("报告部门数", 1)], top + 2, top + 1 + len(metrics), "部门数")))
    row = 0
    for _, chart in charts:  # one under the other, however long each is
        sheet.insert_chart(row, CHART_COLUMN, chart)
        row += chart.height // ROW_PIXELS + 2


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100

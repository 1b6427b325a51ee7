"""Each analyst view over two departments, with the expected rows worked out by hand.

经贸科技局 (the example form): version 1 was superseded by version 2, which must be the only
one the views see. 财政局: overspent its 三公经费 (25 of 20 万元, reported 120%), disclosed its
self-evaluation with a date, left 预决算 unmarked, marked 绩效目标 disclosed with no date or URL,
and stated only the first four figures of task 1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from warehouse_fixtures import EXAMPLE_UNIT, make_reading

from pipeline.checks import fields_to_checks
from pipeline.warehouse import schema
from pipeline.warehouse.load import Loader, submission_id_for

FINANCE = "湛江经济技术开发区财政局"
ECONOMY = EXAMPLE_UNIT
SHA = {label: hashlib.sha256(label.encode()).hexdigest() for label in ("economy_v1", "economy_v2", "finance")}


def _reading(label: str, **spec: Any) -> dict[str, Any]:
    reading = make_reading(sha256=SHA[label], path=f"/raw/{label}.txt", **spec)
    reading["checks"] = fields_to_checks(reading["fields"])
    return reading


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = schema.open_for_write(Path(tmp_path_factory.mktemp("views")) / "w.duckdb")
    connection.execute("insert into runs (run_id, started_at, status) values ('r', now(), 'completed')")
    loader = Loader(connection)
    readings = {
        "economy_v1": _reading("economy_v1", fields={"sangong_actual": 9.0}),
        "economy_v2": _reading("economy_v2"),
        "finance": _reading(
            "finance", unit_name=FINANCE, facts=4,
            fields={
                "sangong_budget": 20, "sangong_actual": 25, "sangong_control_rate": 120,
                "public_budget": 50, "public_actual": 40, "public_control_rate": 80,
                "fixed_assets_total": 100, "fixed_assets_in_use": 90, "fixed_asset_utilization": 90,
                "self_eval_disclosed": True, "self_eval_disclosed_date": "2024-04-01",
                "budget_disclosed": None, "budget_disclosed_date": None, "budget_disclosed_url": None,
                "perf_goal_disclosed": True,
            },
        ),
    }
    for label, reading in readings.items():
        loader.load_reading(reading, sha256=SHA[label], source_path=f"/raw/{label}.txt", run_id="r")
    assert schema.run_checks(connection) == {}
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def test_v_departments(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(con, """
        select unit_name, year, sangong_budget_yuan, sangong_actual_yuan, sangong_control_rate_pct,
               public_budget_yuan, public_actual_yuan, public_control_rate_pct,
               fixed_assets_total_yuan, fixed_assets_in_use_yuan, fixed_asset_utilization_pct,
               self_eval_disclosed, budget_disclosed, perf_goal_disclosed,
               task_count, fact_count, checks_failed, version
        from v_departments order by unit_name""")
    assert got == [
        (ECONOMY, 2023, 136700.0, 73500.0, 53.0, 743100.0, 656800.0, 88.0, 2450000.0, 2450000.0, 100.0,
         False, True, False, 8, 29, 0, 2),
        (FINANCE, 2023, 200000.0, 250000.0, 120.0, 500000.0, 400000.0, 80.0, 1000000.0, 900000.0, 90.0,
         True, None, True, 8, 4, 2, 1),
    ]


def test_v_sangong(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(con, """
        select unit_name, year, budget_yuan, actual_yuan, control_rate_reported_pct,
               control_rate_computed_pct, overspent, rank_in_year
        from v_sangong order by rank_in_year""")
    assert got == [
        (FINANCE, 2023, 200000.0, 250000.0, 120.0, 125.0, True, 1),   # 25 / 20
        (ECONOMY, 2023, 136700.0, 73500.0, 53.0, 53.8, False, 2),     # 7.35 / 13.67 = 53.77
    ]


def test_v_disclosure(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(con, "select year, kind, disclosed, not_disclosed, unmarked, departments from v_disclosure order by kind")
    assert got == [
        (2023, "budget", 1, 0, 1, 2),      # economy 是; finance unmarked
        (2023, "perf_goal", 1, 1, 0, 2),   # finance 是; economy 否
        (2023, "self_eval", 1, 1, 0, 2),   # finance 是; economy 否
    ]


def test_v_check_failures(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(con, "select unit_name, year, rule, detail, source_path, sha256 from v_check_failures order by rule")
    assert got == [
        (FINANCE, 2023, "perf_goal_disclosed_has_date_or_url",
         "marked 是 but neither a disclosure date nor a URL is given", "/raw/finance.txt", SHA["finance"]),
        (FINANCE, 2023, "sangong_control_rate_consistent",
         "25 / 20 = 125%; reported 120% (off by 5 points)", "/raw/finance.txt", SHA["finance"]),
    ]
    # economy version 1 (9 / 13.67 = 65.8% against 53%) failed too, but it is not the latest
    assert rows(con, "select count(*) from checks where status = 'fail' and submission_id = "
                     f"'{submission_id_for(SHA['economy_v1'])}'") == [(1,)]


def test_v_metrics(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "select unit_name, count(*) from v_metrics group by 1 order by 1") == [(ECONOMY, 29), (FINANCE, 4)]
    got = rows(con, f"""
        select task_no, metric, kind, value, unit, value_std, unit_std, basis, text
        from v_metrics where unit_name = '{FINANCE}' order by value_std desc""")
    assert got == [
        (1, "规模以上工业总产值", "amount", 1867.05, "亿元", 186705000000.0, "元", None, "1867.05亿元"),
        (1, "地区生产总值", "amount", 770.25, "亿元", 77025000000.0, "元", None, "770.25亿元"),
        (1, "地区生产总值", "change", 0.9, "%", 0.9, "%", "yoy", "同比增长0.9%"),
        (1, "规模以上工业总产值", "change", -1.0, "%", -1.0, "%", "yoy", "同比下降1.0%"),
    ]


def test_v_metric_summary(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(con, """
        select metric, unit, departments, facts, sum_value, min_value, median_value, max_value
        from v_metric_summary
        where year = 2023 and metric in ('地区生产总值', '规模以上工业总产值', '社会消费品零售总额')
        order by metric, unit""")
    assert got == [
        # both departments state it: 0.9% twice, 770.25亿元 twice; a growth rate in % is never summed
        ("地区生产总值", "%", 2, 2, None, 0.9, 0.9, 0.9),
        ("地区生产总值", "元", 2, 2, 154050000000.0, 77025000000.0, 77025000000.0, 77025000000.0),
        # only the economy form states it (finance kept task 1's first four figures)
        ("社会消费品零售总额", "%", 1, 1, None, 5.2, 5.2, 5.2),
        ("社会消费品零售总额", "元", 1, 1, 11975000000.0, 11975000000.0, 11975000000.0, 11975000000.0),
        ("规模以上工业总产值", "%", 2, 2, None, -1.0, -1.0, -1.0),
        ("规模以上工业总产值", "元", 2, 2, 373410000000.0, 186705000000.0, 186705000000.0, 186705000000.0),
    ]
    # the kind is part of the grain: a change and a level are never summed together
    assert rows(con, "select kind, unit from v_metric_summary where metric = '地区生产总值' order by kind") == [
        ("amount", "元"), ("change", "%")]


def test_v_fact_trace(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "select count(*), count(distinct fact_id) from v_fact_trace") == [(33, 33)]
    got = rows(con, f"""
        select t.metric, t.text, t.source_path, t.sha256, t.format, t.version, t.page, t.bbox_x0,
               substring(d.text, t.span_start + 1, t.span_end - t.span_start) = t.text as span_ok,
               t.sentence like '%' || t.text || '%' as in_sentence
        from v_fact_trace as t join documents as d using (submission_id)
        where t.unit_name = '{FINANCE}' order by t.span_start limit 1""")
    assert got == [("地区生产总值", "770.25亿元", "/raw/finance.txt", SHA["finance"], "txt", 1, None, None, True, True)]
    assert rows(con, f"select distinct version from v_fact_trace where unit_name = '{ECONOMY}'") == [(2,)]


def test_no_view_shows_personal_data(con: duckdb.DuckDBPyConnection) -> None:
    views = [r[0] for r in rows(con, "select view_name from duckdb_views() where not internal")]
    assert len(views) == len(schema.sql_files("views")) >= 8
    for view in views:
        columns = [r[0] for r in rows(con, f"describe {view}")]
        assert not any(c.startswith("contact") for c in columns), view
        text = rows(con, f"select string_agg(cast(columns(*) as varchar), '|') from {view}")
        assert "15766818272" not in str(text) and "梁延铭" not in str(text), view

"""The analyst views over real fixture forms, with values worked out by hand from the forms.

Three departments' text submissions go through the real reader and the nightly batch;
each view must give what a clerk would compute from the printed forms.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.batch import ingest

FORMS = Path(__file__).parent / "fixtures" / "forms"
EDUCATION, STREET, ZETDZ = "临江区教育局", "临江区海石街道办事处", "湛江经济技术开发区经济贸易和科技局"
FILES = ("ljq_jyj_2023.utf8.txt", "hsjd_2023.gb18030.txt", "zetdz_jmkj_2023.txt")


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Any:
    raw = tmp_path_factory.mktemp("raw")
    for name in FILES:
        shutil.copyfile(FORMS / name, raw / name)
    db = tmp_path_factory.mktemp("warehouse") / "jixiao.duckdb"
    report = ingest(raw, db, workers=0)
    assert (report.new, len(report.rejects)) == (3, 0)
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def test_v_sangong_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    # 教育局 31.26/45.80 万元 = 68.25% → 68.3; 街道 41,860.50/82,225.00 元 = 50.91% → 50.9;
    # 经贸科技局 7.35/13.67 万元 = 53.77% → 53.8. Rank 1 spent the largest share.
    assert rows(con, """
        select unit_name, budget_yuan, actual_yuan, control_rate_reported_pct, control_rate_computed_pct,
               overspent, rank_in_year
        from v_sangong order by rank_in_year""") == [
        (EDUCATION, 458000.0, 312600.0, 68.0, 68.3, False, 1),
        (ZETDZ, 136700.0, 73500.0, 53.0, 53.8, False, 2),
        (STREET, 82225.0, 41860.5, 51.0, 50.9, False, 3),
    ]


def test_v_departments_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    got = rows(con, """
        select unit_name, public_budget_yuan, public_actual_yuan, public_control_rate_pct,
               fixed_assets_total_yuan, fixed_assets_in_use_yuan, fixed_asset_utilization_pct,
               self_eval_disclosed, budget_disclosed, perf_goal_disclosed, task_count, checks_failed
        from v_departments order by unit_name""")
    assert got == sorted([
        # 公用经费 1,206.5 / 1,152.37 万元; 固定资产 38,562.18 / 37,905.42 万元; 6 tasks
        (EDUCATION, 12065000.0, 11523700.0, 95.5, 385621800.0, 379054200.0, 98.3, True, True, True, 6, 0),
        # amounts printed in 元 with thousands separators; two of three disclosures marked 否
        (STREET, 1035600.0, 998742.35, 96.4, 1286540.0, 1152318.6, 89.6, False, True, False, 4, 0),
        (ZETDZ, 743100.0, 656800.0, 88.0, 2450000.0, 2450000.0, 100.0, False, True, False, 8, 0),
    ])


def test_v_disclosure_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, """
        select kind, disclosed, not_disclosed, unmarked, departments
        from v_disclosure where year = 2023 order by kind""") == [
        ("budget", 3, 0, 0, 3),
        ("perf_goal", 1, 2, 0, 3),
        ("self_eval", 1, 2, 0, 3),
    ]


def test_v_metrics_and_summary_agree_with_the_facts(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "select count(*) from v_metrics") == rows(con, "select count(*) from facts")
    # 地区生产总值770.25亿元 is stated by one department only
    assert rows(con, """
        select departments, facts, sum_value from v_metric_summary
        where metric = '地区生产总值' and kind = 'amount'""") == [(1, 1, 77025000000.0)]


def test_v_check_failures_and_fact_trace(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "select count(*) from v_check_failures") == [(0,)]
    traced = rows(con, """
        select count(*), count(*) filter (where substring(d.text, t.span_start + 1, t.span_end - t.span_start) = t.text)
        from v_fact_trace as t join documents as d using (submission_id)""")
    total, sliced = traced[0]
    assert total == rows(con, "select count(*) from facts")[0][0] and sliced == total

"""v_metric_summary sums only what adds, and counts exact and approximate figures apart.

Two departments state the same metrics in every kind a fact can have; the sum must exist
for amounts, counts, quantities and changes in money, and never for a level in %, a change
in % or pp, a multiple, a rank, a score or a per-head figure. Estimates never enter a sum.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from warehouse_fixtures import make_reading

from pipeline.warehouse import schema
from pipeline.warehouse.load import Loader


def fact(metric: str, kind: str, value: float, unit_std: str | None, approx: str | None = None,
         value_max: float | None = None) -> dict[str, Any]:
    return {"metric": metric, "kind": kind, "value": value, "value_max": value_max, "unit": unit_std,
            "value_std": value, "unit_std": unit_std, "approx": approx, "basis": None,
            "text": f"{value}{unit_std or ''}"}


# (metric, kind, unit) -> department A's figure, department B's figure
FIGURES = {
    ("一般公共预算收入", "amount", "元"): (100.0, 50.0),
    ("新增企业", "count", "家"): (3.0, 4.0),
    ("新建道路", "quantity", "公里"): (1.5, 2.5),
    ("一般公共预算收入", "change", "元"): (10.0, -4.0),       # 比上年增加10元: adds
    ("地区生产总值", "change", "%"): (0.9, 1.1),               # 同比增长0.9%: never
    ("合格率", "percent", "%"): (98.9, 98.9),                  # a level: never (the 197.8 of the issue)
    ("优良率", "change", "pp"): (0.3, 0.2),                    # 提高0.3个百分点: never
    ("婴儿死亡率", "change", "‰"): (-0.5, -0.2),               # 下降0.5‰: never
    ("出口额", "change", "x"): (2.0, 3.0),                     # 增长2倍: never
    ("营商环境排名", "rank", "名"): (4.0, 7.0),                # never
    ("综合评分", "count", "分"): (97.0, 95.0),                 # a score: never
    ("人均可支配收入", "amount", "元"): (30000.0, 40000.0),    # per head: never
    ("补贴", "amount", None): (5.0, 6.0),                      # no unit: never
}
NEVER = {"%", "‰", "pp", "x", "分"}


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = schema.open_for_write(Path(tmp_path_factory.mktemp("summary")) / "w.duckdb")
    connection.execute("insert into runs (run_id, started_at, status) values ('r', now(), 'completed')")
    loader = Loader(connection)
    for side, unit_name in enumerate(("甲局", "乙局")):
        facts = [fact(metric, kind, values[side], unit) for (metric, kind, unit), values in FIGURES.items()]
        # and estimates of the amount: 约200元 (A), 3至5元 (B) -- counted, never summed
        facts.append(fact("一般公共预算收入", "amount", 200.0, "元", approx="about") if side == 0
                     else fact("一般公共预算收入", "amount", 3.0, "元", value_max=5.0))
        sha = hashlib.sha256(unit_name.encode()).hexdigest()
        reading = make_reading(unit_name=unit_name, facts=0, sha256=sha)
        reading["facts"] = [{**f, "id": f"{sha[:8]}-{i}"} for i, f in enumerate(facts)]
        loader.load_reading(reading, sha256=sha, source_path=f"/raw/{unit_name}.txt", run_id="r")
    yield connection
    connection.close()


def summary(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str | None], tuple[Any, ...]]:
    got = con.execute("""
        select metric, kind, unit, departments, facts, exact_facts, approx_facts, additive, sum_value,
               min_value, max_value
        from v_metric_summary""").fetchall()
    return {(r[0], r[1], r[2]): r[3:] for r in got}


def test_sums_only_what_adds(con: duckdb.DuckDBPyConnection) -> None:
    rows = summary(con)
    assert rows[("新增企业", "count", "家")][5] == 7.0
    assert rows[("新建道路", "quantity", "公里")][5] == 4.0
    assert rows[("一般公共预算收入", "change", "元")][5] == 6.0
    for key in [("地区生产总值", "change", "%"), ("合格率", "percent", "%"), ("优良率", "change", "pp"),
                ("出口额", "change", "x"), ("婴儿死亡率", "change", "‰"), ("营商环境排名", "rank", "名"), ("综合评分", "count", "分"),
                ("人均可支配收入", "amount", "元"), ("补贴", "amount", None)]:
        departments, facts, _, _, additive, total, low, high = rows[key]
        assert (departments, facts, additive, total) == (2, 2, False, None), key
        assert low is not None and high is not None, key  # the spread is still shown


def test_never_sums_a_percent_pp_multiple_rank_or_score(con: duckdb.DuckDBPyConnection) -> None:
    bad = con.execute("""
        select metric, kind, unit from v_metric_summary
        where sum_value is not null and (kind in ('percent', 'rank') or unit in ('%', '‰', 'pp', 'x', '分'))
    """).fetchall()
    assert bad == []
    assert {key[2] for key, row in summary(con).items() if row[4]}.isdisjoint(NEVER)


def test_exact_and_approximate_figures_are_counted_apart(con: duckdb.DuckDBPyConnection) -> None:
    departments, facts, exact, approx, additive, total, low, high = summary(con)[("一般公共预算收入", "amount", "元")]
    assert (departments, facts, exact, approx) == (2, 4, 2, 2)
    # 100 + 50 exact; 约200 and 3至5 are left out of the sum and the spread
    assert (additive, total, low, high) == (True, 150.0, 50.0, 100.0)

"""A small warehouse whose task outcomes are written for the search tests (and the exports).

Each department's reading is the example form's, with its tasks replaced by the sentences
below (appended to the document text, so spans and data checks hold) and one fact per
outcome pointing into it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
from warehouse_fixtures import make_reading

from pipeline.checks import fields_to_checks
from pipeline.warehouse import schema
from pipeline.warehouse.load import Loader

# unit -> (year, outcomes of tasks 1.., the figure in the first outcome that becomes a fact)
DEPARTMENTS: dict[str, tuple[int, list[str], str]] = {
    "甲区工业和信息化局": (2023, [
        "推进化工园区建设，化工园区新增企业5家，化工园区产值同比增长10%。",
        "培育高新技术企业，认定高新技术企业12家。",
    ], "5家"),
    "乙区发展和改革局": (2023, ["完成化工园区规划编制，加快石化工业转型，新增项目3个。"], "3个"),
    "丙区交通运输局": (2023, ["石化工业产值增长，氯碱化工厂完成搬迁，新建道路8公里。"], "8公里"),
    "丁区应急管理局": (2023, ["开展化工企业安全检查，加快化工产业发展，检查企业20家。"], "20家"),
    "戊区工业和信息化局": (2022, ["推进化工园区建设，新增企业2家。"], "2家"),
}


def sha_of(unit: str) -> str:
    return hashlib.sha256(unit.encode()).hexdigest()


def department_reading(unit: str) -> dict[str, Any]:
    """The reading of one department of ``DEPARTMENTS``."""
    year, outcomes, figure = DEPARTMENTS[unit]
    sha = sha_of(unit)
    reading = make_reading(unit_name=unit, year=year, facts=0, sha256=sha, path=f"/raw/{unit}.txt")
    text = reading["text"]
    tasks, facts = [], []
    for no, outcome in enumerate(outcomes, 1):
        goal = f"任务{no}：完成年度工作"
        goal_at = len(text) + 1
        text += "\n" + goal
        outcome_at = len(text) + 1
        text += "\n" + outcome
        tasks.append({"no": no, "goal": goal, "outcome": outcome,
                      "goal_span": [goal_at, goal_at + len(goal)],
                      "outcome_span": [outcome_at, outcome_at + len(outcome)]})
        if no == 1:
            at = outcome_at + outcome.index(figure)
            facts.append({"id": f"{sha[:12]}-f{no}", "metric": "新增企业", "kind": "count",
                          "value": float("".join(ch for ch in figure if ch.isdigit())), "value_max": None,
                          "unit": figure[-1], "value_std": None, "unit_std": figure[-1], "approx": None,
                          "basis": None, "text": figure, "span": [at, at + len(figure)], "page": None,
                          "bbox": None, "sentence": outcome, "task_no": no})
    reading.update(text=text, tasks=tasks, facts=facts)
    reading["checks"] = fields_to_checks(reading["fields"])
    return reading


def build_warehouse(path: Path) -> Path:
    """A published-style warehouse file holding every department of ``DEPARTMENTS``."""
    con = schema.open_for_write(path)
    con.execute("insert into runs (run_id, started_at, status) values ('r', now(), 'completed')")
    loader = Loader(con)
    for unit in DEPARTMENTS:
        loader.load_reading(department_reading(unit), sha256=sha_of(unit), source_path=f"/raw/{unit}.txt",
                            run_id="r")
    assert schema.run_checks(con) == {}
    con.close()
    return path


def read_only(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)

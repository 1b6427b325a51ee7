"""Tasks in any arrangement: numbered lists in one cell, task tables by their header row."""

from __future__ import annotations

from typing import Any

import pytest

from extractors.document import Source
from extractors.text import read_text
from pipeline.extract import reading_to_json
from pipeline.form import document_to_form

HEAD = "单位名称\t某某局\n信息公开\n固定资产总额\t100万元\n"
GOALS = ["推动企业做优做大做强", "加快高新技术产业发展", "促进外贸外资保稳提质"]
OUTCOMES = ["地区生产总值770.25亿元。", "新增高新技术企业28家。", "外贸进出口总额增长6.1%。"]


def read(body: str) -> dict[str, Any]:
    document = read_text((HEAD + body).encode("utf-8"), Source("memory", "0" * 64, "text"))
    return reading_to_json(document, document_to_form(document))


def tasks_of(reading: dict[str, Any]) -> list[tuple[int, str | None, str | None]]:
    for task in reading["tasks"]:
        for part in ("goal", "outcome"):
            if task[f"{part}_span"]:
                start, end = task[f"{part}_span"]
                assert reading["text"][start:end] == task[part]
    return [(t["no"], t["goal"], t["outcome"]) for t in reading["tasks"]]


MARKERS = {
    "1.": lambda n: f"{n}. ", "1、": lambda n: f"{n}、", "（1）": lambda n: f"（{n}）",
    "一、": lambda n: "一二三"[n - 1] + "、", "任务一：": lambda n: "任务" + "一二三"[n - 1] + "：",
    "任务1：": lambda n: f"任务{n}：", "1. 任务1：": lambda n: f"{n}. 任务{n}：",
}


@pytest.mark.parametrize("style", MARKERS)
def test_numbered_lists_in_one_cell(style: str) -> None:
    mark = MARKERS[style]
    goals = " ".join(f"{mark(n)}{g}；" for n, g in enumerate(GOALS, 1))
    outcomes = " ".join(f"<p>{mark(n)}{o}</p>" for n, o in enumerate(OUTCOMES, 1))
    reading = read(f"整体绩效（总）目标：{goals}\n整体绩效（总）目标完成情况：\t{outcomes}\n")
    assert tasks_of(reading) == [(n, g, o) for n, (g, o) in enumerate(zip(GOALS, OUTCOMES, strict=True), 1)]
    assert not [w for w in reading["warnings"] if "task" in w]


def test_task_table_with_repeated_header_and_a_continuation_row() -> None:
    rows = ["序号\t整体绩效目标\t完成情况"]
    rows += [f"{n}\t{g}；\t{o}" for n, (g, o) in enumerate(zip(GOALS[:2], OUTCOMES[:2], strict=True), 1)]
    rows += ["序号\t整体绩效目标\t完成情况", f"3\t{GOALS[2]}；\t外贸进出口总额", "\t\t增长6.1%。"]
    reading = read("\n".join(rows) + "\n未完成原因分析\t无\n")
    got = tasks_of(reading)
    assert got[:2] == [(1, GOALS[0], OUTCOMES[0]), (2, GOALS[1], OUTCOMES[1])]
    # the continuation row joins its task; the document text keeps the row break
    assert got[2] == (3, GOALS[2], "外贸进出口总额\n增长6.1%。")
    assert reading["fields"]["incomplete_reason"]["value"] == "无"


def test_goals_and_outcomes_in_two_tables_joined_by_number() -> None:
    goals = ["任务\t目标"] + [f"任务{n}\t{g}" for n, g in enumerate(GOALS, 1)]
    outcomes = ["编号\t实际完成情况"] + [f"（{n}）\t{o}" for n, o in [(2, OUTCOMES[1]), (1, OUTCOMES[0])]]
    reading = read("\n".join(goals) + "\n\n" + "\n".join(outcomes) + "\n")
    assert tasks_of(reading) == [(1, GOALS[0], OUTCOMES[0]), (2, GOALS[1], OUTCOMES[1]), (3, GOALS[2], None)]
    assert any("task goal 3 has no outcome" in w for w in reading["warnings"])
    assert reading["coverage"]["goals_without_outcome"] == [3]


def test_an_outcome_without_its_goal_is_a_warning() -> None:
    rows = ["序号\t整体绩效目标\t完成情况", f"1\t{GOALS[0]}\t{OUTCOMES[0]}", f"2\t\t{OUTCOMES[1]}"]
    reading = read("\n".join(rows) + "\n")
    assert tasks_of(reading) == [(1, GOALS[0], OUTCOMES[0]), (2, None, OUTCOMES[1])]
    assert any("task outcome 2 has no matching task goal" in w for w in reading["warnings"])
    assert reading["coverage"]["outcomes_without_goal"] == [2]


def test_a_task_table_header_alone_is_a_goals_block_without_tasks() -> None:
    reading = read("序号\t整体绩效目标\t完成情况\n")
    assert reading["tasks"] == [] and reading["coverage"]["goals_block"] is True
    assert any("no task could be read" in w for w in reading["warnings"])


def test_task_table_without_a_number_column_numbers_by_the_text_or_in_order() -> None:
    rows = ["整体绩效目标\t完成情况", f"任务1：{GOALS[0]}；\t{OUTCOMES[0]}", f"{GOALS[1]}；\t{OUTCOMES[1]}"]
    reading = read("\n".join(rows) + "\n")
    assert tasks_of(reading) == [(1, GOALS[0], OUTCOMES[0]), (2, GOALS[1], OUTCOMES[1])]


def test_values_below_their_labels_and_a_matrix_by_column_header() -> None:
    body = "\n".join([
        "应申报项目数（个）\t金额（万元）\t实际申报项目数\t金额",
        "3\t120.5\t2个\t80万元",
        "信息公开\t是否公开\t公开时间\t公开网址",
        "自评信息\t是 √ 否\t2024.3.7\thttp://a.example/1",
        "预决算信息\t是 否 √\t\t",
        "项目\t预算安排数（万元）\t实际支出数（万元）\t控制率",
        "三公经费控制率\t13.67\t7.35\t53%",
        "公用经费控制率\t74.31\t65.68\t88%",
    ])
    fields = read(body + "\n")["fields"]
    assert fields["project_planned_count"]["value"] == 3
    assert (fields["project_planned_amount"]["value"], fields["project_planned_amount"]["unit"]) == (120.5, "万元")
    assert (fields["project_declared_amount"]["value"], fields["project_declared_amount"]["unit"]) == (80, "万元")
    assert fields["self_eval_disclosed"]["value"] is True
    assert fields["self_eval_disclosed_date"]["value"] == "2024-03-07"
    assert fields["self_eval_disclosed_url"]["value"] == "http://a.example/1"
    assert fields["budget_disclosed"]["value"] is False and fields["budget_disclosed_date"] == {"value": None}
    assert (fields["public_actual"]["value"], fields["public_actual"]["value_std"]) == (65.68, 656800.0)
    assert fields["sangong_control_rate"]["value"] == 53 and fields["public_control_rate"]["value"] == 88

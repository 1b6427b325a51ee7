"""How much of a form the reading accounts for — so that nothing is lost silently.

``reading_coverage`` counts the template's labels found and expected, the fields read,
the labels found whose value could not be read, the tasks, the template sections never
seen, and the numbers in the text that no field, task or fact accounts for.
``coverage_warnings`` turns every loss into a plain warning (Chinese, then English).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

from extractors.document import Document
from pipeline.fields import FIELD_SPECS, FIELDS_BY_KEY
from pipeline.form import Form

SECTIONS = {
    "basic": "单位基本情况",
    "goals": "绩效目标情况",
    "disclosure": "信息公开",
    "assets": "资产管理",
    "projects": "项目组织实施情况",
    "outputs": "部门整体绩效产出情况",
    "fairness": "公平性",
}
EXPECTED_KEYS = tuple(spec.key for spec in FIELD_SPECS if spec.section != "meta")
MAX_SPANS = 20

_NUMBER = re.compile(r"\d+(?:[.,，]\d+)*")
# an item number (1. / 1、 / （1） / 任务1) or a list marker is no figure to account for
_MARKER_AFTER = re.compile(r"\s*[.．、:：)）]")
_MARKER_BEFORE = re.compile(r"(?:任务|[（(])\s*$")


def reading_coverage(document: Document, form: Form, facts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The ``coverage`` object of a reading (contract/OUTPUT.md allows new keys)."""
    found = [key for key in EXPECTED_KEYS if key in form.labels_found]
    goals = {t.no for t in form.tasks if t.goal is not None}
    outcomes = {t.no for t in form.tasks if t.outcome is not None}
    spans = unaccounted_numbers(document, form, facts)
    return {
        "labels_expected": len(EXPECTED_KEYS),
        "labels_found": len(found),
        "labels_missing": [key for key in EXPECTED_KEYS if key not in form.labels_found],
        "fields_read": sum(1 for value in form.fields.values() if value is not None),
        "values_unreadable": sorted(form.unreadable),
        "sections_missing": missing_sections(form),
        "goals_block": form.goals_found,
        "tasks": len(form.tasks),
        "goals_without_outcome": sorted(goals - outcomes),
        "outcomes_without_goal": sorted(outcomes - goals),
        "unaccounted_numbers": len(spans),
        "unaccounted_spans": [list(span) for span in spans[:MAX_SPANS]],
    }


def missing_sections(form: Form) -> list[str]:
    """The template sections of which not one label was found."""
    seen = {FIELDS_BY_KEY[key].section for key in form.labels_found if key in FIELDS_BY_KEY}
    if form.goals_found:
        seen.add("goals")
    return [section for section in SECTIONS if section not in seen]


def unaccounted_numbers(
    document: Document, form: Form, facts: Iterable[dict[str, Any]]
) -> list[tuple[int, int]]:
    """Spans of the numbers in the text that lie in no field, task, task block or fact."""
    covered: list[tuple[int, int]] = [
        (value.start, value.end) for value in form.fields.values() if value is not None
    ]
    for task in form.tasks:
        covered += [span for span in (task.goal_span, task.outcome_span) if span is not None]
    covered += form.task_regions + form.also_read
    covered += [(fact["span"][0], fact["span"][1]) for fact in facts if fact.get("span")]
    covered.sort()
    starts = [s for s, _ in covered]
    reach = list(accumulate((e for _, e in covered), max))  # the furthest end of covered[:i + 1]
    text = document.text
    lost = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        before = bisect_left(starts, end)  # the covered spans starting before the number ends
        if before and reach[before - 1] > start:
            continue  # covered (most are): no need to ask whether it is an item's number
        if _MARKER_AFTER.match(text, end) or _MARKER_BEFORE.search(text, max(0, start - 3), start):
            continue
        lost.append((start, end))
    return lost


def coverage_warnings(coverage: dict[str, Any]) -> list[str]:
    """One plain warning per kind of loss the coverage shows; none when every part was found."""
    warnings = []
    for section in coverage["sections_missing"]:
        warnings.append(
            f"模板的“{SECTIONS[section]}”部分没有找到 / the template section {section!r} was not found"
        )
    for key in coverage["values_unreadable"]:
        warnings.append(
            f"找到了“{FIELDS_BY_KEY[key].label}”但读不出它的值 / the label of {key} was found but its value could not be read"
        )
    if coverage["goals_block"] and coverage["tasks"] == 0:
        warnings.append("有整体绩效目标，但一个任务也没有读出 / a goals block is present but no task could be read")
    if coverage["unaccounted_numbers"]:
        warnings.append(
            f"文中有{coverage['unaccounted_numbers']}个数字不属于任何字段、任务或事实 / "
            f"{coverage['unaccounted_numbers']} numbers in the text belong to no field, task or fact"
        )
    return warnings

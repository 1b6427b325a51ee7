"""Property test: any values, printed in any of the forms' conventions, read back exactly.

The fixture generator (tests/fixtures/formgen) prints a department's fields in a
chosen style; hypothesis varies the values and the style, and the reading must
equal what was printed, in text and in Word.
"""

from __future__ import annotations

import copy
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from form_compare import field_mismatches, task_mismatches
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import extract_file

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
from formgen import render_docx, render_text  # noqa: E402
from formgen.content import DEPARTMENTS, load_case  # noqa: E402

BASE = load_case(DEPARTMENTS / "ljq_jyj_2023.json")  # every optional field filled

STYLES = st.fixed_dictionaries({
    "marks": st.sampled_from(["check", "tick", "box", "paren", "square"]),
    "date": st.sampled_from(["dot", "cjk", "iso", "slash"]),
    "fill_date": st.sampled_from(["dot", "cjk", "iso", "slash"]),
    "amounts": st.sampled_from(["cell", "label"]),
    "number_format": st.sampled_from(["plain", "thousands", "thousands2"]),
    "counts": st.sampled_from(["inline", "spaced", "split"]),
    "rates": st.sampled_from(["in_label", "cell"]),
    "punct": st.sampled_from(["full", "half"]),
    "label_spaces": st.booleans(),
    "unit_name_label": st.sampled_from(["单位名称", "部门名称"]),
    "phone_label": st.sampled_from(["联系电话及手机", "联系电话"]),
    "budget_info_label": st.sampled_from(["预决算信息", "部门预决算信息"]),
    "tasks": st.sampled_from(["renwu", "dun", "paren"]),
    "goals_layout": st.sampled_from(["inline", "paragraphs"]),
})
MONEY = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
RATE = st.integers(min_value=0, max_value=100)
DATE = st.dates().map(lambda d: d.replace(year=2024).isoformat())


def amount(value: Decimal) -> dict[str, Any]:
    return {"value": float(value), "unit": "万元", "value_std": float(value * 10000), "unit_std": "元"}


def percent(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "%", "value_std": value, "unit_std": "%"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    style=STYLES,
    budget=MONEY,
    actual=MONEY,
    rate=RATE,
    disclosed=st.tuples(st.booleans() | st.none(), st.booleans() | st.none(), st.booleans() | st.none()),
    disclosed_date=DATE,
    satisfaction=RATE,
    variant=st.sampled_from(["text", "docx"]),
)
def test_printed_values_read_back(
    tmp_path_factory: Any, style: dict[str, Any], budget: Decimal, actual: Decimal, rate: int,
    disclosed: tuple[bool | None, ...], disclosed_date: str, satisfaction: int, variant: str,
) -> None:
    case = copy.deepcopy(BASE)
    case.render.update(style)
    fields = case.fields
    fields["sangong_budget"] = amount(budget)
    fields["sangong_actual"] = amount(actual)
    fields["sangong_control_rate"] = percent(rate)
    fields["satisfaction_rate"] = percent(satisfaction)
    for prefix, answer in zip(("self_eval", "budget", "perf_goal"), disclosed, strict=True):
        fields[f"{prefix}_disclosed"] = answer
        fields[f"{prefix}_disclosed_date"] = disclosed_date
    folder = tmp_path_factory.mktemp("printed")
    if variant == "text":
        path = folder / "form.txt"
        path.write_text(render_text.case_to_text(case), encoding="utf-8")
    else:
        path = folder / "form.docx"
        render_docx.write_official(case, path)
    reading = extract_file(path)
    expected = {"fields": fields, "tasks": case.tasks}
    assert field_mismatches(reading, expected) == []
    assert task_mismatches(reading, expected) == []

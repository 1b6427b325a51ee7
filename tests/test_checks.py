"""Consistency rules over a reading's fields (pipeline.checks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.checks import fields_to_checks

FORMS = Path(__file__).parent / "fixtures" / "forms"
# Expected readings that list their checks (the others are checked through test_ingest).
WITH_CHECKS = [p for p in sorted(FORMS.glob("*.expected.json")) if '"checks"' in p.read_text(encoding="utf-8")]


def _amount(value: float, unit: str = "万元") -> dict[str, object]:
    scale = 10000 if unit == "万元" else 1
    return {"value": value, "unit": unit, "value_std": value * scale, "unit_std": "元"}


def _rate(value: float) -> dict[str, object]:
    return {"value": value, "unit": "%", "value_std": value, "unit_std": "%"}


def _by_rule(fields: dict[str, object], year: int | None = 2023) -> dict[str, dict[str, str]]:
    return {check["rule"]: check for check in fields_to_checks(fields, year)}


@pytest.mark.parametrize("expected_path", WITH_CHECKS, ids=lambda p: p.name)
def test_rate_checks_reproduce_each_expected_reading(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    produced = fields_to_checks(expected["fields"], expected["fields"]["year"])
    rate_rules = {c["rule"] for c in expected["checks"]}
    assert [c for c in produced if c["rule"] in rate_rules] == expected["checks"]


def test_example_checks_word_for_word() -> None:
    expected = json.loads((FORMS / "zetdz_jmkj_2023.expected.json").read_text(encoding="utf-8"))
    checks = fields_to_checks(expected["fields"], 2023)
    assert checks[:3] == [
        {"rule": "sangong_control_rate_consistent", "status": "pass",
         "detail": "7.35 / 13.67 = 53.8%; reported 53% (within 1 point)"},
        {"rule": "public_control_rate_consistent", "status": "pass", "detail": "65.68 / 74.31 = 88.4%; reported 88%"},
        {"rule": "fixed_asset_utilization_consistent", "status": "pass", "detail": "245 / 245 = 100%; reported 100%"},
    ]
    assert [(c["rule"], c["status"]) for c in checks[3:]] == [
        ("self_eval_disclosed_has_date_or_url", "skip"),
        ("budget_disclosed_has_date_or_url", "pass"),
        ("perf_goal_disclosed_has_date_or_url", "skip"),
        ("fill_date_after_year", "pass"),
    ]


@pytest.mark.parametrize(
    ("actual", "budget", "reported", "status", "detail"),
    [
        (20, 25, 80, "pass", "20 / 25 = 80%; reported 80%"),
        (7.35, 13.67, 54, "pass", "7.35 / 13.67 = 53.8%; reported 54%"),
        (7.35, 13.67, 52.9, "pass", "7.35 / 13.67 = 53.8%; reported 52.9% (within 1 point)"),
        (30, 25, 100, "fail", "30 / 25 = 120%; reported 100% (off by 20 points)"),
        (7.35, 13.67, 52, "fail", "7.35 / 13.67 = 53.8%; reported 52% (off by 1.8 points)"),
        (1, 8, 13, "pass", "1 / 8 = 12.5%; reported 13%"),  # half up, not to even
    ],
)
def test_control_rate(actual: float, budget: float, reported: float, status: str, detail: str) -> None:
    fields = {"sangong_actual": _amount(actual), "sangong_budget": _amount(budget), "sangong_control_rate": _rate(reported)}
    assert _by_rule(fields)["sangong_control_rate_consistent"] == {
        "rule": "sangong_control_rate_consistent", "status": status, "detail": detail,
    }


def test_rate_in_mixed_units_compares_in_yuan() -> None:
    fields = {"public_actual": _amount(656800, "元"), "public_budget": _amount(74.31), "public_control_rate": _rate(88)}
    check = _by_rule(fields)["public_control_rate_consistent"]
    assert check["status"] == "pass"
    assert check["detail"] == "656800元 / 74.31万元 = 88.4%; reported 88%"


def test_rate_skips_blank_and_zero() -> None:
    blank = _by_rule({"sangong_actual": _amount(1), "sangong_budget": {"value": None}, "sangong_control_rate": _rate(5)})
    assert blank["sangong_control_rate_consistent"]["status"] == "skip"
    assert "sangong_budget" in blank["sangong_control_rate_consistent"]["detail"]
    zero = _by_rule({"fixed_assets_in_use": _amount(0), "fixed_assets_total": _amount(0), "fixed_asset_utilization": _rate(0)})
    assert zero["fixed_asset_utilization_consistent"] == {
        "rule": "fixed_asset_utilization_consistent", "status": "skip", "detail": "not checked: fixed_assets_total is 0",
    }
    assert _by_rule({})["public_control_rate_consistent"]["status"] == "skip"


@pytest.mark.parametrize(
    ("marked", "when", "where", "status"),
    [
        (True, "2024-03-07", None, "pass"),
        (True, None, "http://example.gov.cn/x", "pass"),
        (True, None, None, "fail"),
        (False, None, None, "skip"),
        (None, "2024-03-07", None, "skip"),
    ],
)
def test_disclosure_needs_date_or_url(marked: bool | None, when: str | None, where: str | None, status: str) -> None:
    fields = {"budget_disclosed": {"value": marked}, "budget_disclosed_date": {"value": when},
              "budget_disclosed_url": {"value": where}}
    assert _by_rule(fields)["budget_disclosed_has_date_or_url"]["status"] == status


@pytest.mark.parametrize(
    ("fill_date", "year", "status"),
    [("2024-06-11", 2023, "pass"), ("2023-12-31", 2023, "fail"), ("2022-01-05", 2023, "fail"),
     (None, 2023, "skip"), ("2024-06-11", None, "skip"), ("2024.6", 2023, "skip")],
)
def test_fill_date_after_year(fill_date: str | None, year: int | None, status: str) -> None:
    assert _by_rule({"fill_date": {"value": fill_date}}, year)["fill_date_after_year"]["status"] == status


def test_year_defaults_to_the_year_field() -> None:
    checks = fields_to_checks({"fill_date": {"value": "2023-05-01"}, "year": {"value": 2023}})
    assert checks[-1] == {"rule": "fill_date_after_year", "status": "fail",
                          "detail": "filled 2023-05-01, not after the evaluated year 2023"}

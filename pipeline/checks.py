"""Consistency rules the form implies, each a pass/fail/skip with a sentence saying why.

``fields_to_checks`` takes the ``fields`` of a reading (contract/OUTPUT.md) and returns the
``checks`` list: control rates and utilisation recomputed from their parts, disclosures
marked yes backed by a date or a URL, the fill date after the evaluated year.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Check = dict[str, str]

# rule -> (numerator key, denominator key, reported percent key)
RATE_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("sangong_control_rate_consistent", "sangong_actual", "sangong_budget", "sangong_control_rate"),
    ("public_control_rate_consistent", "public_actual", "public_budget", "public_control_rate"),
    ("fixed_asset_utilization_consistent", "fixed_assets_in_use", "fixed_assets_total", "fixed_asset_utilization"),
)
DISCLOSURES: tuple[str, ...] = ("self_eval_disclosed", "budget_disclosed", "perf_goal_disclosed")
TOLERANCE_POINTS = Decimal(1)


def _entry(fields: dict[str, Any], key: str) -> dict[str, Any]:
    # Accept a bare value too, as the example's expected.json writes plain fields.
    raw = fields.get(key)
    return raw if isinstance(raw, dict) else {"value": raw}


def _number(value: Any) -> str:
    """A number as a person writes it: 245 not 245.0, 7.35 not 7.3500."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _check(rule: str, status: str, detail: str) -> Check:
    return {"rule": rule, "status": status, "detail": detail}


def rate_check(fields: dict[str, Any], rule: str, part_key: str, whole_key: str, rate_key: str) -> Check:
    """part / whole recomputed (one decimal) against the reported percent, within one point."""
    part, whole, rate = (_entry(fields, k) for k in (part_key, whole_key, rate_key))
    missing = [k for k, e in ((part_key, part), (whole_key, whole), (rate_key, rate)) if e.get("value") is None]
    if missing:
        return _check(rule, "skip", f"not checked: {', '.join(missing)} left blank")
    same_unit = part.get("unit") == whole.get("unit")
    # Compare in standard units when the two were printed in different ones (万元 vs 元).
    use_std = not same_unit and part.get("value_std") is not None and whole.get("value_std") is not None
    num = Decimal(str(part["value_std"] if use_std else part["value"]))
    den = Decimal(str(whole["value_std"] if use_std else whole["value"]))
    if den == 0:
        return _check(rule, "skip", f"not checked: {whole_key} is 0")
    shown = [_number(e["value"]) + ("" if same_unit else str(e.get("unit") or "")) for e in (part, whole)]
    computed = _half_up(num / den * 100, 1)
    reported = Decimal(str(rate["value"]))
    head = f"{shown[0]} / {shown[1]} = {_number(computed)}%; reported {_number(rate['value'])}%"
    if _half_up(computed, 0) == reported:
        return _check(rule, "pass", head)
    off = abs(computed - reported)
    if off <= TOLERANCE_POINTS:
        return _check(rule, "pass", f"{head} (within 1 point)")
    return _check(rule, "fail", f"{head} (off by {_number(off)} points)")


def disclosure_check(fields: dict[str, Any], key: str) -> Check:
    """A disclosure marked 是 must say when (a date) or where (a URL)."""
    rule = f"{key}_has_date_or_url"
    marked = _entry(fields, key).get("value")
    if marked is not True:
        state = "not marked" if marked is None else "marked 否"
        return _check(rule, "skip", f"not checked: {key} is {state}")
    when = _entry(fields, f"{key}_date").get("value")
    where = _entry(fields, f"{key}_url").get("value")
    if when or where:
        found = " and ".join(part for part in (f"date {when}" if when else "", f"URL {where}" if where else "") if part)
        return _check(rule, "pass", f"marked 是 with {found}")
    return _check(rule, "fail", "marked 是 but neither a disclosure date nor a URL is given")


def fill_date_check(fields: dict[str, Any], year: int | None) -> Check:
    """The form is filled in after the year it evaluates."""
    rule = "fill_date_after_year"
    filled = _entry(fields, "fill_date").get("value")
    if year is None or not filled:
        blank = " and ".join(name for name, v in (("year", year), ("fill_date", filled)) if not v)
        return _check(rule, "skip", f"not checked: {blank} left blank")
    try:
        filled_on = date.fromisoformat(str(filled))
    except ValueError:
        return _check(rule, "skip", f"not checked: fill_date {filled!r} is not a date")
    if filled_on.year > year:
        return _check(rule, "pass", f"filled {filled_on.isoformat()}, after {year}")
    return _check(rule, "fail", f"filled {filled_on.isoformat()}, not after the evaluated year {year}")


def fields_to_checks(fields: dict[str, Any], year: int | None = None) -> list[Check]:
    """Every consistency rule over one reading's fields; ``year`` defaults to the year field."""
    if year is None:
        value = _entry(fields, "year").get("value")
        year = int(value) if value is not None else None
    checks = [rate_check(fields, *rule) for rule in RATE_RULES]
    checks += [disclosure_check(fields, key) for key in DISCLOSURES]
    checks.append(fill_date_check(fields, year))
    return checks

"""Compare a reading (contract/OUTPUT.md) with an expected JSON (the shape of shared/examples)."""

from __future__ import annotations

from typing import Any

MEASURE_KEYS = ("value", "unit", "value_std", "unit_std")


def field_mismatches(reading: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every field whose value (and unit, value_std, unit_std for measures) differs."""
    problems = []
    for key, want in expected["fields"].items():
        got = reading["fields"].get(key)
        if got is None:
            problems.append(f"{key}: missing from the reading")
            continue
        if isinstance(want, dict):
            got_view = {name: got.get(name) for name in MEASURE_KEYS}
            if got_view != {name: want.get(name) for name in MEASURE_KEYS}:
                problems.append(f"{key}: expected {want}, got {got_view}")
        elif got.get("value") != want or type(got.get("value")) is not type(want):
            problems.append(f"{key}: expected {want!r}, got {got.get('value')!r}")
    return problems


def task_mismatches(reading: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every task whose number, goal or outcome differs, and a count mismatch."""
    got = [(t["no"], t["goal"], t["outcome"]) for t in reading["tasks"]]
    want = [(t["no"], t["goal"], t["outcome"]) for t in expected["tasks"]]
    problems = [f"task {w[0]}: expected {w}, got {g}" for g, w in zip(got, want, strict=False) if g != w]
    if len(got) != len(want):
        problems.append(f"expected {len(want)} tasks, got {len(got)}")
    return problems

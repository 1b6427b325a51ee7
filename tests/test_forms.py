"""Every generated and real submission reads into exactly its expected fields and tasks."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from form_compare import field_mismatches, task_mismatches

from pipeline.extract import extract_file
from pipeline.fields import FIELD_SPECS

FORMS = Path(__file__).parent / "fixtures" / "forms"
SUBMISSIONS = sorted(p for p in FORMS.iterdir() if not p.name.endswith(".expected.json"))
EXAMPLE = "zetdz_jmkj_2023"


def case_of(path: Path) -> str:
    return path.name.split(".")[0]


@cache
def reading_of(path: Path) -> dict[str, Any]:
    return extract_file(path)


def expected_of(path: Path) -> dict[str, Any]:
    return json.loads((FORMS / f"{case_of(path)}.expected.json").read_text(encoding="utf-8"))


def test_corpus_has_every_format_and_enough_departments() -> None:
    suffixes = {p.suffix for p in SUBMISSIONS}
    assert {".txt", ".docx", ".pdf"} <= suffixes
    assert len({case_of(p) for p in SUBMISSIONS} - {EXAMPLE}) >= 8
    example_formats = {p.suffix for p in SUBMISSIONS if case_of(p) == EXAMPLE}
    assert example_formats == {".txt", ".docx", ".pdf"}


@pytest.mark.parametrize("path", SUBMISSIONS, ids=lambda p: p.name)
def test_fields_and_tasks_match_expected(path: Path) -> None:
    reading, expected = reading_of(path), expected_of(path)
    assert field_mismatches(reading, expected) == []
    assert task_mismatches(reading, expected) == []


@pytest.mark.parametrize("path", [p for p in SUBMISSIONS if case_of(p) == EXAMPLE], ids=lambda p: p.name)
def test_example_reproduces_73_fields_and_8_tasks(path: Path) -> None:
    reading, expected = reading_of(path), expected_of(path)
    assert len(expected["fields"]) == len(reading["fields"]) == 73
    assert [t["no"] for t in reading["tasks"]] == list(range(1, 9))
    assert field_mismatches(reading, expected) == []
    assert task_mismatches(reading, expected) == []


@pytest.mark.parametrize("path", SUBMISSIONS, ids=lambda p: p.name)
def test_every_span_slices_its_text(path: Path) -> None:
    reading = reading_of(path)
    text = reading["text"]
    assert set(reading["fields"]) == {spec.key for spec in FIELD_SPECS}
    for key, item in reading["fields"].items():
        if "span" in item:
            start, end = item["span"]
            assert text[start:end] == item["text"], key
        else:
            assert item == {"value": None}, key
    for task in reading["tasks"]:
        for part in ("goal", "outcome"):
            if task[f"{part}_span"]:
                start, end = task[f"{part}_span"]
                assert text[start:end] == task[part]
    for fact in reading["facts"]:
        start, end = fact["span"]
        assert text[start:end] == fact["text"]


@pytest.mark.parametrize("path", [p for p in SUBMISSIONS if p.suffix == ".pdf"], ids=lambda p: p.name)
def test_pdf_values_have_page_and_box(path: Path) -> None:
    reading = reading_of(path)
    assert reading["source"]["pages"] >= 1
    for key, item in reading["fields"].items():
        if "span" in item:
            assert 1 <= item["page"] <= reading["source"]["pages"], key
    for fact in reading["facts"]:
        x0, top, x1, bottom = fact["bbox"]
        assert 1 <= fact["page"] <= reading["source"]["pages"]
        assert x0 < x1 and top < bottom


def test_reading_is_stable_across_reads() -> None:
    path = FORMS / f"{EXAMPLE}.txt"
    first, second = extract_file(path), extract_file(path)
    assert [f["id"] for f in first["facts"]] == [f["id"] for f in second["facts"]]
    assert len({f["id"] for f in first["facts"]}) == len(first["facts"])


def test_values_are_typed_as_fields_md_says() -> None:
    reading = reading_of(FORMS / f"{EXAMPLE}.txt")
    types = {spec.key: spec.type for spec in FIELD_SPECS}
    for key, item in reading["fields"].items():
        value = item["value"]
        if value is None:
            continue
        expected_type = {
            "text": str, "bool": bool, "date": str, "amount": (int, float),
            "count": int, "percent": (int, float),
        }[types[key]]
        assert isinstance(value, expected_type), key
        if types[key] in ("amount", "count", "percent") and key != "year":
            assert {"unit", "value_std", "unit_std"} <= set(item), key


FACT_KEYS = ("task_no", "metric", "kind", "value", "unit", "value_std", "unit_std", "approx", "basis", "text")


@pytest.mark.parametrize("path", [p for p in SUBMISSIONS if case_of(p) == EXAMPLE], ids=lambda p: p.name)
def test_example_facts_come_out_exactly(path: Path) -> None:
    reading, expected = reading_of(path), expected_of(path)
    outcome_facts = [fact for fact in reading["facts"] if fact["task_no"] is not None]
    got = [{key: fact.get(key) for key in (*FACT_KEYS, "previous", "total") if key in fact} for fact in outcome_facts]
    want = [{key: fact.get(key) for key in fact} for fact in expected["facts"]]
    assert got == want
    for fact in outcome_facts:
        for key in ("value", "value_std"):
            assert type(fact[key]) is type(next(w for w in want if w["text"] == fact["text"])[key]), (fact["text"], key)


def test_year_from_the_title_when_no_year_line_and_label_with_a_seal_hint() -> None:
    from extractors.document import Source
    from extractors.text import read_text
    from pipeline.form import document_to_form

    source = (FORMS / f"{EXAMPLE}.txt").read_text(encoding="utf-8")
    changed = (
        source.replace("(2023年)", "")
        .replace("整体绩效自评基础数据表（基本情况）", "2023年度整体绩效自评基础数据表（基本情况）")
        .replace("单位名称\t湛江", "单位名称（盖章）：湛江")
    )
    document = read_text(changed.encode("utf-8"), Source("memory", "0" * 64, "text"))
    form = document_to_form(document)
    year, unit = form.fields["year"], form.fields["unit_name"]
    assert year is not None and year.value == 2023 and document.text[year.start:year.end] == "2023"
    assert unit is not None and unit.value == "湛江经济技术开发区经济贸易和科技局"
    assert document.text[unit.start:unit.end] == unit.value


@pytest.mark.parametrize("path", [p for p in SUBMISSIONS if p.suffix == ".pdf"], ids=lambda p: p.name)
def test_pdf_fields_carry_their_box(path: Path) -> None:
    reading = reading_of(path)
    boxed = [item for item in reading["fields"].values() if "span" in item]
    assert boxed and all(len(item["bbox"]) == 4 for item in boxed)
    for item in boxed:
        x0, top, x1, bottom = item["bbox"]
        assert x0 < x1 and top < bottom

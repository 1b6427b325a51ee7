"""No silent loss: each kind of loss shows in the reading's ``coverage`` and as a warning.

Every test starts from the real example (which reads completely) and takes one part away.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from extractors.document import OcrPage, Source
from extractors.text import read_text
from pipeline.coverage import SECTIONS
from pipeline.extract import reading_to_json
from pipeline.fields import FIELD_SPECS
from pipeline.form import document_to_form

EXAMPLE = (Path(__file__).parent / "fixtures" / "forms" / "zetdz_jmkj_2023.txt").read_text(encoding="utf-8")
LOSS_WORDS = ("was not found", "could not be read", "no task could be read", "belong to no field",
              "fewer outcomes", "has no outcome", "has no matching task goal")


def read(text: str) -> dict[str, Any]:
    document = read_text(text.encode("utf-8"), Source("memory", "0" * 64, "text"))
    return reading_to_json(document, document_to_form(document))


def losses(reading: dict[str, Any]) -> list[str]:
    return [w for w in reading["warnings"] if any(word in w for word in LOSS_WORDS)]


def test_a_complete_reading_has_full_coverage_and_no_loss_warning() -> None:
    reading = read(EXAMPLE)
    coverage = reading["coverage"]
    assert coverage["labels_found"] == coverage["labels_expected"] == 69
    assert coverage["labels_missing"] == [] and coverage["values_unreadable"] == []
    assert coverage["sections_missing"] == [] and coverage["unaccounted_numbers"] == 0
    assert coverage["tasks"] == 8 and coverage["goals_block"] is True
    assert coverage["fields_read"] == sum(1 for item in reading["fields"].values() if item["value"] is not None)
    assert losses(reading) == []


def test_goals_block_without_any_task_is_a_warning() -> None:
    # the goals and outcomes written as prose, without numbers: nothing can be paired
    text = re.sub(r"(?:<p>)?\d\. 任务\d：", "", EXAMPLE)
    reading = read(text)
    assert reading["tasks"] == [] and reading["coverage"]["goals_block"] is True
    assert any("no task could be read" in w for w in reading["warnings"])


def test_fewer_outcomes_than_goals_is_a_warning() -> None:
    text = re.sub(r"<p>8\. 任务8：[^<]*</p>", "", EXAMPLE)
    reading = read(text)
    assert reading["coverage"]["goals_without_outcome"] == [8]
    assert any("fewer outcomes (7) than goals (8)" in w for w in reading["warnings"])
    assert any("task goal 8 has no outcome" in w for w in reading["warnings"])


def test_a_label_whose_value_cannot_be_read_is_a_warning() -> None:
    text = EXAMPLE.replace("预算安排数\t13.67万元", "预算安排数\t壹拾叁万陆仟柒佰元")
    reading = read(text)
    assert reading["fields"]["sangong_budget"] == {"value": None}
    assert reading["coverage"]["values_unreadable"] == ["sangong_budget"]
    assert "sangong_budget" not in reading["coverage"]["labels_missing"]
    assert any("sangong_budget was found but its value could not be read" in w for w in reading["warnings"])


def test_a_yes_no_without_a_mark_is_blank_on_paper_but_unreadable_on_a_scan() -> None:
    text = EXAMPLE.replace("是 √ 否", "是 否", 1)  # the first yes/no left unmarked
    document = read_text(text.encode("utf-8"), Source("memory", "0" * 64, "text"))
    on_paper = reading_to_json(document, document_to_form(document))
    bools = [spec.key for spec in FIELD_SPECS if spec.type == "bool"]
    unmarked = sorted(key for key in bools if on_paper["fields"][key]["value"] is None)
    assert "budget_disclosed" in unmarked and on_paper["coverage"]["values_unreadable"] == []
    document.ocr_pages = [OcrPage(1, 3.0, len(document.text))]  # the same print, read off a scan
    scanned = reading_to_json(document, document_to_form(document))
    # every yes/no printed with its options but no mark (a cell left blank prints none)
    assert "budget_disclosed" in scanned["coverage"]["values_unreadable"]
    assert set(scanned["coverage"]["values_unreadable"]) <= set(unmarked)
    assert any("budget_disclosed was found but its value could not be read" in w for w in scanned["warnings"])


def test_a_missing_template_section_is_a_warning() -> None:
    lines = EXAMPLE.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("公平性"))
    reading = read("\n".join(lines[:start] + lines[start + 2 :]))
    assert reading["coverage"]["sections_missing"] == ["fairness"]
    assert "satisfaction_rate" in reading["coverage"]["labels_missing"]
    assert any(f"“{SECTIONS['fairness']}”部分没有找到" in w for w in reading["warnings"])


def test_numbers_no_field_accounts_for_are_counted_and_warned() -> None:
    text = EXAMPLE.replace("(完工验收有关资料清单)", "已完成验收资料归档128卷", 1)
    reading = read(text)
    coverage = reading["coverage"]
    assert coverage["unaccounted_numbers"] == 1
    (start, end), = coverage["unaccounted_spans"]
    assert reading["text"][start:end] == "128"
    assert any("1 numbers in the text belong to no field" in w for w in reading["warnings"])


@pytest.mark.parametrize("personal", ["contact_person", "contact_phone", "contact_email"])
def test_loss_warnings_never_carry_personal_values(personal: str) -> None:
    reading = read(EXAMPLE.replace("15766818272", "一五七六六八一八二七二"))
    for warning in reading["warnings"]:
        assert "15766818272" not in warning and "梁延铭" not in warning, personal


def test_v_reading_quality_puts_the_weak_reading_first(tmp_path: Path) -> None:
    import duckdb

    from pipeline.batch import ingest

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "complete.txt").write_text(EXAMPLE, encoding="utf-8")
    lines = re.sub(r"(?:<p>)?\d\. 任务\d：", "", EXAMPLE).replace("湛江经济技术开发区经济贸易和科技局", "某某局").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("公平性"))
    (raw / "weak.txt").write_text("\n".join(lines[:start] + lines[start + 2 :]), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    report = ingest(raw, db, workers=0)
    assert (report.new, len(report.rejects)) == (2, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(
            "select unit_name, labels_found, labels_expected, sections_missing, task_count, goals_without_tasks, "
            "values_unreadable, unaccounted_numbers, fact_count > 0, warning_count from v_reading_quality "
            "order by weakness_rank"
        ).fetchall()
        warnings = dict(con.execute(
            "select unit_name, count(*) from warnings join submissions using (submission_id) group by 1"
        ).fetchall())
    assert [row[:8] for row in got] == [
        ("某某局", 64, 69, "fairness", 0, True, 0, 0),
        ("湛江经济技术开发区经济贸易和科技局", 69, 69, None, 8, False, 0, 0),
    ]
    assert got[1][8] is True
    assert {row[0]: row[9] for row in got} == {name: warnings.get(name, 0) for name in ("某某局", "湛江经济技术开发区经济贸易和科技局")}


def test_prose_with_several_figures_after_a_label_is_no_value() -> None:
    text = EXAMPLE.replace("满意度\t% (附调查结果)", "满意度测评得分94.6分，较上年提高2.1分。")
    reading = read(text)
    assert reading["fields"]["satisfaction_rate"] == {"value": None}
    assert reading["coverage"]["values_unreadable"] == ["satisfaction_rate"]
    assert any("several numbers" in w for w in reading["warnings"])

"""Cell values: every yes/no convention, date spelling and unit placement the forms use."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.labels import CompactText, match_label
from pipeline.values import is_blank_value, read_bool, read_date, read_measure


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是 √ 否", True),
        ("是 否 √", False),
        ("是 ✓ 否", True),
        ("☑是 □否", True),
        ("□是 ☑否", False),
        ("是（√）否（ ）", True),
        ("是（ ）否（√）", False),
        ("是■ 否□", True),
        ("是□ 否■", False),
        ("是", True),
        (" 否 ", False),
        ("有", True),
        ("√是 否", True),
        ("☒是 口否", True),
        ("口是 ☒否", False),
    ],
)
def test_marked_choice(text: str, value: bool) -> None:
    reading = read_bool(text)
    assert reading is not None and reading.value is value
    assert text[reading.start:reading.end].strip() == text.strip()


@pytest.mark.parametrize("text", ["是 否", "是□ 否□", "", "（公开网址）"])
def test_unmarked_choice_is_none(text: str) -> None:
    assert read_bool(text) is None


def test_two_marks_is_a_doubt() -> None:
    reading = read_bool("是 √ 否 √")
    assert reading is not None and reading.value is None and reading.doubt


@pytest.mark.parametrize(
    "text", ["2024.3.7", "2024年3月7日", "2024-03-07", "2024/3/7", "2024 年 3 月 7 日"]
)
def test_dates(text: str) -> None:
    reading = read_date(text)
    assert reading is not None and reading.value == "2024-03-07"


def test_impossible_date_is_a_doubt() -> None:
    reading = read_date("2024.2.30")
    assert reading is not None and reading.value is None and reading.doubt


def test_amount_units_in_cell_label_and_thousands() -> None:
    assert read_measure("245万元", "amount").value_std == 2450000.0  # type: ignore[union-attr]
    labelled = read_measure("13.67", "amount", label_unit="万元")
    assert labelled is not None and (labelled.value, labelled.unit, labelled.value_std) == (13.67, "万元", 136700.0)
    separated = read_measure("82,225.00元", "amount")
    assert separated is not None and (separated.value, separated.value_std) == (82225.0, 82225.0)
    # exact decimal scaling: 16.4 亿 is 1640000000, never 1639999999.99…
    assert read_measure("16.4亿元", "amount").value_std == 1640000000.0  # type: ignore[union-attr]


def test_amount_without_unit_is_a_doubt() -> None:
    reading = read_measure("13.67", "amount")
    assert reading is not None and reading.unit is None and reading.doubt


def test_count_and_percent() -> None:
    count = read_measure("5", "count", next_unit="个")
    assert count is not None and (count.value, count.unit) == (5, "个")
    percent = read_measure("95.1％", "percent")
    assert percent is not None and (percent.value, percent.unit) == (95.1, "%")


@pytest.mark.parametrize("text", ["个", "% (附调查结果)", "人次(次)", "(突出与预期相比相关指标实现情况)", "  "])
def test_template_units_and_hints_are_blank(text: str) -> None:
    assert is_blank_value(text)


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        ("单位名称", "单位名称"),
        ("部门名称", "单位名称"),
        ("联系电 话及手 机", "联系电话"),
        ("联系电话", "联系电话"),
        ("邮 箱", "邮箱"),
        ("部门预决算信息", "预决算信息"),
        ("固定资产总额(原值)", "固定资产总额"),
        ("在用固定资产总额（原值）", "在用固定资产总额"),
        ("整体绩效(总)目标:", "整体绩效目标"),
        ("整体绩效（总）目标完成情况：", "整体绩效目标完成情况"),
        ("绩效目标情况", "绩效目标情况"),
        ("其中：新建 个", "新建"),
        ("部门（单位）名称", "单位名称"),
        ("填报单位", "单位名称"),
        ("部门联系人", "联络人"),
        ("联系人", "联络人"),
        ("联络电话", "联系电话"),
        ("电子邮箱", "邮箱"),
        ("预算公开时间", "公开时间"),
        ("联系电\n话及手\n机", "联系电话"),
    ],
)
def test_label_variants(printed: str, name: str) -> None:
    found = match_label(CompactText(printed), 0)
    assert found is not None and found.label.name == name


@pytest.mark.parametrize("heading", ["一、单位基本情况", "六、公平性", "（一）信息公开", "二、绩效目标情况"])
def test_section_headings_are_labels(heading: str) -> None:
    from pipeline.labels import starts_with_label

    assert starts_with_label(heading)
    assert not starts_with_label("一、继续做好稳增长工作")


def test_label_carries_its_unit() -> None:
    found = match_label(CompactText("预算安排数（万元）"), 0)
    assert found is not None and found.unit == "万元"


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("(突出与预期相比相关指标实现情况)", ""),
        ("（盖章）：临江区教育局", "临江区教育局"),
        ("(1)群众满意度提升；(2)服务更便捷", "(1)群众满意度提升；(2)服务更便捷"),
        ("（一）完善制度", "（一）完善制度"),
    ],
)
def test_hints_are_dropped_but_list_numbers_kept(text: str, rest: str) -> None:
    from pipeline.values import strip_hint

    remaining, offset = strip_hint(text)
    assert remaining == rest and text[offset:] == remaining


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(list(" \t\n\u3000\u00a0\u2009\x1c\x85单位名称：12万元（）%个")), max_size=30))
def test_compact_text_drops_white_space_and_maps_back(text: str) -> None:
    compact = CompactText(text)
    positions = [i for i, ch in enumerate(text) if not ch.isspace()]  # the plain reading
    assert list(compact.positions) == positions and compact.compact == "".join(text[i] for i in positions)
    assert compact.compact == "".join(text.split())


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["万元", "元", "个", "%", "人次(次)", "（附调查结果）", "：", " ", "5", "家", "亿",
                                 "x", "单击此处输入文字。", "/", "次", "人"]), max_size=6))
def test_a_blank_value_is_read_as_with_every_unit_removed(pieces: list[str]) -> None:
    from pipeline import values

    text = "".join(pieces)
    stripped = values._SEPARATORS.sub("", values._HINT.sub("", text).translate(values._FULLWIDTH_DIGITS))
    for unit in values._UNITS_LONGEST_FIRST:
        stripped = stripped.replace(unit, "")
    assert values.is_blank_value(text) == (values.is_placeholder(text) or stripped == "")


def test_a_blank_text_is_kept_and_a_value_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import values

    monkeypatch.setattr(values, "_BLANK_TEXTS", set())
    monkeypatch.setattr(values, "_BLANK_TEXTS_MAX", 2)
    assert values.is_blank_value("万元") and values.is_blank_value("万元")
    assert not values.is_blank_value("12万元")
    assert sorted(values._BLANK_TEXTS) == ["万元"]
    assert values.is_blank_value("%（附调查结果）") and values.is_blank_value("个")
    assert len(values._BLANK_TEXTS) <= 2  # past the limit all are forgotten, then kept anew

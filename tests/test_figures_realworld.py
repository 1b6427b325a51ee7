"""The number reader on real-world text: every example of FACTS.md's "Real-world text".

Spacing and breaks, ASCII punctuation, two-numeral estimates, vague magnitudes, 大写,
元角分, signs, other currencies, 万 after a money word, listed figures each their own
noun — and the doubts left out with a warning instead of a wrong number.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from pipeline.figures import read_figures, text_to_facts


def facts(text: str) -> list[dict[str, Any]]:
    """Facts of ``text`` as JSON, after checking that every span slices the original text."""
    found = text_to_facts(text)
    for fact in found:
        assert text[fact.start : fact.end] == fact.text
    return [f.to_json() for f in found]


def only(text: str) -> dict[str, Any]:
    found = facts(text)
    assert len(found) == 1, found
    return found[0]


def core(fact: dict[str, Any]) -> tuple[Any, ...]:
    return (
        fact["kind"], fact["value"], fact.get("value_max"), fact["unit"], fact["value_std"],
        fact["unit_std"], fact["approx"],
    )  # fmt: skip


# ---------------------------------------------------------------- spacing and breaks


@pytest.mark.parametrize(
    ("text", "printed", "expected"),
    [
        ("预算总额 803.74 万元", "803.74 万元", ("amount", 803.74, None, "万元", 8037400.0, "元", None)),
        ("编制数 63 人", "63 人", ("count", 63, None, "人", 63, "人", None)),
        ("同比增长 5.2 %", "同比增长 5.2 %", ("change", 5.2, None, "%", 5.2, "%", None)),
        ("在编人员\n41\n人", "41\n人", ("count", 41, None, "人", 41, "人", None)),
        ("年度预算　512.30　万元", "512.30　万元", ("amount", 512.3, None, "万元", 5123000.0, "元", None)),
    ],
)  # fmt: skip
def test_spaces_and_breaks_between_number_and_unit(
    text: str, printed: str, expected: tuple[Any, ...]
) -> None:
    fact = only(text)
    assert fact["text"] == printed  # the characters as printed, spaces inside
    assert core(fact) == expected


@pytest.mark.parametrize(
    ("text", "metric"),
    [("离 退休人员 63 人", "离退休人员"), ("绩效目 标完成率 95 %", "绩效目标完成率"),
     ("离\n退休人员63人", "离退休人员")],
)  # fmt: skip
def test_a_break_inside_a_word_keeps_the_word(text: str, metric: str) -> None:
    assert only(text)["metric"] == metric


def test_spaced_sentence_reads_like_the_clean_one() -> None:
    clean = facts("地区生产总值412.36亿元，同比增长4.7%；新增企业37家。")
    noisy = facts("地区生产总值 412.36 亿元, 同比增长 4.7 %;新增\n企业 37 家。")
    assert [core(f) for f in noisy] == [core(f) for f in clean]
    assert [f["basis"] for f in noisy] == [f["basis"] for f in clean] == [None, "yoy", None]
    assert [f["metric"] for f in noisy] == [f["metric"] for f in clean]


# ---------------------------------------------------------------- punctuation


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [("1、收入:792.22万元", "收入", 792.22), ("2、支出:615.08万元", "支出", 615.08),
     ("收入：792.22万元", "收入", 792.22)],
)  # fmt: skip
def test_a_list_number_and_an_ascii_colon_before_an_amount(
    text: str, metric: str, value: float
) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit"], fact["metric"]) == (
        "amount", value, "万元", metric,
    )  # fmt: skip


def test_a_time_after_a_colon_is_still_no_figure() -> None:
    assert facts("办公时间:8:30至17:30") == []


def test_ascii_thousands_separator_stays_a_separator() -> None:
    assert [f["value"] for f in facts("完成投资1,234.5万元,同比增长3%")] == [1234.5, 3]


# ---------------------------------------------------------------- estimates and magnitudes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("投资三五百万元", ("amount", 300, 500, "万元", 3000000.0, "元", "about")),
        ("七八个乡镇", ("count", 7, 8, "个", 7, "个", "about")),
        ("二三十家", ("count", 20, 30, "家", 20, "家", "about")),
        ("两三千万元", ("amount", 2000, 3000, "万元", 20000000.0, "元", "about")),
        ("八九亿元", ("amount", 8, 9, "亿元", 800000000.0, "元", "about")),
        ("三四十家企业", ("count", 30, 40, "家", 30, "家", "about")),
        ("同比提高两三个百分点", ("change", 2, 3, "个百分点", 2, "pp", "about")),
        ("十五六人", ("count", 15, 16, "人", 15, "人", "about")),
    ],
)  # fmt: skip
def test_two_numerals_are_a_range_never_one_number(text: str, expected: tuple[Any, ...]) -> None:
    assert core(only(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("十几个", ("count", 10, 20, "个", 10, "个", "about")),
        ("几十万元", ("amount", 10, 100, "万元", 100000.0, "元", "about")),
        ("数十万元", ("amount", 10, 100, "万元", 100000.0, "元", "about")),
        ("数十亿元", ("amount", 10, 100, "亿元", 1000000000.0, "元", "about")),
        ("数百家", ("count", 100, 1000, "家", 100, "家", "about")),
        ("上百人", ("count", 100, None, "人", 100, "人", "over")),
        ("数万人", ("count", 1, 10, "万人", 10000, "人", "about")),
        ("上万人次", ("count", 1, None, "万人次", 10000, "人次", "over")),
    ],
)  # fmt: skip
def test_vague_magnitudes(text: str, expected: tuple[Any, ...]) -> None:
    assert core(only(text)) == expected


def test_a_range_carries_value_max_std() -> None:
    fact = only("投资三五百万元")
    assert fact["value_max_std"] == 5000000.0
    assert only("3万元（含）至5万元")["value_max_std"] == 50000.0


@pytest.mark.parametrize("text", ["近几十年来", "数十年如一日", "三五成群", "几个乡镇"])
def test_manners_of_speaking_are_no_figures(text: str) -> None:
    assert facts(text) == []


# ---------------------------------------------------------------- 大写, 元角分


@pytest.mark.parametrize(
    ("text", "printed", "expected"),
    [
        ("资金叁佰贰拾伍萬圆整", "叁佰贰拾伍萬圆整", ("amount", 325, None, "万元", 3250000.0, "元", None)),
        ("贰仟肆佰圆整", "贰仟肆佰圆整", ("amount", 2400, None, "元", 2400.0, "元", None)),
        ("合同金额壹拾贰万叁仟肆佰伍拾陆元", "壹拾贰万叁仟肆佰伍拾陆元",
         ("amount", 123456, None, "元", 123456.0, "元", None)),
    ],
)  # fmt: skip
def test_financial_numerals(text: str, printed: str, expected: tuple[Any, ...]) -> None:
    fact = only(text)
    assert fact["text"] == printed
    assert core(fact) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("36元4角5分", 36.45), ("八元五毛", 8.5), ("二百一十块三角五分钱", 210.35),
     ("每人补助12元零5分", 12.05)],
)  # fmt: skip
def test_yuan_jiao_fen_are_one_amount(text: str, value: float) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit"], fact["unit_std"]) == (
        "amount", value, "元", "元",
    )  # fmt: skip
    assert fact["text"] == text[text.index(fact["text"][0]) :]


def test_kuai_alone_stays_a_measure_word() -> None:
    fact = only("制作宣传展板3块")
    assert (fact["kind"], fact["unit"]) == ("count", "块")


# ---------------------------------------------------------------- signs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("利润率-13.4%", ("percent", -13.4, "%")),
        ("增长率为负2.6%", ("percent", -2.6, "%")),
        ("同比下降-13.4%", ("change", -13.4, "%")),
        ("增长-5.1%", ("change", -5.1, "%")),
        ("较上年减少-2.1个百分点", ("change", -2.1, "个百分点")),
    ],
)  # fmt: skip
def test_signs(text: str, expected: tuple[Any, ...]) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit"]) == expected
    assert fact["text"].endswith(text[-len(fact["text"]) :])


def test_fu_inside_a_word_is_no_sign() -> None:
    assert only("为企业减负2,456.8万元")["value"] == 2456.8


# ---------------------------------------------------------------- currencies and 万


@pytest.mark.parametrize(
    ("text", "unit_std", "value_std"),
    [
        ("投资1200万港元", "港元", 12000000.0), ("收入50万港币", "港币", 500000.0),
        ("5万澳门元", "澳门元", 50000.0), ("300万新台币", "新台币", 3000000.0),
        ("贸易额2亿美元", "美元", 200000000.0), ("8000万欧元", "欧元", 80000000.0),
        ("120万英镑", "英镑", 1200000.0), ("3亿日元", "日元", 300000000.0),
        ("500万韩元", "韩元", 5000000.0), ("20万卢布", "卢布", 200000.0),
        ("60万泰铢", "泰铢", 600000.0), ("10万瑞士法郎", "瑞士法郎", 100000.0),
        ("45万澳元", "澳元", 450000.0), ("18万加元", "加元", 180000.0),
        ("9万新加坡元", "新加坡元", 90000.0),
    ],
)  # fmt: skip
def test_other_currencies_keep_their_currency(text: str, unit_std: str, value_std: float) -> None:
    fact = only(text)
    assert (fact["kind"], fact["unit_std"], fact["value_std"]) == ("amount", unit_std, value_std)


@pytest.mark.parametrize(
    ("text", "unit", "unit_std", "value_std"),
    [
        ("港币12万元", "万元", "港币", 120000.0), ("贷款美元500万元", "万元", "美元", 5000000.0),
        ("折合欧元：3亿元", "亿元", "欧元", 300000000.0), ("澳门元 8万元", "万元", "澳门元", 80000.0),
        ("人民币500万元", "万元", "元", 5000000.0),  # 人民币 is 元 itself
        ("日元兑换100万元", "万元", "元", 1000000.0),  # a currency not next to the amount names no currency of it
    ],
)  # fmt: skip
def test_a_currency_named_before_an_amount_in_yuan_is_its_currency(
    text: str, unit: str, unit_std: str, value_std: float
) -> None:
    fact = only(text)
    assert (fact["kind"], fact["unit"], fact["unit_std"], fact["value_std"]) == ("amount", unit, unit_std, value_std)


def test_wan_after_a_money_word_is_money() -> None:
    fact = only("安排资金3621.5万")
    assert core(fact) == ("amount", 3621.5, None, "万", 36215000.0, "元", None)
    assert fact["metric"] == "安排资金"


def test_wan_without_a_money_word_names_nothing() -> None:
    assert facts("常住人口3.5万") == []


def test_metres_written_m() -> None:
    fact = only("层高约3.9m")
    assert core(fact) == ("quantity", 3.9, None, "m", 3.9, "m", "about")
    assert fact["metric"] == "层高"


# ---------------------------------------------------------------- metrics, change verbs


def test_each_listed_figure_its_own_noun() -> None:
    found = facts("完成8间镇卫生院、56间村卫生站")
    assert [(f["value"], f["metric"]) for f in found] == [(8, "镇卫生院"), (56, "村卫生站")]


@pytest.mark.parametrize(
    "verb", ["下降", "减少", "回落", "降低", "下滑", "压缩", "收窄", "缩小", "偏少", "偏低"]
)
def test_fall_verbs(verb: str) -> None:
    fact = only(f"较上年{verb}3.2个百分点")
    assert (fact["kind"], fact["value"]) == ("change", -3.2)


@pytest.mark.parametrize("verb", ["增长", "增加", "提高", "上升", "扩大", "加快", "偏多", "偏高"])
def test_rise_verbs(verb: str) -> None:
    fact = only(f"较上年{verb}3.2个百分点")
    assert (fact["kind"], fact["value"]) == ("change", 3.2)


@pytest.mark.parametrize("verb", ["放缓", "减缓"])
def test_slowing_verbs(verb: str) -> None:
    fact = only(f"增速较上年{verb}1.2个百分点")
    assert (fact["kind"], fact["value"]) == ("change", -1.2)


def test_x_ci_takes_the_kind_of_x_and_brackets_stay() -> None:
    assert only("完成飞防作业12.6万亩次")["kind"] == "quantity"
    assert only("征集民俗实物156件（套）")["unit"] == "件（套）"


# ---------------------------------------------------------------- ranges across magnitudes


def test_a_range_whose_ends_carry_different_magnitudes() -> None:
    fact = only("补助标准从5000元到1.2万元不等")
    assert core(fact) == ("amount", 5000, 12000, "元", 5000.0, "元", None)


def test_a_level_reached_keeps_the_earlier_level_in_the_later_unit() -> None:
    fact = only("补助标准由8000元提高至1.2万元")
    assert (fact["value"], fact["unit"], fact["previous"]) == (1.2, "万元", 0.8)


# ---------------------------------------------------------------- doubts: warnings, no number


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("补助标准从5000到1.2万元不等", "区间上限不大于下限"),  # 5000 to 1.2 万元: which unit?
        ("三至五百万元", "区间两端的位数不明"),  # 3 to 500, or 300 to 500?
        ("五三个", "数字写法不明"),  # two digits that make no estimate
        ("补贴千八百元", "数字写法不明"),  # about a thousand, not 1800
        ("净增-5家", "负号用于区间或计数"),
    ],
)  # fmt: skip
def test_a_figure_in_doubt_is_left_out_and_named(text: str, why: str) -> None:
    reading = read_figures(text)
    assert reading.facts == []
    assert len(reading.warnings) == 1 and why in reading.warnings[0]


def test_a_warning_quotes_the_original_characters() -> None:
    reading = read_figures("补助标准从5000到1.2万 元不等")
    assert "“5000到1.2万 元”" in reading.warnings[0]


def test_values_are_decimals_read_exactly() -> None:
    fact = text_to_facts("36元4角5分")[0]
    assert fact.value == Decimal("36.45")


# ---------------------------------------------------------------- rules found by heldout4
# (general rules, tested here on sentences of their own, not the set's)


def test_a_daxie_numeral_starts_a_number_whatever_jieba_joins() -> None:
    assert core(only("每户奖补叁拾万元整")) == ("amount", 30, None, "万元", 300000.0, "元", None)
    # one 大写-looking character inside a word is no numeral: 队伍, 陆续
    assert core(only("组建救援队伍七八支")) == ("count", 7, 8, "支", 7, "支", "about")


def test_yi_kuai_with_jiao_and_fen_is_money_not_an_idiom() -> None:
    fact = only("每斤一块三毛五分钱")
    assert (fact["kind"], fact["value"], fact["text"]) == ("amount", 1.35, "一块三毛五分钱")


@pytest.mark.parametrize(
    ("text", "unit", "unit_std"),
    [("筹集公租房1,260套（间）", "套（间）", "套（间）"), ("免疫畜禽126.8万头(只)", "万头(只)", "头（只）"),
     ("馆藏图书42.6万册（件）", "万册（件）", "册（件）")],
)  # fmt: skip
def test_any_measure_word_with_an_alternative_in_brackets(
    text: str, unit: str, unit_std: str
) -> None:
    fact = only(text)
    assert (fact["kind"], fact["unit"], fact["unit_std"]) == ("count", unit, unit_std)


@pytest.mark.parametrize(
    ("text", "printed"), [("小学生均720元/年", "720元"), ("人均18.6万元/人", "18.6万元")]
)
def test_money_per_head_is_the_amount_alone(text: str, printed: str) -> None:
    fact = only(text)
    assert (fact["kind"], fact["text"], fact["unit_std"]) == ("amount", printed, "元")


def test_a_rate_per_litre() -> None:
    fact = only("出水浓度控制在30至40毫克/升")
    assert (fact["unit"], fact["value"], fact["value_max"]) == ("毫克/升", 30, 40)


def test_a_word_of_letters_before_a_figure_with_a_unit() -> None:
    assert only("减排VOCs412.6吨")["value"] == 412.6
    assert facts("PM2.5") == [] and facts("G205国道") == []


def test_a_qualifier_that_ends_a_word_is_no_qualifier() -> None:
    assert only("项目签约3个")["approx"] is None
    assert only("占比约35%")["approx"] == "about"  # jieba's guess 比约 is no word


def test_a_tab_parts_table_cells() -> None:
    assert [f["value"] for f in facts("序号\t项目\t金额\n2\t本年收入\t1,206.75 万元")] == [1206.75]


def test_a_size_class_in_a_rule_is_no_figure() -> None:
    assert facts("单笔5万元（含）以上支出须经集体研究") == []


# ---------------------------------------------------------------- warnings reach the user


def test_jixiao_figures_prints_the_warnings() -> None:
    import json

    from click.testing import CliRunner

    from pipeline.cli import cli

    # through the group, as a user runs it (the command alone would cache click's help
    # option without the group's -h, and the generated reference would differ)
    result = CliRunner().invoke(cli, ["figures", "补助标准从5000到1.2万元不等，投资三五百万元"])
    line = json.loads(result.output)
    assert [f["text"] for f in line["facts"]] == ["三五百万元"]
    assert line["facts"][0]["value_max_std"] == 5000000.0
    assert len(line["warnings"]) == 1 and "“5000到1.2万元”" in line["warnings"][0]


def test_the_reading_names_a_figure_left_out(tmp_path: Any) -> None:
    from pathlib import Path

    from pipeline.extract import extract_file

    source = Path(__file__).parent / "fixtures" / "forms" / "dhq_mzj_2023.utf8.txt"
    text = source.read_text(encoding="utf-8")
    head = "全年发放城乡低保金2,865.3万元，"
    assert head in text
    dirty = text.replace(head, head + "临时救助标准从5000到1.2万 元不等，", 1)
    path = tmp_path / "form.txt"
    path.write_text(dirty, encoding="utf-8")
    reading = extract_file(path)
    left_out = [w for w in reading["warnings"] if "数字未读取" in w]
    assert len(left_out) == 1 and left_out[0].startswith("任务1：")
    start = int(left_out[0].split("[")[1].split(",")[0])
    assert reading["text"][start:].startswith("5000到1.2万 元")
    assert not any("5000" in f["text"] for f in reading["facts"])


# ---------------------------------------------------------------- bullets, coins, signs, levels


def test_a_dash_bulleting_a_line_is_no_minus() -> None:
    fact = only("- 5个乡镇完成改造")
    assert (fact["kind"], fact["value"], fact["text"]) == ("count", 5, "5个")


def test_a_minute_after_yuan_is_no_fen() -> None:
    assert [(f["value"], f["unit"]) for f in facts("每人36元5分钟")] == [(36, "元"), (5, "分钟")]


@pytest.mark.parametrize(
    ("text", "printed", "value", "basis"),
    [("工业增加值同比-5.1%", "同比-5.1%", -5.1, "yoy"), ("营收同比+5.1%", "同比+5.1%", 5.1, "yoy"),
     ("环比-0.8%", "环比-0.8%", -0.8, "mom")],
)  # fmt: skip
def test_a_basis_and_a_sign_make_a_change(
    text: str, printed: str, value: float, basis: str
) -> None:
    fact = only(text)
    assert (fact["kind"], fact["text"], fact["value"], fact["basis"]) == (
        "change", printed, value, basis,
    )  # fmt: skip


def test_from_a_to_b_without_a_verb_is_a_level_reached_unless_a_range_is_said() -> None:
    fact = only("满意度由85%到92%")
    assert (fact["kind"], fact["value"], fact["previous"], fact["text"]) == ("percent", 92, 85, "92%")
    fact = only("补助从5000元到1.2万元")
    assert (fact["value"], fact["unit"], fact["previous"]) == (1.2, "万元", 0.5)
    assert core(only("投资从3到5亿元不等"))[:3] == ("amount", 3, 5)


def test_a_number_split_by_a_space_is_a_doubt() -> None:
    reading = read_figures("参保人数 12 345 人")
    assert reading.facts == []
    assert "“12 345 人”" in reading.warnings[0]


def test_an_inclusive_mark_printed_with_spaces() -> None:
    fact = only("资金 300 万元( 含 )以上")
    assert (fact["value"], fact["approx"], fact["text"]) == (300, "over", "300 万元( 含 )以上")


@pytest.mark.parametrize(
    ("text", "printed"),
    [("合同金额￥12,345.00元", "￥12,345.00元"), ("合同金额:¥ 12,345.00", "¥ 12,345.00")],
)
def test_the_yuan_sign_is_money(text: str, printed: str) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit_std"], fact["text"], fact["metric"]) == (
        "amount", 12345.0, "元", printed, "合同金额",
    )  # fmt: skip


def test_a_hotline_at_the_start_is_still_no_figure() -> None:
    assert facts("12345政务服务便民热线全年畅通") == []


@pytest.mark.parametrize(
    ("text", "metric"),
    [("（3）三公经费支出 7.35 万元", "三公经费支出"), ("(2)项目支出182.91万元", "项目支出"),
     ("（一）基本支出432.17万元", "基本支出")],
)  # fmt: skip
def test_a_list_number_is_no_part_of_the_metric(text: str, metric: str) -> None:
    assert only(text)["metric"] == metric

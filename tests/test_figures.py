"""The number reader against FACTS.md: its examples, issue 3's, and the example form's 29 facts."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pipeline.figures import Fact, text_to_facts
from pipeline.figures.metric import metrics_agree
from pipeline.figures.numerals import parse_chinese, parse_number

FORMS = Path(__file__).parent / "fixtures" / "forms"
COMPARED = ("kind", "value", "unit", "value_std", "unit_std", "approx", "basis", "text")


def read(text: str) -> list[dict[str, Any]]:
    """Facts of ``text`` as JSON, after checking the span invariant."""
    facts = text_to_facts(text)
    for fact in facts:
        assert text[fact.start : fact.end] == fact.text
        assert text[fact.sentence_start : fact.sentence_start + len(fact.sentence)] == fact.sentence
    assert [f.start for f in facts] == sorted(f.start for f in facts)
    return [f.to_json() for f in facts]


def only(text: str) -> dict[str, Any]:
    facts = read(text)
    assert len(facts) == 1, facts
    return facts[0]


# ---------------------------------------------------------------- the example form


def _expected_by_task() -> list[tuple[str, list[dict[str, Any]]]]:
    cases = []
    for path in sorted(FORMS.glob("*.expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        if "facts" not in expected:  # a form whose facts are not labelled yet
            continue
        facts: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for fact in expected["facts"]:
            facts[fact["task_no"]].append(fact)
        for task in expected["tasks"]:
            cases.append((task["outcome"], facts.get(task["no"], [])))
    return cases


@pytest.mark.parametrize(("outcome", "expected"), _expected_by_task())
def test_task_outcomes_give_exactly_the_expected_facts(
    outcome: str, expected: list[dict[str, Any]]
) -> None:
    got = read(outcome)
    assert [f["text"] for f in got] == [f["text"] for f in expected]
    for g, e in zip(got, expected, strict=True):
        for key in COMPARED:
            assert g[key] == e[key], (key, g, e)
        for key in ("previous", "total"):
            assert g.get(key) == e.get(key), (key, g, e)
        assert metrics_agree(e["metric"], g["metric"]), (g["metric"], e["metric"])


def test_example_form_has_29_facts() -> None:
    assert sum(len(facts) for _, facts in _expected_by_task()) == 29


def test_example_form_metrics_are_exact() -> None:
    """Every example fact's metric exactly as the client labelled it, not just close."""
    got, expected = [], []
    for outcome, facts in _expected_by_task():
        got += [(f["text"], f["metric"]) for f in read(outcome)]
        expected += [(f["text"], f["metric"]) for f in facts]
    assert len(expected) == 29
    assert got == expected


def test_example_form_numbers_have_the_expected_json_types() -> None:
    """-1.0 stays a float in value and value_std; whole counts stay int; money is float."""
    for outcome, facts in _expected_by_task():
        for g, e in zip(read(outcome), facts, strict=True):
            for key in ("value", "value_std"):
                assert type(g[key]) is type(e[key]), (key, g, e)


# ---------------------------------------------------------------- FACTS.md, one convention each

# text -> [(fact text, kind, value, unit, value_std, unit_std, approx, basis)]
EXAMPLES: dict[str, list[tuple[Any, ...]]] = {
    "规模以上工业总产值1867.05亿元，同比下降1.0%": [
        ("1867.05亿元", "amount", 1867.05, "亿元", 186705000000, "元", None, None),
        ("同比下降1.0%", "change", -1.0, "%", -1.0, "%", None, "yoy"),
    ],
    "组织两场政银企融资对接会": [("两场", "count", 2, "场", 2, "场", None, None)],
    "完成投资三千四百万元": [("三千四百万元", "amount", 3400, "万元", 34000000, "元", None, None)],
    "实际利用外资46.14亿元人民币": [
        ("46.14亿元人民币", "amount", 46.14, "亿元", 4614000000, "元", None, None)
    ],
    "实际利用外资2860万美元": [
        ("2860万美元", "amount", 2860, "万美元", 28600000, "美元", None, None)
    ],
    "优良率增加0.3个百分点": [
        ("增加0.3个百分点", "change", 0.3, "个百分点", 0.3, "pp", None, None)
    ],
    "网络零售额同比增长2倍": [("同比增长2倍", "change", 2, "倍", 2, "x", None, "yoy")],
    "粮食播种面积51.26万亩": [("51.26万亩", "quantity", 51.26, "万亩", 512600, "亩", None, None)],
    "总投资3至5亿元": [("3至5亿元", "amount", 3, "亿元", 300000000, "元", None, None)],
    "引进企业20—30家": [("20—30家", "count", 20, "家", 20, "家", None, None)],
    "同比增长0.9%": [("同比增长0.9%", "change", 0.9, "%", 0.9, "%", None, "yoy")],
    "经费同比上年度增加189.25万元": [
        ("同比上年度增加189.25万元", "change", 189.25, "万元", 1892500, "元", None, "yoy")
    ],
    "义务教育生均1000元": [("1000元", "amount", 1000, "元", 1000, "元", None, None)],
    "两个部分": [("两个", "count", 2, "个", 2, "个", None, None)],
    "七个方面": [("七个", "count", 7, "个", 7, "个", None, None)],
    "分三批实施": [("三批", "count", 3, "批", 3, "批", None, None)],
    "覆盖八个乡镇": [("八个", "count", 8, "个", 8, "个", None, None)],
    "综合评分为97分": [("97分", "count", 97, "分", 97, "分", None, None)],
    "增长10%": [("增长10%", "change", 10, "%", 10, "%", None, None)],
    "外贸总额同比增长5%，其中出口增长3%": [
        ("同比增长5%", "change", 5, "%", 5, "%", None, "yoy"),
        ("增长3%", "change", 3, "%", 3, "%", None, "yoy"),
    ],
    "现场达成意向融资约100多亿元": [
        ("约100多亿元", "amount", 100, "亿元", 10000000000, "元", "over", None)
    ],
    "投资299亿元以上": [("299亿元以上", "amount", 299, "亿元", 29900000000, "元", "over", None)],
    "建成站点≥50个": [("≥50个", "count", 50, "个", 50, "个", "over", None)],
    "应申报项目数0个": [("0个", "count", 0, "个", 0, "个", None, None)],
    "资助学生1.36万人次": [("1.36万人次", "count", 1.36, "万人次", 13600, "人次", None, None)],
    "完成年度目标的123.3%": [("123.3%", "percent", 123.3, "%", 123.3, "%", None, None)],
    "比年度计划多完成16.5公里": [
        ("比年度计划多完成16.5公里", "change", 16.5, "公里", 16.5, "公里", None, "vs_plan")
    ],
    "副高以上职称5人": [("5人", "count", 5, "人", 5, "人", None, None)],
    "办结时限压缩至12个工作日": [
        ("12个工作日", "quantity", 12, "个工作日", 12, "个工作日", None, None)
    ],
    "平均响应时间约12分钟": [("约12分钟", "quantity", 12, "分钟", 12, "分钟", "about", None)],
    "分别为68.2%、66.9%": [
        ("68.2%", "percent", 68.2, "%", 68.2, "%", None, None),
        ("66.9%", "percent", 66.9, "%", 66.9, "%", None, None),
    ],
    # issue 3: numbers as written in many ways
    "社会消费品零售总额1,234.5万元": [
        ("1,234.5万元", "amount", 1234.5, "万元", 12345000, "元", None, None)
    ],
    "罚款金额82，225.00元": [("82，225.00元", "amount", 82225.0, "元", 82225, "元", None, None)],
    "发放资金壹佰贰拾万元整": [
        ("壹佰贰拾万元整", "amount", 120, "万元", 1200000, "元", None, None)
    ],
    "每家奖励3万4000元": [("3万4000元", "amount", 34000, "元", 34000, "元", None, None)],
    "奖励25万6千元": [("25万6千元", "amount", 256000, "元", 256000, "元", None, None)],
    "融资16.4亿元": [("16.4亿元", "amount", 16.4, "亿元", 1640000000, "元", None, None)],
    "办结率达百分之九十八": [("百分之九十八", "percent", 98, "%", 98, "%", None, None)],
    "网络零售额增长三成": [("增长三成", "change", 3, "成", 30, "%", None, None)],
    "单个项目补助1万-5万元": [("1万-5万元", "amount", 1, "万元", 10000, "元", None, None)],
    "用电量环比增长3.2%": [("环比增长3.2%", "change", 3.2, "%", 3.2, "%", None, "mom")],
    "占比较上年回落0.6个百分点": [
        ("较上年回落0.6个百分点", "change", -0.6, "个百分点", -0.6, "pp", None, "yoy")
    ],
    "满意度１２．５％": [("１２．５％", "percent", 12.5, "%", 12.5, "%", None, None)],
    "安装路灯560盏": [("560盏", "count", 560, "盏", 560, "盏", None, None)],
    "新增绿地12.5公顷，铺设管网3.2公里，处理污水2万吨": [
        ("12.5公顷", "quantity", 12.5, "公顷", 12.5, "公顷", None, None),
        ("3.2公里", "quantity", 3.2, "公里", 3.2, "公里", None, None),
        ("2万吨", "quantity", 2, "万吨", 20000, "吨", None, None),
    ],
}

APPROX_WORDS = {
    "约{}": "about", "近{}": "about", "{}左右": "about", "大约{}": "about",
    "{}多": "over", "{}余": "over", "{}以上": "over", "超过{}": "over", "逾{}": "over",
    "不少于{}": "over", "不低于{}": "over", "至少{}": "over", "≥{}": "over",
    "不到{}": "under", "不足{}": "under", "{}以下": "under", "不超过{}": "under",
    "低于{}": "under", "≤{}": "under", "{}以内": "under",
}  # fmt: skip


@pytest.mark.parametrize("text", list(EXAMPLES))
def test_conventions(text: str) -> None:
    got = read(text)
    expected = EXAMPLES[text]
    assert len(got) == len(expected), got
    for g, e in zip(got, expected, strict=True):
        assert (g["text"], *(g[k] for k in COMPARED[:-1])) == e, (g, e)


@pytest.mark.parametrize(("template", "approx"), list(APPROX_WORDS.items()))
def test_approximation_words(template: str, approx: str) -> None:
    written = template.format("100万元") if not template.endswith("{}多") else "100多万元"
    if template == "{}余":
        written = "100余万元"
    fact = only("投入资金" + written)
    assert (fact["value"], fact["unit"], fact["approx"]) == (100, "万元", approx)
    assert fact["text"] == written


def test_ranges_have_an_upper_end() -> None:
    assert only("总投资3至5亿元")["value_max"] == 5
    assert only("引进企业20—30家")["value_max"] == 30
    assert only("补助1万-5万元")["value_max"] == 5


def test_level_reached_is_a_percent_with_previous() -> None:
    fact = only("服务业比重由上年的52%提高至61.5%")
    assert (fact["kind"], fact["value"], fact["previous"], fact["text"]) == (
        "percent",
        61.5,
        52,
        "61.5%",
    )


def test_rank_with_previous_and_total() -> None:
    text = "在全国经济技术开发区排名从上年的112名大幅提升至78名（全国共230名国家级经开区）"
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit"], fact["previous"], fact["total"]) == (
        "rank",
        78,
        "名",
        112,
        230,
    )


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [("获评第4名", 4, "名"), ("在全市考核中排名第一", 1, None), ("居全省第3位", 3, "位")],
)
def test_ranks_start_at_di(text: str, value: int, unit: str | None) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit"]) == ("rank", value, unit)
    assert fact["text"].startswith("第")


NOT_FACTS = [
    "2023年我区", "12月29日召开会议", "1. 任务1：继续做好稳增长工作", "完成第一轮初审",
    "高质量完成“五经普”清查工作", "打通“最后一公里”", "形成三级普查机构", "开展“5+N”场促消费活动",
    "湛府〔2023〕12号", "联系电话15766818272", "详见http://www.zetdz.gov.cn/2023bmjs/post_1881614.html",
    "推动五大发展理念", "围绕两大主题", "“一府两院”", "落实十五字方针", "第二期评价", "二期工程已封顶",
    "一楼为图书馆", "一是加强组织，二是完善机制", "规模以上工业", "为60岁以上老年人体检", "3岁以下儿童",
    "PM2.5浓度下降", "4A级景区", "G205国道", "每万人口拥有", "拨打热线12345", "十分重要", "统一部署",
    "一次性补助", "千家万户", "十四五期间", "一户一档", "每百平方公里",
    "0759-3181234", "（2023年）", "2024.3.7", "第四季度",
]  # fmt: skip


@pytest.mark.parametrize("text", NOT_FACTS)
def test_not_facts(text: str) -> None:
    assert read(text) == []


def test_a_bound_inside_a_counted_category_is_no_fact() -> None:
    assert [f["text"] for f in read("其中超10亿元项目2个")] == ["2个"]
    assert [f["text"] for f in read("至少3,000名教师参加了线上研修")] == ["至少3,000名"]


def test_every_mention_is_its_own_fact() -> None:
    assert [f["text"] for f in read("应申报项目数0个 金额0万元；实际申报项目数0个")] == [
        "0个",
        "0万元",
        "0个",
    ]


def test_a_listed_change_shares_its_kind() -> None:
    got = read("分别较上年增加3家和11家")
    assert [(f["kind"], f["value"], f["basis"]) for f in got] == [
        ("change", 3, "yoy"),
        ("change", 11, "yoy"),
    ]


def test_json_numbers() -> None:
    fact = only("工业增加值541.30亿元")
    assert isinstance(fact["value"], float) and isinstance(fact["value_std"], float)
    assert fact["value_std"] == 54130000000.0
    count = only("企业80家")
    assert isinstance(count["value"], int) and isinstance(count["value_std"], int)
    assert set(count) == {
        "metric",
        "kind",
        "value",
        "unit",
        "value_std",
        "unit_std",
        "approx",
        "basis",
        "text",
        "span",
        "sentence",
    }


def test_fact_is_frozen_and_exact() -> None:
    fact = text_to_facts("融资16.4亿元")[0]
    assert isinstance(fact, Fact)
    assert fact.value_std == Decimal("1640000000")
    with pytest.raises(AttributeError):
        fact.value = Decimal(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "value"),
    [("三千四百", 3400), ("两", 2), ("十五", 15), ("一万零五", 10005), ("壹佰贰拾", 120), ("三点五", Decimal("3.5")),
     ("一亿两千万", 120000000), ("3万4000", 34000), ("25万6千", 256000), ("１２．５", Decimal("12.5")), ("1,234.5", Decimal("1234.5"))],
)  # fmt: skip
def test_numerals(raw: str, value: Decimal | int) -> None:
    assert parse_number(raw) == value


def test_chinese_big_scales() -> None:
    assert parse_chinese("一万亿") == 10**12
    assert parse_chinese("三亿零五万") == 300050000


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("2023年我区地区生产总值770.25亿元", "地区生产总值"),
        ("总体申报材料完成率达90%", "申报材料完成率"),
        ("组织两场政银企融资对接会", "政银企融资对接会"),
        ("东部排名45名", "东部排名"),
    ],
)
def test_metric_phrase(text: str, metric: str) -> None:
    assert only(text)["metric"] == metric


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        # a verb acting on the counted things stays before them; scope words between go
        ("累计走访120户企业", "走访企业"),
        ("覆盖全区20个镇", "覆盖镇"),
        ("成功指导3家商贸企业上限", "指导商贸企业上限"),
        # an application after the counted noun is what they are counted for
        ("为12家企业申请技改补助资金", "申请技改补助资金企业"),
        ("12家外贸企业申报出口信用保险补贴", "申报出口信用保险补贴外贸企业"),
        # ... and a counted noun the application's object ends with is not repeated
        ("推荐5家企业申报专精特新企业", "推荐申报专精特新企业"),
        # a verb that only brings the counted things about is no part of the metric
        ("组织两场政银企融资对接会", "政银企融资对接会"),
    ],
)
def test_metric_of_a_count_with_its_verb_and_purpose(text: str, metric: str) -> None:
    assert only(text)["metric"] == metric


@pytest.mark.parametrize(
    ("text", "value_std"),
    [
        ("同比下降1.0%", -1.0),
        ("增加1.0个百分点", 1.0),
        ("长3.0公里", 3.0),
        ("80家", 80),
        ("1.36万人次", 13600),  # scaled: exact, so whole
        ("2.0万人", 20000),
        ("100元", 100.0),  # money: always float
    ],
)
def test_value_std_as_written_unless_scaled(text: str, value_std: float) -> None:
    got = read(text)[-1]["value_std"]
    assert got == value_std and type(got) is type(value_std), got


def test_changes_inherit_the_metric_before_them() -> None:
    got = read("地区生产总值770.25亿元，同比增长0.9%")
    assert [f["metric"] for f in got] == ["地区生产总值", "地区生产总值"]


def test_empty_and_plain_text() -> None:
    assert read("") == []
    assert read("加强组织保障，形成工作合力。") == []


# ---------------------------------------------------------------- causes found by the held-out set
# (each with sentences of our own, none taken from heldout.jsonl)

FIELD = ("text", "kind", "value", "unit", "value_std", "unit_std", "approx", "basis")


def facts_of(text: str) -> list[tuple[Any, ...]]:
    return [tuple(f[k] for k in FIELD) for f in read(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # temperatures are quantities, ℃ as written (°C the same symbol), 度 alike
        ("大棚内夜间温度保持在12.5℃", [("12.5℃", "quantity", 12.5, "℃", 12.5, "℃", None, None)]),
        ("水温约18°C", [("约18°C", "quantity", 18, "°C", 18, "℃", "about", None)]),
        ("室温28度以下", [("28度以下", "quantity", 28, "度", 28, "度", "under", None)]),
        ("冷库温度为零下18摄氏度", [("零下18摄氏度", "quantity", -18, "摄氏度", -18, "摄氏度", None, None)]),
        ("1月极端最低气温-2.7℃", [("-2.7℃", "quantity", -2.7, "℃", -2.7, "℃", None, None)]),
        # a change against the climate normal: basis null, text from the verb
        ("春季平均气温较常年偏低1.1℃", [("偏低1.1℃", "change", -1.1, "℃", -1.1, "℃", None, None)]),
        ("汛期雨量较常年同期偏多12.4%", [("偏多12.4%", "change", 12.4, "%", 12.4, "%", None, None)]),
        ("日照时数较常年偏少15%", [("偏少15%", "change", -15, "%", -15, "%", None, None)]),
        ("年均气温比常年偏高0.8度", [("偏高0.8度", "change", 0.8, "度", 0.8, "度", None, None)]),
    ],
)  # fmt: skip
def test_temperatures_and_changes_against_the_normal(
    text: str, expected: list[tuple[Any, ...]]
) -> None:
    assert facts_of(text) == expected


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("育苗温室温度维持在20℃至26℃", 20, 26),
        ("恒温库控制在16-20℃", 16, 20),
        ("夜间气温-6℃~-1℃", -6, -1),
    ],
)
def test_temperature_ranges(text: str, low: int, high: int) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["value_max"], fact["unit_std"]) == (
        "quantity",
        low,
        high,
        "℃",
    )


def test_a_temperature_range_metric_stops_before_zhijian() -> None:
    assert only("冷链仓储温度控制在2℃至8℃之间")["metric"] == "冷链仓储温度控制"


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # compound measure words (two measure words) stay whole
        ("检修各类机电设备1.2万台件", ("1.2万台件", "count", 1.2, "万台件", 12000, "台件")),
        ("新增应急照明设备360余台套", ("360余台套", "count", 360, "台套", 360, "台套")),
        # a measure word + 次 counts occasions of it
        ("查阅馆藏资料4,500卷次", ("4,500卷次", "count", 4500, "卷次", 4500, "卷次")),
        ("开展水质监测1,260点次", ("1,260点次", "count", 1260, "点次", 1260, "点次")),
        ("出动执法车辆860台次", ("860台次", "count", 860, "台次", 860, "台次")),
        ("组织比赛36场次", ("36场次", "count", 36, "场次", 36, "场次")),
        ("审核报表2.3万份次", ("2.3万份次", "count", 2.3, "万份次", 23000, "份次")),
        ("检查门店312家次", ("312家次", "count", 312, "家次", 312, "家次")),
        ("开展巡河4,800条次", ("4,800条次", "count", 4800, "条次", 4800, "条次")),
        # plain measure words of documents, goods and relief stock
        ("修复破损古籍3,200页", ("3,200页", "count", 3200, "页", 3200, "页")),
        ("整理口述史料约48万字", ("约48万字", "count", 48, "万字", 480000, "字")),
        ("征集老照片260幅", ("260幅", "count", 260, "幅", 260, "幅")),
        ("印发宣传手册1.5万册", ("1.5万册", "count", 1.5, "万册", 15000, "册")),
        ("推送预警短信560则", ("560则", "count", 560, "则", 560, "则")),
        ("储备救灾帐篷800顶", ("800顶", "count", 800, "顶", 800, "顶")),
        ("查扣过期药品1,350盒", ("1,350盒", "count", 1350, "盒", 1350, "盒")),
        ("整治问题河段9段", ("9段", "count", 9, "段", 9, "段")),
        ("投入义务工1.6万工日", ("1.6万工日", "count", 1.6, "万工日", 16000, "工日")),
        # an area worked several times is an area: a quantity like 亩
        ("完成病虫害统防统治6.8万亩次", ("6.8万亩次", "quantity", 6.8, "万亩次", 68000, "亩次")),
        ("道路噪声均值68.5分贝", ("68.5分贝", "quantity", 68.5, "分贝", 68.5, "分贝")),
    ],
)
def test_compound_and_plain_measure_words(text: str, fact: tuple[Any, ...]) -> None:
    got = only(text)
    assert tuple(got[k] for k in FIELD[:6]) == fact


def test_a_compound_measure_word_change_against_plan() -> None:
    assert facts_of("维修器材8,600台件，比计划多完成600台件") == [
        ("8,600台件", "count", 8600, "台件", 8600, "台件", None, None),
        ("比计划多完成600台件", "change", 600, "台件", 600, "台件", None, "vs_plan"),
    ]


@pytest.mark.parametrize(
    "text", ["宣讲团成员十五字方针", "学习“十六字”要求", "践行八字方针", "详见第12页"]
)
def test_motto_lengths_and_page_references_are_no_counts(text: str) -> None:
    assert read(text) == []


def test_a_long_unit_running_into_a_word_falls_back_to_the_shorter_unit() -> None:
    # 个次 is a unit, but 次要 is the next word
    assert facts_of("整改3个次要隐患") == [("3个", "count", 3, "个", 3, "个", None, None)]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # jieba's HMM guesses a word across the measure word (个立…): not a dictionary word
        ("为45个立卷单位提供指导", "45个"),
        ("对128个驻点单位开展抽查", "128个"),
        ("督促19个建档村完成归档", "19个"),
    ],
)
def test_a_count_before_an_unknown_noun_is_kept(text: str, written: str) -> None:
    assert [f["text"] for f in read(text)] == [written]


def test_a_dictionary_word_across_the_measure_word_still_rejects_it() -> None:
    assert read("为80周岁以上老人办理免费乘车卡") == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("城市火警30分钟到场率达98%", ["98%"]),
        ("不动产登记5个工作日办结率为100%", ["100%"]),
        ("农村居民2公里就医覆盖率提升至92.6%", ["92.6%"]),
        ("房屋建筑工程一次验收合格率达99.2%", ["99.2%"]),
        # a limit not naming a rate stays a fact
        ("平均出警时间缩短至12分钟，群众满意率达97%", ["12分钟", "97%"]),
        ("巡查累计36小时，问题整改率达95%", ["36小时", "95%"]),
    ],
)
def test_a_limit_inside_a_rate_name_is_no_fact(text: str, kept: list[str]) -> None:
    assert [f["text"] for f in read(text)] == kept


def test_a_limit_inside_a_rate_name_leaves_the_metric_whole() -> None:
    assert only("城市火警30分钟到场率达98%")["metric"] == "城市火警30分钟到场率"


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [
        ("集采耗材平均降价幅度达62%", -62, None),
        ("药品价格平均下降幅度为18.5%", -18.5, None),
        ("出口额增长幅度超过12%", 12, "over"),
        ("服务收费平均减价幅度约8%", -8, "about"),
        ("营业收入增长速度为6.4%", 6.4, None),
    ],
)
def test_long_forms_of_jiangfu_and_zengfu_are_changes(
    text: str, value: float, approx: str | None
) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit"], fact["approx"]) == (
        "change",
        value,
        "%",
        approx,
    )


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # 压缩 is a fall like 压减 and 缩短; a level it reaches is no change
        ("审批环节平均压缩35%", ("压缩35%", "change", -35, "%", None)),
        ("公务接待费同比压缩12万元", ("同比压缩12万元", "change", -12, "万元", "yoy")),
        ("审批时限压缩至5个工作日", ("5个工作日", "quantity", 5, "个工作日", None)),
    ],
)
def test_yasuo_is_a_fall(text: str, fact: tuple[Any, ...]) -> None:
    got = only(text)
    assert (got["text"], got["kind"], got["value"], got["unit"], got["basis"]) == fact


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("每个网格每周至少巡查3次", "至少巡查3次"),
        ("每名党员每年至少参加2次", "至少参加2次"),
        ("全年至少开展四次演练", "至少开展四次"),
    ],
)
def test_zhishao_bounds_a_figure_across_its_verb(text: str, written: str) -> None:
    fact = only(text)
    assert (fact["text"], fact["approx"]) == (written, "over")


def test_zhishao_before_a_change_verb_bounds_the_change() -> None:
    fact = only("力争收入至少增长6%")
    assert (fact["kind"], fact["value"], fact["approx"], fact["text"]) == (
        "change",
        6,
        "over",
        "至少增长6%",
    )


# ---------------------------------------------------------------- phases, link verbs, thresholds


@pytest.mark.parametrize(
    "text",
    [
        "污水处理厂二期已建成投用",
        "物流园一期全面竣工",
        "沿江绿道三期顺利通车",
        "城区主干道二期工程已开工",
    ],
)
def test_a_phase_of_a_named_project_is_no_count(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    ("text", "written", "metric"),
    [
        ("分两期实施老旧小区改造", "两期", "实施老旧小区改造"),
        ("举办三期基层干部培训班", "三期", "基层干部培训班"),
        ("开展四期消防安全培训", "四期", "消防安全培训"),
    ],
)
def test_sessions_held_or_split_are_counts(text: str, written: str, metric: str) -> None:
    fact = only(text)
    assert (fact["text"], fact["kind"], fact["unit"], fact["metric"]) == (
        written,
        "count",
        "期",
        metric,
    )


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("新生儿死亡率降至1.6‰", "新生儿死亡率"),
        ("高血压患者规范管理率均达72%", "高血压患者规范管理率"),
        ("研究生学历占比达18.5%", "研究生学历占比"),
        ("平均候诊时间缩短至15分钟", "平均候诊时间"),
        ("县域内就诊率提升至90.3%", "县域内就诊率"),
        ("污水集中收集率稳定在95%以上", "污水集中收集率"),
        ("产值高达3.6亿元", "产值"),
        ("全市林果业产值实现9.2亿元", "全市林果业产值"),
        # 达 ending a word stays (雷达)
        ("新建多普勒天气雷达2部", "新建多普勒天气雷达"),
    ],
)
def test_the_verb_linking_a_metric_to_its_value_is_no_part_of_it(text: str, metric: str) -> None:
    assert only(text)["metric"] == metric


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        # a standard, density or level is a rate by name: the base after the verb goes
        ("特困人员基本生活标准提高到每人每月1,380元", "特困人员基本生活标准"),
        ("燃气管网密度达到每平方公里3.2公里", "燃气管网密度"),
        # otherwise the base says what the figure is per, in front of the metric
        ("小麦单产达到每亩460公斤", "每亩小麦单产"),
        ("医保参保补助提高至每人每年670元", "每人每年医保参保补助"),
    ],
)
def test_a_per_head_base_after_the_link_verb(text: str, metric: str) -> None:
    assert only(text)["metric"] == metric


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("为60周岁以上老人免费接种流感疫苗1.1万剂", "60周岁以上老人免费接种流感疫苗"),
        ("0至3岁婴幼儿照护服务覆盖率为45%", "0至3岁婴幼儿照护服务覆盖率"),
        ("6岁以下儿童眼保健覆盖率达93%", "6岁以下儿童眼保健覆盖率"),
    ],
)
def test_an_age_threshold_heading_the_metric_stays_in_it(text: str, metric: str) -> None:
    assert only(text)["metric"] == metric


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("全县完成造林面积3.2万亩", "造林面积"),
        ("全市实现旅游总收入86亿元", "旅游总收入"),
        # the counted doers of a count just before
        ("3个乡镇完成土地确权1,560亩", "土地确权"),
    ],
)
def test_who_completed_it_is_no_part_of_the_metric(text: str, metric: str) -> None:
    assert read(text)[-1]["metric"] == metric


# ---------------------------------------------------------------- causes found by heldout2
# (new sentences, none taken from heldout2.jsonl)


def _facts(text: str) -> list[tuple[Any, ...]]:
    return [(f["text"], *(f[k] for k in COMPARED[:-1])) for f in read(text)]


@pytest.mark.parametrize(
    "text",
    [
        # a meeting named by its term and session, no 第: ordinals, not counts
        "区委中心组专题学习党的二十届三中全会精神",
        "县政协召开十六届四次常委会议，传达省政协十二届二次全体会议精神",
        "市人社局党组传达市委十三届七次全会部署",
        "传达学习十四届全国人大二次会议和县十八届人大常委会精神",
        # set political phrases written unquoted
        "机关党委严格落实中央八项规定和国务院“约法三章”要求",
        "深入贯彻市委六项规定精神，持续纠治“四风”",
        "引导干部增强四个意识、坚定四个自信、做到两个维护",
        "始终坚持四项基本原则",
        # a figure opening a category defined by a threshold after it
        "全县未发生一次死亡10人以上的重大安全生产事故",
        # a service named by how long it runs
        "开通24小时政策咨询热线12366",
        # years, not durations; a number of years inside a name
        "全面落实九年义务教育免费政策",
        "深入实施国企改革深化提升行动和农村人居环境整治三年行动",
        "二〇二三年度重点工作均已完成",
    ],
)
def test_ordinals_names_and_category_numbers_are_no_facts(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a count of terms or sessions held stays a count
        ("街道已连续举办五届邻里文化节", [("五届", "count", 5, "届", 5, "届", None, None)]),
        ("全年召开党组会议12次", [("12次", "count", 12, "次", 12, "次", None, None)]),
        # numeral + 项 + a rule noun is a count when no issuer or 精神 names it
        (
            "制定议事规则等4项制度，出台五项规定",
            [
                ("4项", "count", 4, "项", 4, "项", None, None),
                ("五项", "count", 5, "项", 5, "项", None, None),
            ],
        ),
        ("完成十项民生实事", [("十项", "count", 10, "项", 10, "项", None, None)]),
        # a limit that is no service name stays a fact
        ("群众诉求平均48小时内答复", [("48小时", "quantity", 48, "小时", 48, "小时", None, None)]),
        ("图书馆每周开放56小时", [("56小时", "quantity", 56, "小时", 56, "小时", None, None)]),
    ],
)
def test_plain_counts_next_to_those_names_stay_facts(
    text: str, expected: list[tuple[Any, ...]]
) -> None:
    assert _facts(text) == expected


def test_service_with_a_count_after_it() -> None:
    assert _facts("设立24小时自助服务区2处") == [("2处", "count", 2, "处", 2, "处", None, None)]


@pytest.mark.parametrize(
    ("text", "lo", "hi", "unit", "std"),
    [
        ("玉米收购价每公斤2.46元至2.52元", 2.46, 2.52, "元", 2.46),
        ("单户补助2万元至3万元", 2, 3, "万元", 20000),
        ("每批招收学员15人—20人", 15, 20, "人", 15),
        ("单台机组装机5千瓦～8千瓦", 5, 8, "千瓦", 5),
    ],
)
def test_a_range_that_repeats_its_unit_is_one_fact(
    text: str, lo: float, hi: float, unit: str, std: float
) -> None:
    fact = only(text)
    assert (fact["value"], fact["value_max"], fact["unit"], fact["value_std"]) == (
        lo,
        hi,
        unit,
        std,
    )


def test_two_figures_with_different_units_are_no_range() -> None:
    assert [f["text"] for f in read("补助标准由每人500元至每户2000元")] == ["500元", "2000元"]


@pytest.mark.parametrize(
    ("text", "value", "unit", "previous"),
    [
        ("企业开办时间从原来的5个工作日压缩为1个工作日", 1, "个工作日", 5),
        ("行政审批事项由126项精简为87项", 87, "项", 126),
        ("门诊平均候诊时间由42分钟缩短为25分钟", 25, "分钟", 42),
        ("综合贫困发生率由3.2%下降为0.6%", 0.6, "%", 3.2),
    ],
)
def test_a_level_reached_with_wei(text: str, value: float, unit: str, previous: float) -> None:
    fact = only(text)
    assert fact["kind"] != "change"
    assert (fact["value"], fact["unit"], fact.get("previous")) == (value, unit, previous)


def test_a_level_reached_with_wei_without_a_starting_level() -> None:
    fact = only("不动产登记办理时限缩短为3个工作日")
    assert (fact["kind"], fact["value"], fact["text"]) == ("quantity", 3, "3个工作日")


def test_a_size_of_change_with_wei_stays_a_change() -> None:
    fact = only("全市进出口总额同比增长，增幅为7.4%")
    assert (fact["kind"], fact["value"], fact["basis"]) == ("change", 7.4, "yoy")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "全县个体工商户同比净增318户",
            [("同比净增318户", "change", 318, "户", 318, "户", None, "yoy")],
        ),
        (
            "市场主体数量较上年净减15家",
            [("较上年净减15家", "change", -15, "家", -15, "家", None, "yoy")],
        ),
        # no base named: what the verb produced (净增41家 in labelled.jsonl is a count)
        ("专精特新企业净增9家", [("9家", "count", 9, "家", 9, "家", None, None)]),
    ],
)
def test_net_rise_and_fall(text: str, expected: list[tuple[Any, ...]]) -> None:
    assert _facts(text) == expected


@pytest.mark.parametrize(
    ("text", "value", "unit_std"),
    [
        ("城镇登记失业率较上年收窄0.3个百分点", -0.3, "pp"),
        ("城乡居民人均收入差距同比缩小420元", -420, "元"),
        ("固定资产投资增速比上年放缓1.6个百分点", -1.6, "pp"),
        ("工业投资增速较上年减缓2.2个百分点", -2.2, "pp"),
        ("服务业增加值增速比上年加快0.7个百分点", 0.7, "pp"),
        ("常住人口城镇化率与全省平均水平的差距较上年扩大0.2个百分点", 0.2, "pp"),
    ],
)
def test_narrowing_and_widening(text: str, value: float, unit_std: str) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit_std"], fact["basis"]) == (
        "change",
        value,
        unit_std,
        "yoy",
    )


@pytest.mark.parametrize(
    "text", ["加快推进4个重点项目建设", "扩大2个乡镇试点范围", "缩小3个片区网格"]
)
def test_speed_and_width_words_do_not_change_counts(text: str) -> None:
    assert only(text)["kind"] == "count"


@pytest.mark.parametrize(
    ("text", "fact_text", "value"),
    [
        ("会议费比年度预算少支出3.6万元", "比年度预算少支出3.6万元", -3.6),
        ("差旅费比年初计划减少开支2.1万元", "比年初计划减少开支2.1万元", -2.1),
        ("宣传经费比计划多支出0.8万元", "比计划多支出0.8万元", 0.8),
        ("培训经费较上年减少支出4.5万元", "较上年减少支出4.5万元", -4.5),
    ],
)
def test_a_change_whose_verb_has_an_object(text: str, fact_text: str, value: float) -> None:
    fact = only(text)
    assert (fact["kind"], fact["text"], fact["value"], fact["unit"]) == (
        "change",
        fact_text,
        value,
        "万元",
    )


def test_a_verb_with_an_object_and_no_base_is_no_change() -> None:
    fact = only("区财政增加投入1,200万元")
    assert (fact["kind"], fact["value"]) == ("amount", 1200)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "优良率和达标率分别比上年下降1.3和0.9个百分点",
            [
                ("比上年下降1.3", "change", -1.3, "个百分点", -1.3, "pp", None, "yoy"),
                ("0.9个百分点", "change", -0.9, "个百分点", -0.9, "pp", None, "yoy"),
            ],
        ),
        (
            "出口额和进口额同比分别增长8.2、3.7%",
            [
                ("同比分别增长8.2", "change", 8.2, "%", 8.2, "%", None, "yoy"),
                ("3.7%", "change", 3.7, "%", 3.7, "%", None, "yoy"),
            ],
        ),
        (
            "城东、城西学校分别获得奖补资金30及45万元",
            [
                ("30", "amount", 30, "万元", 300000, "元", None, None),
                ("45万元", "amount", 45, "万元", 450000, "元", None, None),
            ],
        ),
        (
            "各社区配备网格员6、8、7名",
            [
                ("6", "count", 6, "名", 6, "名", None, None),
                ("8", "count", 8, "名", 8, "名", None, None),
                ("7名", "count", 7, "名", 7, "名", None, None),
            ],
        ),
    ],
)
def test_a_unit_shared_by_listed_figures(text: str, expected: list[tuple[Any, ...]]) -> None:
    assert _facts(text) == expected


@pytest.mark.parametrize(
    "text",
    ["推进一、二期工程建设", "第1、2批试点已验收", "第三、四届运动会", "2022和2023年连续获评"],
)
def test_listed_ordinals_and_years_borrow_no_unit(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("全年开行旅游专列14列", 14, "列"),
        ("新增远洋渔船6艘", 6, "艘"),
        ("引进无人机8架", 8, "架"),
        ("开通城际快客120班", 120, "班"),
        ("为特困老人配发助听器35副", 35, "副"),
        ("更换老旧门窗1,460樘", 1460, "樘"),
        ("购置办公座椅86把", 86, "把"),
        ("捐赠劳保鞋600双", 600, "双"),
        ("放流鱼苗120万尾", 120, "万尾"),
        ("补栏能繁母猪2,300头", 2300, "头"),
    ],
)
def test_measure_words(text: str, value: float, unit: str) -> None:
    fact = only(text)
    assert (fact["kind"], fact["value"], fact["unit"]) == ("count", value, unit)


@pytest.mark.parametrize(
    ("text", "value", "approx"),
    [
        ("贴息贷款期限2年", 2, None),
        ("特岗教师服务期满3年后可转正", 3, None),
        ("该村连续6年保持零发案", 6, None),
        ("项目为期三年", 3, None),
        ("近五年累计培育新型职业农民1,800人", 5, "about"),
        ("力争用2年时间完成改造", 2, None),
        ("合同期限为5年以内", 5, "under"),
    ],
)
def test_a_number_of_years_is_a_duration(text: str, value: float, approx: str | None) -> None:
    fact = read(text)[0]
    assert (fact["kind"], fact["value"], fact["unit"], fact["approx"]) == (
        "quantity",
        value,
        "年",
        approx,
    )


@pytest.mark.parametrize(
    "text",
    [
        "2024年全面完成",
        "全年工作于２０２３年启动",
        "23年3月开工建设",
        "实施五年规划纲要",
        "初三年级开设晚自习",
        "庆祝建党百年",
    ],
)
def test_years_and_named_spans_are_no_durations(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a rise of income with no base named is the income produced (labelled.jsonl:
        # 带动农户增收人均2,300元 is an amount), like 节约资金, 减负
        ("茶产业带动脱贫户户均增收约3,200元", ("约3,200元", "amount", 3200, None)),
        # with a base it is a change
        ("村集体经济收入较上年增收18.6万元", ("较上年增收18.6万元", "change", 18.6, "yoy")),
        # a relative rise of income names its base implicitly: a change
        ("农民专业合作社经营收入增收12%", ("增收12%", "change", 12, None)),
        # 减量 is the size of a fall, like 降幅
        ("生活垃圾清运量同比减少860吨，减量4.1%", ("减量4.1%", "change", -4.1, "yoy")),
    ],
)
def test_income_rises_and_reductions(text: str, expected: tuple[Any, ...]) -> None:
    fact = read(text)[-1]
    assert (fact["text"], fact["kind"], fact["value"], fact["basis"]) == expected


def test_a_period_of_years_is_a_duration_like_one_of_months() -> None:
    """近3个月 and 未来3个月 were already durations; 年 reads the same way."""
    got = _facts("过去三年累计投入1.2亿元，今后五年力争再翻一番")
    assert [(g[0], g[1], g[2]) for g in got] == [
        ("三年", "quantity", 3),
        ("1.2亿元", "amount", 1.2),
        ("五年", "quantity", 5),
    ]


# ---------------------------------------------------------------- causes found by heldout3.jsonl
# (fixed after its blind score; sentences of our own, none taken from heldout3.jsonl)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # measure words of declarations, machine shifts, scanned frames, product lines
        ("全年审核出口舱单4.8万票", ("4.8万票", "count", 4.8, "万票", 48000, "票", None, None)),
        ("快件通关量达到2,175票", ("2,175票", "count", 2175, "票", 2175, "票", None, None)),
        ("投入压路机等机械1,150台班", ("1,150台班", "count", 1150, "台班", 1150, "台班", None, None)),
        ("完成地方志影像采集约8.6万拍", ("约8.6万拍", "count", 8.6, "万拍", 86000, "拍", "about", None)),
        ("推出非遗主题文创产品36款", ("36款", "count", 36, "款", 36, "款", None, None)),
        # portions of a test or a vaccine, not people or heads
        ("发放核酸检测试剂3.5万人份", ("3.5万人份", "count", 3.5, "万人份", 35000, "人份", None, None)),
        ("调拨口蹄疫疫苗120万头份", ("120万头份", "count", 120, "万头份", 1200000, "头份", None, None)),
        ("接种禽流感疫苗约46万羽份", ("约46万羽份", "count", 46, "万羽份", 460000, "羽份", "about", None)),
        # physical units: weight in 担, cable length, flows, bandwidth and storage
        ("完成烤烟收购2.6万担", ("2.6万担", "quantity", 2.6, "万担", 26000, "担", None, None)),
        ("新建农村光缆约2.3万皮长公里", ("约2.3万皮长公里", "quantity", 2.3, "万皮长公里", 23000, "皮长公里", "about", None)),
        ("全区光纤总长12.7万芯公里", ("12.7万芯公里", "quantity", 12.7, "万芯公里", 127000, "芯公里", None, None)),
        ("洪峰流量达4,120立方米每秒", ("4,120立方米每秒", "quantity", 4120, "立方米每秒", 4120, "立方米每秒", None, None)),
        ("入库流量2,300m³/s", ("2,300m³/s", "quantity", 2300, "m³/s", 2300, "m³/s", None, None)),
        ("城区5G用户平均下行速率312.6Mbps", ("312.6Mbps", "quantity", 312.6, "Mbps", 312.6, "Mbps", None, None)),
        ("出口带宽扩容至1.2Tbps", ("1.2Tbps", "quantity", 1.2, "Tbps", 1.2, "Tbps", None, None)),
        ("政务云存储容量达到860TB", ("860TB", "quantity", 860, "TB", 860, "TB", None, None)),
        ("档案数字化成果约750GB", ("约750GB", "quantity", 750, "GB", 750, "GB", "about", None)),
    ],
)  # fmt: skip
def test_new_measure_words_and_units(text: str, expected: tuple[Any, ...]) -> None:
    assert _facts(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a unit with its alternative in brackets is one unit, as written
        ("全县可移动文物普查登记藏品3,218件（套）", ("3,218件（套）", "件（套）", "件（套）")),
        ("配发执法记录仪等装备420台（套）", ("420台（套）", "台（套）", "台（套）")),
        # other spellings keep their form as written, with one unit_std
        ("征集民俗实物156件(套)", ("156件(套)", "件(套)", "件（套）")),
        ("新增固定资产85件/套", ("85件/套", "件/套", "件（套）")),
    ],
)
def test_a_unit_with_its_alternative_in_brackets(text: str, expected: tuple[Any, ...]) -> None:
    fact = only(text)
    assert (fact["text"], fact["unit"], fact["unit_std"], fact["kind"]) == (*expected, "count")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 精简 against a named base is a fall, like 压减
        ("行政审批事项比上年精简37项", ("比上年精简37项", "change", -37, "项", -37, "项", None, "yoy")),
        ("会议数量同比精简22%", ("同比精简22%", "change", -22, "%", -22, "%", None, "yoy")),
        ("随车人员较上年精减6人", ("较上年精减6人", "change", -6, "人", -6, "人", None, "yoy")),
        # without a base, the items cut are a count (like 核减编制8名), a share cut a change
        ("全年精简涉企证明材料64项", ("64项", "count", 64, "项", 64, "项", None, None)),
        ("文件简报精简15%", ("精简15%", "change", -15, "%", -15, "%", None, None)),
    ],
)  # fmt: skip
def test_jingjian_is_a_fall_against_a_named_base(text: str, expected: tuple[Any, ...]) -> None:
    assert _facts(text) == [expected]


def test_a_level_reached_by_jingjian_is_no_change() -> None:
    fact = only("村级证明事项由58项精简为12项")
    assert (fact["kind"], fact["value"], fact["previous"]) == ("count", 12, 58)


@pytest.mark.parametrize(
    "text",
    [
        # village groups and production teams named by number are ordinal use
        "驻村工作队走访了一组至七组全部脱贫户",
        "为1组至6组安装太阳能路灯",
        "重点整治三组、六组村道两侧杂物",
        "由二组和四组村民共同投工投劳",
        "柳河村五组新修排水沟",
        "七组村民代表参加了听证会",
        "八队农户反映的灌溉问题已解决",
    ],
)
def test_numbered_village_groups_are_names_not_counts(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # groups formed, split or counted stay counts
        ("将全镇网格员分成6个小组", "6个"),
        ("抽调干部组建4个督导组", "4个"),
        ("检测水样三组", "三组"),
        ("采集对照样本两组", "两组"),
        ("培训分五组轮流进行", "五组"),
        ("组织10组家庭参加亲子阅读", "10组"),
    ],
)
def test_groups_formed_or_counted_stay_counts(text: str, written: str) -> None:
    assert [f["text"] for f in read(text)] == [written]


def test_a_named_group_beside_a_real_count() -> None:
    got = _facts("为三组、五组农户修缮房屋26户")
    assert [(g[0], g[1], g[2]) for g in got] == [("26户", "count", 26)]

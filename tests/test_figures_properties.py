"""Properties of the number reader: values read back exactly, spans slice to text, no crash."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.figures import text_to_facts
from pipeline.figures.units import BASE_UNITS

CN_DIGITS = "零一二三四五六七八九"
# units whose value_std is value * factor with no sign or kind surprises
UNITS = {
    "元": ("amount", "元", 1), "万元": ("amount", "元", 10_000), "亿元": ("amount", "元", 10**8),
    "万美元": ("amount", "美元", 10_000), "%": ("percent", "%", 1), "家": ("count", "家", 1),
    "个": ("count", "个", 1), "人次": ("count", "人次", 1), "万人": ("count", "人", 10_000),
    "场": ("count", "场", 1), "公里": ("quantity", "公里", 1), "万亩": ("quantity", "亩", 10_000),
    "吨": ("quantity", "吨", 1), "平方米": ("quantity", "平方米", 1),
}  # fmt: skip
METRICS = ["地区生产总值", "新增企业", "培训人员", "完成率", "道路里程", "种植面积"]


def to_chinese(n: int) -> str:
    """An integer below 10**8 in Chinese numerals (三千四百零五万六千)."""
    if n == 0:
        return "零"

    def section(x: int) -> str:
        out, zero = "", False
        for value, place in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // value % 10
            if d:
                out += ("零" if zero and out else "") + CN_DIGITS[d] + place
                zero = False
            else:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    if not high:
        return section(low)
    text = section(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + section(low)
    return text


def with_commas(whole: int) -> str:
    return f"{whole:,}"


@st.composite
def written_values(draw: st.DrawFn) -> tuple[str, Decimal]:
    style = draw(st.sampled_from(["arabic", "decimal", "commas", "chinese", "fullwidth"]))
    whole = draw(st.integers(min_value=1, max_value=99_999_999))
    if style == "chinese":
        # a trailing 万 belongs to the unit (一万人 is 1 万人), so keep some units below it
        whole += 1 if whole % 10_000 == 0 else 0
        return to_chinese(whole), Decimal(whole)
    if style == "commas":
        return with_commas(whole), Decimal(whole)
    if style == "decimal":
        frac = draw(st.integers(min_value=0, max_value=99))
        raw = f"{whole}.{frac:02d}"
        return raw, Decimal(raw)
    if style == "fullwidth":
        raw = str(whole).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        return raw, Decimal(whole)
    return str(whole), Decimal(whole)


@settings(max_examples=300, deadline=None)
@given(written_values(), st.sampled_from(sorted(UNITS)), st.sampled_from(METRICS))
def test_values_read_back_exactly(written: tuple[str, Decimal], unit: str, metric: str) -> None:
    raw, value = written
    text = f"{metric}{raw}{unit}。"
    facts = text_to_facts(text)
    assert len(facts) == 1, (text, facts)
    fact = facts[0]
    kind, unit_std, factor = UNITS[unit]
    assert fact.text == raw + unit
    assert (fact.kind, fact.value, fact.unit, fact.unit_std) == (kind, value, unit, unit_std)
    assert fact.value_std == value * factor
    assert fact.metric == metric


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(METRICS), written_values(), st.sampled_from(sorted(UNITS))),
        max_size=4,
    )
)
def test_sentences_of_figures_keep_their_order(
    parts: list[tuple[str, tuple[str, Decimal], str]],
) -> None:
    text = "，".join(f"{metric}{raw}{unit}" for metric, (raw, _), unit in parts)
    facts = text_to_facts(text)
    assert [f.value for f in facts] == [value for _, (_, value), _ in parts]
    assert all(text[f.start : f.end] == f.text for f in facts)


_PIECES = st.sampled_from(
    ["约", "多", "余", "以上", "同比", "增长", "下降", "第", "名", "排名", "由", "至", "（", "）", "共", "“", "”",
     "、", "，", "。", "百分之", "万", "亿", "点", "两", "十", "三", "0", "7", ".", "%", "-", "—", "个百分点"]
    + sorted(BASE_UNITS)
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=3)), max_size=20).map("".join))
def test_spans_always_slice_to_text(text: str) -> None:
    for fact in text_to_facts(text):
        assert text[fact.start : fact.end] == fact.text
        assert fact.start < fact.end
        assert fact.sentence_start <= fact.start
        assert fact.to_json()["span"] == [fact.start, fact.end]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_no_exception_on_arbitrary_unicode(text: str) -> None:
    for fact in text_to_facts(text):
        assert text[fact.start : fact.end] == fact.text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["《", "》", "“", "”", "@", "a.b", "x_1", "example", ".com", "十一届三次全会", "中央八项规定",
                                 "2023年5月", "13812345678", "https://a.cn/x", " ", "增长", "3", "元", "，", "。"]),
                max_size=25))
def test_the_excluded_spans_are_the_full_patterns(pieces: list[str]) -> None:
    """Without an @ the excluded spans skip the e-mail part, and are the full pattern's spans."""
    from pipeline.figures.patterns import EXCLUDED, excluded_spans

    text = "".join(pieces)
    assert excluded_spans(text) == [found.span() for found in EXCLUDED.finditer(text)]

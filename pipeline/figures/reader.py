"""Free Chinese text in, facts out: the number reader (regex for figures, jieba for words).

The flow: ``FIGURE`` finds candidate figures; each is checked against word
boundaries and the exclusions of FACTS.md, given a kind, sign and basis; then
starting levels (`由52%提高至61.5%`) and rank fields (`全国共230名`) are folded
into the figure they qualify, and each fact gets its metric phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.figures.candidate import Figure
from pipeline.figures.change import inherited_basis, read_change, read_signed_change
from pipeline.figures.combine import (
    RANGE_AFTER,
    fold_levels_and_fields,
    inherit_listed_kinds,
    merge_ranges,
)
from pipeline.figures.estimates import read_numeral
from pipeline.figures.fact import Doubt, Fact
from pipeline.figures.groups import GROUPS, names_a_group
from pipeline.figures.lexicon import Lexicon, lexicon
from pipeline.figures.metric import after_phrase, before_phrase, noun_follows, split_guess
from pipeline.figures.normal import NormalText, normalise
from pipeline.figures.numerals import PLACES_CN, NumeralError, scale_of
from pipeline.figures.patterns import (
    APPROX_AFTER,
    APPROX_BEFORE,
    BOUND_ACROSS_VERB,
    CLAUSE_BREAK,
    CN_ONE,
    DATE_AFTER_YEAR,
    FIGURE,
    FROM_BEFORE,
    LISTED_ORDINAL,
    RANK_WORDS,
    RATE_NAMED,
    SERVICE_NAMED,
    SHARED_UNIT,
    THRESHOLD_AFTER,
    YEARS_SPAN_AFTER,
    YEARS_SPAN_BEFORE,
    excluded_spans,
)
from pipeline.figures.sentences import Sentences
from pipeline.figures.units import (
    AMOUNT,
    BASE_UNITS,
    COUNT,
    LIMIT_UNITS,
    PERCENT,
    POINTS,
    TIMES,
    YEARS,
    Unit,
    currency_before,
    in_currency,
    read_unit,
)
from pipeline.figures.written import (
    BELOW_ZERO,
    MINUS,
    NEGATIVE,
    POSITIVE,
    bare_money,
    coins_after,
    sign_before,
)

KIND_OF_UNIT = {"amount": "amount", "percent": "percent", POINTS: "change", TIMES: "change",
                COUNT: "count", "quantity": "quantity"}  # fmt: skip
# numeral + measure word pairs that are words of their own (十分重要, 一起, 一度)
IDIOMS = frozenset(
    [
        "十分",
        "一些",
        "一度",
        "一起",
        "一块",
        "一方",
        "一口",
        "一眼",
        "一分",
        "一头",
        "万分",
        "一片",
        "一门",
        "一班",
        "一线",
        "一对",
        "一票",
        "一拍",
        "一批批",
        "百年",
        "千年",
        "万年",
    ]
)
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_DIGIT_GROUP = re.compile(r"[0-9]{3}(?:\.[0-9]+)?")
# three letters or more (not after a digit) before a figure with a unit: VOCs, COD, GDP
_LETTERS_NAME = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{3,}$")
DAXIE = "壹贰貮叁肆伍陆柒捌玖拾佰仟"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE_REST = re.compile(r"[^，,。；;！？!?\n]*")
_ANY_DIGIT = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百千][个家名人项所座处件条]")
_NOT_A_FIGURE_BEFORE = set("．.+-－/_#@") | set(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)


@dataclass(frozen=True)
class FigureReading:
    """The facts of a text, and the figures left out because the reader was unsure."""

    facts: list[Fact]
    doubts: list[Doubt]

    @property
    def warnings(self) -> list[str]:
        """One plain message per figure left out (Chinese, then English)."""
        return [d.message() for d in self.doubts]


def text_to_facts(text: str) -> list[Fact]:
    """Every figure stated in ``text``, as facts in order of their start (FACTS.md)."""
    return read_figures(text).facts


def read_figures(text: str) -> FigureReading:
    """The facts of ``text`` and a warning for each figure left out because it is unclear.

    The text is normalised once (:mod:`pipeline.figures.normal`); the figures are read on
    the normal text and their spans mapped back, so ``text[fact.start:fact.end] ==
    fact.text`` on the text as given, printed spaces inside.
    """
    if not text or (_CN_START.isdisjoint(text) and not any(map(str.isdigit, text))):
        return FigureReading([], [])
    normal = normalise(text)
    lex = lexicon()
    sentences = Sentences(normal.text, lex)
    figures = _read(normal.text, sentences)
    facts = [_to_fact(normal, f) for f in figures]
    doubts = [_doubt(normal, start, end, why) for start, end, why in sentences.doubts]
    return FigureReading(facts, doubts)


def _read(text: str, sentences: Sentences) -> list[Figure]:
    excluded = excluded_spans(text)
    figures = _find_figures(text, sentences, excluded)
    fold_levels_and_fields(text, figures)
    merge_ranges(text, figures)
    figures = [f for f in figures if not f.dropped]
    inherit_listed_kinds(text, figures)
    _assign_metrics(text, figures, sentences, sentences.lex)
    return figures


def _doubt(normal: NormalText, start: int, end: int, why: str) -> Doubt:
    lo, hi = normal.to_original(start, end)
    return Doubt(lo, hi, normal.original[lo:hi], why)


_CN_START = set("零〇一二两三四五六七八九壹贰貮叁肆伍陆柒捌玖十拾百佰千仟几数上")


def _find_figures(
    text: str, sentences: Sentences, excluded: list[tuple[int, int]]
) -> list[Figure]:
    figures: list[Figure] = []
    pos = 0
    while True:
        m = FIGURE.search(text, pos)
        if m is None:
            return figures
        pre = m.group("pre") or ""
        if len(pre) == 1 and sentences.ends_word(m.start("pre"), m.end("pre")):
            # 签约3个, 最近3年: the qualifier is the end of a word, no qualifier
            unqualified = FIGURE.match(text, m.end("pre"))
            if unqualified is None:
                pos = m.end("pre")
                continue
            m = unqualified
        doubts = len(sentences.doubts)
        figure = _read_match(text, m, sentences, excluded)
        if len(sentences.doubts) > doubts:
            pos = m.end()  # 五三个: a figure in doubt hides no other (三个) inside it
            continue
        if figure is None and len(m.group("base") or "") > 1:
            shorter = _shorter_unit(text, m)
            if shorter is not None:
                figure = _read_match(text, shorter, sentences, excluded)
        if figure is None:
            # a Chinese numeral rejected at a word boundary may hide a figure inside it
            # (统一部署 → 一部); a rejected Arabic or qualified figure hides none
            raw = m.group("n1") or ""
            # nor does a 大写 numeral (叁拾万元整 holds no 拾万元)
            inner = raw and not raw[0].isdigit() and not m.group("pre") and not _daxie(raw)
            pos = m.start() + 1 if inner else m.end()
            continue
        figures.append(figure)
        pos = max(m.end(), figure.end)


def _shorter_unit(text: str, m: re.Match[str]) -> re.Match[str] | None:
    """The figure with the longest shorter unit, when the long one runs into a word.

    `3个次要问题`: 个次 is a unit, but 次要 is the next word, so the unit is 个.
    """
    base, at = m.group("base"), m.start("base")
    for k in range(len(base) - 1, 0, -1):
        if base[:k] in BASE_UNITS:
            shorter = FIGURE.match(text, m.start(), at + k)
            if shorter is not None and shorter.group("base") == base[:k]:
                return shorter
    return None


def _inside(span: tuple[int, int], excluded: list[tuple[int, int]]) -> bool:
    return any(lo <= span[0] and span[1] <= hi for lo, hi in excluded)


def _read_match(
    text: str, m: re.Match[str], sentences: Sentences, excluded: list[tuple[int, int]]
) -> Figure | None:
    """A candidate figure from one regex match, or None when it is no fact."""
    raw = m.group("pn") or m.group("n1")
    num_start = m.start("pn") if m.group("pn") else m.start("n1")
    base = m.group("base")
    di = m.group("di") is not None
    if _inside(m.span(), excluded):
        return None
    if not di and LISTED_ORDINAL.search(text, max(0, m.start() - 24), m.start()):
        return None  # 第1、2批, 第一、二期: ordinals listed after one 第
    mark = _mark_before(text, m, sentences)
    if mark is None:
        return None
    sign, sign_kind = mark
    temperature = sign_kind == BELOW_ZERO
    after = text[m.end()] if m.end() < len(text) else ""
    if (after and after in "+＋") or (
        _ASCII_ALNUM.match(after) and (not base or _ASCII_ALNUM.match(text[m.end() - 1]))
    ):
        return None
    chinese = not raw[0].isdigit() and not ("０" <= raw[0] <= "９")
    scale, per = m.group("scale") or "", m.group("per") or ""
    shared = None
    bare = None
    coins = coins_after(text, m, sentences.starts_long_word)
    if not base and sign_kind == "yuan":
        bare = read_unit("", "元") if not m.group("bare") else bare_money(m.group("bare"), "资金")
    elif not base and m.group("bare"):
        bare = bare_money(m.group("bare"), _clause_before(text, m.start() - sign))
        if bare is None:
            return None  # 人口3.5万: 万 without a unit names no money unless a money word does
    elif not base and not m.group("pn") and not di:
        shared = _shared_unit(text, m, sentences, excluded)
        if shared is None:
            return None
        base, scale, per = (
            shared.base,
            shared.scale,
            shared.written[len(shared.scale + shared.base) :],
        )
    if chinese:
        if (
            not sentences.is_number_start(m.start() if m.group("pn") else num_start)
            and not (m.group("pre") or di)
            and not _daxie(raw)  # 奖补叁拾万元: jieba may join 补叁; 叁拾 starts a number
        ):
            return None
        end_unit = m.end("base") if base and not shared else m.end("bare" if bare else "n1")
        word = text[num_start:end_unit]
        if (word in IDIOMS and not coins) or (raw == "一" and after == "一"):
            return None
        # 圆 after a numeral is money whatever jieba makes of 圆整
        unit_end = coins or base == "圆" or sentences.is_unit_end(end_unit, num_start)
        if not m.group("pn") and not unit_end:
            return None
    elif (
        base
        and not shared
        and not coins
        and base != "圆"
        and not sentences.is_unit_end(m.end("base"), num_start)
        and base[-1] not in "%％"
    ):
        return None
    numbers = _numbers(m, raw, bool(base or bare), sentences)
    if numbers is None:
        return None
    value, value_max, estimate = numbers
    alt = m.group("alt") or ""
    if base and BASE_UNITS[base][0] != COUNT:
        alt = ""
    unit = read_unit(scale, base, per, alt) if base else bare
    end = m.end()
    if unit is not None and unit.kind == AMOUNT and per and not shared:
        # 生均720元/年, 18.6万元/人: the figure is the amount, what it is per names the metric
        unit, end = read_unit(scale, base), m.end("base")
    if m.group("pn"):
        unit = read_unit("", "%")
    if coins is not None:
        value, end = value + coins[0], coins[1]
        unit = read_unit("", "元")
    if unit is not None and unit.std == "元":
        currency = currency_before(text, m.start() - sign)
        if currency is not None:
            unit = in_currency(unit, currency)  # 港币12万元: HK$, not 元 of RMB
    if unit is not None and unit.scale and unit.kind in (PERCENT, POINTS, TIMES):
        return None  # 1万% is no way of writing a share
    if value_max is not None and m.group("s1") and unit is not None:
        # 1万-5万元: both ends in the unit of the second
        value = value * scale_of(m.group("s1")) / scale_of(unit.scale)
    approx = _approx(m, estimate)
    clause = _clause_before(text, m.start() - sign)
    if base == YEARS and (estimate and value_max == value * 10 or estimate == "over"):
        return None  # 几十年来, 数十年如一日, 上百年: a manner of speaking, not a duration
    if base == YEARS and not _years_span(text, m, raw, value, approx, clause):
        return None  # 2023年, 九年义务教育, 国企改革三年行动: a year or a name
    start = bound_start = m.start()
    bound = None if m.group("pre") or di else BOUND_ACROSS_VERB.search(clause)
    if bound is not None:
        approx = "over" if approx in (None, "about") else approx
        bound_start = m.start() - len(clause) + bound.start()
    signed = sign_kind == NEGATIVE
    if temperature:
        value, start = -value, start - sign
        if value_max is not None and (m.group("sep") or "")[-1:] in MINUS:
            value_max = -value_max  # -5℃至-1℃
    elif sign:
        start -= sign
        if signed and (value_max is not None or (unit is not None and unit.kind == COUNT)):
            sentences.doubt(start, end, "signed")
            return None
    if _from_to(text, m, clause):
        # 满意度由85%到92%: the level reached, from a starting level, as 由85%提高至92%
        later = FIGURE.match(text, m.start("n2"))
        figure = _read_match(text, later, sentences, excluded) if later else None
        if figure is not None:
            figure.previous, figure.anchor = value, m.start()
        return figure
    if value_max is not None and value_max <= value:
        sentences.doubt(start, end, "range_order")
        return None  # 从5000到1.2万元 read as 5000 to 1.2 万元: no range
    figure = Figure(start, end, num_start, value, unit, approx, value_max=value_max)
    figure.sentence = sentences.span(m.start())
    if di:
        if base not in (None, "名", "位") or (base is None and not RANK_WORDS.search(clause)):
            return None
        figure.kind = "rank"
    elif base in ("名", "位") and RANK_WORDS.search(clause):
        figure.kind = "rank"
    elif unit is None:
        return None
    if approx in ("over", "under") and _threshold(text, m, sentences):
        return None
    if not approx and not di and THRESHOLD_AFTER.match(text, m.end()):
        return None  # 一次死亡3人以上的较大事故: the figure opens the category's definition
    if base == "期" and _CJK.match(after) and _is_phase(text, m, sentences):
        return None  # 二期工程, 滨江大道二期完成…: a phase, not a count
    if base in GROUPS and names_a_group(text, m):
        return None  # 一组至九组道路, 三组村民, 石桥村五组: village groups named by number
    if (
        base == "字"
        and unit is not None
        and not unit.scale
        and _CJK.match(after)
        and noun_follows(text, sentences.tokens(m.start()), m.end(), sentences.lex)
    ):
        return None  # 十五字方针, 16字工作法: the length of a motto names it
    if not figure.kind:
        read_change(text, figure, clause)
    if not figure.kind and sign_kind in (NEGATIVE, POSITIVE):
        read_signed_change(figure, clause)  # 同比-5.1%: a basis and a sign make a change
    figure.negative = figure.negative or signed  # 增长-5.1%; 下降-13.4% repeats the fall
    figure.start = min(figure.start, bound_start)
    if not figure.kind and base in LIMIT_UNITS and not approx and RATE_NAMED.match(text, m.end()):
        return None  # 森林火灾24小时扑灭率达100%: the limit is part of the rate's name
    if base in _ROUND_THE_CLOCK and not approx and SERVICE_NAMED.match(text, m.end()):
        return None  # 24小时值班电话, 24小时服务热线: how long a service runs names it
    if not figure.kind and unit is not None:
        figure.kind = KIND_OF_UNIT[unit.kind]
    if figure.kind == "change" and figure.basis is None:
        figure.basis = inherited_basis(text, figure)
    return figure


_ROUND_THE_CLOCK = ("小时", "个小时")


def _mark_before(text: str, m: re.Match[str], sentences: Sentences) -> tuple[int, str] | None:
    """The sign or ￥ before the number as ``(length, what)``; None when what stands before
    the number makes it no figure (a code, a denominator, a time, a split number)."""
    base, raw, di = m.group("base"), m.group("pn") or m.group("n1"), m.group("di")
    before = text[m.start() - 1] if m.start() else ""
    sign, sign_kind = sign_before(text, m)
    if sign and before == "负" and not sentences.is_word_start(m.start() - 1):
        sign, sign_kind = 0, ""  # 减负2,456.8万元, 担负: 负 ends a word, it is no sign
    if not sign and before and before in "￥¥" and not (m.group("pre") or di):
        sign, sign_kind = 1, "yuan"  # ￥12,345.00: the yuan sign is the unit, and in the text
    if sign:
        before = ""  # the minus of -13.4% or -3.5℃, the 负 of 负2.6%
    # PM2.5, G205, 每万人口, 每百平方公里: part of a name or a denominator; 8:30 a time
    if base and before.isascii() and before.isalpha() and _LETTERS_NAME.search(
        text, max(0, m.start() - 12), m.start()
    ):
        before = ""  # 减排VOCs412.6吨, COD30毫克/升: a word of letters names what is measured
    split = before in " \u3000" and m.start() > 1 and text[m.start() - 2].isdigit()
    if split and _DIGIT_GROUP.fullmatch(raw):
        head = m.start() - 1
        while head > 0 and (text[head - 1].isdigit() or text[head - 1] in " \u3000,.，"):
            head -= 1
        sentences.doubt(head, m.end(), "digit_group")  # 12 345人: 345, or 12345?
        return None
    if before in _NOT_A_FIGURE_BEFORE or before.isdigit() or before == "每":
        return None
    if before in "：:" and before and m.start() > 1 and text[m.start() - 2].isdigit():
        return None
    return sign, sign_kind


def _numbers(
    m: re.Match[str], raw: str, has_unit: bool, sentences: Sentences
) -> tuple[Decimal, Decimal | None, str | None] | None:
    """``(value, value_max, estimate)`` of the figure's numeral (and range end), or None.

    A range with an estimate at one end, a range whose ends differ in place (`三至五百`)
    and a numeral that reads no way are left out; those with a unit are named as doubts.
    """
    try:
        value, value_max, estimate = read_numeral(raw)
        if not m.group("n2"):
            return value, value_max, estimate
        high, high_max, _ = read_numeral(m.group("n2"))
    except NumeralError:
        if has_unit:
            sentences.doubt(m.start(), m.end(), "numeral")
        return None
    if value_max is not None or high_max is not None:
        sentences.doubt(m.start(), m.end(), "estimate_end")
        return None
    if _place_on_one_end(raw, m.group("n2")):
        sentences.doubt(m.start(), m.end(), "place_unclear")
        return None
    return value, high, estimate


def _shared_unit(
    text: str, m: re.Match[str], sentences: Sentences, excluded: list[tuple[int, int]]
) -> Unit | None:
    """The unit a bare number shares with the last of a list after it (`2.4和3.1个百分点`).

    Only when that last figure is itself read as a fact with a unit (not `一、二期工程`).
    """
    if m.group("n2") or m.group("more"):
        return None
    listed = SHARED_UNIT.match(text, m.end())
    if listed is None:
        return None
    last = FIGURE.match(text, listed.start("last"))
    if last is None or last.end("n1") != listed.end() or not last.group("base"):
        return None
    if last.group("pre") or last.group("di"):
        return None
    figure = _read_match(text, last, sentences, excluded)
    return figure.unit if figure is not None else None


def _years_span(
    text: str, m: re.Match[str], raw: str, value: Decimal, approx: str | None, clause: str
) -> bool:
    """A number of years is a duration (期限3年, 连续5年, 近三年, 3年以内), not a year."""
    if value >= 1000 or DATE_AFTER_YEAR.match(text, m.end()):
        return False  # 2023年, 23年1月
    if not raw[0].isdigit() and len(raw) > 1 and not any(ch in PLACES_CN for ch in raw):
        return False  # 二〇二三年
    return bool(approx or YEARS_SPAN_BEFORE.search(clause) or YEARS_SPAN_AFTER.match(text, m.end()))


# 期 of a phase: what a phase is of (二期工程, 一期项目, 二期安置区)
_PHASE_OF = re.compile(r"工程|项目|安置|展馆|厂房|校区|园区|标段|地块|用地|扩建|改造")
# a count of sessions is the object of a verb that holds or splits them (举办两期培训班, 分三期)
_SESSIONS_VERB = re.compile(
    r"(?:举办|举行|开展|组织|开设|开办|承办|办|分|共|累计|编发|编印|印发|出版|发布|出刊|推出)$"
)
# a phase is the subject of what its project did (滨江大道二期完成主体工程, 一期已建成投用)
_PHASE_DONE = re.compile(
    r"(?:已经|已|正在|全面|基本|顺利|主体|如期|率先)*"
    r"(?:完成|完工|建成|竣工|开工|动工|投用|投产|通车|交付|封顶|开业|启用|验收|进场|贯通)"
)


def _is_phase(text: str, m: re.Match[str], sentences: Sentences) -> bool:
    """`二期工程`, `滨江大道二期完成主体工程`: a numeral + 期 naming a phase of a project."""
    if m.group("pre") or m.group("scale") or m.group("n2"):
        return False
    end = m.end()
    if _PHASE_OF.match(text, end):
        return True
    if _SESSIONS_VERB.search(text, 0, m.start()):
        return False  # 举办两期培训班, 分两期完成
    if noun_follows(text, sentences.tokens(m.start()), end, sentences.lex):
        return True
    # the phase of a project named right before it, then what it did
    before = text[m.start() - 1] if m.start() else ""
    return bool(_CJK.match(before)) and _PHASE_DONE.match(text, end) is not None


def _from_to(text: str, m: re.Match[str], clause: str) -> bool:
    """`由85%到92%`: a range match that states a level reached (not `从3到5亿元不等`)."""
    if not m.group("n2") or (m.group("sep") or "") not in ("至", "到"):
        return False
    return bool(FROM_BEFORE.search(clause[-8:])) and not RANGE_AFTER.match(text, m.end())


def _daxie(raw: str) -> bool:
    """Two 大写 characters or more and nothing else (叁拾, 贰仟肆佰): a number, not 队伍 or 陆续."""
    return len(raw) > 1 and all(ch in DAXIE or ch in "零万亿" for ch in raw)


def _place_on_one_end(low: str, high: str) -> bool:
    """`三至五百`: 3 to 500, or 300 to 500? A bare Chinese digit before a place word is unclear."""
    return len(low) == 1 and low in CN_ONE and len(high) > 1 and high[-1] in PLACES_CN


def _approx(m: re.Match[str], estimate: str | None = None) -> str | None:
    found = [APPROX_BEFORE.get(m.group("pre") or ""), APPROX_AFTER.get(m.group("post") or "")]
    found.append(estimate)  # 三五百万元, 十几个: about; 上百人: over
    if m.group("more") or m.group("more2") or m.group("more3"):
        found.append("over")
    # 约100多亿元 is over: a bound says more than an estimate
    for approx in ("over", "under", "about"):
        if approx in found:
            return approx
    return None


def _clause_before(text: str, pos: int) -> str:
    lo = pos
    while lo > 0 and text[lo - 1] not in CLAUSE_BREAK:
        lo -= 1
    return text[lo:pos]


_SIZE_CLASS = re.compile(r"(?:单笔|单项|单次|单个|单宗|单台|单件|每笔|每项)$")


def _threshold(text: str, m: re.Match[str], sentences: Sentences) -> bool:
    """`超10亿元项目`, `60岁以上老年人`: a bound inside a category name is no figure."""
    after = text[m.end() : m.end() + 1]
    if after == "的":
        return True
    if _CJK.match(after) and _SIZE_CLASS.search(text, max(0, m.start() - 2), m.start()):
        return True  # 单笔5万元以上支出须经集体研究: the size class a rule covers
    if not after or not _CJK.match(after):
        return False
    if not noun_follows(text, sentences.tokens(m.start()), m.end(), sentences.lex):
        return False
    # the category is then counted (超10亿元项目2个); 至少3000名教师参加 is itself the count
    rest = _CLAUSE_REST.match(text, m.end())
    return bool(rest and _ANY_DIGIT.search(rest.group()))


def _assign_metrics(text: str, figures: list[Figure], sentences: Sentences, lex: Lexicon) -> None:
    previous: Figure | None = None
    for i, f in enumerate(figures):
        tokens = split_guess(sentences.tokens(f.start), f.end, lex)
        same = previous is not None and previous.sentence == f.sentence
        lo = previous.end if same and previous is not None else f.sentence[0]
        anchor = f.anchor if f.anchor >= 0 else f.start
        nxt = (
            figures[i + 1].start
            if i + 1 < len(figures) and figures[i + 1].sentence == f.sentence
            else f.sentence[1]
        )
        metric = None
        if f.kind in ("count", "quantity") and noun_follows(text, tokens, f.end, lex):
            metric = after_phrase(text, tokens, f.end, nxt, lex, start=f.start)
        if metric is None:
            after_count = same and previous is not None and previous.kind == "count"
            metric = before_phrase(
                text, tokens, max(lo, f.sentence[0]), anchor, lex, after_count=after_count
            )
        if metric is None and same and previous is not None:
            metric = previous.metric
        if metric is None:
            metric = after_phrase(text, tokens, f.end, nxt, lex)
        f.metric = metric
        previous = f


def _to_fact(normal: NormalText, f: Figure) -> Fact:
    unit = f.unit
    sign = Decimal(-1) if f.negative else Decimal(1)
    value = f.value * sign
    factor = unit.factor if unit else Decimal(1)
    unit_written = None
    if unit is not None:
        unit_written = "%" if unit.base in ("%", "％") else unit.written
    start, end = normal.to_original(f.start, f.end)
    lo, hi = normal.to_original(*f.sentence)
    value_max = f.value_max * sign if f.value_max is not None else None
    return Fact(
        metric=f.metric,
        kind=f.kind,
        value=value,
        unit=unit_written,
        # unscaled, the standard value is the value as written (-1.0 stays -1.0)
        value_std=value if factor == 1 else _exact(value * factor),
        unit_std=unit.std if unit else None,
        approx=f.approx,
        basis=f.basis if f.kind == "change" else None,
        text=normal.original[start:end],
        start=start,
        end=end,
        sentence=normal.original[lo:hi],
        sentence_start=lo,
        value_max=value_max,
        value_max_std=(
            None if value_max is None else value_max if factor == 1 else _exact(value_max * factor)
        ),
        previous=f.previous,
        total=f.total,
    )


def _exact(value: Decimal) -> Decimal:
    """An integral result as a plain integer (541.30 x 10**8 → 54130000000, not 5.413E+10)."""
    return value.to_integral_value() if value == value.to_integral_value() else value.normalize()

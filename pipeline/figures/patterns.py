"""The regular expressions of the number reader, built once at import.

``FIGURE`` finds a candidate figure: an optional 第 and qualifier, a number (or a
range of two), and a unit. The reader then decides whether it is a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.figures.units import unit_pattern

ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3}(?![0-9０-９]))*(?:[.．][0-9０-９]+)?"
CN_DIGIT = "零〇一二两三四五六七八九壹贰貮叁肆伍陆柒捌玖十拾百佰千仟"
CN_ONE = "零〇一二两三四五六七八九壹贰貮叁肆伍陆柒捌玖"
# after 万/亿 a digit must follow (三万零五百), so 万千瓦 stays a unit
CHINESE = rf"[{CN_DIGIT}]+(?:[万萬亿億]+[{CN_ONE}][{CN_DIGIT}]*)*(?:点[零〇一二三四五六七八九]+)?"
# 3万4000, 25万6千: a scale word inside the number only when digits follow it
MIXED = rf"{ARABIC}[万亿](?:[0-9０-９]+[千百]?|[{CN_ONE}][{CN_DIGIT}]*)"
NUMBER = rf"(?:{MIXED}|{ARABIC}|{CHINESE})"
SCALE = r"万亿|百万|千万|亿|万|千|百"

APPROX_BEFORE = {
    "约": "about", "大约": "about", "近": "about", "将近": "about", "接近": "about",
    "超过": "over", "超": "over", "逾": "over", "不少于": "over", "不低于": "over",
    "至少": "over", "≥": "over", "＞": "over", ">": "over", "大于": "over", "多于": "over",
    "不到": "under", "不足": "under", "不超过": "under", "低于": "under", "≤": "under",
    "＜": "under", "<": "under", "少于": "under", "小于": "under", "未超过": "under",
}  # fmt: skip
# 至少 is an adverb: it bounds the figure across the short verb it modifies (每天至少保洁4次)
BOUND_ACROSS_VERB = re.compile(r"(?P<bound>至少)[\u4e00-\u9fff]{1,2}$")
APPROX_AFTER = {
    "以上": "over",
    "以下": "under",
    "以内": "under",
    "左右": "about",
    "多": "over",
    "余": "over",
}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNITS = unit_pattern()
# the second half of a rate unit: 万吨/日, 微克/立方米
_PER = "日|天|年|月|小时|时|秒|人|户|次|吨|立方米|平方米|亩|公里|千瓦时|公顷"
FIGURE = re.compile(
    rf"""
    (?P<di>第)?
    (?P<pre>{_alternation(APPROX_BEFORE)})?
    (?:
        百分之(?P<pn>{NUMBER})
      |
        (?P<n1>{NUMBER})
        (?:(?P<s1>万亿|亿|万)?(?P<u1>%|％|‰|℃|°C|摄氏度|度)?(?P<sep>[-—–~～至到－]{{1,2}})(?P<n2>{NUMBER}))?
        (?P<more>多|余)?
        (?:(?P<scale>{SCALE})??(?P<more2>多|余)?(?P<base>{_UNITS})(?P<per>/(?:{_PER}))?)?
    )
    (?P<post>{_alternation(APPROX_AFTER)})?
    (?P<tail>人民币|整)?
    """,
    re.VERBOSE,
)

# what may stand right before a change figure: basis, adverb, verb, link word
_BASIS_YOY = (
    r"同比(?:上年度?|去年|上年同期|去年同期)?"
    r"|(?:较|比|与)(?:上年度?同期|上年度?|去年同期|去年|上一年度?|同期)(?:同期)?(?:相比)?"
)
_BASIS_MOM = r"环比|(?:较|比|与)(?:上月|上个月|上季度|上一季度)(?:相比)?"
_BASIS_PLAN = r"(?:较|比|超)(?:年度|年初|全年)?(?:计划|目标|预期|预算)(?:数|值|任务)?"
# a base the FACTS.md bases do not name (较年初): basis null, but still no metric word
# (较2020年: a base year the text does not say is the year before)
# (较常年: the climate normal, 较多年平均)
_BASIS_OTHER = (
    r"(?:较|比|与)(?:年初|常年同期|常年|历年同期|多年平均值?|(?:19|20)\d\d年度?(?:同期)?)(?:相比)?"
)
BASIS = re.compile(
    rf"(?P<yoy>{_BASIS_YOY})|(?P<mom>{_BASIS_MOM})|(?P<plan>{_BASIS_PLAN})|(?P<other>{_BASIS_OTHER})"
)

# 偏高/偏多 and 偏低/偏少 compare with a normal (较常年偏高0.6℃); 压缩 like 压减, 缩短
RISE = "增长|增加|提高|提升|上升|上涨|增产|增收|增|增幅|增速|涨幅|偏高|偏多|涨价|提价"
FALL = (
    "下降|减少|降低|回落|下滑|下跌|负增长|缩减|缩短|压减|压缩|减产|减收|减|降|降幅|跌幅"
    "|偏低|偏少|降价|减价"
)
CHANGE_BEFORE = re.compile(
    rf"(?P<basis>{_BASIS_YOY}|{_BASIS_MOM}|{_BASIS_PLAN}|{_BASIS_OTHER})?"
    r"(?:分别|均|共|累计|大幅|明显|稳步|持续|逆势|同比)?"
    rf"(?:(?P<fall>{FALL})|(?P<rise>{RISE})|(?P<plan_more>多完成|超额完成|多|超出|超)|(?P<plan_less>少完成|少))"
    # 下降幅度, 降价幅度 (a verb and its object, then 幅度) read like 降幅
    r"(?:了|达到|达|为|是|(?:[\u4e00-\u9fff]?(?:幅度|速度))(?:为|达到|达|是)?)?$"
)

# a level reached after a starting level: 由上年的52%提高至61.5%
FROM_TO_GAP = re.compile(r"^[^，。；,;：:、\d]{0,8}?(?:至|到)$")
FROM_BEFORE = re.compile(r"(?:由|从)[^，。；,;：:\d]{0,6}$")
# the size of the field after a rank: （全国共230名国家级经开区）
RANK_TOTAL = re.compile(rf"\s*[（(][^（）()，。]{{0,12}}?共(?P<n>{NUMBER})(?:名|个|家|位)")
# the size of the field before a rank: 在全省122个县（市、区）中排名第28位
FIELD_GAP = re.compile(r"^[^，。；,;\d]{0,16}?中(?:的)?(?:排名|排位|位列|位居|名列|居)")
RANK_WORDS = re.compile(r"排名|排位|排序|位列|位居|名列|位次|排在|列全|居全|居第|居")
# a rate named by the limit before it, then given its value: (24小时)扑灭率达100%
RATE_NAMED = re.compile(
    r"[\u4e00-\u9fff]{1,8}?(?:率|比例|比重|占比)"
    r"(?:保持在|稳定在|控制在|提高到|提高至|提升到|提升至|达到|达|为|是)?"
    rf"(?:{_alternation(APPROX_BEFORE)})?(?:{NUMBER}|百分之)"
)
# a listed figure that shares the kind of the one before: 分别增长12%、8%
LIST_GAP = re.compile(r"^(?:、|和|及|与|以及|，)$")

# stretches whose numbers are never facts: quotes, titles, document numbers, URLs, phones
EXCLUDED = re.compile(
    r"“[^”]{0,40}”|「[^」]{0,40}」|『[^』]{0,40}』|《[^》]{0,80}》|〔[^〕]{0,12}〕[^，。；\s]{0,8}号"
    r"|\[[^\]]{0,12}\]\d+号|【[^】]{0,40}】|\"[^\"]{0,40}\""
    r"|(?:https?://|www\.)[\x21-\x7e]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<!\d)(?:0\d{2,3}[-－—]?\d{7,8}|1[3-9]\d{9})(?!\d)"
    r"|(?:19|20)\d\d[-./年](?:\d{1,2})(?:[-./月]\d{1,2}日?)?"
)

CLAUSE_BREAK = "，,。；;：:！!？?\n（()）、"
SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")

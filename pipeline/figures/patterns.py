"""The regular expressions of the number reader, built once at import.

``FIGURE`` finds a candidate figure: an optional 第 and qualifier, a number (or a
range of two), and a unit. The reader then decides whether it is a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.figures.estimates import VAGUE
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


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNITS = unit_pattern()
# the 角 and 分 after 元 or 块: 36元4角5分, 八元五毛, 二百一十块三角五分钱
_COIN = "[0-9一二两三四五六七八九壹贰叁肆伍陆柒捌玖]"
# the second half of a rate unit: 万吨/日, 微克/立方米
_PER = "日|天|年|月|小时|时|秒|人|户|次|吨|立方米|平方米|亩|公里|千瓦时|公顷|升|毫升|千克|公斤|平方公里"
# a measure word and its alternative in brackets are one unit (套（间）, 万头（只）, 册（件）)
_ALT = "件套台个头只册卷间株棵辆部本张份座处户家所栋幢匹羽尾枚颗盏条块项"
FIGURE = re.compile(
    rf"""
    (?P<di>第)?
    (?P<pre>{_alternation(APPROX_BEFORE)})?
    (?:
        百分之(?P<pn>{NUMBER})
      |
        (?P<n1>{VAGUE}|{NUMBER})
        (?:(?P<s1>万亿|亿|万)?(?P<u1>%|％|‰|℃|°C|摄氏度|度)?(?P<sep>[-—–~～至到－]{{1,2}})(?P<n2>{NUMBER}))?
        (?P<more>多|余)?
        (?:(?P<scale>{SCALE})??(?P<more2>多|余)?(?P<base>{_UNITS})(?P<alt>[（(][{_ALT}][）)])?(?P<per>/(?:{_PER}))?
          |(?P<bare>万亿|亿|万)(?P<more3>多|余)?)?
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

# 偏高/偏多 and 偏低/偏少 compare with a normal (较常年偏高0.6℃); 压缩 like 压减, 缩短;
# 净增/净减 name a change only with a base (比上年净增26家; 净增41家 is a count, see
# OWN_OBJECT); 减量/减幅 are the size of a fall like 降幅 (减量9.8%)
RISE = "增长|增加|提高|提升|上升|上涨|增产|增收|净增加|净增|增|增幅|增速|涨幅|偏高|偏多|涨价|提价"
FALL = (
    "下降|减少|降低|回落|下滑|下跌|负增长|缩减|缩短|压减|压缩|减产|减收|净减少|净减|减量|减幅"
    "|精简|精减|减|降|降幅|跌幅|偏低|偏少|降价|减价"
)
# how fast or how wide: a gap or a rate narrows (收窄, 缩小), a growth slows (放缓, 减缓)
# or speeds up (加快), a gap widens (扩大). Changes of rates and gaps, never of counts
# (加快3个项目建设, 扩大3个乡镇试点)
NARROW = "收窄|缩小|收缩|放缓|减缓|回调"
WIDEN = "扩大|加快|拉大|走阔"
# nouns naming the size of a change: 增幅为5% is a change, 缩短为32天 a level reached
RATE_NOUNS = frozenset(_words("增幅 增速 涨幅 降幅 跌幅 减幅 减量"))
# verbs with their object built in: without a base named, the figure is what they
# produced, not a change (带动农户增收约8,600元 is an amount, 净增41家 a count, like
# 新增; 比上年净增26家 is a change). 精简 likewise: 较上年精简418项 is a fall against
# the year before, 精简审批事项418项 the count of items cut (like 核减事业编制126名)
OWN_OBJECT = frozenset(_words("增收 减收 净增 净增加 净减 净减少 精简 精减"))
# the object of a verb between it and the figure, only after a named base
# (比年初计划少支出14万元, 比计划减少支出6.5万元)
_CHANGED_OBJECT = "完成|支出|开支|花费|使用|投入|收入|排放|消耗|用"
CHANGE_BEFORE = re.compile(
    rf"(?P<basis>{_BASIS_YOY}|{_BASIS_MOM}|{_BASIS_PLAN}|{_BASIS_OTHER})?"
    r"(?:分别|均|共|累计|大幅|明显|稳步|持续|逆势|同比)?"
    rf"(?:(?P<fall>{FALL})|(?P<rise>{RISE})|(?P<narrow>{NARROW})|(?P<widen>{WIDEN})"
    r"|(?P<plan_more>超额|多|超出|超)|(?P<plan_less>少))"
    rf"(?P<obj>{_CHANGED_OBJECT})?"
    # 下降幅度, 降价幅度 (a verb and its object, then 幅度) read like 降幅
    r"(?:(?P<link>了|达到|达|为|是)|(?P<size>[\u4e00-\u9fff]?(?:幅度|速度))(?:为|达到|达|是)?)?$"
)

# a level reached after a starting level: 由上年的52%提高至61.5%, 从过去的48天缩短为32天
# (精简为, 压缩为: any verb + 为 after a starting level is a level reached)
FROM_TO_GAP = re.compile(r"^[^，。；,;：:、\d]{0,8}?(?:至|到|[\u4e00-\u9fff]为)$")
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

# a meeting named by its term and session, without 第: 十一届三次全委会议, 十九届六中全会,
# 十四届人大二次会议, 二十届中央委员会; the numbers are ordinals, not counts (举办三届 is one)
_TERM = rf"(?:{NUMBER})届"
_BODY = r"(?:全国|中央|省委|市委|县委|区委|州委|党委|纪委|人大|政协|党代会|委员会|常委会?|职代会)"
_SESSION = rf"(?:{NUMBER})(?:次|中)(?=全|会|扩大|代表|常委|党代会|职代会)"
_ORGAN = (
    r"(?:全国|省|市|县|区)?(?:人大|政协)|中央|(?:省|市|县|区|州|党)委|全会|全委|代表大会|党代会"
    r"|委员会|常委会|纪委"
)
MEETING = rf"{_TERM}(?:{_BODY}{{0,2}}{_SESSION}|(?={_ORGAN}))"
# numbers inside set political phrases, written unquoted: 中央八项规定, 四项基本原则,
# 两个维护. A numeral + 项/条 + 规定 (or 禁令, 纪律 …) is a name when an issuing body
# stands before it or 精神 after it; a few standing phrases are names wherever they are.
# A plain count stays one: 制定3项制度, 完成八项重点工作
_ISSUER = r"(?:党中央|中共中央|中央|国务院|中办|国办|省委|市委|县委|区委)"
_RULE_NOUN = r"(?:规定|禁令|纪律|准则|要求|原则|措施|意见|决定|举措)"
_NAMED_RULES = (
    rf"{_ISSUER}(?:{CHINESE})(?:项|条|个){_RULE_NOUN}"
    rf"|(?:{CHINESE})(?:项|条){_RULE_NOUN}(?:及其实施细则)?精神"
)
SET_PHRASES = _words(
    "两个确立 两个维护 四个意识 四个自信 四个全面 四项基本原则 两个务必 三个务必 "
    "两个毫不动摇 两个一百年 三个代表 四个伟大 四个服从 八项规定 六项禁令 四个不摘"
)

# stretches whose numbers are never facts: quotes, titles, document numbers, URLs, phones,
# meetings named by term and session, set political phrases
_EXCLUDED_PARTS = [
    MEETING, _NAMED_RULES, _alternation(SET_PHRASES),
    r"“[^”]{0,40}”|「[^」]{0,40}」|『[^』]{0,40}』|《[^》]{0,80}》|〔[^〕]{0,12}〕[^，。；\s]{0,8}号"
    r"|\[[^\]]{0,12}\]\d+号|【[^】]{0,40}】|\"[^\"]{0,40}\"",
    r"(?:https?://|www\.)[\x21-\x7e]+",
    _EMAIL := r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    r"(?<!\d)(?:0\d{2,3}[-－—]?\d{7,8}|1[3-9]\d{9})(?!\d)",
    r"(?:19|20)\d\d[-./年](?:\d{1,2})(?:[-./月]\d{1,2}日?)?",
]
EXCLUDED = re.compile("|".join(_EXCLUDED_PARTS))
# the same without the e-mail address, which cannot match a text with no @: its leading \w run
# is tried and given back at every place of every run of words, and it hides the other parts'
# first characters from the regex engine's scan (~40% of EXCLUDED's time on a form)
_EXCLUDED_NO_EMAIL = re.compile("|".join(part for part in _EXCLUDED_PARTS if part is not _EMAIL))


def excluded_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``EXCLUDED`` in ``text``, in order."""
    pattern = EXCLUDED if "@" in text else _EXCLUDED_NO_EMAIL
    return [found.span() for found in pattern.finditer(text)]

COINS = re.compile(rf"(?:零?(?P<jiao>{_COIN})(?:角|毛))?(?:零?(?P<fen>{_COIN})分)?(?P<qian>钱)?")
# a money word right before a figure written with 万 or 亿 and no 元 (安排资金3621.5万)
MONEY_BEFORE = re.compile(
    r"(?:资金|经费|预算|预算数|投资|投入|拨款|补助|补贴|奖补|奖励|收入|支出|金额|资产|款项?|费用?"
    r"|税收|税款|基金|营业额|产值|总额|价值|成本|利润|融资|贷款|债券|结余|结转|资本|工资|薪酬|保费"
    r"|增收|节支|节约|节省|损失|挽回|追缴|罚没|罚款|退赔)"
    r"(?:总额|总计|合计|共计|累计|共|总|达到|达|为|是|计|了|约|近|超过|超)*$"
)
CLAUSE_BREAK = "，,。；;：:！!？?\n\t（()）、"  # a tab ends a table cell
SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")

# a number of years is a duration where a word of time span stands before it (期限3年,
# 服务期满2年, 连续5年, 为期三年) or a word of extent after it (3年内, 5年以上, 3年时间)
YEARS_SPAN_BEFORE = re.compile(
    r"(?:期限|年限|期满|满|连续|为期|历时|长达|用时|耗时|持续|坚持|工期|周期|任期|时长|"
    r"延长|缩短|提前|推迟|延期|运行|服务|工作|整整|跨越|过去|今后|未来|最近)(?:为|了|达|是)?$"
)
YEARS_SPAN_AFTER = re.compile(
    r"(?:[，,。；;：:！!？?）)\n]|$|内|以内|之内|期间|时间|之久|以来|左右)"
)
# a date after the year (23年1月): the number is a year
DATE_AFTER_YEAR = re.compile(rf"(?:{NUMBER})月")
# a service named by how long it runs: 24小时值班电话, 24小时服务热线, 全天24小时在线
SERVICE_NAMED = re.compile(
    r"(?!内|以内|之内|后|前|以上|以下)"
    r"(?:[\u4e00-\u9fff]{0,4}?(?:热线|电话)"
    r"|(?:全天候|不间断|人工|全天)?(?:值班|值守|服务|营业|开放|在线|监控|自助|不打烊|便民))"
)
# a figure that opens a category defined by a threshold after it: 一次死亡3人以上的较大事故
THRESHOLD_AFTER = re.compile(
    rf"[\u4e00-\u9fff]{{1,4}}?(?:{NUMBER})[\u4e00-\u9fff]{{0,3}}?(?:及)?(?:以上|以下)的"
)
# the separator of a range whose ends both carry the unit: 1.17元至1.19元, 20家—30家
RANGE_GAP = re.compile(r"^(?:至|到|[-—–~～－]{1,2})$")
# a bare number listed before a figure shares its unit: 2.4和3.1个百分点, 3.1、4.2%
SHARED_UNIT = re.compile(rf"(?:(?:、|和|及|与)(?P<last>{NUMBER}))+")
# ordinals listed after one 第 (第1、2、3批) share no unit
LISTED_ORDINAL = re.compile(rf"第(?:{NUMBER})(?:(?:、|和|及|与)(?:{NUMBER}))*(?:、|和|及|与)$")

"""Units as written and their standard form: money in 元, % and 个百分点, measure words.

A unit is an optional scale word (万, 亿, 千 …) before a base unit; the scale
moves into ``value_std`` and the base becomes ``unit_std``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from pipeline.figures.numerals import scale_of

AMOUNT, PERCENT, POINTS, TIMES, COUNT, QUANTITY = (
    "amount", "percent", "points", "times", "count", "quantity",
)  # fmt: skip

# base unit -> (class, unit_std, factor into unit_std)
# other currencies keep their own unit_std, without an exchange rate (FACTS.md)
_CURRENCIES = set(
    [
        "美元",
        "欧元",
        "港元",
        "港币",
        "日元",
        "英镑",
        "澳元",
        "韩元",
        "卢布",
        "澳门元",
        "澳门币",
        "新台币",
        "台币",
        "泰铢",
        "瑞士法郎",
        "加元",
        "加拿大元",
        "新加坡元",
        "新西兰元",
        "林吉特",
        "越南盾",
        "印尼盾",
        "卢比",
        "比索",
        "兰特",
        "里拉",
        "雷亚尔",
        "迪拉姆",
    ]
)
BASE_UNITS: dict[str, tuple[str, str, Decimal]] = {
    "元": (AMOUNT, "元", Decimal(1)),
    "圆": (AMOUNT, "元", Decimal(1)),  # the 元 of 大写 amounts (叁佰贰拾伍萬圆整)
    **{c: (AMOUNT, c, Decimal(1)) for c in _CURRENCIES},
    "%": (PERCENT, "%", Decimal(1)),
    "％": (PERCENT, "%", Decimal(1)),
    "‰": (PERCENT, "‰", Decimal(1)),
    "个百分点": (POINTS, "pp", Decimal(1)),
    "百分点": (POINTS, "pp", Decimal(1)),
    "倍": (TIMES, "x", Decimal(1)),
    "成": (PERCENT, "%", Decimal(10)),
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# measure words of counts; the unit_std is the measure word itself
MEASURE_WORDS = _words(
    """
    个 家 名 人 人次 户 户次 场 场次 次 项 件 件次 所 套 台 台次 辆 辆次 篇 盏 批 批次 期 座 处
    条 部 本 册 册次 份 份次 张 间 栋 幢 艘 艘次 架 架次 株 棵 头 只 羽 尾 匹 枚 颗 例 位 宗 起
    单 笔 门 类 种 支 队 组 届 轮 节 课时 学时 堂 班 校 床 床位 宗次 人日 人天 车次 班次 对 封
    首 集 分 片 块 眼 口 根 盘 包 箱 袋 剂 针 剂次 家次 项次 管 标箱 路 卷 幅
    页 字 则 段 趟 顶 瓶 盒 桶 罐 工日 点位 列 副 樘 把 双
    台件 台套 件套
    票 款 拍 台班 台时 机时 人份 头份 羽份 画幅
    """
)
# 票 a declaration or waybill (报关单12.6万票), 款 a product line (新品78款), 拍 a scanned
# frame (扫描4.2万拍), 台班 a machine shift, 人份/头份/羽份 portions of a test or vaccine
# (7.8万人份: not 7.8万人).
# A unit with its alternative in brackets is one unit, kept as written: museum and asset
# statistics count 件（套） (a piece, or a set counted as one), so 12,486件（套） is not
# 12,486 件. The half-width and slash spellings have the full-width bracket as unit_std.
ALTERNATIVE_UNITS = {
    f"{a}{o}{b}{c}": f"{a}（{b}）" for a, b in (("件", "套"), ("台", "套"), ("个", "套"), ("套", "件"))
    for o, c in (("（", "）"), ("(", ")"))
}  # fmt: skip
ALTERNATIVE_UNITS.update({f"{a}/{b}": f"{a}（{b}）" for a, b in (("件", "套"), ("台", "套"))})
# a measure word + 次 counts occasions of it (卷次, 点次, 人次); 点 alone is too often a time
# or a place (3点, 隐患点) to be a measure word, but 点次 is one. Words of their own are left
# out: 名次, 位次 (a rank), 首次, 本次, 单次, 头次, 座次, 页次, 分次, 字次
_NOT_TIMES = set("名位首本单头座页分字副把双")
TIMES_WORDS = tuple(
    mw + "次" for mw in MEASURE_WORDS if len(mw) == 1 and mw != "次" and mw not in _NOT_TIMES
) + ("点次",)

# physical units, kept as written (万 and 亿 before them move into value_std)
QUANTITY_UNITS = _words(
    """
    公里 千米 米 厘米 毫米 延米 吨 千克 公斤 克 斤 微克 毫克 亩 公顷 平方米 平米 ㎡ m² 平方公里
    平方千米 立方米 m³ 方 千瓦时 度 千瓦 兆瓦 瓦 千伏安 千伏 升 毫升 吨标准煤 标准煤 吨标煤
    个工作日 工作日 天 小时 个小时 分钟 秒 周 个月 个季度 年 km kg
    ℃ °C 摄氏度 分贝 海里 兆瓦时 吨公里 亩次 公顷次
    担 市斤 芯公里 皮长公里 孔公里 车公里
    立方米每秒 立方米每小时 米每秒 千米每小时 公里每小时 m³/s m/s km/h
    bps kbps Kbps Mbps Gbps Tbps Mb/s Gb/s KB MB GB TB PB
    m cm mm m2 m3 kW kWh MW MWh kV
    """
)
# 担 a weight (50 kg) of tobacco and grain; 芯公里/皮长公里 the fibre and sheath length of
# optical cable; a flow spelled out (8,650立方米每秒) is a flow, not a volume in 立方米;
# bandwidth and storage keep their symbol (186.52Mbps, 186TB)
# units of a time limit or a distance, which name an indicator when a rate follows
# (24小时扑灭率, 15分钟健身圈覆盖率, 3个工作日办结率, 一次验收合格率)
LIMIT_UNITS = frozenset(_words("个工作日 工作日 天 小时 个小时 分钟 秒 周 个月 年 公里 千米 米 次"))
# a number of years is a duration only where the text says so (期限3年, 连续5年, 近三年,
# 3年以内); elsewhere N年 is a year (2023年) or part of a name (九年义务教育, 三年行动)
YEARS = "年"
# temperatures: a minus sign or 零下 before them is the sign of the value
TEMPERATURE_UNITS = frozenset({"℃", "°C", "摄氏度", "度"})

for _mw in MEASURE_WORDS + TIMES_WORDS:
    BASE_UNITS.setdefault(_mw, (COUNT, _mw, Decimal(1)))
for _alt, _std in ALTERNATIVE_UNITS.items():
    BASE_UNITS[_alt] = (COUNT, _std, Decimal(1))
# an area worked several times (12.6万亩次) is an area, so a quantity like 亩 itself
for _qu in QUANTITY_UNITS:
    BASE_UNITS.setdefault(_qu, (QUANTITY, _qu, Decimal(1)))
BASE_UNITS["°C"] = (QUANTITY, "℃", Decimal(1))  # one symbol, two ways of typing it, like ％

# scale words that may precede a base unit, longest first
SCALES = ("万亿", "百万", "千万", "亿", "万", "千", "百")


@dataclass(frozen=True)
class Unit:
    """A unit as written, split into its scale and base."""

    written: str
    scale: str
    base: str
    kind: str  # one of AMOUNT, PERCENT, POINTS, TIMES, COUNT, QUANTITY
    std: str
    factor: Decimal  # value_std = value * factor


def read_unit(scale: str, base: str, per: str = "", alt: str = "") -> Unit:
    """The unit of ``scale`` (may be ''), ``base`` (a key of BASE_UNITS) and ``per`` ('/日').

    ``alt`` is an alternative measure word in brackets (`（间）` of `套（间）`), kept as
    written; its unit_std has full-width brackets.
    """
    if alt:
        kind, std, factor = BASE_UNITS[base]
        std = f"{std}（{alt[1:-1]}）"
        return Unit(scale + base + alt + per, scale, base, kind, std + per, factor * scale_of(scale))
    written = scale + base
    if base == "圆":
        written = scale + "元"  # 萬圆 is written 万元 (萬 is normalised to 万 before)
    if written in BASE_UNITS:  # 千米, 千瓦 are units of their own, not 千 x 米
        scale, base = "", written
    kind, std, factor = BASE_UNITS[base]
    return Unit(written + per, scale, base, kind, std + per, factor * scale_of(scale))


MONEY_STD = frozenset(std for kind, std, _ in BASE_UNITS.values() if kind == AMOUNT)

# a currency named right before an amount in 元 is the amount's currency: 港币12万元 is
# HK$120,000 and 美元500万元 US$5 million (元 is the unit of any dollar), never 元 of RMB
_CURRENCY_BEFORE = re.compile(
    "(?:" + "|".join(re.escape(c) for c in sorted(_CURRENCIES, key=len, reverse=True)) + r")[:：]?\s?$"
)


def currency_before(text: str, start: int) -> str | None:
    """The currency named just before ``start`` (``港币``, ``美元：``), or None."""
    found = _CURRENCY_BEFORE.search(text, max(0, start - 8), start)
    return found.group(0).rstrip(":： ") if found else None


def in_currency(unit: Unit, currency: str) -> Unit:
    """An amount's unit in 元 read as an amount in ``currency`` (its scale kept)."""
    return replace(unit, std=BASE_UNITS[currency][1])


def unit_pattern() -> str:
    """A regex alternation of every base unit, longest first so 人次 wins over 人."""
    return "|".join(re.escape(u) for u in sorted(BASE_UNITS, key=len, reverse=True))

"""Numerals that state a span, not a number: estimates and vague magnitudes (FACTS.md).

Chinese writes an estimate with two neighbouring digits: `三五百万元` is 300 to 500 万元,
`七八个乡镇` 7 to 8, `二三十家` 20 to 30, `十五六人` 15 to 16 — never one number made
of both (`三五百` is not 3500). A vague magnitude names an order: `十几个` 10 to 20,
`几十万元` and `数十万元` 10 to 100 万元, `数百家` 100 to 1000, `数万人` 1 to 10 万人,
and `上百人` at least 100. Each reads as ``(value, value_max, approx)``: the lower end,
the upper end (None for a bound), and ``about`` (``over`` for 上百).
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.figures.numerals import NumeralError, parse_number

# the vague magnitudes, first in the figure pattern: 十几, 二十几, 数十/几百, 数/几 before
# 万 or 亿 (数万人), 上百/上千, 上 before 万 or 亿 (上万人)
VAGUE = r"(?:[二三四五六七八九两]?十几|[数几][十百千]|[数几上](?=[万亿])|上[百千])"

_NONZERO = {
    "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_PLACE = {"十": 10, "百": 100, "千": 1000}
_TENS_DIGIT = {"二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LOWER_DIGIT = "一二三四五六七八九"


Span = tuple[Decimal, Decimal | None, str | None]


def read_numeral(raw: str) -> Span:
    """``(value, value_max, approx)`` of one numeral: a number, an estimate or a magnitude.

    Raises NumeralError for two neighbouring digits that make no estimate (`五三个`).
    """
    if raw[0] in "数几上" or raw.endswith("几"):
        return _vague(raw)
    if raw[0] in "百千佰仟" and len(raw) > 1:
        # 千八百元, 百八十人: about a thousand, about a hundred (一千八百 is 1800)
        raise NumeralError(f"a place word without its digit: {raw!r}")
    estimate = _estimate(raw)
    if estimate is not None:
        return estimate[0], estimate[1], "about"
    return parse_number(raw), None, None


def _vague(raw: str) -> Span:
    if raw.endswith("十几"):
        tens = _TENS_DIGIT.get(raw[0], 1) if len(raw) == 3 else 1
        return Decimal(tens * 10), Decimal(tens * 10 + 10), "about"
    if raw[0] == "上":
        return Decimal(_PLACE.get(raw[1:], 1)), None, "over"  # 上百人, 上万人 (1 万人)
    low = Decimal(_PLACE.get(raw[1:], 1))  # 数十 → 10, 数 (before 万) → 1
    return low, low * 10, "about"


def _estimate(raw: str) -> tuple[Decimal, Decimal] | None:
    """`三五百` → (300, 500), `两三千` → (2000, 3000); None for a number of one digit a place."""
    if any(ch.isdigit() for ch in raw) or "点" in raw:
        return None
    pairs = [i for i in range(len(raw) - 1) if raw[i] in _NONZERO and raw[i + 1] in _NONZERO]
    if not pairs:
        return None
    if len(pairs) > 1 or raw[0] in "零〇" or any(ch in "零〇" for ch in raw):
        return None  # 一二三, 二〇二三: a number read digit by digit, as before
    i = pairs[0]
    low, high = _NONZERO[raw[i]], _NONZERO[raw[i + 1]]
    if high <= low:
        raise NumeralError(f"two digits that make no estimate: {raw!r}")
    lo_text = raw[:i] + _LOWER_DIGIT[low - 1] + raw[i + 2 :]
    hi_text = raw[:i] + _LOWER_DIGIT[high - 1] + raw[i + 2 :]
    return parse_number(lo_text), parse_number(hi_text)

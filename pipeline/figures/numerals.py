"""Numbers as written in Chinese reports: Arabic, full-width, Chinese numerals, mixed.

Every conversion goes through :class:`decimal.Decimal`, so `16.4亿` scales to
1640000000 exactly and never to 1639999999.99…
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# place words inside a Chinese numeral (十百千), and the big scales (万亿)
PLACES_CN = "十拾百佰千仟"
SCALES_CN = "万萬亿億"

_DIGIT_VALUE = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "貮": 2, "三": 3,
    "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
DIGITS_CN = "".join(_DIGIT_VALUE)
_PLACE_VALUE = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_SCALE_VALUE = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

# full-width digits and separators become ASCII before parsing
_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


class NumeralError(ValueError):
    """The characters do not form a number this reader understands."""


def scale_of(word: str) -> Decimal:
    """The multiplier of a scale word: 万 → 10000, 亿 → 10**8, 万亿 → 10**12, '' → 1."""
    factor = Decimal(1)
    for ch in word:
        if ch in _SCALE_VALUE:
            factor *= _SCALE_VALUE[ch]
        elif ch in _PLACE_VALUE:
            factor *= _PLACE_VALUE[ch]
        else:
            raise NumeralError(f"not a scale word: {word!r}")
    return factor


def parse_arabic(raw: str) -> Decimal:
    """`1,234.5`, `82，225.00`, `１２.５` → Decimal, keeping the written decimal places."""
    plain = raw.translate(_WIDTH).replace(",", "")
    try:
        return Decimal(plain)
    except InvalidOperation as exc:
        raise NumeralError(f"not an Arabic number: {raw!r}") from exc


def _parse_cn_integer(raw: str) -> Decimal:
    """A Chinese integer with places and scales: 三千四百 → 3400, 一万零五 → 10005."""
    total = Decimal(0)  # finished 亿 / 万 sections
    section = Decimal(0)  # the part below the current scale
    digit: Decimal | None = None
    for ch in raw:
        if ch in _DIGIT_VALUE:
            digit = Decimal(_DIGIT_VALUE[ch]) if digit is None else digit * 10 + _DIGIT_VALUE[ch]
        elif ch in _PLACE_VALUE:
            # 十 alone means 10 (十五 = 15)
            section += (digit if digit is not None else Decimal(1)) * _PLACE_VALUE[ch]
            digit = None
        elif ch in _SCALE_VALUE:
            section += digit or 0
            digit = None
            scale = _SCALE_VALUE[ch]
            if scale > 10_000 and total:
                # 一万亿: everything so far is multiplied too
                total = (total + section) * scale
            else:
                total += (section or Decimal(1)) * scale
            section = Decimal(0)
        else:
            raise NumeralError(f"not a Chinese numeral: {raw!r}")
    return total + section + (digit or 0)


def parse_chinese(raw: str) -> Decimal:
    """Chinese numerals, lower or upper case, with an optional 点 decimal part."""
    if not raw:
        raise NumeralError("empty numeral")
    whole, _, frac = raw.partition("点")
    value = _parse_cn_integer(whole) if whole else Decimal(0)
    if frac:
        if any(ch not in _DIGIT_VALUE for ch in frac):
            raise NumeralError(f"not a Chinese decimal: {raw!r}")
        value += Decimal("0." + "".join(str(_DIGIT_VALUE[ch]) for ch in frac))
    return value


def parse_number(raw: str) -> Decimal:
    """Any single number: Arabic, Chinese, or mixed like `3万4000`, `25万6千`, `1.5万`."""
    ascii_raw = raw.translate(_WIDTH)
    if all(ch.isdigit() or ch in ".," for ch in ascii_raw):
        return parse_arabic(raw)
    if not any(ch.isdigit() for ch in ascii_raw):
        return parse_chinese(raw)
    # mixed: Arabic runs stand in for Chinese digit groups
    total = Decimal(0)
    section = Decimal(0)
    pending: Decimal | None = None
    i = 0
    while i < len(ascii_raw):
        ch = ascii_raw[i]
        if ch.isdigit():
            j = i
            while j < len(ascii_raw) and (ascii_raw[j].isdigit() or ascii_raw[j] in ".,"):
                j += 1
            pending = parse_arabic(ascii_raw[i:j])
            i = j
            continue
        if ch in _DIGIT_VALUE:
            pending = Decimal(_DIGIT_VALUE[ch])
        elif ch in _PLACE_VALUE:
            section += (pending if pending is not None else Decimal(1)) * _PLACE_VALUE[ch]
            pending = None
        elif ch in _SCALE_VALUE:
            section += pending or 0
            pending = None
            total += (section or Decimal(1)) * _SCALE_VALUE[ch]
            section = Decimal(0)
        else:
            raise NumeralError(f"not a number: {raw!r}")
        i += 1
    return total + section + (pending or 0)


def has_decimal_part(raw: str) -> bool:
    """True when the number was written with a decimal point (`1.0`, `三点五`)."""
    return "." in raw or "．" in raw or "点" in raw

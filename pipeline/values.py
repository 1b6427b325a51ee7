"""Typed values out of one cell's text: yes/no marks, dates, amounts, counts, percents.

Each reader returns the value and the exact sub-span of the text it came from, so the
form reader can point into the document text.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from pipeline.fields import FieldType

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")

MONEY_SCALE: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "百万元": Decimal(1000000),
    "亿元": Decimal(100000000),
}
COUNT_UNITS = ("人次", "个", "家", "项", "人", "次", "件", "户", "所", "分", "场", "篇", "条")
PERCENT_UNITS = ("%", "％")

# Checked and unchecked boxes are attached to their option; ticks stand after it.
CHECKED_BOXES = "☑☒■●◉▣✅"
# 口 (the character) stands in for □ where a font lacks the box
EMPTY_BOXES = "□☐○◯口"
TICKS = "√✓✔"
_ANSWERS = {"是": True, "否": False, "有": True, "无": False}

_NUMBER = r"[-+]?\d[\d,，]*(?:\.\d+)?"
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[年./\-－]\s*(?P<m>\d{1,2})\s*[月./\-－]\s*(?P<d>\d{1,2})\s*日?"
)
_HINT = re.compile(r"[（(][^（()）]*[)）]")


class CellValue(NamedTuple):
    """A value read from text, with where in that text it was found (``[start, end)``).

    A named tuple: a form reader makes one per value it reads, and a frozen dataclass costs
    several times as much to make.
    """

    # Any, not object: a NamedTuple compiled by mypyc cannot have a field typed object
    value: Any
    start: int
    end: int
    unit: str | None = None
    value_std: Any = None
    unit_std: str | None = None
    doubt: str | None = None


def to_decimal(number_text: str) -> Decimal | None:
    """An Arabic number as written (full-width digits, thousands separators) to a Decimal."""
    cleaned = number_text.translate(_FULLWIDTH_DIGITS).replace(",", "").replace(" ", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: int when it has no fractional part as written, else float."""
    if value == value.to_integral_value() and value.as_tuple().exponent == 0:
        return int(value)
    return float(value)


# what an untouched Word content control prints (its placeholder): not a value
PLACEHOLDERS = ("单击或点击此处输入文字。", "单击此处输入文字。", "Click or tap here to enter text.", "Click here to enter text.")


_COMPACT_PLACEHOLDERS = frozenset("".join(p.split()) for p in PLACEHOLDERS)


def is_placeholder(text: str) -> bool:
    """True for the placeholder text of an empty Word content control, as a PDF prints it."""
    return "".join(text.split()) in _COMPACT_PLACEHOLDERS


def is_blank_value(text: str) -> bool:
    """True for a cell that holds only the template's unit or hint (``个``, ``% (附调查结果)``),
    or an empty content control's placeholder."""
    if text in _BLANK_TEXTS:
        return True
    if _is_blank_value(text):
        if len(_BLANK_TEXTS) >= _BLANK_TEXTS_MAX:
            _BLANK_TEXTS.clear()
        _BLANK_TEXTS.add(text)  # the template's: met again in every form
        return True
    return False


# the blank texts met so far (a template's units and hints), up to a limit, then forgotten
_BLANK_TEXTS_MAX = 4096
_BLANK_TEXTS: set[str] = set()


def _is_blank_value(text: str) -> bool:
    if is_placeholder(text):
        return True
    stripped = _HINT.sub("", text).translate(_FULLWIDTH_DIGITS)
    stripped = _SEPARATORS.sub("", stripped)
    if not _UNIT_CHARS.issuperset(stripped):
        return False  # a character no unit has: no removal of units takes it away
    for unit in _UNITS_LONGEST_FIRST:
        stripped = stripped.replace(unit, "")
    return stripped == ""


_SEPARATORS = re.compile(r"[\s:：;；,，。、/]")
_UNITS_LONGEST_FIRST = sorted((*MONEY_SCALE, *COUNT_UNITS, "%", "人次(次)"), key=len, reverse=True)
_UNIT_CHARS = frozenset("".join(_UNITS_LONGEST_FIRST))


# A template hint in brackets — (突出与预期相比相关指标实现情况), （盖章）— but not a list
# number such as (1) or （一）, which starts the department's own text.
_LEADING_HINT = re.compile(r"\s*[（(](?![\d一二三四五六七八九十]{1,3}[)）])[^（()）]+[)）][\s:：]*")


def strip_hint(text: str) -> tuple[str, int]:
    """Drop template hints in brackets at the start of a cell; return the rest and its offset."""
    offset = 0
    while True:
        match = _LEADING_HINT.match(text[offset:])
        if not match:
            break
        offset += match.end()
    return text[offset:], offset


def read_bool(text: str) -> CellValue | None:
    """A 是/否 choice as the form marks it; ``None`` when no option is marked.

    Handles ``是 √ 否``, ``是 否 √``, ``☑是 □否``, ``是■ 否□``, ``是（√）否（ ）``, and a
    bare written answer (``是``, ``否``, ``有``, ``无``).
    Two options marked give value None with a doubt.
    """
    written = text.strip()
    if written in _ANSWERS:
        # a cell holding only the answer, written out instead of ticked
        start = text.index(written)
        return CellValue(_ANSWERS[written], start, start + len(written))
    options = [(m.start(), m.group()) for m in re.finditer("[是否]", text)]
    if not options:
        return None
    picked: set[str] = set()
    marks = [(i, ch) for i, ch in enumerate(text) if ch in CHECKED_BOXES or ch in TICKS]
    if not marks:
        return None
    boxes = [i for i, ch in enumerate(text) if ch in CHECKED_BOXES or ch in EMPTY_BOXES]
    first_visible = next((i for i, ch in enumerate(text) if not ch.isspace()), 0)
    boxes_before = bool(boxes) and boxes[0] == first_visible
    for index, ch in marks:
        if ch in CHECKED_BOXES:
            # a box belongs to the option it touches: after it ("☑是") or before it ("是■")
            option = (
                _option_after(index, options) if boxes_before else _option_before(index, options)
            )
        else:
            # a tick stands after its option; one before every option can only mark the first
            option = _option_before(index, options) or _option_after(index, options)
        if option is not None:
            picked.add(option)
    symbols = [i for i, _ in marks] + boxes
    start = min(options[0][0], *symbols)
    end = _close_bracket(text, max(options[-1][0], *symbols) + 1)
    if len(picked) > 1:
        return CellValue(None, start, end, doubt="both 是 and 否 are marked")
    if boxes and len(boxes) != len(options):
        # one box per option, or which option a box belongs to is a guess (a scan lost one)
        return CellValue(None, start, end, doubt="the boxes do not match the options one to one")
    if not picked:
        return None
    return CellValue(picked.pop() == "是", start, end)


def _option_before(index: int, options: list[tuple[int, str]]) -> str | None:
    before = [opt for pos, opt in options if pos < index]
    return before[-1] if before else None


def _option_after(index: int, options: list[tuple[int, str]]) -> str | None:
    after = [opt for pos, opt in options if pos > index]
    return after[0] if after else None


def _close_bracket(text: str, end: int) -> int:
    """Extend past the bracket that closes a mark (``（√）``), or an empty one (``否（ ）``)."""
    match = re.match(r"\s*[)）]|\s*[（(]\s*[)）]", text[end:])
    return end + match.end() if match else end


def read_date(text: str) -> CellValue | None:
    """A date in any of the forms' spellings, as an ISO string."""
    match = _DATE.search(text)
    if not match:
        return None
    try:
        iso = date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return CellValue(
            None, match.start(), match.end(), doubt=f"{match.group()!r} is not a real date"
        )
    return CellValue(iso, match.start(), match.end())


_UNIT_PATTERN = "|".join(
    re.escape(u)
    for u in sorted((*MONEY_SCALE, *COUNT_UNITS, *PERCENT_UNITS), key=len, reverse=True)
)
_MEASURE = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT_PATTERN})?")


def read_measure(
    text: str, kind: FieldType, *, label_unit: str | None = None, next_unit: str | None = None
) -> CellValue | None:
    """An amount, count or percent: the first number in the text with its unit.

    The unit comes from the text, else from the label (``预算安排数（万元）``), else from
    the template's unit cell beside the value.
    """
    translated = text.translate(_FULLWIDTH_DIGITS)
    match = _MEASURE.search(translated)
    if not match:
        return None
    value = to_decimal(match["num"])
    if value is None:
        return None
    unit = match["unit"] or label_unit or next_unit
    if unit == "％":
        unit = "%"
    start, end = match.start(), match.end()
    if kind == "percent":
        return CellValue(json_number(value), start, end, "%", json_number(value), "%")
    if kind == "amount":
        if unit not in MONEY_SCALE:
            return CellValue(
                json_number(value), start, end, None, None, None, doubt="an amount without a unit"
            )
        std = float(value * MONEY_SCALE[unit])
        return CellValue(json_number(value), start, end, unit, std, "元")
    unit = unit if unit and unit not in MONEY_SCALE and unit != "%" else "个"
    return CellValue(json_number(value), start, end, unit, json_number(value), unit)

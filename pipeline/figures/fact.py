"""The Fact: one figure read out of free text, with what it measures and where it is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pipeline.figures.units import MONEY_STD

# unit_std values that are money: value_std leaves as float, like the warehouse's 元 columns
MONEY_UNITS = MONEY_STD


@dataclass(frozen=True)
class Fact:
    """One figure: value as written and standardised, its kind, metric and span in the text."""

    metric: str | None
    kind: str  # amount count percent change rank quantity
    value: Decimal
    unit: str | None
    value_std: Decimal
    unit_std: str | None
    approx: str | None  # None, "about", "over", "under"
    basis: str | None  # None, "yoy", "mom", "vs_plan" (changes only)
    text: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    value_max: Decimal | None = None
    value_max_std: Decimal | None = None
    previous: Decimal | None = None
    total: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        """The fact as JSON-ready data, in the field order of FACTS.md."""
        out: dict[str, Any] = {
            "metric": self.metric,
            "kind": self.kind,
            "value": written_number(self.value),
            "unit": self.unit,
            "value_std": std_number(self.value_std, self.unit_std),
            "unit_std": self.unit_std,
            "approx": self.approx,
            "basis": self.basis,
            "text": self.text,
            "span": [self.start, self.end],
            "sentence": self.sentence,
        }
        for key in ("value_max", "previous", "total"):
            number = getattr(self, key)
            if number is not None:
                out[key] = written_number(number)
        if self.value_max_std is not None:
            out["value_max_std"] = std_number(self.value_max_std, self.unit_std)
        return out


# why a figure was left out: (Chinese, English)
WHY = {
    "estimate_end": ("区间的一端是估数", "one end of a range is an estimate"),
    "place_unclear": ("区间两端的位数不明", "the ends of a range differ in place, as in 三至五百"),
    "numeral": ("数字写法不明", "the numeral reads no way, as in 五三个"),
    "signed": ("负号用于区间或计数", "a minus sign on a range or a count"),
    "range_order": ("区间上限不大于下限", "the top of a range is not above its bottom"),
    "digit_group": ("数字被空格隔开，可能是千位分隔", "a number split by a space, maybe 12 345"),
}


@dataclass(frozen=True)
class Doubt:
    """A figure the reader left out because it could not read it with confidence."""

    start: int
    end: int
    text: str  # the characters as printed
    why: str  # a key of WHY

    def message(self, offset: int = 0, where: str = "") -> str:
        """The warning: Chinese, then English; offsets shifted by ``offset`` (into a document)."""
        zh, en = WHY[self.why]
        span = f"[{self.start + offset}, {self.end + offset}]"
        return (
            f"{where}数字未读取（{zh}）：“{self.text}” {span}；"
            f"figure left out ({en}): “{self.text}” {span}"
        )


def written_number(value: Decimal) -> int | float:
    """int when written without a decimal part (80), else float (541.30 → 541.3)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)


def std_number(value: Decimal, unit_std: str | None) -> int | float:
    """Money is always float; other standard values as written, like ``value``.

    An unscaled value_std is the value itself (同比下降1.0% → -1.0, 80家 → 80); a
    scaled one is exact, so integral when whole (1.36万人次 → 13600).
    """
    if unit_std in MONEY_UNITS:
        return float(value)
    return written_number(value)

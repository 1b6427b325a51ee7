"""Figures read one by one, then combined: levels reached, rank fields, ranges, lists.

`由A提高至B` folds A into B.previous; `（全国共230名）` after a rank is its total;
`1.17元至1.19元` is one range; `分别增长12%、8%` shares the change of the first.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.figures.candidate import Figure
from pipeline.figures.numerals import parse_number
from pipeline.figures.patterns import (
    FIELD_GAP,
    FROM_BEFORE,
    FROM_TO_GAP,
    LIST_GAP,
    RANGE_GAP,
    RANK_TOTAL,
)

# what says that 从A到B is a range of values, not a change from A to B
RANGE_AFTER = re.compile(r"的?(?:不等|之间|范围|区间)")

# kinds whose two ends may repeat the unit (% and ℃ are read as ranges by FIGURE itself)
_RANGE_KINDS = ("amount", "count", "quantity", "percent")


def fold_levels_and_fields(text: str, figures: list[Figure]) -> None:
    """`由A提高至B` puts A into B.previous; `（全国共230名）` after a rank is its total."""
    for a, b in zip(figures, figures[1:], strict=False):
        if a.dropped or a.sentence != b.sentence:
            continue
        gap = text[a.end : b.start]
        if (
            FROM_TO_GAP.match(gap)
            # 从5000元到1.2万元不等: a range, not a level reached
            and not (RANGE_GAP.match(gap) and RANGE_AFTER.match(text, b.end))
            and FROM_BEFORE.search(text[max(a.sentence[0], a.start - 8) : a.start])
            and (a.unit is None) == (b.unit is None)
            and (a.unit is None or b.unit is None or a.unit.std == b.unit.std)
        ):
            # the earlier level in the unit of the later (由8000元提高至1.2万元: 0.8 万元)
            b.previous = _in_unit_of(b, a, a.value * (-1 if a.negative else 1))
            b.anchor = a.start
            if b.kind == "change" and a.kind != "change":
                b.kind = a.kind
            a.dropped = True
    for a, b in zip(figures, figures[1:], strict=False):
        if (
            b.kind == "rank"
            and a.kind == "count"
            and a.sentence == b.sentence
            and FIELD_GAP.match(text[a.end : b.start])
        ):
            b.total = a.value
            b.anchor = a.start
            a.dropped = True
    for r in figures:
        if r.kind != "rank" or r.dropped:
            continue
        t = RANK_TOTAL.match(text, r.end)
        if t is None:
            continue
        r.total = parse_number(t.group("n"))
        for other in figures:
            if r.end < other.start < t.end():
                other.dropped = True


def merge_ranges(text: str, figures: list[Figure]) -> None:
    """`1.17元至1.19元`, `3万元至5万元`, `20家—30家`: both ends with the unit are one range.

    The unit as written must be the same at both ends; the value is the lower end and
    value_max the upper, as for `1.17至1.19元`. A qualifier stays with its end
    (`约20家至30家` is about; `20家至30家左右` too).
    """
    for a, b in zip(figures, figures[1:], strict=False):
        if a.dropped or b.dropped or a.sentence != b.sentence:
            continue
        if a.kind not in _RANGE_KINDS or b.kind != a.kind:
            continue
        if a.value_max is not None or b.value_max is not None or a.negative or b.negative:
            continue
        if a.unit is None or b.unit is None or a.unit.std != b.unit.std:
            continue
        if a.unit.base != b.unit.base and a.unit.written != b.unit.written:
            continue
        if a.approx and b.approx and a.approx != b.approx:
            continue
        high = _in_unit_of(a, b, b.value)  # 5000元至1.2万元: 5000 to 12000 元
        if not RANGE_GAP.match(text[a.end : b.start]) or high <= a.value:
            continue
        a.value_max = high
        a.end = b.end
        a.approx = a.approx or b.approx
        b.dropped = True


def _in_unit_of(target: Figure, source: Figure, value: Decimal) -> Decimal:
    """``value``, written in ``source``'s unit, in the unit of ``target`` (万元 → 元: x10000)."""
    if target.unit is None or source.unit is None or target.unit.factor == source.unit.factor:
        return value
    moved = value * source.unit.factor / target.unit.factor
    return moved.to_integral_value() if moved == moved.to_integral_value() else moved.normalize()


def inherit_listed_kinds(text: str, figures: list[Figure]) -> None:
    """`分别增长12%、8%`: a listed figure shares the change of the one before it.

    A figure that is a change by its unit alone (`2.4和3.1个百分点`) takes the sign and
    basis of the verb before the first (`分别比上年下降2.4和3.1个百分点`).
    """
    for a, b in zip(figures, figures[1:], strict=False):
        if a.kind != "change" or b.kind == "rank":
            continue
        if b.kind == "change" and (b.by_verb or not a.by_verb):
            continue
        if not LIST_GAP.match(text[a.end : b.start]):
            continue
        if a.unit is None or b.unit is None or a.unit.kind != b.unit.kind:
            continue
        b.kind, b.basis, b.negative = "change", a.basis, a.negative
        b.by_verb = a.by_verb

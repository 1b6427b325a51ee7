"""A candidate figure while the reader decides about it (kind, sign, basis, folds)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pipeline.figures.units import Unit


@dataclass
class Figure:
    """A candidate figure while the reader decides about it."""

    start: int
    end: int
    num_start: int
    value: Decimal
    unit: Unit | None
    approx: str | None
    kind: str = ""
    basis: str | None = None
    value_max: Decimal | None = None
    previous: Decimal | None = None
    total: Decimal | None = None
    anchor: int = -1  # where the metric phrase ends (the start of a folded starting level)
    sentence: tuple[int, int] = (0, 0)
    metric: str | None = None
    dropped: bool = False
    negative: bool = False
    by_verb: bool = False  # a change because a verb says so, not only by its unit (个百分点)

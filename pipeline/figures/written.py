"""How a figure is written around its number: a sign, 角 and 分 after 元, 万 without 元.

FACTS.md, "Real-world text": `-13.4%` and `负2.6%` are negative (a temperature also
below 零下); `36元4角5分`, `八元五毛`, `二百一十块三角五分钱` are one amount in 元; money
is written `万` after a money word without 元 (`安排资金3621.5万`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from pipeline.figures.numerals import parse_number, scale_of
from pipeline.figures.patterns import COINS, MONEY_BEFORE
from pipeline.figures.units import AMOUNT, TEMPERATURE_UNITS, Unit

MINUS = "-－−"
PLUS = "+＋"
_YUAN = ("元", "块", "圆")


BELOW_ZERO, NEGATIVE, POSITIVE = "below_zero", "negative", "positive"


def sign_before(text: str, m: re.Match[str]) -> tuple[int, str]:
    """``(length, what)`` of the sign before the figure's number, ``(0, "")`` if none.

    `-3.5℃` and `零下5℃` are below zero; `-13.4%`, `负2.6%`, `为-3.2万元` negative;
    `同比+5.1%` positive. Not a sign: the dash of a range or a code (`5-3℃`, `A-3`, `5+N`),
    nor one before a qualifier.
    """
    if m.group("di") or m.group("pre"):
        return 0, ""
    at = m.start()
    temperature = m.group("base") in TEMPERATURE_UNITS
    if temperature and text[max(0, at - 2) : at] == "零下":
        return 2, BELOW_ZERO
    if not at:
        return 0, ""
    mark = text[at - 1]
    if mark in MINUS or mark in PLUS:
        sign_before = text[at - 2] if at > 1 else ""
        if sign_before.isalnum() and (sign_before.isascii() or sign_before.isdigit()):
            return 0, ""
        if mark in PLUS:
            return 1, POSITIVE
        return 1, BELOW_ZERO if temperature else NEGATIVE
    if mark == "负" and not temperature and text[at - 2 : at - 1] != "正":
        return 1, NEGATIVE
    return 0, ""


def coins_after(
    text: str, m: re.Match[str], starts_word: Callable[[int], bool]
) -> tuple[Decimal, int] | None:
    """The 角 and 分 after a whole 元 or 块 (`36元4角5分`), in 元, and where they end.

    ``starts_word(pos)`` says whether a word of two characters or more starts at ``pos``:
    such a 角, 毛 or 分 is no coin (`每人36元5分钟`, `角色`).
    """
    if m.group("base") not in _YUAN or m.group("scale") or m.group("per") or m.group("n2"):
        return None
    if m.group("post") or m.group("tail") or m.group("more") or m.group("more2"):
        return None
    c = COINS.match(text, m.end())
    if c is not None and c.group("fen") and starts_word(c.end("fen")):
        c = COINS.match(text, m.end(), c.start("fen"))  # 36元5分钟: the 分 is a minute's
    if c is not None and c.group("jiao") and starts_word(c.end("jiao")):
        return None
    if c is None or not (c.group("jiao") or c.group("fen") or c.group("qian")):
        return None
    if c.group("qian") and not (c.group("jiao") or c.group("fen")) and m.group("base") != "块":
        return None  # 10元钱 is as plain as 10元; 10块钱 is money, not ten pieces
    value = Decimal(0)
    if c.group("jiao"):
        value += parse_number(c.group("jiao")) / 10
    if c.group("fen"):
        value += parse_number(c.group("fen")) / 100
    return value, c.end()


def bare_money(scale: str, clause: str) -> Unit | None:
    """万 or 亿 without 元 after a money word (`安排资金3621.5万`): an amount in 万元's scale."""
    if MONEY_BEFORE.search(clause) is None:
        return None
    return Unit(scale, scale, "元", AMOUNT, "元", scale_of(scale))

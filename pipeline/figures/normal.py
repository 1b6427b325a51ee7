"""Normal text is data: the text the number reader reads, and the map back to the original.

Text layers of real PDFs and text pasted out of Word are not clean (FACTS.md, "Real-world
text"): `预算总额 512.30 万元`, `离 退休`, ASCII `:` and `,`, `3万元（含）至5万元`. Rather than
teaching every pattern about spaces, the text is normalised once into a :class:`NormalText`
that holds the normal string and, for every normal character, the offset of the original
character it came from (the idea of spaCy's ``Alignment``). The reader works on
``normal.text``; :meth:`NormalText.to_original` maps a span back, so that the fact's
``text`` is ``original[start:end]``, printed spaces inside.

Normalisation only deletes characters or replaces one character by one, so the map is a
plain list of offsets:

- whitespace (spaces, tabs, line breaks, the ideographic space) is deleted between two
  characters of which at least one is not ASCII (`512.30 万元`, `绩效目 标`, `同比增长 5.2 %`)
  and between a number and an ASCII unit (`3.9 m`); it is kept between two ASCII words or
  two numbers (`2023 12`, `GDP 5.2%`), and a line break is kept before a list number
  (`…万元\\n2、支出`) and after the end of a sentence;
- ASCII `, : ;` become `，：；`, except a comma or colon between digits (`1,234`,
  `8:30`); full-width digits, letters and `％` become ASCII; 萬 and 億 become 万 and 亿;
- an inclusive marker inside a range or bound is deleted (`3万元（含）至5万元`,
  `500万元(含)以上`, `（含本数）`, `（不含）`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# deletable whitespace: ASCII space, tab, CR, LF, no-break space, ideographic space, thin spaces
_SPACE = " \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b"
_SPACE_RUN = re.compile(f"[{_SPACE}]+")
_INCLUSIVE = re.compile(r"[（(][ \u3000]*(?:不含|含)(?:本数)?[ \u3000]*[）)]")
# ASCII brackets stay: the reader reads both, and a unit keeps its brackets as written (件(套))
_TO_FULL = {",": "，", ":": "：", ";": "；"}
_BETWEEN_DIGITS = frozenset(",:")
# one character for one: full-width ASCII, and the traditional scale words
_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_WIDTH.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_WIDTH.update({"％": "%", "萬": "万", "億": "亿"})
_SUBST = {**_WIDTH, **_TO_FULL}
_TOUCHED = re.compile(
    "[" + re.escape("".join(_SUBST)) + _SPACE + "]|" + _INCLUSIVE.pattern
)  # anything normalisation may change; text without it is already normal
_SENTENCE_END = set("。！？!?；;")
_BULLETS = frozenset("-－−—•·*")
_LIST_NUMBER = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})[、.．]|[（(]\d{1,2}[）)]")


@dataclass(frozen=True)
class NormalText:
    """The normal text and, for each of its characters, the original offset it came from."""

    original: str
    text: str
    origin: tuple[int, ...] | None  # None: the text is the original (nothing changed)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normal span ``[start, end)``, deleted characters inside."""
        if self.origin is None:
            return start, end
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    def original_text(self, start: int, end: int) -> str:
        """The characters as printed behind the normal span ``[start, end)``."""
        lo, hi = self.to_original(start, end)
        return self.original[lo:hi]


def normalise(original: str) -> NormalText:
    """The text as the number reader reads it, with the map back to ``original``."""
    if _TOUCHED.search(original) is None:
        return NormalText(original, original, None)
    drop = _dropped(original)
    chars: list[str] = []
    origin: list[int] = []
    n = len(original)
    for i, ch in enumerate(original):
        if i in drop:
            continue
        out = _SUBST.get(ch, ch)
        if ch in _TO_FULL:
            before = original[i - 1] if i else ""
            after = original[i + 1] if i + 1 < n else ""
            if ch in _BETWEEN_DIGITS and _digit(before) and _digit(after):
                out = ch  # 1,234 and 8:30 keep their ASCII
        chars.append(out)
        origin.append(i)
    return NormalText(original, "".join(chars), tuple(origin))


def _digit(ch: str) -> bool:
    return bool(ch) and ("0" <= ch <= "9" or "０" <= ch <= "９")


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "%.")


def _dropped(text: str) -> set[int]:
    """Offsets of the characters normalisation deletes."""
    drop: set[int] = set()
    for m in _INCLUSIVE.finditer(text):
        drop.update(range(m.start(), m.end()))
    for m in _SPACE_RUN.finditer(text):
        lo, hi = m.start(), m.end()
        if lo == 0 or hi == len(text):
            continue  # leading and trailing space: kept, it joins nothing
        if "\t" in m.group():
            continue  # a tab parts the cells of a flattened table row
        if _keeps_space(text, lo, hi, "\n" in m.group() or "\r" in m.group()):
            continue
        drop.update(range(lo, hi))
    return drop


def _keeps_space(text: str, lo: int, hi: int, line_break: bool) -> bool:
    """Whether the whitespace ``text[lo:hi]`` separates two words."""
    left, right, right_at = text[lo - 1], text[hi], hi
    if left in _BULLETS and (lo == 1 or text[lo - 2] in "\n\r"):
        return True  # "- 5个乡镇" opening a line: a bullet, not a minus sign
    if _ascii_word(left) and _ascii_word(right):
        # 2023 12, GDP 5.2%: two ASCII words stay apart; a number and its ASCII unit join
        return not (_digit(left) and (right.isalpha() or right == "%"))
    # the end of a sentence, or a list item on its own line
    return line_break and (left in _SENTENCE_END or _LIST_NUMBER.match(text, right_at) is not None)

"""Yes/no marks drawn with symbol fonts, turned into the characters they show.

Word's Insert Symbol and WPS store a tick or a box as a letter or a private-use code point
in Wingdings / Wingdings 2 (``R`` in Wingdings 2 is ☑, ``£`` is □); PDFs exported from such
files keep the letter, or U+F0xx, with the font's name. Readers pass every such character
through ``glyph`` so that the form reader sees √ ☑ □ as printed.
"""

from __future__ import annotations

import re

_GLYPHS = {
    "wingdings": {"ü": "√", "û": "×", "þ": "☑", "ý": "☒", "¨": "□", "o": "□", "n": "■", "l": "●"},
    "wingdings2": {"P": "√", "O": "×", "R": "☑", "S": "☒", "T": "☒", "Q": "☒", "£": "□", "¢": "□"},
}
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def symbol_table(font: str | None) -> dict[str, str]:
    """What the letters of a symbol font show; empty for an ordinary font."""
    if not font:
        return {}
    name = _SUBSET_PREFIX.sub("", font).lower()
    name = re.sub(r"[\s_-]|regular|bold|italic|,", "", name)
    return _GLYPHS.get(name, {})


def glyph(font: str | None, char: str) -> str:
    """The character as printed: a symbol-font letter or U+F0xx becomes its mark."""
    table = symbol_table(font)
    if not table:
        return char
    if len(char) == 1 and 0xF000 <= ord(char) <= 0xF0FF:
        char = chr(ord(char) - 0xF000)  # symbol fonts sit in the private-use area too
    return table.get(char, char)

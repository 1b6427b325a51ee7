"""The trace page's own Chinese font: a subset of Noto Sans SC holding exactly the page's characters.

An auditor may open the page on a machine without any CJK font, where every Chinese character
would show as a box. So the page carries, as a WOFF ``data:`` URI in an ``@font-face`` rule, the
glyphs of the characters it shows and no others (fontTools' subsetter over the Noto Sans SC of
``pylopdf-fonts-zh-cn``, SIL Open Font License): some 50–150 KB for a form's page.
"""

from __future__ import annotations

import base64
import io
import re
import string
from functools import lru_cache
from pathlib import Path

FONT_FAMILY = "jixiao-cjk"

_DATA_URI = re.compile(r"data:[^\"')\s]+")


@lru_cache(maxsize=1)
def _font_path() -> Path | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:  # a broken install: the page falls back to the system's fonts
        return None
    path = pylopdf_fonts_zh_cn.sans_path()
    return path if path.is_file() else None


def font_subset(chars: set[str]) -> bytes | None:
    """A WOFF font with the glyphs of ``chars`` (None when the font is not installed)."""
    path = _font_path()
    if path is None:
        return None
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars if ord(c) >= 32))  # spaces too, not controls
    font = TTFont(path, lazy=True)
    try:
        subsetter.subset(font)
        font.flavor = "woff"  # zlib-compressed: no extra module, about half the size
        out = io.BytesIO()
        font.save(out)
    finally:
        font.close()
    return out.getvalue()


def font_face(page_text: str) -> str:
    """The ``@font-face`` rule embedding the glyphs of every character in ``page_text`` ("" without a font)."""
    # every printable ASCII character too: entities (&lt;) and scripts hide some from the text
    font = font_subset(set(_DATA_URI.sub("", page_text)) | set(string.printable))
    if font is None:
        return ""
    uri = "data:font/woff;base64," + base64.b64encode(font).decode("ascii")
    return f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url({uri}) format("woff"); }}\n'

"""The trace page draws its Chinese with the font it carries: checked in headless Chromium on a
font configuration with one Latin font and no CJK font, where without it every character is a box."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pylopdf_fonts_zh_cn
import pytest
import reportlab
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from pipeline.batch import ingest
from pipeline.trace import trace
from pipeline.trace_html import trace_to_html

FORM = Path(__file__).parent / "fixtures" / "forms" / "hsjd_2023.utf8.txt"
FONT_FACE = re.compile(r"@font-face \{[^}]*url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)[^}]*\}\n?")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run")


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return found


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    raw = tmp_path_factory.mktemp("raw")
    shutil.copyfile(FORM, raw / FORM.name)
    db = tmp_path_factory.mktemp("w") / "jixiao.duckdb"
    ingest(raw, db, workers=0)
    with duckdb.connect(str(db), read_only=True) as con:
        fact = con.execute("select fact_id from facts order by fact_no limit 1").fetchone()
        assert fact is not None
        return trace_to_html(con, trace(con, fact[0]))


def _visible_text(html: str) -> str:
    body = re.sub(r"<(style|script)>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", body)


def test_the_page_carries_a_glyph_for_every_character_it_shows(page: str) -> None:
    match = FONT_FACE.search(page)
    assert match is not None
    font = TTFont(io.BytesIO(base64.b64decode(match.group(1))))
    cmap = font.getBestCmap()
    shown = {c for c in _visible_text(page) if not c.isspace() and c.isprintable()}
    cjk = {c for c in shown if "\u4e00" <= c <= "\u9fff"}
    assert len(cjk) > 100  # a real form's page
    missing = {c for c in shown if ord(c) not in cmap}
    # the subset drops nothing the font has: what it lacks are marks like ☑ and █ that Noto Sans SC
    # does not draw either (those fall back to the reader's fonts)
    full = TTFont(pylopdf_fonts_zh_cn.sans_path(), lazy=True).getBestCmap()
    assert not cjk & missing and not {c for c in missing if ord(c) in full}
    assert missing <= set("☑☐█■□✓✔")
    assert len(match.group(1)) < 600_000  # a subset, not the 8 MB font


def _screenshot(chromium: str, html: str, tmp_path: Path, name: str, size: str) -> Image.Image:
    """Chromium's screenshot of ``html`` on a machine whose only font is a Latin one (no CJK at all)."""
    fonts = tmp_path / "latin-only"
    if not fonts.exists():
        fonts.mkdir()
        shutil.copyfile(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", fonts / "Vera.ttf")
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / "fc"}</cachedir>'
                      "</fontconfig>", encoding="utf-8")
    source, shot = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
    source.write_text(html, encoding="utf-8")
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--screenshot={shot}", f"--window-size={size}", source.as_uri()],
                   check=True, capture_output=True, timeout=120,
                   env={**os.environ, "FONTCONFIG_FILE": str(config), "HOME": str(tmp_path)})
    return Image.open(shot).convert("L")


def _ink(image: Image.Image) -> int:
    return sum(image.histogram()[:128])  # pixels darker than mid-grey


def _cells(chromium: str, face: str, chars: list[str], tmp_path: Path, name: str) -> list[bytes]:
    """The four characters drawn large, each in a cell of its own: the cells' pixels."""
    cells = "".join(f'<span style="display:inline-block;width:100px">{c}</span>' for c in chars)
    probe = (f'<html><head><meta charset="utf-8"><style>{face}</style></head><body style="margin:0;background:#fff">'
             f'<div style="font-family:jixiao-cjk,sans-serif;font-size:80px;line-height:100px">{cells}</div></body></html>')
    shot = _screenshot(chromium, probe, tmp_path, name, "600,200")
    glyphs = [shot.crop((100 * i, 0, 100 * i + 100, 100)) for i in range(len(chars))]
    assert all(_ink(g) > 100 for g in glyphs), (name, [_ink(g) for g in glyphs])  # something is drawn
    return [g.tobytes() for g in glyphs]


def test_headless_chromium_without_cjk_fonts_draws_the_pages_chinese(page: str, tmp_path: Path) -> None:
    chromium = _chromium()
    match = FONT_FACE.search(page)
    assert match is not None
    chars = [c for c in dict.fromkeys(_visible_text(page)) if "\u4e00" <= c <= "\u9fff"][:4]
    # the machine has no CJK font: without the page's own, four characters are four equal boxes
    assert len(set(_cells(chromium, "", chars, tmp_path, "boxes"))) == 1
    # with it, four different glyphs
    assert len(set(_cells(chromium, match.group(0), chars, tmp_path, "glyphs"))) == 4
    # and the whole page draws differently with its font than without (boxes for every character)
    with_font = _screenshot(chromium, page, tmp_path, "with", "1200,900")
    without = _screenshot(chromium, FONT_FACE.sub("", page), tmp_path, "without", "1200,900")
    changed = sum(ImageChops.difference(with_font, without).point(lambda v: 255 if v > 64 else 0).histogram()[255:])
    assert changed > 10_000, changed

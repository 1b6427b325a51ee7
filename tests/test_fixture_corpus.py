"""Sanity checks on the generated form corpus (tests/fixtures/forms): not a reader, only proof
that what each file shows matches its expected JSON, and that each variant carries the
structure it is meant to exercise (merges, content controls, checkboxes, pages, encodings)."""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

FORMS = Path(__file__).parent / "fixtures" / "forms"
VARIANTS = ("utf8.txt", "gb18030.txt", "official.docx", "controls.docx", "lo.pdf", "rl.pdf")
EXAMPLE = "zetdz_jmkj_2023"


def split_name(path: Path) -> tuple[str, str]:
    case, _, variant = path.name.partition(".")
    return case, variant


RENDERINGS = sorted(p for p in FORMS.iterdir() if not p.name.endswith(".expected.json"))


@cache
def expected(case: str) -> dict:
    return json.loads((FORMS / f"{case}.expected.json").read_text(encoding="utf-8"))


@cache
def file_text(path: Path) -> str:
    """Everything the file shows, as one string (cells of PDFs joined within the cell)."""
    case, variant = split_name(path)
    data = path.read_bytes()
    if variant == "gb18030.txt":
        return data.decode("gb18030")
    if variant.endswith("txt"):
        return data.decode("utf-8-sig")
    if variant.endswith("docx"):
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        # every w:t counts, inside content controls and nested tables too; paragraph ends → newline
        runs = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|(</w:p>)", xml)
        return html.unescape("".join(t if t else "\n" for t, _ in runs))
    import pdfplumber

    parts = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            parts.append(page.extract_text() or "")
            for table in page.extract_tables():
                parts += ["".join((cell or "").split()) for row in table for cell in row]
    return "\n".join(parts)


def squeeze(text: str) -> str:
    """Whitespace and thousands separators out, so wrapped cells and 1,206.5 still match."""
    return re.sub(r"\s+", "", text).replace(",", "")


def shown_values(case: str) -> list[str]:
    """Strings every rendering of the case must show."""
    exp = expected(case)
    f = exp["fields"]
    out = [f["unit_name"], f["form_code"], f["form_title"]]
    for key, value in f.items():
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and key not in ("form_title",):
            out.append(value)
        elif isinstance(value, dict):
            out.append(format(Decimal(str(value["value"])), "f"))
    out += [t["goal"] for t in exp["tasks"]]
    out += [t["outcome"] for t in exp["tasks"]]
    return [squeeze(s) for s in out]


def date_forms(iso: str) -> list[str]:
    y, m, d = (int(x) for x in iso.split("-"))
    return [f"{y}.{m}.{d}", f"{y}年{m}月{d}日", f"{y:04d}-{m:02d}-{d:02d}", f"{y}/{m}/{d}"]


@pytest.mark.parametrize("path", RENDERINGS, ids=lambda p: p.name)
def test_rendering_shows_its_expected_values(path: Path) -> None:
    case, _ = split_name(path)
    text = squeeze(file_text(path))
    missing = [s[:40] for s in shown_values(case) if s not in text]
    assert not missing, f"{path.name} does not show: {missing}"
    for key, value in expected(case)["fields"].items():
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            assert any(form in text for form in date_forms(value)), f"{path.name}: {key} {value} not shown"


@pytest.mark.parametrize("path", [p for p in RENDERINGS if p.suffix == ".docx"], ids=lambda p: p.name)
def test_docx_structure(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "<w:gridSpan" in xml and "<w:vMerge" in xml, "merged cells expected"
    if path.name.endswith(".controls.docx"):
        assert "<w:sdtContent>" in xml
        assert re.search(r'<w14:checked w14:val="1"/>', xml), "a checked checkbox control expected"
        assert "☒" in xml
        assert re.search(r"<w:tc>(?:(?!</w:tc>).)*<w:tbl>", xml, re.S), "a nested table expected"
        assert "☑是" in xml
    else:
        assert "<w:sdt>" not in xml


@pytest.mark.parametrize("path", [p for p in RENDERINGS if p.suffix == ".pdf"], ids=lambda p: p.name)
def test_pdf_pages_and_fonts(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 2 or path.name.endswith(".lo.pdf")
        assert "(cid:" not in pdf.pages[0].extract_text()


@pytest.mark.parametrize("path", [p for p in RENDERINGS if p.suffix == ".txt"], ids=lambda p: p.name)
def test_text_encoding_and_layout(path: Path) -> None:
    data = path.read_bytes()
    if path.name.endswith(".gb18030.txt"):
        assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    text = file_text(path)
    assert "\t" in text and "<p>" in text


def test_corpus_coverage() -> None:
    counts = Counter(split_name(p)[1] for p in RENDERINGS)
    assert all(counts[v] >= 4 for v in VARIANTS), counts
    cases = {split_name(p)[0] for p in RENDERINGS}
    assert len(cases - {EXAMPLE}) >= 8
    for case in cases:
        assert (FORMS / f"{case}.expected.json").exists()
        exp = expected(case)
        assert exp["schema"] == "jixiao.form/1" and len(exp["fields"]) == 73
        assert list(exp["fields"]) == list(expected(EXAMPLE)["fields"])
        formats = {split_name(p)[1] for p in RENDERINGS if split_name(p)[0] == case}
        # lo.docx is derived from official.docx by make_lo_docx.py (a second Word producer)
        if "lo.docx" in formats:
            assert "official.docx" in formats, case
            formats.discard("lo.docx")
        if case != EXAMPLE:
            assert len(formats) >= 3, case
            assert set(exp["variants"]) & set(VARIANTS) == formats, case

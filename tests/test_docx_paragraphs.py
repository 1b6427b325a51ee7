"""A paragraph's text read by lxml's own walk (``_plain_text``) is the full walk's (``_collect``).

``paragraph_text`` takes the common paragraph — runs of text, tabs and breaks — with one
``iter`` in document order, and gives up to the full walk for anything else (a content
control, a checkbox, a symbol, deleted or skipped content). Both are held equal on every
paragraph of every DOCX fixture and on paragraphs made here with each kind of content.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from extractors import docx as reader

ROOT = Path(__file__).resolve().parents[1]
DOCX = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*.docx") if p.parent.name not in ("bad", "rejects"))
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W14 = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def _full_walk(paragraph: etree._Element) -> str:
    parts: list[str] = []
    reader._collect(paragraph, parts)
    return "".join(parts)


def _paragraphs(path: Path) -> list[etree._Element]:
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
            root = etree.fromstring(archive.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return []
    return list(root.iter(reader._W_P))


def test_the_fixtures_hold_paragraphs_of_both_kinds() -> None:
    paragraphs = [p for path in DOCX for p in _paragraphs(path)]
    parts: list[str] = []
    plain = sum(reader._plain_text(p, parts) for p in paragraphs)
    assert len(paragraphs) > 1000 and 100 < plain < len(paragraphs)


@pytest.mark.parametrize("path", DOCX, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_paragraph_reads_as_the_full_walk_reads_it(path: Path) -> None:
    for paragraph in _paragraphs(path):
        assert reader.paragraph_text(paragraph) == _full_walk(paragraph)


@pytest.mark.parametrize("body", [
    "<w:r><w:t>预算</w:t><w:tab/><w:t>100</w:t><w:br/><w:t>万元</w:t></w:r>",
    '<w:r><w:rPr><w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2"/></w:rPr><w:t>\uf052</w:t></w:r>',
    '<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r><w:r><w:t>是</w:t></w:r>',
    '<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr>'
    "<w:sdtContent><w:r><w:t>X</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t>是</w:t></w:r>",
    "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>单击此处输入文字。</w:t></w:r>"
    "</w:sdtContent></w:sdt>",
    "<w:del><w:r><w:delText>旧</w:delText></w:r></w:del><w:ins><w:r><w:t>新</w:t></w:r></w:ins>",
    "<w:hyperlink><w:r><w:t>网址</w:t></w:r></w:hyperlink><w:r><w:instrText>HYPERLINK</w:instrText></w:r>",
    "<mc:AlternateContent><mc:Choice><w:r><w:t>甲</w:t></w:r></mc:Choice>"
    "<mc:Fallback><w:r><w:t>乙</w:t></w:r></mc:Fallback></mc:AlternateContent>",
    "<w:r><w:t>外<w:t>内</w:t></w:t></w:r>",  # not Word's, but read as the full walk reads it
])
def test_each_kind_of_content_reads_as_the_full_walk_reads_it(body: str) -> None:
    paragraph = etree.fromstring(f"<w:p {W} {W14} {MC}>{body}</w:p>")
    assert reader.paragraph_text(paragraph) == _full_walk(paragraph)

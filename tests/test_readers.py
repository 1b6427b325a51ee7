"""The format readers on small documents built here, one hard part each."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.document import Source
from extractors.docx import read_docx
from extractors.pdf import read_pdf
from extractors.text import read_text

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W14_NS = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'


def source(kind: str) -> Source:
    return Source("memory", "0" * 64, kind)


def docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_merged_cells_are_read_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "单位名称"
    table.cell(0, 2).text = "测试局"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "信息公开"
    table.cell(1, 1).text = "自评信息"
    reading = read_docx(docx_bytes(document), source("docx"))
    assert reading.text.count("单位名称") == 1
    assert reading.text.count("信息公开") == 1
    # python-docx itself repeats the merged text across the span
    assert [c.text for c in document.tables[0].rows[0].cells].count("单位名称") == 2


def test_docx_merges_become_row_and_column_spans() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "单位名称"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "信息公开"
    table.cell(1, 1).merge(table.cell(2, 2)).text = "二乘二"
    cells = {(c.row, c.col): c for c in read_docx(docx_bytes(document), source("docx")).cells if c.table == 0}
    assert (cells[(0, 0)].row_span, cells[(0, 0)].col_span) == (1, 2)
    assert (cells[(1, 0)].row_span, cells[(1, 0)].col_span) == (2, 1)
    assert (cells[(1, 1)].row_span, cells[(1, 1)].col_span) == (2, 2)
    # a merged cell is one cell, at its top-left: nothing stands in for the covered positions
    assert set(cells) == {(0, 0), (0, 2), (1, 0), (1, 1)}


def test_docx_content_controls_checkboxes_and_nested_tables() -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    name_cell, choice_cell, nested_cell = table.rows[0].cells
    name_cell.paragraphs[0]._p.append(parse_xml(
        f'<w:sdt {W_NS}><w:sdtPr/><w:sdtContent><w:r><w:t>湛江经贸局</w:t></w:r></w:sdtContent></w:sdt>'
    ))
    for checked, option in (("1", "是"), ("0", "否")):
        choice_cell.paragraphs[0]._p.append(parse_xml(
            f'<w:sdt {W_NS} {W14_NS}><w:sdtPr><w14:checkbox><w14:checked w14:val="{checked}"/>'
            f'</w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{"☒" if checked == "1" else "☐"}</w:t>'
            f'</w:r></w:sdtContent></w:sdt>'
        ))
        choice_cell.paragraphs[0].add_run(option + " ")
    nested_cell.add_table(rows=1, cols=2).rows[0].cells[1].text = "13.67万元"
    placeholder = document.add_paragraph()._p
    placeholder.append(parse_xml(
        f'<w:sdt {W_NS}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r>'
        f'<w:t>单击或点击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt>'
    ))
    data = docx_bytes(document)
    reloaded = docx.Document(io.BytesIO(data))
    assert "湛江经贸局" not in reloaded.tables[0].rows[0].cells[0].text  # invisible to cell.text
    reading = read_docx(data, source("docx"))
    assert "湛江经贸局" in reading.text
    assert "☑是 □否" in reading.text
    assert "13.67万元" in reading.text
    assert "单击或点击此处输入文字" not in reading.text


def test_text_encodings_read_alike() -> None:
    content = "单位名称\t测试局\r\n<p>整体绩效（总）目标完成情况：</p> <p>1. 任务1：完成投资3.2亿元。</p>\r\n"
    readings = [
        read_text(content.encode("utf-8"), source("text")),
        read_text(b"\xef\xbb\xbf" + content.encode("utf-8"), source("text")),
        read_text(content.encode("utf-16"), source("text")),
        read_text(content.encode("gb18030"), source("text")),
    ]
    texts = {reading.text for reading in readings}
    assert texts == {"单位名称\n测试局\n整体绩效（总）目标完成情况：\n1. 任务1：完成投资3.2亿元。"}
    assert [c.text for c in readings[0].cells] == ["单位名称", "测试局", "整体绩效（总）目标完成情况：\n1. 任务1：完成投资3.2亿元。"]


def test_pdf_without_unicode_map_warns_and_drops_cid_codes() -> None:
    data = (Path(__file__).parent / "fixtures" / "readers" / "no_unicode_map.pdf").read_bytes()
    reading = read_pdf(data, source("pdf"))
    assert "(cid:" not in reading.text
    assert "13.67" in reading.text  # digits keep their map in this font; CJK glyphs do not
    assert any("(cid:N)" in warning for warning in reading.warnings)


def test_docx_entity_declaration_behind_a_long_comment_is_refused() -> None:
    import zipfile

    from extractors.errors import TooLarge

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source_zip = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source_zip.infolist():
            data = source_zip.read(item)
            if item.filename == "word/document.xml":
                head, _, rest = data.partition(b"?>")
                data = (head + b"?><!--" + b"x" * 20000 + b'--><!DOCTYPE d [<!ENTITY a "aaaa">]>' + rest)
            target.writestr(item, data)
    with pytest.raises(TooLarge):
        read_docx(out.getvalue(), source("docx"))


def test_pdf_tick_stamped_off_the_baseline_stays_beside_its_option() -> None:
    from pipeline.values import read_bool

    data = (Path(__file__).parent / "fixtures" / "readers" / "tick_off_baseline.pdf").read_bytes()
    reading = read_pdf(data, source("pdf"))
    answer = next(cell.text for cell in reading.cells if "否" in cell.text and "公开" not in cell.text)
    assert answer.replace(" ", "") == "是√否"
    marked = read_bool(answer)
    assert marked is not None and marked.value is True


def test_docx_marks_typed_in_symbol_fonts_read_as_marks() -> None:
    from pipeline.values import read_bool

    document = docx.Document()
    paragraph = document.add_table(rows=1, cols=1).rows[0].cells[0].paragraphs[0]
    for font, glyph, option in (("Wingdings 2", "£", "是"), ("Wingdings 2", "R", "否")):
        run = paragraph.add_run(glyph)
        run.font.name = font
        paragraph.add_run(option + " ")
    wingdings = document.add_paragraph("是")
    wingdings.add_run("ü").font.name = "Wingdings"
    wingdings.add_run(" 否")
    reading = read_docx(docx_bytes(document), source("docx"))
    boxes, tick = reading.cells[0].text, reading.cells[1].text
    assert boxes == "□是 ☑否" and tick == "是√ 否"
    assert read_bool(boxes).value is False and read_bool(tick).value is True  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("font", "char", "shown"),
    [
        ("Wingdings 2", "R", "☑"),
        ("ABCDEF+Wingdings2-Regular", "£", "□"),
        ("Wingdings", "\uf0fc", "√"),
        ("BCDEFG+Wingdings-Regular", "þ", "☑"),
        ("SimSun", "R", "R"),
        (None, "√", "√"),
    ],
)
def test_symbol_font_glyphs(font: str | None, char: str, shown: str) -> None:
    from extractors.marks import glyph

    assert glyph(font, char) == shown


def test_pdf_chars_in_a_symbol_font_become_marks() -> None:
    from extractors.pdf import _usable_chars

    chars = [{"text": "是", "fontname": "AAAAAA+SimSun"}, {"text": "R", "fontname": "AAAAAB+Wingdings2"},
             {"text": "(cid:7)", "fontname": "AAAAAC+Unknown"}]
    usable, lost = _usable_chars(chars)
    assert [c["text"] for c in usable] == ["是", "☑"] and lost == 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_the_control_share_of_a_head_counts_each_control_byte(head: bytes) -> None:
    from extractors import sniff

    plain = sum(byte in sniff._CONTROL for byte in head) / len(head) if head else 0.0
    assert sniff._control_share(head) == plain


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=0x4E10), max_size=300))
def test_a_decoded_text_is_binary_by_its_count_of_control_characters(text: str) -> None:
    from extractors import text as reader

    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\r\n\f")
    assert reader._looks_binary(text) == (controls > max(8, len(text[:4096]) // 50))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([" ", "  ", "\t", "\n", "\r", "\r\n", "\u3000", "\u00a0", "\u2009", "\u200b",
                                 "\ufeff", "\u00ad", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u202f",
                                 "a", "预", "1"]), max_size=10))
def test_a_cell_with_nothing_to_fold_is_kept_as_it_is_and_any_other_folded(pieces: list[str]) -> None:
    from extractors.document import normalise_cell_text, normalise_line

    raw = "".join(pieces)
    lines = (normalise_line(part) for part in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    assert normalise_cell_text(raw) == "\n".join(line for line in lines if line)


@settings(max_examples=200, deadline=None)
@given(st.tuples(st.text(max_size=5), st.integers(0, 99), st.integers(0, 99), st.one_of(st.none(), st.integers(0, 9)),
                 st.integers(0, 9), st.integers(0, 9), st.one_of(st.none(), st.integers(1, 9)),
                 st.one_of(st.none(), st.tuples(*[st.floats(0, 600)] * 4)), st.integers(1, 3), st.integers(1, 3)))
def test_a_cell_made_at_once_is_the_cell_its_init_makes(fields: tuple[object, ...]) -> None:
    import dataclasses

    from extractors.document import Cell, new_cell

    made, initialised = new_cell(*fields), Cell(*fields)  # type: ignore[arg-type]
    assert made == initialised and repr(made) == repr(initialised) and hash(made) == hash(initialised)
    assert vars(made) == vars(initialised) and list(vars(made)) == list(vars(initialised))
    assert dataclasses.astuple(made) == dataclasses.astuple(initialised) and made.span == initialised.span
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.text = "x"  # type: ignore[misc]

"""`jixiao trace`: every figure of every fixture back to its characters, boxes, file state, the page.

One warehouse is built per module from copies of the fixture forms (the real reader, the real
batch); tests that change or delete a file build their own small one.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pdfplumber
import pytest
from click.testing import CliRunner
from PIL import Image
from warehouse_fixtures import form_sources

from pipeline.batch import ingest
from pipeline.cli import cli
from pipeline.cli.trace import EXIT_CANNOT_TRACE, EXIT_NOT_PROVEN, report_lines
from pipeline.extract import sha256_file
from pipeline.privacy import MASK_CHAR, masked_ranges, personal_ranges
from pipeline.trace import (
    FACT_COLUMNS,
    MARK_CLOSE,
    MARK_OPEN,
    SpanMismatch,
    Trace,
    submission_field_traces,
    submission_traces,
    trace,
)
from pipeline.trace_html import (
    BOX_PAD,
    RESOLUTION,
    _document_html,
    personal_boxes,
    reread_pdf,
    trace_to_html,
)
from pipeline.warehouse.contacts import contacts_path
from pipeline.warehouse.load import submission_id_for

SOURCES = form_sources()
_WS = re.compile(r"\s+")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh warehouse over copies of every fixture form (the copies stay put for the module)."""
    root = tmp_path_factory.mktemp("trace")
    raw = root / "raw"
    raw.mkdir()
    for source in SOURCES:
        shutil.copy2(source, raw / source.name)
    db = root / "jixiao.duckdb"
    report = ingest(raw, db, workers=2)
    assert not report.rejects
    return db


@pytest.fixture(scope="module")
def con(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _submission(warehouse: Path, name: str) -> str:
    return submission_id_for(sha256_file(warehouse.parent / "raw" / name))


def _one_line(text: str) -> str:
    return text.replace("\n", " ⏎ ")


def _assert_traces_to_its_figure(t: Trace, name: str) -> None:
    assert t.text, t.id
    assert t.found == t.text and t.span_ok, t.id
    start, end = t.mark or (0, 0)
    assert t.context[start:end] == t.text, t.id
    assert MARK_OPEN + t.text + MARK_CLOSE in t.marked
    lines = report_lines(t)
    assert _one_line(MARK_OPEN + t.text + MARK_CLOSE) in next(x for x in lines if x.startswith("  sentence")), t.id
    assert next(x for x in lines if x.startswith("  file")).split()[1].endswith("/" + name)
    assert t.source.state == "matches" and t.problems() == [], t.id


# --- acceptance: every fact and field of every fixture ------------------------------------------

@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_every_fact_and_field_traces_to_its_figure_and_names_the_file(
    source: Path, warehouse: Path, con: duckdb.DuckDBPyConnection
) -> None:
    submission_id = _submission(warehouse, source.name)
    facts = submission_traces(con, submission_id)
    fields = submission_field_traces(con, submission_id)
    assert fields, "every fixture form has fields with values"
    stored = con.execute("select count(*) from facts where submission_id = ?", [submission_id]).fetchone()
    assert stored is not None and len(facts) == stored[0]
    for t in facts + fields:
        # Looked up by its id, as `jixiao trace ID` does, the trace is the same.
        assert trace(con, t.id) == t
        _assert_traces_to_its_figure(t, source.name)
    # And once through the command itself.
    shown = facts[0] if facts else fields[0]
    result = CliRunner().invoke(cli, ["trace", shown.id, "--db", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert MARK_OPEN + (shown.text or "") + MARK_CLOSE in result.output
    assert str(warehouse.parent / "raw" / source.name) in result.output


@pytest.mark.parametrize(("table", "id_column", "order"), [
    ("facts", "fact_id", "f.fact_no"), ("fields", "key", "f.key"),
])
def test_every_pdf_box_rereads_its_figure(con: duckdb.DuckDBPyConnection, table: str, id_column: str,
                                           order: str) -> None:
    rows = con.execute(
        f"select s.source_path, f.{id_column}, f.text, f.page, f.bbox_x0, f.bbox_top, f.bbox_x1, f.bbox_bottom "
        f"from {table} as f join submissions as s using (submission_id) where s.format = 'pdf' "
        f"and f.text is not null order by s.source_path, {order}").fetchall()
    assert len(rows) > 100
    misses = []
    by_file: dict[str, list[tuple]] = {}
    for row in rows:
        by_file.setdefault(row[0], []).append(row)
    for path, items in by_file.items():
        with pdfplumber.open(path) as pdf:
            for _, item_id, text, page_no, *bbox in items:
                assert page_no is not None and None not in bbox, item_id
                page = pdf.pages[page_no - 1]
                x0, top, x1, bottom = bbox
                crop = (max(x0 - 0.5, page.bbox[0]), max(top - 0.5, page.bbox[1]),
                        min(x1 + 0.5, page.bbox[2]), min(bottom + 0.5, page.bbox[3]))
                read = _WS.sub("", page.within_bbox(crop).extract_text() or "")
                if _WS.sub("", text) not in read:
                    misses.append((Path(path).name, item_id, text, read))
    assert misses == []


def test_v_fact_trace_carries_what_trace_reads(con: duckdb.DuckDBPyConnection) -> None:
    columns = {d[0] for d in con.execute("select * from v_fact_trace limit 0").description or []}
    assert set(FACT_COLUMNS) <= columns
    # From any view row to the source's characters in SQL alone.
    bad = con.execute(
        "select t.fact_id from v_fact_trace as t join documents as d using (submission_id) "
        "where substring(d.text, t.span_start + 1, t.span_end - t.span_start) is distinct from t.text"
    ).fetchall()
    assert bad == []
    row = con.execute("select fact_id, source_path, sha256, page, bbox_x0, task_no, run_id from v_fact_trace "
                      "where format = 'pdf' limit 1").fetchone()
    assert row is not None
    t = trace(con, row[0])
    assert (t.source.path, t.source.sha256, t.page, t.bbox and t.bbox[0], t.task_no, t.run_id) == row[1:]


# --- the file on disk ---------------------------------------------------------------------------

@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A warehouse of one text and one PDF form, copied so that the test may change them."""
    raw = tmp_path / "raw"
    raw.mkdir()
    text = shutil.copy2(next(s for s in SOURCES if s.name == "hsjd_2023.utf8.txt"), raw)
    pdf = shutil.copy2(next(s for s in SOURCES if s.name == "hsjd_2023.rl.pdf"), raw)
    db = tmp_path / "w.duckdb"
    ingest(raw, db, workers=0)
    return db, Path(text), Path(pdf)


def _a_fact(db: Path, path: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as c:
        row = c.execute("select fact_id from facts join submissions using (submission_id) "
                        "where source_path = ? order by fact_no limit 1", [str(path)]).fetchone()
    assert row is not None
    return str(row[0])


def test_one_changed_byte_is_reported_with_a_nonzero_exit(small: tuple[Path, Path, Path], tmp_path: Path) -> None:
    db, text, pdf = small
    runner = CliRunner()
    for path in (text, pdf):
        fact_id = _a_fact(db, path)
        assert runner.invoke(cli, ["trace", fact_id, "--db", str(db)]).exit_code == 0
        data = bytearray(path.read_bytes())
        data[-1] ^= 0x01
        path.write_bytes(bytes(data))
        page = tmp_path / "changed.html"
        result = runner.invoke(cli, ["trace", fact_id, "--db", str(db), "--html", str(page)])
        assert result.exit_code == EXIT_NOT_PROVEN
        assert "on disk   CHANGED" in result.stdout
        assert "source_changed" in result.stderr and "Traceback" not in result.output
        # The page says so, and shows no PDF page (the box was measured on other bytes).
        html = page.read_text(encoding="utf-8")
        assert 'class="state changed"' in html and "data:image/png" not in html


def test_a_deleted_file_is_reported_missing_with_a_nonzero_exit(small: tuple[Path, Path, Path]) -> None:
    db, text, _ = small
    fact_id = _a_fact(db, text)
    text.unlink()
    result = CliRunner().invoke(cli, ["trace", fact_id, "--db", str(db)])
    assert result.exit_code == EXIT_NOT_PROVEN
    assert "on disk   MISSING" in result.stdout and "source_missing" in result.stderr
    submission = submission_id_for(_loaded_sha(db, text))
    result = CliRunner().invoke(cli, ["trace", "--submission", submission, "--db", str(db)])
    assert result.exit_code == EXIT_NOT_PROVEN and "(missing)" in result.stdout


def _loaded_sha(db: Path, path: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as c:
        row = c.execute("select sha256 from submissions where source_path = ?", [str(path)]).fetchone()
    assert row is not None
    return str(row[0])


# --- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("item_id, words", [
    ("0000000000000000dead", "there is no fact"),
    ("nosuchsubmission:unit_name", "no submission"),
    ("{sub}:no_such_key", "not a field"),
    ("{sub}:contact_phone", "personal data"),
    ("{sub}", "is a submission, not a fact"),
])
def test_an_id_that_cannot_be_traced_is_one_sentence(warehouse: Path, item_id: str, words: str) -> None:
    item_id = item_id.format(sub=_submission(warehouse, "hsjd_2023.rl.pdf"))
    result = CliRunner().invoke(cli, ["trace", item_id, "--db", str(warehouse)])
    assert result.exit_code == EXIT_CANNOT_TRACE
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_a_span_that_does_not_slice_the_figure_is_a_problem(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    t = submission_traces(con, _submission(warehouse, "hsjd_2023.rl.pdf"))[0]
    off = replace(t, found=(t.found or "") + "x")
    assert [type(p) for p in off.problems()] == [SpanMismatch]


# --- the page -----------------------------------------------------------------------------------

class _Page(HTMLParser):
    """Collects what the tests look at: tags, attributes, text of the focused figure."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.focus_text = ""
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "img", "br"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open[-5:])
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.open and self.open[-1] == "a" and "focus" in (self.tags[-1][1].get("class") or ""):
            self.focus_text += data


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.open == []  # every element closed, properly nested
    return page


def _no_network(page: _Page) -> None:
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "object", "embed"), tag
        src = attrs.get("src")
        assert src is None or src.startswith("data:"), src
        if tag == "script":
            assert "src" not in attrs


def personal_values(con: duckdb.DuckDBPyConnection, submission_id: str) -> tuple[str | None, ...]:
    """The contact values of a submission, from the contacts file beside the warehouse."""
    db = Path(con.execute("select path from duckdb_databases() where database_name = current_database()")
              .fetchone()[0])
    with duckdb.connect(str(contacts_path(db)), read_only=True) as personal:
        row = personal.execute("select contact_person, contact_phone, contact_email from contacts "
                               "where submission_id = ?", [submission_id]).fetchone()
    assert row is not None
    return tuple(row)


def _no_personal_data(con: duckdb.DuckDBPyConnection, submission_id: str, html: str) -> None:
    row = personal_values(con, submission_id)
    assert any(row)
    text = con.execute("select text from documents where submission_id = ?", [submission_id]).fetchone()
    # the stored document text has them blotted out already; only the contacts file holds them
    assert text is not None and not personal_ranges(text[0], row) and MASK_CHAR in text[0]
    for value in row:
        assert not value or value not in html


def test_html_page_of_a_pdf_fact_shows_the_figure_and_the_page_with_its_box(
    con: duckdb.DuckDBPyConnection, warehouse: Path
) -> None:
    submission_id = _submission(warehouse, "hsjd_2023.rl.pdf")
    t = next(f for f in submission_traces(con, submission_id) if f.page == 1)
    html = trace_to_html(con, t)
    page = _parse(html)
    _no_network(page)
    _no_personal_data(con, submission_id, html)
    assert page.focus_text == t.text
    assert f'id="f-{t.id}"' in html and f'data-focus="f-{t.id}"' in html
    assert MARK_OPEN + (t.text or "") + MARK_CLOSE in "".join(page.text)  # the marked sentence
    assert t.source.sha256 in html and "matches" in html
    # Every other fact of the submission is highlighted too.
    assert html.count('class="fig') == len(submission_traces(con, submission_id))
    images = [a["src"] for tag, a in page.tags if tag == "img" and (a.get("src") or "").startswith("data:image/png")]
    assert len(images) == 2  # the figure enlarged, then its whole page
    image = Image.open(io.BytesIO(base64.b64decode((images[1] or "").split(",", 1)[1]))).convert("RGB")
    # The focus box is drawn in red just outside the figure's box.
    assert t.bbox is not None
    scale = RESOLUTION / 72
    x0, top, x1, bottom = (v * scale for v in t.bbox)
    below = [image.getpixel((int(x), int(bottom + BOX_PAD * scale + dy)))
             for x in range(int(x0), int(x1)) for dy in (-2, -1, 0, 1, 2)]
    assert sum(r > 180 and g < 90 and b < 90 for r, g, b in below) > (x1 - x0) / 2
    inside = [image.getpixel((int((x0 + x1) / 2), int(y))) for y in range(int(top), int(bottom))]
    assert all(g < 250 for _, g, _ in inside)  # tinted, not white
    # The contact person, phone and email printed on the page are painted over.
    stored = con.execute("select text from documents where submission_id = ?", [submission_id]).fetchone()[0]
    reread = reread_pdf(t.source, stored)
    assert reread is not None
    # the boxes painted over are those of the contact values, found without reading them
    def covered(ranges: list[tuple[int, int]]) -> set[int]:
        return {i for start, end in ranges for i in range(start, end) if reread.text[i] != "\n"}

    assert covered(masked_ranges(stored)) == covered(personal_ranges(reread.text, personal_values(con, submission_id)))
    hidden = personal_boxes(reread, masked_ranges(stored)).get(t.page or 0, [])
    assert len(hidden) > 10
    for hx0, htop, hx1, hbottom in hidden:
        assert image.getpixel((int((hx0 + hx1) / 2 * scale), int((htop + hbottom) / 2 * scale))) == (70, 70, 70)


def test_html_page_of_a_field_and_of_a_text_source(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    pdf = _submission(warehouse, "hsjd_2023.rl.pdf")
    html = trace_to_html(con, trace(con, f"{pdf}:sangong_actual"))
    page = _parse(html)
    assert page.focus_text == trace(con, f"{pdf}:sangong_actual").text
    assert trace(con, f"{pdf}:sangong_actual").bbox is not None  # stored at load
    assert "data:image/png" in html and "reading the file again" not in html
    text = _submission(warehouse, "hsjd_2023.utf8.txt")
    t = submission_traces(con, text)[0]
    html = trace_to_html(con, t)
    page = _parse(html)
    _no_network(page)
    _no_personal_data(con, text, html)
    assert page.focus_text == t.text and "<img" not in html


def test_field_loaded_without_its_box_is_boxed_by_reading_the_file_again(warehouse: Path, tmp_path: Path) -> None:
    # a warehouse upgraded from schema 1 has fields without boxes
    copy = tmp_path / "old.duckdb"
    shutil.copyfile(warehouse, copy)
    pdf = _submission(warehouse, "hsjd_2023.rl.pdf")
    with duckdb.connect(str(copy)) as writable:
        writable.execute("update fields set bbox_x0 = null, bbox_top = null, bbox_x1 = null, bbox_bottom = null")
    with duckdb.connect(str(copy), read_only=True) as old:
        field = trace(old, f"{pdf}:sangong_actual")
        assert field.bbox is None
        html = trace_to_html(old, field)
    assert "data:image/png" in html and "the box was found by reading the file again" in html


def test_evidence_pack_of_a_submission(warehouse: Path, con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    submission_id = _submission(warehouse, "zetdz_jmkj_2023.rl.pdf")
    out = tmp_path / "pack.html"
    result = CliRunner().invoke(cli, ["trace", "--submission", submission_id, "--html", str(out), "--db", str(warehouse)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    page = _parse(html)
    _no_network(page)
    _no_personal_data(con, submission_id, html)
    facts = submission_traces(con, submission_id)
    for t in facts:
        assert f'id="f-{t.id}"' in html and f'href="#f-{t.id}"' in html
    assert sum(tag == "img" for tag, _ in page.tags) == len({t.page for t in facts})


def test_document_text_is_escaped() -> None:
    assert _document_html('<script>alert("x")</script> & 1', [], None) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 1")

"""`jixiao trace --html` of a figure read by OCR: the scanned page, with the figure's box on it."""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from pipeline.batch import ingest
from pipeline.trace import submission_traces
from pipeline.trace_html import BOX_PAD, RESOLUTION, trace_to_html

SCAN = Path(__file__).parent / "fixtures" / "scans" / "hsjd_2023.lo.scan.pdf"


def test_html_trace_of_a_scanned_fact_shows_the_scanned_page_with_its_box(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIXIAO_OCR_PAGE_SECONDS", "3600")  # a loaded machine is slow, not wrong
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy2(SCAN, raw / SCAN.name)
    db = tmp_path / "jixiao.duckdb"
    report = ingest(raw, db, workers=1, timeout=3600)
    assert not report.rejects
    with duckdb.connect(str(db), read_only=True) as con:
        (submission_id,) = con.execute("select submission_id from submissions").fetchone()
        traces = [t for t in submission_traces(con, submission_id) if t.page and t.bbox]
        assert traces, "the scan's facts keep their page and box"
        t = traces[0]
        html = trace_to_html(con, t)
    assert t.text and t.text in html
    images = [part.split('"', 1)[0] for part in html.split('src="data:image/png;base64,')[1:]]
    assert len(images) == 2  # the figure enlarged, then its whole scanned page
    page = Image.open(io.BytesIO(base64.b64decode(images[1]))).convert("RGB")
    scale = RESOLUTION / 72
    x0, top, x1, bottom = (v * scale for v in t.bbox or (0, 0, 0, 0))
    assert x1 <= page.width + 1 and bottom <= page.height + 1  # the box lies on the page
    below = [page.getpixel((int(x), int(bottom + BOX_PAD * scale + dy)))
             for x in range(int(x0), int(x1)) for dy in (-2, -1, 0, 1, 2)]
    # the focus box is drawn in red just outside the figure, on the scanned image
    assert sum(r > 180 and g < 90 and b < 90 for r, g, b in below) > (x1 - x0) / 2

"""Scanned submissions read by OCR: scores against the forms' truth, provenance, refusals.

Every scan is OCR'd once per session (``scan_readings``), with the network blocked from
before the engine is built, so these tests also prove the models come from the wheel.
"""

from __future__ import annotations

import json
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2
import pytest
from form_compare import field_mismatches, task_mismatches

from extractors import ocr
from extractors.errors import JixiaoError, NotAForm, NoTextLayer, Timeout
from extractors.grid import Edge
from pipeline.extract import extract_file
from pipeline.ocr_doubts import LOW_CONFIDENCE, ocr_doubts

FIXTURES = Path(__file__).parent / "fixtures"
SCANS = FIXTURES / "scans"
MANIFEST = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
FORM_SCANS = [entry for entry in MANIFEST if "case" in entry]
REFUSED = [entry for entry in MANIFEST if "code" in entry]
STRICT = ("task_no", "kind", "value_std", "unit_std", "approx", "value_max_std")


class NetworkBlocked(AssertionError):
    """Raised by any attempt to open a connection while the scans are read."""


def _refuse(*args: Any, **kwargs: Any) -> None:
    raise NetworkBlocked("OCR tried to reach the network")


@pytest.fixture(scope="module")
def no_network() -> Iterator[None]:
    """No socket can connect (nor resolve a name) while the scans are read.

    Module-scoped, so the block ends with this module and later tests (a browser for the
    trace page) have their sockets back.

    The per-page time limit is lifted here (a loaded CI machine is slow, not wrong); its
    own test sets one.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JIXIAO_OCR_PAGE_SECONDS", "3600")
        patch.setattr(socket.socket, "connect", _refuse)
        patch.setattr(socket.socket, "connect_ex", _refuse)
        patch.setattr(socket, "create_connection", _refuse)
        patch.setattr(socket, "getaddrinfo", _refuse)
        yield


@pytest.fixture(scope="module")
def scan_readings(no_network: None) -> dict[str, dict[str, Any]]:
    """The reading of every scanned form, the OCR engine built from scratch offline."""
    ocr.ocr_engine.cache_clear()
    return {entry["file"]: extract_file(SCANS / entry["file"]) for entry in FORM_SCANS}


@pytest.fixture(scope="module")
def text_layer_readings() -> dict[str, dict[str, Any]]:
    """The reading of each scan's source PDF from its text layer: the facts' truth."""
    return {entry["file"]: extract_file(FIXTURES / entry["source"]) for entry in FORM_SCANS}


def expected_of(entry: dict[str, Any]) -> dict[str, Any]:
    return json.loads((FIXTURES / entry["expected"]).read_text(encoding="utf-8"))


def test_fixture_scans_cover_two_layouts_and_several_departments() -> None:
    producers = {entry["source"].split(".")[-2] for entry in FORM_SCANS}
    assert {"lo", "rl"} <= producers
    assert len({entry["family"] for entry in FORM_SCANS}) >= 3  # the official grid and two others
    assert len({entry["case"] for entry in FORM_SCANS}) >= 4
    assert {Path(entry["file"]).suffix for entry in MANIFEST} >= {".pdf", ".tif", ".jpg"}
    for entry in FORM_SCANS:
        if entry["file"].endswith(".pdf"):
            document = pypdfium2.PdfDocument(SCANS / entry["file"])
            assert all(not page.get_textpage().get_text_range().strip() for page in document)


def test_network_was_blocked_while_scans_were_read(scan_readings: dict[str, dict[str, Any]]) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", 9))
    assert ocr.ocr_engine.cache_info().currsize == 1  # built inside the block
    assert all(reading["source"]["ocr"] for reading in scan_readings.values())


def test_scans_score_like_the_text_layer(
    scan_readings: dict[str, dict[str, Any]], text_layer_readings: dict[str, dict[str, Any]]
) -> None:
    fields = fields_right = tasks = tasks_right = 0
    gold: Counter[tuple[Any, ...]] = Counter()
    found: Counter[tuple[Any, ...]] = Counter()
    for entry in FORM_SCANS:
        reading, expected = scan_readings[entry["file"]], expected_of(entry)
        fields += len(expected["fields"])
        fields_right += len(expected["fields"]) - len(field_mismatches(reading, expected))
        tasks += len(expected["tasks"])
        tasks_right += len(expected["tasks"]) - len(task_mismatches(reading, expected))
        name = entry["file"]
        gold.update((name, *(f.get(k) for k in STRICT)) for f in text_layer_readings[name]["facts"])
        found.update((name, *(f.get(k) for k in STRICT)) for f in reading["facts"])
    hits = sum((gold & found).values())
    precision, recall = hits / max(sum(found.values()), 1), hits / max(sum(gold.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert fields_right / fields >= 0.97, f"fields {fields_right}/{fields}"
    assert tasks_right / tasks >= 0.95, f"tasks {tasks_right}/{tasks}"
    assert f1 >= 0.90, f"facts strict F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f})"


def page_sizes(entry: dict[str, Any]) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, as the scan's file gives it."""
    path = SCANS / entry["file"]
    if path.suffix == ".pdf":
        return [tuple(page.get_size()) for page in pypdfium2.PdfDocument(path)]  # type: ignore[misc]
    return [(p.rgb.shape[1] / p.scale, p.rgb.shape[0] / p.scale) for p in ocr.image_file_pages(path.read_bytes())]


@pytest.mark.parametrize("entry", FORM_SCANS, ids=lambda e: e["file"])
def test_every_value_of_a_scan_has_page_box_and_confidence(
    entry: dict[str, Any], scan_readings: dict[str, dict[str, Any]]
) -> None:
    reading = scan_readings[entry["file"]]
    sizes = page_sizes(entry)
    items = [item for item in reading["fields"].values() if "span" in item] + reading["facts"]
    assert items
    for item in items:
        width, height = sizes[item["page"] - 1]
        x0, top, x1, bottom = item["bbox"]
        assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height, item
        assert 0 < item["confidence"] <= 1, item
    pages = reading["source"]["ocr_pages"]
    assert [p["page"] for p in pages] == list(range(1, len(sizes) + 1))


@pytest.mark.parametrize("entry", FORM_SCANS, ids=lambda e: e["file"])
def test_low_confidence_values_are_warnings(
    entry: dict[str, Any], scan_readings: dict[str, dict[str, Any]]
) -> None:
    reading = scan_readings[entry["file"]]
    for key, item in reading["fields"].items():
        if item.get("confidence", 1.0) < LOW_CONFIDENCE:
            assert any(w.startswith(f"{key}: read by OCR with low confidence") for w in reading["warnings"])
    for fact in reading["facts"]:
        if fact["confidence"] < LOW_CONFIDENCE:
            assert any(f"figure {fact['text']!r}" in w for w in reading["warnings"])


def test_doubts_never_quote_personal_values() -> None:
    fields = {
        "contact_phone": {"value": "0759-1234567", "text": "0759-1234567", "confidence": 0.3, "page": 1},
        "sangong_budget": {"value": 12.5, "text": "12.5万元", "confidence": 0.95, "page": 2},
        "unit_name": {"value": "某局", "text": "某局", "confidence": 0.5, "page": 1},
    }
    facts = [{"text": "3.5亿元", "task_no": 1, "confidence": 0.42, "page": 1},
             {"text": "12个", "task_no": 2, "confidence": 0.99, "page": 1}]
    doubts = list(ocr_doubts(fields, facts))
    assert len(doubts) == 3
    assert not any("1234567" in d for d in doubts)
    assert any(d.startswith("unit_name:") and "'某局'" in d for d in doubts)
    assert any("'3.5亿元'" in d and "task 1" in d for d in doubts)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@pytest.mark.parametrize("entry", FORM_SCANS[:2], ids=lambda e: e["file"])
def test_a_figures_box_on_the_scan_reads_the_figure_again(
    entry: dict[str, Any], scan_readings: dict[str, dict[str, Any]]
) -> None:
    """Crop each box out of the page as scanned and OCR it alone: the same digits come back."""
    reading = scan_readings[entry["file"]]
    document = pypdfium2.PdfDocument(SCANS / entry["file"])
    figures = [f for f in reading["facts"] if len(_digits(f["text"])) >= 2][:8]
    figures += [item for key, item in reading["fields"].items()
                if item.get("unit") and item.get("value") is not None][:6]
    assert len(figures) >= 8
    images = {}
    read_back = 0
    for item in figures:
        page = item["page"]
        if page not in images:
            images[page] = ocr.render_pdf_page(document[page - 1], page)
        image = images[page]
        x0, top, x1, bottom = (v * image.scale for v in item["bbox"])
        pad = 0.25 * (bottom - top)
        crop = image.rgb[int(top - pad):int(bottom + pad), int(x0 - pad):int(x1 + pad)]
        gray = ocr.image_to_gray(np.ascontiguousarray(crop))
        white = np.full((gray.shape[0] + 40, gray.shape[1] + 40), 255, np.uint8)
        white[20:-20, 20:-20] = gray
        text = "".join(line.text for line in ocr.recognise_lines(white))
        read_back += _digits(item["text"]) in _digits(text)
    assert read_back >= len(figures) - 1, f"{read_back} of {len(figures)} boxes read their figure back"


@pytest.mark.parametrize("entry", REFUSED, ids=lambda e: e["file"])
def test_blank_and_other_scans_are_refused_with_their_code(entry: dict[str, Any], no_network: None) -> None:
    expected = {"no_text_layer": NoTextLayer, "not_a_form": NotAForm}[entry["code"]]
    with pytest.raises(JixiaoError) as raised:
        extract_file(SCANS / entry["file"])
    assert isinstance(raised.value, expected)
    assert raised.value.error_code == entry["code"]


def test_a_pdf_with_one_scanned_page_is_ocrd_on_that_page_only(tmp_path: Path, no_network: None) -> None:
    """Per page: a text page keeps its text layer, a page without one is OCR'd."""
    source = FORM_SCANS[0]
    mixed = pypdfium2.PdfDocument.new()
    mixed.import_pages(pypdfium2.PdfDocument(FIXTURES / source["source"]), [0])
    mixed.import_pages(pypdfium2.PdfDocument(SCANS / source["file"]), [1])
    path = tmp_path / "mixed.pdf"
    mixed.save(path)
    reading = extract_file(path)
    assert reading["source"]["ocr"] is True
    assert [p["page"] for p in reading["source"]["ocr_pages"]] == [2]
    expected = expected_of(source)
    assert len(field_mismatches(reading, expected)) <= 2
    page_one = [item for item in reading["fields"].values() if item.get("page") == 1]
    page_two = [item for item in reading["fields"].values() if item.get("page") == 2]
    assert page_one and page_two
    assert all("confidence" not in item for item in page_one)
    assert all("confidence" in item for item in page_two)


def test_a_page_past_its_time_limit_is_a_timeout() -> None:
    page = ocr.render_pdf_page(pypdfium2.PdfDocument(SCANS / FORM_SCANS[0]["file"])[0], 1)
    with pytest.raises(Timeout) as raised:
        ocr.page_image_to_content(page, seconds=0.05)
    assert "page 1" in raised.value.message


def test_skew_is_measured_and_undone() -> None:
    page = np.full((1100, 850), 255, np.uint8)
    for y in range(100, 1000, 60):
        page[y:y + 2, 80:770] = 0
    for x in (80, 300, 770):
        page[100:962, x:x + 2] = 0
    import cv2

    turned = cv2.warpAffine(page, cv2.getRotationMatrix2D((425, 550), 0.7, 1.0), (850, 1100),
                            borderValue=255)
    assert abs(ocr.skew_angle(turned) + 0.7) <= 0.1
    straight, _ = ocr.gray_to_deskewed(turned)
    h_mask, v_mask = ocr.binary_to_line_masks(ocr.gray_to_binary(straight))
    edges = ocr.masks_to_edges(h_mask, v_mask, 850 / 595)
    assert sum(e.orientation == "h" for e in edges) == 15
    assert sum(e.orientation == "v" for e in edges) == 3


def test_red_seal_is_taken_out_and_print_under_it_kept() -> None:
    rgb = np.full((60, 60, 3), 245, np.uint8)
    rgb[10:50, 28:32] = (20, 20, 20)  # a stroke of print
    rgb[28:32, :] = (210, 40, 50)  # the seal's ring across it
    rgb[28:32, 28:32] = (18, 4, 5)  # print under the seal: dark in every channel
    gray = ocr.image_to_gray(rgb)
    assert gray[30, 5] == 255  # seal alone becomes paper
    assert gray[30, 30] < 60 and gray[20, 30] < 60  # print stays, under the seal too
    assert gray[5, 5] == 255


def test_lines_cut_by_the_seal_are_joined_only_under_the_seal() -> None:
    seal = np.zeros((600, 600), np.uint8)
    seal[280:320, :] = 255  # red ink across y 100..115 pt at scale 2.8
    scale = 2.8
    edges = [Edge("v", 50, 10, 50, 100), Edge("v", 50, 112, 50, 200),  # gap under the seal
             Edge("v", 150, 10, 150, 40), Edge("v", 150, 52, 150, 200)]  # gap of the table's own
    joined = ocr.close_gaps(edges, seal, scale)
    verticals = sorted((e.x0, e.top, e.bottom) for e in joined if e.orientation == "v")
    assert verticals == [(50, 10, 200), (150, 10, 40), (150, 52, 200)]


def _line(text: str, x: int = 100, width: int = 30, top: int = 20, height: int = 30) -> ocr.OcrLine:
    boxes = [(ch, 0.99, (float(x + i * width), float(top), float(x + (i + 1) * width), float(top + height)))
             for i, ch in enumerate(text)]
    return ocr.OcrLine(text, 0.99, (float(x), float(top), float(x + width * len(text)), float(top + height)), boxes)


def test_a_box_the_recogniser_dropped_is_found_by_its_shape_and_judged_by_its_ink() -> None:
    from extractors.marks import ocr_marks

    ink = np.zeros((80, 400), np.uint8)
    ink[26:44, 72:74] = ink[26:44, 88:90] = 255  # a 18 px □ left of 是 (x 100)
    ink[26:28, 72:90] = ink[42:44, 72:90] = 255
    ink[26:44, 172:174] = ink[26:44, 188:190] = 255  # a ☑ left of 否 (x 200): frame and tick
    ink[26:28, 172:190] = ink[42:44, 172:190] = 255
    for step in range(8):
        ink[34 + step // 2:36 + step // 2, 176 + step:178 + step] = 255
    is_line, no_line = _line("是", x=100), _line("否", x=200)
    ocr_marks([is_line, no_line], ink)
    assert is_line.text == "□是" and no_line.text == "☑否"
    assert all(0 < c <= 1 for _, c, _ in is_line.char_boxes + no_line.char_boxes)


def _box(ink: np.ndarray, x: int, top: int, size: int, *, cross: bool = False) -> None:
    """Draw a square frame (2 px sides) at (x, top), with an X inside when ``cross``."""
    ink[top:top + size, x:x + 2] = ink[top:top + size, x + size - 2:x + size] = 255
    ink[top:top + 2, x:x + size] = ink[top + size - 2:top + size, x:x + size] = 255
    if cross:
        for step in range(size - 6):
            ink[top + 3 + step, x + 3 + step] = ink[top + 3 + step, x + size - 4 - step] = 255


def test_a_box_read_as_a_character_beside_an_option_is_judged_by_its_shape() -> None:
    from extractors.marks import ocr_marks

    ink = np.zeros((80, 400), np.uint8)
    _box(ink, 82, 26, 16, cross=True)  # ☒, which the recogniser read as 区 (x 80-100)
    line = _line("区是□否", x=80)
    ocr_marks([line], ink)
    assert line.text == "☑是□否"
    # in a label (not a line of options) a character beside 是 stays what it is, frame or not
    label = _line("国是否公开", x=80)
    ocr_marks([label], ink)
    assert label.text == "国是否公开"


def test_a_frame_inside_the_option_glyph_is_no_box() -> None:
    from extractors.marks import ocr_marks

    ink = np.zeros((80, 400), np.uint8)
    _box(ink, 74, 28, 16)  # the real □ just before 是 (x 100-120)
    _box(ink, 103, 24, 16)  # the 日 at the top of 是 itself: a frame, inside the glyph
    ink[24:46, 110:112] = 255  # and a stroke down through the glyph's middle
    line = _line("是", x=100)
    ocr_marks([line], ink)
    assert line.text == "□是"
    assert line.char_boxes[0][2][2] <= 100  # the frame found is the one before the glyph


def test_a_blank_between_a_chinese_character_and_a_digit_is_the_typesetting_gap() -> None:
    # 提高 4.1 个百分点 prints 提高4.1个百分点 with Chinese typesetting's gaps; words keep theirs
    assert ocr._space_after("提高 4.1 个百分点") == [False] * 9
    assert ocr._space_after("post 2318 com") == [False, False, False, True, False, False, False, True,
                                                 False, False, False]
    assert ocr._space_after("甲 乙") == [True, False]


def test_recogniser_confusions_are_put_right() -> None:
    chars = [(ch, 0.99, (float(i), 0.0, float(i + 1), 1.0)) for i, ch in enumerate("临交（2022〕11号，降至2.1%0。")]
    fixed = ocr._per_mille(ocr._document_number_brackets(chars))
    assert "".join(ch for ch, _, _ in fixed) == "临交〔2022〕11号，降至2.1‰。"
    assert all(c <= 0.9 for ch, c, _ in fixed if ch in "〔‰")
    tick = _line("V", x=100, top=60)
    from extractors.marks import ocr_marks

    ocr_marks([_line("是（", x=100), tick], np.zeros((120, 300), np.uint8))
    assert tick.text == "√"


def test_slow_ocr_pages_are_named_for_the_progress_line() -> None:
    from pipeline.batch import SLOW_OCR_SECONDS, slow_ocr_pages

    reading = {"source": {"ocr": True, "ocr_pages": [{"page": 1, "seconds": 2.0},
                                                     {"page": 2, "seconds": SLOW_OCR_SECONDS + 4.1}]}}
    assert slow_ocr_pages(reading) == f"page 2 {SLOW_OCR_SECONDS + 4.1:.1f} s"
    assert slow_ocr_pages({"source": {"ocr": False}}) == ""


def test_the_progress_line_shows_the_slow_pages(capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli.ingest import _Progress

    progress = _Progress()
    progress.enabled = True  # as on a terminal
    progress(1, 2, "raw/扫描件.pdf", note="slow OCR: page 2 14.1 s")
    progress(2, 2, "raw/other.pdf")
    progress.close()
    shown = capsys.readouterr().err
    assert "raw/扫描件.pdf: slow OCR: page 2 14.1 s" in shown and "other.pdf: slow" not in shown

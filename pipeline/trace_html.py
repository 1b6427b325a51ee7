"""The auditor's page: one self-contained HTML file showing traced figures in their source.

The page needs no network: CSS and a few lines of script are inline, PDF pages are PNG
``data:`` URIs rendered by pdfplumber (pypdfium2) with the figures' boxes drawn on them.
Everything from the warehouse is escaped. Personal data (contact person, phone, email) is
blotted out of the document text, which is the only place the page could show it.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path

import duckdb

from extractors._typing import BBox, Span
from extractors.document import Document
from pipeline.privacy import MASK_CHAR, mask_text, masked_ranges
from pipeline.trace import (
    MARK_CLOSE,
    MARK_OPEN,
    SourceFile,
    Trace,
    document_text,
    masked_document,
    submission_source,
    submission_traces,
)
from pipeline.trace_fonts import FONT_FAMILY, font_face

RESOLUTION = 110  # dpi: an A4 page becomes ~910 x 1290 px, sharp enough for 9 pt CJK text
BOX_PAD = 1.5  # points around a figure's box, so the stroke does not cover its glyphs

# The page's own subset first (``trace_fonts``): it renders the same on a machine without CJK fonts.
FONT_STACK = (f'"{FONT_FAMILY}", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
              '"Microsoft YaHei", "PingFang SC", sans-serif')


@dataclass(frozen=True)
class PageBox:
    """A box to draw on a rendered page: a figure, numbered, focused or not."""

    bbox: BBox
    label: str
    focus: bool = False


# --- PDF pages as images ------------------------------------------------------------------------

def page_image(
    pdf_path: str, page_no: int, boxes: Iterable[PageBox], redact: Iterable[BBox] = (),
    resolution: int = RESOLUTION, crop: BBox | None = None,
) -> str:
    """Page ``page_no`` (1-based) of a PDF, or the ``crop`` of it, as a PNG data URI.

    ``boxes`` are drawn on it (the focused one in red, over the others); ``redact`` boxes are
    painted over solid, so personal data on the page cannot be read.
    """
    import pdfplumber  # imported here: tracing a text or Word source never pays for it
    from PIL import ImageDraw, ImageFont

    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[page_no - 1]
        if crop is not None:
            page = page.crop(crop, strict=False)
        image = page.to_image(resolution=resolution)
        for hidden in redact:
            image.draw_rect(hidden, fill=(70, 70, 70), stroke=(70, 70, 70), stroke_width=1)
        ordered = sorted(boxes, key=lambda b: b.focus)
        for box in ordered:
            x0, top, x1, bottom = box.bbox
            padded = (x0 - BOX_PAD, top - BOX_PAD, x1 + BOX_PAD, bottom + BOX_PAD)
            if box.focus:
                image.draw_rect(padded, fill=(255, 0, 0, 40), stroke=(220, 0, 0), stroke_width=3)
            else:
                image.draw_rect(padded, fill=(255, 190, 0, 50), stroke=(230, 140, 0), stroke_width=1)
        # Numbers tie the boxes to the list of facts; small, so they hide little of the text.
        scale = resolution / 72
        draw = ImageDraw.Draw(image.annotated)
        size = max(10, round(7 * scale))
        font = ImageFont.load_default(size=size)
        for box in ordered:
            if box.label:
                x = (box.bbox[2] + BOX_PAD - page.bbox[0]) * scale + 1
                y = (box.bbox[1] - BOX_PAD - page.bbox[1]) * scale - 0.45 * size
                draw.text((x, max(y, 0)), box.label, fill=(200, 0, 0) if box.focus else (170, 90, 0), font=font)
        buffer = io.BytesIO()
        image.annotated.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def reread_pdf(source: SourceFile, stored_text: str) -> Document | None:
    """The PDF read again, when it still matches and today's reader gives the text loaded.

    The stored text has the personal values blotted out; the new reading is compared
    after blotting out the same places.

    Only then do the stored spans mean the same characters, so its character boxes can place
    a field loaded without its box, and the personal data to paint over.
    """
    if source.state != "matches" or source.format != "pdf":
        return None
    from pipeline.extract import read_document

    document = read_document(Path(source.path), sha256=source.sha256)
    return document if mask_text(document.text, masked_ranges(stored_text)) == stored_text else None


def personal_boxes(document: Document, ranges: Iterable[Span]) -> dict[int, list[BBox]]:
    """Per page, the box of every character of the contact person, phone and email (``ranges``)."""
    boxes: dict[int, list[BBox]] = {}
    for start, end in ranges:
        for box in (document.char_boxes or [])[start:end]:
            if box is not None:
                boxes.setdefault(box.page, []).append(box.bbox)
    return boxes


def _zoom(bbox: BBox, page_width: float = 595.0) -> BBox:
    """The stretch of page around a figure shown enlarged: its line and a little above and below."""
    x0, top, x1, bottom = bbox
    half = max(150.0, (x1 - x0) / 2 + 40)
    middle = (x0 + x1) / 2
    left = min(max(middle - half, 0.0), max(page_width - 2 * half, 0.0))
    return left, top - 30, left + 2 * half, bottom + 30


# --- the page -----------------------------------------------------------------------------------

def _value(trace: Trace) -> str:
    return trace.shown_value()  # the CLI's value line, word for word


def _marked_html(trace: Trace) -> str:
    """The context with the figure highlighted, escaped piece by piece."""
    if trace.mark is None:
        return escape(trace.context) or "—"
    start, end = trace.mark
    ctx = trace.context
    return (f"{escape(ctx[:start])}<mark class=\"focus\">{escape(MARK_OPEN + ctx[start:end] + MARK_CLOSE)}</mark>"
            f"{escape(ctx[end:])}")


def _anchor(trace: Trace) -> str:
    return f"f-{trace.id}" if trace.item == "fact" else f"field-{trace.key}"


def _state_badge(source: SourceFile) -> str:
    words = {"matches": "一致 matches", "changed": "已改动 changed", "missing": "缺失 missing"}
    return f'<span class="state {source.state}">{escape(words[source.state])}</span>'


_MASKED_RUN = re.compile(f"{re.escape(MASK_CHAR)}+")


def _text_html(text: str) -> str:
    """Escaped text, each blotted-out personal value shown as one grey 已隐去 (withheld) tag."""
    return _MASKED_RUN.sub('<span class="withheld">已隐去 withheld</span>', escape(text))


def _document_html(document: str, traces: list[Trace], focus: Trace | None) -> str:
    """The document text with every traced figure highlighted and linked, the focus marked."""
    marks = [t for t in traces if t.span is not None]
    if focus is not None and focus.span is not None and all(t.id != focus.id for t in marks):
        marks.append(focus)
    marks.sort(key=lambda t: t.span or (0, 0))
    out: list[str] = []
    at = 0
    for t in marks:
        start, end = t.span or (0, 0)
        if start < at or end > len(document):
            continue  # overlapping or out of range: the table still lists it
        out.append(_text_html(document[at:start]))
        is_focus = focus is not None and t.id == focus.id
        title = f"#{t.fact_no or ''} {t.label}: {_value(t)}"
        out.append(
            f'<a class="fig{" focus" if is_focus else ""}" id="{escape(_anchor(t))}" '
            f'href="#{escape(_anchor(t))}" title="{escape(title)}">{_text_html(document[start:end])}</a>')
        at = end
    out.append(_text_html(document[at:]))
    return "".join(out)


def _meta_rows(trace: Trace, source: SourceFile) -> list[tuple[str, str]]:
    """The header of a single trace: label, value, file, state, place, load."""
    belongs = (f"任务{trace.task_no}：{escape(trace.task_goal or '')}" if trace.task_no is not None
               else escape(trace.section or "—"))
    place = "—" if source.format == "pdf" else f"{escape(source.format or '')} 来源无页码 (no pages in this format)"
    if trace.page is not None:
        place = f"第 {trace.page} 页 page {trace.page}"
        if trace.bbox is not None:
            place += " · bbox " + escape(", ".join(f"{v:.2f}" for v in trace.bbox)) + " pt (x0, top, x1, bottom)"
    span = "—"
    if trace.span is not None:
        check = ('<span class="state matches">slices the figure</span>' if trace.span_ok
                 else f'<span class="state changed">slices {escape(repr(trace.found))}</span>')
        span = f"[{trace.span[0]}, {trace.span[1]}) {check}"
    return [
        ("指标 / 字段 Metric or field", f"<b>{escape(trace.label)}</b> <code>{escape(trace.key or trace.kind or '')}</code>"
         + (f" · {escape(trace.kind)}" if trace.key and trace.kind else "")),
        ("数值 Value", f"<b>{escape(_value(trace))}</b>"),
        ("原文 Sentence", f'<span class="sentence">{_marked_html(trace)}</span>'),
        ("所属 Belongs to", belongs),
        ("位置 Page and box", place),
        ("字符 Span", span),
        ("编号 Id", f"<code>{escape(trace.id)}</code>"),
    ]


def _source_rows(source: SourceFile, first: Trace | None) -> list[tuple[str, str]]:
    now = escape(source.sha256_now or source.reason or "—")
    rows = [
        ("文件 File", f"<code>{escape(source.path)}</code> · {escape(source.format or '')}"
         + (f" · {source.pages} 页 pages" if source.pages else "")),
        ("SHA-256 入库时 at load", f"<code>{escape(source.sha256)}</code>"),
        ("现在 On disk now", f"{_state_badge(source)} <code>{now}</code>"),
    ]
    if first is not None:
        latest = "latest" if first.is_latest else "superseded by a later version"
        rows += [
            ("单位 Department", f"{escape(first.unit_name or '—')} · {escape(str(first.year or '—'))} · "
             f"version {first.version} ({latest}) · submission <code>{escape(first.submission_id)}</code>"),
            ("入库 Loaded", f"run <code>{escape(first.run_id)}</code> at {escape(str(first.ingested_at or '—'))}"),
        ]
    return rows


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(name)}</th><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="meta">{body}</table>'


def _facts_table(traces: list[Trace]) -> str:
    head = "<tr><th>#</th><th>指标 metric</th><th>数值 value</th><th>类型 kind</th><th>页 page</th><th>原文 sentence</th><th>span</th></tr>"
    body = []
    for t in traces:
        ok = "✓" if t.span_ok else "✗ " + escape(repr(t.found))
        body.append(
            f'<tr><td><a href="#{escape(_anchor(t))}">{t.fact_no or ""}</a></td><td>{escape(t.label)}</td>'
            f"<td class=\"num\">{escape(_value(t))}</td><td>{escape(t.kind or '')}</td>"
            f"<td>{escape(str(t.page or ''))}</td><td>{_marked_html(t)}</td><td>{ok}</td></tr>")
    return f'<table class="facts">{head}{"".join(body)}</table>'


def _figures(
    source: SourceFile, pages: dict[int, list[PageBox]], reread: Document | None,
    personal: list[Span], zoom: PageBox | None = None, note: str = "",
) -> str:
    """The PDF pages with their boxes, personal data painted over; nothing for other formats."""
    if source.format != "pdf":
        return ""
    if source.state != "matches":
        return (f'<p class="warn">The file on disk is {escape(source.state)}: its pages are not shown, '
                "because the boxes were measured on the bytes loaded, not on these.</p>")
    if reread is None:
        return ('<p class="warn">This jixiao reads the file differently from the one that loaded it, so the '
                "personal data on its pages cannot be located to be painted over: the pages are not shown.</p>")
    redact = personal_boxes(reread, personal)
    figures = [f'<p class="note">{escape(note)}</p>'] if note else []
    if zoom is not None:
        page_no = next(n for n, boxes in pages.items() if zoom in boxes)
        uri = page_image(source.path, page_no, pages[page_no], redact.get(page_no, ()),
                         resolution=2 * RESOLUTION, crop=_zoom(zoom.bbox))
        figures.append(f'<figure class="zoom"><img src="{uri}" alt="the figure enlarged">'
                       f"<figcaption>放大 Enlarged · 第 {page_no} 页 page {page_no}</figcaption></figure>")
    for page_no in sorted(pages):
        uri = page_image(source.path, page_no, pages[page_no], redact.get(page_no, ()))
        figures.append(
            f'<figure id="page-{page_no}"><img src="{uri}" alt="page {page_no} of {escape(source.path)}">'
            f"<figcaption>第 {page_no} 页 page {page_no} · 个人信息已涂黑 personal data painted over</figcaption></figure>")
    return "".join(figures)


def _boxes(traces: list[Trace], focus: Trace | None, focus_bbox: BBox | None) -> dict[int, list[PageBox]]:
    pages: dict[int, list[PageBox]] = {}
    for t in traces:
        if t.page is not None and t.bbox is not None and (focus is None or t.id != focus.id):
            pages.setdefault(t.page, []).append(PageBox(t.bbox, str(t.fact_no or "")))
    if focus is not None and focus.page is not None:
        box = focus.bbox or focus_bbox
        pages.setdefault(focus.page, [])
        if box is not None:
            pages[focus.page].append(PageBox(box, str(focus.fact_no or ""), focus=True))
    return pages


CSS = f"""
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {FONT_STACK}; font-size: 15px; line-height: 1.6; color: #1d1d1f; background: #f4f4f2; }}
header {{ padding: 14px 24px 6px; background: #fff; border-bottom: 1px solid #ddd; }}
h1 {{ font-size: 20px; margin: 0 0 8px; }}
h2 {{ font-size: 16px; margin: 18px 0 6px; }}
code {{ font-family: "DejaVu Sans Mono", Menlo, Consolas, "{FONT_FAMILY}", monospace; font-size: 12.5px; word-break: break-all; }}
table.meta {{ border-collapse: collapse; width: 100%; }}
table.meta th {{ text-align: left; vertical-align: top; white-space: nowrap; color: #555; font-weight: normal; padding: 3px 14px 3px 0; width: 12em; }}
table.meta td {{ padding: 3px 0; }}
.state {{ display: inline-block; padding: 0 8px; border-radius: 3px; font-weight: bold; color: #fff; }}
.state.matches {{ background: #1b7f3b; }}
.state.changed, .state.missing {{ background: #c62828; }}
.sentence {{ font-size: 16px; }}
mark.focus, a.fig.focus {{ background: #ffd54f; color: #000; outline: 2px solid #d32f2f; border-radius: 2px; }}
main {{ display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; padding: 12px 24px 24px; }}
main.nopages {{ grid-template-columns: minmax(0, 1fr); max-width: 980px; }}
.doc {{ position: relative; background: #fff; border: 1px solid #ddd; padding: 12px 16px; white-space: pre-wrap;
        overflow-wrap: anywhere; max-height: calc(100vh - 40px); overflow-y: auto; font-size: 14.5px; }}
a.fig {{ color: inherit; text-decoration: none; background: #fff3c4; border-bottom: 2px solid #f0a500; }}
a.fig:target {{ background: #ffd54f; outline: 2px solid #d32f2f; }}
.pages {{ position: sticky; top: 8px; align-self: start; max-height: calc(100vh - 16px); overflow-y: auto; }}
figure {{ margin: 0 0 14px; background: #fff; border: 1px solid #ddd; }}
figure img {{ display: block; width: 100%; height: auto; }}
figcaption {{ font-size: 13px; color: #555; padding: 2px 8px; }}
.withheld {{ background: #e0e0e0; color: #555; font-size: 12px; padding: 0 6px; border-radius: 3px; }}
figure.zoom img {{ width: 100%; }}
.warn {{ background: #fdecea; border: 1px solid #e57373; padding: 8px 12px; }}
.note {{ color: #555; font-size: 13px; margin: 0 0 6px; }}
table.facts {{ border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; }}
table.facts th, table.facts td {{ border: 1px solid #ddd; padding: 3px 6px; vertical-align: top; text-align: left; }}
table.facts td.num {{ white-space: nowrap; }}
footer {{ padding: 0 24px 24px; color: #666; font-size: 13px; }}
"""

# Scroll the document panel (not the window, so the header stays in view) to the figure the
# address names, or to the traced one.
SCRIPT = """
function show(id){var e=document.getElementById(id);if(!e)return;var d=e.closest('.doc');
if(d){d.scrollTop=e.offsetTop-d.clientHeight/2;}else{e.scrollIntoView({block:'center'});}}
window.addEventListener('load',function(){show(decodeURIComponent(location.hash.slice(1))||document.body.dataset.focus);});
window.addEventListener('hashchange',function(){show(decodeURIComponent(location.hash.slice(1)));});
"""

PRIVACY = ("个人信息已隐去 Personal data withheld: the contact person, phone and email are replaced wherever "
           "they occur in the document text and painted over on the PDF pages; the warehouse keeps them only "
           "in their own contacts file, which this page never reads.")


def _page(title: str, header: str, body: str, focus_anchor: str, with_pages: bool) -> str:
    content = (
        f"<body data-focus=\"{escape(focus_anchor)}\"><header>{header}</header>"
        f"<main class=\"{'' if with_pages else 'nopages'}\">{body}</main>"
        f"<footer>{escape(PRIVACY)} Made by <code>jixiao trace</code>.</footer>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
    fonts = font_face(title + _TAG.sub("", content))
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>{fonts}{CSS}</style></head>{content}"
    )


_TAG = re.compile(r"<[^>]*>")


def trace_to_html(con: duckdb.DuckDBPyConnection, trace: Trace) -> str:
    """The page for one traced fact or field: its submission's text with the figure focused."""
    stored = document_text(con, trace.submission_id)
    others = submission_traces(con, trace.submission_id)
    personal = masked_ranges(stored)
    reread = reread_pdf(trace.source, stored)
    focus_bbox, note = trace.bbox, ""
    if trace.item == "field" and trace.bbox is None and trace.page is not None and trace.span is not None:
        # loaded before fields kept their box (schema 2): find it by reading the file again
        page, focus_bbox = reread.locate(*trace.span) if reread else (None, None)
        focus_bbox = focus_bbox if page == trace.page else None
        note = ("This field was loaded without its box: the box was found by reading the file again."
                if focus_bbox else "This field was loaded without its box.")
    pages = _boxes(others, trace, focus_bbox)
    if trace.page is not None:
        pages = {trace.page: pages.get(trace.page, [])}  # only the page the figure is on
    zoom = next((b for b in pages.get(trace.page or 0, []) if b.focus), None)
    figures = _figures(trace.source, pages, reread, personal, zoom, note)
    header = (f"<h1>溯源 Trace · {escape(trace.label)} = {escape(_value(trace))} {_state_badge(trace.source)}</h1>"
              + _table(_meta_rows(trace, trace.source) + _source_rows(trace.source, trace)))
    body = f'<div class="doc">{_document_html(masked_document(con, trace.submission_id), others, trace)}</div>'
    if figures:
        body += f'<div class="pages">{figures}</div>'
    return _page(f"trace {trace.id}", header, body, _anchor(trace), bool(figures))


def submission_to_html(con: duckdb.DuckDBPyConnection, submission_id: str) -> str:
    """The evidence pack of one submission: every fact listed, highlighted and boxed."""
    traces = submission_traces(con, submission_id)
    source = traces[0].source if traces else submission_source(con, submission_id)
    first = traces[0] if traces else None
    stored = document_text(con, submission_id)
    personal = masked_ranges(stored)
    reread = reread_pdf(source, stored)
    figures = _figures(source, _boxes(traces, None, None), reread, personal)
    department = f"{first.unit_name} {first.year or ''}" if first else submission_id
    header = (f"<h1>证据包 Evidence pack · {escape(department)} "
              f"{_state_badge(source)}</h1>" + _table(_source_rows(source, first))
              + f"<h2>{len(traces)} 个数据 facts</h2>" + _facts_table(traces))
    body = f'<div class="doc">{_document_html(masked_document(con, submission_id), traces, None)}</div>'
    if figures:
        body += f'<div class="pages">{figures}</div>'
    return _page(f"evidence pack {submission_id}", header, body, "", bool(figures))

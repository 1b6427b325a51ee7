"""The auditor's view: from a fact or field in the warehouse back to the characters of its source.

``trace`` looks an id up (a ``fact_id``, or ``SUBMISSION_ID:FIELD_KEY`` for a field) in a
read-only connection and returns a ``Trace``: value, label, the file with its sha256 at load and
its state on disk now, page and box, the sentence with the figure marked, and the run that
loaded it. Nothing here trusts the stored offsets: ``Trace.found`` is what the span really slices
out of the stored document text, and ``Trace.problems`` says what does not hold.

Facts are read from the tables rather than ``v_fact_trace`` so that a superseded version (not in
the views, which show latest submissions) can still be traced; the columns read are the view's
(``FACT_COLUMNS``), and a test keeps the two in step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb

from extractors._typing import BBox, Span
from extractors.errors import JixiaoError
from pipeline.extract import sha256_file
from pipeline.fields import FIELDS_BY_KEY
from pipeline.privacy import mask_text, masked_ranges

FileState = Literal["matches", "changed", "missing"]
ItemKind = Literal["fact", "field"]

# Marks around the figure in a sentence: full-width brackets read well inside Chinese text
# and are not otherwise used in the forms' figures.
MARK_OPEN, MARK_CLOSE = "【", "】"


# --- errors: each with a stable code, turned into one sentence by the CLI --------------------

class TraceError(JixiaoError):
    """A trace could not be made, or what it found does not hold; ``error_code`` is stable."""

    error_code = "trace_error"
    sentence_zh = "无法追溯这个数字。"


class UnknownId(TraceError):
    """No fact, field or submission has this id in the warehouse."""

    error_code = "unknown_id"
    sentence_zh = "数据仓库中没有这个编号。"


class PersonalField(TraceError):
    """The id names a personal field (contact person, phone, email): never shown by a trace."""

    error_code = "personal_field"
    sentence_zh = "这是个人信息字段（联系人、电话、邮箱），不予追溯显示。"


class SourceChanged(TraceError):
    """The file on disk no longer has the sha256 recorded when it was loaded."""

    error_code = "source_changed"
    sentence_zh = "磁盘上的源文件已被改动，与导入时的 sha256 不一致。"


class SourceMissing(TraceError):
    """The file recorded at load is not on disk (or cannot be read) any more."""

    error_code = "source_missing"
    sentence_zh = "导入时记录的源文件已不在磁盘上（或无法读取）。"


class SpanMismatch(TraceError):
    """The stored span does not slice the stored document text to the figure's text."""

    error_code = "span_mismatch"
    sentence_zh = "记录的位置与文档文本对不上。"


# --- what a trace returns ---------------------------------------------------------------------

@dataclass(frozen=True)
class SourceFile:
    """The file a submission was loaded from, and whether it still has the same bytes."""

    path: str
    sha256: str
    format: str | None
    pages: int | None
    state: FileState
    sha256_now: str | None  # None when the file is missing or unreadable
    reason: str | None = None  # why a missing file could not be hashed


@dataclass(frozen=True)
class Trace:
    """One fact or field, followed back to its source file."""

    id: str
    item: ItemKind
    submission_id: str
    label: str  # the fact's metric, or the field's printed label
    key: str | None  # the field's key (None for a fact)
    kind: str | None  # the fact's kind, or the field's type
    value: Any
    unit: str | None
    value_std: float | None
    unit_std: str | None
    text: str | None  # the figure as stored with the fact/field
    span: Span | None
    found: str | None  # what the span slices out of the stored document text
    context: str  # the sentence (fact) or line (field) around the figure, personal data masked
    mark: Span | None  # where the figure sits in ``context``
    page: int | None
    bbox: BBox | None
    task_no: int | None
    task_goal: str | None
    section: str | None  # the field's section of the form (None for a fact)
    unit_name: str | None
    year: int | None
    version: int
    is_latest: bool
    source: SourceFile
    run_id: str
    ingested_at: datetime | None
    fact_no: int | None = None  # the fact's position in its submission
    value_max: float | None = None  # a range's upper end (``value`` is its lower end)
    approx: str | None = None  # about / over / under (FACTS.md), None when exact

    def shown_value(self) -> str:
        """The value line: the figure as printed, what it was read as (qualifier, range), the standard value.

        ``约100多亿元 → 100亿元以上 (= 10,000,000,000 元)``; numbers in plain decimals with
        thousands separators, never in scientific notation; the same in the CLI and the page.
        """
        if isinstance(self.value, bool):
            return "是 yes" if self.value else "否 no"
        if not isinstance(self.value, int | float):
            return "blank" if self.value is None else str(self.value)
        read = qualified(self.value, self.value_max, self.unit or "", self.approx)
        shown = read if self.text is None or _compact(self.text) == _compact(read) else f"{self.text} → {read}"
        if self.value_std is not None and self.unit_std and self.unit_std != self.unit:
            upper = _scaled(self.value_std, self.value, self.value_max)
            std = plain_number(self.value_std) + (f"–{plain_number(upper)}" if upper is not None else "")
            shown += f" (= {std} {self.unit_std})"
        return shown

    @property
    def marked(self) -> str:
        """The context with the figure between 【 and 】 (the bare context when there is no span)."""
        if self.mark is None:
            return self.context
        start, end = self.mark
        return f"{self.context[:start]}{MARK_OPEN}{self.context[start:end]}{MARK_CLOSE}{self.context[end:]}"

    @property
    def span_ok(self) -> bool:
        """True when the span slices the stored document text to exactly the figure's text."""
        return self.span is None or (self.found is not None and self.found == self.text)

    def problems(self) -> list[TraceError]:
        """What does not hold: the file changed or went missing, or the span is off."""
        found = source_problems(self.source)
        if not self.span_ok:
            found.append(SpanMismatch(
                f"the span {list(self.span or ())} of {self.id} slices {self.found!r}, not "
                f"{self.text!r}: the warehouse's offsets are wrong"))
        return found


# How a qualifier reads around a figure: 约 before, 以上 / 以下 after.
_BEFORE = {"about": "约"}
_AFTER = {"over": "以上", "under": "以下"}


def plain_number(value: float | int | Decimal) -> str:
    """A number as a plain decimal with thousands separators: 10,000,000,000 and 0.0025, never 1e+10."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    digits = (value if isinstance(value, Decimal) else Decimal(repr(value))).normalize()
    text = f"{digits:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def qualified(value: float | int, value_max: float | int | None, unit: str, approx: str | None) -> str:
    """The figure as read, in words: ``100亿元以上``, ``约12.5%``, ``3至5亿元``."""
    figure = plain_number(value) + (f"至{plain_number(value_max)}" if value_max is not None else "") + unit
    return _BEFORE.get(approx or "", "") + figure + _AFTER.get(approx or "", "")


def _scaled(std: float, value: float | int, value_max: float | int | None) -> Decimal | None:
    """A range's upper end in the standard unit: the same factor as its lower end, computed exactly."""
    if value_max is None or not value:
        return None
    return Decimal(repr(std)) * Decimal(repr(value_max)) / Decimal(repr(value))


def _compact(text: str) -> str:
    return "".join(text.split()).replace(",", "").replace("，", "")


def source_problems(source: SourceFile) -> list[TraceError]:
    """A changed or missing source file, as errors (empty when the file matches)."""
    if source.state == "changed":
        return [SourceChanged(
            f"{source.path} has changed since it was loaded (sha256 now {source.sha256_now}, "
            f"loaded {source.sha256}); its figures are not proven by the file on disk")]
    if source.state == "missing":
        return [SourceMissing(
            f"{source.path} is missing ({source.reason}); its figures cannot be checked against it")]
    return []


# --- the file on disk -------------------------------------------------------------------------

def file_state(path: str, sha256: str) -> tuple[FileState, str | None, str | None]:
    """Re-hash a source file: its state, its sha256 now, and why it could not be read."""
    try:
        now = sha256_file(Path(path))
    except FileNotFoundError:
        return "missing", None, "no such file"
    except OSError as exc:
        # An unreadable file proves nothing either; it counts as missing, with the reason.
        return "missing", None, exc.strerror or type(exc).__name__
    return ("matches" if now == sha256 else "changed"), now, None


class _SourceCache:
    """Hashes each source file once, however many of its figures are traced."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], tuple[FileState, str | None, str | None]] = {}

    def source(self, path: str, sha256: str, fmt: str | None, pages: int | None) -> SourceFile:
        if (path, sha256) not in self._seen:
            self._seen[path, sha256] = file_state(path, sha256)
        state, now, reason = self._seen[path, sha256]
        return SourceFile(path, sha256, fmt, pages, state, now, reason)


# --- reading the warehouse --------------------------------------------------------------------

# The columns a fact's trace reads, named as in v_fact_trace (tests/test_trace.py checks the
# view carries each one), so an analyst can do in SQL what ``trace`` does.
FACT_COLUMNS: tuple[str, ...] = (
    "fact_id", "submission_id", "task_no", "metric", "kind", "value", "unit", "value_std",
    "unit_std", "text", "span_start", "span_end", "page", "bbox_x0", "bbox_top", "bbox_x1",
    "bbox_bottom", "sentence", "unit_name", "year", "version", "source_path", "sha256", "format",
    "run_id", "ingested_at",
)

_SUBMISSION_COLUMNS = ("unit_name", "year", "version", "source_path", "sha256", "format", "run_id", "ingested_at")

_FACT_SQL = (
    "select "
    + ", ".join(f"s.{c}" if c in _SUBMISSION_COLUMNS else f"f.{c}" for c in FACT_COLUMNS)
    + ", s.pages, s.is_latest, f.fact_no, f.value_max, f.approx "
    "from facts as f join submissions as s on s.submission_id = f.submission_id "
    "where {where} order by f.submission_id, f.fact_no"
)

_FIELD_SQL = (
    "select f.*, s.unit_name, s.year, s.version, s.is_latest, s.source_path, s.sha256, s.format, "
    "s.pages, s.run_id, s.ingested_at "
    "from fields as f join submissions as s on s.submission_id = f.submission_id "
    "where {where} order by f.key"
)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def document_text(con: duckdb.DuckDBPyConnection, submission_id: str) -> str:
    """The stored document text every span of a submission points into."""
    row = con.execute("select text from documents where submission_id = ?", [submission_id]).fetchone()
    return str(row[0]) if row else ""


def masked_document(con: duckdb.DuckDBPyConnection, submission_id: str) -> str:
    """The document text with the contact person, phone and email blotted out (same offsets).

    The loader stored it so; a trace never needs the contacts file, which stays the operator's.
    """
    return document_text(con, submission_id)


def _fact_context(document: str, sentence: str | None, span: Span) -> tuple[int, int]:
    """Where the fact's sentence lies in the document around its span (else the line)."""
    start, end = span
    if sentence:
        at = document.find(sentence, max(0, end - len(sentence)))
        if 0 <= at <= start and end <= at + len(sentence):
            return at, at + len(sentence)
    return _line_around(document, span)


def _line_around(document: str, span: Span) -> tuple[int, int]:
    """The line (one cell of the form) holding a span."""
    start, end = span
    line_start = document.rfind("\n", 0, start) + 1
    line_end = document.find("\n", end)
    return line_start, len(document) if line_end < 0 else line_end


def _span(row: dict[str, Any]) -> Span | None:
    start, end = row.get("span_start"), row.get("span_end")
    return (int(start), int(end)) if start is not None and end is not None else None


def _bbox(row: dict[str, Any]) -> BBox | None:
    values: list[Any] = [row.get(c) for c in ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")]
    if any(v is None for v in values):
        return None
    x0, top, x1, bottom = (float(v) for v in values)
    return x0, top, x1, bottom


class _Context:
    """One submission's document text and personal ranges, read once for all its traces."""

    def __init__(self, con: duckdb.DuckDBPyConnection, submission_id: str) -> None:
        self.text = document_text(con, submission_id)
        self.personal = masked_ranges(self.text)
        self.goals: dict[int, str | None] = dict(con.execute(
            "select task_no, any_value(goal) from tasks where submission_id = ? group by task_no",
            [submission_id]).fetchall())

    def around(self, span: Span | None, bounds: tuple[int, int] | None) -> tuple[str | None, str, Span | None]:
        """What the span slices, the masked context, and the figure's place in it."""
        if span is None or bounds is None:
            return None, "", None
        start, end = span
        if not 0 <= start <= end <= len(self.text):
            return None, "", None
        lo, hi = bounds
        context = mask_text(self.text[lo:hi], self.personal, offset=lo)
        return self.text[start:end], context, (start - lo, end - lo)


def _fact_trace(row: dict[str, Any], ctx: _Context, sources: _SourceCache) -> Trace:
    span = _span(row)
    bounds = _fact_context(ctx.text, row["sentence"], span) if span else None
    found, context, mark = ctx.around(span, bounds)
    return Trace(
        id=row["fact_id"], item="fact", submission_id=row["submission_id"],
        label=row["metric"] or "", key=None, kind=row["kind"], value=row["value"], unit=row["unit"],
        value_std=row["value_std"], unit_std=row["unit_std"], text=row["text"], span=span,
        found=found, context=context or (row["sentence"] or ""), mark=mark,
        page=row["page"], bbox=_bbox(row), task_no=row["task_no"], task_goal=ctx.goals.get(row["task_no"]),
        section=None, unit_name=row["unit_name"], year=row["year"], version=row["version"],
        is_latest=row["is_latest"], source=sources.source(row["source_path"], row["sha256"], row["format"], row["pages"]),
        run_id=row["run_id"], ingested_at=row["ingested_at"], fact_no=row["fact_no"],
        value_max=row["value_max"], approx=row["approx"],
    )


def _field_value(row: dict[str, Any]) -> Any:
    for column in ("value_bool", "value_date", "value_num", "value_text"):
        value = row.get(column)
        if value is not None:
            return value.isoformat() if isinstance(value, date) else value
    return None


def _field_trace(row: dict[str, Any], ctx: _Context, sources: _SourceCache) -> Trace:
    spec = FIELDS_BY_KEY[row["key"]]
    span = _span(row)
    found, context, mark = ctx.around(span, _line_around(ctx.text, span) if span else None)
    return Trace(
        id=f"{row['submission_id']}:{row['key']}", item="field", submission_id=row["submission_id"],
        label=spec.label, key=row["key"], kind=spec.type, value=_field_value(row), unit=row["unit"],
        value_std=row["value_std"], unit_std=row["unit_std"], text=row["text"], span=span,
        found=found, context=context, mark=mark, page=row["page"], bbox=_bbox(row),
        task_no=None, task_goal=None, section=row["section"], unit_name=row["unit_name"],
        year=row["year"], version=row["version"], is_latest=row["is_latest"],
        source=sources.source(row["source_path"], row["sha256"], row["format"], row["pages"]),
        run_id=row["run_id"], ingested_at=row["ingested_at"],
    )


def _has_submission(con: duckdb.DuckDBPyConnection, submission_id: str) -> bool:
    return bool(con.execute("select 1 from submissions where submission_id = ?", [submission_id]).fetchone())


def trace(con: duckdb.DuckDBPyConnection, item_id: str) -> Trace:
    """Trace a fact (``fact_id``) or a field (``SUBMISSION_ID:FIELD_KEY``) to its source.

    Raises ``UnknownId`` or ``PersonalField``; a changed file is reported, not raised
    (see ``Trace.problems``).
    """
    item_id = item_id.strip()
    if ":" in item_id:
        return _trace_field(con, *item_id.split(":", 1))
    rows = _rows(con, _FACT_SQL.format(where="f.fact_id = ?"), [item_id])
    if not rows:
        if _has_submission(con, item_id):
            raise UnknownId(
                f"{item_id} is a submission, not a fact; trace one of its fields as {item_id}:FIELD_KEY, "
                f"or write its evidence pack with --submission {item_id} --html FILE")
        raise UnknownId(f"there is no fact {item_id!r} in the warehouse; take a fact_id from v_fact_trace")
    return _fact_trace(rows[0], _Context(con, rows[0]["submission_id"]), _SourceCache())


def _trace_field(con: duckdb.DuckDBPyConnection, submission_id: str, key: str) -> Trace:
    spec = FIELDS_BY_KEY.get(key)
    if spec is None:
        raise UnknownId(f"{key!r} is not a field of the form; the keys are listed in docs/reference/fields.md")
    if spec.personal:
        raise PersonalField(f"{key} is personal data, kept apart in the contacts file; a trace never shows it")
    if not _has_submission(con, submission_id):
        raise UnknownId(f"there is no submission {submission_id!r} in the warehouse; take one from submissions")
    rows = _rows(con, _FIELD_SQL.format(where="f.submission_id = ? and f.key = ?"), [submission_id, key])
    if not rows:
        raise UnknownId(f"submission {submission_id} has no row for field {key}")
    return _field_trace(rows[0], _Context(con, submission_id), _SourceCache())


def submission_traces(con: duckdb.DuckDBPyConnection, submission_id: str) -> list[Trace]:
    """Every fact of one submission, traced, in reading order (the file is hashed once)."""
    if not _has_submission(con, submission_id):
        raise UnknownId(f"there is no submission {submission_id!r} in the warehouse; take one from submissions")
    rows = _rows(con, _FACT_SQL.format(where="f.submission_id = ?"), [submission_id])
    ctx, sources = _Context(con, submission_id), _SourceCache()
    return [_fact_trace(row, ctx, sources) for row in rows]


def submission_source(con: duckdb.DuckDBPyConnection, submission_id: str) -> SourceFile:
    """The file one submission was loaded from, re-hashed now."""
    row = con.execute(
        "select source_path, sha256, format, pages from submissions where submission_id = ?", [submission_id]
    ).fetchone()
    if row is None:
        raise UnknownId(f"there is no submission {submission_id!r} in the warehouse; take one from submissions")
    return _SourceCache().source(row[0], row[1], row[2], row[3])


def submission_field_traces(con: duckdb.DuckDBPyConnection, submission_id: str) -> list[Trace]:
    """Every non-personal field of one submission that has a value, traced."""
    rows = _rows(con, _FIELD_SQL.format(where="f.submission_id = ? and f.span_start is not null"), [submission_id])
    ctx, sources = _Context(con, submission_id), _SourceCache()
    return [_field_trace(row, ctx, sources) for row in rows]

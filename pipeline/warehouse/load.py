"""One reading (contract/OUTPUT.md) into the warehouse's rows, in one transaction.

``reading_to_rows`` is the pure map (reading -> rows per table); ``load_reading`` decides
new / changed / unchanged, moves ``is_latest`` and writes the rows or nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import duckdb
import pyarrow as pa

from pipeline.fields import FIELD_SPECS, FIELDS_BY_KEY
from pipeline.privacy import CONTACT_KEYS, mask_personal
from pipeline.search.index import SEGMENTED, rows_to_search_rows
from pipeline.warehouse.contacts import CONTACT_COLUMNS
from pipeline.warehouse.faults import is_disk_full
from pipeline.warehouse.memory import STEP_TEXT, room_for_text

Row = dict[str, Any]
LoadStatus = Literal["new", "changed", "unchanged"]

# Field types stored as a number with its unit: value_num, unit, value_std, unit_std.
MEASURED_TYPES = frozenset({"amount", "count", "percent"})
# The personal keys, in form order: the columns of contacts, and never of fields.


def submission_id_for(sha256: str) -> str:
    """The stable id of a submission: the same bytes always get the same id."""
    return sha256[:16]


@dataclass(frozen=True)
class LoadResult:
    """What loading one reading did."""

    submission_id: str
    status: LoadStatus
    version: int


def _value(fields: dict[str, Any], key: str) -> Any:
    entry = fields.get(key)
    return entry.get("value") if isinstance(entry, dict) else entry


def _span(item: dict[str, Any], key: str = "span") -> tuple[Any, Any]:
    span = item.get(key)
    return (span[0], span[1]) if span else (None, None)


def _iso_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None  # the raw text stays in value_text


def _bbox_columns(item: dict[str, Any]) -> Row:
    """A reading's ``bbox`` (PDF sources only) as the four named columns."""
    bbox = item.get("bbox") or (None, None, None, None)
    return {"bbox_x0": bbox[0], "bbox_top": bbox[1], "bbox_x1": bbox[2], "bbox_bottom": bbox[3]}


def field_row(submission_id: str, key: str, entry: dict[str, Any] | None) -> Row:
    """The ``fields`` row of one field: its value in the column its FIELDS.md type names."""
    spec = FIELDS_BY_KEY[key]
    entry = entry if isinstance(entry, dict) else {"value": entry}
    value = entry.get("value")
    start, end = _span(entry)
    row: Row = {
        "submission_id": submission_id, "key": key, "section": spec.section,
        "value_text": None, "value_num": None, "value_bool": None, "value_date": None,
        "unit": entry.get("unit"), "value_std": entry.get("value_std"), "unit_std": entry.get("unit_std"),
        "text": entry.get("text"), "span_start": start, "span_end": end, "page": entry.get("page"),
        **_bbox_columns(entry),
    }
    if value is None:
        return row
    if spec.type == "bool":
        row["value_bool"] = bool(value)
    elif spec.type == "date":
        row["value_date"] = _iso_date(value)
        if row["value_date"] is None:
            row["value_text"] = str(value)
    elif spec.type in MEASURED_TYPES:
        row["value_num"] = float(value)
    else:
        row["value_text"] = str(value)
    return row


def fact_row(submission_id: str, fact_no: int, fact: dict[str, Any]) -> Row:
    """The ``facts`` row of one fact, its bbox split into the four named columns."""
    start, end = _span(fact)
    return {
        "fact_id": fact.get("id") or f"{submission_id}-{fact_no}",
        "submission_id": submission_id, "fact_no": fact_no,
        **{key: fact.get(key) for key in (
            "task_no", "metric", "kind", "value", "value_max", "unit", "value_std", "unit_std",
            "approx", "basis", "previous", "total", "text")},
        "span_start": start, "span_end": end, "page": fact.get("page"),
        **_bbox_columns(fact),
        "sentence": fact.get("sentence"),
    }


def task_row(submission_id: str, task: dict[str, Any]) -> Row:
    """The ``tasks`` row of one numbered task."""
    goal_start, goal_end = _span(task, "goal_span")
    outcome_start, outcome_end = _span(task, "outcome_span")
    return {
        "submission_id": submission_id, "task_no": task.get("no"),
        "goal": task.get("goal"), "outcome": task.get("outcome"),
        "goal_span_start": goal_start, "goal_span_end": goal_end,
        "outcome_span_start": outcome_start, "outcome_span_end": outcome_end,
    }


def reading_to_rows(reading: dict[str, Any], submission_id: str) -> dict[str, list[Row]]:
    """Every child-table row of one reading (all tables but ``submissions``)."""
    fields = reading.get("fields") or {}
    return {
        # the text every span points into, with the contact values blotted out (same offsets):
        # personal data lives in the contacts file only
        "documents": [{
            "submission_id": submission_id,
            "text": mask_personal(reading.get("text") or "", [_value(fields, key) for key in CONTACT_KEYS]),
        }],
        "fields": [
            field_row(submission_id, spec.key, fields.get(spec.key))
            for spec in FIELD_SPECS if not spec.personal
        ],
        "contacts": [
            {"submission_id": submission_id, **{key: _value(fields, key) for key in CONTACT_KEYS}}
        ],
        "tasks": [task_row(submission_id, task) for task in reading.get("tasks") or []],
        "facts": [fact_row(submission_id, no, fact) for no, fact in enumerate(reading.get("facts") or [], 1)],
        "checks": [
            {"submission_id": submission_id, "rule": c.get("rule"), "status": c.get("status"),
             "detail": c.get("detail")}
            for c in reading.get("checks") or []
        ],
        "warnings": [
            {"submission_id": submission_id, "message": str(message)}
            for message in reading.get("warnings") or []
        ],
        "reading_coverage": coverage_rows(submission_id, reading.get("coverage")),
    }


def coverage_rows(submission_id: str, coverage: dict[str, Any] | None) -> list[Row]:
    """The reading's coverage as one row (none for a reading made before coverage existed)."""
    if not coverage:
        return []
    return [{
        "submission_id": submission_id,
        "labels_found": coverage["labels_found"], "labels_expected": coverage["labels_expected"],
        "fields_read": coverage["fields_read"], "values_unreadable": len(coverage["values_unreadable"]),
        "sections_missing": ",".join(coverage["sections_missing"]) or None,
        "goals_block": coverage["goals_block"], "tasks": coverage["tasks"],
        "unaccounted_numbers": coverage["unaccounted_numbers"],
    }]


@dataclass(frozen=True)
class Pending:
    """One reading waiting to be loaded, with where it came from."""

    reading: dict[str, Any]
    sha256: str
    source_path: str
    run_id: str
    ingested_at: datetime


# Inserting through Arrow pays off from this many values (rows times columns) of a table;
# below it, typed lists do. Measured per table (bench: facts' 24 columns to checks' 4), the
# two cost the same at 1,000-2,500 values: facts from ~50 rows, search words from ~300.
ARROW_VALUES = 1500
# What a table holds once, without a primary key to say so (migration 006 took them off: DuckDB
# keeps a key's index in memory, whole). Each key starts with its submission's id, which the
# submissions table keeps unique, and a submission's rows go in once, with its submissions row;
# so rows inserted together must not repeat a key among themselves (the data checks
# unique_field_keys and unique_passage_ids look again before a night is published).
UNIQUE_ROWS = {"fields": ("submission_id", "key"), "search_passages": ("passage_id",)}


class RepeatedKey(ValueError):
    """Rows that would repeat what a table holds once: a field of a submission, a passage."""


def rows_once(table: str, rows: list[Row]) -> None:
    """Raise ``RepeatedKey`` if the rows repeat a key the table holds once (``UNIQUE_ROWS``)."""
    columns = UNIQUE_ROWS.get(table)
    if not columns:
        return
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        key = tuple(row[c] for c in columns)
        if key in seen:
            raise RepeatedKey(f"{table} would hold {', '.join(map(repr, key))} twice "
                              f"({', '.join(columns)} is one row)")
        seen.add(key)


class Loader:
    """Writes readings into one open warehouse connection; each reading loads whole or not at all.

    ``load_reading`` loads one reading in its own transaction. ``load_readings`` loads a
    night's readings several at a time: a DuckDB statement costs about a millisecond whatever
    it carries, so the rows of many readings go in one statement per table, in one
    transaction; should that transaction fail, each reading is loaded again in its own, so a
    bad reading loses only itself, as if each had been loaded alone.

    The personal rows (``contacts``) never go into the warehouse: they gather in ``contacts``
    for the night's publish step to write into the contacts file (``warehouse.contacts``).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.contacts: list[tuple[Any, ...]] = []
        self._types: dict[str, dict[str, str]] = {}

    def _column_types(self, table: str) -> dict[str, str]:
        if table not in self._types:
            rows = self.con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            self._types[table] = {name: dtype for name, dtype in rows}
        return self._types[table]

    def insert_rows(self, table: str, rows: list[Row]) -> None:
        """Insert rows (dicts by column name) in one statement, typed by the table itself; none if they repeat a key.

        One round trip per table: one row as typed scalar parameters, several as one typed
        list per column unnested side by side (DuckDB binds a list of scalars far faster
        than a list of structs or one parameter per value: measured 3x and 10x), and many
        values (``ARROW_VALUES``) as an Arrow table, which DuckDB scans without converting
        value by value.
        """
        if not rows:
            return
        rows_once(table, rows)
        types = self._column_types(table)
        columns = list(rows[0])
        names = ", ".join(f'"{c}"' for c in columns)
        if len(rows) == 1:
            values = ", ".join(f"?::{types[c]}" for c in columns)
            self.con.execute(f"insert into {table} ({names}) values ({values})",
                             [rows[0][c] for c in columns])
            return
        if len(rows) * len(columns) >= ARROW_VALUES:
            try:
                arrow = pa.table({c: [row[c] for row in rows] for c in columns})
            except (pa.ArrowException, TypeError):
                arrow = None  # values Arrow cannot type as one column: the typed lists below
            if arrow is not None:
                # the insert casts each column to the table's type (an explicit cast here costs 10x)
                self.con.register("jixiao_rows", arrow)
                try:
                    self.con.execute(f"insert into {table} ({names}) select * from jixiao_rows")
                finally:
                    self.con.unregister("jixiao_rows")
                return
        lists = ", ".join(f"unnest(?::{types[c]}[])" for c in columns)
        self.con.execute(f"insert into {table} ({names}) select {lists}",
                         [[row[c] for row in rows] for c in columns])

    def load_reading(
        self, reading: dict[str, Any], *, sha256: str, source_path: str, run_id: str,
        ingested_at: datetime | None = None,
    ) -> LoadResult:
        """Load one reading in one transaction; the same bytes twice are one submission."""
        result = self.load_readings([Pending(reading, sha256, source_path, run_id, ingested_at or datetime.now())])[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def load_readings(self, pending: list[Pending]) -> list[LoadResult | Exception]:
        """Load readings in their order: for each, what loading it did, or why it could not be loaded.

        One transaction per ``STEP_TEXT`` characters of text (a longer reading has its own, with
        room made for it: ``memory.room_for_text``); if one fails, each of its readings again
        in its own (see the class). A full disk or a broken warehouse is raised, not returned:
        no reading after it can load.
        """
        return [result for step in _steps_of_text(pending) for result in self._load_step(step)]

    def _load_step(self, pending: list[Pending]) -> list[LoadResult | Exception]:
        if not pending:
            return []
        con = self.con
        with room_for_text(con, sum(_text_chars(item) for item in pending)):
            con.execute("begin transaction")
            try:
                results, contacts = self._write(pending)
                con.execute("commit")
            except BaseException as exc:
                con.execute("rollback")
                if not isinstance(exc, Exception) or is_disk_full(exc) or isinstance(exc, duckdb.FatalException):
                    raise
                if len(pending) == 1:
                    return [exc]
                return [result for one in pending for result in self._load_step([one])]
        self.contacts.extend(contacts)
        return list(results)

    def _write(self, pending: list[Pending]) -> tuple[list[LoadResult], list[tuple[Any, ...]]]:
        """Every row of the readings, one statement per table; what each reading became."""
        loaded, versions = self._known(pending)
        tables: dict[str, list[Row]] = {}
        results: list[LoadResult] = []
        contacts: list[tuple[Any, ...]] = []
        latest: dict[tuple[Any, Any], Row] = {}  # per form, its newest submissions row so far
        superseded: list[tuple[Any, Any]] = []  # forms whose earlier versions stop being latest
        for item in pending:
            submission_id = submission_id_for(item.sha256)
            if item.sha256 in loaded:
                results.append(LoadResult(submission_id, "unchanged", 0))
                continue
            loaded.add(item.sha256)
            reading = item.reading
            fields = reading.get("fields") or {}
            form = _form_of(reading)
            version = versions.get(form, 0) + 1
            versions[form] = version
            if form in latest:
                latest[form]["is_latest"] = False  # an earlier version of tonight's
            elif version > 1:
                superseded.append(form)
            rows = reading_to_rows(reading, submission_id)
            rows |= rows_to_search_rows(rows, reading.get(SEGMENTED))  # the word index of `jixiao search`
            contacts += [tuple(row[c] for c in CONTACT_COLUMNS) for row in rows.pop("contacts")]
            source = reading.get("source") or {}
            latest[form] = submission = {
                "submission_id": submission_id, "sha256": item.sha256, "source_path": item.source_path,
                "format": source.get("format"), "pages": source.get("pages"),
                "unit_name": form[0], "year": form[1], "form_code": _value(fields, "form_code"),
                "version": version, "is_latest": True, "run_id": item.run_id,
                "ingested_at": item.ingested_at, "schema": reading.get("schema"),
            }
            rows["submissions"] = [submission]
            for table, table_rows in rows.items():
                tables.setdefault(table, []).extend(table_rows)
            results.append(LoadResult(submission_id, "new" if version == 1 else "changed", version))
        if superseded:
            self.con.execute(
                "update submissions set is_latest = false from (select unnest(?::varchar[]) as unit_name, "
                "unnest(?::integer[]) as year) as form where submissions.unit_name is not distinct from "
                "form.unit_name and submissions.year is not distinct from form.year",
                [[unit for unit, _ in superseded], [year for _, year in superseded]],
            )
        for table, table_rows in tables.items():
            self.insert_rows(table, table_rows)
        return results, contacts

    def _known(self, pending: list[Pending]) -> tuple[set[str], dict[tuple[Any, Any], int]]:
        """Which of the readings' bytes are loaded already, and each of their forms' last version."""
        shas = [item.sha256 for item in pending]
        loaded = {row[0] for row in self.con.execute(
            "select sha256 from submissions where sha256 in (select unnest(?::varchar[]))", [shas]).fetchall()}
        forms = {_form_of(item.reading) for item in pending}
        rows = self.con.execute(
            "select form.unit_name, form.year, max(version) from submissions join "
            "(select unnest(?::varchar[]) as unit_name, unnest(?::integer[]) as year) as form "
            "on submissions.unit_name is not distinct from form.unit_name "
            "and submissions.year is not distinct from form.year group by all",
            [[unit for unit, _ in forms], [year for _, year in forms]],
        ).fetchall()
        return loaded, {(unit, year): int(version) for unit, year, version in rows}


def _text_chars(item: Pending) -> int:
    text = item.reading.get("text")
    return len(text) if isinstance(text, str) else 0


def _steps_of_text(pending: list[Pending]) -> list[list[Pending]]:
    """The readings in order, cut into runs of at most ``STEP_TEXT`` characters of text (a longer one alone)."""
    steps: list[list[Pending]] = []
    chars = 0
    for item in pending:
        size = _text_chars(item)
        if not steps or chars + size > STEP_TEXT:
            steps.append([])
            chars = 0
        steps[-1].append(item)
        chars += size
    return steps


def _form_of(reading: dict[str, Any]) -> tuple[Any, int | None]:
    """The form a reading is a version of: its department and year."""
    fields = reading.get("fields") or {}
    year = _value(fields, "year")
    return _value(fields, "unit_name"), int(year) if year is not None else None

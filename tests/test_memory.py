"""DuckDB's memory in the nightly batch: bounded on the working copy, a long text given room."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from warehouse_fixtures import make_reading

from pipeline.warehouse import schema
from pipeline.warehouse.load import Loader, Pending, _steps_of_text
from pipeline.warehouse.memory import (
    BYTES_PER_CHAR,
    STEP_TEXT,
    WORKING_MEMORY,
    bound_memory,
    fetch_with_room,
    memory_limit,
    room_for_text,
)
from pipeline.warehouse.night import open_working_copy
from pipeline.warehouse.publish import discard_working_copies, prepare_working_copy

RUN = "test-run"


@pytest.fixture
def bounded(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse open as a night opens its working copy: upgraded, its memory bounded."""
    db = tmp_path / "jixiao.duckdb"
    connection = open_working_copy(db, prepare_working_copy(db))
    connection.execute("insert into runs (run_id, started_at, status) values (?, now(), 'running')", [RUN])
    yield connection
    connection.close()


def test_the_working_copy_runs_under_the_working_memory(bounded: duckdb.DuckDBPyConnection) -> None:
    assert memory_limit(bounded) == WORKING_MEMORY


def test_a_plain_connection_keeps_duckdb_s_default(tmp_path: Path) -> None:
    with schema.open_for_write(tmp_path / "w.duckdb") as con:  # tests, migrations, other commands
        limit = memory_limit(con)
        assert limit is not None and limit > 10 * WORKING_MEMORY


@pytest.mark.parametrize("limit", [WORKING_MEMORY, 3 * 1024**3, 5 * 10**8])
def test_the_limit_reads_back_as_it_was_set(limit: int) -> None:
    con = duckdb.connect()
    bound_memory(con, limit)
    assert abs((memory_limit(con) or 0) - limit) <= limit / 100  # DuckDB shows it rounded: 476.8 MiB


def test_a_step_of_long_text_gets_room_then_gives_it_back(bounded: duckdb.DuckDBPyConnection) -> None:
    with room_for_text(bounded, STEP_TEXT):  # within the step's text: as it is
        assert memory_limit(bounded) == WORKING_MEMORY
    chars = 3 * STEP_TEXT
    with room_for_text(bounded, chars):
        assert (memory_limit(bounded) or 0) >= WORKING_MEMORY + BYTES_PER_CHAR * chars * 0.99
    assert memory_limit(bounded) == WORKING_MEMORY
    with pytest.raises(ZeroDivisionError), room_for_text(bounded, chars):
        1 / 0  # noqa: B018 - a step that fails gives the room back too
    assert memory_limit(bounded) == WORKING_MEMORY


def test_room_is_never_less_than_a_connection_has(tmp_path: Path) -> None:
    with schema.open_for_write(tmp_path / "w.duckdb") as con:
        before = memory_limit(con)
        with room_for_text(con, 3 * STEP_TEXT):
            assert memory_limit(con) == before


def _pending(label: str, chars: int) -> Pending:
    digest = hashlib.sha256(label.encode()).hexdigest()
    reading = make_reading(unit_name=f"单位{label}", sha256=digest)
    reading["text"] += "附" * (chars - len(reading["text"]))  # spans stay inside: the form text comes first
    return Pending(reading, digest, f"/raw/{label}", RUN, datetime.now())


def test_a_batch_is_cut_into_steps_of_text_in_order() -> None:
    sizes = [STEP_TEXT // 2, STEP_TEXT // 2, 10_000, 3 * STEP_TEXT, 10_000, 10_000]
    batch = [_pending(str(i), size) for i, size in enumerate(sizes)]
    steps = _steps_of_text(batch)
    assert [item for step in steps for item in step] == batch
    assert [len(step) for step in steps] == [2, 1, 1, 2]  # a long one alone, the rest up to STEP_TEXT
    assert _steps_of_text([]) == []


def _chars(rows: list[tuple[Any, ...]]) -> int:
    return sum(int(n) for (n,) in rows)


def test_long_documents_load_and_are_checked_under_the_bound(bounded: duckdb.DuckDBPyConnection) -> None:
    # ~3 MB of UTF-8 each: DuckDB holds such strings whole. Twenty in one transaction could not
    # commit under the bound (a fatal error); one of ~45 MB could not even be inserted.
    batch = [_pending(f"long{i}", 1_000_000) for i in range(20)] + [_pending("huge", 15_000_000)]
    results = Loader(bounded).load_readings(batch)
    assert [getattr(r, "status", r) for r in results] == ["new"] * len(batch)
    assert memory_limit(bounded) == WORKING_MEMORY  # the room made for the huge one is given back
    lengths = "select length(text) from documents"
    with pytest.raises(duckdb.OutOfMemoryException):  # reading the huge one needs more than the bound ...
        bounded.execute(lengths).fetchall()
    assert _chars(fetch_with_room(bounded, lengths)) == 35_000_000  # ... and gets it
    assert memory_limit(bounded) == WORKING_MEMORY
    assert schema.run_checks(bounded, run_id=RUN) == {}  # the span check reads every document
    bounded.execute("update facts set span_start = span_start + 1 where fact_no = 1")
    assert schema.run_checks(bounded, run_id=RUN) == {"spans_inside_document": len(batch)}


def test_what_a_killed_run_spilled_is_thrown_away(tmp_path: Path) -> None:
    db = tmp_path / "jixiao.duckdb"
    work = prepare_working_copy(db)
    with open_working_copy(db, work) as con:  # DuckDB spills beside the working copy
        spill = Path(str(con.execute("select current_setting('temp_directory')").fetchone()[0]))  # type: ignore[index]
    assert spill == work.with_name(work.name + ".tmp")
    for clean in (prepare_working_copy, discard_working_copies):
        spill.mkdir(exist_ok=True)  # as a killed run leaves it: DuckDB removes it only when closed
        (spill / "duckdb_temp_1_storage_DEFAULT-0.tmp").write_bytes(b"spilled")
        clean(db)
        assert not spill.exists(), clean.__name__

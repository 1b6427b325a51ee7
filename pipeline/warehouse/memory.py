"""DuckDB's memory in the nightly batch: its cache bounded, a step that holds a very long text given room.

DuckDB keeps every block it writes or reads in its buffer cache until its memory limit (by
default 80% of the machine's memory) makes it evict some, so a night's batch grew with the
number of files it loaded (~48 MB of cache at 5,000). The working copy therefore runs under
``WORKING_MEMORY``: enough for a load transaction of ``STEP_TEXT`` characters of text and for
a slice of the data checks (``schema.CHECK_SLICE``). DuckDB holds a long string whole:
 - a write must have its room before it starts, since failing to commit is fatal to the
   connection: the loader cuts a night into transactions of at most ``STEP_TEXT`` characters
   and runs a longer one (one very long document) with the limit raised (``room_for_text``);
 - a query that only reads may simply fail and be run again with DuckDB's default limit
   (``fetch_with_room``).
Either way the limit comes back down after the step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

# The batch's cache stays under it: bench_ingest's batch peaks at ~260 MB at 1,000 files and
# 280-293 MB at 5,000 (270 and 368 MB with no limit and the keys migration 006 dropped). No
# lower: the span check of a slice of 500 submissions runs out of memory under 48 MB, and at
# 48 MB now and then even on a slice of 100.
WORKING_MEMORY = 64 * 1024 * 1024
# The text one load transaction may carry under that limit: about 6 MB as UTF-8, some 900
# forms of a usual size (a night's batch of readings is cut into such steps).
STEP_TEXT = 2_000_000
# Bytes of DuckDB memory per character of a step's text beyond STEP_TEXT: up to 4 bytes in
# UTF-8, and a reading's text is stored again in part (sentences, passages).
BYTES_PER_CHAR = 12

_UNITS = {"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
          "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}
_LIMIT = re.compile(r"^\s*([\d.]+)\s*([A-Za-z]+)\s*$")


def bound_memory(con: duckdb.DuckDBPyConnection, limit: int = WORKING_MEMORY) -> None:
    """Set DuckDB's memory limit (in bytes) for the database behind ``con``."""
    con.execute(f"set memory_limit = '{int(limit)}B'")


def memory_limit(con: duckdb.DuckDBPyConnection) -> int | None:
    """DuckDB's memory limit in bytes, as it reports it (``61.0 MiB``); None if it cannot say."""
    row = con.execute("select current_setting('memory_limit')").fetchone()
    match = _LIMIT.match(str(row[0])) if row else None
    if match is None or match.group(2) not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2)])


@contextmanager
def room_for_text(con: duckdb.DuckDBPyConnection, chars: int) -> Iterator[None]:
    """Run a step holding ``chars`` characters of text, with the memory limit raised if it needs it.

    A step of up to ``STEP_TEXT`` characters runs as it is. Beyond that, the limit goes up to
    fit the text for the step; afterwards a checkpoint writes what the step committed (DuckDB
    holds committed text in memory until then) and the limit goes back to what it was.
    """
    if chars <= STEP_TEXT:
        yield
        return
    limit = memory_limit(con)
    need = WORKING_MEMORY + BYTES_PER_CHAR * chars
    if limit is None or limit >= need:
        yield
        return
    bound_memory(con, need)
    try:
        yield
    finally:
        try:
            con.execute("checkpoint")
        finally:
            bound_memory(con, limit)


def fetch_with_room(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    """The rows of a read-only query; should it run out of memory, once more under DuckDB's default limit."""
    try:
        return con.execute(sql).fetchall()
    except duckdb.OutOfMemoryException:
        limit = memory_limit(con)
        con.execute("reset memory_limit")
        try:
            return con.execute(sql).fetchall()
        finally:
            if limit is not None:
                bound_memory(con, limit)

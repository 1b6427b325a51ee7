"""The auditor's sweep: has any loaded source file changed since it was loaded?

``verify_sources`` re-hashes the source file of every latest submission (optionally of one
year) and yields each result as it comes, in path order. Files are hashed in a thread pool
(hashlib and file reads release the GIL, so threads hash in parallel) and streamed in blocks
(``sha256_file``), so a large scan costs no memory; at most a few files per thread are in flight.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import duckdb

from pipeline.trace import FileState, file_state

# Files being hashed at once per thread: enough to keep the disk busy, few enough to stream.
IN_FLIGHT_PER_THREAD = 4

SourceRow = tuple[str, str, str | None, int | None, str]  # submission_id, path, unit, year, sha256
Hashed = Future[tuple[FileState, str | None, str | None]]


@dataclass(frozen=True)
class SourceCheck:
    """One latest submission's source file, re-hashed."""

    submission_id: str
    source_path: str
    unit_name: str | None
    year: int | None
    sha256: str  # recorded when it was loaded
    state: FileState
    sha256_now: str | None  # None when the file is missing or unreadable
    reason: str | None = None  # why a missing file could not be hashed

    @property
    def ok(self) -> bool:
        """True when the file on disk still has the bytes that were loaded."""
        return self.state == "matches"


def latest_sources(con: duckdb.DuckDBPyConnection, year: int | None = None) -> list[SourceRow]:
    """(submission_id, source_path, unit_name, year, sha256) of every latest submission, by path."""
    sql = "select submission_id, source_path, unit_name, year, sha256 from submissions where is_latest"
    params: list[object] = []
    if year is not None:
        sql += " and year = ?"
        params.append(year)
    found = con.execute(sql + " order by source_path, submission_id", params).fetchall()
    return [(str(r[0]), str(r[1]), r[2], r[3], str(r[4])) for r in found]


def verify_sources(
    con: duckdb.DuckDBPyConnection, *, year: int | None = None, threads: int | None = None
) -> Iterator[SourceCheck]:
    """Re-hash every latest submission's source file; yield each check in path order as it is done."""
    rows = latest_sources(con, year)
    count = max(1, threads or min(32, (os.cpu_count() or 1) * 2))
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="jixiao-verify") as pool:
        pending: deque[tuple[SourceRow, Hashed]] = deque()
        for row in rows:
            pending.append((row, pool.submit(file_state, row[1], row[4])))
            if len(pending) >= count * IN_FLIGHT_PER_THREAD:
                yield _check(*pending.popleft())
        while pending:
            yield _check(*pending.popleft())


def _check(row: SourceRow, future: Hashed) -> SourceCheck:
    submission_id, path, unit_name, year, sha256 = row
    state, now, reason = future.result()
    return SourceCheck(submission_id, path, unit_name, year, sha256, state, now, reason)

"""Refusals across nights: what was refused before, recording this night's, what is still open.

A file refused once is refused every night until its bytes change, without being read again:
each night records it anew (so ``runs.files_rejected`` counts it and ``v_open_rejects`` lists
it) with the reason it was first given. The key of a refusal is the file's *reading key*
(``pipeline.extract.reading_key``: bytes and extension), not its sha256 alone, because the same
bytes are refused for different reasons under different names (a ``.doc`` renamed ``.docx``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.extract import ReadingKey, reading_key

# A timeout or a crash may be the machine's fault, not the file's: those are read again.
RETRIED_CODES = ("timeout", "internal_error")


@dataclass(frozen=True)
class Refusal:
    """Why some bytes were refused before: the code and sentence they got then."""

    error_code: str
    message: str


def earlier_refusals(con: duckdb.DuckDBPyConnection, version: str) -> dict[ReadingKey, Refusal]:
    """Every reading key this reader version refused before, with its latest reason."""
    rows = con.execute(
        "select j.source_path, j.sha256, j.error_code, j.message from rejects as j "
        "left join runs as r on r.run_id = j.run_id "
        "where j.sha256 is not null and j.jixiao_version = ? and j.error_code not in (?, ?) "
        "order by r.started_at nulls first, j.run_id",
        [version, *RETRIED_CODES],
    ).fetchall()
    # later rows win: the latest reason for each key
    return {reading_key(Path(path), sha256): Refusal(code, message) for path, sha256, code, message in rows}


def record_rejects(
    con: duckdb.DuckDBPyConnection, run_id: str, version: str,
    rejects: Iterable[tuple[str, str | None, str, str]],
) -> None:
    """Insert this run's rejects: (source_path, sha256, error_code, message) each."""
    rows = [[run_id, path, sha256, code, message, version] for path, sha256, code, message in rejects]
    if rows:
        con.executemany(
            "insert into rejects (run_id, source_path, sha256, error_code, message, jixiao_version) "
            "values (?, ?, ?, ?, ?, ?)", rows,
        )


def nights_refused(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """For each file refused on the latest completed night, how many nights it has been refused."""
    return dict(con.execute("select source_path, nights_refused from v_open_rejects").fetchall())

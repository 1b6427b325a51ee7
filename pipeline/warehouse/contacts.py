"""Personal data in its own file: ``jixiao.contacts.duckdb`` beside ``jixiao.duckdb``, mode 0600.

Whoever may read the analysts' warehouse must not read every contact person, phone and email,
so those live in a second DuckDB file only the operator can open. The loader keeps a night's
contacts in memory (a few short strings per submission); the publish step writes them into a
working copy of the contacts file, created 0600 before any byte is in it, and
``publish.publish_night`` swaps both working copies in (contacts first, with a night marker:
see there). Each contacts file records the night that published it in ``night``.

Warehouses from before schema 4 held a ``contacts`` table; migration 004 renames it
``contacts_to_move``, ``take_contacts_to_move`` hands its rows to the night, and the night's
warehouse is then rebuilt afresh (``publish.compact_working_copy``), since DuckDB leaves the
bytes of a dropped table in the file's free blocks.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from pipeline.privacy import CONTACT_KEYS

CONTACT_COLUMNS: tuple[str, ...] = ("submission_id", *CONTACT_KEYS)
PRIVATE_MODE = 0o600
LEGACY_TABLE = "contacts_to_move"

_SCHEMA = (
    "create table if not exists contacts (submission_id varchar primary key, "
    + ", ".join(f"{key} varchar" for key in CONTACT_KEYS) + ");"
    "create table if not exists night (run_id varchar not null, published_at timestamp not null);"
)


def contacts_path(db: Path) -> Path:
    """The contacts file of a warehouse: ``jixiao.contacts.duckdb`` for ``jixiao.duckdb``."""
    return db.with_name(f"{db.stem}.contacts{db.suffix or '.duckdb'}")


def contacts_working_path(db: Path) -> Path:
    """Where a run builds the next version of the contacts file."""
    path = contacts_path(db)
    return path.with_name(path.name + ".work")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


@contextmanager
def _private_files() -> Iterator[None]:
    """Files created meanwhile (DuckDB's own, its write-ahead log) are the owner's alone.

    The umask is the process's: this runs in the batch's one writer, after the readers stopped.
    """
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _copy_private(source: Path, dest: Path) -> None:
    """Copy a file into a new one created 0600, so no moment exists where others may read it."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    with os.fdopen(fd, "wb") as out, source.open("rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())


def take_contacts_to_move(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """The rows an old warehouse kept in its own ``contacts`` (renamed by migration 004), dropped from it.

    Empty when there are none to move; the caller writes them into the contacts file and
    rebuilds the warehouse so that their bytes are gone.
    """
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = ?", [LEGACY_TABLE]
    ).fetchone()
    if not exists or not exists[0]:
        return []
    rows = con.execute(f"select {', '.join(CONTACT_COLUMNS)} from {LEGACY_TABLE}").fetchall()
    con.execute(f"drop table {LEGACY_TABLE}")
    return [tuple(row) for row in rows]


def drop_empty_contacts_to_move(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 004 leaves an empty ``contacts_to_move`` in a new warehouse: nothing to move, drop it."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = ?", [LEGACY_TABLE]
    ).fetchone()
    if exists and exists[0]:
        rows = con.execute(f"select count(*) from {LEGACY_TABLE}").fetchone()
        if rows and not rows[0]:
            con.execute(f"drop table {LEGACY_TABLE}")


def write_contacts_working_copy(db: Path, rows: Sequence[Sequence[Any]], run_id: str) -> Path:
    """The next contacts file: the published one plus this night's rows, private from its first byte.

    ``rows`` are (submission_id, contact_person, contact_phone, contact_email); a submission
    already present keeps one row, the newer. Returns the working copy, closed and checkpointed.
    """
    published, work = contacts_path(db), contacts_working_path(db)
    for leftover in (work, _wal(work)):
        leftover.unlink(missing_ok=True)
    with _private_files():
        if published.exists():
            _copy_private(published, work)
        con = duckdb.connect(str(work))
        try:
            con.execute(_SCHEMA)
            con.execute("begin transaction")
            if rows:
                # one statement for the night (executemany costs a statement a row): the last
                # row of a submission stands, as it would row by row
                last = list({row[0]: row for row in rows}.values())
                columns = ", ".join(CONTACT_COLUMNS)
                lists = ", ".join("unnest(?::varchar[])" for _ in CONTACT_COLUMNS)
                con.execute(f"insert or replace into contacts ({columns}) select {lists}",
                            [[None if row[i] is None else str(row[i]) for row in last]
                             for i in range(len(CONTACT_COLUMNS))])
            con.execute("delete from night")
            con.execute("insert into night values (?, current_timestamp)", [run_id])
            con.execute("commit")
            con.execute("checkpoint")
        finally:
            con.close()
    os.chmod(work, PRIVATE_MODE)
    return work


def contacts_night(db: Path) -> str | None:
    """The run that published the contacts file of ``db`` (None when there is none)."""
    path = contacts_path(db)
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute("select max(run_id) from night").fetchone()
    return str(row[0]) if row and row[0] else None

"""A night's two files, opened and published: the warehouse's working copy and the contacts file.

``open_working_copy`` opens the copy a run loads into (a damaged published file is named in one
sentence and left alone); ``publish_with_contacts`` writes the night's contacts into their own working copy,
then swaps both in under the night marker (``publish.publish_night``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipeline.warehouse import schema
from pipeline.warehouse.contacts import contacts_night, contacts_path, write_contacts_working_copy
from pipeline.warehouse.faults import damaged, is_disk_full, run_failure
from pipeline.warehouse.killpoints import reached
from pipeline.warehouse.memory import bound_memory
from pipeline.warehouse.publish import compact_working_copy, publish_night


def open_working_copy(db: Path, work: Path) -> duckdb.DuckDBPyConnection:
    """The working copy, open for writing and upgraded, its memory bounded; its published files checked readable first.

    Raises ``WarehouseDamaged`` naming the published warehouse or contacts file when DuckDB
    cannot read it: the run stops before it has changed anything.
    """
    try:
        contacts_night(db)
    except duckdb.Error as exc:
        if is_disk_full(exc):
            raise
        raise damaged(contacts_path(db), exc) from exc
    try:
        con = schema.open_for_write(work)
    except duckdb.Error as exc:
        if is_disk_full(exc) or not db.exists() or run_failure(exc, db) is exc:
            raise  # not the file's fault: the run's failure says what it is
        work.unlink(missing_ok=True)
        raise damaged(db, exc) from exc
    # upgraded with DuckDB's default limit (a migration may copy a table); the night under its own
    bound_memory(con)
    reached("working_copy_ready")
    return con


def publish_with_contacts(db: Path, run_id: str, contacts: Sequence[Sequence[Any]], *, compact: bool = False) -> None:
    """Publish the closed working copy and the night's contacts, as one night.

    ``compact`` rebuilds the warehouse first: the night an old warehouse's contacts moved out.
    """
    if compact:
        compact_working_copy(db)
    write_contacts_working_copy(db, contacts, run_id)
    reached("contacts_written")
    publish_night(db, run_id)

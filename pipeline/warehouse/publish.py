"""Readers never locked out, never a half-loaded night: a working copy, an atomic swap, a lock.

DuckDB lets one process write a file and no one else open it meanwhile. So the nightly run
copies the published warehouse to ``<db>.work``, loads into the copy, and at the end
``os.replace``s it over the published file: a reader opened before the swap keeps the old
file, one opened after gets the new one, and nobody ever waits. A run killed half-way leaves
only the working copy, which the next run throws away.

One run at a time: ``<db>.lock`` is held with ``flock`` for the whole run (the kernel drops it
when the process dies, so a kill -9 never leaves a stale lock) and names the run holding it.

Two files make a night: the warehouse and its contacts file (``warehouse.contacts``). Both
working copies are finished and on disk before ``<db>.publishing`` (the night marker) is
written; then the contacts file is swapped in, then the warehouse, then the marker goes. A
crash between the two renames leaves the marker: the next run finishes the swap
(``heal_interrupted_publish``) before anything else, so the pair is never from two nights for
longer than the crash lasts, and the warehouse never names a submission the contacts file lacks.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from pipeline.warehouse.contacts import contacts_path, contacts_working_path
from pipeline.warehouse.errors import IngestAlreadyRunning
from pipeline.warehouse.killpoints import reached


def lock_path(db: Path) -> Path:
    """Where the lock of a warehouse lives."""
    return db.with_name(db.name + ".lock")


def working_path(db: Path) -> Path:
    """Where a run builds the next version of a warehouse."""
    return db.with_name(db.name + ".work")


def failed_path(db: Path) -> Path:
    """Where the working copy of a run whose data checks failed is kept for inspection."""
    return db.with_name(db.name + ".failed")


def publishing_path(db: Path) -> Path:
    """The night marker: present only while a night's two files are being swapped in."""
    return db.with_name(db.name + ".publishing")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _spill(path: Path) -> Path:
    """Where DuckDB spills what does not fit its memory limit; it removes it when closed, not when killed."""
    return path.with_name(path.name + ".tmp")


def _holder(handle: Any) -> str:
    handle.seek(0)
    try:
        info = json.loads(handle.read() or "{}")
    except ValueError:
        info = {}
    if not info:
        return "another ingest"
    return (
        f"ingest run {info.get('run_id')} (pid {info.get('pid')} on {info.get('host')}, "
        f"started {info.get('started_at')})"
    )


@contextmanager
def ingest_lock(db: Path, run_id: str) -> Iterator[None]:
    """Hold the warehouse's lock for one run, or refuse at once naming the run that holds it."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The lock file is never deleted: deleting it would let two runs lock two different inodes.
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestAlreadyRunning(
                f"{_holder(handle)} is already loading {db}; wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({
            "run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(),
            "started_at": datetime.now().isoformat(timespec="seconds"),
        }))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# Linux's FICLONE ioctl: the new file shares the old one's blocks until either is written.
_FICLONE = 0x40049409


def clone_or_copy(source: Path, dest: Path) -> bool:
    """Copy a file, as a copy-on-write clone where the filesystem can (XFS, btrfs): True if cloned.

    A clone costs what the night then writes, not the size of the warehouse; elsewhere (ext4,
    tmpfs, another OS) it is a plain copy.
    """
    with open(source, "rb") as src, open(dest, "wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
            return True
        except OSError:
            pass  # no reflinks here: copy the bytes
    shutil.copyfile(source, dest)
    return False


def prepare_working_copy(db: Path) -> Path:
    """A fresh copy of the published warehouse to load into (empty path if none is published).

    Whatever a killed run left behind is thrown away: its loads were never published.
    """
    work = working_path(db)
    for leftover in (work, _wal(work)):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(_spill(work), ignore_errors=True)
    if db.exists():
        clone_or_copy(db, work)
        # A published file is always closed cleanly, but if someone wrote to it with a
        # DuckDB client and crashed, its WAL holds committed data: carry it over.
        if _wal(db).exists():
            clone_or_copy(_wal(db), _wal(work))
    return work


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_working_copy(db: Path) -> None:
    """Swap the finished working copy in for the published warehouse, atomically.

    The caller must have closed its connection, so the copy is checkpointed and has no WAL.
    """
    work = working_path(db)
    if _wal(work).exists():
        raise RuntimeError(f"{work} still has a write-ahead log; close the connection before publishing")
    _fsync(work)  # the bytes are on disk before the name points at them
    os.replace(work, db)
    _wal(db).unlink(missing_ok=True)  # stale from a crashed writer, now folded into the copy
    _fsync(db.parent)


def publish_night(db: Path, run_id: str) -> None:
    """Swap in both finished working copies, contacts first, under the night marker.

    The caller has closed both connections (no WAL left) and holds the ingest lock.
    """
    work, contacts_work = working_path(db), contacts_working_path(db)
    for path in (work, contacts_work):
        if _wal(path).exists():
            raise RuntimeError(f"{path} still has a write-ahead log; close the connection before publishing")
        _fsync(path)
    marker = publishing_path(db)
    marker.write_text(json.dumps({"run_id": run_id}), encoding="utf-8")
    _fsync(marker)
    _fsync(db.parent)  # from here on the night is published: a crash is healed forward
    reached("marker_written")
    _swap_in(db)


def _swap_in(db: Path) -> None:
    """The renames of a publish, in their fixed order; each step is skipped once done."""
    contacts_work = contacts_working_path(db)
    if contacts_work.exists():
        os.replace(contacts_work, contacts_path(db))
        reached("contacts_swapped")
    if working_path(db).exists():
        os.replace(working_path(db), db)
        _wal(db).unlink(missing_ok=True)
    _fsync(db.parent)
    reached("warehouse_swapped")
    publishing_path(db).unlink(missing_ok=True)
    _fsync(db.parent)


def heal_interrupted_publish(db: Path) -> str | None:
    """Finish a publish a crash interrupted between its renames; the night it published, if any.

    Both working copies were complete and on disk before the marker was written, so finishing
    the swap is always right. Call under the ingest lock, before a new run touches anything.
    """
    marker = publishing_path(db)
    if not marker.exists():
        return None
    try:
        run_id = json.loads(marker.read_text(encoding="utf-8") or "{}").get("run_id")
    except ValueError:
        run_id = None  # torn while written; the copies it guards were on disk before it
    _swap_in(db)
    return str(run_id) if run_id else None


def compact_working_copy(db: Path) -> None:
    """Rebuild the closed working copy into a fresh file: dropped tables' bytes do not survive.

    DuckDB reuses the blocks of a dropped table but does not wipe them; a copy of the live data
    into a new file leaves them behind. Used once, on the night old contacts move out.
    """
    work = working_path(db)
    fresh = work.with_name(work.name + ".fresh")
    fresh.unlink(missing_ok=True)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach {_quoted(work)} as src (read_only)")
        con.execute(f"attach {_quoted(fresh)} as dst")
        con.execute("copy from database src to dst")
        con.execute("detach dst")
        con.execute("detach src")
    finally:
        con.close()
    os.replace(fresh, work)


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def running_ingest(db: Path) -> str | None:
    """The ingest holding the warehouse's lock right now, named, or None when none runs."""
    path = lock_path(db)
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below, after the lock test
    except OSError:
        return None
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(handle)
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return None


def discard_working_copies(db: Path) -> None:
    """Throw away a failed run's working copies (they may be what filled the disk).

    Not once the night marker is written: those copies are the night being published.
    """
    if publishing_path(db).exists():
        return
    for path in (working_path(db), contacts_working_path(db)):
        for leftover in (path, _wal(path), path.with_name(path.name + ".fresh")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(_spill(path), ignore_errors=True)


def keep_failed_copy(db: Path) -> Path:
    """Move a working copy that failed its checks aside, unpublished, for an operator to inspect."""
    work, failed = working_path(db), failed_path(db)
    os.replace(work, failed)
    if _wal(work).exists():
        os.replace(_wal(work), _wal(failed))
    return failed

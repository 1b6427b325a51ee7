"""Readers never locked out, never a half-loaded night: a working copy, an atomic swap, a lock.

DuckDB lets one process write a file and no one else open it meanwhile. So the nightly run
copies the published warehouse to ``<db>.work``, loads into the copy, and at the end
``os.replace``s it over the published file: a reader opened before the swap keeps the old
file, one opened after gets the new one, and nobody ever waits. A run killed half-way leaves
only the working copy, which the next run throws away.

One run at a time: ``<db>.lock`` is held with ``flock`` for the whole run (the kernel drops it
when the process dies, so a kill -9 never leaves a stale lock) and names the run holding it.
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

from pipeline.warehouse.errors import IngestAlreadyRunning


def lock_path(db: Path) -> Path:
    """Where the lock of a warehouse lives."""
    return db.with_name(db.name + ".lock")


def working_path(db: Path) -> Path:
    """Where a run builds the next version of a warehouse."""
    return db.with_name(db.name + ".work")


def failed_path(db: Path) -> Path:
    """Where the working copy of a run whose data checks failed is kept for inspection."""
    return db.with_name(db.name + ".failed")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


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


def keep_failed_copy(db: Path) -> Path:
    """Move a working copy that failed its checks aside, unpublished, for an operator to inspect."""
    work, failed = working_path(db), failed_path(db)
    os.replace(work, failed)
    if _wal(work).exists():
        os.replace(_wal(work), _wal(failed))
    return failed

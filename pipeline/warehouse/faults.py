"""When the machine, not a file, stops a run: a full disk, a damaged warehouse, in one sentence.

``run_failure`` turns what the run died of into the ``WarehouseError`` the operator reads
(Chinese, then English); ``damaged`` words a warehouse or contacts file DuckDB cannot open.
Neither touches the published files: a failed run publishes nothing.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import duckdb

from pipeline.warehouse.errors import DiskFull, WarehouseDamaged, WarehouseError

# How DuckDB words a failed write when the disk is full (it wraps the OS error in its own).
_DISK_FULL_WORDS = ("no space left on device", "disk is full", "not enough space")
# How DuckDB words a file it cannot trust: a bad header, a block whose checksum fails.
_DAMAGE_WORDS = ("corrupt", "not a valid duckdb database", "checksum")


def mount_point(path: Path) -> Path:
    """The mount point of the file system holding ``path`` (the disk, as an operator names it)."""
    current = path if path.exists() else path.parent
    current = current.resolve()
    while not os.path.ismount(current) and current != current.parent:
        current = current.parent
    return current


def is_disk_full(exc: BaseException) -> bool:
    """True when an exception (or what it wraps) is a write refused for want of space."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(current, duckdb.Error) and any(w in str(current).lower() for w in _DISK_FULL_WORDS):
            return True
        current = current.__cause__ or current.__context__
    return False


def disk_full(db: Path) -> DiskFull:
    """The sentence for a run stopped by a full disk, naming the disk and its free space."""
    disk = mount_point(db.parent)
    free = shutil.disk_usage(disk).free if disk.exists() else 0
    return DiskFull(
        f"存放仓库的磁盘 {disk} 已满（剩余 {free:,} 字节），本次未发布任何内容，原仓库未改动；"
        f"请腾出空间或把仓库移到更大的磁盘后重新运行。"
        f" / The disk {disk} holding {db} is full ({free:,} bytes free): nothing was published and "
        "the warehouse is as the previous night left it; free some space or move the warehouse to a "
        "larger disk, then run again."
    )


def damaged(path: Path, exc: BaseException) -> WarehouseDamaged:
    """The sentence for a warehouse or contacts file DuckDB cannot read."""
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return WarehouseDamaged(
        f"文件 {path} 已损坏，无法读取，未作任何改动；请从备份恢复或将其移开后重新运行。"
        f" / {path} is damaged and cannot be read ({detail}); it was left as it is: restore it "
        "from a backup or move it aside, then run again."
    )


def run_failure(exc: BaseException, db: Path) -> BaseException:
    """What to raise for an exception that stopped a run: the operator's sentence where there is one."""
    if isinstance(exc, WarehouseError):
        return exc
    if is_disk_full(exc):
        return disk_full(db)
    if isinstance(exc, duckdb.Error) and any(w in str(exc).lower() for w in _DAMAGE_WORDS):
        return damaged(db, exc)  # found while reading the copy: the published file has it too
    return exc

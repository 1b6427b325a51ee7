"""Readings staged as Parquet beside the warehouse, so a distributed night can be resumed.

``<db>.staging/<run_id>/part-NNNNN.parquet``: one row per file read (its path, sha256, the
jixiao version that read it, and either the reading as OUTPUT.md's JSON or the reject's code
and message). A part is written to a temporary name and renamed, so a killed run leaves only
whole parts. The next run takes a staged reading instead of reading the file again when the
path, the bytes (sha256) and the jixiao version are the same; anything else is discarded.
The folder is removed once the night that loaded it is published.

pyarrow comes with the ``ray`` extra; it is imported only when a stage is used.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.errors import InternalError
from pipeline import __version__
from pipeline.engines import FileJob, Outcome, Reject

# Codes that may be the machine's fault, not the file's: never reused, always read again.
RETRIED_CODES = frozenset({"timeout", "internal_error"})
COLUMNS = ("path", "sha256", "jixiao_version", "error_code", "message", "reading")
_PARTS_CACHED = 4


def staging_path(db: Path) -> Path:
    """Where the staged readings of a warehouse's runs live: ``<db>.staging``."""
    return db.with_name(db.name + ".staging")


@dataclass(frozen=True)
class StagedRef:
    """Where one staged reading is: its part file and row."""

    part: Path
    row: int


def outcome_to_row(job: FileJob, outcome: Outcome) -> dict[str, Any]:
    """The staging row of one outcome; the reading is kept as OUTPUT.md's JSON, byte for byte."""
    row: dict[str, Any] = {"path": str(job.path), "sha256": job.sha256, "jixiao_version": __version__,
                           "error_code": None, "message": None, "reading": None}
    if isinstance(outcome, Reject):
        row.update(error_code=outcome.error_code, message=outcome.message)
        return row
    try:
        row["reading"] = json.dumps(outcome, ensure_ascii=False)
    except (TypeError, ValueError) as exc:  # the reader's bug, not the file's
        row.update(error_code="internal_error", message=InternalError.from_exception(exc).message)
    return row


def row_to_outcome(row: dict[str, Any]) -> Outcome:
    """The reading (or Reject) a staging row holds."""
    if row["error_code"] is not None:
        return Reject(row["path"], row["sha256"], row["error_code"], row["message"] or "")
    reading: dict[str, Any] = json.loads(row["reading"])
    return reading


class ReadingStage:
    """The staging folder of a warehouse, writing into the sub-folder of one run."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.root = root
        self.run_dir = root / run_id
        self._parts_written = 0
        self._cache: OrderedDict[Path, list[dict[str, Any]]] = OrderedDict()
        self.discarded = 0

    def earlier(self, jobs: list[FileJob]) -> dict[FileJob, StagedRef]:
        """Readings staged by earlier runs that ``jobs`` can take instead of reading again.

        A staged reading counts only for the same path and bytes read by this jixiao version,
        and never a ``timeout`` or ``internal_error``; the rest is counted in ``discarded``.
        """
        import pyarrow.parquet as pq

        wanted = {(str(job.path), job.sha256): job for job in jobs}
        found: dict[FileJob, StagedRef] = {}
        self.discarded = 0
        for part in sorted(self.root.glob("*/part-*.parquet")):
            if part.parent == self.run_dir:
                continue
            try:
                table = pq.read_table(part, columns=["path", "sha256", "jixiao_version", "error_code"])
            except (OSError, ValueError):
                continue  # unreadable (disk trouble): those files are simply read again
            for row_no, row in enumerate(table.to_pylist()):
                job = wanted.get((row["path"], row["sha256"]))
                if job is None or row["jixiao_version"] != __version__ or row["error_code"] in RETRIED_CODES:
                    self.discarded += 1
                elif job not in found:
                    found[job] = StagedRef(part, row_no)
        return found

    def write(self, rows: list[dict[str, Any]]) -> list[StagedRef]:
        """Stage rows as one new part file of this run (atomically); where each row went."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._parts_written += 1
        part = self.run_dir / f"part-{self._parts_written:05d}.parquet"
        temporary = part.with_name(f".{part.name}.tmp")
        schema = pa.schema([(name, pa.string()) for name in COLUMNS])
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), temporary)
        fd = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(fd)  # whole on disk before its name says it is staged
        finally:
            os.close(fd)
        os.replace(temporary, part)
        return [StagedRef(part, row_no) for row_no in range(len(rows))]

    def read(self, ref: StagedRef) -> Outcome:
        """The outcome staged at ``ref`` (a few parts are kept decoded: reads come in runs)."""
        import pyarrow.parquet as pq

        rows = self._cache.get(ref.part)
        if rows is None:
            rows = pq.read_table(ref.part).to_pylist()
            self._cache[ref.part] = rows
            while len(self._cache) > _PARTS_CACHED:
                self._cache.popitem(last=False)
        self._cache.move_to_end(ref.part)
        return row_to_outcome(rows[ref.row])

    def clear(self) -> None:
        """Remove every run's staged readings: the night that loaded them is published."""
        self._cache.clear()
        shutil.rmtree(self.root, ignore_errors=True)

"""The local engine's reader pool hands out files from a thread of its own (``map_ahead``).

The batch loads readings a batch at a time; the readers must go on reading meanwhile,
an error of the dispatching thread must reach the batch, and closing the pool must stop
that thread even while a reader is in the middle of a long file.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pipeline.engines import FileJob, Reject, local
from pipeline.engines.local import ReaderPool


def timed_extract(path: Path, *, sha256: str | None = None, max_bytes: int = 0) -> dict[str, Any]:
    """A reading that says when and by whom it was made; 50 ms a file, an hour for a file
    named ``hang``, and the reader dies on one named ``crash``."""
    started = time.time()
    if Path(path).name == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(3600 if Path(path).name == "hang" else 0.05)
    return {"path": str(path), "started": started, "reader": os.getpid()}


def _jobs(count: int, name: str = "file") -> list[FileJob]:
    return [FileJob(Path(f"/nowhere/{name}{index}"), f"{index:064d}") for index in range(count)]


def test_readers_go_on_reading_while_the_caller_loads() -> None:
    pool = ReaderPool(2, timed_extract, timeout=30.0, max_bytes=0)
    try:
        outcomes = pool.map_ahead(_jobs(24))
        first = next(outcomes)
        busy_from = time.time()
        time.sleep(0.6)  # the caller loading a batch
        busy_to = time.time()
        rest = list(outcomes)
    finally:
        pool.close()
    readings = [outcome for _, outcome in [first, *rest]]
    assert len(readings) == 24
    started_while_busy = [r for r in readings if busy_from < r["started"] < busy_to]
    # one file each was handed out before the caller went away; with no thread handing out
    # more, no other file could start until it came back
    assert len(started_while_busy) >= 4, started_while_busy


def test_an_error_of_the_dispatching_thread_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = ReaderPool(1, timed_extract, timeout=30.0, max_bytes=0)

    def broken(*_: Any) -> Any:
        raise RuntimeError("the dispatcher broke")

    monkeypatch.setattr(pool, "_collect", broken)
    try:
        with pytest.raises(RuntimeError, match="the dispatcher broke"):
            list(pool.map_ahead(_jobs(3)))
    finally:
        pool.close()


def test_close_stops_the_thread_while_a_reader_is_mid_file() -> None:
    pool = ReaderPool(1, timed_extract, timeout=3600.0, max_bytes=0)
    outcomes = pool.map_ahead([FileJob(Path("/nowhere/hang"), "0" * 64)])
    thread = pool._thread
    assert thread is not None and thread.is_alive()
    closing = threading.Thread(target=pool.close)
    closing.start()
    closing.join(30)  # a guard against hanging, not a speed limit: the file would take an hour
    assert not closing.is_alive(), "close waited for the reader's file"
    assert not thread.is_alive()
    assert all(not worker.process.is_alive() for worker in pool._workers)
    del outcomes


@pytest.mark.parametrize(("first", "code", "timeout"), [("crash", "internal_error", 30.0), ("hang", "timeout", 1.0)])
def test_the_files_queued_behind_a_file_that_kills_its_reader_are_read(first: str, code: str, timeout: float) -> None:
    # one reader, so the files after the first wait in its pipe when it dies or is killed
    pool = ReaderPool(1, timed_extract, timeout=timeout, max_bytes=0)
    jobs = [FileJob(Path(f"/nowhere/{first}"), "0" * 64), *_jobs(4)]
    try:
        outcomes = dict((job.path.name, outcome) for job, outcome in pool.map_ahead(jobs))
    finally:
        pool.close()
    assert set(outcomes) == {job.path.name for job in jobs}
    rejected = {name: outcome.error_code for name, outcome in outcomes.items() if isinstance(outcome, Reject)}
    assert rejected == {first: code}


def test_a_reader_is_replaced_after_its_quota_of_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "MAX_FILES_PER_WORKER", 3)
    pool = ReaderPool(1, timed_extract, timeout=30.0, max_bytes=0)
    try:
        readings = [outcome for _, outcome in pool.map_ahead(_jobs(8))]
    finally:
        pool.close()
    assert len(readings) == 8 and not any(isinstance(r, Reject) for r in readings)
    files_per_reader = sorted(Counter(r["reader"] for r in readings).values())
    assert files_per_reader == [2, 3, 3]


def test_a_reader_starts_warmed_up_with_its_garbage_collector_tuned() -> None:
    """Readers fork from a process that ran ``warm_up``: imports and the jieba dictionary
    loaded and frozen out of the collector's sight, the youngest generation collected
    every GC_YOUNG_THRESHOLD allocations."""
    import subprocess
    import sys

    from pipeline.extract import GC_YOUNG_THRESHOLD

    probe = ("import gc; from pipeline.extract import warm_up; warm_up(); "
             "print(gc.get_threshold()[0], gc.get_freeze_count() > 10000)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.split()
    assert out == [str(GC_YOUNG_THRESHOLD), "True"]

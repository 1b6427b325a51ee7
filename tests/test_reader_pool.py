"""The local engine's reader pool hands out files from a thread of its own (``map_ahead``).

The batch loads readings a batch at a time; the readers must go on reading meanwhile,
an error of the dispatching thread must reach the batch, and closing the pool must stop
that thread even while a reader is in the middle of a long file.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.engines import FileJob
from pipeline.engines.local import ReaderPool


def timed_extract(path: Path, *, sha256: str | None = None, max_bytes: int = 0) -> dict[str, Any]:
    """A reading that says when it was started; 50 ms a file, or an hour for a file named ``hang``."""
    started = time.time()
    time.sleep(3600 if Path(path).name == "hang" else 0.05)
    return {"path": str(path), "started": started}


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

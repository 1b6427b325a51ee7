"""The local engine: reader processes on this machine, each file with a per-file time limit.

A hung reader is killed and its file becomes a ``timeout`` reject, a crashed one an
``internal_error`` reject; either reader is replaced and the run goes on. A reader is also
replaced after ``MAX_FILES_PER_WORKER`` files, so a slow leak cannot grow all night.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from extractors.errors import InternalError
from pipeline.engines import (
    Extractor,
    FileJob,
    Outcome,
    ReadingEngine,
    ReadSettings,
    Reject,
    crash_reject,
    read_one,
    timeout_reject,
)
from pipeline.extract import reader_context
from pipeline.warehouse.errors import ReaderStartFailed

# Seconds a new reader process may take to start before its first file's time begins.
READER_START_GRACE = 60.0
# A worker is replaced after this many files, so a slow leak in a reader cannot grow all night.
MAX_FILES_PER_WORKER = 500
# Outcomes the readers may be ahead of the loader (``ReaderPool.map_ahead``): a loader batch's worth
READ_AHEAD = 64
# Files sent to a worker at a time: the one it reads and the next, waiting in its pipe
FILES_IN_FLIGHT = 2
# Seconds the dispatching thread may wait for the interpreter once a reader is free
DISPATCH_LATENCY = 0.0005


def _die_with_parent() -> None:
    """Linux: have the kernel kill this reader when the batch dies (even by kill -9).

    Without it a reader stuck in a hanging file would outlive a killed batch.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: a reader still exits once its pipe closes


def _worker_main(conn: Connection, extractor: Extractor, max_bytes: int) -> None:
    """A reader process: read the files it is sent, send back a reading or a reject."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        conn.send(("ready", None))  # tells a reader that dies on a file from one that cannot start
        while (task := conn.recv()) is not None:
            index, job = task
            outcome = read_one(extractor, job, max_bytes)
            try:
                conn.send((index, outcome))
            except (pickle.PicklingError, TypeError, AttributeError) as exc:  # the reader's bug, not the file's
                conn.send((index, Reject(str(job.path), job.sha256, "internal_error",
                                         InternalError.from_exception(exc).message)))
    except (EOFError, OSError):
        return  # the batch is gone: nobody to answer


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    # the jobs sent to it, in order: it reads the first, the others wait in its pipe
    queue: deque[int] = field(default_factory=deque)
    deadline: float = 0.0  # the first job's
    files_done: int = 0
    ready: bool = False


class ReaderPool:
    """N reader processes with a per-file time limit; a hung or dead one is replaced.

    ``concurrent.futures`` cannot kill one hung worker, so each worker here has its own pipe
    and the parent waits on all pipes and process sentinels with the nearest deadline.
    """

    def __init__(self, workers: int, extractor: Extractor, timeout: float, max_bytes: int) -> None:
        # not fork: the parent has DuckDB's threads running, and forking those is unsafe;
        # a warmed fork server (jieba and the readers loaded once) forks the readers instead
        self._ctx = reader_context()
        self._extractor = extractor
        self._timeout = timeout
        self._max_bytes = max_bytes
        # map_ahead's thread, and what stops it: the flag, and a pipe that wakes its wait
        self._thread: threading.Thread | None = None
        self._switch_interval = sys.getswitchinterval()
        self._halt = threading.Event()
        self._wake_up = multiprocessing.Pipe(duplex=False)
        self._workers = [self._spawn() for _ in range(workers)]

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_worker_main, args=(child, self._extractor, self._max_bytes), daemon=True,
            name="jixiao-reader",
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    @staticmethod
    def _stop(worker: _Worker, grace: float) -> None:
        worker.process.join(grace)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def _replace(self, worker: _Worker, grace: float = 0.0) -> None:
        self._stop(worker, grace)
        self._workers[self._workers.index(worker)] = self._spawn()

    def map(self, jobs: list[FileJob]) -> Iterator[tuple[FileJob, Outcome]]:
        """Read every job; yield (job, reading or Reject) in the order they finish."""
        pending = deque(range(len(jobs)))
        while not self._halt.is_set():
            self._dispatch(jobs, pending)
            busy = [w for w in self._workers if w.queue]
            if not busy:
                return
            nearest = min(w.deadline for w in busy)
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy] + [self._wake_up[0]],
                 timeout=max(0.0, nearest - time.monotonic()))
            if self._halt.is_set():
                return
            finished = [item for worker in busy for item in self._collect(worker, jobs, pending)]
            # the next files go out before the caller loads these: readers never wait on the loader
            self._dispatch(jobs, pending)
            yield from finished

    def map_ahead(self, jobs: list[FileJob]) -> Iterator[tuple[FileJob, Outcome]]:
        """``map`` run by a thread of its own, up to ``READ_AHEAD`` outcomes ahead of the caller.

        The caller loads readings a batch at a time; a reader that finished its file while the
        caller was loading would wait for the next one until the caller came back for more.
        Here a thread hands out the next file as soon as a reader is free (it waits on pipes
        and sleeps, so it takes little from the caller), and the caller takes the outcomes
        from a queue. An error of the thread (a reader that cannot start) is raised to the
        caller; ``close`` stops the thread before the readers.
        """
        outcomes: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=READ_AHEAD)

        def hand_over(kind: str, item: object) -> bool:
            while not self._halt.is_set():
                try:
                    outcomes.put((kind, item), timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def run() -> None:
            try:
                for item in self.map(jobs):
                    if not hand_over("outcome", item):
                        return
                hand_over("end", None)
            except BaseException as exc:  # raised again in the caller's thread
                hand_over("error", exc)

        # the thread wakes when a reader is done, and then waits for the caller's thread to let
        # go of the interpreter: at most this long, not Python's default 5 ms (a file is ~20 ms)
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(DISPATCH_LATENCY)
        self._thread = threading.Thread(target=run, name="jixiao-dispatch", daemon=True)
        self._thread.start()  # now, not when the caller first asks
        return self._taken_from(outcomes)

    @staticmethod
    def _taken_from(outcomes: queue.Queue[tuple[str, object]]) -> Iterator[tuple[FileJob, Outcome]]:
        while True:
            kind, item = outcomes.get()
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(item, BaseException)
                raise item
            yield item  # type: ignore[misc]

    def _stop_thread(self) -> None:
        """Stop ``map_ahead``'s thread, if one runs, and wait for it (a reader mid-file does not hold it)."""
        self._halt.set()
        with contextlib.suppress(OSError):
            self._wake_up[1].send(None)
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            sys.setswitchinterval(self._switch_interval)

    def _dispatch(self, jobs: list[FileJob], pending: deque[int]) -> None:
        """Keep every worker ``FILES_IN_FLIGHT`` files deep, short of its recycling.

        A worker given its next file while it reads the one before starts it the moment it
        sends that one's outcome, without waiting for the batch to hear and answer. A file's
        time limit starts when it is sent to an idle worker, or when the file before it on
        its worker is heard to be done.
        """
        for worker in self._workers:
            while (pending and len(worker.queue) < FILES_IN_FLIGHT
                   and worker.files_done + len(worker.queue) < MAX_FILES_PER_WORKER):
                index = pending.popleft()
                if not worker.queue:
                    # a reader still starting (imports, on a loaded machine) gets its start-up time on top
                    start = 0.0 if worker.ready else READER_START_GRACE
                    worker.deadline = time.monotonic() + self._timeout + start
                worker.queue.append(index)
                # A worker that died idle shows up on the next collect as a crash on this job.
                with contextlib.suppress(OSError):
                    worker.conn.send((index, jobs[index]))

    def _collect(self, worker: _Worker, jobs: list[FileJob], pending: deque[int]) -> Iterator[tuple[FileJob, Outcome]]:
        """The outcomes a worker has sent; a dead or overdue worker's first file as its reject
        (the files behind it, never started, go back to the front of ``pending``)."""
        try:
            while worker.queue and worker.conn.poll():
                _, outcome = worker.conn.recv()
                now = time.monotonic()
                if not worker.ready:  # the first message is ("ready", None)
                    worker.ready = True
                    # the file's time starts now, not while a loaded machine was starting the reader
                    worker.deadline = now + self._timeout
                    continue
                index = worker.queue.popleft()
                worker.files_done += 1
                worker.deadline = now + self._timeout  # the next file, if any, began as this one ended
                yield jobs[index], outcome
        except (EOFError, OSError):
            pass  # the worker died mid-message: treated as a crash below
        if not worker.queue:
            if worker.files_done >= MAX_FILES_PER_WORKER:
                worker.conn.send(None)
                self._replace(worker, grace=2.0)
            return
        if not worker.process.is_alive() or worker.conn.closed:
            worker.process.join()
            code = worker.process.exitcode
            reason = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            if not worker.ready:
                raise ReaderStartFailed(
                    f"the reader processes cannot start ({reason}); see the error above, "
                    "or run with --workers 0 to read in this process"
                )
            job = jobs[self._give_back(worker, pending)]
            self._replace(worker)
            yield job, crash_reject(job, reason)
        elif time.monotonic() >= worker.deadline:
            job = jobs[self._give_back(worker, pending)]
            self._replace(worker)
            yield job, timeout_reject(job, self._timeout)

    @staticmethod
    def _give_back(worker: _Worker, pending: deque[int]) -> int:
        """The worker's first job (the one it was reading); the rest back to the front of ``pending``."""
        first = worker.queue.popleft()
        pending.extendleft(reversed(worker.queue))
        worker.queue.clear()
        return first

    def close(self) -> None:
        """Stop every worker: politely, then by force (``map_ahead``'s thread first)."""
        self._stop_thread()
        for end in self._wake_up:
            end.close()
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self._workers:
            self._stop(worker, grace=2.0)


def read_in_process(jobs: list[FileJob], extractor: Extractor, max_bytes: int) -> Iterator[tuple[FileJob, Outcome]]:
    """Read every job in this process (no time limit): for debugging and small runs."""
    for job in jobs:
        yield job, read_one(extractor, job, max_bytes)


class LocalEngine(ReadingEngine):
    """Reads on this machine: ``workers`` reader processes (default one per core; 0 reads in
    this process, without the time limit), never more than there are files."""

    name = "local"

    def __init__(self, settings: ReadSettings, *, workers: int | None = None) -> None:
        self._settings = settings
        self._workers = workers if workers is not None else (os.cpu_count() or 1)
        self._pool: ReaderPool | None = None

    def map(self, jobs: Sequence[FileJob]) -> Iterator[tuple[FileJob, Outcome]]:
        """Read every job; yield (job, reading or Reject) in the order they finish."""
        settings = self._settings
        count = min(self._workers, len(jobs))
        if count == 0:
            return read_in_process(list(jobs), settings.extractor, settings.max_bytes)
        self.close()
        self._pool = ReaderPool(count, settings.extractor, settings.timeout, settings.max_bytes)
        return self._pool.map_ahead(list(jobs))

    def close(self) -> None:
        """Stop the reader processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

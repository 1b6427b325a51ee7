"""The Ray engine: each file a Ray task running the same reader, readings staged as Parquet.

With no address a local Ray cluster is started for the run (``ray.init(num_cpus=N)``) and shut
down after it; with an address the run joins a running cluster (``ray start --head`` on one
machine, ``ray start --address`` on the others), whose workers read the source files from a
path they all see. Each task times its own file from the moment it starts on its worker (a
timer in the task) and returns a ``timeout`` reject past the per-file limit; a reader stuck
where that timer cannot reach (in C code) is killed by the driver ``BACKSTOP_SECONDS`` later
(``ray.cancel(force=True)``), also a ``timeout``: its first item tells the driver when the
file started. Only as many tasks run as the cluster has CPUs. A task whose worker dies becomes an
``internal_error`` reject; the rest go on. Ray never retries a task: a file that crashes its
reader once would crash it again.

Every outcome is staged (``engines.stage``) before the loader sees it, and the loader gets
them back from the stage in the order of the jobs, so a killed run's readings are loaded by
the next run instead of being read again. Ray is imported only here (the ``ray`` extra).
"""

from __future__ import annotations

import importlib.util
import logging
import signal
import socket
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

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
from pipeline.engines.stage import ReadingStage, StagedRef, outcome_to_row
from pipeline.warehouse.errors import EngineUnavailable, ReaderStartFailed

# Staged parts are written every this many readings, or once the oldest unstaged one is
# this old: a killed run loses at most that much reading, and parts stay few.
STAGE_EVERY = 16
STAGE_SECONDS = 1.0
# The object store of a local cluster holds readings in flight only (a few per CPU).
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
# How long a new cluster's workers may take to start and import the readers.
WORKER_START_SECONDS = 120.0
# The driver kills a task this long after its file's limit, counted from when the file started
# on its worker: a reader stuck in C code, which the task's own timer cannot interrupt.
BACKSTOP_SECONDS = 5.0
# A task's first item: its file has started on a worker.
STARTED = "started"


class _OverTime(BaseException):
    """The per-file limit struck inside a task (a BaseException: no reader may swallow it)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise ``_OverTime`` in this (the task's main) thread once ``seconds`` have passed."""
    def strike(signum: int, frame: Any) -> None:
        raise _OverTime()

    try:
        previous = signal.signal(signal.SIGALRM, strike)
    except ValueError:  # not the main thread: the driver's deadline alone limits the file
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _read_task(extractor: Extractor, job: FileJob, max_bytes: int,
               timeout: float) -> Iterator[str | dict[str, Any]]:
    """In a Ray worker: say the file has started, then yield its staging row (reading or reject).

    The limit counts from here, when the file starts on its worker, however long the worker
    took to start; a reader stuck where Python cannot interrupt it is left to the driver,
    which knows from the first item when the file started.
    """
    yield STARTED
    try:
        with _time_limit(timeout):
            outcome = read_one(extractor, job, max_bytes)
    except _OverTime:
        outcome = timeout_reject(job, timeout)
    yield outcome_to_row(job, outcome)


def _warm_task() -> int:
    """In a Ray worker: import the readers before the first file's clock starts."""
    import os

    from pipeline.extract import _readers

    _readers()
    return os.getpid()


def _check_reachable(address: str, seconds: float = 10.0) -> None:
    """Refuse at once when nothing answers at a ``host:port`` address (Ray itself retries for minutes)."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return  # "auto", ray:// and the like: Ray's to resolve
    try:
        socket.create_connection((host, int(port)), timeout=seconds).close()
    except OSError as exc:
        raise EngineUnavailable(
            f"nothing answers at the Ray cluster address {address} "
            f"({exc.strerror or exc}); start it with `ray start --head` or check --address"
        ) from None


def _require_extra() -> None:
    """Refuse at once, in one sentence, when the ``ray`` extra is not installed."""
    missing = [name for name in ("ray", "pyarrow") if importlib.util.find_spec(name) is None]
    if missing:
        raise EngineUnavailable(
            f"{' and '.join(missing)} not installed: "
            "pip install 'jixiao[ray]', or read with --engine local"
        )


class RayEngine(ReadingEngine):
    """Reads as Ray tasks on a local cluster started for the run, or on the one at ``address``."""

    name = "ray"

    def __init__(self, settings: ReadSettings, stage: ReadingStage, *, address: str | None = None,
                 num_cpus: int | None = None, object_store_bytes: int = LOCAL_OBJECT_STORE_BYTES) -> None:
        if num_cpus == 0:
            raise ValueError("a Ray cluster needs at least one CPU; --workers 0 reads with --engine local")
        _require_extra()
        self._settings = settings
        self.stage = stage
        self._address = address
        self._num_cpus = num_cpus
        self._object_store_bytes = object_store_bytes
        self._ray: Any = None
        self._owned = False
        self._task: Any = None
        self._slots = 1

    # --- the cluster --------------------------------------------------------------------

    def _connect(self) -> None:
        if self._ray is not None:
            return
        import ray

        if not ray.is_initialized():
            options: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
            try:
                if self._address:
                    _check_reachable(self._address)
                    ray.init(address=self._address, **options)
                else:
                    ray.init(num_cpus=self._num_cpus, include_dashboard=False,
                             object_store_memory=self._object_store_bytes, **options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = f"the Ray cluster at {self._address}" if self._address else "a local Ray cluster"
                raise EngineUnavailable(
                    f"could not start or join {where}: {exc}"
                ) from None
            self._owned = True
        self._ray = ray
        self._slots = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._task = ray.remote(num_cpus=1, max_retries=0, num_returns="streaming")(_read_task)
        warm = ray.remote(num_cpus=1, max_retries=0)(_warm_task)
        try:
            ray.get([warm.remote() for _ in range(self._slots)], timeout=WORKER_START_SECONDS)
        except Exception as exc:
            raise ReaderStartFailed(
                f"the Ray workers cannot start ({type(exc).__name__}: {exc}); "
                "is jixiao installed on every node?"
            ) from None

    def close(self) -> None:
        """Shut down the cluster started for the run, or leave the joined one."""
        if self._ray is not None and self._owned:
            self._ray.shutdown()
        self._ray = None
        self._owned = False

    def after_publish(self) -> None:
        """The night is published: its staged readings are loaded, remove them."""
        self.stage.clear()

    # --- the reading ---------------------------------------------------------------------

    def map(self, jobs: Sequence[FileJob]) -> Iterator[tuple[FileJob, Outcome]]:
        """Read every job on the cluster; yield outcomes from the stage in the order of ``jobs``."""
        night = _Night(list(jobs), self.stage, self._settings)
        earlier = self.stage.earlier(night.jobs)
        self.resumed = len(earlier)
        night.staged = {i: earlier[job] for i, job in enumerate(night.jobs) if job in earlier}
        night.todo = deque(i for i in range(len(night.jobs)) if i not in night.staged)
        if night.todo:
            self._connect()
            night.start(self._ray, self._task, self._slots)
        return night.outcomes()


class _Night:
    """One ``map`` on the cluster: tasks running under their deadlines, outcomes being staged."""

    def __init__(self, jobs: list[FileJob], stage: ReadingStage, settings: ReadSettings) -> None:
        self.jobs = jobs
        self.stage = stage
        self.settings = settings
        self.staged: dict[int, StagedRef] = {}  # job index -> its staged outcome
        self.todo: deque[int] = deque()
        self.running: dict[Any, _Running] = {}
        self.unstaged: list[tuple[int, dict[str, Any]]] = []
        self.unstaged_since = 0.0
        self.ray: Any = None
        self.task: Any = None
        self.slots = 1

    def start(self, ray: Any, task: Any, slots: int) -> None:
        """Use this cluster connection and remote reader, ``slots`` tasks at a time."""
        self.ray, self.task, self.slots = ray, task, slots

    def outcomes(self) -> Iterator[tuple[FileJob, Outcome]]:
        """Each job's outcome, read back from the stage in job order; tasks go on in between."""
        for index, job in enumerate(self.jobs):
            while index not in self.staged:
                if not (self.todo or self.running or self.unstaged):
                    raise RuntimeError(f"the outcome of {job.path} was lost between Ray and the stage")
                self.step(block=True)
            yield job, self.stage.read(self.staged.pop(index))
            if self.todo or self.running or self.unstaged:
                self.step(block=False)  # keep every slot busy while the loader loads

    def step(self, *, block: bool) -> None:
        """Submit tasks into free slots, collect finished and overdue ones, stage when due."""
        while self.todo and len(self.running) < self.slots:
            index = self.todo.popleft()
            task = self.task.remote(self.settings.extractor, self.jobs[index], self.settings.max_bytes,
                                    self.settings.timeout)
            self.running[task] = _Running(index, time.monotonic())
        stage_at = self.unstaged_since + STAGE_SECONDS if self.unstaged else None
        finished = self._collect(stage_at if block else time.monotonic())
        if finished and not self.unstaged:
            self.unstaged_since = time.monotonic()
        self.unstaged += finished
        if self.unstaged and (len(self.unstaged) >= STAGE_EVERY or not self.running
                              or time.monotonic() >= self.unstaged_since + STAGE_SECONDS):
            refs = self.stage.write([row for _, row in self.unstaged])
            self.staged.update((index, ref) for (index, _), ref in zip(self.unstaged, refs, strict=True))
            self.unstaged = []

    def _deadline(self, task: _Running) -> float:
        if task.started is None:  # still waiting for a worker
            return task.submitted + WORKER_START_SECONDS
        return task.started + self.settings.timeout + BACKSTOP_SECONDS

    def _collect(self, stage_at: float | None) -> list[tuple[int, dict[str, Any]]]:
        """Wait until a task says something, the nearest deadline or ``stage_at``; collect outcomes."""
        if not self.running:
            return []
        ray = self.ray
        until = min(self._deadline(task) for task in self.running.values())
        if stage_at is not None:
            until = min(until, stage_at)
        tasks = list(self.running)
        ray.wait(tasks, num_returns=1, timeout=max(0.0, until - time.monotonic()))
        ready, _ = ray.wait(tasks, num_returns=len(tasks), timeout=0)
        finished = []
        for task in ready:
            running = self.running[task]
            row = self._next(self.jobs[running.index], task)
            if row is None:
                running.started = time.monotonic()
            else:
                del self.running[task]
                finished.append((running.index, row))
        now = time.monotonic()
        for task, running in list(self.running.items()):
            if now >= self._deadline(running):
                ray.cancel(task, force=True)  # kills its worker: a stuck reader cannot be asked to stop
                del self.running[task]
                job = self.jobs[running.index]
                finished.append((running.index, outcome_to_row(job, timeout_reject(job, self.settings.timeout))))
        return finished

    def _next(self, job: FileJob, task: Any) -> dict[str, Any] | None:
        """A ready task's next item: None when its file has just started, else its staging row
        (or the reject a lost worker means)."""
        ray = self.ray
        try:
            item = ray.get(next(task))
        except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
                ray.exceptions.LocalRayletDiedError) as exc:
            return outcome_to_row(job, crash_reject(job, f"Ray worker lost: {type(exc).__name__}"))
        except (ray.exceptions.RayError, StopIteration) as exc:
            return outcome_to_row(job, Reject(str(job.path), job.sha256, "internal_error",
                                              f"unexpected {type(exc).__name__} from Ray; the run went on"))
        if item == STARTED:
            return None
        row: dict[str, Any] = item
        return row


@dataclass
class _Running:
    """A task in flight: its job, when it was submitted and when its file started on a worker."""

    index: int
    submitted: float
    started: float | None = None

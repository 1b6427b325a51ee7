"""The Ray engine: each file a Ray task running the same reader, readings staged as Parquet.

With no address a local Ray cluster is started for the run (``ray.init(num_cpus=N)``) and shut
down after it; with an address the run joins a running cluster (``ray start --head`` on one
machine, ``ray start --address`` on the others), whose workers read the source files from a
path they all see. Only as many tasks run as the cluster has CPUs, so a task starts when it is
submitted and its per-file limit counts from then: a task past it is killed
(``ray.cancel(force=True)``) and its file becomes a ``timeout`` reject; a task whose worker
dies becomes an ``internal_error`` reject; the rest go on. Ray never retries a task: a file
that crashes its reader once would crash it again.

Every outcome is staged (``engines.stage``) before the loader sees it, and the loader gets
them back from the stage in the order of the jobs, so a killed run's readings are loaded by
the next run instead of being read again. Ray is imported only here (the ``ray`` extra).
"""

from __future__ import annotations

import importlib.util
import logging
import socket
import time
from collections import deque
from collections.abc import Iterator, Sequence
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


def _read_task(extractor: Extractor, job: FileJob, max_bytes: int) -> dict[str, Any]:
    """In a Ray worker: read one file into its staging row (the reading as JSON, or a reject)."""
    return outcome_to_row(job, read_one(extractor, job, max_bytes))


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
            f"无法连接 Ray 集群 {address}。Nothing answers at the Ray cluster address {address} "
            f"({exc.strerror or exc}); start it with `ray start --head` or check --address"
        ) from None


def _require_extra() -> None:
    """Refuse at once, in one sentence, when the ``ray`` extra is not installed."""
    missing = [name for name in ("ray", "pyarrow") if importlib.util.find_spec(name) is None]
    if missing:
        raise EngineUnavailable(
            f"未安装 {'、'.join(missing)}，无法使用 --engine ray。{' and '.join(missing)} not installed: "
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
                    f"无法连接 Ray 集群。Could not start or join {where}: {exc}"
                ) from None
            self._owned = True
        self._ray = ray
        self._slots = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self._task = ray.remote(num_cpus=1, max_retries=0)(_read_task)
        warm = ray.remote(num_cpus=1, max_retries=0)(_warm_task)
        try:
            ray.get([warm.remote() for _ in range(self._slots)], timeout=WORKER_START_SECONDS)
        except Exception as exc:
            raise ReaderStartFailed(
                f"Ray 的读取进程无法启动。The Ray workers cannot start ({type(exc).__name__}: {exc}); "
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
        self.running: dict[Any, tuple[int, float]] = {}  # task -> (job index, deadline)
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
            task = self.task.remote(self.settings.extractor, self.jobs[index], self.settings.max_bytes)
            self.running[task] = (index, time.monotonic() + self.settings.timeout)
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

    def _collect(self, stage_at: float | None) -> list[tuple[int, dict[str, Any]]]:
        """Wait until a task finishes, the nearest deadline or ``stage_at``; collect the outcomes."""
        if not self.running:
            return []
        ray = self.ray
        until = min(deadline for _, deadline in self.running.values())
        if stage_at is not None:
            until = min(until, stage_at)
        tasks = list(self.running)
        ray.wait(tasks, num_returns=1, timeout=max(0.0, until - time.monotonic()))
        ready, _ = ray.wait(tasks, num_returns=len(tasks), timeout=0)
        finished = []
        for task in ready:
            index, _ = self.running.pop(task)
            finished.append((index, self._result(self.jobs[index], task)))
        now = time.monotonic()
        for task, (index, deadline) in list(self.running.items()):
            if now >= deadline:
                ray.cancel(task, force=True)  # kills its worker: a hung reader cannot be asked to stop
                del self.running[task]
                job = self.jobs[index]
                finished.append((index, outcome_to_row(job, timeout_reject(job, self.settings.timeout))))
        return finished

    def _result(self, job: FileJob, task: Any) -> dict[str, Any]:
        """The staging row a finished task returned, or the reject its lost worker means."""
        ray = self.ray
        try:
            row: dict[str, Any] = ray.get(task)
        except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
                ray.exceptions.LocalRayletDiedError) as exc:
            return outcome_to_row(job, crash_reject(job, f"Ray worker lost: {type(exc).__name__}"))
        except ray.exceptions.RayError as exc:
            return outcome_to_row(job, Reject(str(job.path), job.sha256, "internal_error",
                                              f"unexpected {type(exc).__name__} from Ray; the run went on"))
        return row

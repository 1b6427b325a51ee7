"""One seam for engines: the batch asks for the readings of a list of files, an engine answers.

Like ``concurrent.futures.Executor`` implementations, every engine answers the same call,
``ReadingEngine.map(jobs)``, with ``(job, reading or Reject)`` pairs; the loader never knows
which engine answered. ``local`` reads in processes on this machine (``engines.local``),
``ray`` as tasks on a Ray cluster, staging readings as Parquet (``engines.ray``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from extractors.errors import ERROR_CODES, InternalError, JixiaoError, bilingual

Extractor = Callable[..., dict[str, Any]]
ENGINES = ("local", "ray")


@dataclass(frozen=True)
class FileJob:
    """One file to read: where it is and what its bytes hash to."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class Reject:
    """A file refused, with its ERRORS.md code and a sentence a clerk can act on."""

    path: str
    sha256: str | None
    error_code: str
    message: str

    def __post_init__(self) -> None:
        # every reject reads Chinese first, however it was made (extractors.errors.bilingual)
        object.__setattr__(self, "message", bilingual(self.error_code, self.message))


Outcome = dict[str, Any] | Reject


@dataclass(frozen=True)
class ReadSettings:
    """How every file of a run is read, whatever engine reads it."""

    extractor: Extractor
    timeout: float
    max_bytes: int


def read_one(extractor: Extractor, job: FileJob, max_bytes: int) -> Outcome:
    """Read one file: its reading, or the Reject its error (or any exception) turns into."""
    try:
        return extractor(job.path, sha256=job.sha256, max_bytes=max_bytes)
    except JixiaoError as exc:
        # only the refusal codes of contract/ERRORS.md are reject codes; anything else is unexpected
        code = exc.error_code if exc.error_code in ERROR_CODES else "internal_error"
        return Reject(str(job.path), job.sha256, code, exc.message)
    except Exception as exc:
        return Reject(str(job.path), job.sha256, "internal_error", InternalError.from_exception(exc).message)


def timeout_reject(job: FileJob, timeout: float) -> Reject:
    """The reject of a file whose reader ran past the per-file limit (and was killed)."""
    return Reject(str(job.path), job.sha256, "timeout",
                  f"reading took longer than the {timeout:g} s limit per file")


def crash_reject(job: FileJob, reason: str) -> Reject:
    """The reject of a file whose reader died under it (``reason``: a signal, an exit code)."""
    return Reject(str(job.path), job.sha256, "internal_error",
                  f"the reader crashed on this file ({reason}); the run went on without it")


class ReadingEngine(ABC):
    """Reads files into readings; used as a context manager, closed when the reading is done."""

    name = "engine"
    #: files of the last ``map`` answered from readings an earlier, unfinished run had staged
    resumed = 0

    @abstractmethod
    def map(self, jobs: Sequence[FileJob]) -> Iterator[tuple[FileJob, Outcome]]:
        """Read every job; yield ``(job, reading or Reject)``, each job exactly once."""

    def close(self) -> None:  # noqa: B027 - an engine with nothing to stop keeps the default
        """Stop whatever reads (processes, a cluster connection); idempotent."""

    def after_publish(self) -> None:  # noqa: B027 - an engine that keeps nothing keeps the default
        """The night is published: drop whatever was kept to resume it."""

    def __enter__(self) -> ReadingEngine:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def open_engine(
    name: str, settings: ReadSettings, *, workers: int | None = None, address: str | None = None,
    staging: Path | None = None, run_id: str = "run",
) -> ReadingEngine:
    """The engine called ``name`` (``local`` or ``ray``), configured for one run.

    ``workers``: reader processes (local; 0 reads in this process) or the CPUs of the local
    Ray cluster started for the run. ``address`` joins a running Ray cluster instead.
    ``staging``: the folder where the Ray engine stages readings (one sub-folder per run).
    """
    if name == "local":
        from pipeline.engines.local import LocalEngine

        return LocalEngine(settings, workers=workers)
    if name == "ray":
        from pipeline.engines.ray import RayEngine
        from pipeline.engines.stage import ReadingStage

        if staging is None:
            raise ValueError("the ray engine stages its readings: pass staging=")
        return RayEngine(settings, ReadingStage(staging, run_id), address=address, num_cpus=workers)
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")

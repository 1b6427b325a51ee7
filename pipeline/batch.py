"""The nightly run: every submission under a folder into the warehouse, each file once.

scan -> sha256 -> skip what is loaded -> read new files in worker processes (a per-file time
limit; a hung or crashed reader becomes a reject, the run goes on) -> load each reading in its
own transaction -> data checks -> publish the night atomically (see ``warehouse.publish``).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import pickle
import secrets
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol

import duckdb

from extractors.errors import ERROR_CODES, InternalError, JixiaoError, bilingual
from pipeline import __version__
from pipeline.extract import (
    DEFAULT_MAX_BYTES,
    ReadingKey,
    extract_file,
    reader_context,
    reading_key,
    sha256_file,
)
from pipeline.search.index import Segmenting
from pipeline.warehouse import schema
from pipeline.warehouse.contacts import contacts_path, contacts_working_path, take_contacts_to_move
from pipeline.warehouse.errors import (
    ChecksFailed,
    IngestAlreadyRunning,
    ReaderStartFailed,
    SourceDirNotFound,
)
from pipeline.warehouse.faults import is_disk_full, run_failure
from pipeline.warehouse.killpoints import reached
from pipeline.warehouse.load import Loader
from pipeline.warehouse.night import open_working_copy, publish_with_contacts
from pipeline.warehouse.publish import (
    discard_working_copies,
    failed_path,
    heal_interrupted_publish,
    ingest_lock,
    keep_failed_copy,
    lock_path,
    prepare_working_copy,
    publishing_path,
    working_path,
)
from pipeline.warehouse.rejects import Refusal, earlier_refusals, nights_refused, record_rejects

Extractor = Callable[..., dict[str, Any]]


class ProgressCallback(Protocol):
    """Told after each file: how many are done, of how many, which; ``note`` names slow OCR pages."""

    def __call__(self, done: int, total: int, path: str, note: str = "") -> None: ...


DEFAULT_TIMEOUT = 60.0
# Seconds a new reader process may take to start before its first file's time begins.
READER_START_GRACE = 60.0
# a scanned page that took longer than this to OCR is named in the progress and the log
SLOW_OCR_SECONDS = 10.0
# A worker is replaced after this many files, so a slow leak in a reader cannot grow all night.
MAX_FILES_PER_WORKER = 500
# Editors' lock and temp files, OS litter: never submissions.
SKIPPED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
SKIPPED_SUFFIXES = (".tmp", ".part", ".crdownload", "~")


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


@dataclass
class RunReport:
    """What one run did: the numbers of the ``runs`` row and the rejects, for the report."""

    run_id: str
    db: Path
    source_dir: Path
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"
    seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    known_rejects: int = 0  # of the rejects, those refused on an earlier night and unchanged
    rejects: list[Reject] = field(default_factory=list)
    nights: dict[str, int] = field(default_factory=dict)  # per rejected path: nights refused so far
    log_path: Path | None = None
    seconds: float = 0.0


def new_run_id() -> str:
    """A run id that sorts by time and is unique: 20240612T020000-3f9a1c."""
    return f"{datetime.now().strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


def _skipped(name: str) -> bool:
    lower = name.lower()
    return (
        name.startswith((".", "~$", ".~lock"))
        or lower in SKIPPED_NAMES
        or lower.endswith(SKIPPED_SUFFIXES)
    )


def scan_dir(root: Path, exclude: Iterable[Path] = ()) -> list[Path]:
    """Every candidate submission under root, recursively, oldest first (then by path).

    Hidden files and folders, Office lock files (``~$x.docx``) and temp files are skipped;
    every other file is a candidate, so a .doc or .xls gets its ``unsupported_format`` reject.
    """
    excluded = {p.resolve() for p in exclude}
    found: list[tuple[int, str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if not _skipped(d) and (Path(dirpath) / d).resolve() not in excluded
        )
        for name in filenames:
            path = Path(dirpath) / name
            if _skipped(name) or path.resolve() in excluded or not path.is_file():
                continue
            found.append((path.stat().st_mtime_ns, str(path), path))
    return [path for _, _, path in sorted(found)]


# --- worker processes -----------------------------------------------------------------

def _die_with_parent() -> None:
    """Linux: have the kernel kill this reader when the batch dies (even by kill -9).

    Without it a reader stuck in a hanging file would outlive a killed batch.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: a reader still exits once its pipe closes


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
    index: int | None = None
    deadline: float = 0.0
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
        while True:
            self._dispatch(jobs, pending)
            busy = [w for w in self._workers if w.index is not None]
            if not busy:
                return
            nearest = min(w.deadline for w in busy)
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                 timeout=max(0.0, nearest - time.monotonic()))
            finished = [item for worker in busy for item in self._collect(worker, jobs)]
            # the next files go out before the caller loads these: readers never wait on the loader
            self._dispatch(jobs, pending)
            yield from finished

    def _dispatch(self, jobs: list[FileJob], pending: deque[int]) -> None:
        """Give every idle worker the next file, its time limit starting now."""
        for worker in self._workers:
            if worker.index is None and pending:
                worker.index = pending.popleft()
                # a reader still starting (imports, on a loaded machine) gets its start-up time on top
                start = 0.0 if worker.ready else READER_START_GRACE
                worker.deadline = time.monotonic() + self._timeout + start
                # A worker that died idle shows up on the next collect as a crash on this job.
                with contextlib.suppress(OSError):
                    worker.conn.send((worker.index, jobs[worker.index]))

    def _collect(self, worker: _Worker, jobs: list[FileJob]) -> Iterator[tuple[FileJob, Outcome]]:
        assert worker.index is not None
        job = jobs[worker.index]
        outcome: Outcome | None = None
        try:
            while outcome is None and worker.conn.poll():
                _, outcome = worker.conn.recv()
                if not worker.ready:  # the first message is ("ready", None)
                    worker.ready = True
                    # the file's time starts now, not while a loaded machine was starting the reader
                    worker.deadline = time.monotonic() + self._timeout
        except (EOFError, OSError):
            pass  # the worker died mid-message: treated as a crash below
        if outcome is not None:
            worker.index = None
            worker.files_done += 1
            if worker.files_done >= MAX_FILES_PER_WORKER:
                worker.conn.send(None)
                self._replace(worker, grace=2.0)
            yield job, outcome
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
            worker.index = None
            self._replace(worker)
            yield job, Reject(str(job.path), job.sha256, "internal_error",
                              f"the reader crashed on this file ({reason}); the run went on without it")
        elif time.monotonic() >= worker.deadline:
            worker.index = None
            self._replace(worker)
            yield job, Reject(str(job.path), job.sha256, "timeout",
                              f"reading took longer than the {self._timeout:g} s limit per file")

    def close(self) -> None:
        """Stop every worker: politely, then by force."""
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self._workers:
            self._stop(worker, grace=2.0)


def read_in_process(jobs: list[FileJob], extractor: Extractor, max_bytes: int) -> Iterator[tuple[FileJob, Outcome]]:
    """Read every job in this process (no time limit): for debugging and small runs."""
    for job in jobs:
        yield job, read_one(extractor, job, max_bytes)


# --- the run ---------------------------------------------------------------------------

def _run_logger(log_path: Path) -> logging.Logger:
    logger = logging.getLogger(f"jixiao.ingest.{log_path.stem}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = _QuietFileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger


class _QuietFileHandler(logging.FileHandler):
    """A run log that fails silently: a full disk must end the run in one sentence, not tracebacks."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass


def _close_logger(logger: logging.Logger) -> None:
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)


def ingest(
    source_dir: Path,
    db: Path,
    *,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    extractor: Extractor = extract_file,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retry_rejected: bool = False,
    on_progress: ProgressCallback | None = None,
) -> RunReport:
    """Load every new or corrected submission under ``source_dir`` into the warehouse ``db``.

    ``workers`` reader processes (default: one per core; 0 reads in this process, without
    the time limit). Raises a ``WarehouseError`` when the run cannot complete; rejects of
    single files do not stop it. Nothing is published unless the whole run succeeds.
    """
    if not source_dir.is_dir():
        raise SourceDirNotFound(f"{source_dir} is not a folder; pass the folder of submissions to ingest")
    db = db.resolve()
    report = RunReport(new_run_id(), db, source_dir, datetime.now())
    log_dir = db.parent / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    report.log_path = log_dir / f"ingest-{report.run_id}.log"
    log = _run_logger(report.log_path)
    clock = time.monotonic()
    try:
        with ingest_lock(db, report.run_id):
            log.info("run %s: %s -> %s (jixiao %s, workers %s, timeout %g s)",
                     report.run_id, source_dir, db, __version__,
                     "one per core" if workers is None else workers, timeout)
            _run(report, log, workers=workers, timeout=timeout, extractor=extractor,
                 max_bytes=max_bytes, retry_rejected=retry_rejected, on_progress=on_progress)
    except Exception as exc:
        report.status = "failed"
        failure = run_failure(exc, db)
        log.error("run %s failed: %s", report.run_id, getattr(failure, "message", failure))
        if not isinstance(exc, IngestAlreadyRunning):  # another run's copies are not ours to remove
            discard_working_copies(db)
        if failure is not exc:
            raise failure from exc
        raise
    finally:
        report.seconds = time.monotonic() - clock
        _close_logger(log)
    return report


def _run(
    report: RunReport, log: logging.Logger, *, workers: int | None, timeout: float,
    extractor: Extractor, max_bytes: int, retry_rejected: bool, on_progress: ProgressCallback | None,
) -> None:
    db = report.db
    healed = heal_interrupted_publish(db)
    if healed is not None:
        log.warning("finished publishing night %s, which a crash interrupted between its two files", healed)
    work = prepare_working_copy(db)
    con = open_working_copy(db, work)
    try:
        moved = take_contacts_to_move(con)  # an old warehouse's own contacts, leaving it tonight
        con.execute(
            "insert into runs (run_id, started_at, status, source_dir, jixiao_version) values (?, ?, 'running', ?, ?)",
            [report.run_id, report.started_at, str(report.source_dir), __version__],
        )
        loaded = {reading_key(Path(path), sha256)
                  for path, sha256 in con.execute("select source_path, sha256 from submissions").fetchall()}
        # What this reader refused before is refused again, with the same reason, until it changes.
        refused = {} if retry_rejected else earlier_refusals(con, __version__)
        # The warehouse's own files, should it live inside the folder, are not submissions.
        own = [db, working_path(db), contacts_path(db), contacts_working_path(db), lock_path(db),
               failed_path(db), publishing_path(db), db.parent / "logs"]
        own += [p.with_name(p.name + ".wal") for p in own[:4]]
        jobs, copies = _plan(report, log, scan_dir(report.source_dir, exclude=own), loaded, refused)
        contacts = _load(report, log, con, jobs, copies, workers=workers, timeout=timeout, extractor=extractor,
                         max_bytes=max_bytes, on_progress=on_progress)
        report.finished_at = datetime.now()
        report.status = "completed"
        con.execute(
            "update runs set finished_at = ?, status = ?, files_seen = ?, files_new = ?, files_changed = ?, "
            "files_unchanged = ?, files_rejected = ? where run_id = ?",
            [report.finished_at, report.status, report.seen, report.new, report.changed,
             report.unchanged, len(report.rejects), report.run_id],
        )
        report.nights = nights_refused(con)
        failures = schema.run_checks(con)
    finally:
        con.close()
    if failures:
        kept = keep_failed_copy(db)
        listed = ", ".join(f"{name} ({count} rows)" for name, count in failures.items())
        raise ChecksFailed(
            f"data checks failed: {listed}; nothing was published, the failed load is kept at {kept}",
            failures,
        )
    publish_with_contacts(db, report.run_id, [*moved, *contacts], compact=bool(moved))
    log.info("published %s: %d new, %d changed, %d unchanged, %d rejected",
             db, report.new, report.changed, report.unchanged, len(report.rejects))


def _plan(
    report: RunReport, log: logging.Logger, paths: list[Path], loaded: set[ReadingKey],
    refused: dict[ReadingKey, Refusal],
) -> tuple[list[FileJob], dict[ReadingKey, list[Path]]]:
    """Hash every file; keep those whose reading key is neither loaded nor refused before.

    A file refused before and unchanged is a reject of this run too, with the reason it got
    then. Returns the files to read and, by reading key, the other paths holding the same
    bytes under the same extension: those are read once and share the outcome of the first.
    """
    jobs: list[FileJob] = []
    copies: dict[ReadingKey, list[Path]] = {}
    for path in paths:
        report.seen += 1
        path = path.resolve()
        try:
            sha256 = sha256_file(path)
        except OSError as exc:
            report.rejects.append(Reject(str(path), None, "internal_error", f"could not read the file: {exc.strerror}"))
            continue
        key = reading_key(path, sha256)
        if key in loaded:
            report.unchanged += 1  # the same bytes are one submission, whatever the path
        elif key in copies:
            copies[key].append(path)
        elif key in refused:
            report.known_rejects += 1
            report.rejects.append(Reject(str(path), sha256, refused[key].error_code, refused[key].message))
            log.info("refused before, not read again: %s (%s)", path, sha256[:12])
        else:
            copies[key] = []
            jobs.append(FileJob(path, sha256))
    log.info("%d files seen, %d to read, %d unchanged, %d refused before", report.seen, len(jobs),
             report.unchanged, report.known_rejects)
    return jobs, {key: paths for key, paths in copies.items() if paths}


def slow_ocr_pages(reading: dict[str, Any]) -> str:
    """The pages of a scan that took over ``SLOW_OCR_SECONDS`` to OCR (``page 2 14.1 s``), or ''."""
    pages = reading.get("source", {}).get("ocr_pages") or []
    return ", ".join(f"page {p['page']} {p['seconds']:.1f} s" for p in pages if p["seconds"] > SLOW_OCR_SECONDS)


def in_job_order(jobs: list[FileJob], outcomes: Iterable[tuple[FileJob, Outcome]]) -> Iterator[tuple[FileJob, Outcome]]:
    """Outcomes in the order the jobs were planned (oldest file first), whatever order they finish in.

    Two corrections of one form arriving the same night then always become versions in
    the order of their files' times, not in the order the readers happened to finish.
    """
    position = {job: index for index, job in enumerate(jobs)}
    waiting: dict[int, tuple[FileJob, Outcome]] = {}
    next_index = 0
    for job, outcome in outcomes:
        waiting[position[job]] = (job, outcome)
        while next_index in waiting:
            yield waiting.pop(next_index)
            next_index += 1
    yield from (waiting[index] for index in sorted(waiting))


def _load(
    report: RunReport, log: logging.Logger, con: Any, jobs: list[FileJob], copies: dict[ReadingKey, list[Path]],
    *, workers: int | None,
    timeout: float, extractor: Extractor, max_bytes: int, on_progress: ProgressCallback | None,
) -> list[tuple[Any, ...]]:
    """Read the jobs and load each reading in its own transaction; refusals become rejects.

    Returns the night's contacts rows, for the publish step to write into the contacts file.
    """
    extractor = Segmenting(extractor)  # readers cut the search words, the one writer does not
    loader = Loader(con)
    count = min(workers if workers is not None else (os.cpu_count() or 1), len(jobs))
    pool = ReaderPool(count, extractor, timeout, max_bytes) if count > 0 else None
    outcomes = pool.map(jobs) if pool else read_in_process(jobs, extractor, max_bytes)
    try:
        for done, (job, outcome) in enumerate(in_job_order(jobs, outcomes), 1):
            same = copies.get(reading_key(job.path, job.sha256), [])
            if not isinstance(outcome, Reject):
                try:
                    result = loader.load_reading(outcome, sha256=_read_sha256(outcome, job), source_path=str(job.path),
                                                 run_id=report.run_id)
                except Exception as exc:  # one unloadable reading must not stop the night
                    if is_disk_full(exc) or isinstance(exc, duckdb.FatalException):
                        raise  # ... but a full disk or a broken warehouse stops every reading after it
                    outcome = Reject(str(job.path), job.sha256, "internal_error",
                                     f"the reading could not be loaded: {InternalError.from_exception(exc).message}")
                else:
                    setattr(report, result.status, getattr(report, result.status) + 1)
                    reached("first_reading_loaded")
                    log.info("%s %s (%s) as %s version %d", result.status, job.path, job.sha256[:12],
                             result.submission_id, result.version)
            if isinstance(outcome, Reject):
                # Every path of refused bytes gets its own reject: each is a file a clerk must fix.
                for path in [job.path, *same]:
                    reject = Reject(str(path), job.sha256, outcome.error_code, outcome.message)
                    report.rejects.append(reject)
                    log.warning("rejected %s (%s): %s: %s", path, job.sha256[:12], reject.error_code, reject.message)
            else:
                report.unchanged += len(same)
            slow = slow_ocr_pages(outcome) if not isinstance(outcome, Reject) else ""
            if slow:
                log.info("%s: slow OCR: %s", job.path, slow)
            if on_progress:
                if slow:
                    on_progress(done, len(jobs), str(job.path), note=f"slow OCR: {slow}")
                else:
                    on_progress(done, len(jobs), str(job.path))
    finally:
        if pool:
            pool.close()
    record_rejects(con, report.run_id, __version__,
                   [(r.path, r.sha256, r.error_code, r.message) for r in report.rejects])
    reached("all_loaded")
    return loader.contacts


def _read_sha256(reading: dict[str, Any], job: FileJob) -> str:
    """The sha256 of the bytes the reading was made from (a file rewritten since the scan has new ones)."""
    source = reading.get("source")
    digest = source.get("sha256") if isinstance(source, dict) else None
    return digest if isinstance(digest, str) and digest else job.sha256

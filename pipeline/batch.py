"""The nightly run: every submission under a folder into the warehouse, each file once.

scan -> sha256 -> skip what is loaded -> read new files with an engine (``pipeline.engines``:
reader processes here, or tasks on Ray; a per-file time limit; a hung or crashed reader becomes
a reject, the run goes on) -> load each reading in its own transaction -> data checks ->
publish the night atomically (see ``warehouse.publish``).
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from extractors.errors import InternalError
from pipeline import __version__
from pipeline.engines import (
    Extractor,
    FileJob,
    Outcome,
    ReadingEngine,
    ReadSettings,
    Reject,
    open_engine,
)
from pipeline.engines.stage import staging_path
from pipeline.extract import DEFAULT_MAX_BYTES, ReadingKey, extract_file, reading_key, sha256_file
from pipeline.search.index import Segmenting
from pipeline.warehouse import schema
from pipeline.warehouse.contacts import contacts_path, contacts_working_path, take_contacts_to_move
from pipeline.warehouse.errors import (
    ChecksFailed,
    IngestAlreadyRunning,
    SourceDirNotFound,
)
from pipeline.warehouse.faults import run_failure
from pipeline.warehouse.killpoints import reached
from pipeline.warehouse.load import Loader, LoadResult, Pending
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


class ProgressCallback(Protocol):
    """Told after each file: how many are done, of how many, which; ``note`` names slow OCR pages."""

    def __call__(self, done: int, total: int, path: str, note: str = "") -> None: ...


DEFAULT_TIMEOUT = 60.0
# a scanned page that took longer than this to OCR is named in the progress and the log
SLOW_OCR_SECONDS = 10.0
# Editors' lock and temp files, OS litter: never submissions.
SKIPPED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
SKIPPED_SUFFIXES = (".tmp", ".part", ".crdownload", "~")


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
    resumed: int = 0  # read by an earlier run that did not finish: loaded from its staged readings
    rejects: list[Reject] = field(default_factory=list)
    nights: dict[str, int] = field(default_factory=dict)  # per rejected path: nights refused so far
    log_path: Path | None = None
    seconds: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)  # seconds by part of the run, in order


@contextmanager
def _timed(report: RunReport, part: str) -> Iterator[None]:
    """Add the time of a block to ``report.parts[part]``: what a night costs, and where."""
    started = time.monotonic()
    try:
        yield
    finally:
        report.parts[part] = report.parts.get(part, 0.0) + time.monotonic() - started


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
    # One stat a file: a night's folder holds the whole year, so the scan must not cost more.
    folders = [(Path(root), Path(root).resolve())]
    while folders:
        folder, real = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # as os.walk: a folder that cannot be listed is passed over
        for entry in entries:
            if _skipped(entry.name):
                continue
            path = folder / entry.name
            if (path.resolve() if entry.is_symlink() else real / entry.name) in excluded:
                continue
            try:
                if entry.is_dir():
                    if not entry.is_symlink():  # as os.walk: linked folders are not followed
                        folders.append((path, real / entry.name))
                    continue
                info = entry.stat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                found.append((info.st_mtime_ns, str(path), path))
    return [path for _, _, path in sorted(found)]


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
    engine: str = "local",
    address: str | None = None,
) -> RunReport:
    """Load every new or corrected submission under ``source_dir`` into the warehouse ``db``.

    ``engine`` reads the files (``pipeline.engines``): ``local``, ``workers`` reader processes
    (default: one per core; 0 reads in this process, without the time limit), or ``ray``, tasks
    on the Ray cluster at ``address`` (default: a local one of ``workers`` CPUs). Raises a
    ``WarehouseError`` when the run cannot complete; rejects of single files do not stop it.
    Nothing is published unless the whole run succeeds.
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
            log.info("run %s: %s -> %s (jixiao %s, engine %s%s, workers %s, timeout %g s)",
                     report.run_id, source_dir, db, __version__, engine,
                     f" at {address}" if address else "",
                     "one per core" if workers is None else workers, timeout)
            # readers cut the search words, the one writer does not
            settings = ReadSettings(Segmenting(extractor), timeout, max_bytes)
            reader = open_engine(engine, settings, workers=workers,
                                 address=address, staging=staging_path(db), run_id=report.run_id)
            _run(report, log, reader, retry_rejected=retry_rejected, on_progress=on_progress)
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
    report: RunReport, log: logging.Logger, engine: ReadingEngine, *,
    retry_rejected: bool, on_progress: ProgressCallback | None,
) -> None:
    db = report.db
    healed = heal_interrupted_publish(db)
    if healed is not None:
        log.warning("finished publishing night %s, which a crash interrupted between its two files", healed)
    with _timed(report, "working copy"):
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
               failed_path(db), publishing_path(db), db.parent / "logs", staging_path(db)]
        own += [p.with_name(p.name + ".wal") for p in own[:4]]
        with _timed(report, "scan"):
            paths = scan_dir(report.source_dir, exclude=own)
        with _timed(report, "hash"):
            jobs, copies = _plan(report, log, paths, loaded, refused)
        with _timed(report, "read and load"):
            contacts = _load(report, log, con, jobs, copies, engine, on_progress=on_progress)
        report.finished_at = datetime.now()
        report.status = "completed"
        con.execute(
            "update runs set finished_at = ?, status = ?, files_seen = ?, files_new = ?, files_changed = ?, "
            "files_unchanged = ?, files_rejected = ? where run_id = ?",
            [report.finished_at, report.status, report.seen, report.new, report.changed,
             report.unchanged, len(report.rejects), report.run_id],
        )
        report.nights = nights_refused(con)
        with _timed(report, "checks"):
            # the night's rows written out first: DuckDB holds what it has not checkpointed in
            # memory, and the checks work under the night's memory limit (warehouse.memory)
            con.execute("checkpoint")
            failures = schema.run_checks(con, run_id=report.run_id)
    finally:
        with _timed(report, "close"):
            con.close()
    if failures:
        kept = keep_failed_copy(db)
        listed = ", ".join(f"{name} ({count} rows)" for name, count in failures.items())
        raise ChecksFailed(
            f"data checks failed: {listed}; nothing was published, the failed load is kept at {kept}",
            failures,
        )
    with _timed(report, "publish"):
        publish_with_contacts(db, report.run_id, [*moved, *contacts], compact=bool(moved))
        engine.after_publish()
    log.info("published %s: %d new, %d changed, %d unchanged, %d rejected",
             db, report.new, report.changed, report.unchanged, len(report.rejects))
    log.info("time by part: %s", ", ".join(f"{part} {seconds:.2f} s" for part, seconds in report.parts.items()))


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


# The loader takes readings a batch at a time (``Loader.load_readings``): this many files, or
# what arrived within this many seconds, whichever comes first, so progress never stalls long.
LOAD_BATCH_FILES = 64
LOAD_BATCH_SECONDS = 1.0


def _load(
    report: RunReport, log: logging.Logger, con: Any, jobs: list[FileJob], copies: dict[ReadingKey, list[Path]],
    engine: ReadingEngine, *, on_progress: ProgressCallback | None,
) -> list[tuple[Any, ...]]:
    """Read the jobs and load each reading whole or not at all; refusals become rejects.

    Readings load in batches (``LOAD_BATCH_FILES``); each outcome is accounted for in job
    order once its batch is in. Returns the night's contacts rows, for the publish step to
    write into the contacts file.
    """
    loader = Loader(con)
    outcomes = engine.map(jobs)
    waiting: list[tuple[FileJob, Outcome]] = []
    done = 0
    first_at = 0.0

    def account() -> None:
        nonlocal done
        readings = [(job, outcome) for job, outcome in waiting if not isinstance(outcome, Reject)]
        loaded = iter(loader.load_readings([
            Pending(outcome, _read_sha256(outcome, job), str(job.path), report.run_id, datetime.now())
            for job, outcome in readings
        ]))
        for job, outcome in waiting:
            done += 1
            result = None if isinstance(outcome, Reject) else next(loaded)
            _account(report, log, job, outcome, result, copies, done, len(jobs), on_progress)
        waiting.clear()

    try:
        for job, outcome in in_job_order(jobs, outcomes):
            if not waiting:
                first_at = time.monotonic()
            waiting.append((job, outcome))
            if len(waiting) >= LOAD_BATCH_FILES or time.monotonic() - first_at >= LOAD_BATCH_SECONDS:
                account()
        account()
    finally:
        engine.close()
    report.resumed = engine.resumed
    if engine.resumed:
        log.info("%d readings staged by an earlier run that did not finish were loaded, not read again",
                 engine.resumed)
    record_rejects(con, report.run_id, __version__,
                   [(r.path, r.sha256, r.error_code, r.message) for r in report.rejects])
    reached("all_loaded")
    return loader.contacts


def _account(
    report: RunReport, log: logging.Logger, job: FileJob, outcome: Outcome, result: LoadResult | Exception | None,
    copies: dict[ReadingKey, list[Path]], done: int, total: int, on_progress: ProgressCallback | None,
) -> None:
    """Count one file's outcome in the report and the log: loaded (as what), or rejected (why)."""
    same = copies.get(reading_key(job.path, job.sha256), [])
    if isinstance(result, Exception):  # one unloadable reading must not stop the night
        outcome = Reject(str(job.path), job.sha256, "internal_error",
                         f"the reading could not be loaded: {InternalError.from_exception(result).message}")
    elif result is not None:
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
            on_progress(done, total, str(job.path), note=f"slow OCR: {slow}")
        else:
            on_progress(done, total, str(job.path))


def _read_sha256(reading: dict[str, Any], job: FileJob) -> str:
    """The sha256 of the bytes the reading was made from (a file rewritten since the scan has new ones)."""
    source = reading.get("source")
    digest = source.get("sha256") if isinstance(source, dict) else None
    return digest if isinstance(digest, str) and digest else job.sha256

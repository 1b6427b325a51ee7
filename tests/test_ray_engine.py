"""The reading stage on Ray: the same warehouse as the local engine, limits, staging, resuming.

One real local Ray cluster (2 CPUs, a small object store) serves the whole module; starting
one costs seconds on two cores, so the corpora are small. Needs the ``ray`` extra (CI has it).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from warehouse_fixtures import copy_corpus, form_sources, make_reading, write_submission

from pipeline.batch import ingest
from pipeline.engines import FileJob
from pipeline.engines.stage import ReadingStage, outcome_to_row, staging_path
from pipeline.extract import sha256_file
from pipeline.warehouse import schema
from pipeline.warehouse.contacts import contacts_path

if os.environ.get("CI"):  # .ci/run installs the ray extra: there its tests run, never skip
    import pyarrow.parquet as pq
    import ray
else:
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install -e '.[ray]'")
    pq = pytest.importorskip("pyarrow.parquet", reason="the ray extra is not installed: pip install -e '.[ray]'")

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
ROOT = TESTS.parent
# Every table an analyst or auditor reads, with the columns that differ between two runs
# of the same files (run ids and load times) left out.
COMPARED = {
    "submissions": "submission_id, sha256, source_path, format, pages, unit_name, year, form_code, "
                   "version, is_latest, schema",
    "fields": "*", "tasks": "*", "facts": "*", "documents": "*", "checks": "*",
    "warnings": "*", "search_passages": "*", "search_words": "*",
    "rejects": "source_path, sha256, error_code, message, jixiao_version",
}


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """A local Ray cluster for this module (shut down after it: later tests block the network);
    its workers can import the fake extractors."""
    path = os.pathsep.join(p for p in (str(TESTS), os.environ.get("PYTHONPATH", "")) if p)
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=80 * 1024 * 1024,
             log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": path}})
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def warehouse(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every compared table of the warehouse, and the contacts of its file beside it."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {table: sorted(con.execute(f"select {columns} from {table}").fetchall(), key=repr)
                  for table, columns in COMPARED.items()}
    with duckdb.connect(str(contacts_path(db)), read_only=True) as con:
        tables["contacts"] = sorted(con.execute("select * from contacts").fetchall(), key=repr)
    return tables


def mixed_corpus(raw: Path) -> list[Path]:
    """One form per format per department, a second version of some, and a file per refusal."""
    forms: list[Path] = []
    seen: set[tuple[str, str]] = set()
    for source in form_sources():
        department = source.name.split(".")[0]
        if (department, source.suffix) not in seen:
            seen.add((department, source.suffix))
            forms.append(Path(shutil.copy(source, _mkdir(raw / "forms") / source.name)))
    manifest = json.loads((FIXTURES / "bad" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest:
        if not any(key.startswith("with_") for key in entry):
            shutil.copy(FIXTURES / "bad" / entry["file"], _mkdir(raw / "bad") / entry["file"])
    return forms


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_local_and_ray_load_identical_warehouses_and_an_unchanged_rerun_loads_nothing(
        tmp_path: Path, ray_cluster: str) -> None:
    raw = tmp_path / "raw"
    forms = mixed_corpus(raw)
    local_db, ray_db = tmp_path / "local" / "jixiao.duckdb", tmp_path / "ray" / "jixiao.duckdb"

    local = ingest(raw, local_db, workers=2, timeout=60)
    on_ray = ingest(raw, ray_db, engine="ray", timeout=60)

    assert (on_ray.seen, on_ray.new, on_ray.changed, on_ray.unchanged) == (
        local.seen, local.new, local.changed, local.unchanged)
    assert local.new + local.changed == len(forms) and local.changed > 0  # versions, in order
    assert sorted((r.path, r.error_code) for r in on_ray.rejects) == sorted(
        (r.path, r.error_code) for r in local.rejects)
    expected, got = warehouse(local_db), warehouse(ray_db)
    for table in [*COMPARED, "contacts"]:
        assert got[table] == expected[table], table
    assert len(got["facts"]) > 100 and len(got["rejects"]) > 10
    assert not staging_path(ray_db).exists()  # loaded and published: nothing left staged

    again = ingest(raw, ray_db, engine="ray", timeout=60)
    assert (again.new, again.changed) == (0, 0)
    # nothing read again: the loaded files are unchanged, the refused ones refused as before
    assert again.known_rejects == len(again.rejects) and again.unchanged + len(again.rejects) == again.seen
    rerun = warehouse(ray_db)
    assert {t: rows for t, rows in rerun.items() if t != "rejects"} == {
        t: rows for t, rows in got.items() if t != "rejects"}


def test_a_hung_reader_on_ray_is_a_timeout_and_a_crashed_one_an_internal_error(
        tmp_path: Path, ray_cluster: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from warehouse_fixtures import fake_extract

    import pipeline.engines.ray as ray_engine

    # the driver's kill of a reader deaf to the task's own timer, sooner than in production
    monkeypatch.setattr(ray_engine, "BACKSTOP_SECONDS", 1.0)
    raw = tmp_path / "raw"
    good = [write_submission(raw / "a.txt"), write_submission(raw / "z.txt", unit_name="某某局")]
    bad = {write_submission(raw / "hang.txt", action="hang"): "timeout",
           write_submission(raw / "deaf.txt", action="hang_deaf"): "timeout",
           write_submission(raw / "crash.txt", action="crash"): "internal_error",
           write_submission(raw / "raise.txt", action="raise"): "internal_error",
           write_submission(raw / "refused.txt", action="reject:not_a_form"): "not_a_form"}
    db = tmp_path / "w" / "jixiao.duckdb"

    started = time.monotonic()
    report = ingest(raw, db, engine="ray", timeout=4.0, extractor=fake_extract)

    assert time.monotonic() - started < 60  # the hung reader was not waited for (it sleeps an hour)
    assert sorted((r.path, r.error_code) for r in report.rejects) == sorted((str(p), c) for p, c in bad.items())
    messages = {Path(r.path).name: r.message for r in report.rejects}
    assert messages["hang.txt"] == messages["deaf.txt"]
    assert messages["hang.txt"].endswith(" reading took longer than the 4 s limit per file")
    assert "the reader crashed on this file" in messages["crash.txt"]
    assert report.new == len(good)
    with duckdb.connect(str(db), read_only=True) as con:
        assert sorted(r[0] for r in con.execute("select source_path from submissions").fetchall()) == sorted(
            map(str, good))
        assert schema.run_checks(con) == {}


def _staged_rows(db: Path) -> list[dict[str, Any]]:
    return [row for part in sorted(staging_path(db).glob("*/part-*.parquet"))
            for row in pq.read_table(part).to_pylist()]


def test_a_killed_ray_run_is_resumed_from_its_staged_readings_each_file_loaded_once(
        tmp_path: Path, ray_cluster: str) -> None:
    raw = tmp_path / "raw"
    files = copy_corpus(raw, 30, suffixes=(".pdf", ".docx"))
    db = tmp_path / "w" / "jixiao.duckdb"
    run = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "ingest", str(raw), "--db", str(db), "--engine", "ray",
         "--address", ray_cluster], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while not list(staging_path(db).glob("*/part-*.parquet")) and time.monotonic() < deadline:
            if run.poll() is not None:
                break
            time.sleep(0.05)
        still_running = run.poll() is None
        run.send_signal(signal.SIGKILL)
    finally:
        _, err = run.communicate(timeout=60)
    assert still_running, f"the run ended before it could be killed: {err}"
    staged = {(row["path"], row["sha256"]) for row in _staged_rows(db)}
    assert 0 < len(staged) < len(files)
    assert not db.exists()  # nothing was published by the killed run

    report = ingest(raw, db, engine="ray", timeout=60)

    assert report.resumed == len(staged)
    assert report.new + report.changed == len(files) and report.rejects == []
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = con.execute("select source_path, sha256, count(*) from submissions group by all").fetchall()
        assert schema.run_checks(con) == {}
    assert sorted(loaded) == sorted((str(p.resolve()), sha256_file(p), 1) for p in files)
    assert not staging_path(db).exists()


def test_a_staged_reading_is_loaded_without_reading_unless_its_file_changed(
        tmp_path: Path, ray_cluster: str) -> None:
    from warehouse_fixtures import fake_extract

    raw = tmp_path / "raw"
    kept = write_submission(raw / "kept.txt", unit_name="甲局").resolve()
    changed = write_submission(raw / "changed.txt", unit_name="乙局").resolve()
    db = tmp_path / "w" / "jixiao.duckdb"
    # What an earlier, killed run staged: a reading of each file's bytes as they were then.
    # The staged readings name other departments, so the warehouse shows which was loaded.
    earlier = ReadingStage(staging_path(db), "20240101T000000-killed")
    kept_job = FileJob(kept, sha256_file(kept))
    old_job = FileJob(changed, sha256_file(changed))
    earlier.write([outcome_to_row(kept_job, make_reading(unit_name="甲局（暂存）", sha256=kept_job.sha256)),
                   outcome_to_row(old_job, make_reading(unit_name="乙局（旧）", sha256=old_job.sha256))])
    write_submission(changed, unit_name="乙局", year=2024)  # the file changes after it was staged

    report = ingest(raw, db, engine="ray", timeout=10, extractor=fake_extract)

    assert (report.new, report.resumed, report.rejects) == (2, 1, [])
    with duckdb.connect(str(db), read_only=True) as con:
        units = dict(con.execute("select source_path, unit_name from submissions").fetchall())
    assert units == {str(kept): "甲局（暂存）", str(changed): "乙局"}
    assert not staging_path(db).exists()


def test_ingest_cli_on_ray_refuses_mismatched_options(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    runner = CliRunner()
    for args in (["--engine", "ray", "--workers", "0"], ["--address", "127.0.0.1:6379"]):
        result = runner.invoke(cli, ["ingest", str(tmp_path), "--db", str(tmp_path / "w.duckdb"), *args])
        assert result.exit_code == 2 and "Traceback" not in result.output, args


def test_an_address_where_nothing_answers_is_one_sentence_and_publishes_nothing(tmp_path: Path) -> None:
    write_submission(tmp_path / "raw" / "a.txt")
    db = tmp_path / "w" / "jixiao.duckdb"
    # its own process: this one may be connected to the session's cluster already
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "ingest", str(tmp_path / "raw"), "--db", str(db), "--engine", "ray",
         "--address", "127.0.0.1:1"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "127.0.0.1:1" in result.stderr and "Traceback" not in result.stderr
    assert not db.exists()


def test_the_command_starts_a_local_cluster_for_the_run_when_given_no_address(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    forms = [Path(shutil.copy(source, raw / source.name)) for source in form_sources((".txt",))[:2]]
    db = tmp_path / "w" / "jixiao.duckdb"
    # its own process, so that ray.init(num_cpus=1) starts a cluster of its own and shuts it down
    result = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(raw), "--db", str(db),
                             "--engine", "ray", "--workers", "1"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        loaded = sorted(row[0] for row in con.execute("select sha256 from submissions").fetchall())
    assert loaded == sorted(sha256_file(p) for p in forms)
    assert not staging_path(db).exists()

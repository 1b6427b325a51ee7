"""The nightly batch: what it loads, what it refuses, what it never does twice, and how it fails.

Most tests drive ``pipeline.batch.ingest`` with ``fake_extract`` (readings made from the example
form); the end-to-end ones run the real reader and the real ``jixiao`` command.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from warehouse_fixtures import (
    EXAMPLE_UNIT,
    copy_corpus,
    fake_extract,
    form_sources,
    write_submission,
)

from extractors.errors import ERROR_CODES
from pipeline.batch import ingest, scan_dir
from pipeline.cli import COMMANDS, cli
from pipeline.extract import extract_file, sha256_file
from pipeline.warehouse import ChecksFailed, IngestAlreadyRunning, schema
from pipeline.warehouse.contacts import contacts_path
from pipeline.warehouse.load import reading_to_rows, submission_id_for
from pipeline.warehouse.publish import ingest_lock, working_path

FIXTURES = Path(__file__).parent / "fixtures"
JIXIAO = [sys.executable, "-m", "pipeline"]
OTHER_UNIT = "湛江经济技术开发区财政局"
# The codes a fake file can ask for (timeout and internal_error come from hang/crash/raise).
ASKED_CODES = [c for c in ERROR_CODES if c not in ("timeout", "internal_error")]


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def run_fake(raw: Path, db: Path, **options: Any) -> Any:
    options = {"workers": 2, "timeout": 5.0, "extractor": fake_extract, **options}
    return ingest(raw, db, **options)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse" / "jixiao.duckdb"


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """`jixiao ingest` in this process, reading with fake_extract."""
    import pipeline.cli.ingest as ingest_cli

    monkeypatch.setattr(ingest_cli, "ingest", lambda *a, **k: ingest(*a, **{**k, "extractor": fake_extract}))


def count_rows(db: Path, table: str, submission_id: str) -> int:
    # the personal rows are in the contacts file beside the warehouse
    where = contacts_path(db) if table == "contacts" else db
    return query(where, f"select count(*) from {table} where submission_id = ?", submission_id)[0][0]


# --- what a run loads and refuses -----------------------------------------------------------

def test_rows_per_file_equal_the_reading_and_each_bad_file_one_coded_reject(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    good = [
        write_submission(raw / "a.txt"),
        write_submission(raw / "2023" / "b.txt", unit_name=OTHER_UNIT, fields={"sangong_actual": 25.0}),
        write_submission(raw / "c.txt", unit_name="某某局", year=2022, facts=3, warnings=["doubtful mark"]),
    ]
    bad = {write_submission(raw / "bad" / f"{code}.txt", action=f"reject:{code}"): code for code in ASKED_CODES}
    bad[write_submission(raw / "bad" / "hang.txt", action="hang")] = "timeout"
    bad[write_submission(raw / "bad" / "crash.txt", action="crash")] = "internal_error"
    bad[write_submission(raw / "bad" / "raise.txt", action="raise")] = "internal_error"
    (raw / "~$a.docx").write_text("office lock file")
    (raw / ".DS_Store").write_text("litter")

    report = run_fake(raw, db, timeout=1.0)

    assert (report.seen, report.new, report.changed, report.unchanged) == (len(good) + len(bad), 3, 0, 0)
    assert sorted((r.path, r.error_code) for r in report.rejects) == sorted((str(p), c) for p, c in bad.items())
    assert sorted(query(db, "select source_path, sha256, error_code from rejects")) == sorted(
        (str(p), sha256_file(p), c) for p, c in bad.items())
    for path in good:
        sha = sha256_file(path)
        rows = reading_to_rows(fake_extract(path, sha256=sha), submission_id_for(sha))
        for table, expected in rows.items():
            assert count_rows(db, table, submission_id_for(sha)) == len(expected), (path.name, table)
    assert query(db, "select status, files_seen, files_new, files_changed, files_unchanged, files_rejected from runs") == [
        ("completed", len(good) + len(bad), 3, 0, 0, len(bad))]
    assert report.log_path and report.log_path.parent == db.parent / "logs"
    log = report.log_path.read_text(encoding="utf-8")
    assert "timeout" in log and "15766818272" not in log and "梁延铭" not in log


def test_second_run_loads_nothing_and_reports_every_file_unchanged(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    write_submission(raw / "a.txt")
    write_submission(raw / "b.txt", unit_name=OTHER_UNIT)
    write_submission(raw / "bad.txt", action="reject:corrupt_file")
    shutil.copy(raw / "a.txt", raw / "a copy.txt")  # same bytes, another path: one submission
    first = run_fake(raw, db)
    assert (first.new, first.unchanged, len(first.rejects)) == (2, 1, 1)
    before = query(db, "select * from submissions order by 1")

    second = run_fake(raw, db, extractor=_never_called)  # refused bytes are not read again until they change
    assert (second.seen, second.new, second.changed, second.unchanged) == (4, 0, 0, 3)
    assert [(r.path, r.error_code) for r in second.rejects] == [(str(raw / "bad.txt"), "corrupt_file")]
    assert second.known_rejects == 1
    assert query(db, "select * from submissions order by 1") == before
    assert query(db, "select files_unchanged, files_new, files_rejected from runs where run_id = ?",
                 second.run_id) == [(3, 0, 1)]


def _never_called(path: Path, **_: Any) -> dict[str, Any]:
    raise AssertionError(f"{path} was read again")


def test_resubmission_becomes_version_2_and_latest_version_1_kept(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    first = write_submission(raw / "zetdz.txt")
    run_fake(raw, db)
    corrected = write_submission(raw / "zetdz_corrected.txt", fields={"sangong_actual": 7.0})
    report = run_fake(raw, db)
    assert (report.new, report.changed, report.unchanged) == (0, 1, 1)
    assert query(db, "select source_path, version, is_latest from submissions order by version") == [
        (str(first), 1, False), (str(corrected), 2, True)]
    assert query(db, "select sangong_actual_yuan from v_departments where unit_name = ?", EXAMPLE_UNIT) == [(70000.0,)]
    old = submission_id_for(sha256_file(first))
    assert count_rows(db, "fields", old) > 0 and count_rows(db, "facts", old) == 29


def test_refused_files_are_read_again_when_asked(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    write_submission(raw / "bad.txt", action="reject:not_a_form")
    run_fake(raw, db, workers=0)
    assert run_fake(raw, db, workers=0, extractor=_never_called).known_rejects == 1
    again = run_fake(raw, db, workers=0, retry_rejected=True)
    assert [r.error_code for r in again.rejects] == ["not_a_form"]


def test_scan_skips_hidden_and_temp_files_but_offers_every_other(tmp_path: Path) -> None:
    for name in ("a.pdf", "b.docx", "c.txt", "legacy.doc", "form.wps", "sheet.xls", "sub/d.txt",
                 "~$b.docx", ".hidden.txt", ".git/x.txt", "x.tmp", "b.docx~", "Thumbs.db"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    found = sorted(p.relative_to(tmp_path).as_posix() for p in scan_dir(tmp_path))
    assert found == ["a.pdf", "b.docx", "c.txt", "form.wps", "legacy.doc", "sheet.xls", "sub/d.txt"]


# --- a run that cannot complete publishes nothing ---------------------------------------------

def test_failed_data_check_fails_the_run_and_publishes_nothing(tmp_path: Path, db: Path, fake_cli: None) -> None:
    raw = tmp_path / "raw"
    write_submission(raw / "a.txt")
    run_fake(raw, db)
    published = db.read_bytes()
    write_submission(raw / "b.txt", unit_name=OTHER_UNIT, action="bad_span")
    with pytest.raises(ChecksFailed, match="spans_inside_document .*nothing was published"):
        run_fake(raw, db)
    assert db.read_bytes() == published
    assert not working_path(db).exists()
    assert db.with_name(db.name + ".failed").exists()
    result = CliRunner().invoke(cli, ["ingest", str(raw), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 1
    # Chinese first, then the English sentence (contract/CLI.md)
    assert result.output.startswith("jixiao ingest: 数据检查未通过") and result.output.count("\n") == 1
    assert "。 data checks failed: spans_inside_document" in result.output


def test_second_ingest_is_refused_at_once_naming_the_running_one(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    write_submission(raw / "a.txt")
    with ingest_lock(db, "20240612T020000-abcdef"):
        started = time.monotonic()
        with pytest.raises(IngestAlreadyRunning, match=rf"ingest run 20240612T020000-abcdef \(pid {os.getpid()}"):
            run_fake(raw, db)
        assert time.monotonic() - started < 2
        result = CliRunner().invoke(cli, ["ingest", str(raw), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "already loading" in result.output and "Traceback" not in result.output
    assert run_fake(raw, db).new == 1  # the lock is free again


def test_ingest_of_a_missing_folder_is_one_sentence(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "nowhere"), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1
    assert result.output.startswith("jixiao ingest: ") and result.output.count("\n") == 1


# --- the command line ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output and len(result.output) > 80


def test_ingest_report_and_sql_formats(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    write_submission(raw / "a.txt")
    write_submission(raw / "b.txt", unit_name=OTHER_UNIT, fields={"sangong_budget": 20.0, "sangong_actual": 25.0})
    write_submission(raw / "bad.txt", action="reject:encrypted")
    run_fake(raw, db)
    runner = CliRunner()
    sql = "select unit_name, budget_yuan, overspent from v_sangong order by unit_name"
    table = runner.invoke(cli, ["sql", sql, "--db", str(db)])
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split() == ["unit_name", "budget_yuan", "overspent"]
    assert "(2 rows)" in table.output
    csv = runner.invoke(cli, ["sql", sql, "--db", str(db), "--format", "csv"])
    assert csv.output.splitlines() == ["unit_name,budget_yuan,overspent",
                                       f"{EXAMPLE_UNIT},136700,False", f"{OTHER_UNIT},200000,True"]
    as_json = json.loads(runner.invoke(cli, ["sql", sql, "--db", str(db), "--format", "json"]).output)
    assert as_json[1] == {"unit_name": OTHER_UNIT, "budget_yuan": 200000.0, "overspent": True}
    for bad in (["sql", "delete from submissions", "--db", str(db)],
                ["sql", "select nonsense from", "--db", str(db)],
                ["sql", "select 1", "--db", str(tmp_path / "missing.duckdb")]):
        result = runner.invoke(cli, bad)
        assert result.exit_code == 1 and result.output.startswith("jixiao sql: "), bad
        assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert query(db, "select count(*) from submissions") == [(2,)]  # the delete was refused


def test_cli_report_names_new_changed_unchanged_and_rejects(tmp_path: Path, db: Path, fake_cli: None) -> None:
    raw = tmp_path / "raw"
    write_submission(raw / "a.txt")
    write_submission(raw / "bad.txt", action="reject:wrong_format")
    result = CliRunner().invoke(cli, ["ingest", str(raw), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # each line Chinese first, then English
    assert lines[0].startswith("导入完成 run ") and "completed" in lines[0]
    assert [line.split()[:2] for line in lines[1:6]] == [
        ["扫描文件", "files"], ["新增", "new"], ["更正", "changed"], ["未变", "unchanged"], ["拒收", "rejected"]]
    assert any("bad.txt: wrong_format: 文件内容与扩展名不符" in line for line in lines)
    assert lines[-1].startswith("  日志 log: ") and len(lines) < 25


# --- the real reader, end to end ----------------------------------------------------------------

def _manifest() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "bad" / "manifest.json").read_text(encoding="utf-8"))


def test_real_corpus_rows_equal_extract_and_each_bad_file_its_code(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "forms").mkdir(parents=True)
    # Every text and Word rendering, and one PDF per department: the PDFs are the slow part.
    pdf_departments: set[str] = set()
    forms = []
    for source in form_sources():
        department = source.name.split(".")[0]
        if source.suffix == ".pdf" and department in pdf_departments:
            continue
        pdf_departments.add(department) if source.suffix == ".pdf" else None
        forms.append(shutil.copy(source, raw / "forms" / source.name))
    # Files whose code needs a special limit are run on their own below.
    plain = [e for e in _manifest() if not any(k.startswith("with_") for k in e)]
    (raw / "bad").mkdir()
    for entry in plain:
        shutil.copy(FIXTURES / "bad" / entry["file"], raw / "bad" / entry["file"])

    report = ingest(raw, db, workers=2, timeout=30)

    rejected = {Path(r.path).name: r.error_code for r in report.rejects}
    assert rejected == {e["file"]: e["code"] for e in plain}
    assert sorted(query(db, "select error_code, count(*) from rejects group by 1")) == sorted(
        {(c, list(rejected.values()).count(c)) for c in set(rejected.values())})
    assert report.new + report.changed == len(forms)
    with duckdb.connect(str(db), read_only=True) as con:
        for path in map(Path, forms):
            sha = sha256_file(path)
            reading = extract_file(path, sha256=sha)
            sid = submission_id_for(sha)
            for table, expected in reading_to_rows(reading, sid).items():
                assert count_rows(db, table, sid) == len(expected), (path.name, table)
            facts = con.execute("select fact_id, metric, value, text, span_start from facts where submission_id = ? "
                                "order by fact_no", [sid]).fetchall()
            assert facts == [(f["id"], f["metric"], f["value"], f["text"], f["span"][0]) for f in reading["facts"]]
        assert schema.run_checks(con) == {}
    # several renderings of one department's form are versions of one form: one is latest
    assert query(db, "select count(*) from (select unit_name, year from submissions group by all having "
                     "count(*) filter (where is_latest) <> 1)") == [(0,)]


@pytest.mark.parametrize("entry", [e for e in _manifest() if any(k.startswith("with_") for k in e)],
                         ids=lambda e: e["file"])
def test_real_bad_file_under_a_tight_limit(tmp_path: Path, db: Path, entry: dict[str, Any]) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FIXTURES / "bad" / entry["file"], raw / entry["file"])
    limits = {"timeout": float(entry.get("with_timeout_seconds", 30))}
    if "with_max_bytes" in entry:
        limits["max_bytes"] = entry["with_max_bytes"]
    report = ingest(raw, db, workers=1, **limits)
    assert [(Path(r.path).name, r.error_code) for r in report.rejects] == [(entry["file"], entry["code"])]


def _jixiao(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([*JIXIAO, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=Path(__file__).parents[1], **kwargs)


def test_kill_9_at_a_random_point_then_rerun_loads_every_file_exactly_once(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    files = copy_corpus(raw, 16)
    rng = random.Random()
    for attempt in range(2):
        ingest_run = _jixiao("ingest", str(raw), "--db", str(db), "--workers", "2")
        delay = rng.uniform(0.1, 3.5)
        time.sleep(delay)
        ingest_run.send_signal(signal.SIGKILL)
        ingest_run.wait()
        print(f"attempt {attempt}: killed after {delay:.2f} s")  # shown when the test fails
        if db.exists():  # whatever was published is a complete night
            with duckdb.connect(str(db), read_only=True) as con:
                assert schema.run_checks(con) == {}
    final = _jixiao("ingest", str(raw), "--db", str(db), "--workers", "2")
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err
    assert not working_path(db).exists()
    loaded = query(db, "select sha256, count(*) from submissions group by 1")
    assert sorted(loaded) == sorted((sha256_file(p), 1) for p in files)
    with duckdb.connect(str(db), read_only=True) as con:
        assert schema.run_checks(con) == {}
        assert con.execute("select count(*) from rejects").fetchone() == (0,)
        assert con.execute("select count(*) from runs where status <> 'completed'").fetchone() == (0,)


def test_sql_during_a_running_ingest_sees_the_last_complete_night(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    first = copy_corpus(raw, 3, suffixes=(".txt",))
    done = ingest(raw, db, workers=0)
    assert done.new + done.changed == len(first)
    # a slow night: PDFs, one reader
    more = copy_corpus(raw / "night", 8, suffixes=(".pdf",))
    night = _jixiao("ingest", str(raw), "--db", str(db), "--workers", "1")
    try:
        deadline = time.monotonic() + 30
        while not working_path(db).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        looked = subprocess.run([*JIXIAO, "sql", "select count(*) as n from submissions", "--db", str(db),
                                 "--format", "csv"], capture_output=True, text=True, timeout=60)
        again = subprocess.run([*JIXIAO, "ingest", str(raw), "--db", str(db)], capture_output=True, text=True,
                               timeout=60)
        still_running = night.poll() is None
    finally:
        out, err = night.communicate(timeout=120)
    assert looked.returncode == 0, looked.stderr
    assert looked.stdout.split() == ["n", str(len(first))]
    assert again.returncode == 1 and "already loading" in again.stderr and again.stderr.count("\n") == 1
    assert still_running, "the night finished before the reader looked: make it slower"
    assert night.returncode == 0, err
    assert query(db, "select count(*) from submissions") == [(len(first) + len(more),)]


def test_a_warehouse_inside_the_folder_is_not_read_as_a_submission(tmp_path: Path) -> None:
    write_submission(tmp_path / "a.txt")
    db = tmp_path / "warehouse" / "jixiao.duckdb"
    run_fake(tmp_path, db, workers=0)
    again = run_fake(tmp_path, db, workers=0)
    assert (again.seen, again.unchanged, again.rejects) == (1, 1, [])


def test_two_corrections_in_one_night_become_versions_in_file_time_order(tmp_path: Path, db: Path) -> None:
    raw = tmp_path / "raw"
    # the older file reads slowly, so a second reader finishes the newer one first
    older = write_submission(raw / "b_first.txt", action="sleep:1.0")
    newer = write_submission(raw / "a_second.txt", fields={"sangong_actual": 7.0})
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    run_fake(raw, db, workers=2)
    assert query(db, "select source_path, version, is_latest from submissions order by version") == [
        (str(older), 1, False), (str(newer), 2, True)]

"""Faults of the machine, not of a file: kill -9 at every point of a night, a full disk, a damaged
warehouse. Each must leave the published warehouse and contacts file whole, and the next run must
finish the job."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.extract import sha256_file
from pipeline.warehouse import schema
from pipeline.warehouse.contacts import contacts_path, contacts_working_path
from pipeline.warehouse.killpoints import ENV, POINTS
from pipeline.warehouse.publish import publishing_path, working_path

FORMS = Path(__file__).parent / "fixtures" / "forms"
FIRST_NIGHT = ("hsjd_2023.utf8.txt", "zetdz_jmkj_2023.txt")
SECOND_NIGHT = ("ljq_jyj_2023.gb18030.txt", "dhq_mzj_2023.utf8.txt", "dhq_wjj_2023.utf8.txt")
JIXIAO = [sys.executable, "-m", "pipeline"]


def jixiao(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*JIXIAO, *args], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).parents[1], env={**os.environ, **(env or {})})


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def night_files(db: Path) -> dict[str, str | None]:
    return {p.name: digest(p) for p in (db, contacts_path(db))}


def copy_forms(raw: Path, names: tuple[str, ...]) -> list[Path]:
    raw.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(FORMS / name, raw / name)) for name in names]


def assert_whole(db: Path) -> set[str]:
    """The published pair: the checks pass and every submission has its contacts row."""
    with duckdb.connect(str(db), read_only=True) as con:
        assert schema.run_checks(con) == {}
        submissions = {r[0] for r in con.execute("select submission_id from submissions").fetchall()}
        last_run = con.execute("select max(run_id) from runs where status = 'completed'").fetchone()
    with duckdb.connect(str(contacts_path(db)), read_only=True) as con:
        contacts = {r[0] for r in con.execute("select submission_id from contacts").fetchall()}
        night = con.execute("select run_id from night").fetchone()
    assert submissions <= contacts  # the warehouse never names a submission without its contacts
    if not publishing_path(db).exists():
        assert contacts == submissions and night == last_run  # one night, both files
    return submissions


# --- kill -9 at every point of one night -------------------------------------------------------

# The real batch in its own process, reading with the fake reader (the kill points are the batch's,
# and jieba's start-up in every process would make a loop over them slow).
FAKE_INGEST = (
    f"import sys; from pathlib import Path; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
    "from warehouse_fixtures import fake_extract; from pipeline.batch import ingest; "
    "ingest(Path(sys.argv[1]), Path(sys.argv[2]), workers=0, extractor=fake_extract)"
)


def fake_night(raw: Path, db: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", FAKE_INGEST, str(raw), str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1],
                            env={**os.environ, **(env or {})})


def fake_forms(raw: Path, units: range) -> list[Path]:
    from warehouse_fixtures import write_submission

    return [write_submission(raw / f"unit_{n}.txt", unit_name=f"第{n}单位") for n in units]


@pytest.fixture(scope="module")
def first_night(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse after one night, to be copied by each kill test."""
    root = tmp_path_factory.mktemp("night1")
    fake_forms(root / "raw", range(2))
    db = root / "w" / "jixiao.duckdb"
    done = fake_night(root / "raw", db)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    return db


def _case(first_night: Path, case: Path) -> tuple[Path, list[Path]]:
    db = case / "w" / "jixiao.duckdb"
    db.parent.mkdir(parents=True)
    for path in (first_night, contacts_path(first_night)):
        shutil.copy2(path, db.parent / path.name)
    os.chmod(contacts_path(db), 0o600)
    return db, fake_forms(case / "raw", range(4))


def test_kill_9_at_every_point_of_a_night_leaves_a_whole_pair_and_the_next_run_finishes(
    first_night: Path, tmp_path: Path
) -> None:
    cases = {point: _case(first_night, tmp_path / point) for point in POINTS}
    before = night_files(first_night)
    # the nights are independent: run them side by side, each killed at its own point
    killed = {point: fake_night(tmp_path / point / "raw", db, env={ENV: point}) for point, (db, _) in cases.items()}
    for point, run in killed.items():
        _, err = run.communicate(timeout=300)
        assert run.returncode == -9, (point, err)
        db, files = cases[point]
        # whatever a reader sees now is one complete night: the old one, or (marker aside) the new
        submissions = assert_whole(db)
        if POINTS.index(point) < POINTS.index("marker_written"):
            assert night_files(db) == before, point  # nothing published before the marker
        assert len(submissions) in (2, len(files)), point
    again = {point: fake_night(tmp_path / point / "raw", db) for point, (db, _) in cases.items()}
    for point, run in again.items():
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, (point, err)
        db, files = cases[point]
        assert not publishing_path(db).exists() and not working_path(db).exists(), point
        assert not contacts_working_path(db).exists(), point
        assert assert_whole(db) == {sha256_file(p)[:16] for p in files}, point
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("select count(*) from submissions").fetchone() == (len(files),), point


# --- a full disk during the load ---------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of its own, so a run can fill it; skipped only where mounting is impossible."""
    disk = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        why = f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}"
        if os.environ.get("CI"):  # CI runs as root: a test that cannot run there must not pass
            pytest.fail(why)
        pytest.skip(why)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def resize(disk: Path, size: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(disk)], check=True)


def test_a_full_disk_fails_the_run_in_one_sentence_and_the_next_roomier_run_succeeds(
    small_disk: Path, tmp_path: Path
) -> None:
    db = small_disk / "w" / "jixiao.duckdb"
    raw = tmp_path / "raw"
    copy_forms(raw, FIRST_NIGHT)
    assert jixiao("ingest", str(raw), "--db", str(db), "--workers", "0").returncode == 0
    before = night_files(db)
    many = copy_forms(raw, SECOND_NIGHT)
    from warehouse_fixtures import copy_corpus

    many += copy_corpus(raw / "more", 6, suffixes=(".txt",))
    used = shutil.disk_usage(small_disk).used
    resize(small_disk, used + db.stat().st_size + 256 * 1024)  # room for the copy, hardly more

    full = jixiao("ingest", str(raw), "--db", str(db), "--workers", "0")
    assert full.returncode == 1, full.stdout
    assert full.stderr.count("\n") == 1 and "Traceback" not in full.stderr, full.stderr
    assert f"disk {small_disk} " in full.stderr and "is full" in full.stderr
    assert night_files(db) == before  # the published warehouse and contacts file stay whole
    assert not working_path(db).exists() and not contacts_working_path(db).exists()
    assert_whole(db)

    resize(small_disk, 256 * 1024 * 1024)
    roomy = jixiao("ingest", str(raw), "--db", str(db), "--workers", "0")
    assert roomy.returncode == 0, roomy.stderr
    submissions = assert_whole(db)
    assert len(submissions) >= len(FIRST_NIGHT) + len(SECOND_NIGHT)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from rejects").fetchone() == (0,)


# --- a damaged warehouse or contacts file ---------------------------------------------------------

@pytest.mark.parametrize(("which", "offset"), [("warehouse", 0), ("warehouse", 5000), ("contacts", 0)])
def test_a_damaged_file_is_one_sentence_and_nothing_is_overwritten(
    first_night: Path, tmp_path: Path, which: str, offset: int
) -> None:
    db = tmp_path / "w" / "jixiao.duckdb"
    db.parent.mkdir()
    for path in (first_night, contacts_path(first_night)):
        shutil.copy2(path, db.parent / path.name)
    damaged = db if which == "warehouse" else contacts_path(db)
    with damaged.open("r+b") as handle:
        handle.seek(offset)
        handle.write(bytes(range(256)) * 16)
    before = night_files(db)
    raw = tmp_path / "raw"
    copy_forms(raw, FIRST_NIGHT + SECOND_NIGHT)

    result = jixiao("ingest", str(raw), "--db", str(db), "--workers", "0")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{damaged} is damaged" in result.stderr and "已损坏" in result.stderr
    assert night_files(db) == before  # not one byte changed
    assert not working_path(db).exists() and not contacts_working_path(db).exists()

"""Personal data in its own file: 0600, published with the night, healed after a crash, never in
the analysts' warehouse (any table, any text column, the log), moved out of old warehouses."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from warehouse_fixtures import fake_extract, write_submission

from pipeline.batch import ingest
from pipeline.cli import cli
from pipeline.extract import sha256_file
from pipeline.privacy import CONTACT_KEYS
from pipeline.warehouse import publish
from pipeline.warehouse.contacts import contacts_night, contacts_path, contacts_working_path
from pipeline.warehouse.load import submission_id_for
from pipeline.warehouse.publish import ingest_lock, publishing_path, working_path

FORMS = Path(__file__).parent / "fixtures" / "forms"
# one text and one Word rendering of several departments: quick to read, every contact kind
FILES = ("hsjd_2023.utf8.txt", "ljq_jyj_2023.gb18030.txt", "dhq_mzj_2023.controls.docx",
         "ljq_jtj_2023.official.docx", "zetdz_jmkj_2023.txt")


def contact_values(name: str) -> list[str]:
    """The fixture's contact person, phone and email, and each part of a list of phones."""
    expected = json.loads((FORMS / f"{name.split('.')[0]}.expected.json").read_text(encoding="utf-8"))
    values: list[str] = []
    for key in CONTACT_KEYS:
        value = expected["fields"][key]
        if value:
            values += [value, *[part for part in value.replace(",", "、").split("、") if len(part) > 3]]
    return values


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for name in FILES:
        shutil.copyfile(FORMS / name, raw / name)
    db = tmp_path_factory.mktemp("warehouse") / "jixiao.duckdb"
    report = ingest(raw, db, workers=0)
    assert (report.new + report.changed, report.rejects) == (len(FILES), [])
    return db


def _text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute("select table_name, column_name from duckdb_columns() "
                       "where database_name = current_database() and data_type = 'VARCHAR'").fetchall()


def test_no_table_text_or_log_of_the_warehouse_holds_a_contact_value(night: Path) -> None:
    values = sorted({v for name in FILES for v in contact_values(name)})
    assert len(values) >= 3 * len(FILES)
    with duckdb.connect(str(night), read_only=True) as con:
        columns = _text_columns(con)
        assert ("documents", "text") in columns and ("fields", "value_text") in columns
        for table, column in columns:
            for value in values:
                hits = con.execute(f'select count(*) from "{table}" where contains("{column}", ?)', [value]).fetchone()
                assert hits == (0,), f"{table}.{column} holds {value!r}"
    for log in (night.parent / "logs").iterdir():
        text = log.read_text(encoding="utf-8")
        assert not [v for v in values if v in text], log


def test_the_contacts_file_is_private_and_holds_every_submission(night: Path) -> None:
    personal = contacts_path(night)
    assert personal.name == "jixiao.contacts.duckdb" and personal.parent == night.parent
    assert stat.S_IMODE(personal.stat().st_mode) == 0o600
    assert stat.S_IMODE(night.stat().st_mode) & 0o044  # the analysts' file stays readable to them
    assert not contacts_working_path(night).exists() and not publishing_path(night).exists()
    with duckdb.connect(str(personal), read_only=True) as con:
        stored = {row[0]: row[1:] for row in con.execute(
            "select submission_id, contact_person, contact_phone, contact_email from contacts").fetchall()}
        night_run = con.execute("select run_id from night").fetchall()
    with duckdb.connect(str(night), read_only=True) as con:
        submissions = {row[0] for row in con.execute("select submission_id from submissions").fetchall()}
        assert night_run == con.execute("select run_id from runs").fetchall()
    assert set(stored) == submissions
    raw = night.parent.parent / [p.name for p in night.parent.parent.iterdir() if p.name.startswith("raw")][0]
    for name in FILES:
        expected = json.loads((FORMS / f"{name.split('.')[0]}.expected.json").read_text(encoding="utf-8"))
        sid = submission_id_for(sha256_file(raw / name))
        assert stored[sid] == tuple(expected["fields"][key] for key in CONTACT_KEYS), name


# --- an old warehouse, with its own contacts table ----------------------------------------------

def _make_old(new: Path, old: Path) -> list[str]:
    """A warehouse as schema 3 left it: contacts inside, no contacts file beside it."""
    shutil.copyfile(new, old)
    with duckdb.connect(str(contacts_path(new)), read_only=True) as con:
        rows = con.execute("select * from contacts").fetchall()
    with duckdb.connect(str(old)) as con:
        con.execute("create table contacts (submission_id varchar primary key, contact_person varchar, "
                    "contact_phone varchar, contact_email varchar)")
        con.executemany("insert into contacts values (?, ?, ?, ?)", [list(r) for r in rows])
        con.execute("delete from schema_migrations where version = 4")
    return [value for row in rows for value in row[1:] if value]


def test_migration_moves_an_old_warehouse_contacts_out_and_leaves_no_byte_of_them(
    night: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old" / "jixiao.duckdb"
    old.parent.mkdir()
    values = _make_old(night, old)
    phone = next(v for v in values if v.isdigit()).encode()
    assert phone in old.read_bytes()  # the scan below can see them: they are there before
    raw = tmp_path / "raw"
    write_submission(raw / "new.txt", unit_name="迁移后的单位")
    report = ingest(raw, old, workers=0, extractor=fake_extract)
    assert report.new == 1
    with duckdb.connect(str(old), read_only=True) as con:
        tables = {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}
        assert not tables & {"contacts", "contacts_to_move"}
        assert con.execute("select max(version) from schema_migrations").fetchone()[0] >= 4
        count = con.execute("select count(*) from submissions").fetchone()[0]
    # not even in the file's free blocks: the night's warehouse was rebuilt without them
    assert not [v for v in values if v.encode() in old.read_bytes()]
    with duckdb.connect(str(contacts_path(old)), read_only=True) as con:
        assert con.execute("select count(*) from contacts").fetchone() == (count,)
        moved = {v for row in con.execute("select contact_person, contact_phone, contact_email from contacts")
                 .fetchall() for v in row if v}
    assert set(values) <= moved
    assert stat.S_IMODE(contacts_path(old).stat().st_mode) == 0o600


# --- a crash between the two renames of a publish -------------------------------------------------

@pytest.fixture
def one_night(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    raw, db = tmp_path / "raw", tmp_path / "w" / "jixiao.duckdb"
    write_submission(raw / "a.txt")
    ingest(raw, db, workers=0, extractor=fake_extract)
    yield raw, db


def _runs(db: Path) -> list[Any]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [row[0] for row in con.execute("select run_id from runs order by started_at").fetchall()]


def test_a_crash_between_the_two_renames_is_healed_by_the_next_run(
    one_night: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, db = one_night
    write_submission(raw / "b.txt", unit_name="第二晚的单位")
    real_replace = os.replace
    calls: list[Path] = []

    def crash_after_first(src: Any, dst: Any) -> None:
        calls.append(Path(dst))
        if Path(dst) == db:
            raise SystemExit("killed between the renames")  # not an Exception: nothing cleans up
        real_replace(src, dst)

    monkeypatch.setattr(publish.os, "replace", crash_after_first)
    with pytest.raises(SystemExit):
        ingest(raw, db, workers=0, extractor=fake_extract)
    monkeypatch.setattr(publish.os, "replace", real_replace)
    assert calls == [contacts_path(db), db]  # contacts first: the warehouse never outruns them
    assert publishing_path(db).exists() and working_path(db).exists()
    night_two = contacts_night(db)
    assert night_two not in _runs(db)  # the pair is from two nights, for now
    # readers keep the last complete warehouse meanwhile
    looked = CliRunner().invoke(cli, ["sql", "select count(*) from submissions", "--db", str(db), "--format", "csv"])
    assert looked.exit_code == 0 and looked.output.split() == ["count_star()", "1"]

    third = ingest(raw, db, workers=0, extractor=fake_extract)
    assert not publishing_path(db).exists() and not working_path(db).exists()
    assert _runs(db)[1] == night_two and _runs(db)[-1] == third.run_id  # night two was finished, not lost
    assert third.new == 0 and contacts_night(db) == third.run_id
    with duckdb.connect(str(db), read_only=True) as con:
        sids = {r[0] for r in con.execute("select submission_id from submissions").fetchall()}
    with duckdb.connect(str(contacts_path(db)), read_only=True) as con:
        assert {r[0] for r in con.execute("select submission_id from contacts").fetchall()} == sids
    assert len(sids) == 2


def test_sql_during_a_first_ever_ingest_says_an_ingest_is_running(tmp_path: Path) -> None:
    db = tmp_path / "w" / "jixiao.duckdb"
    with ingest_lock(db, "20260101T020000-abcdef"):
        result = CliRunner().invoke(cli, ["sql", "select 1", "--db", str(db)])
    assert result.exit_code == 1
    assert "ingest run 20260101T020000-abcdef" in result.output and "first night" in result.output
    assert "run `jixiao ingest` first" not in result.output
    after = CliRunner().invoke(cli, ["sql", "select 1", "--db", str(db)])
    assert after.exit_code == 1 and "run `jixiao ingest` first" in after.output

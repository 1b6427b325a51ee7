"""The warehouse itself: migrations, one reading into rows, versions, transactions, data checks."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from warehouse_fixtures import EXAMPLE_UNIT, make_reading

from pipeline.fields import FIELD_SPECS
from pipeline.privacy import mask_personal
from pipeline.warehouse import WarehouseTooNew, schema
from pipeline.warehouse.load import Loader, Pending, RepeatedKey, submission_id_for

PERSONAL = [s.key for s in FIELD_SPECS if s.personal]
RUN = "test-run"


def sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = schema.open_for_write(tmp_path / "w.duckdb")
    connection.execute("insert into runs (run_id, started_at, status) values (?, now(), 'running')", [RUN])
    yield connection
    connection.close()


def reading_of(label: str, **spec: Any) -> dict[str, Any]:
    """The example reading as the file ``label`` would give it (its fact ids carry its sha256)."""
    return make_reading(sha256=sha(label), **spec)


def load(con: duckdb.DuckDBPyConnection, reading: dict[str, Any], label: str) -> Any:
    return Loader(con).load_reading(reading, sha256=sha(label), source_path=f"/raw/{label}", run_id=RUN)


def rows(con: duckdb.DuckDBPyConnection, query: str, *params: Any) -> list[tuple[Any, ...]]:
    return con.execute(query, list(params)).fetchall()


# --- schema ------------------------------------------------------------------------------

def test_fresh_warehouse_has_every_contract_table_and_view(con: duckdb.DuckDBPyConnection) -> None:
    names = {r[0] for r in rows(con, "select table_name from information_schema.tables")}
    assert {"submissions", "fields", "tasks", "facts", "documents", "checks", "warnings",
            "runs", "rejects"} <= names
    assert "contacts" not in names  # personal data lives in its own file
    assert "contacts_to_move" not in names  # only an old warehouse has one, until its next night
    assert {"v_departments", "v_metrics", "v_metric_summary", "v_sangong", "v_disclosure",
            "v_check_failures", "v_fact_trace", "v_open_rejects"} <= names
    assert schema.schema_version(con) == schema.latest_version() >= 1


def _sql_dir(tmp_path: Path, migrations: dict[str, str]) -> Path:
    for kind in ("migrations", "views", "checks"):
        (tmp_path / "sql" / kind).mkdir(parents=True, exist_ok=True)
    for name, sql in migrations.items():
        (tmp_path / "sql" / "migrations" / name).write_text(sql, encoding="utf-8")
    return tmp_path / "sql"


def test_older_warehouse_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    sql_dir = _sql_dir(tmp_path, {"001_t.sql": "create table t (a integer); insert into t values (1);"})
    db = duckdb.connect(str(tmp_path / "old.duckdb"))
    assert schema.migrate(db, sql_dir=sql_dir) == 1
    _sql_dir(tmp_path, {"002_t_b.sql": "alter table t add column b varchar;"})
    assert schema.migrate(db, sql_dir=sql_dir) == 2
    assert rows(db, "select a, b from t") == [(1, None)]
    assert rows(db, "select version, name from schema_migrations order by 1") == [(1, "001_t"), (2, "002_t_b")]


def test_a_schema_1_warehouse_with_data_upgrades_to_field_boxes(tmp_path: Path) -> None:
    # the real migrations, as a warehouse written before 002 would have them
    real = schema.SQL_DIR / "migrations"
    first = _sql_dir(tmp_path / "v1", {"001_initial.sql": (real / "001_initial.sql").read_text(encoding="utf-8")})
    db = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert schema.migrate(db, sql_dir=first) == 1
    db.execute("insert into fields (submission_id, key, section, text, page) values ('s', 'unit_name', 'basic', 'x', 1)")
    assert schema.migrate(db) == schema.latest_version() >= 2
    assert rows(db, "select key, text, page, bbox_x0, bbox_bottom from fields") == [("unit_name", "x", 1, None, None)]


# every table a reading fills, and the order to list its rows in
FILLED = ("submissions", "fields", "tasks", "facts", "documents", "checks", "warnings", "reading_coverage",
          "search_passages", "search_words", "runs")


def _table_rows(db: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {t: rows(db, f"select * from {t} order by all") for t in FILLED}


def _columns(db: duckdb.DuckDBPyConnection, table: str) -> list[tuple[Any, ...]]:
    return rows(db, "select column_name, data_type, is_nullable from information_schema.columns "
                    "where table_name = ? order by ordinal_position", table)


def test_a_schema_5_warehouse_upgrades_to_unkeyed_child_tables_with_every_row(tmp_path: Path) -> None:
    real = schema.SQL_DIR / "migrations"
    before_006 = _sql_dir(tmp_path / "v5", {m.name: m.read_text(encoding="utf-8")
                                            for m in sorted(real.glob("00[1-5]_*.sql"))})
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as old:
        assert schema.migrate(old, sql_dir=before_006) == 5
        old.execute("insert into runs (run_id, started_at, status) values (?, now(), 'completed')", [RUN])
        for label, unit in (("a", EXAMPLE_UNIT), ("b", EXAMPLE_UNIT), ("c", "某某局")):
            reading = reading_of(label, unit_name=unit, warnings=[f"doubt about {label}"])
            reading["coverage"] = {"labels_found": 40, "labels_expected": 42, "fields_read": 60,
                                   "values_unreadable": ["x"], "sections_missing": [], "goals_block": True,
                                   "tasks": len(reading["tasks"]), "unaccounted_numbers": 1}
            load(old, reading, label)
        kept = _table_rows(old)
        columns = {t: _columns(old, t) for t in ("fields", "search_passages")}
        keyed = {t for (t,) in rows(old, "select table_name from duckdb_constraints() "
                                         "where constraint_type = 'PRIMARY KEY'")}
    assert {"fields", "search_passages"} <= keyed  # what 006 takes off was there
    assert all(kept.values())  # every table had rows to keep

    con = schema.open_for_write(path)  # as the night opens it: migrations, views, labels
    try:
        assert schema.schema_version(con) == schema.latest_version() >= 6
        assert _table_rows(con) == kept
        assert {t: _columns(con, t) for t in columns} == columns  # same columns, order, types, nulls
        keyed_now = {t for (t,) in rows(con, "select table_name from duckdb_constraints() "
                                             "where constraint_type in ('PRIMARY KEY', 'UNIQUE')")}
        assert not keyed_now & {"fields", "search_passages"}
        assert {"submissions", "documents", "reading_coverage"} <= keyed_now  # one row a file: kept
        latest = "select count(*) from facts join submissions using (submission_id) where is_latest"
        assert rows(con, "select count(*) from v_fact_trace") == rows(con, latest) != [(0,)]  # views rebound
        assert schema.run_checks(con) == {}
        assert schema.run_checks(con, run_id=RUN) == {}
    finally:
        con.close()


def test_newer_warehouse_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    schema.open_for_write(path).close()
    with duckdb.connect(str(path)) as db:
        db.execute("insert into schema_migrations values (99, '099_future', now())")
    with pytest.raises(WarehouseTooNew, match=r"schema version 99 .* upgrade jixiao"):
        schema.open_for_write(path)


def test_failed_migration_leaves_the_version_where_it_was(tmp_path: Path) -> None:
    sql_dir = _sql_dir(tmp_path, {"001_ok.sql": "create table a (x integer);",
                                  "002_bad.sql": "create table b (x integer); select * from nowhere;"})
    db = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(duckdb.Error):
        schema.migrate(db, sql_dir=sql_dir)
    assert schema.schema_version(db) == 1
    assert not rows(db, "select * from information_schema.tables where table_name = 'b'")


# --- one reading into rows ---------------------------------------------------------------

def test_rows_equal_the_reading(con: duckdb.DuckDBPyConnection) -> None:
    reading = reading_of("a", warnings=["amount without a unit"])
    result = load(con, reading, "a")
    sid = submission_id_for(sha("a"))
    assert (result.status, result.version, result.submission_id) == ("new", 1, sid)

    fields = {r[0]: r[1:] for r in rows(con, "select key, section, value_text, value_num, value_bool, value_date, "
                                              "unit, value_std, unit_std, text, span_start, span_end "
                                              "from fields where submission_id = ?", sid)}
    specs = {s.key: s for s in FIELD_SPECS}
    assert set(fields) == {k for k in specs if k not in PERSONAL}
    for key, (section, text, num, boolean, day, unit, std, unit_std, printed, start, end) in fields.items():
        entry = reading["fields"][key]
        assert section == specs[key].section
        value = {"text": text, "bool": boolean, "date": day.isoformat() if day else None}.get(specs[key].type, num)
        assert value == entry["value"], key
        assert (unit, std, unit_std, printed) == tuple(entry.get(k) for k in ("unit", "value_std", "unit_std", "text"))
        assert [start, end] == (entry.get("span") or [None, None])
    assert fields["fill_date"][4] == date(2024, 6, 11)
    assert fields["sangong_budget"][2:7] == (13.67, None, None, "万元", 136700.0)

    assert rows(con, "select task_no, goal, outcome from tasks where submission_id = ? order by task_no", sid) == [
        (t["no"], t["goal"], t["outcome"]) for t in reading["tasks"]]
    facts = rows(con, "select fact_id, task_no, metric, kind, value, unit, value_std, unit_std, approx, basis, text, "
                      "span_start, span_end, sentence from facts where submission_id = ? order by fact_no", sid)
    assert facts == [(f["id"], f["task_no"], f["metric"], f["kind"], f["value"], f["unit"], f["value_std"],
                      f["unit_std"], f["approx"], f["basis"], f["text"], *f["span"], f["sentence"])
                     for f in reading["facts"]]
    assert rows(con, "select rule, status, detail from checks where submission_id = ?", sid) == [
        (c["rule"], c["status"], c["detail"]) for c in reading["checks"]]
    assert rows(con, "select message from warnings where submission_id = ?", sid) == [("amount without a unit",)]
    # the stored text is the reading's with the contact values blotted out at the same offsets
    contacts = [reading["fields"][key]["value"] for key in PERSONAL]
    stored = rows(con, "select text from documents where submission_id = ?", sid)
    assert stored == [(mask_personal(reading["text"], contacts),)]
    assert len(stored[0][0]) == len(reading["text"])
    assert any(value and value in reading["text"] for value in contacts)  # there was something to hide
    assert not any(value and value in stored[0][0] for value in contacts)
    assert rows(con, "select unit_name, year, form_code, version, is_latest, format, sha256 from submissions") == [
        (EXAMPLE_UNIT, 2023, "附件6-1", 1, True, "txt", sha("a"))]
    assert schema.run_checks(con) == {}


def test_personal_fields_go_to_the_loader_never_to_the_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    loader = Loader(con)
    loader.load_reading(reading_of("a", fields={"contact_email": "lym@example.cn"}), sha256=sha("a"),
                        source_path="/raw/a", run_id=RUN)
    assert loader.contacts == [(submission_id_for(sha("a")), "梁延铭", "15766818272", "lym@example.cn")]
    assert not rows(con, f"select * from fields where key in ({', '.join('?' * len(PERSONAL))})", *PERSONAL)
    # No table or view holds them, the blotted document text included.
    columns = rows(con, "select table_name, column_name from information_schema.columns "
                        "where data_type = 'VARCHAR'")
    for table, column in columns:
        hits = rows(con, f'select count(*) from "{table}" where "{column}" similar to \'.*(梁延铭|15766818272|lym@).*\'')
        assert hits == [(0,)], f"{table}.{column} holds personal data"


def test_rows_by_bbox_and_page_for_pdf_facts(con: duckdb.DuckDBPyConnection) -> None:
    reading = reading_of("pdf", facts=1)
    reading["facts"][0].update(page=2, bbox=[10.5, 20.0, 30.25, 40.0], value_max=800.0)
    load(con, reading, "pdf")
    assert rows(con, "select page, bbox_x0, bbox_top, bbox_x1, bbox_bottom, value_max from facts") == [
        (2, 10.5, 20.0, 30.25, 40.0, 800.0)]


def test_same_bytes_are_one_submission(con: duckdb.DuckDBPyConnection) -> None:
    reading = reading_of("a")
    assert load(con, reading, "a").status == "new"
    assert load(con, reading, "a").status == "unchanged"
    assert rows(con, "select count(*) from submissions") == [(1,)]
    assert rows(con, "select count(*) from fields") == [(len(FIELD_SPECS) - len(PERSONAL),)]


def test_resubmission_is_version_2_and_latest_version_1_kept(con: duckdb.DuckDBPyConnection) -> None:
    load(con, reading_of("v1"), "v1")
    load(con, reading_of("other", unit_name="湛江经济技术开发区财政局"), "other")
    result = load(con, reading_of("v2", fields={"sangong_actual": 7.0}), "v2")
    assert (result.status, result.version) == ("changed", 2)
    assert rows(con, "select submission_id, version, is_latest from submissions where unit_name = ? order by version",
                EXAMPLE_UNIT) == [(submission_id_for(sha("v1")), 1, False), (submission_id_for(sha("v2")), 2, True)]
    # version 1 keeps every row it had
    assert rows(con, "select value_num from fields where submission_id = ? and key = 'sangong_actual'",
                submission_id_for(sha("v1"))) == [(7.35,)]
    assert rows(con, "select count(*) from facts where submission_id = ?", submission_id_for(sha("v1"))) == [(29,)]
    assert rows(con, "select count(*) from submissions where is_latest") == [(2,)]
    assert schema.run_checks(con) == {}


def test_a_reading_that_fails_half_way_leaves_nothing(con: duckdb.DuckDBPyConnection) -> None:
    load(con, reading_of("v1"), "v1")
    broken = reading_of("v2", fields={"sangong_actual": 7.0})
    broken["checks"].append({"rule": "r", "status": "maybe", "detail": "not a status"})  # violates a constraint late
    with pytest.raises(duckdb.ConstraintException):
        load(con, broken, "v2")
    assert rows(con, "select version, is_latest from submissions") == [(1, True)]
    sid = submission_id_for(sha("v2"))
    for table in ("fields", "facts", "tasks", "documents", "checks"):
        assert rows(con, f"select count(*) from {table} where submission_id = ?", sid) == [(0,)], table
    assert schema.run_checks(con) == {}


def test_a_reading_that_repeats_a_task_is_refused_alone_and_the_batch_loads(con: duckdb.DuckDBPyConnection) -> None:
    # fields and search_passages have no primary key (migration 006): the loader keeps them unique
    repeated = reading_of("twice", unit_name="某某局")
    repeated["tasks"].append(dict(repeated["tasks"][0]))  # task 1 twice: passages goal-1, outcome-1 twice
    batch = [Pending(reading, sha(label), f"/raw/{label}", RUN, datetime.now())
             for label, reading in (("v1", reading_of("v1")), ("twice", repeated),
                                    ("other", reading_of("other", unit_name="另一局")))]
    first, middle, last = Loader(con).load_readings(batch)
    assert isinstance(middle, RepeatedKey) and "goal-1" in str(middle)
    assert (first.status, last.status) == ("new", "new")  # type: ignore[union-attr]
    assert rows(con, "select count(*) from submissions") == [(2,)]
    assert rows(con, "select count(*) from search_passages where submission_id = ?",
                submission_id_for(sha("twice"))) == [(0,)]
    assert schema.run_checks(con, run_id=RUN) == {}


def test_rows_that_repeat_a_field_are_not_inserted(con: duckdb.DuckDBPyConnection) -> None:
    row = {"submission_id": "s", "key": "unit_name", "section": "basic"}
    with pytest.raises(RepeatedKey, match="unit_name"):
        Loader(con).insert_rows("fields", [row, {**row}])
    assert rows(con, "select count(*) from fields") == [(0,)]
    Loader(con).insert_rows("fields", [row, {**row, "key": "year"}])  # another key of the same submission
    assert rows(con, "select count(*) from fields") == [(2,)]


@pytest.mark.parametrize("table", ["fields", "facts", "tasks", "checks"])
def test_typed_lists_and_arrow_insert_the_same_rows(con: duckdb.DuckDBPyConnection, table: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """insert_rows takes typed lists below ARROW_VALUES values and an Arrow table from there:
    the rows a reading makes come out of the table the same either way."""
    from pipeline.warehouse import load

    made = load.reading_to_rows(make_reading(), "s")[table]
    assert len(made) > 1
    stored = []
    for threshold in (10**9, 1):  # every insert by typed lists, then every one through Arrow
        monkeypatch.setattr(load, "ARROW_VALUES", threshold)
        con.execute("begin transaction")
        Loader(con).insert_rows(table, made)
        stored.append(rows(con, f"select * from {table} order by all"))
        con.execute("rollback")
    assert stored[0] == stored[1] and len(stored[0]) == len(made)


# --- the data checks catch what they promise ----------------------------------------------

BREAKAGES = {
    "no_orphans": "insert into facts (fact_id, submission_id, fact_no) values ('lost', 'nobody', 1)",
    "spans_inside_document": "update facts set span_start = span_start + 1 where fact_no = 1",
    "one_latest_per_unit_year": "update submissions set is_latest = true",
    "unique_fact_ids": "update facts set fact_id = 'same' where fact_no <= 2",
    "unique_field_keys": "insert into fields select * from fields where key = 'unit_name' limit 1",
    "unique_passage_ids": "insert into search_passages select * from search_passages limit 1",
}


# unique_submission_ids has no breakage here: the primary key refuses it before the check could.
@pytest.mark.parametrize("check", sorted(BREAKAGES))
def test_each_data_check_finds_its_breakage(con: duckdb.DuckDBPyConnection, check: str) -> None:
    load(con, reading_of("v1"), "v1")
    load(con, reading_of("v2", fields={"sangong_actual": 7.0}), "v2")
    assert schema.run_checks(con) == {}
    con.execute(BREAKAGES[check])
    assert check in schema.run_checks(con)
    assert check in schema.run_checks(con, run_id=RUN)  # as the night that loaded them runs it


def test_a_passage_named_after_another_submission_is_caught(con: duckdb.DuckDBPyConnection) -> None:
    load(con, reading_of("v1"), "v1")
    first = rows(con, "select min(passage_id) from search_passages")[0][0]
    for table in ("search_passages", "search_words"):  # its words follow it: no orphans
        con.execute(f"update {table} set passage_id = 'elsewhere:goal-1' where passage_id = ?", [first])
    assert schema.run_checks(con, run_id=RUN) == {"unique_passage_ids": 1}


def test_every_check_and_view_file_is_lowercase_and_ends_in_final() -> None:
    for kind in ("views", "checks"):
        for item in schema.sql_files(kind):
            code = "\n".join(line.split("--")[0] for line in item.sql.splitlines())
            assert code == code.lower(), f"{kind}/{item.name}.sql has uppercase SQL"
            assert code.strip().endswith("select * from final"), f"{kind}/{item.name}.sql"


def test_a_night_checks_spans_of_its_own_submissions_only_and_still_catches_its_own(
        con: duckdb.DuckDBPyConnection) -> None:
    load(con, reading_of("v1"), "v1")  # an earlier night's submission, run RUN
    con.execute("insert into runs (run_id, started_at, status) values ('tonight', now(), 'running')")
    Loader(con).load_reading(reading_of("other", unit_name="某某局"), sha256=sha("other"),
                             source_path="other.txt", run_id="tonight")
    broken = "update facts set span_start = span_start + 1 where fact_no = 1 and submission_id = ?"
    con.execute(broken, [submission_id_for(sha("v1"))])  # the old night's rows: not tonight's to check
    assert "spans_inside_document" in schema.run_checks(con)
    assert schema.run_checks(con, run_id="tonight") == {}
    con.execute(broken, [submission_id_for(sha("other"))])
    assert schema.run_checks(con, run_id="tonight") == {"spans_inside_document": 1}
    assert rows(con, "select count(*) from facts") == [(58,)]  # the scope was temporary


def test_a_night_larger_than_a_slice_is_checked_slice_by_slice(
        con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "CHECK_SLICE", 2)  # three submissions: two slices
    labels = ("a", "b", "c")
    for label in labels:
        load(con, reading_of(label, unit_name=f"单位{label}"), label)
    ids = sorted(submission_id_for(sha(label)) for label in labels)
    con.execute("update facts set span_start = span_start + 1 where fact_no = 1 and submission_id = ?", [ids[0]])
    con.execute("insert into fields select * from fields where key = 'year' and submission_id = ?", [ids[2]])
    assert schema.run_checks(con, run_id=RUN) == {"spans_inside_document": 1, "unique_field_keys": 1}
    temp = "select count(*) from information_schema.tables where table_schema = 'main' and table_catalog = 'temp'"
    assert rows(con, temp) == [(0,)]  # the slices' views and scope are gone
    assert rows(con, "select count(distinct submission_id) from facts") == [(3,)]


def test_the_working_copy_is_the_same_bytes_cloned_or_copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    from pipeline.warehouse.publish import clone_or_copy

    source = tmp_path / "w.duckdb"
    source.write_bytes(bytes(range(256)) * 4099)
    clone_or_copy(source, tmp_path / "first")  # a clone on XFS or btrfs, a copy here on ext4/tmpfs
    assert (tmp_path / "first").read_bytes() == source.read_bytes()

    def no_reflinks(*args: Any) -> None:
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(fcntl, "ioctl", no_reflinks)
    assert clone_or_copy(source, tmp_path / "second") is False
    assert (tmp_path / "second").read_bytes() == source.read_bytes()

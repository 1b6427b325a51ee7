"""The warehouse schema: numbered migrations in sql/migrations, views in sql/views, checks in sql/checks.

The version applied is recorded in ``schema_migrations``; opening an older warehouse upgrades
it, a newer one is refused rather than written by code that does not know its tables.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.warehouse.contacts import drop_empty_contacts_to_move
from pipeline.warehouse.errors import WarehouseNotFound, WarehouseTooNew
from pipeline.warehouse.memory import fetch_with_room
from pipeline.warehouse.publish import running_ingest

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class SqlFile:
    """One SQL file of the project: its name (the file stem) and its text."""

    name: str
    sql: str
    number: int = 0


def migrations(sql_dir: Path = SQL_DIR) -> list[SqlFile]:
    """The migrations in order of their number (001_initial.sql is 1)."""
    found = []
    for path in sorted((sql_dir / "migrations").glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise ValueError(f"migration file {path.name} is not named NNN_words.sql")
        found.append(SqlFile(path.stem, path.read_text(encoding="utf-8"), int(match.group(1))))
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"two migrations share a number: {numbers}")
    # Gaps are fine: parallel branches own number blocks, and each migration is applied once
    # by its number, whatever order the branches land in.
    return found


def sql_files(kind: str, sql_dir: Path = SQL_DIR) -> list[SqlFile]:
    """The views (``kind="views"``) or checks (``kind="checks"``), one per file, by name."""
    return [
        SqlFile(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted((sql_dir / kind).glob("*.sql"))
    ]


def latest_version(sql_dir: Path = SQL_DIR) -> int:
    """The schema version this code writes: the highest migration number."""
    return max((m.number for m in migrations(sql_dir)), default=0)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the database (0 for an empty one)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_migrations'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("select coalesce(max(version), 0) from schema_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, *, db_label: str = "the warehouse", sql_dir: Path = SQL_DIR) -> int:
    """Bring the schema up to date, one transaction per migration; return the version reached."""
    known = migrations(sql_dir)
    newest = max((m.number for m in known), default=0)
    current = schema_version(con)
    if current > newest:
        raise WarehouseTooNew(
            f"{db_label} has schema version {current} but this jixiao knows only up to "
            f"{newest}; upgrade jixiao before loading into it"
        )
    con.execute(
        "create table if not exists schema_migrations "
        "(version integer primary key, name varchar not null, applied_at timestamp not null)"
    )
    applied = {int(row[0]) for row in con.execute("select version from schema_migrations").fetchall()}
    for migration in (m for m in known if m.number not in applied):
        con.execute("begin transaction")
        try:
            con.execute(migration.sql)
            con.execute(
                "insert into schema_migrations values (?, ?, current_timestamp)",
                [migration.number, migration.name],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return newest


def create_views(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """(Re)create every analyst view of sql/views, so views ship with the code that reads them."""
    names = []
    for view in sql_files("views", sql_dir):
        con.execute(f"create or replace view {view.name} as\n{view.sql}")
        names.append(view.name)
    return names


def open_for_write(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (or create) a warehouse file read-write, upgraded to the current schema and views."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        indexed = has_table(con, "search_passages")
        migrate(con, db_label=f"the warehouse {path}")
        drop_empty_contacts_to_move(con)  # a full one is the night's to move (batch)
        create_views(con)
        _after_migrate(con, indexed)
    except BaseException:
        con.close()
        raise
    return con


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database has a table (or view) of that name."""
    row = con.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchone()
    return bool(row and row[0])


def _after_migrate(con: duckdb.DuckDBPyConnection, indexed: bool) -> None:
    """Labels ship with the code like the views; a warehouse loaded before the word index gets one."""
    from pipeline.search.index import index_loaded
    from pipeline.warehouse.labels import refresh_labels
    from pipeline.warehouse.load import Loader

    refresh_labels(con)
    if not indexed:  # the migration has just created the index: fill it for what is loaded
        con.execute("begin transaction")
        index_loaded(con, Loader(con).insert_rows)
        con.execute("commit")


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a published warehouse for reading; it is never locked by a running ingest."""
    if not path.is_file():
        running = running_ingest(path)
        if running is not None:
            raise WarehouseNotFound(
                f"仓库 {path} 的第一晚尚在载入中，完成后即可查询。 / There is no warehouse at {path} yet: "
                f"{running} is loading its first night; query again when it has finished"
            )
        raise WarehouseNotFound(f"there is no warehouse at {path}; run `jixiao ingest` first or pass --db")
    return duckdb.connect(str(path), read_only=True)


# A check whose SQL starts with this line looks at each submission's own rows only. Loaded
# rows never change, so a night need run it over the submissions it loaded, not the warehouse.
PER_SUBMISSION = "-- per submission"
# A night runs those checks on this many of its submissions at a time: a check's memory is that
# of one slice (the span check holds its documents' text), whatever the size of the night.
CHECK_SLICE = 500


def _slices_of_run(con: duckdb.DuckDBPyConnection, run_id: str) -> Generator[None, None, None]:
    """Shadow every table holding ``submission_id`` with a temporary view of one slice of a run's rows.

    Yields once per slice of ``CHECK_SLICE`` submissions the run loaded (never for a run that
    loaded none); the views and their scope are dropped at the end.
    """
    catalog = con.execute("select current_database()").fetchone()
    main = f'"{catalog[0] if catalog else "memory"}".main'
    tables = [t for (t,) in con.execute(
        "select distinct c.table_name from information_schema.columns c "
        "join information_schema.tables t using (table_schema, table_name) "
        "where c.column_name = 'submission_id' and t.table_type = 'BASE TABLE' and t.table_schema = 'main'"
    ).fetchall()]
    night = [sid for (sid,) in con.execute(
        f"select submission_id from {main}.submissions where run_id = ? order by 1", [run_id]
    ).fetchall()]
    con.execute("create or replace temp table jixiao_check_scope (submission_id varchar)")
    try:
        for table in tables:
            con.execute(f'create or replace temp view "{table}" as select * from {main}."{table}" '
                        "where submission_id in (select submission_id from temp.jixiao_check_scope)")
        for start in range(0, len(night), CHECK_SLICE):
            con.execute("delete from temp.jixiao_check_scope")
            con.execute("insert into temp.jixiao_check_scope select unnest(?::varchar[])",
                        [night[start:start + CHECK_SLICE]])
            yield
    finally:
        for table in tables:
            con.execute(f'drop view if exists temp."{table}"')
        con.execute("drop table if exists temp.jixiao_check_scope")


def _failing_rows(con: duckdb.DuckDBPyConnection, check: SqlFile) -> int:
    # under the night's memory limit; a very long document may need more, and gets it
    rows = fetch_with_room(con, f"select count(*) from (\n{check.sql}\n)")
    return int(rows[0][0]) if rows else 0


def run_checks(
    con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, *, run_id: str | None = None
) -> dict[str, int]:
    """Run every data check of sql/checks; return the failing ones with their row counts.

    With ``run_id``, the checks marked per submission look at that run's submissions only,
    a slice at a time (``CHECK_SLICE``).
    """
    checks = sql_files("checks", sql_dir)
    scoped = [c for c in checks if run_id and c.sql.startswith(PER_SUBMISSION)]
    counts = {check.name: _failing_rows(con, check) for check in checks if check not in scoped}
    if run_id and scoped:
        for check in scoped:
            counts[check.name] = 0
        with closing(_slices_of_run(con, run_id)) as slices:  # its views dropped however it ends
            for _ in slices:
                for check in scoped:
                    counts[check.name] += _failing_rows(con, check)
    return {check.name: counts[check.name] for check in checks if counts[check.name]}

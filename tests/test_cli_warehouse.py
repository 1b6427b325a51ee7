"""Finding the warehouse (--db, JIXIAO_DB, the default) and `jixiao sql` scripts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from search_fixtures import DEPARTMENTS, build_warehouse

from pipeline.cli import COMMANDS, cli

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("cliwh") / "jixiao.duckdb")


def jixiao(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_jixiao_db_is_honoured_from_another_folder(db: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    env = {**os.environ, "JIXIAO_DB": str(db), "PYTHONPATH": str(REPO)}
    query = "select count(*) as n from submissions"
    found = jixiao("sql", query, "--format", "csv", cwd=elsewhere, env=env)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["n", str(len(DEPARTMENTS))]
    searched = jixiao("search", "化工园区", cwd=elsewhere, env=env)
    assert searched.returncode == 0 and "【化工园区】" in searched.stdout
    # verify opens the same warehouse (its sources are not on disk here: exit 3, never 1)
    verified = jixiao("verify", cwd=elsewhere, env=env)
    assert verified.returncode == 3, verified.stderr
    assert f"checked {len(DEPARTMENTS)} source files of latest submissions" in verified.stdout
    # --db wins over the variable; without either, the default relative to the folder is looked for
    other = jixiao("sql", query, "--db", str(tmp_path / "none.duckdb"), cwd=elsewhere, env=env)
    assert other.returncode == 1 and "none.duckdb" in other.stderr
    env.pop("JIXIAO_DB")
    missing = jixiao("sql", query, cwd=elsewhere, env=env)
    assert missing.returncode == 1 and missing.stderr.startswith("jixiao sql: 找不到数据仓库")
    assert "data/warehouse/jixiao.duckdb" in missing.stderr and "Traceback" not in missing.stderr


def test_every_command_that_opens_the_warehouse_names_the_variable_in_its_help() -> None:
    for name in ("ingest", "sql", "trace", "export", "search", "verify"):
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "JIXIAO_DB" in result.output, name
    assert {"export", "search"} <= set(COMMANDS)


def test_help_points_to_the_reference() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert "docs/reference/" in result.output
    for name in COMMANDS:  # and every command's own help names the page that explains it
        own = CliRunner().invoke(cli, [name, "--help"])
        assert "docs/reference/" in own.output.replace("\n", " "), name
    for page in ("fields.md", "reading.md", "facts.md", "warehouse.md", "errors.md", "commands.md"):
        assert (REPO / "docs" / "reference" / page).is_file(), page


def test_sql_runs_every_statement_of_a_script(db: Path) -> None:
    script = ("select count(*) as departments from v_departments; "
              "select unit_name from v_departments where year = 2022; select 1 as one")
    result = CliRunner().invoke(cli, ["sql", script, "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.split("\n\n") == ["departments\n5", "unit_name\n戊区工业和信息化局", "one\n1\n"]
    bad = CliRunner().invoke(cli, ["sql", "select 1; select nonsense from", "--db", str(db)])
    assert bad.exit_code == 1 and bad.output.startswith("jixiao sql: 查询出错")

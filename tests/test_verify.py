"""`jixiao verify`: every latest submission's source re-hashed; changed and missing listed; exit 3."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from warehouse_fixtures import fake_extract, write_submission

from pipeline.batch import ingest
from pipeline.cli import cli
from pipeline.extract import sha256_file
from pipeline.verify import verify_sources


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    raw, db = tmp_path / "raw", tmp_path / "w" / "jixiao.duckdb"
    files = {
        "a": write_submission(raw / "a.txt", unit_name="甲单位", year=2023),
        "b": write_submission(raw / "b.txt", unit_name="乙单位", year=2023),
        "c": write_submission(raw / "c.txt", unit_name="丙单位", year=2022),
        "old": write_submission(raw / "old.txt", unit_name="丁单位", year=2023),
    }
    ingest(raw, db, workers=0, extractor=fake_extract)
    # a correction of 丁单位: the superseded version's file is no longer the auditor's concern
    files["new"] = write_submission(raw / "new.txt", unit_name="丁单位", year=2023, fields={"sangong_actual": 7.0})
    ingest(raw, db, workers=0, extractor=fake_extract)
    return db, files


def verify(db: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["verify", "--db", str(db), *args])
    return result.exit_code, result.output.splitlines()


def test_all_sources_match_exit_0(loaded: tuple[Path, dict[str, Path]]) -> None:
    db, _ = loaded
    code, lines = verify(db)
    assert code == 0 and lines == ["核对了4个最新提交的源文件：4个一致，0个已改动，0个缺失。"
                                   "checked 4 source files of latest submissions: 4 match, 0 changed, 0 missing"]


def test_changed_and_missing_files_are_listed_with_both_hashes_exit_3(loaded: tuple[Path, dict[str, Path]]) -> None:
    db, files = loaded
    then = {name: sha256_file(path) for name, path in files.items()}
    files["a"].write_text(files["a"].read_text(encoding="utf-8") + " ", encoding="utf-8")
    files["c"].unlink()
    files["old"].unlink()  # superseded: not checked
    code, lines = verify(db)
    assert code == 3
    text = "\n".join(lines)
    assert f"CHANGED  {files['a']}" in text and f"sha256 then  {then['a']}" in text
    assert f"sha256 now   {sha256_file(files['a'])}" in text
    assert f"MISSING  {files['c']}" in text and f"sha256 then  {then['c']}" in text and "no such file" in text
    assert str(files["b"]) not in text and str(files["old"]) not in text
    assert lines[-1].endswith("checked 4 source files of latest submissions: 2 match, 1 changed, 1 missing")
    assert lines[-1].startswith("核对了4个最新提交的源文件：2个一致，1个已改动，1个缺失。")
    # one year only
    code, lines = verify(db, "--year", "2023")
    assert code == 3 and lines[-1] == ("核对了3个2023年最新提交的源文件：2个一致，1个已改动，0个缺失。"
                                       "checked 3 source files of latest submissions of 2023: 2 match, 1 changed, 0 missing")
    assert str(files["c"]) not in "\n".join(lines)


def test_the_sweep_streams_in_path_order_with_any_number_of_threads(loaded: tuple[Path, dict[str, Path]]) -> None:
    db, files = loaded
    files["b"].unlink()
    with duckdb.connect(str(db), read_only=True) as con:
        for threads in (1, 3, 16):
            checks = list(verify_sources(con, threads=threads))
            assert [c.source_path for c in checks] == sorted(str(files[n]) for n in ("a", "b", "c", "new"))
            assert [c.state for c in checks] == ["matches", "missing", "matches", "matches"]


def test_verify_without_a_warehouse_is_one_sentence(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "no warehouse" in result.output

"""`jixiao verify`: the auditor's sweep over the sources of every latest submission."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.options import db_option, open_warehouse
from pipeline.verify import SourceCheck, verify_sources

EXIT_DIFFERS = 3  # as `jixiao trace`: a file changed or went missing since it was loaded


def check_lines(check: SourceCheck) -> list[str]:
    """The lines of one changed or missing file (nothing for a file that matches)."""
    if check.ok:
        return []
    who = " ".join(str(v) for v in (check.unit_name, check.year) if v is not None)
    head = "已改动 CHANGED" if check.state == "changed" else "缺失 MISSING"
    now = check.sha256_now if check.state == "changed" else f"— ({check.reason})"
    return [f"{head}  {check.source_path}" + (f"  ({who}, submission {check.submission_id})" if who else ""),
            f"    sha256 then  {check.sha256}",
            f"    sha256 now   {now}"]


@click.command(name="verify")
@db_option("The warehouse whose sources to check")
@click.option("--year", type=int, default=None, help="Only the submissions of this year.")
def command(db: Path, year: int | None) -> None:
    """Re-hash the source file of every latest submission and list those changed or missing since loaded.

    \b
    Exit codes: 0 every file still has the bytes loaded; 3 one or more changed or are missing;
    1 the warehouse could not be opened.
    The submissions table it reads: docs/reference/warehouse.md.
    """
    con = open_warehouse("verify", db)
    checked = changed = missing = 0
    try:
        for check in verify_sources(con, year=year):
            checked += 1
            changed += check.state == "changed"
            missing += check.state == "missing"
            for line in check_lines(check):
                click.echo(line)
    finally:
        con.close()
    matching = checked - changed - missing
    scope_zh, scope = (f"{year}年", f" of {year}") if year is not None else ("", "")
    click.echo(f"核对了{checked}个{scope_zh}最新提交的源文件：{matching}个一致，{changed}个已改动，{missing}个缺失。"
               f"checked {checked} source files of latest submissions{scope}: {matching} match, "
               f"{changed} changed, {missing} missing")
    if changed or missing:
        sys.exit(EXIT_DIFFERS)

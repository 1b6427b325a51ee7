"""`jixiao ingest [DIR]`: the nightly batch, a thin layer over ``pipeline.batch.ingest``."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from pipeline.batch import DEFAULT_TIMEOUT, RunReport, ingest
from pipeline.cli.options import db_option
from pipeline.engines import ENGINES
from pipeline.warehouse import WarehouseError

REJECTS_SHOWN = 12  # one screen: the rest are in the log and the rejects table


def report_lines(report: RunReport) -> list[str]:
    """The one-screen report of a run, each line Chinese first, then English."""
    lines = [
        f"导入完成 run {report.run_id} completed，用时 {report.seconds:.1f} 秒 s：{report.source_dir} -> {report.db}",
        f"  扫描文件 files seen  {report.seen:>7}",
        f"  新增     new         {report.new:>7}",
        f"  更正     changed     {report.changed:>7}   （部门当年报表的新版本 new version of a department's form for a year）",
        f"  未变     unchanged   {report.unchanged:>7}   （已导入，不再读取 already loaded; not read again）",
        f"  拒收     rejected    {len(report.rejects):>7}",
    ]
    if report.known_rejects:
        lines.append(
            f"  （拒收文件中有 {report.known_rejects} 个此前已被拒收且未改动，未重读；用 --retry-rejected 可重读 "
            f"of the rejected, {report.known_rejects} refused on an earlier night and unchanged, not read again; "
            "--retry-rejected reads them again）"
        )
    if report.rejects:
        by_code = Counter(r.error_code for r in report.rejects)
        lines.append("  拒收原因 rejected by reason: " + ", ".join(f"{code} {n}" for code, n in by_code.most_common()))
        lines.append("  仍未解决 still broken (v_open_rejects):")
        for reject in report.rejects[:REJECTS_SHOWN]:
            lines.append(f"    {reject.path}: {reject.error_code}: {reject.message}{_nights(report, reject.path)}")
        if len(report.rejects) > REJECTS_SHOWN:
            more = len(report.rejects) - REJECTS_SHOWN
            lines.append(f"    …… 另有 {more} 个，见日志 and {more} more, listed in the log")
    lines.append(f"  日志 log: {report.log_path}")
    return lines


def _nights(report: RunReport, path: str) -> str:
    nights = report.nights.get(path, 1)
    return f" (拒收 {nights} 晚 refused {nights} nights)" if nights > 1 else " (new tonight)"


class _Progress:
    """A progress bar on a terminal, nothing otherwise; made once the number of files is known."""

    def __init__(self) -> None:
        self._bar: Any = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int, path: str, note: str = "") -> None:
        if not self.enabled:
            return
        if note:
            click.echo(f"\n{path}: {note}", err=True)
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="reading", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@click.command(name="ingest")
@click.argument("source_dir", metavar="[DIR]", default="data/raw",
                type=click.Path(file_okay=False, path_type=Path))
@db_option("The warehouse file to load into (created if missing)")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Reader processes (default: one per core; 0 reads in this process, without the time limit); "
                   "with --engine ray and no --address, the CPUs of the local cluster.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT,
              show_default=True, help="Seconds one file may take to read before it is rejected as `timeout`.")
@click.option("--retry-rejected", is_flag=True,
              help="Read again files refused in an earlier run (normally skipped until their bytes change).")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Who reads the files: processes on this machine, or tasks on a Ray cluster "
                   "(needs the ray extra). The warehouse is the same either way.")
@click.option("--address", metavar="ADDR", default=None,
              help="With --engine ray: join the running Ray cluster at ADDR (host:port) instead of "
                   "starting a local one for the run.")
def command(source_dir: Path, db: Path, workers: int | None, timeout: float, retry_rejected: bool,
            engine: str, address: str | None) -> None:
    """Load every submission under DIR (default data/raw) into the warehouse: the nightly batch.

    Files already loaded (same sha256) are skipped; a corrected form for the same department and
    year becomes a new version. Broken files are rejected with a reason and never stop the run.
    Exit code 0 when the run completed, even with rejects; 1 when it could not run.
    The error codes of rejected files: docs/reference/errors.md; running it every night, on a
    cluster, after a failed run: docs/operations.md.
    """
    if address and engine != "ray":
        raise click.UsageError("--address 指 Ray 集群，请与 --engine ray 一起使用。"
                               "--address names a Ray cluster; use it with --engine ray")
    if engine == "ray" and workers == 0:
        raise click.UsageError("--workers 0 在本进程中读取，请与 --engine local 一起使用。"
                               "--workers 0 reads in this process; use it with --engine local")
    progress = _Progress()
    try:
        report = ingest(source_dir, db, workers=workers, timeout=timeout, retry_rejected=retry_rejected,
                        on_progress=progress, engine=engine, address=address)
    except WarehouseError as exc:
        progress.close()
        click.echo(f"jixiao ingest: {exc.message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        progress.close()
        click.echo("jixiao ingest: 已中断，本次未发布任何内容，下次运行将重新开始。"
                   "interrupted; nothing was published, the next run starts over", err=True)
        sys.exit(130)
    progress.close()
    click.echo("\n".join(report_lines(report)))

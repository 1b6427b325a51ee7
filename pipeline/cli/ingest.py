"""`jixiao ingest [DIR]`: the nightly batch, a thin layer over ``pipeline.batch.ingest``."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from pipeline.batch import DEFAULT_TIMEOUT, RunReport, ingest
from pipeline.warehouse import DEFAULT_DB, WarehouseError

REJECTS_SHOWN = 12  # one screen: the rest are in the log and the rejects table


def report_lines(report: RunReport) -> list[str]:
    """The one-screen report of a run."""
    lines = [
        f"run {report.run_id} completed in {report.seconds:.1f} s: {report.source_dir} -> {report.db}",
        f"  files seen  {report.seen:>7}",
        f"  new         {report.new:>7}",
        f"  changed     {report.changed:>7}   (new version of a department's form for a year)",
        f"  unchanged   {report.unchanged:>7}   (already loaded; not read again)",
        f"  rejected    {len(report.rejects):>7}",
    ]
    if report.known_rejects:
        lines.append(
            f"  (of the unchanged, {report.known_rejects} refused in an earlier run; "
            "--retry-rejected reads them again)"
        )
    if report.rejects:
        by_code = Counter(r.error_code for r in report.rejects)
        lines.append("  rejected by reason: " + ", ".join(f"{code} {n}" for code, n in by_code.most_common()))
        for reject in report.rejects[:REJECTS_SHOWN]:
            lines.append(f"    {reject.path}: {reject.error_code}: {reject.message}")
        if len(report.rejects) > REJECTS_SHOWN:
            lines.append(f"    … and {len(report.rejects) - REJECTS_SHOWN} more, listed in the log")
    lines.append(f"  log: {report.log_path}")
    return lines


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
@click.option("--db", "db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The warehouse file to load into (created if missing).")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Reader processes (default: one per core; 0 reads in this process, without the time limit).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT,
              show_default=True, help="Seconds one file may take to read before it is rejected as `timeout`.")
@click.option("--retry-rejected", is_flag=True,
              help="Read again files refused in an earlier run (normally skipped until their bytes change).")
def command(source_dir: Path, db: Path, workers: int | None, timeout: float, retry_rejected: bool) -> None:
    """Load every submission under DIR (default data/raw) into the warehouse: the nightly batch.

    Files already loaded (same sha256) are skipped; a corrected form for the same department and
    year becomes a new version. Broken files are rejected with a reason and never stop the run.
    Exit code 0 when the run completed, even with rejects; 1 when it could not run.
    """
    progress = _Progress()
    try:
        report = ingest(source_dir, db, workers=workers, timeout=timeout,
                        retry_rejected=retry_rejected, on_progress=progress)
    except WarehouseError as exc:
        progress.close()
        click.echo(f"jixiao ingest: {exc.message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        progress.close()
        click.echo("jixiao ingest: interrupted; nothing was published, the next run starts over", err=True)
        sys.exit(130)
    progress.close()
    click.echo("\n".join(report_lines(report)))

"""`jixiao trace ID`: the auditor's view of one fact or field, a thin layer over ``pipeline.trace``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.options import db_option, fail, open_warehouse
from pipeline.trace import (
    Trace,
    TraceError,
    source_problems,
    submission_source,
    submission_traces,
    trace,
)

EXIT_CANNOT_TRACE = 1  # unknown id, no warehouse
EXIT_NOT_PROVEN = 3  # traced, but the file changed or went missing, or a span is off (2 is click's usage)


def _value(t: Trace) -> str:
    return t.shown_value()


def _one_line(text: str) -> str:
    # A sentence may run over several cells of the form: show it on one line.
    return text.replace("\n", " ⏎ ")


def report_lines(t: Trace) -> list[str]:
    """The short readable report of one trace."""
    src = t.source
    lines = [f"{t.item} {t.id}: {t.label} = {_value(t)}" + (f" ({t.kind})" if t.kind else "")]
    lines.append(f"  sentence  {_one_line(t.marked) if t.mark else '(no text: the form leaves it blank)'}")
    if t.task_no is not None:
        lines.append(f"  task      {t.task_no} {t.task_goal or ''}".rstrip())
    elif t.section:
        lines.append(f"  field     {t.key} in section {t.section}")
    lines.append(f"  file      {src.path} ({src.format}" + (f", {src.pages} pages)" if src.pages else ")"))
    lines.append(f"  sha256    {src.sha256} (at load)")
    now = src.sha256_now if src.state == "changed" else (src.reason if src.state == "missing" else "")
    lines.append(f"  on disk   {src.state.upper() if src.state != 'matches' else src.state}" + (f": {now}" if now else ""))
    if t.page is not None:
        box = f", bbox {', '.join(f'{v:.2f}' for v in t.bbox)} pt (x0, top, x1, bottom)" if t.bbox else ""
        lines.append(f"  page      {t.page}{box}")
    if t.span is not None:
        lines.append(f"  span      [{t.span[0]}, {t.span[1]}) "
                     + ("slices the figure" if t.span_ok else f"slices {t.found!r}, NOT the figure"))
    latest = "latest" if t.is_latest else "superseded"
    lines.append(f"  loaded    run {t.run_id} at {t.ingested_at} ({t.unit_name} {t.year}, version {t.version}, {latest})")
    return lines


def _fail(message: str, code: int) -> None:
    fail("trace", message, code)


@click.command(name="trace")
@click.argument("item_id", metavar="ID", required=False)
@db_option("The warehouse file to look in")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a self-contained page showing the figure in its document (and PDF page).")
@click.option("--submission", "submission_id", metavar="ID",
              help="Trace every fact of one submission (with --html: its evidence pack).")
def command(item_id: str | None, db: Path, html_path: Path | None, submission_id: str | None) -> None:
    """Show where a figure came from: ID is a fact_id, or SUBMISSION_ID:FIELD_KEY for a field.

    Prints the value, the sentence with the figure marked 【like this】, the source file with the
    sha256 recorded at load and whether the file on disk still has it, page and box for PDFs,
    and the run that loaded it. Personal fields are never traced. What a fact's value, unit and
    qualifier mean: docs/reference/facts.md; the fields: docs/reference/fields.md.

    \b
    Exit codes: 0 the figure is proven by the file on disk; 1 it could not be traced (unknown
    id, no warehouse); 3 the file changed or is missing, or a span does not slice the figure.

    \b
    Examples:
      jixiao trace 1e0959c67f1276593025 --html trace.html
      jixiao trace 1940c75a4ee8aa37:sangong_actual
      jixiao trace --submission 1940c75a4ee8aa37 --html evidence.html
    """
    if (item_id is None) == (submission_id is None):
        raise click.UsageError("请给出一个要追溯的编号，或 --submission ID。 give one ID to trace, or --submission ID")
    con = open_warehouse("trace", db, EXIT_CANNOT_TRACE)
    try:
        traces = submission_traces(con, submission_id) if submission_id else [trace(con, item_id or "")]
        source = traces[0].source if traces else submission_source(con, submission_id or "")
        page = None
        if html_path is not None:
            from pipeline.trace_html import submission_to_html, trace_to_html

            page = submission_to_html(con, submission_id) if submission_id else trace_to_html(con, traces[0])
    except TraceError as exc:
        _fail(exc.message, EXIT_CANNOT_TRACE)
    finally:
        con.close()
    if submission_id:
        click.echo(f"submission {submission_id}: {source.path} ({source.state}), {len(traces)} facts")
        for t in traces:
            click.echo(f"  #{t.fact_no} {t.id} {t.label} = {_value(t)}  {_one_line(t.marked)}")
    else:
        click.echo("\n".join(report_lines(traces[0])))
    if html_path is not None and page is not None:
        try:
            html_path.write_text(page, encoding="utf-8")
        except OSError as exc:
            _fail(f"无法写入网页 {html_path}：{exc.strerror or type(exc).__name__}。 / cannot write the page to "
                  f"{html_path}: {exc.strerror or type(exc).__name__}; pass --html a path in a folder you can "
                  "write to", EXIT_CANNOT_TRACE)
        click.echo(f"wrote {html_path}")
    found = source_problems(source) + [p for t in traces for p in t.problems()]
    problems = {p.message: p for p in found}.values()  # the file's state once, not per fact
    for problem in problems:
        click.echo(f"jixiao trace: {problem.error_code}: {problem.message}", err=True)
    if problems:
        sys.exit(EXIT_NOT_PROVEN)

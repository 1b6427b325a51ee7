"""The ``jixiao`` command line: a thin Click layer over the library.

Each command lives in a module of its own; errors from the library become one
sentence on stderr here, never a traceback unless ``--debug``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from extractors.errors import JixiaoError, bilingual

# command name -> module under pipeline.cli; imported only when the command runs,
# so `jixiao --help` stays fast and one command's imports never slow another.
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": (
        "pipeline.cli.ingest",
        "Load every submission under DIR into the warehouse (the nightly batch).",
    ),
    "extract": (
        "pipeline.cli.extract",
        "Read submissions and print their JSON, without touching the warehouse.",
    ),
    "figures": (
        "pipeline.cli.figures",
        "Read the figures out of free text (the number reader alone).",
    ),
    "trace": (
        "pipeline.cli.trace",
        "Show where a fact or field came from: file, sha256, page, box, sentence.",
    ),
    "sql": ("pipeline.cli.sql", "Run a read-only query against the warehouse."),
    "verify": (
        "pipeline.cli.verify",
        "Re-hash every latest submission's source; list files changed or missing since loaded.",
    ),
    "export": (
        "pipeline.cli.export",
        "Write the analysts' views to an Excel workbook (Chinese headers, charts), Parquet or CSV.",
    ),
    "search": (
        "pipeline.cli.search",
        "Find the goals, outcomes and free text that mention words (Chinese, cut by jieba).",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(name: str) -> bool:
    return importlib.util.find_spec(COMMANDS[name][0]) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--debug", is_flag=True, help="Show full tracebacks (they may contain personal data)."
)
@click.version_option(package_name="jixiao")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """jixiao: read 整体绩效自评基础数据表 submissions into a DuckDB warehouse.

    Start with `jixiao ingest data/raw`, then query with `jixiao sql`, hand the views to
    Excel with `jixiao export`, find words with `jixiao search`. The warehouse is --db, else
    $JIXIAO_DB, else data/warehouse/jixiao.duckdb.

    
    Reference (in the repository, docs/reference/):
      fields.md     every field of the form, its key and type
      reading.md    the JSON `jixiao extract` prints
      facts.md      the figures read from free text
      warehouse.md  every table and view with its columns
      errors.md     the error codes and what to do
      commands.md   every command and option
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        return cli.main(args=argv, prog_name="jixiao", standalone_mode=True)
    except JixiaoError as exc:  # a refusal with its sentence, from any command
        if debug:
            raise
        click.echo(f"jixiao: {exc.error_code}: {exc.message}", err=True)
        sys.exit(1)
    except Exception as exc:  # the last net: one sentence, never locals
        if debug:
            raise
        click.echo(
            f"jixiao: internal_error: {bilingual('internal_error', f'unexpected {type(exc).__name__}: {exc}')}"
            " (run with --debug for details)",
            err=True,
        )
        sys.exit(70)

"""Options several commands share, defined once: where the warehouse is.

The warehouse is ``--db PATH``, else the environment variable ``JIXIAO_DB``, else
``data/warehouse/jixiao.duckdb`` (contract/CLI.md). Every command that opens it takes
``@db_option(...)`` so the rule cannot drift between commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
import duckdb

from extractors.errors import bilingual
from pipeline.warehouse import DEFAULT_DB, WarehouseError
from pipeline.warehouse.schema import open_read_only

DB_ENVVAR = "JIXIAO_DB"
REFERENCE = "docs/reference/"  # the user reference, named in every --help

F = TypeVar("F", bound=Callable[..., Any])


def db_option(help_text: str) -> Callable[[F], F]:
    """The ``--db PATH`` option: the flag, else ``$JIXIAO_DB``, else the default warehouse."""
    option = click.option(
        "--db", "db", envvar=DB_ENVVAR, show_envvar=True, default=DEFAULT_DB, show_default=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"{help_text}; else ${DB_ENVVAR}, else the default.",
    )
    return option


def fail(command: str, message: str, exit_code: int = 1) -> NoReturn:
    """Print the one sentence of a failed command on stderr and exit."""
    click.echo(f"jixiao {command}: {message}", err=True)
    sys.exit(exit_code)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's text (DuckDB's run over several, with hints)."""
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def open_warehouse(command: str, db: Path, exit_code: int = 1) -> duckdb.DuckDBPyConnection:
    """The published warehouse opened read-only, or the command's one sentence saying why not."""
    try:
        return open_read_only(db)
    except WarehouseError as exc:
        fail(command, exc.message, exit_code)
    except duckdb.Error as exc:
        fail(command, bilingual("warehouse_error", f"cannot open {db}: {first_line(exc)}"), exit_code)

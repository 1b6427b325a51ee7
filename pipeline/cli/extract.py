"""``jixiao extract FILE...``: print the reading of submissions as JSON (contract/OUTPUT.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from extractors.errors import JixiaoError


@click.command(name="extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=None,
    help="Refuse files larger than this many bytes (default 50 MiB).",
)
def command(files: tuple[Path, ...], max_bytes: int | None) -> None:
    """Read FILE... (PDF, DOCX or text) and print each reading as JSON, without touching the warehouse.

    One file prints one pretty JSON object; several print one object per line
    (JSON Lines), in argument order. A file that cannot be read prints
    {"source": ..., "error": {"code", "message"}} in its place (one line on stderr
    for a single file) and the exit code is 1 at the end.

    \b
    Example:
      jixiao extract data/raw/2023/*.docx > readings.jsonl
    The JSON is described in docs/reference/reading.md, the fields in docs/reference/fields.md.
    """
    from pipeline.extract import DEFAULT_MAX_BYTES, extract_file

    limit = max_bytes or DEFAULT_MAX_BYTES
    failed = 0
    for path in files:
        try:
            if not path.is_file():
                raise FileNotFoundError(path)
            reading = extract_file(path, max_bytes=limit)
        except FileNotFoundError:
            failed += 1
            _report(path, "not_found", "找不到这个文件。 no such file", single=len(files) == 1)
            continue
        except JixiaoError as exc:
            failed += 1
            _report(path, exc.error_code, exc.message, single=len(files) == 1)
            continue
        if len(files) == 1:
            click.echo(json.dumps(reading, ensure_ascii=False, indent=1))
        else:
            click.echo(json.dumps(reading, ensure_ascii=False))
    if failed:
        sys.exit(1)


def _report(path: Path, code: str, message: str, *, single: bool) -> None:
    click.echo(f"jixiao: {path}: {code}: {message}", err=True)
    if not single:
        error = {"source": {"path": str(path)}, "error": {"code": code, "message": message}}
        click.echo(json.dumps(error, ensure_ascii=False))

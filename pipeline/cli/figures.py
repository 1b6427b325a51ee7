"""`jixiao figures`: the number reader alone, text in, JSON lines of facts out."""

from __future__ import annotations

import json
import sys

import click

from pipeline.figures import read_figures


def _line(text: str) -> str:
    reading = read_figures(text)
    facts = [fact.to_json() for fact in reading.facts]
    return json.dumps(
        {"text": text, "facts": facts, "warnings": reading.warnings}, ensure_ascii=False
    )


@click.command(name="figures")
@click.argument("texts", nargs=-1, metavar="[TEXT ...]")
def command(texts: tuple[str, ...]) -> None:
    """Read the figures out of free Chinese text and print them as facts.

    For each TEXT argument, or each line of stdin when none is given, prints one
    JSON line {"text": ..., "facts": [...], "warnings": [...]}, with facts as in
    docs/reference/facts.md and spans into that text, and a warning for each figure
    left out because it could not be read with confidence.

    \b
    Example:
      jixiao figures '地区生产总值770.25亿元，同比增长0.9%'
      cat outcomes.txt | jixiao figures
    """
    if texts:
        for text in texts:
            click.echo(_line(text))
        return
    for raw in sys.stdin:
        click.echo(_line(raw.rstrip("\r\n")))

"""`jixiao search WORDS...`: Chinese full-text search, a thin layer over ``pipeline.search``."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import db_option, fail, open_warehouse
from pipeline.fields import FIELDS_BY_KEY
from pipeline.search.query import Hit, search
from pipeline.warehouse import WarehouseError

PARTS_ZH = {"goal": "绩效目标", "outcome": "完成情况"}


def _where(hit: Hit) -> str:
    if hit.task_no is not None:
        return f"任务{hit.task_no} {PARTS_ZH.get(hit.part, hit.part)}"
    spec = FIELDS_BY_KEY.get(hit.part)
    return f"{spec.label if spec else hit.part}（{hit.part}）"


def hit_lines(rank: int, hit: Hit) -> list[str]:
    """One hit: who, which year, where in the form, the passage with the words marked, its facts."""
    passage = " ".join(hit.marked().split())  # one line, however the form broke it
    facts = ", ".join(hit.fact_ids) if hit.fact_ids else "无 none"
    return [
        f"{rank}. {hit.unit_name} {hit.year} {_where(hit)}  得分 score {hit.score:.2f}",
        f"   {passage}",
        f"   数字 facts: {facts}",
    ]


@click.command(name="search")
@click.argument("words", nargs=-1, required=True)
@click.option("--year", type=int, default=None, help="Only the submissions of this year.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many hits.")
@click.option("--all", "all_phrases", is_flag=True, help="Only passages containing every one of WORDS.")
@db_option("The warehouse file to search")
def command(words: tuple[str, ...], year: int | None, limit: int, all_phrases: bool, db: Path) -> None:
    """Find the task goals, outcomes and free-text fields that mention WORDS, best first.

    Words are cut as jieba cuts them (with the project's dictionary): `化工园区` finds 化工园区,
    and `化工` does not match inside it. Each argument is a phrase (`"化工园区建设"` matches
    those words one after another); a passage needs one of them, or all with --all, and
    passages that say them more often rank higher (BM25). Each hit shows the department,
    year, task, the passage with the words 【marked】 and the ids of the facts inside it
    (for `jixiao trace`). The index is the table search_words: docs/reference/warehouse.md.

    \b
    Examples:
      jixiao search 化工园区
      jixiao search 化工园区 高新技术企业 --year 2023 --limit 5
    """
    con = open_warehouse("search", db)
    try:
        hits = search(con, words, year=year, limit=limit, all_phrases=all_phrases)
    except WarehouseError as exc:
        fail("search", exc.message)
    finally:
        con.close()
    if not hits:
        click.echo(f"没有找到 no passage mentions {' / '.join(words)}"
                   + (f"（{year} 年 in {year}）" if year is not None else ""))
        return
    for rank, hit in enumerate(hits, 1):
        click.echo("\n".join(hit_lines(rank, hit)))

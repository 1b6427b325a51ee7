"""Tasks laid out as a table: a header row (序号 | 整体绩效目标 | 完成情况), one row per task.

The table is recognised by its header row, wherever it stands; the header may repeat
on every page (each PDF page's table is a table of its own), goals and outcomes may
sit in one table or in two joined by number, and a row without a number continues
the task above (a row split by a page break, an outcome wrapped into another row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import Cell, Document
from pipeline.layout import TableGrid, covering
from pipeline.tasks import number_value, trim_item

_CN = "一二三四五六七八九十"
_PUNCT = re.compile(r"[\s:：;；,，。、.．*＊]")
_NUMBER_HEAD = re.compile(r"^(?:序号|编号|任务|任务序号|任务编号|No|NO)$")
_GOAL_HEAD = re.compile(
    r"^(?:(?:部门)?整体绩效[（(]?总?[)）]?目标|(?:年度|绩效|任务)?目标(?:内容)?|工作任务|任务内容|(?:年度)?工作目标)$"
)
_OUTCOME_HEAD = re.compile(
    r"^(?:(?:部门)?(?:整体绩效[（(]?总?[)）]?目标|目标|任务|实际)?完成情况|实际完成(?:情况|值)?|完成结果|目标实现情况|实际完成情况)$"
)
_ROW_NUMBER = re.compile(
    rf"^(?:任务)?\s*[（(]?\s*(?P<no>\d{{1,2}}|[{_CN}]{{1,3}})\s*[)）]?\s*[.．、:：]?$"
)
_ITEM_NUMBER = re.compile(
    rf"^\s*(?:(?P<a>\d{{1,2}})\s*[.．、](?!\d)|[（(](?P<b>\d{{1,2}}|[{_CN}]{{1,3}})[)）]|(?P<c>[{_CN}]{{1,3}})、"
    rf"|任务\s*(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*[:：])"
)

Span = tuple[int, int]


@dataclass
class TaskTables:
    """What the task tables of a document hold: goal and outcome spans by task number."""

    goals: dict[int, Span] = field(default_factory=dict)
    outcomes: dict[int, Span] = field(default_factory=dict)
    cells: set[int] = field(default_factory=set)  # id() of every cell the tables used
    found: bool = False
    warnings: list[str] = field(default_factory=list)


def header_role(text: str) -> str | None:
    """``number``, ``goal`` or ``outcome`` for a task table's header cell, else None."""
    compact = _PUNCT.sub("", text)
    if _NUMBER_HEAD.match(compact):
        return "number"
    if _OUTCOME_HEAD.match(compact):
        return "outcome"
    if _GOAL_HEAD.match(compact):
        return "goal"
    return None


def _header_columns(row: list[Cell]) -> dict[str, int] | None:
    """The header's column per role, when every non-empty cell of the row is a task header."""
    roles: dict[str, int] = {}
    for cell in row:
        if not cell.text.strip():
            continue
        role = header_role(cell.text)
        if role is None or role in roles:
            return None
        roles[role] = cell.col
    has_text_column = "goal" in roles or "outcome" in roles
    if not has_text_column or len(roles) < 2:
        return None
    return roles


def document_to_task_tables(document: Document, grid: TableGrid) -> TaskTables:
    """Read every task table of the document (none is fine)."""
    found = TaskTables()
    columns: dict[str, int] | None = None
    last_no = 0
    table_of_rows: int | None = None
    for row in document.rows():
        cells = [cell for cell in row if cell.table is not None]
        if not cells:
            if any(cell.text.strip() for cell in row):
                columns = None  # a paragraph between tables ends the task table
            continue
        header = _header_columns(cells)
        if header is not None:
            if columns != header:
                last_no = 0
            columns, table_of_rows = header, cells[0].table
            found.found = True
            found.cells.update(id(cell) for cell in cells)
            continue
        if columns is None:
            continue
        if cells[0].table != table_of_rows and not _continues(cells, columns):
            columns = None
            continue
        table_of_rows = cells[0].table
        number = _read_row(document, cells, columns, found, last_no)
        if number is None:
            columns = None
            continue
        last_no = number
    return found


def _continues(cells: list[Cell], columns: dict[str, int]) -> bool:
    """A table after a page break carries on the task table when its row reads as a task row."""
    number = covering(cells, columns["number"]) if "number" in columns else None
    return number is not None and _ROW_NUMBER.match(number.text.strip()) is not None


def _read_row(
    document: Document,
    cells: list[Cell],
    columns: dict[str, int],
    found: TaskTables,
    last_no: int,
) -> int | None:
    """Read one task row into ``found``; return the task number it ends on, or None at the table's end."""
    by_role = {role: covering(cells, col) for role, col in columns.items()}
    used = {id(cell) for cell in by_role.values() if cell is not None}
    if any(cell.text.strip() and id(cell) not in used for cell in cells):
        return None  # a row with text outside the task columns is something else
    number_cell = by_role.get("number")
    texts = {role: cell for role, cell in by_role.items() if role != "number" and cell and cell.text.strip()}
    if not texts and not (number_cell and number_cell.text.strip()):
        return last_no
    no: int | None = None
    if number_cell is not None and number_cell.text.strip():
        match = _ROW_NUMBER.match(number_cell.text.strip())
        if match is None:
            return None
        no = number_value(match["no"])
    elif number_cell is None:
        no = _number_in_text(texts) or last_no + 1
    if no is None:
        # no number in a numbered table: the row continues the task above
        _continue_task(document, texts, found, last_no)
        found.cells.update(used)
        return last_no
    for role, cell in texts.items():
        span = trim_item(document.text, cell.start, cell.end, goal=role == "goal")
        if span[1] > span[0]:
            (found.goals if role == "goal" else found.outcomes)[no] = span
    found.cells.update(used)
    return no


def _number_in_text(texts: dict[str, Cell]) -> int | None:
    for cell in texts.values():
        match = _ITEM_NUMBER.match(cell.text)
        if match:
            return number_value(next(g for g in match.groups() if g))
    return None


def _continue_task(document: Document, texts: dict[str, Cell], found: TaskTables, no: int) -> None:
    """Extend task ``no`` over a continuation row, when the extension stays one clean span."""
    for role, cell in texts.items():
        parts = found.goals if role == "goal" else found.outcomes
        if no not in parts:
            continue
        start, _ = parts[no]
        between = document.text[parts[no][1] : cell.start]
        if len(texts) == 1 and between.strip() == "":
            parts[no] = (start, trim_item(document.text, cell.start, cell.end, goal=role == "goal")[1])
        else:
            found.warnings.append(
                f"任务{no}的续行无法并入 / the continuation of task {no} could not be joined to it"
            )

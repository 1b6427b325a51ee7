"""Document → Form: every field of contract/FIELDS.md, the tasks, and the free-text regions.

The reader walks the cells in reading order. A cell that starts with a printed label
names a field; the value is the rest of that cell or, when the label fills the cell,
the next non-empty cell of the row (unless that cell is itself a label). Labels that
mean different fields in different blocks take the block from the last group label.
A label left without a value then looks by position (``pipeline/layout.py``): the cell
below it, and a value nobody claimed takes the label heading its column. Task tables
(``pipeline/task_table.py``) are read before all of this, by their header row.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractors.document import Cell, Document
from extractors.errors import NotAForm
from pipeline.fields import FIELD_SPECS, FIELDS_BY_KEY
from pipeline.labels import (
    CompactText,
    Label,
    LabelMatch,
    compact_text,
    label_start,
    match_label,
    next_label_start,
    skip_separators,
    starts_with_label,
)
from pipeline.layout import TableGrid, covering
from pipeline.task_table import document_to_task_tables
from pipeline.tasks import Task, join_tasks, region_items
from pipeline.values import (
    CellValue,
    is_blank_value,
    is_placeholder,
    read_bool,
    read_date,
    read_measure,
    strip_hint,
)

_FORM_CODE = re.compile(r"^附件\s*\d+(?:\s*[-－—]\s*\d+)?$")
_YEAR = re.compile(r"^[（(]\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*[)）]$")
_TITLE = re.compile(r"整体绩效自评基础数据表")
_TITLE_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年度?")
_UNIT_CELL = re.compile(
    r"^\s*(?P<unit>万元|元|个|%|％|人次|次|分|家|项)\s*(?:[（(][^)）]*[)）])?\s*$"
)

CORE_LABELS = (
    "单位名称",
    "整体绩效目标",
    "信息公开",
    "固定资产总额",
    "三公经费控制率",
    "公用经费控制率",
)

# Free text whose figures become facts (FIELDS.md: outcomes first, and these).
FACT_FIELDS = ("incomplete_reason", "social_benefit", "work_measures")


_NUMBERS = re.compile(r"\d[\d,，]*(?:\.\d+)?")
_HEADER_UNIT = re.compile(r"(?:[（(](?:单位[:：])?|^单位[:：])\s*(?P<unit>万元|元|千元|亿元)\s*[)）]?\s*$")


@dataclass
class Form:
    """The reading of one form: fields by key (None when blank), tasks, doubts.

    Each field's start/end are offsets into the document text. ``labels_found`` holds
    the keys whose printed label was found, ``unreadable`` those whose label was found
    with text beside it that could not be read as the field's value; ``goals_found``
    says a goals block (or a task table) was present.
    """

    fields: dict[str, CellValue | None]
    tasks: list[Task]
    warnings: list[str] = field(default_factory=list)
    labels_found: set[str] = field(default_factory=set)
    unreadable: set[str] = field(default_factory=set)
    goals_found: bool = False
    task_regions: list[tuple[int, int]] = field(default_factory=list)
    also_read: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class _Hit:
    """A label whose value was neither in its cell nor beside it: look for it by position."""

    key: str
    cell: Cell
    unit: str | None


def document_to_form(document: Document) -> Form:
    """Read every field and task of the form out of a Document.

    Raises NotAForm when the document lacks the form's labels.
    """
    return _FormReader(document).read()


class _FormReader:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.grid = TableGrid(document)
        self.fields: dict[str, CellValue | None] = {spec.key: None for spec in FIELD_SPECS}
        self.seen_labels: set[str] = set()
        self.labels_found: set[str] = set()
        self.unreadable: set[str] = set()
        self.group: str | None = None
        self.goals_region: tuple[int, int] | None = None
        self.outcomes_region: tuple[int, int] | None = None
        self.warnings: list[str] = []
        self.hits: list[_Hit] = []
        self.loose: list[tuple[Cell, str | None]] = []  # unlabelled cells and the group they stand in
        self.consumed: set[int] = set()
        self.positional: set[int] = set()  # values found by position (below a label, by column)
        self.also_read: list[tuple[int, int]] = []  # values of a label's later occurrences

    def read(self) -> Form:
        tables = document_to_task_tables(self.document, self.grid)
        self.consumed.update(tables.cells)
        if tables.found:
            self.seen_labels.add("整体绩效目标")
        rows = [[cell for cell in row if cell.text] for row in self.document.rows()]
        rows = [row for row in rows if row]
        flat = [cell for row in rows for cell in row]
        position = {id(cell): index for index, cell in enumerate(flat)}
        for row in rows:
            for index, cell in enumerate(row):
                if id(cell) in self.consumed:
                    continue
                # the rest of the document is walked lazily: only a task block reads on into it
                following = itertools.islice(flat, position[id(cell)] + 1, None)
                taken, labelled = self._read_cell(cell, row[index + 1 :], following)
                if taken:
                    self.consumed.update(map(id, taken))
                if not labelled and cell.table is not None and index > 0:
                    self.loose.append((cell, self.group))
        self._read_below()
        self._read_by_column()
        self._year_from_title()
        self._check_is_form()
        goals = {**tables.goals, **region_items(self.document.text, self.goals_region, goal=True)}
        outcomes = {
            **tables.outcomes,
            **region_items(self.document.text, self.outcomes_region, goal=False),
        }
        tasks, doubts = join_tasks(self.document.text, goals, outcomes)
        self.warnings.extend(tables.warnings)
        self.warnings.extend(doubts)
        regions = [r for r in (self.goals_region, self.outcomes_region) if r is not None]
        return Form(
            self.fields,
            tasks,
            self.warnings,
            labels_found=self.labels_found,
            unreadable={key for key in self.unreadable if self.fields[key] is None},
            goals_found=tables.found or self.goals_region is not None,
            task_regions=regions,
            also_read=self.also_read,
        )

    # -- by position ------------------------------------------------------------------

    def _read_below(self) -> None:
        """A label over its value: the cell below, when nothing else has claimed it."""
        for hit in self.hits:
            if self.fields[hit.key] is not None:
                continue
            below = self.grid.below(hit.cell)
            if below is None or id(below) in self.consumed or not below.text.strip():
                continue
            if starts_with_label(below.text):
                continue
            self.consumed.add(id(below))
            self.positional.add(id(below))
            self._read_value(hit.key, below, hit.unit)

    def _read_by_column(self) -> None:
        """A value nobody claimed, in a row headed by a label: the label heading its column."""
        matrix_rows: dict[tuple[int | None, int], tuple[Cell, str | None]] = {}
        for cell, group in self.loose:
            if id(cell) in self.consumed or is_blank_value(cell.text):
                continue
            row = [c for c in self.grid.row_of(cell) if c.text.strip()]
            if not row or row[0] is cell or not starts_with_label(row[0].text):
                continue
            header = self._column_label(cell)
            if header is None:
                continue
            label, unit = header
            key = label.key_in(group)
            if key is None or self.fields[key] is not None:
                continue
            self.labels_found.add(key)
            self.consumed.add(id(cell))
            self.positional.add(id(cell))
            self._read_value(key, cell, unit)
            matrix_rows[(cell.table, cell.row)] = (cell, group)
        # a blank value of such a row still had its label (row group × column header)
        for cell, group in matrix_rows.values():
            for other in self.grid.row_of(cell):
                header = self._column_label(other) if not other.text.strip() else None
                key = header[0].key_in(group) if header else None
                if key is not None:
                    self.labels_found.add(key)

    def _column_label(self, cell: Cell) -> tuple[Label, str | None] | None:
        """The field label heading the cell's column (through other values above it)."""
        for row in self.grid.rows_before(cell):
            above = covering(row, cell.col)
            if above is None or not above.text.strip():
                continue
            compact = compact_text(above.text)
            found = match_label(compact, label_start(compact))
            if found is None:
                if id(above) in self.consumed and id(above) not in self.positional:
                    return None  # the value of a label beside it: another arrangement
                continue
            if found.label.role != "field":
                return None
            return found.label, found.unit
        return None

    def _read_value(self, key: str, cell: Cell, unit: str | None) -> None:
        spec = FIELDS_BY_KEY[key]
        if spec.type == "text":
            self._set_text(key, cell, 0, len(cell.text))
        else:
            header = self._header_unit(cell) if unit is None and _needs_unit(spec.type, cell) else None
            self._set_typed(key, spec.type, cell, 0, len(cell.text), unit, header)

    def _header_unit(self, cell: Cell) -> str | None:
        """A money unit printed at the head of the value's column (``金额（万元）``, ``单位：万元``)."""
        for row in self.grid.rows_before(cell):
            above = covering(row, cell.col)
            if above is None or not above.text.strip():
                continue
            match = _HEADER_UNIT.search(compact_text(above.text).compact)
            if match:
                return match["unit"]
            if starts_with_label(above.text):
                return None
        return None

    # -- one cell ---------------------------------------------------------------------

    def _read_cell(
        self, cell: Cell, rest_of_row: list[Cell], rest_of_document: Iterable[Cell]
    ) -> tuple[list[Cell], bool]:
        """Read the labels of one cell; return the neighbouring cells used as values, and
        whether the cell held a label (or header line) at all."""
        if self._read_header(cell):
            return [], True
        compact = compact_text(cell.text)
        index = label_start(compact)
        taken: list[Cell] = []
        labelled = False
        while index < len(compact.compact):
            found = match_label(compact, index)
            if found is None:
                break
            labelled = True
            label = found.label
            self.seen_labels.add(label.name)
            if label.sets_group:
                self.group = label.sets_group
            if label.role in ("tasks_goal", "tasks_outcome"):
                taken.extend(self._read_task_region(cell, found, rest_of_document))
                break
            if label.role != "field":
                index = skip_separators(compact.compact, found.compact_end)
                continue
            key = label.key_in(self.group)
            resume, used = self._read_field(key, cell, compact, found, rest_of_row)
            taken.extend(used)
            if resume is None:
                break
            index = resume
        return taken, labelled

    def _year_from_title(self) -> None:
        """No ``(2023年)`` line: the evaluated year printed in the title (``2023年度整体绩效…``)."""
        title = self.fields["form_title"]
        if self.fields["year"] is not None or title is None or not isinstance(title.value, str):
            return
        found = _TITLE_YEAR.search(title.value)
        if found:
            start = title.start + found.start("year")
            self._set("year", int(found["year"]), start, start + 4)

    def _read_header(self, cell: Cell) -> bool:
        text = cell.text.strip()
        if _FORM_CODE.match(text):
            self._set("form_code", text, cell.start, cell.start + len(text))
            return True
        year = _YEAR.match(text)
        if year:
            start = cell.start + year.start("year")
            self._set("year", int(year["year"]), start, start + 4, unit=None)
            return True
        if _TITLE.search(text) and not starts_with_label(text):
            self._set("form_title", text, cell.start, cell.start + len(text))
            return True
        return False

    def _read_field(
        self,
        key: str | None,
        cell: Cell,
        compact: CompactText,
        found: LabelMatch,
        rest_of_row: list[Cell],
    ) -> tuple[int | None, list[Cell]]:
        """Read one field's value after its label; return where to go on in the cell and cells used."""
        spec = FIELDS_BY_KEY.get(key) if key else None
        if spec is not None:
            self.labels_found.add(spec.key)
        after = skip_separators(compact.compact, found.compact_end)
        if spec is not None and spec.type == "text":
            start = compact.to_original(after)
            if start < len(cell.text):
                self._set_text(key, cell, start, len(cell.text))
                return None, []
            neighbour = _value_cell(rest_of_row)
            if neighbour is not None:
                self._set_text(key, neighbour, 0, len(neighbour.text))
                return None, [neighbour]
            self.hits.append(_Hit(spec.key, cell, found.unit))
            return None, []
        next_label = next_label_start(compact, after)
        segment_end = next_label if next_label is not None else len(compact.compact)
        start = compact.to_original(after)
        end = compact.to_original(segment_end, end=True) if segment_end > after else start
        used: list[Cell] = []
        if end > start:
            value_cell, value_start, value_end = cell, start, end
            next_unit = None
        else:
            neighbour = _value_cell(rest_of_row)
            if neighbour is None:
                if spec is not None:
                    self.hits.append(_Hit(spec.key, cell, found.unit))
                return (segment_end if next_label is not None else None), []
            used.append(neighbour)
            value_cell, value_start, value_end = neighbour, 0, len(neighbour.text)
            next_unit = _unit_beside(rest_of_row, neighbour)
            if next_unit is None and found.unit is None and spec is not None and _needs_unit(spec.type, neighbour):
                next_unit = self._header_unit(neighbour)
        if spec is not None:
            self._set_typed(
                spec.key, spec.type, value_cell, value_start, value_end, found.unit, next_unit
            )
        return (segment_end if next_label is not None else None), used

    def _read_task_region(
        self, cell: Cell, found: LabelMatch, rest_of_document: Iterable[Cell]
    ) -> list[Cell]:
        """A goals or outcomes block: the rest of the cell, plus following unlabelled cells."""
        start = cell.start + found.end
        end = cell.end
        taken: list[Cell] = []
        for following in rest_of_document:
            if starts_with_label(following.text) or is_blank_value(following.text):
                break
            end = following.end
            taken.append(following)
        if found.label.role == "tasks_goal":
            self.goals_region = self.goals_region or (start, end)
        else:
            self.outcomes_region = self.outcomes_region or (start, end)
        return taken

    # -- setting values ---------------------------------------------------------------

    def _set_text(self, key: str | None, cell: Cell, start: int, end: int) -> None:
        text = cell.text[start:end]
        rest, offset = strip_hint(text)
        rest = rest.strip()
        if not rest or key is None or is_placeholder(rest):
            return
        begin = cell.start + start + offset + (len(text[offset:]) - len(text[offset:].lstrip()))
        self._set(key, rest, begin, begin + len(rest))

    def _set_typed(
        self,
        key: str,
        kind: str,
        cell: Cell,
        start: int,
        end: int,
        label_unit: str | None,
        next_unit: str | None,
    ) -> None:
        segment = cell.text[start:end]
        if is_blank_value(segment) and kind != "bool":
            return
        reading: CellValue | None
        if kind in ("amount", "count", "percent") and len(_NUMBERS.findall(strip_hint(segment)[0])) > 1:
            # prose with several figures (a wrapped outcome line starting 满意度…) is no value
            self.unreadable.add(key)
            self.warnings.append(f"{key}: several numbers where one value was expected; none was read")
            return
        if kind == "bool":
            reading = read_bool(segment)
        elif kind == "date":
            reading = read_date(segment)
        else:
            reading = read_measure(segment, kind, label_unit=label_unit, next_unit=next_unit)  # type: ignore[arg-type]
        if reading is None:
            if segment.strip() and kind != "bool":
                self.unreadable.add(key)
                self.warnings.append(f"could not read {key} from {segment.strip()[:40]!r}")
            elif kind == "bool" and self.document.ocr:
                # on paper an unmarked choice is blank, but on a scan the mark may be what OCR lost
                self.unreadable.add(key)
            return
        if reading.doubt:
            if reading.value is None:
                self.unreadable.add(key)
            self.warnings.append(f"{key}: {reading.doubt}")
        if reading.value is None:
            return
        begin = cell.start + start
        self._set(
            key,
            reading.value,
            begin + reading.start,
            begin + reading.end,
            unit=reading.unit,
            value_std=reading.value_std,
            unit_std=reading.unit_std,
        )

    def _set(
        self,
        key: str,
        value: object,
        start: int,
        end: int,
        *,
        unit: str | None = None,
        value_std: object = None,
        unit_std: str | None = None,
    ) -> None:
        # a label printed twice (已完工个数 in two blocks): the first filled one wins
        if self.fields.get(key) is None:
            self.fields[key] = CellValue(value, start, end, unit, value_std, unit_std)
        else:
            self.also_read.append((start, end))

    def _check_is_form(self) -> None:
        found = [name for name in CORE_LABELS if name in self.seen_labels]
        if len(found) < 3:
            missing = "、".join(name for name in CORE_LABELS if name not in self.seen_labels)
            raise NotAForm(
                f"this is not a 整体绩效自评基础数据表: expected labels not found: {missing}"
            )


def _needs_unit(kind: str, cell: Cell) -> bool:
    """An amount printed without its money unit: the unit must come from elsewhere."""
    return kind == "amount" and "元" not in cell.text


def _value_cell(rest_of_row: list[Cell]) -> Cell | None:
    """The next non-empty cell of the row, unless it is a label of its own."""
    for cell in rest_of_row:
        if not cell.text.strip():
            continue
        return None if starts_with_label(cell.text) else cell
    return None


def _unit_beside(rest_of_row: list[Cell], value_cell: Cell) -> str | None:
    """The template's unit printed in the cell after a bare number (``5 | 个``)."""
    after = rest_of_row[rest_of_row.index(value_cell) + 1 :]
    for cell in after:
        if cell.text.strip():
            match = _UNIT_CELL.match(cell.text)
            return match["unit"] if match else None
    return None

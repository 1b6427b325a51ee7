"""Where cells sit in their table: the neighbours a label can point to by position.

Every reader hands the form reader a grid (cells with table, row, column and spans).
A label's value is not always the next cell in reading order: it can be the cell
below the label (a header row of labels over a row of values), or a value whose
label is the header of its column. ``TableGrid`` answers those questions from the
grid alone, so it works the same for Word, PDF, text and scans.
"""

from __future__ import annotations

from collections import defaultdict

from extractors.document import Cell, Document


class TableGrid:
    """The non-empty table cells of a document, indexed by table, row and column."""

    def __init__(self, document: Document) -> None:
        rows: dict[int, dict[int, list[Cell]]] = defaultdict(lambda: defaultdict(list))
        for cell in document.cells:
            if cell.table is not None:
                rows[cell.table][cell.row].append(cell)
        self._rows = {
            table: {row: sorted(cells, key=lambda c: c.col) for row, cells in by_row.items()}
            for table, by_row in rows.items()
        }
        self._order = {table: sorted(by_row) for table, by_row in self._rows.items()}
        filled = [cell for cell in document.cells if cell.text.strip()]
        self._next = {id(one): other for one, other in zip(filled, filled[1:], strict=False)}

    def row_of(self, cell: Cell) -> list[Cell]:
        """Every cell of the cell's row, empty ones included, left to right."""
        if cell.table is None:
            return [cell]
        return self._rows[cell.table][cell.row]

    def rows_after(self, cell: Cell) -> list[list[Cell]]:
        """The rows of the cell's table below the rows it covers, nearest first."""
        if cell.table is None:
            return []
        last = cell.row + max(cell.row_span, 1) - 1
        return [self._rows[cell.table][row] for row in self._order[cell.table] if row > last]

    def rows_before(self, cell: Cell) -> list[list[Cell]]:
        """The rows of the cell's table above it, nearest first."""
        if cell.table is None:
            return []
        return [self._rows[cell.table][row] for row in reversed(self._order[cell.table]) if row < cell.row]

    def below(self, cell: Cell) -> Cell | None:
        """The cell starting in the same column in the next row that has a cell there;
        for a free line (a label alone on its line), the next line when it is free too."""
        if cell.table is None:
            following = self._next.get(id(cell))
            return following if following is not None and following.table is None else None
        for row in self.rows_after(cell):
            found = _at_column(row, cell.col)
            if found is not None:
                return found if found.col == cell.col else None
        return self._below_on_next_page(cell)

    def _below_on_next_page(self, cell: Cell) -> Cell | None:
        """A table cut by a page break goes on as the next table, on the next page."""
        if cell.table is None or cell.page is None or cell.table + 1 not in self._order:
            return None
        first_row = self._rows[cell.table + 1][self._order[cell.table + 1][0]]
        found = _at_column(first_row, cell.col)
        if found is None or found.col != cell.col or found.page is None or found.page <= cell.page:
            return None
        if cell.bbox is not None and found.bbox is not None and abs(cell.bbox[0] - found.bbox[0]) > 3:
            return None
        return found

    def right(self, cell: Cell) -> Cell | None:
        """The first non-empty cell after ``cell`` in its row."""
        after = [c for c in self.row_of(cell) if c.col > cell.col and c.text.strip()]
        return after[0] if after else None


def _at_column(row: list[Cell], col: int) -> Cell | None:
    """The cell of a row covering grid column ``col`` (a merged cell covers its span)."""
    for cell in row:
        if cell.col <= col < cell.col + max(cell.col_span, 1):
            return cell
    return None


def covering(row: list[Cell], col: int) -> Cell | None:
    """The cell of ``row`` that covers grid column ``col``, if any."""
    return _at_column(row, col)

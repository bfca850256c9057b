"""A book as an Excel workbook (openpyxl): one sheet per table, made to be read.

Each sheet has a bold header row that stays in view (frozen) with filters on it, columns
as wide as their content (within limits), numbers stored as numbers with their format
(`0.0%` for shares, which Excel shows as `72,7 %` in French), text escaped so that no cell
runs as a formula, and landscape pages that repeat the header when printed.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.cells import safe_text
from exports.tables import Book, Cell, Number, Table

FORMATS = {
    ("whole", False): "0",
    ("whole", True): "+0;-0;0",
    ("percent", False): "0.0%",
    ("percent", True): "+0.0%;-0.0%;0.0%",
    ("decimal", False): "0.00",
    ("decimal", True): "+0.00;-0.00;0.00",
}
MIN_WIDTH, MAX_WIDTH = 8, 90
HEADER_TWO_LINES = 30  # points
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
SHEET_NAME_LIMIT = 31  # Excel's
FORBIDDEN_IN_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def _cell_value(cell: Cell) -> str | float | int | None:
    if isinstance(cell, Number):
        return round(cell.value) if cell.kind == "whole" else cell.value
    return None if cell is None else safe_text(cell)


def _width(cell: Cell) -> int:
    if isinstance(cell, Number):
        return 10
    return max((len(line) for line in (cell or "").splitlines()), default=0)


def _fill(sheet: Worksheet, table: Table) -> None:
    sheet.append([safe_text(header) for header in table.headers])
    for row in table.rows:
        sheet.append([_cell_value(cell) for cell in row])
        for column, cell in enumerate(row, start=1):
            if isinstance(cell, Number):
                target = sheet.cell(row=sheet.max_row, column=column)
                target.number_format = FORMATS[(cell.kind, cell.signed)]


def _column_width(header: str, cells: list[Cell]) -> int:
    """Wide enough for the content, and for the header on at most two lines."""
    content = max([0, *(_width(cell) for cell in cells)]) + 2
    header_width = max(len(header) // 2 + 2, max(map(len, header.split() or [""])) + 2)
    return min(max(content, header_width, MIN_WIDTH), MAX_WIDTH)


def _dress(sheet: Worksheet, table: Table) -> None:
    """Header in bold and in view (two lines where it needs them), filters, widths, pages."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions
    widths = [
        _column_width(header, [row[k] for row in table.rows])
        for k, header in enumerate(table.headers)
    ]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    if any(len(header) + 1 > width for header, width in zip(table.headers, widths, strict=True)):
        sheet.row_dimensions[1].height = HEADER_TWO_LINES
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: 31 characters, none of []:*?/\\."""
    return name.translate(FORBIDDEN_IN_NAMES).strip()[:SHEET_NAME_LIMIT] or "Sheet"


def workbook(book: Book) -> bytes:
    """The workbook's bytes, sheets in the book's order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in book.sheets:
        sheet = workbook.create_sheet(sheet_name(table.name))
        _fill(sheet, table)
        _dress(sheet, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""A file, CSV or Excel, as a table: its header row and its non-blank rows, numbered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from intake.issues import IntakeError, Issue
from intake.text import csv_records
from intake.workbook import Cell, workbook_records

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)


class File(NamedTuple):
    """A file's name and bytes (an HTTP upload, or `file_at(path)`); `sheet` picks an Excel
    sheet by name, the first one otherwise."""

    name: str
    content: bytes
    sheet: str | None = None

    @property
    def label(self) -> str:
        """How messages name the file: `pool.xlsx, sheet 'Mentorés'`."""
        return self.name if self.sheet is None else f"{self.name}, sheet {self.sheet!r}"


def file_at(path: Path | str, sheet: str | None = None) -> File:
    """The file at `path`, named by its file name."""
    path = Path(path)
    return File(path.name, path.read_bytes(), sheet)


@dataclass(frozen=True)
class Table:
    file: str
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Cell]]]  # (row number, cells), blank rows left out


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _records(file: File) -> list[list[Cell]]:
    if file.content.startswith(OLE):
        msg = "is an Excel 97-2003 workbook (.xls); save it as .xlsx or CSV"
        raise IntakeError([Issue(file.label, None, None, None, msg)])
    if file.content.startswith(ZIP):
        return workbook_records(file.content, file.label, file.sheet)
    if file.sheet is not None:
        msg = f"is a CSV file, which has no sheet {file.sheet!r}"
        raise IntakeError([Issue(file.label, None, None, None, msg)])
    return [list[Cell](record) for record in csv_records(file.content, file.label)]


def read_table(file: File) -> Table:
    """The table in a file: the first non-blank row is the header."""
    numbered = [(index + 1, cells) for index, cells in enumerate(_records(file))]
    rows = [(row, cells) for row, cells in numbered if not all(blank(cell) for cell in cells)]
    if not rows:
        raise IntakeError([Issue(file.label, None, None, None, "is empty: no header row")])
    header_row, header_cells = rows[0]
    headers = ["" if blank(cell) else str(cell).strip() for cell in header_cells]
    return Table(file.label, headers, header_row, rows[1:])

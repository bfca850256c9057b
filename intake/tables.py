"""A file, CSV or Excel, as a table: its header row and its non-blank rows, numbered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from intake.issues import IntakeError, Issue, quoted
from intake.text import csv_records
from intake.workbook import Cell, workbook_records
from solver.messages import DEFAULT_LANGUAGE, render

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
        """How English messages name the file: `pool.xlsx, sheet 'Mentorés'`."""
        return self.label_in(DEFAULT_LANGUAGE)

    def label_in(self, language: str) -> str:
        """How messages name the file: `pool.xlsx, sheet 'Mentorés'`, `pool.xlsx, feuille
        « Mentorés »`."""
        if self.sheet is None:
            return self.name
        return render(language, "intake.sheet", file=self.name, sheet=quoted(self.sheet, language))


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


def _refused(file: File, language: str, key: str, **params: object) -> IntakeError:
    msg = render(language, key, **params)
    return IntakeError([Issue(file.label_in(language), None, None, None, msg)], language)


def _records(file: File, language: str) -> list[list[Cell]]:
    if file.content.startswith(OLE):
        raise _refused(file, language, "intake.file.xls")
    label = file.label_in(language)
    if file.content.startswith(ZIP):
        return workbook_records(file.content, label, file.sheet, language)
    if file.sheet is not None:
        sheet = quoted(file.sheet, language)
        raise _refused(file, language, "intake.file.csv_sheet", sheet=sheet)
    return [list[Cell](record) for record in csv_records(file.content, label, language)]


def read_table(file: File, language: str = DEFAULT_LANGUAGE) -> Table:
    """The table in a file: the first non-blank row is the header; problems said in
    `language`."""
    numbered = [(index + 1, cells) for index, cells in enumerate(_records(file, language))]
    rows = [(row, cells) for row, cells in numbered if not all(blank(cell) for cell in cells)]
    if not rows:
        raise _refused(file, language, "intake.file.empty")
    header_row, header_cells = rows[0]
    headers = ["" if blank(cell) else str(cell).strip() for cell in header_cells]
    return Table(file.label_in(language), headers, header_row, rows[1:])

"""Excel workbooks (.xlsx): one sheet read as rows of typed cells, with openpyxl.

Cells come as Excel stores them: numbers as numbers, booleans as booleans, dates as
dates, and a formula as the value Excel last computed (a formula never computed, as in a
file written by a program, reads as empty).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from intake.issues import IntakeError, Issue

Cell = str | int | float | bool | datetime | date | time | None


def _unreadable(file: str, msg: str) -> IntakeError:
    return IntakeError([Issue(file, None, None, None, msg)])


def _sheet(book: Any, sheet: str | None, file: str) -> Any:
    if sheet is None:
        return book.worksheets[0]
    if sheet not in book.sheetnames:
        names = ", ".join(repr(name) for name in book.sheetnames)
        raise _unreadable(file, f"has no sheet {sheet!r}; its sheets: {names}")
    return book[sheet]


def workbook_records(content: bytes, file: str, sheet: str | None) -> list[list[Cell]]:
    """Every row of the first sheet (or the one named), blank ones included, so that
    index + 1 is the row number."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _unreadable(file, f"is not a readable Excel workbook ({exc})") from exc
    try:
        rows = _sheet(book, sheet, file).iter_rows(values_only=True)
        return [list(row) for row in rows]
    finally:
        book.close()


def sheet_names(content: bytes, file: str) -> list[str]:
    """The workbook's sheet names, in order."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _unreadable(file, f"is not a readable Excel workbook ({exc})") from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()

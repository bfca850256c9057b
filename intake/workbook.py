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

from intake.issues import IntakeError, Issue, quoted
from solver.messages import DEFAULT_LANGUAGE, render

Cell = str | int | float | bool | datetime | date | time | None


def _unreadable(file: str, language: str, key: str, **params: object) -> IntakeError:
    return IntakeError([Issue(file, None, None, None, render(language, key, **params))], language)


def _sheet(book: Any, sheet: str | None, file: str, language: str) -> Any:
    if sheet is None:
        return book.worksheets[0]
    if sheet not in book.sheetnames:
        names = ", ".join(quoted(name, language) for name in book.sheetnames)
        wanted = quoted(sheet, language)
        raise _unreadable(file, language, "intake.file.no_sheet", sheet=wanted, sheets=names)
    return book[sheet]


def workbook_records(
    content: bytes, file: str, sheet: str | None, language: str = DEFAULT_LANGUAGE
) -> list[list[Cell]]:
    """Every row of the first sheet (or the one named), blank ones included, so that
    index + 1 is the row number."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _unreadable(file, language, "intake.file.not_workbook", reason=exc) from exc
    try:
        rows = _sheet(book, sheet, file, language).iter_rows(values_only=True)
        return [list(row) for row in rows]
    finally:
        book.close()


def sheet_names(content: bytes, file: str, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The workbook's sheet names, in order."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _unreadable(file, language, "intake.file.not_workbook", reason=exc) from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()

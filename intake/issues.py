"""Problems found in a file, each located as a spreadsheet shows it: file, row, column.

Every sentence is a template of the message files (the `intake.*` keys of
solver/messages/*.json), said in the language the reader was asked for; headers, fields
and cells are quoted the way that language quotes ('Ancienneté', « Ancienneté »).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from solver.messages import DEFAULT_LANGUAGE, format_decimal, render

SHOWN_LIMIT = 40  # characters of a quoted cell, quotes included


@dataclass(frozen=True)
class Issue:
    """One error or warning: where it is (the header is row 1), the cell's value, and what
    would be accepted there (`msg`, in the reader's language). `row` is None for a problem
    with the whole file, `column` None for a problem with a whole row."""

    file: str
    row: int | None
    column: str | None
    value: Any
    msg: str

    def said(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The issue as a sentence that says where: `mentees.csv, row 12, column 'X': …`."""
        where = self.file
        if self.row is not None:
            where = render(language, "intake.at_row", where=where, row=self.row)
        if self.column is not None:
            column = quoted(self.column, language)
            where = render(language, "intake.at_column", where=where, column=column)
        return render(language, "intake.located", where=where, msg=self.msg)

    def __str__(self) -> str:
        return self.said()


class IntakeError(ValueError):
    """Every error found in the files at once, never only the first; `language` is the one
    the messages are in."""

    def __init__(self, errors: list[Issue], language: str = DEFAULT_LANGUAGE) -> None:
        self.errors = list(errors)
        self.language = language
        count = render(language, "intake.errors", n=len(self.errors))
        super().__init__("\n".join([count, *(error.said(language) for error in self.errors)]))


def quoted(text: str, language: str) -> str:
    """A header, a field or an id as a sentence quotes it: 'Ancienneté', « Ancienneté »
    (in English "Centres d'intérêt" keeps its apostrophe readable)."""
    key = "intake.quoted_apostrophe" if "'" in text else "intake.quoted"
    return render(language, key, text=text)


def _printable(text: str) -> str:
    """Line breaks and other control characters written as escapes (`\\n`)."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def shown(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """A cell's value as a message quotes it: text quoted and cut to 40 characters, numbers
    and booleans as the language writes them (`2,5`, `VRAI` in French)."""
    if isinstance(value, bool):
        return render(language, "intake.true" if value else "intake.false")
    if isinstance(value, int | float):
        return format_decimal(value, "0.######", locale=language)  # no grouping: 2024, 2,5
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if not isinstance(value, str):
        return repr(value)
    text = _printable(value)
    if len(text) + 2 > SHOWN_LIMIT:
        text = render(language, "intake.cut", text=text[: SHOWN_LIMIT - 5])
    return quoted(text, language)

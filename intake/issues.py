"""Problems found in a file, each located as a spreadsheet shows it: file, row, column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One error or warning: where it is (the header is row 1), the cell's value, and what
    would be accepted there. `row` is None for a problem with the whole file, `column` None
    for a problem with a whole row."""

    file: str
    row: int | None
    column: str | None
    value: Any
    msg: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.msg}"


class IntakeError(ValueError):
    """Every error found in the files at once, never only the first."""

    def __init__(self, errors: list[Issue]) -> None:
        self.errors = list(errors)
        count = f"{len(self.errors)} error" + ("" if len(self.errors) == 1 else "s")
        super().__init__("\n".join([f"{count}:", *(str(error) for error in self.errors)]))


def shown(value: Any) -> str:
    """A cell's value as a message quotes it, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:36] + "...'"

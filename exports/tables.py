"""What a written file holds, before it is a file: named tables of typed cells.

A `Book` is the sheets of a workbook and the one table its CSV holds (`flat`). A cell is
text, a `Number` that knows how it reads (a whole number, a share shown as a percentage,
a decimal), or None (empty). Writers (`xlsx`, `delimited`) turn the same book into a file
for Excel in the caller's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["whole", "percent", "decimal"]


@dataclass(frozen=True)
class Number:
    """A number and how it reads: `percent` is a share in [0, 1] (0.727 reads 72.7 %);
    `signed` numbers are changes, shown with their sign."""

    value: float
    kind: Kind = "decimal"
    signed: bool = False


Cell = str | Number | None


@dataclass(frozen=True)
class Table:
    """A sheet: its name, its header row and its rows (each as long as the header)."""

    name: str
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Book:
    """The sheets of a workbook, and the table a CSV file holds."""

    sheets: list[Table]
    flat: Table


def whole(value: float) -> Number:
    return Number(round(value), "whole")


def share(value: float) -> Number:
    return Number(value, "percent")

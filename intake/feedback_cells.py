"""A feedback row's cells: a rating from 1 to 5, an end yes/no, who asked, a comment.

The comment is free text: it is passed on to the re-match (which never logs nor returns
it) and never quoted in a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from intake.cells import CellError, number, text, yes_or_no
from intake.columns import normalised
from intake.issues import Issue
from intake.tables import blank
from intake.workbook import Cell

RATINGS = range(1, 6)
COMMENT_LIMIT = 500  # the contract's Text
ASKED_BY = {
    "mentor": "mentor",
    "mentee": "mentee",
    "mentore": "mentee",
    "mentoree": "mentee",
    "manager": "manager",
    "responsable": "manager",
    "responsableduprogramme": "manager",
    "programmanager": "manager",
    "rh": "manager",
    "hr": "manager",
}


def cell_text(cell: Cell) -> str | None:
    """A cell as text, None when blank."""
    return None if blank(cell) else text(cell)


def rating(cell: Cell) -> int:
    try:
        value = number(cell)
    except CellError:
        value = float("nan")
    if value not in RATINGS:
        raise CellError("intake.cell.rating", cell)
    return int(value)


def asked_by(cell: Cell) -> str:
    found = ASKED_BY.get(normalised(text(cell)))
    if found is None:
        raise CellError("intake.cell.asked_by", cell)
    return found


def comment(cell: Cell) -> str:
    written = text(cell)
    if len(written) > COMMENT_LIMIT:
        raise CellError("intake.cell.too_long", limit=COMMENT_LIMIT)  # never quoted
    return written


READERS: dict[str, Callable[[Cell], Any]] = {
    "rating": rating,
    "end": yes_or_no,
    "by": asked_by,
    "comment": comment,
}


def feedback_of(
    cells: list[Cell],
    index: dict[str, int],
    headers: dict[str, str],
    where: tuple[str, int],
    language: str,
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The row's feedback (None when it gives neither rating nor end) and its errors, said
    in `language`; `where` is the file and the row."""
    file, row = where
    values = {field: cells[i] if i < len(cells) else None for field, i in index.items()}
    if blank(values.get("rating")) and blank(values.get("end")):
        return None, []
    note: dict[str, Any] = {}
    errors = []
    for field, read in READERS.items():
        cell = values.get(field)
        if blank(cell):
            continue
        try:
            note[field] = read(cell)
        except CellError as exc:
            shown_value = None if field == "comment" else cell
            errors.append(Issue(file, row, headers[field], shown_value, exc.said(language)))
    return (None if errors else note), errors

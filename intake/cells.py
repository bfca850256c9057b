"""One cell read as the value of one participant field, as French or English files hold it.

Numbers take a decimal comma or point (`18,5`, `18.5`); yes/no reads `oui/non`, `yes/no`,
`vrai/faux`, `true/false`, `y/n`, `1/0` and `x` for yes, in any case, accents ignored.
A list cell is split on the first of these it holds: a line break, `;`, `,`, `|`, and `/`
for lists of codes only (languages, availability, preferences, avoid), since skills, goals
and interests are written like "CI/CD" or "UX/UI". Items are trimmed; an item with no letter
or digit ("", "-") is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

from intake.issues import shown
from intake.workbook import Cell
from solver.messages import render

NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
WHOLE = re.compile(r"[+-]?\d+(?:[.,]0+)?")
TRUE = frozenset({"oui", "yes", "vrai", "true", "y", "1", "x"})
FALSE = frozenset({"non", "no", "faux", "false", "n", "0"})
CODE_LISTS = ("languages", "availability", "preferences", "avoid")
TEXT_LISTS = ("skills", "goals", "interests")
WHOLE_FIELDS = ("waiting_rounds", "capacity")
DELIMITERS = ("\n", ";", ",", "|")


class CellError(ValueError):
    """A cell that cannot be the field's value: the message key saying what would be, the
    cell and the key's other parameters; `said(language)` is the sentence."""

    def __init__(self, key: str, cell: Cell = None, **params: object) -> None:
        super().__init__(key)
        self.key, self.cell, self.params = key, cell, params

    def said(self, language: str) -> str:
        return render(language, self.key, value=shown(self.cell, language), **self.params)


def text(cell: Cell) -> str:
    """A cell as text: whole numbers without `.0`, dates in ISO form."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return str(cell).strip()


def plain(word: str) -> str:
    """Case and accents ignored: "Oui " → oui, "Inès" → ines."""
    decomposed = unicodedata.normalize("NFKD", word.strip())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def number(cell: Cell) -> float:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    if isinstance(cell, str) and NUMBER.fullmatch(cell.strip()):
        return float(cell.strip().replace(",", "."))
    raise CellError("intake.cell.number", cell)


def whole(cell: Cell) -> int:
    if isinstance(cell, int | float) and not isinstance(cell, bool) and float(cell).is_integer():
        return int(cell)
    if isinstance(cell, str) and WHOLE.fullmatch(cell.strip()):
        return int(float(cell.strip().replace(",", ".")))
    raise CellError("intake.cell.whole", cell)


def yes_or_no(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    word = plain(text(cell))
    if word in TRUE | FALSE:
        return word in TRUE
    raise CellError("intake.cell.yes_no", cell)


def items(cell: Cell, delimiters: tuple[str, ...]) -> list[str]:
    """A list cell split on the first delimiter it holds."""
    value = text(cell)
    delimiter = next((d for d in delimiters if d in value), None)
    parts = value.split(delimiter) if delimiter else [value]
    return [part.strip() for part in parts if any(char.isalnum() for char in part)]


def value_of(field: str, cell: Cell) -> object:
    """The JSON value of `field` for a non-blank cell; CellError saying why it cannot be."""
    if field in CODE_LISTS:
        return items(cell, (*DELIMITERS, "/"))
    if field in TEXT_LISTS:
        return items(cell, DELIMITERS)
    if field == "seniority":
        return number(cell)
    if field in WHOLE_FIELDS:
        return whole(cell)
    if field == "volunteer":
        return yes_or_no(cell)
    return text(cell)

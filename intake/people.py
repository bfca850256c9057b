"""One side's file read into participants: every cell checked, every problem located and
said in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from intake.cells import CellError, text, value_of
from intake.columns import ATTRIBUTE, SYNONYMS, Columns, known_target, map_columns, normalised
from intake.contract_errors import refused
from intake.issues import IntakeError, Issue, quoted, shown
from intake.languages import language_codes
from intake.tables import File, Table, blank, read_table
from intake.workbook import Cell
from solver.contract.request import Participant
from solver.messages import DEFAULT_LANGUAGE, render

SIDES = ("mentors", "mentees")
Person = dict[str, Any]


@dataclass(frozen=True)
class People:
    """One side read from one file: JSON-ready participants and the row each came from."""

    file: str
    side: str
    people: list[Person]
    rows: list[int]
    columns: dict[str, str]  # field (or attr:<key>) → the header it was read from
    warnings: list[Issue]


def mapping_errors(columns: dict[str, str], language: str = DEFAULT_LANGUAGE) -> list[Issue]:
    """A mapping names fields of the contract (or attr:<key>), each from its own header."""
    errors = []
    read_from: dict[str, str] = {}
    for target, header in columns.items():
        field = quoted(str(target), language)
        if not known_target(target):
            fields = ", ".join(SYNONYMS)  # the contract's names, in every language
            msg = render(language, "intake.mapping.unknown_field", field=field, fields=fields)
            errors.append(Issue("columns", None, target, header, msg))
        elif not isinstance(header, str) or not header.strip():
            msg = render(language, "intake.mapping.no_header")
            errors.append(Issue("columns", None, target, header, msg))
        elif normalised(header) in read_from:
            first = quoted(read_from[normalised(header)], language)
            msg = render(
                language,
                "intake.mapping.same_header",
                first=first,
                second=field,
                header=quoted(header, language),
            )
            errors.append(Issue("columns", None, target, header, msg))
        else:
            read_from[normalised(header)] = target
    return errors


def usable(columns: dict[str, str]) -> dict[str, str]:
    """The entries of a mapping that `mapping_errors` accepts."""
    return {
        target: header for target, header in columns.items() if not mapping_errors({target: header})
    }


def _schema_errors(
    person: Person,
    filled: dict[str, Cell],
    headers: dict[str, str],
    where: tuple[str, int],
    language: str,
) -> list[Issue]:
    """What the contract refuses in a row, each on the cell it comes from, as written."""
    try:
        Participant.model_validate(person)
    except ValidationError as exc:
        found = [error for error in exc.errors() if error["type"] != "missing"]  # id: ours
    else:
        return []
    errors = []
    file, row = where
    for error in found:
        field, *rest = error["loc"]
        target = f"{ATTRIBUTE}{rest[0]}" if field == "attributes" and rest else str(field)
        value = error["input"] if rest else filled.get(target, error["input"])
        msg = refused(error, value, language)
        errors.append(Issue(file, row, headers.get(target, headers.get(str(field))), value, msg))
    return errors


def _filled(cells: list[Cell], columns: Columns) -> dict[str, Cell]:
    """The row's non-blank cells, by the field (or attr:<key>) they fill."""
    found = {}
    for target, index in columns.index.items():
        cell = cells[index] if index < len(cells) else None
        if not blank(cell):
            found[target] = cell
    return found


def _languages(
    written: list[str], file: str, row: int, header: str, language: str
) -> tuple[list[str], list[Issue]]:
    codes, unknown = language_codes(written)
    return codes, [
        Issue(
            file,
            row,
            header,
            item,
            render(language, "intake.cell.language", value=shown(item, language)),
        )
        for item in unknown
    ]


def _person(
    cells: list[Cell], columns: Columns, where: tuple[str, int], language: str
) -> tuple[Person, list[Issue], list[Issue]]:
    """One row as a participant, its errors and its warnings (languages kept as written);
    `where` is the file and the row."""
    file, row = where
    filled = _filled(cells, columns)
    person: Person = {}
    errors, warnings = [], []
    for target, cell in filled.items():
        header = columns.headers[target]
        if target.startswith(ATTRIBUTE):
            person.setdefault("attributes", {})[target[len(ATTRIBUTE) :]] = text(cell)
            continue
        try:
            person[target] = value_of(target, cell)
        except CellError as exc:
            errors.append(Issue(file, row, header, cell, exc.said(language)))
            continue
        if target == "languages":
            person[target], unknown = _languages(person[target], file, row, header, language)
            warnings += unknown
    if "id" in columns.index and "id" not in person:
        msg = render(language, "intake.cell.no_id")
        errors.append(Issue(file, row, columns.headers["id"], None, msg))
    errors += _schema_errors(person, filled, columns.headers, where, language)
    order = {header: i for i, header in enumerate(columns.headers.values())}
    return person, sorted(errors, key=lambda error: order.get(error.column or "", -1)), warnings


def _duplicate_ids(people: People, language: str) -> list[Issue]:
    """An id is on one row of a file only."""
    first_row: dict[str, int] = {}
    errors = []
    for person, row in zip(people.people, people.rows, strict=True):
        if "id" not in person:
            continue
        if person["id"] in first_row:
            msg = render(
                language,
                "intake.cell.duplicate_id",
                id=quoted(person["id"], language),
                row=first_row[person["id"]],
            )
            errors.append(Issue(people.file, row, people.columns["id"], person["id"], msg))
        first_row.setdefault(person["id"], row)
    return errors


def _unheaded(table: Table, language: str) -> list[Issue]:
    """Cells under no header are ignored, and said so once per column."""
    width = max([len(table.headers), *(len(cells) for _, cells in table.rows)])
    headers = table.headers + [""] * (width - len(table.headers))
    filled = {i for _, cells in table.rows for i, cell in enumerate(cells) if not blank(cell)}
    msg = render(language, "intake.column.unheaded")
    return [
        Issue(
            table.file,
            table.header_row,
            render(language, "intake.column.number", n=i + 1),
            None,
            msg,
        )
        for i in sorted(filled)
        if not headers[i]
    ]


def people_of(
    table: Table, side: str, columns: dict[str, str], language: str = DEFAULT_LANGUAGE
) -> tuple[People, list[Issue]]:
    """The participants of a table, and every error found in it, said in `language`."""
    where = (table.file, table.header_row)
    mapped, warnings, errors = map_columns(table.headers, columns, where, language)
    warnings += _unheaded(table, language)
    people, rows = [], []
    for row, cells in table.rows:
        person, row_errors, row_warnings = _person(cells, mapped, (table.file, row), language)
        people.append(person)
        rows.append(row)
        errors += row_errors
        warnings += row_warnings
    read = People(table.file, side, people, rows, dict(mapped.headers), warnings)
    return read, errors + (_duplicate_ids(read, language) if "id" in mapped.index else [])


def as_file(file: File | tuple[str, bytes]) -> File:
    return file if isinstance(file, File) else File(*file)


def read_people(
    file: File | tuple[str, bytes],
    side: str,
    columns: dict[str, str] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
) -> People:
    """One side's participants from one file; `preferences` and `avoid` are kept as written
    (`read_pool` resolves names against the other side). IntakeError lists every error;
    errors and warnings are said in `language`."""
    if side not in SIDES:
        raise ValueError(f"side is 'mentors' or 'mentees', not {side!r}")
    errors = mapping_errors(columns or {}, language)
    table = read_table(as_file(file), language)
    people, found = people_of(table, side, usable(columns or {}), language)
    if errors + found:
        raise IntakeError(errors + found, language)
    return people

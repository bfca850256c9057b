"""Pools from exact-header survey exports: `mentors.csv` and `mentees.csv` in (scenario
files' `csv:` base). Answers are written by `exports` (docs/files.md).

Column mapping. One row per participant, one column per participant field; by default a
column is named like the field it fills:

| column | field | cell |
|---|---|---|
| `id` | id | required, unique within the file |
| `name`, `department`, `site`, `job_family`, `timezone`, `manager_id` | same | text |
| `seniority` | seniority | a number (`7`, `2.5`) |
| `waiting_rounds`, `capacity` | same | a whole number |
| `volunteer` | volunteer | yes/no, y/n, true/false, 1/0, oui/non (any case) |
| `languages`, `availability`, `skills`, `goals`, `interests` | same | items separated by `;` |
| `preferences`, `avoid` | same | ids from the other file separated by `;`, best first |
| `attr:<key>` | attributes[key] | text, for diversity rules (`attr:generation`) |

List items are trimmed and empty items dropped (`public speaking; networking;` is two
goals). An empty cell leaves the field unset, so the contract's default applies
(`volunteer` true, `waiting_rounds` 0, `capacity` the program's `mentor_capacity`).
Headers are matched exactly, after trimming spaces. Survey tools name columns their own
way: a mapping renames them, field → header (`{"id": "Employee ID", "goals": "What I want
to learn"}`; in a scenario file, `columns:` under `csv:`); a renamed field is then read
from its new header only. A column that is neither a field's header nor `attr:<key>` is an
error, not ignored: a typo must not drop a field. So are a repeated column and, in
`read_pool`, a `preferences` or `avoid` id missing from the other file. Every error names
the file, the row as a spreadsheet shows it (the header is row 1, the first participant
row 2) and the column: `mentees.csv, row 12, column 'seniority': 'ten' is not a number`.

Files are UTF-8, with or without a byte-order mark, comma-separated, quoted the usual way.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from solver.contract.request import Participant

LIST_FIELDS = ("languages", "availability", "skills", "goals", "interests", "preferences", "avoid")


WHOLE_FIELDS = ("waiting_rounds", "capacity")


TRUE = frozenset({"yes", "y", "true", "1", "oui"})


FALSE = frozenset({"no", "n", "false", "0", "non"})


ATTRIBUTE = "attr:"


class CsvError(ValueError):
    """A CSV problem, located: the file, the row (the header is row 1) and the column."""

    def __init__(
        self, file: str, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")
        self.file = file
        self.row = row
        self.column = column
        self.message = message


@dataclass(frozen=True)
class ColumnMapping:
    """Participant field → the CSV header that holds it (the field's own name by default)."""

    id: str = "id"
    name: str = "name"
    department: str = "department"
    site: str = "site"
    job_family: str = "job_family"
    seniority: str = "seniority"
    languages: str = "languages"
    timezone: str = "timezone"
    availability: str = "availability"
    skills: str = "skills"
    goals: str = "goals"
    interests: str = "interests"
    volunteer: str = "volunteer"
    waiting_rounds: str = "waiting_rounds"
    capacity: str = "capacity"
    manager_id: str = "manager_id"
    preferences: str = "preferences"
    avoid: str = "avoid"

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for name, header in dataclasses.asdict(self).items():
            if not isinstance(header, str) or not header.strip():
                raise CsvError("column mapping", f"field {name!r} needs a header, got {header!r}")
            if header.strip().startswith(ATTRIBUTE):
                raise CsvError("column mapping", f"{header!r} is reserved for attributes")
            if header.strip() in seen:
                message = f"fields {seen[header.strip()]!r} and {name!r} share header {header!r}"
                raise CsvError("column mapping", message)
            seen[header.strip()] = name

    @classmethod
    def from_dict(cls, renamed: dict[str, str]) -> ColumnMapping:
        """The default mapping with some fields read from other headers."""
        known = [f.name for f in dataclasses.fields(cls)]
        for name in renamed:
            if name not in known:
                message = f"unknown field {name!r}; fields: {', '.join(known)}"
                raise CsvError("column mapping", message)
        stripped = {k: v.strip() if isinstance(v, str) else v for k, v in renamed.items()}
        return cls(**stripped)

    def field_by_header(self) -> dict[str, str]:
        """Header → field, in the contract's order."""
        return {header.strip(): name for name, header in dataclasses.asdict(self).items()}


def _number(cell: str, whole: bool) -> float | int:
    """A cell read as a finite number (or a whole number); ValueError otherwise."""
    if whole:
        return int(cell)
    value = float(cell)
    if not math.isfinite(value):
        raise ValueError(cell)
    return value


def _value(name: str, cell: str) -> Any:
    """A non-empty cell as the JSON value of field `name`; ValueError saying why it cannot be."""
    if name in LIST_FIELDS:
        return [item.strip() for item in cell.split(";") if item.strip()]
    if name in WHOLE_FIELDS or name == "seniority":
        try:
            return _number(cell, whole=name in WHOLE_FIELDS)
        except ValueError:
            kind = "a whole number" if name in WHOLE_FIELDS else "a number"
            raise ValueError(f"{cell!r} is not {kind}") from None
    if name == "volunteer":
        if cell.casefold() not in TRUE | FALSE:
            raise ValueError(f"{cell!r} is not yes or no (yes/no, true/false, 1/0, y/n, oui/non)")
        return cell.casefold() in TRUE
    return cell


def _targets(headers: list[str], mapping: ColumnMapping, file: str) -> list[str]:
    """What each column fills: a field name, `attr:<key>`, or "" for a column with no header."""
    fields = mapping.field_by_header()
    targets: list[str] = []
    for header in headers:
        if header.startswith(ATTRIBUTE):
            target = ATTRIBUTE + header[len(ATTRIBUTE) :].strip()
            if target == ATTRIBUTE:
                raise CsvError(file, "an attr: column needs a key, e.g. attr:generation", 1, header)
        elif header in fields or not header:
            target = fields.get(header, "")
        else:
            known = ", ".join([*fields, ATTRIBUTE + "<key>"])
            hint = "; is the file separated by ';'? use ','" if ";" in header else ""
            raise CsvError(file, f"unknown column {header!r}; known: {known}{hint}", 1, header)
        if target and target in targets:
            other = headers[targets.index(target)]
            raise CsvError(file, f"column {other!r} already fills {target!r}", 1, header)
        targets.append(target)
    if "id" not in targets:
        raise CsvError(file, f"no {mapping.id!r} column: every participant needs an id", 1)
    return targets


def _pydantic_error(exc: ValidationError, headers: dict[str, str], file: str, row: int) -> CsvError:
    """The first problem pydantic found, on the column it comes from."""
    first = exc.errors()[0]
    loc = first["loc"]
    target = ATTRIBUTE + str(loc[1]) if loc[:1] == ("attributes",) and len(loc) > 1 else loc[0]
    message = first["msg"].removeprefix("Value error, ")
    shown = repr(first["input"])
    shown = shown if len(shown) <= 40 else shown[:36] + "...'"
    if loc[0] in LIST_FIELDS and len(loc) > 1 and isinstance(loc[1], int):
        message = f"item {loc[1] + 1}: {message} (got {shown})"
    elif not isinstance(first["input"], dict) and repr(first["input"]) not in message:
        message = f"{message} (got {shown})"
    return CsvError(file, message, row, headers.get(str(target), str(target)))


def _participant(
    cells: list[str], headers: list[str], targets: list[str], file: str, row: int
) -> dict[str, Any]:
    """One row as a JSON-ready participant, checked against the schema."""
    person: dict[str, Any] = {}
    for index, raw in enumerate(cells):
        cell = raw.strip()
        if not cell:
            continue
        if index >= len(targets) or not targets[index]:
            message = f"{cell!r} is in column {index + 1}, which has no header"
            raise CsvError(file, message, row)
        header, target = headers[index], targets[index]
        if target.startswith(ATTRIBUTE):
            person.setdefault("attributes", {})[target[len(ATTRIBUTE) :]] = cell
        else:
            try:
                person[target] = _value(target, cell)
            except ValueError as exc:
                raise CsvError(file, str(exc), row, header) from None
    header_of = {target: header for header, target in zip(headers, targets, strict=True)}
    if "id" not in person:
        raise CsvError(file, "every participant needs an id", row, header_of["id"])
    try:
        Participant.model_validate(person)
    except ValidationError as exc:
        raise _pydantic_error(exc, header_of, file, row) from exc
    return person


def _records(path: Path) -> list[list[str]]:
    """Every record of the file, blank ones included, so that index + 1 is the row number."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return list(csv.reader(stream))
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text (byte {exc.object[exc.start]:#x}); save it as 'CSV UTF-8'"
        raise CsvError(path.name, message) from exc
    except (OSError, csv.Error) as exc:
        raise CsvError(path.name, str(exc)) from exc


def _read(path: Path, mapping: ColumnMapping | None) -> list[tuple[int, dict[str, Any]]]:
    """(row number, participant) for each non-blank row; ids unique within the file."""
    records = _records(path)
    if not records or not any(cell.strip() for cell in records[0]):
        raise CsvError(path.name, "no header row", 1)
    mapping = mapping or ColumnMapping()
    headers = [header.strip() for header in records[0]]
    targets = _targets(headers, mapping, path.name)
    people: list[tuple[int, dict[str, Any]]] = []
    row_of: dict[str, int] = {}
    for row, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line or an empty spreadsheet row holds nobody
        person = _participant(cells, headers, targets, path.name, row)
        if person["id"] in row_of:
            message = f"id {person['id']!r} is already on row {row_of[person['id']]}"
            raise CsvError(path.name, message, row, mapping.id)
        row_of[person["id"]] = row
        people.append((row, person))
    return people


def read_participants(path: Path, mapping: ColumnMapping | None = None) -> list[dict[str, Any]]:
    """Participants (JSON-ready dicts) from one CSV file, UTF-8 with or without a BOM."""
    return [person for _, person in _read(path, mapping)]


def _check_references(
    people: list[tuple[int, dict[str, Any]]], others: set[str], file: str, mapping: ColumnMapping
) -> None:
    """`preferences` and `avoid` name people of the other file."""
    for row, person in people:
        for name in ("preferences", "avoid"):
            for ref in person.get(name, []):
                if ref not in others:
                    raise CsvError(file, f"unknown id {ref!r}", row, getattr(mapping, name))


def read_pool(
    mentors: Path,
    mentees: Path,
    mapping: ColumnMapping | None = None,
    program: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A match request body from the two files (and program settings, if any)."""
    mapping = mapping or ColumnMapping()
    mentor_rows, mentee_rows = _read(mentors, mapping), _read(mentees, mapping)
    mentor_ids = {person["id"] for _, person in mentor_rows}
    mentee_ids = {person["id"] for _, person in mentee_rows}
    _check_references(mentor_rows, mentee_ids, mentors.name, mapping)
    _check_references(mentee_rows, mentor_ids, mentees.name, mapping)
    return {
        "mentors": [person for _, person in mentor_rows],
        "mentees": [person for _, person in mentee_rows],
        "program": dict(program or {}),
    }

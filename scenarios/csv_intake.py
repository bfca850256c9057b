"""Pools from survey exports: `mentors.csv` and `mentees.csv` in, `pairs.csv` out.

Column mapping. Each column holds one participant field; by default the column is named
like the field: `id` (required), `name`, `department`, `site`, `job_family`,
`seniority` (number), `languages`, `timezone`, `availability`, `skills`, `goals`,
`interests`, `volunteer` (yes/no, true/false, 1/0, oui/non), `waiting_rounds`,
`capacity` (whole numbers), `manager_id`, `preferences`, `avoid`. List fields hold items
separated by `;` ("public speaking; networking"). A column named `attr:<key>` fills
`attributes[<key>]` (for diversity rules: `attr:generation`). An empty cell leaves the
field unset. Survey tools name columns their own way: a mapping renames them
(`{"id": "Employee ID", "goals": "What do you want to learn?"}`, in the API, the CLI
and scenario files). A column that is neither mapped nor `attr:` is an error, not
ignored: a typo must not drop a field. Errors name the file, the row (as a spreadsheet
shows it: the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from solver.schema import MatchResponse, Participant

LIST_FIELDS = ("languages", "availability", "skills", "goals", "interests", "preferences", "avoid")
TEXT_FIELDS = ("id", "name", "department", "site", "job_family", "timezone", "manager_id")
NUMBER_FIELDS = ("seniority",)
WHOLE_FIELDS = ("waiting_rounds", "capacity")
FIELDS = (*TEXT_FIELDS, *LIST_FIELDS, *NUMBER_FIELDS, *WHOLE_FIELDS, "volunteer")
TRUE = {"yes", "y", "true", "1", "oui", "o", "x"}
FALSE = {"no", "n", "false", "0", "non", ""}
ATTRIBUTE = "attr:"


class CsvError(ValueError):
    """A CSV problem, located: file, row (1 is the header) and column."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        where = file + (f", row {row}" if row else "") + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {message}")
        self.file, self.row, self.column = file, row, column


@dataclass(frozen=True)
class ColumnMapping:
    """Participant field → CSV column header (the field's own name unless renamed)."""

    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, renamed: dict[str, str]) -> ColumnMapping:
        unknown = sorted(set(renamed) - set(FIELDS))
        if unknown:
            raise CsvError("column mapping", f"unknown field {unknown[0]!r}; fields: {FIELDS}")
        return cls(dict(renamed))

    def field_of(self) -> dict[str, str]:
        """Header → field."""
        return {self.headers.get(name, name): name for name in FIELDS}


def _value(name: str, cell: str, fail: Any) -> Any:
    if name in LIST_FIELDS:
        return [item.strip() for item in cell.split(";") if item.strip()]
    if name in NUMBER_FIELDS:
        try:
            return float(cell.replace(",", "."))
        except ValueError:
            raise fail(f"{cell!r} is not a number") from None
    if name in WHOLE_FIELDS:
        try:
            return int(cell)
        except ValueError:
            raise fail(f"{cell!r} is not a whole number") from None
    if name == "volunteer":
        word = cell.casefold()
        if word not in TRUE | FALSE:
            raise fail(f"{cell!r} is not yes or no")
        return word in TRUE
    return cell


def _participant(
    row: dict[str, str], fields: dict[str, str], file: str, number: int
) -> dict[str, Any]:
    person: dict[str, Any] = {}
    for header, cell in row.items():
        cell = (cell or "").strip()
        if not cell:
            continue
        if header.startswith(ATTRIBUTE):
            person.setdefault("attributes", {})[header[len(ATTRIBUTE) :].strip()] = cell
            continue

        def fail(message: str, header: str = header) -> CsvError:
            return CsvError(file, message, number, header)

        person[fields[header]] = _value(fields[header], cell, fail)
    if "id" not in person:
        header = next(h for h, name in fields.items() if name == "id")
        raise CsvError(file, "every participant needs an id", number, header)
    try:
        Participant.model_validate(person)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "id"
        header = next((h for h, f in fields.items() if f == name), name)
        raise CsvError(file, first["msg"], number, header) from exc
    return person


def read_participants(path: Path, mapping: ColumnMapping | None = None) -> list[dict[str, Any]]:
    """Participants (JSON-ready dicts) from one CSV file, UTF-8 with or without a BOM."""
    fields = (mapping or ColumnMapping()).field_of()
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CsvError(path.name, str(exc)) from exc
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in reader.fieldnames or []]
    if not headers:
        raise CsvError(path.name, "no header row")
    for header in headers:
        if header not in fields and not header.startswith(ATTRIBUTE):
            known = ", ".join(sorted(fields))
            raise CsvError(path.name, f"unknown column; known: {known}, attr:<key>", 1, header)
    reader.fieldnames = headers
    return [
        _participant(row, fields, path.name, number) for number, row in enumerate(reader, start=2)
    ]


def read_pool(
    mentors: Path,
    mentees: Path,
    mapping: ColumnMapping | None = None,
    program: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A match request from the two files (and program settings, if any)."""
    return {
        "mentors": read_participants(mentors, mapping),
        "mentees": read_participants(mentees, mapping),
        "program": dict(program or {}),
    }


def pairs_csv(response: MatchResponse) -> str:
    """Pairs with scores and explanations, then the unmatched with reasons, in one table."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "mentor", "mentee", "score", "reason", "detail"])
    for pair in response.pairings:
        writer.writerow(["pair", pair.mentor, pair.mentee, pair.score, "", pair.explanation])
    for person in response.unmatched:
        mentor, mentee = (person.id, "") if person.role == "mentor" else ("", person.id)
        writer.writerow(["unmatched", mentor, mentee, "", person.reason, person.detail])
    return out.getvalue()


def write_pairs(response: MatchResponse, path: Path) -> None:
    path.write_text(pairs_csv(response), encoding="utf-8")

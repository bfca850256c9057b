"""The bundled pool as program managers bring it: French Excel CSVs and a workbook.

    python -m intake.examples    # rewrites scenarios/examples/company_*_fr*.csv and .xlsx

Each file holds `company_pool.json`'s mentors or mentees, written the way its tool writes
them (docs/intake.md, "Examples"); the tests read every one back and compare it with the
JSON, participant by participant.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from babel import Locale

from intake.workbook import Cell

EXAMPLES = Path(__file__).resolve().parent.parent / "scenarios" / "examples"
POOL = EXAMPLES / "company_pool.json"
SHEETS = {"mentors": "Mentors", "mentees": "Mentorés"}
HEADERS = {  # field → survey-style French header, in the order of the survey
    "id": "Identifiant",
    "name": "Prénom Nom",
    "department": "Département",
    "site": "Site",
    "job_family": "Famille de métiers",
    "seniority": "Ancienneté (années)",
    "languages": "Langues parlées",
    "timezone": "Fuseau horaire",
    "availability": "Disponibilités",
    "skills": "Compétences",
    "goals": "Ce que je veux apprendre",
    "interests": "Centres d'intérêt",
    "volunteer": "Volontaire",
    "waiting_rounds": "Tours d'attente",
    "capacity": "Nombre de mentorés",
    "manager_id": "Responsable",
    "preferences": "Préférences",
    "avoid": "À éviter",
    "attr:generation": "Génération",
}
COMMENTS = ("", "", "Disponible à partir de mars ; merci !", "", 'Plutôt "en visio", si possible')
FIRST_ANSWER = datetime(2025, 1, 6, 9, 0)
Person = dict[str, Any]


def _fields(people: list[Person]) -> list[str]:
    """The fields someone on this side has, in the survey's order."""
    held = {field for person in people for field in person if field != "attributes"}
    held |= {f"attr:{key}" for person in people for key in person.get("attributes", {})}
    return [field for field in HEADERS if field in held]


def _written_references(others: list[Person]) -> dict[str, str]:
    """How a person of the other side is named in a list: by name, unless two share it."""
    count = Counter(person["name"] for person in others)
    return {p["id"]: p["name"] if count[p["name"]] == 1 else p["id"] for p in others}


def _value(person: Person, field: str) -> Any:
    if field.startswith("attr:"):
        return person.get("attributes", {}).get(field.removeprefix("attr:"))
    return person.get(field)


def _french_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def _csv_cell(field: str, value: Any, references: dict[str, str]) -> str:
    """A value as French Excel shows it: decimal comma, Oui/Non, lists joined by ', '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, int | float):
        return _french_number(value)
    if field == "languages":
        value = [Locale("fr").languages[code] for code in value]
    elif field in ("preferences", "avoid"):
        value = [references[ref] for ref in value]
    return ", ".join(value) if isinstance(value, list) else str(value)


def _workbook_cell(field: str, value: Any) -> Cell:
    """A value as Excel stores it: numbers and booleans typed, lists joined by '; '."""
    if field == "languages":
        value = [Locale("en").languages[code] for code in value]
    return "; ".join(value) if isinstance(value, list) else value


def _rows(side: str, pool: dict[str, Any], cell: Callable[[str, Any], Any]) -> list[list[Any]]:
    """The survey's header and one row per person, with its timestamp, e-mail and comment."""
    people = pool[side]
    fields = _fields(people)
    rows: list[list[Any]] = [
        ["Horodateur", *(HEADERS[f] for f in fields[:2]), "Adresse e-mail"]
        + [HEADERS[f] for f in fields[2:]]
        + ["Commentaires"]
    ]
    for i, person in enumerate(people):
        cells = [cell(field, _value(person, field)) for field in fields]
        email = person["name"].lower().replace(" ", ".") + "@example.com"
        answered = FIRST_ANSWER + timedelta(minutes=17 * i)
        rows.append([answered, *cells[:2], email, *cells[2:], COMMENTS[i % len(COMMENTS)]])
    return rows


def french_csv(side: str, pool: dict[str, Any], encoding: str) -> bytes:
    """One side as French Excel saves it: ';', CRLF, "CSV UTF-8" (utf-8-sig) or cp1252."""
    other = pool["mentees" if side == "mentors" else "mentors"]
    references = _written_references(other)
    rows = _rows(side, pool, lambda field, value: _csv_cell(field, value, references))
    for row in rows[1:]:
        row[0] = row[0].strftime("%d/%m/%Y %H:%M")
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    return text.getvalue().encode(encoding)


def french_workbook(pool: dict[str, Any]) -> bytes:
    """Both sides in one workbook, one sheet each, cells typed as Excel types them."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    book.properties.creator = "binome"
    book.properties.created = book.properties.modified = FIRST_ANSWER
    for side, title in SHEETS.items():
        sheet = book.create_sheet(title)
        for row in _rows(side, pool, _workbook_cell):
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def example_files(pool: dict[str, Any]) -> dict[str, bytes]:
    """File name → content, for every example."""
    files = {}
    for side in SHEETS:
        files[f"company_{side}_fr.csv"] = french_csv(side, pool, "utf-8-sig")
        files[f"company_{side}_fr_cp1252.csv"] = french_csv(side, pool, "cp1252")
    files["company_pool_fr.xlsx"] = french_workbook(pool)
    return files


def main(directory: Path = EXAMPLES) -> None:
    pool = json.loads(POOL.read_text("utf-8"))
    for name, content in example_files(pool).items():
        (directory / name).write_bytes(content)
        sys.stdout.write(f"wrote {directory / name}\n")


if __name__ == "__main__":
    main()

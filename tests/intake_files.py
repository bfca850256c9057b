"""Real files as survey tools and Excel write them, for the intake tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl

MENTOR_ROWS = [
    ["Horodateur", "Identifiant", "Prénom Nom", "Adresse e-mail", "Ancienneté (années)",
     "Langues parlées", "Fuseau horaire", "Disponibilités", "Compétences",
     "Nombre de mentorés", "Préférences", "Génération", "Commentaires"],
    ["06/01/2025 09:00", "m1", "Inès Dupont", "ines@example.com", "18,5", "Français, Anglais",
     "Europe/Paris", "mon-am, tue-pm", "budgeting, audit", "2", "lea martin", "X", "merci ; !"],
    ["06/01/2025 09:10", "m2", "Omar Khan", "omar@example.com", "7.5", "english",
     "America/New_York", "wed-am|thu-am", "python; CI/CD", "1", "e2", "gen_z", ""],
]  # fmt: skip
MENTEE_ROWS = [
    ["Identifiant", "Nom complet", "Service", "Ancienneté (années)", "Langues", "Fuseau horaire",
     "Objectifs", "Volontaire", "Tours d'attente", "Préférences", "À éviter"],
    ["e1", "Léa Martin", "HR", "2,5", "fr", "Europe/Paris", "budgeting", "Oui", "1",
     "Ines Dupont, m2", ""],
    ["e2", "Sam Chen", "Data", "0", "EN/fr", "Europe/London", "python", "non", "", "",
     "Inès Dupont"],
]  # fmt: skip
MENTOR_ONE = {
    "id": "m1",
    "name": "Inès Dupont",
    "seniority": 18.5,
    "languages": ["fr", "en"],
    "timezone": "Europe/Paris",
    "availability": ["mon-am", "tue-pm"],
    "skills": ["budgeting", "audit"],
    "capacity": 2,
    "preferences": ["e1"],
    "attributes": {"generation": "X"},
}
MENTEE_ONE = {
    "id": "e1",
    "name": "Léa Martin",
    "department": "HR",
    "seniority": 2.5,
    "languages": ["fr"],
    "timezone": "Europe/Paris",
    "goals": ["budgeting"],
    "volunteer": True,
    "waiting_rounds": 1,
    "preferences": ["m1", "m2"],
}


def csv_bytes(rows: list[list[Any]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """Rows as Excel saves them: CRLF, cells with the separator or a quote quoted."""
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(rows)
    return text.getvalue().encode(encoding)


def write_csv(
    path: Path, rows: list[list[Any]], delimiter: str = ";", encoding: str = "utf-8-sig"
) -> Path:
    path.write_bytes(csv_bytes(rows, delimiter, encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook written by openpyxl, one sheet per entry, in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def with_cells(rows: list[list[Any]], changes: dict[tuple[int, str], Any]) -> list[list[Any]]:
    """A copy of `rows` with some cells changed, by (spreadsheet row, header)."""
    copy = [list(row) for row in rows]
    for (row, header), value in changes.items():
        copy[row - 1][rows[0].index(header)] = value
    return copy

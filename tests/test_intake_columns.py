"""Headers map to fields without configuration; a mapping overrides; doubts are reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intake import SYNONYMS, File, IntakeError, Issue, read_people, read_pool
from intake.columns import guessed, normalised
from tests.intake_files import csv_bytes

ROOT = Path(__file__).resolve().parent.parent


def people_file(headers: list[str], *rows: list[str]) -> File:
    return File("mentees.csv", csv_bytes([headers, *rows]))


def errors(headers: list[str], columns: dict[str, str] | None = None) -> list[Issue]:
    with pytest.raises(IntakeError) as raised:
        read_people(people_file(headers, ["e1"] * len(headers)), "mentees", columns)
    return raised.value.errors


@pytest.mark.parametrize(
    ("header", "field"),
    [("Prénom Nom", "name"), ("Nom complet", "name"), ("Full name", "name"),
     ("Identifiant", "id"), ("Matricule", "id"), ("Employee ID", "id"), ("ID", "id"),
     ("Département", "department"), ("Service", "department"), ("Site", "site"),
     ("Lieu", "site"), ("Ancienneté (années)", "seniority"), ("Years of experience", "seniority"),
     ("Objectifs", "goals"), ("Ce que je veux apprendre", "goals"), ("Goals", "goals"),
     ("Compétences", "skills"), ("Skills", "skills"), ("Centres d'intérêt", "interests"),
     ("CENTRES D’INTÉRÊT", "interests"), ("Interests", "interests"),
     ("Langues parlées", "languages"), ("Languages", "languages"),
     ("Fuseau horaire", "timezone"), ("Time zone", "timezone"),
     ("Disponibilités", "availability"), ("Availability", "availability"),
     ("Volontaire", "volunteer"), ("Volunteer", "volunteer"), ("Manager", "manager_id"),
     ("Responsable", "manager_id"), ("manager_id", "manager_id"), ("Capacité", "capacity"),
     ("Nombre de mentorés", "capacity"), ("Préférences", "preferences"),
     ("Preferences", "preferences"), ("À éviter", "avoid"), ("Avoid", "avoid"),
     ("Tours d'attente", "waiting_rounds"), ("Famille de métiers", "job_family"),
     ("Job family", "job_family"), ("job_family", "job_family"),
     ("Génération", "attr:generation"), ("Genre", "attr:gender"),
     ("attr:Région", "attr:Région"), ("  ATTR : site_code ", "attr:site_code")],
)  # fmt: skip
def test_survey_wordings_name_fields_ignoring_case_accents_and_punctuation(
    header: str, field: str
) -> None:
    assert guessed(header) == field


@pytest.mark.parametrize("header", ["Horodateur", "Adresse e-mail", "Commentaires", "Timestamp",
                                    "Email", "attr:", "Prénom", "!!"])  # fmt: skip
def test_other_columns_name_no_field(header: str) -> None:
    assert guessed(header) is None


def test_each_wording_names_one_field_only() -> None:
    fields_by_wording: dict[str, set[str]] = {}
    for field, wordings in SYNONYMS.items():
        for wording in (field.removeprefix("attr:"), *wordings):
            fields_by_wording.setdefault(normalised(wording), set()).add(field)
    assert {w: f for w, f in fields_by_wording.items() if len(f) > 1} == {}


def test_the_documented_table_is_the_synonyms_table() -> None:
    page = (ROOT / "docs" / "intake.md").read_text("utf-8")
    table = re.search(r"<!-- synonyms: start -->\n(.*?)<!-- synonyms: end -->", page, re.S)
    assert table is not None
    rows = [line.split(" | ") for line in table.group(1).splitlines()[2:]]
    documented = {field.strip("| `"): tuple(cell.strip(" |").split(", ")) for field, cell in rows}
    assert documented == SYNONYMS


def test_ignored_columns_are_warnings_and_a_close_one_gets_did_you_mean() -> None:
    headers = ["Identifiant", "Ancienneté (anées)", "Compétence", "Commentaires", "Email"]
    people = read_people(people_file(headers, ["e1", "3", "x", "y", "z"]), "mentees")
    assert people.people == [{"id": "e1"}]
    assert [(w.row, w.column, w.msg) for w in people.warnings] == [
        (1, "Ancienneté (anées)", "not a participant field: ignored; did you mean 'seniority'?"),
        (1, "Compétence", "not a participant field: ignored; did you mean 'skills'?"),
        (1, "Commentaires", "not a participant field: ignored"),
        (1, "Email", "not a participant field: ignored"),
    ]


def test_cells_under_no_header_are_reported() -> None:
    people = read_people(people_file(["id", ""], ["e1", "x"], ["e2", "", "y"]), "mentees")
    assert [(w.column, w.msg) for w in people.warnings] == [
        ("column 2", "has cells but no header: they are ignored"),
        ("column 3", "has cells but no header: they are ignored"),
    ]


def test_two_columns_for_one_field_is_an_error_naming_both() -> None:
    [error] = errors(["Identifiant", "Matricule", "Nom"])
    assert (error.column, error.msg) == (
        "Matricule",
        "columns 'Identifiant' and 'Matricule' both fill 'id': keep one, "
        "or name the one to read (columns={'id': 'Matricule'})",
    )


def test_a_mapping_overrides_the_guess_and_the_other_column_is_ignored() -> None:
    file = people_file(["Identifiant", "Matricule", "Ce que j'attends"], ["1", "E-1", "python"])
    people = read_people(file, "mentees", {"id": "matricule", "goals": "Ce que j'attends"})
    assert people.people == [{"id": "E-1", "goals": ["python"]}]
    assert people.columns == {"id": "Matricule", "goals": "Ce que j'attends"}
    [warning] = people.warnings
    assert (warning.column, warning.msg) == (
        "Identifiant",
        "ignored: columns reads 'id' from 'Matricule'",
    )


def test_a_mapping_with_unknown_fields_or_headers_is_an_error() -> None:
    mapping = {"skils": "Compétences", "goals": "Mes objectifs", "name": "Identifiant"}
    found = errors(["Identifiant"], {**mapping, "id": "identifiant"})
    assert [str(error) for error in found] == [
        "columns, column 'skils': unknown field 'skils'; fields: "
        + ", ".join(SYNONYMS)
        + ", attr:<key>",
        "columns, column 'id': fields 'name' and 'id' both read 'identifiant'",
        "mentees.csv, row 1, column 'Mes objectifs': columns maps 'goals' to 'Mes objectifs', "
        "which this file has no column named",
    ]


def test_no_id_column_is_an_error() -> None:
    assert [str(e) for e in errors(["Nom", "Service"])] == [
        "mentees.csv, row 1: no id column (e.g. 'Identifiant', 'Matricule', 'Employee ID' or 'id')"
    ]


def test_read_pool_applies_a_mapping_to_the_files_that_have_its_header() -> None:
    mentors = File("mentors.csv", csv_bytes([["id", "Compétences"], ["m1", "python"]]))
    mentees = File("mentees.csv", csv_bytes([["id", "Mes objectifs"], ["e1", "python"]]))
    intake = read_pool(mentors, mentees, {"goals": "Mes objectifs"})
    assert intake.pool == {
        "mentors": [{"id": "m1", "skills": ["python"]}],
        "mentees": [{"id": "e1", "goals": ["python"]}],
    }
    with pytest.raises(IntakeError) as raised:
        read_pool(mentors, mentees, {"goals": "Objectifs 2025"})
    assert [str(e) for e in raised.value.errors] == [
        "columns, column 'goals': 'Objectifs 2025' is a column of neither file"
    ]

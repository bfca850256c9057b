"""The bundled pool as French Excel CSVs (UTF-8 and cp1252) and a workbook: each gives
exactly `company_pool.json`'s participants."""

from __future__ import annotations

import csv
import io
import json

import pytest

from intake import File, file_at, read_pool
from intake.examples import EXAMPLES, example_files
from intake.workbook import workbook_records
from solver.contract.request import MatchRequest

POOL = json.loads((EXAMPLES / "company_pool.json").read_text("utf-8"))
PAIRS = {
    "utf-8": ("company_mentors_fr.csv", "company_mentees_fr.csv"),
    "cp1252": ("company_mentors_fr_cp1252.csv", "company_mentees_fr_cp1252.csv"),
}


def example_pair(kind: str) -> tuple[File, File]:
    if kind == "xlsx":
        path = EXAMPLES / "company_pool_fr.xlsx"
        return file_at(path, sheet="Mentors"), file_at(path, sheet="Mentorés")
    mentors, mentees = PAIRS[kind]
    return file_at(EXAMPLES / mentors), file_at(EXAMPLES / mentees)


@pytest.mark.parametrize("kind", ["utf-8", "cp1252", "xlsx"])
def test_each_example_gives_exactly_the_json_pool(kind: str) -> None:
    intake = read_pool(*example_pair(kind))
    read = MatchRequest.model_validate({**intake.pool, "program": {}})
    expected = MatchRequest.model_validate(POOL)
    for side in ("mentors", "mentees"):
        assert len(getattr(read, side)) == len(getattr(expected, side))
        for person, wanted in zip(getattr(read, side), getattr(expected, side), strict=True):
            assert person == wanted


@pytest.mark.parametrize("kind", ["utf-8", "cp1252", "xlsx"])
def test_only_the_survey_s_own_columns_are_ignored(kind: str) -> None:
    intake = read_pool(*example_pair(kind))
    assert sorted({str(w.column) for w in intake.warnings}) == [
        "Adresse e-mail",
        "Commentaires",
        "Horodateur",
    ]
    assert len(intake.warnings) == 6  # three per file


def test_the_csv_examples_are_as_french_excel_saves_them() -> None:
    utf8 = (EXAMPLES / "company_mentees_fr.csv").read_bytes()
    ansi = (EXAMPLES / "company_mentees_fr_cp1252.csv").read_bytes()
    assert utf8.startswith(b"\xef\xbb\xbfHorodateur;Identifiant;Pr\xc3\xa9nom Nom;")
    assert ansi.startswith(b"Horodateur;Identifiant;Pr\xe9nom Nom;")
    with pytest.raises(UnicodeDecodeError):
        ansi.decode("utf-8")
    assert ansi.decode("cp1252") == utf8.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(utf8.decode("utf-8-sig")), delimiter=";"))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["Volontaire"], first["Langues parlées"]) == ("Oui", "français")


def test_the_csv_examples_name_people_in_preferences_by_name_and_by_id() -> None:
    text = (EXAMPLES / "company_mentees_fr.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    written = [ref for row in rows for ref in row["Préférences"].split(", ") if ref]
    mentor_ids = {person["id"] for person in POOL["mentors"]}
    assert {ref in mentor_ids for ref in written} == {True, False}


def test_the_workbook_holds_excel_types() -> None:
    rows = workbook_records((EXAMPLES / "company_pool_fr.xlsx").read_bytes(), "x", "Mentorés")
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["Ancienneté (années)"], first["Volontaire"]) == (8, True)
    assert first["Langues parlées"] == "French"


def test_the_committed_examples_are_what_the_script_writes() -> None:
    files = example_files(POOL)
    for name, content in files.items():
        committed = (EXAMPLES / name).read_bytes()
        if name.endswith(".csv"):
            assert content == committed, name
        else:
            for sheet in ("Mentors", "Mentorés"):
                fresh = workbook_records(content, name, sheet)
                assert fresh == workbook_records(committed, name, sheet)

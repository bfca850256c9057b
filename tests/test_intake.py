"""intake.read_pool on real files: French Excel CSVs, every error at once, names, lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake import File, Intake, IntakeError, Issue, file_at, read_people, read_pool
from solver.contract.request import MatchRequest
from tests.intake_files import (
    MENTEE_ONE,
    MENTEE_ROWS,
    MENTOR_ONE,
    MENTOR_ROWS,
    csv_bytes,
    with_cells,
    write_csv,
)


def pool_of(tmp_path: Path, mentors: list[list[str]], mentees: list[list[str]]) -> Intake:
    return read_pool(
        file_at(write_csv(tmp_path / "mentors.csv", mentors)),
        file_at(write_csv(tmp_path / "mentees.csv", mentees)),
    )


def errors_of(tmp_path: Path, mentors: list[list[str]], mentees: list[list[str]]) -> list[Issue]:
    with pytest.raises(IntakeError) as raised:
        pool_of(tmp_path, mentors, mentees)
    return raised.value.errors


def test_a_french_excel_csv_pair_reads_as_the_contract(tmp_path: Path) -> None:
    intake = pool_of(tmp_path, MENTOR_ROWS, MENTEE_ROWS)
    assert intake.pool["mentors"][0] == MENTOR_ONE
    assert intake.pool["mentees"][0] == MENTEE_ONE
    assert intake.pool["mentors"][1]["skills"] == ["python", "CI/CD"]
    assert intake.pool["mentors"][1]["availability"] == ["wed-am", "thu-am"]
    assert intake.pool["mentees"][1]["avoid"] == ["m1"]
    assert intake.pool["mentees"][1]["volunteer"] is False
    request = MatchRequest.model_validate({**intake.pool, "program": {}})
    assert [person.id for person in request.mentees] == ["e1", "e2"]


def test_columns_say_which_header_each_field_came_from(tmp_path: Path) -> None:
    intake = pool_of(tmp_path, MENTOR_ROWS, MENTEE_ROWS)
    assert intake.columns["mentees.csv"] == {
        "id": "Identifiant",
        "name": "Nom complet",
        "department": "Service",
        "seniority": "Ancienneté (années)",
        "languages": "Langues",
        "timezone": "Fuseau horaire",
        "goals": "Objectifs",
        "volunteer": "Volontaire",
        "waiting_rounds": "Tours d'attente",
        "preferences": "Préférences",
        "avoid": "À éviter",
    }
    assert intake.columns["mentors.csv"]["attr:generation"] == "Génération"


def test_extra_columns_are_ignored_and_listed_in_the_warnings(tmp_path: Path) -> None:
    intake = pool_of(tmp_path, MENTOR_ROWS, MENTEE_ROWS)
    assert [(w.file, w.row, w.column, w.msg) for w in intake.warnings] == [
        ("mentors.csv", 1, header, "not a participant field: ignored")
        for header in ("Horodateur", "Adresse e-mail", "Commentaires")
    ]


def test_five_bad_cells_are_five_located_errors_in_one_raise(tmp_path: Path) -> None:
    mentees = with_cells(
        MENTEE_ROWS,
        {
            (2, "Ancienneté (années)"): "ten",
            (2, "Volontaire"): "peut-être",
            (3, "Tours d'attente"): "1,5",
            (3, "Fuseau horaire"): "Europe/Pariss",
        },
    )
    mentors = with_cells(MENTOR_ROWS, {(3, "Ancienneté (années)"): "150"})
    found = [
        (e.file, e.row, e.column, e.value, e.msg) for e in errors_of(tmp_path, mentors, mentees)
    ]
    assert found == [
        ("mentors.csv", 3, "Ancienneté (années)", "150",
         "Input should be less than or equal to 100 (got '150')"),
        ("mentees.csv", 2, "Ancienneté (années)", "ten", "'ten' is not a number (e.g. 7 or 2,5)"),
        ("mentees.csv", 2, "Volontaire", "peut-être",
         "'peut-être' is not yes or no (oui/non, yes/no, vrai/faux, 1/0, x)"),
        ("mentees.csv", 3, "Fuseau horaire", "Europe/Pariss",
         "unknown IANA time zone 'Europe/Pariss'"),
        ("mentees.csv", 3, "Tours d'attente", "1,5", "'1,5' is not a whole number (e.g. 0 or 3)"),
    ]  # fmt: skip


def test_what_the_contract_refuses_is_located_to_the_cell_and_the_list_item(tmp_path: Path) -> None:
    mentors = with_cells(
        MENTOR_ROWS, {(2, "Compétences"): "audit, " + "x" * 501, (3, "Génération"): "y" * 501}
    )
    found = [(e.row, e.column, e.msg) for e in errors_of(tmp_path, mentors, MENTEE_ROWS)]
    assert found == [
        (2, "Compétences",
         f"item 2: String should have at most 500 characters (got '{'x' * 35}...')"),
        (3, "Génération", f"String should have at most 500 characters (got '{'y' * 35}...')"),
    ]  # fmt: skip


def test_an_error_reads_as_a_sentence_that_says_where(tmp_path: Path) -> None:
    mentees = with_cells(MENTEE_ROWS, {(2, "Ancienneté (années)"): "ten"})
    with pytest.raises(IntakeError) as raised:
        pool_of(tmp_path, MENTOR_ROWS, mentees)
    assert str(raised.value) == (
        "1 error:\nmentees.csv, row 2, column 'Ancienneté (années)': "
        "'ten' is not a number (e.g. 7 or 2,5)"
    )


def test_a_duplicate_id_names_the_row_that_has_it_first(tmp_path: Path) -> None:
    mentees = [*MENTEE_ROWS, ["e1", "Autre Personne"]]
    [error] = errors_of(tmp_path, MENTOR_ROWS, mentees)
    assert (error.row, error.column, error.msg) == (4, "Identifiant", "id 'e1' is already on row 2")


def test_a_row_without_id_is_an_error_on_its_id_cell(tmp_path: Path) -> None:
    mentees = [*MENTEE_ROWS, ["", "Sans Identifiant"]]
    [error] = errors_of(tmp_path, MENTOR_ROWS, mentees)
    assert (error.row, error.column, error.msg) == (4, "Identifiant", "needs an id: it is empty")


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    mentees = [MENTEE_ROWS[0], [""] * 11, MENTEE_ROWS[1], [], ["", " ", ""], MENTEE_ROWS[2]]
    mentees = with_cells(mentees, {(6, "Tours d'attente"): "deux"})
    [error] = errors_of(tmp_path, MENTOR_ROWS, mentees)
    assert (error.row, error.column) == (6, "Tours d'attente")
    mentees = with_cells(mentees, {(6, "Tours d'attente"): ""})
    assert [p["id"] for p in pool_of(tmp_path, MENTOR_ROWS, mentees).pool["mentees"]] == [
        "e1",
        "e2",
    ]


def test_a_formula_looking_cell_is_just_text(tmp_path: Path) -> None:
    mentees = with_cells(
        MENTEE_ROWS, {(3, "Nom complet"): '=HYPERLINK("x";"y")', (3, "Service"): "+33 6 12"}
    )
    person = pool_of(tmp_path, MENTOR_ROWS, mentees).pool["mentees"][1]
    assert (person["name"], person["department"]) == ('=HYPERLINK("x";"y")', "+33 6 12")


def test_preferences_name_people_by_id_or_by_name_case_and_accents_ignored(tmp_path: Path) -> None:
    intake = pool_of(tmp_path, MENTOR_ROWS, MENTEE_ROWS)
    assert intake.pool["mentors"][0]["preferences"] == ["e1"]  # "lea martin"
    assert intake.pool["mentees"][0]["preferences"] == ["m1", "m2"]  # "Ines Dupont, m2"


def test_an_ambiguous_or_unknown_name_is_a_located_error(tmp_path: Path) -> None:
    mentors = [*MENTOR_ROWS, ["", "m3", "Inès Dupont"]]
    mentees = with_cells(MENTEE_ROWS, {(3, "Préférences"): "Nobody Known"})
    found = [
        (e.file, e.row, e.column, e.value, e.msg) for e in errors_of(tmp_path, mentors, mentees)
    ]
    assert found == [
        ("mentees.csv", 2, "Préférences", "Ines Dupont",
         "'Ines Dupont' is the name of 2 mentors (m1, m3): write the id"),
        ("mentees.csv", 3, "Préférences", "Nobody Known",
         "'Nobody Known' is neither the id nor the name of one of the mentors in mentors.csv"),
        ("mentees.csv", 3, "À éviter", "Inès Dupont",
         "'Inès Dupont' is the name of 2 mentors (m1, m3): write the id"),
    ]  # fmt: skip


def test_an_id_wins_over_a_name(tmp_path: Path) -> None:
    mentees = with_cells(MENTEE_ROWS, {(3, "Nom complet"): "e1"})  # e2 is named "e1"
    assert pool_of(tmp_path, MENTOR_ROWS, mentees).pool["mentors"][1]["preferences"] == ["e2"]
    mentors = with_cells(MENTOR_ROWS, {(3, "Préférences"): "e1"})
    assert pool_of(tmp_path, mentors, mentees).pool["mentors"][1]["preferences"] == ["e1"]


def test_languages_by_code_or_name_in_either_language(tmp_path: Path) -> None:
    written = "français; French; FR; Anglais; english; fr-CA; Deutsch; espagnol"
    mentees = with_cells(MENTEE_ROWS, {(2, "Langues"): written})
    person = pool_of(tmp_path, MENTOR_ROWS, mentees).pool["mentees"][0]
    assert person["languages"] == ["fr", "en", "de", "es"]


def test_an_unknown_language_is_kept_as_written_with_a_warning(tmp_path: Path) -> None:
    mentees = with_cells(MENTEE_ROWS, {(2, "Langues"): "fr, Klingon"})
    intake = pool_of(tmp_path, MENTOR_ROWS, mentees)
    assert intake.pool["mentees"][0]["languages"] == ["fr", "Klingon"]
    [warning] = [w for w in intake.warnings if w.file == "mentees.csv"]
    assert (warning.row, warning.column, warning.value, warning.msg) == (
        2,
        "Langues",
        "Klingon",
        "'Klingon' is no language known by name or ISO 639-1 code: kept as written",
    )


@pytest.mark.parametrize(
    ("cell", "goals"),
    [
        ("public speaking, networking", ["public speaking", "networking"]),
        ("public speaking; networking;", ["public speaking", "networking"]),
        ("python | cloud", ["python", "cloud"]),
        ("UX/UI, CI/CD", ["UX/UI", "CI/CD"]),
        ("UX/UI", ["UX/UI"]),
        ("python; cloud, AWS", ["python", "cloud, AWS"]),
        ("python\ncloud, AWS", ["python", "cloud, AWS"]),
        (" ; , ", []),
        ("-", []),
    ],
)
def test_a_list_cell_splits_on_the_first_delimiter_it_holds(cell: str, goals: list[str]) -> None:
    mentees = [["id", "goals"], ["e1", cell]]
    for delimiter in (";", ",", "\t"):
        file = File("mentees.csv", csv_bytes(mentees, delimiter=delimiter))
        assert read_people(file, "mentees").people[0].get("goals", []) == goals


def test_codes_split_on_a_slash_but_a_time_zone_is_never_a_list() -> None:
    rows = [["id", "availability", "timezone"], ["e1", "mon-am/tue-pm", "America/New_York"]]
    [person] = read_people(File("mentees.csv", csv_bytes(rows)), "mentees").people
    assert person == {
        "id": "e1",
        "availability": ["mon-am", "tue-pm"],
        "timezone": "America/New_York",
    }


@pytest.mark.parametrize(
    ("cell", "volunteer"),
    [("Oui", True), ("NON", False), ("yes", True), ("No", False), ("Vrai", True),
     ("faux", False), ("TRUE", True), ("false", False), ("1", True), ("0", False),
     ("x", True), ("X", True), ("oui ", True)],
)  # fmt: skip
def test_yes_or_no_in_either_language(cell: str, volunteer: bool) -> None:
    rows = [["id", "Volontaire"], ["e1", cell], ["e2", ""]]
    people = read_people(File("mentees.csv", csv_bytes(rows)), "mentees").people
    assert people == [{"id": "e1", "volunteer": volunteer}, {"id": "e2"}]


def test_an_upload_is_a_name_and_bytes() -> None:
    rows = [["Matricule", "Ancienneté"], ["e1", "3,25"]]
    people = read_people(("export.csv", csv_bytes(rows)), "mentees")
    assert (people.file, people.people, people.rows) == (
        "export.csv",
        [{"id": "e1", "seniority": 3.25}],
        [2],
    )

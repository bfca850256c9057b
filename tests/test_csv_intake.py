"""CSV intake: survey exports read exactly, errors located by file, row and column."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from intake.csv_pool import ColumnMapping, CsvError, read_participants, read_pool
from solver.contract.request import Participant

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "scenarios" / "examples"
MENTORS_CSV = EXAMPLES / "company_mentors.csv"
MENTEES_CSV = EXAMPLES / "company_mentees.csv"


def write(tmp_path: Path, text: str, name: str = "mentees.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def company_cut() -> dict[str, list[dict[str, Any]]]:
    """The first 12 mentors and 24 mentees of the JSON pool, references outside the cut dropped:
    what the example CSV files hold."""
    pool = json.loads((EXAMPLES / "company_pool.json").read_text("utf-8"))
    cut = {"mentors": pool["mentors"][:12], "mentees": pool["mentees"][:24]}
    everyone = {p["id"] for people in cut.values() for p in people}
    other = {
        "mentors": {p["id"] for p in cut["mentees"]},
        "mentees": {p["id"] for p in cut["mentors"]},
    }
    result: dict[str, list[dict[str, Any]]] = {}
    for side, people in cut.items():
        result[side] = []
        for original in people:
            person = dict(original)
            for name in ("preferences", "avoid"):
                if name in person:
                    person[name] = [ref for ref in person[name] if ref in other[side]]
            if person.get("manager_id") not in everyone:
                person.pop("manager_id", None)
            result[side].append(person)
    return result


# --- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("side", "path"), [("mentors", MENTORS_CSV), ("mentees", MENTEES_CSV)])
def test_the_example_csvs_hold_the_json_pool_cut(side: str, path: Path) -> None:
    expected = [Participant.model_validate(p) for p in company_cut()[side]]
    assert [Participant.model_validate(p) for p in read_participants(path)] == expected


def test_the_example_cut_drops_references_outside_it() -> None:
    e0006 = next(p for p in read_participants(MENTEES_CSV) if p["id"] == "e0006")
    assert "avoid" not in e0006  # its only avoided mentor, m0015, is not among the first 12


def test_the_mapping_covers_every_participant_field() -> None:
    mapped = {f.name for f in dataclasses.fields(ColumnMapping)}
    assert mapped | {"attributes"} == set(Participant.model_fields)
    assert all(getattr(ColumnMapping(), name) == name for name in mapped)


def test_lists_numbers_booleans_and_attributes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,goals,seniority,volunteer,waiting_rounds,capacity,attr:generation, attr: site \n"
        "e1, public speaking ;networking;; ,2.5,Oui,1,3,gen_z,Lyon\n"
        "e2,,7,no,,,,\n"
        "e3,;;,,,,,,\n",
    )
    first, second, third = read_participants(path)
    assert first == {
        "id": "e1",
        "goals": ["public speaking", "networking"],
        "seniority": 2.5,
        "volunteer": True,
        "waiting_rounds": 1,
        "capacity": 3,
        "attributes": {"generation": "gen_z", "site": "Lyon"},
    }
    assert second == {"id": "e2", "seniority": 7.0, "volunteer": False}
    assert isinstance(second["seniority"], float)
    assert third == {"id": "e3", "goals": []}
    assert Participant.model_validate(second).waiting_rounds == 0  # empty cell: the default


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("oui", True)]
    + [("No", False), ("n", False), ("false", False), ("0", False), ("NON", False)],
)
def test_volunteer_reads_every_spelling_of_yes_and_no(
    tmp_path: Path, cell: str, expected: bool
) -> None:
    path = write(tmp_path, f"id,volunteer\ne1,{cell}\n")
    assert read_participants(path) == [{"id": "e1", "volunteer": expected}]


def test_every_list_field_is_split_on_semicolons(tmp_path: Path) -> None:
    lists = ("languages", "availability", "skills", "goals", "interests", "preferences", "avoid")
    path = write(tmp_path, "id," + ",".join(lists) + "\n" + "e1" + ", a ; b;" * len(lists) + "\n")
    assert read_participants(path) == [{"id": "e1", **{name: ["a", "b"] for name in lists}}]


def test_a_mapping_renames_the_survey_columns(tmp_path: Path) -> None:
    path = write(tmp_path, " Employee ID ,What I want to learn\ne1,negotiation; planning\n")
    mapping = ColumnMapping.from_dict({"id": "Employee ID", "goals": "What I want to learn"})
    assert read_participants(path, mapping) == [{"id": "e1", "goals": ["negotiation", "planning"]}]
    renamed_away = write(tmp_path, "Employee ID,id\ne1,x\n", "renamed.csv")
    with pytest.raises(CsvError, match="renamed.csv, row 1, column 'id': unknown column 'id'"):
        read_participants(renamed_away, mapping)


def test_a_bom_quoted_commas_and_line_breaks_are_read(tmp_path: Path) -> None:
    path = tmp_path / "mentors.csv"
    text = 'id,name,goals\r\nm1,"Smith, Jo","a;\r\nb"\r\nm2,Lee,\r\n'
    path.write_text(text, encoding="utf-8-sig", newline="")
    assert read_participants(path) == [
        {"id": "m1", "name": "Smith, Jo", "goals": ["a", "b"]},
        {"id": "m2", "name": "Lee"},
    ]


def test_blank_rows_are_skipped_and_still_counted(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,seniority,name\ne1,1,"two\nlines"\n\n,,\ne2,ten,\n')
    with pytest.raises(CsvError) as error:
        read_participants(path)
    assert error.value.row == 5  # header 1, e1 2, blank 3, empty cells 4, e2 5


def test_read_pool_builds_a_request_body(tmp_path: Path) -> None:
    program = {"mentor_capacity": 1}
    body = read_pool(MENTORS_CSV, MENTEES_CSV, program=program)
    assert list(body) == ["mentors", "mentees", "program"]
    assert body["program"] == program and body["program"] is not program
    assert [p["id"] for p in body["mentees"]] == [p["id"] for p in company_cut()["mentees"]]
    assert read_pool(MENTORS_CSV, MENTEES_CSV)["program"] == {}


# --- errors ----------------------------------------------------------------------------------

LONG = "x" * 501


@pytest.mark.parametrize(
    ("text", "row", "column", "says"),
    [
        ("id,seniority\ne1,ten\n", 2, "seniority", "'ten' is not a number"),
        ("id,seniority\ne1,nan\n", 2, "seniority", "'nan' is not a number"),
        ("id,volunteer\ne1,yes\ne2,maybe\n", 3, "volunteer", "'maybe' is not yes or no"),
        ("id,capacity\ne1,2.5\n", 2, "capacity", "'2.5' is not a whole number"),
        ("id,waiting_rounds\ne1,two\n", 2, "waiting_rounds", "'two' is not a whole number"),
        ("id,skils\ne1,x\n", 1, "skils", "unknown column 'skils'; known: id, name,"),
        ("id;name\ne1;x\n", 1, "id;name", "separated by ';'"),
        ("id,goals\ne1,x\n,y\n", 3, "id", "every participant needs an id"),
        ("id,timezone\ne1,Mars/Olympus\n", 2, "timezone", "unknown IANA time zone"),
        ("id,capacity\ne1,-1\n", 2, "capacity", "equal to 0 (got -1)"),
        ("id,seniority\ne1,101\n", 2, "seniority", "less than or equal to 100"),
        (f"id,attr:generation\ne1,{LONG}\n", 2, "attr:generation", "at most 500 characters"),
        (f"id,preferences\ne1,m1;{'m' * 201}\n", 2, "preferences", "item 2: String should"),
        ("id,goals\ne1,x\ne1,y\n", 3, "id", "id 'e1' is already on row 2"),
        ("id,goals,goals\ne1,x,y\n", 1, "goals", "column 'goals' already fills 'goals'"),
        ("id,attr:a,attr: a\ne1,x,y\n", 1, "attr: a", "column 'attr:a' already fills"),
        ("id,attr:\ne1,x\n", 1, "attr:", "needs a key"),
    ],
)
def test_errors_name_the_file_the_row_and_the_column(
    tmp_path: Path, text: str, row: int, column: str, says: str
) -> None:
    with pytest.raises(CsvError) as error:
        read_participants(write(tmp_path, text))
    assert (error.value.file, error.value.row, error.value.column) == ("mentees.csv", row, column)
    assert str(error.value).startswith(f"mentees.csv, row {row}, column {column!r}: ")
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("text", "row", "says"),
    [
        ("", 1, "no header row"),
        ("name,goals\nAna,x\n", 1, "no 'id' column"),
        ("id,goals\ne1,x,stray\n", 2, "'stray' is in column 3, which has no header"),
        ("id,,goals\ne1,,x\ne2,lost,y\n", 3, "'lost' is in column 2, which has no header"),
    ],
)
def test_errors_without_a_column_name_the_file_and_the_row(
    tmp_path: Path, text: str, row: int, says: str
) -> None:
    with pytest.raises(CsvError) as error:
        read_participants(write(tmp_path, text))
    assert (error.value.file, error.value.row, error.value.column) == ("mentees.csv", row, None)
    assert str(error.value) == f"mentees.csv, row {row}: " + error.value.message
    assert says in error.value.message


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mentors.csv"
    path.write_bytes("id,name\nm1,Hélène\n".encode("cp1252"))
    with pytest.raises(CsvError, match="^mentors.csv: not UTF-8 text"):
        read_participants(path)


def test_a_preference_for_someone_absent_from_the_other_file_is_located(tmp_path: Path) -> None:
    mentors = write(tmp_path, "id,preferences\nm1,e1\n", "mentors.csv")
    mentees = write(tmp_path, "id,preferences\ne1,m1\ne2,m1; m9\n", "mentees.csv")
    with pytest.raises(CsvError) as error:
        read_pool(mentors, mentees)
    assert str(error.value) == "mentees.csv, row 3, column 'preferences': unknown id 'm9'"


@pytest.mark.parametrize(
    ("renamed", "says"),
    [
        ({"skils": "Skills"}, "unknown field 'skils'; fields: id, name,"),
        ({"goals": "id"}, "fields 'id' and 'goals' share header 'id'"),
        ({"goals": "attr:goals"}, "'attr:goals' is reserved for attributes"),
        ({"goals": " "}, "field 'goals' needs a header"),
    ],
)
def test_a_bad_mapping_is_refused(renamed: dict[str, str], says: str) -> None:
    with pytest.raises(CsvError) as error:
        ColumnMapping.from_dict(renamed)
    assert str(error.value) == "column mapping: " + error.value.message
    assert says in error.value.message

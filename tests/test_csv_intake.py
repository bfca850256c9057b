"""CSV intake: survey exports read exactly, errors located by file, row and column."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from scenarios.csv_intake import ColumnMapping, CsvError, pairs_csv, read_participants, read_pool
from solver import MatchRequest, match, validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "scenarios" / "examples"


def write(tmp_path: Path, text: str, name: str = "mentees.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_the_example_csvs_hold_the_same_people_as_the_json_pool() -> None:
    pool = json.loads((EXAMPLES / "company_pool.json").read_text("utf-8"))
    mentors = read_participants(EXAMPLES / "company_mentors.csv")
    assert [m["id"] for m in mentors] == [m["id"] for m in pool["mentors"][:12]]
    for read, original in zip(mentors, pool["mentors"][:12], strict=True):
        for field in ("skills", "languages", "seniority", "timezone", "attributes", "department"):
            assert read.get(field) == original.get(field), field


def test_lists_numbers_booleans_and_attributes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,goals,seniority,volunteer,waiting_rounds,attr:generation\n"
        "e1, public speaking ;networking;; ,2.5,Oui,1,gen_z\n"
        "e2,,,no,,\n",
    )
    first, second = read_participants(path)
    assert first == {
        "id": "e1",
        "goals": ["public speaking", "networking"],
        "seniority": 2.5,
        "volunteer": True,
        "waiting_rounds": 1,
        "attributes": {"generation": "gen_z"},
    }
    assert second == {"id": "e2", "volunteer": False}


def test_a_mapping_renames_the_survey_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "Employee ID,What I want to learn\ne1,negotiation; planning\n")
    mapping = ColumnMapping.from_dict({"id": "Employee ID", "goals": "What I want to learn"})
    assert read_participants(path, mapping) == [{"id": "e1", "goals": ["negotiation", "planning"]}]


@pytest.mark.parametrize(
    ("text", "row", "column", "says"),
    [
        ("id,seniority\ne1,ten\n", 2, "seniority", "'ten' is not a number"),
        ("id,volunteer\ne1,yes\ne2,maybe\n", 3, "volunteer", "'maybe' is not yes or no"),
        ("id,capacity\ne1,2.5\n", 2, "capacity", "not a whole number"),
        ("id,skils\ne1,x\n", 1, "skils", "unknown column"),
        ("id,goals\n,x\n", 2, "id", "needs an id"),
        ("id,timezone\ne1,Mars/Olympus\n", 2, "timezone", "unknown IANA time zone"),
        ("id,capacity\ne1,-1\n", 2, "capacity", "greater than or equal to 0"),
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


def test_an_unknown_field_in_the_mapping_is_refused() -> None:
    with pytest.raises(CsvError, match="unknown field 'skils'"):
        ColumnMapping.from_dict({"skils": "Skills"})


def test_pairs_csv_lists_every_pair_and_every_unmatched_person() -> None:
    body = read_pool(EXAMPLES / "company_mentors.csv", EXAMPLES / "company_mentees.csv")
    body["program"] = {"mentor_capacity": 1}
    request = MatchRequest.model_validate(body)
    answer = match(request)
    assert validate(request, answer) == []
    rows = list(csv.DictReader(io.StringIO(pairs_csv(answer))))
    pairs = [(r["mentor"], r["mentee"], float(r["score"])) for r in rows if r["kind"] == "pair"]
    assert pairs == [(p.mentor, p.mentee, p.score) for p in answer.pairings]
    unmatched = [
        (r["mentor"] or r["mentee"], r["reason"]) for r in rows if r["kind"] == "unmatched"
    ]
    assert unmatched == [(u.id, u.reason) for u in answer.unmatched]

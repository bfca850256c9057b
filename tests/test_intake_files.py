"""intake reads files as their tools save them: encodings, separators, Excel workbooks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from intake import File, IntakeError, file_at, read_people, read_pool
from intake.text import decoded, separator
from tests.intake_files import MENTEE_ONE, MENTEE_ROWS, MENTOR_ROWS, csv_bytes, write_xlsx


def one_error(file: File | tuple[str, bytes]) -> str:
    with pytest.raises(IntakeError) as raised:
        read_people(file, "mentees")
    [error] = raised.value.errors
    return str(error)


@pytest.mark.parametrize(
    ("encoding", "delimiter", "read_as"),
    [
        ("utf-8-sig", ";", "utf-8-sig"),  # Excel "CSV UTF-8"
        ("utf-8", ",", "utf-8"),
        ("cp1252", ";", "cp1252"),  # Excel "CSV (séparateur: point-virgule)"
        ("utf-16", "\t", "utf-16"),  # Excel "Texte Unicode", a BOM and tabs
        ("utf-16-be", ";", "utf-16"),
    ],
)
def test_each_encoding_and_separator_gives_the_same_people(
    tmp_path: Path, encoding: str, delimiter: str, read_as: str
) -> None:
    content = csv_bytes(MENTEE_ROWS, delimiter, encoding)
    if encoding == "utf-16-be":
        content = b"\xfe\xff" + content
    path = tmp_path / "mentees.csv"
    path.write_bytes(content)
    assert decoded(content, "mentees.csv")[1] == read_as
    assert read_people(file_at(path), "mentees").people[0] == {
        **MENTEE_ONE,
        "preferences": ["Ines Dupont", "m2"],  # one side alone: references as written
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Identifiant;Nom;Service\r\ne1;Léa, Martin;HR\r\n", ";"),
        ('Identifiant,"Prénom; Nom","Service;Direction"\n', ","),
        ('"Nom\ncomplet";"a,b";Identifiant\ne1,x\n', ";"),
        ("Identifiant\tNom, prénom\tService\n", "\t"),
        ("Identifiant;Nom,Service\n", ";"),  # a tie: ';'
        ("\n\nIdentifiant,Nom\n", ","),
        ("Identifiant\nLéa;Martin\n", ","),  # one column; the rows do not vote
    ],
)
def test_the_separator_is_the_one_the_header_holds_most_outside_quotes(
    text: str, found: str
) -> None:
    assert separator(text) == found


def test_a_file_in_no_known_encoding_is_refused_with_what_to_do() -> None:
    message = one_error(("mentees.csv", b"id;name\r\ne1;\x81\x8d\r\n"))
    assert message == (
        "mentees.csv: is neither UTF-8, UTF-16 nor Windows-1252 text; save it as 'CSV UTF-8'"
    )


def test_utf16_without_a_mark_is_refused() -> None:
    message = one_error(("mentees.csv", "id;name\r\n".encode("utf-16-le")))
    assert message == "mentees.csv: holds NUL characters; save it as 'CSV UTF-8'"


def test_an_old_xls_workbook_is_refused() -> None:
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert one_error(("mentees.xls", content)) == (
        "mentees.xls: is an Excel 97-2003 workbook (.xls); save it as .xlsx or CSV"
    )


def test_an_empty_file_has_no_header() -> None:
    assert one_error(("mentees.csv", b"\xef\xbb\xbf\r\n;;\r\n")) == (
        "mentees.csv: is empty: no header row"
    )


def test_a_broken_workbook_is_refused() -> None:
    assert one_error(("mentees.xlsx", b"PK\x03\x04 not really")).startswith(
        "mentees.xlsx: is not a readable Excel workbook"
    )


WORKBOOK_MENTEES: list[list[Any]] = [
    [],
    [None, None],  # blank rows above the table
    ["Horodateur", "Identifiant", "Nom complet", "Adresse e-mail", "Ancienneté (années)",
     "Volontaire", "Tours d'attente", "Langues parlées", "Génération", "Commentaires"],
    [datetime(2025, 1, 6, 9, 0), 1234, "Léa Martin", "lea@example.com", 2.5, True, 1.0,
     "French; English", "gen_z", "en visio de préférence"],
    [datetime(2025, 1, 6, 9, 5), "e2", "Sam Chen", None, 4, False, 0, "fr", None, None],
]  # fmt: skip


def test_a_workbook_gives_numbers_and_booleans_as_excel_typed_them(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "pool.xlsx", {"Mentors": MENTOR_ROWS, "Mentorés": WORKBOOK_MENTEES}
    )
    people = read_people(file_at(path, sheet="Mentorés"), "mentees")
    assert people.file == "pool.xlsx, sheet 'Mentorés'"
    assert people.rows == [4, 5]
    assert people.people == [
        {"id": "1234", "name": "Léa Martin", "seniority": 2.5, "volunteer": True,
         "waiting_rounds": 1, "languages": ["fr", "en"], "attributes": {"generation": "gen_z"}},
        {"id": "e2", "name": "Sam Chen", "seniority": 4.0, "volunteer": False,
         "waiting_rounds": 0, "languages": ["fr"]},
    ]  # fmt: skip
    assert [(w.row, w.column) for w in people.warnings] == [
        (3, "Horodateur"),
        (3, "Adresse e-mail"),
        (3, "Commentaires"),
    ]


def test_the_first_sheet_is_read_unless_one_is_named(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "pool.xlsx", {"Mentors": MENTOR_ROWS, "Mentorés": WORKBOOK_MENTEES}
    )
    assert [p["id"] for p in read_people(file_at(path), "mentors").people] == ["m1", "m2"]
    assert one_error(file_at(path, sheet="Mentees")) == (
        "pool.xlsx, sheet 'Mentees': has no sheet 'Mentees'; its sheets: 'Mentors', 'Mentorés'"
    )
    assert one_error(File("x.csv", b"id\r\n", "Mentees")) == (
        "x.csv, sheet 'Mentees': is a CSV file, which has no sheet 'Mentees'"
    )


def test_excel_types_in_the_wrong_field_are_located_errors(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["Identifiant", "Ancienneté", "Capacité", "Volontaire"],
        ["e1", True, 2.5, 3],
    ]
    path = write_xlsx(tmp_path / "mentees.xlsx", {"Feuil1": rows})
    with pytest.raises(IntakeError) as raised:
        read_people(file_at(path), "mentees")
    assert [(e.row, e.column, e.value, e.msg) for e in raised.value.errors] == [
        (2, "Ancienneté", True, "True is not a number (e.g. 7 or 2,5)"),
        (2, "Capacité", 2.5, "2.5 is not a whole number (e.g. 0 or 3)"),
        (2, "Volontaire", 3, "3 is not yes or no (oui/non, yes/no, vrai/faux, 1/0, x)"),
    ]


def test_both_unreadable_files_are_reported_together() -> None:
    with pytest.raises(IntakeError) as raised:
        read_pool(("mentors.csv", b""), ("mentees.csv", b"\xff\xfe"))
    assert [str(e) for e in raised.value.errors] == [
        "mentors.csv: is empty: no header row",
        "mentees.csv: is empty: no header row",
    ]


def test_two_uploads_of_one_name_are_told_apart_by_their_side() -> None:
    with pytest.raises(IntakeError) as raised:
        read_pool(("Export.csv", b"id\r\nm1\r\n"), ("Export.csv", b"Nom\r\nx\r\n"))
    assert [e.file for e in raised.value.errors] == ["Export.csv (mentees)"]

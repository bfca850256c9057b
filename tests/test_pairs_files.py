"""Files of a re-match in: the current pairs binome wrote (xlsx or CSV, either language),
feedback as managers save it, the people leaving; every error located, all at once."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from exported import EXAMPLES, POOL, answer, request

from exports import answer_book, rematch_book, write
from intake import File, IntakeError, file_at, read_current, read_feedback, read_leaving
from solver import RematchRequest, SolveOptions, rematch


def current_of(language: str) -> list[dict[str, str]]:
    return [{"mentor": p.mentor, "mentee": p.mentee} for p in answer(language).pairings]


def workbook_file(rows: list[list[object]], name: str = "feedback.xlsx") -> File:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return File(name, out.getvalue())


def csv_file(text: str, name: str = "feedback.csv") -> File:
    return File(name, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_pairs_match_wrote_are_read_back_as_the_current_pairs(
    tmp_path: Path, language: str, suffix: str
) -> None:
    path = tmp_path / f"pairs{suffix}"
    write(path, answer_book(request(), answer(language), language), answer(language), language)
    assert read_current(file_at(path), POOL) == current_of(language)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_re_match_s_own_file_is_the_next_round_s_current_pairs(
    tmp_path: Path, suffix: str
) -> None:
    """The CSV also holds ended and unmatched rows: only its pairs are read."""
    body = {"pool": POOL, "current": current_of("fr"), "leaving": ["m0024"]}
    asked = RematchRequest.model_validate(body)
    result = rematch(asked, SolveOptions(language="fr"))
    assert result.ended
    path = tmp_path / f"next{suffix}"
    write(path, rematch_book(asked, result, "fr"), result, "fr")
    expected = [{"mentor": p.mentor, "mentee": p.mentee} for p in result.result.pairings]
    assert read_current(file_at(path), POOL) == expected


def test_current_pairs_by_hand_name_people_by_id_or_exact_name() -> None:
    file = csv_file("Mentor;Mentoré·e\nRavi Martin;omar  MARTIN\nm0021;e0077\n")
    assert read_current(file, POOL) == [
        {"mentor": "m0039", "mentee": "e0061"},
        {"mentor": "m0021", "mentee": "e0077"},
    ]


def test_where_the_file_has_id_columns_names_are_not_read() -> None:
    file = csv_file("Mentor,Mentor id,Mentee,Mentee id\nRavi Martin,Ravi Martin,x,e0061\n")
    with pytest.raises(IntakeError) as error:
        read_current(file, POOL)
    assert [str(e) for e in error.value.errors] == [
        "feedback.csv, row 2, column 'Mentor id': "
        "'Ravi Martin' is not the id of a mentor of the pool"
    ]


def test_the_example_feedback_files_hold_the_same_feedback_on_current_pairs() -> None:
    french = read_feedback(file_at(EXAMPLES / "company_feedback_fr.csv"), POOL, current_of("en"))
    english = read_feedback(file_at(EXAMPLES / "company_feedback.xlsx"), POOL, current_of("en"))
    strip = [{k: v for k, v in note.items() if k != "comment"} for note in french]
    assert strip == [{k: v for k, v in note.items() if k != "comment"} for note in english]
    assert french[0] == {
        "mentor": "m0039",
        "mentee": "e0061",
        "rating": 1,
        "end": False,
        "comment": "Nous n'avons jamais trouvé de créneau",
    }
    assert {"mentor": "m0000", "mentee": "e0059", "end": True, "by": "mentor"} in french
    assert len(french) == 6
    RematchRequest.model_validate({"pool": POOL, "current": current_of("en"), "feedback": french})


def test_five_bad_feedback_cells_are_five_located_errors_at_once() -> None:
    file = csv_file(
        "Mentor;Mentoré·e;Note (1 à 5);Fin du binôme;Commentaire\n"
        "Ravi Martin;Omar Martin;six;Non;secret words\n"  # rating
        "Ravi Martin;Omar Martin;0;peut-être;secret words\n"  # rating, end
        "Nobody;e0077;3;Non;\n"  # mentor
        "m0021;e9999;3;Non;\n"  # mentee
    )
    with pytest.raises(IntakeError) as error:
        read_feedback(file, POOL, current_of("en"))
    assert [(e.file, e.row, e.column) for e in error.value.errors] == [
        ("feedback.csv", 2, "Note (1 à 5)"),
        ("feedback.csv", 3, "Note (1 à 5)"),
        ("feedback.csv", 3, "Fin du binôme"),
        ("feedback.csv", 4, "Mentor"),
        ("feedback.csv", 5, "Mentoré·e"),
    ]
    said = str(error.value)
    assert "'six' is not a rating from 1 to 5" in said
    assert "'peut-être' is not yes or no" in said
    assert "'Nobody' is neither the id nor the name of a mentor of the pool" in said
    assert "secret" not in said  # comments are never quoted


def test_feedback_on_a_pair_that_is_not_running_is_located() -> None:
    file = workbook_file([["Mentor", "Mentee", "Rating"], ["m0021", "e0061", 4]])
    with pytest.raises(IntakeError) as error:
        read_feedback(file, POOL, current_of("en"))
    assert [str(e) for e in error.value.errors] == [
        "feedback.xlsx, row 2: 'm0021' and 'e0061' are not a current pair"
    ]


def test_the_manager_s_pairs_workbook_with_a_rating_column_is_feedback(tmp_path: Path) -> None:
    """Rows without a rating or an end give no feedback and are skipped."""
    path = tmp_path / "pairs.xlsx"
    write(path, answer_book(request(), answer("fr"), "fr"), answer("fr"), "fr")
    book = openpyxl.load_workbook(path)
    sheet = book["Binômes"]
    sheet.cell(row=1, column=sheet.max_column + 1, value="Note")
    sheet.cell(row=2, column=sheet.max_column, value=5)
    sheet.cell(row=3, column=sheet.max_column, value="2")
    book.save(path)
    pairs = answer("fr").pairings
    assert read_feedback(file_at(path), POOL, current_of("fr")) == [
        {"mentor": pairs[0].mentor, "mentee": pairs[0].mentee, "rating": 5},
        {"mentor": pairs[1].mentor, "mentee": pairs[1].mentee, "rating": 2},
    ]


def test_a_feedback_file_needs_people_and_a_rating_or_end_column() -> None:
    with pytest.raises(IntakeError) as error:
        read_feedback(csv_file("Mentor;Commentaire\nm0021;x\n"), POOL)
    assert [e.msg for e in error.value.errors] == ["no mentee column (e.g. 'Mentee' or mentee_id)"]
    with pytest.raises(IntakeError, match="needs a rating column"):
        read_feedback(csv_file("Mentor;Mentee\nm0021;e0077\n"), POOL)


def test_a_name_two_people_bear_is_refused_with_their_ids() -> None:
    with pytest.raises(IntakeError) as error:
        read_current(csv_file("Mentor;Mentee\nCamille Smith;e0077\n"), POOL)
    assert "is the name of 2 mentors (m0000, m0026): write the id" in str(error.value)


def test_who_asked_to_end_reads_french_and_english_words() -> None:
    file = csv_file("Mentor,Mentee,End,By\nm0021,e0077,oui,Mentorée\nm0039,e0061,yes,RH\n")
    notes = read_feedback(file, POOL, current_of("en"))
    assert [(n["end"], n["by"]) for n in notes] == [(True, "mentee"), (True, "manager")]


@pytest.mark.parametrize(
    "text",
    [
        "Identifiant\nm0024\ne0045\n",
        "Nom\nRavi Martin\ne0045\n",
        "m0024\ne0045\n",  # no header
    ],
)
def test_the_people_leaving_are_read_by_id_or_name(text: str) -> None:
    expected = ["m0039" if "Ravi" in text else "m0024", "e0045"]
    assert read_leaving(csv_file(text, "leaving.csv"), POOL) == expected


def test_someone_leaving_who_is_not_in_the_pool_is_located() -> None:
    with pytest.raises(IntakeError) as error:
        read_leaving(csv_file("id\nm0024\nzz\n", "leaving.csv"), POOL)
    assert [str(e) for e in error.value.errors] == [
        "leaving.csv, row 3, column 'id': 'zz' is neither the id nor the name of anyone in the pool"
    ]

"""POST /v1/export: a match request and its answer in, the file `binome match --out` writes
out (the workbook read back with openpyxl, the CSV as Excel reads it), as an attachment;
refusals located; nothing solved. In process."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.main import app
from api.settings import Settings
from exports import answer_book, file_bytes
from tests.exported import POOL, answer, names, request

client = TestClient(app)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body(fmt: str, language: str = "en") -> dict[str, Any]:
    return {"format": fmt, "request": POOL, "answer": answer(language).model_dump(mode="json")}


def exported(fmt: str, language: str = "en") -> Any:
    return client.post(
        "/v1/export", json=body(fmt, language), headers={"Accept-Language": language}
    )


def test_the_workbook_is_the_cli_s_with_names_and_percent_scores() -> None:
    response = exported("xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == 'attachment; filename="binome-pairs.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Pairs", "Unmatched", "Summary"]
    pairs = book["Pairs"]
    top = [cell.value for cell in pairs[1]]
    assert top[:8] == [
        "Rank", "Mentor", "Mentor id", "Mentor department",
        "Mentee", "Mentee id", "Mentee department", "Score",
    ]  # fmt: skip
    first = answer("en").pairings[0]
    row = [cell.value for cell in pairs[2]]
    assert row[1:3] == [names()[first.mentor], first.mentor]
    assert row[4:6] == [names()[first.mentee], first.mentee]
    assert pairs.cell(2, 8).value == pytest.approx(first.score)
    assert pairs.cell(2, 8).number_format == "0.0%"
    assert [len(list(book[name].rows)) for name in book.sheetnames[:2]] == [
        1 + len(answer("en").pairings),
        1 + len(answer("en").unmatched),
    ]


def test_the_french_csv_is_excel_s_with_semicolons_and_a_bom() -> None:
    response = exported("csv", "fr")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="binome-pairs.csv"'
    assert response.headers["content-language"] == "fr"
    expected = file_bytes(Path("p.csv"), answer_book(request(), answer("fr"), "fr"), None, "fr")
    assert response.content == expected
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content[len(codecs.BOM_UTF8) :].decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert {row["Identifiant mentoré·e"] for row in rows if row["Identifiant mentoré·e"]} >= {
        pair.mentee for pair in answer("fr").pairings
    }


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (lambda b: b.update(format="pdf"), ["body", "format"]),
        (lambda b: b["request"].pop("mentors"), ["body", "request", "mentors"]),
        (lambda b: b["answer"].pop("pairings"), ["body", "answer", "pairings"]),
        (lambda b: b["answer"]["pairings"][0].update(mentor="nobody"),
         ["body", "answer", "pairings", 0, "mentor"]),
        (lambda b: b.update(extra=1), ["body", "extra"]),
        (lambda b: b["answer"]["metrics"].update(matched_mentees=1.0),
         ["body", "answer", "metrics", "matched_mentees"]),
    ],
)  # fmt: skip
def test_a_refused_export_is_a_located_problem(change: Any, loc: list[Any]) -> None:
    sent = body("xlsx")
    sent["request"] = {**sent["request"]}
    change(sent)
    response = client.post("/v1/export", json=sent)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert loc in [error["loc"] for error in response.json()["errors"]]


def test_an_export_beyond_the_participant_limit_is_a_413() -> None:
    small = TestClient(create_app(Settings(max_participants=10)))
    response = small.post("/v1/export", json=body("csv"))
    assert response.status_code == 413
    assert response.json()["detail"] == "120 participants; this service takes at most 10"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_numbers_past_the_decimal_context_are_written_not_a_500(fmt: str, language: str) -> None:
    """Babel rounds in a 28-digit decimal context: a gap of 1e25 (or 1e300) overflowed it at
    one decimal place and the export answered 500. Every finite number is written."""
    for huge in (1e25, 1e300):
        sent = body(fmt, language)
        sent["answer"].update(status="feasible", gap=huge)
        response = client.post("/v1/export", json=sent, headers={"Accept-Language": language})
        assert response.status_code == 200, response.text
        assert len(response.content) > 100


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_babel_writer_takes_any_finite_float(language: str) -> None:
    from exports.numbers import shown
    from exports.tables import Number
    from intake.issues import shown as quoted
    from solver.messages.formats import Decimal, Percent, formatted

    for value in (1e25, -1.7e308, 1.7e308):
        for kind in ("whole", "percent", "decimal"):
            assert any(c.isdigit() for c in shown(Number(value, kind), language))
        assert quoted(value, language).replace("\u202f", "").replace("\xa0", "")[:2] in {
            "10", "-1", "17"
        }  # fmt: skip
        assert formatted(Decimal(value), language, {}).strip("-\u2212")[:1] == "1"
        assert formatted(Percent(value), language, {})[:1] in {"1", "-", "\u2212"}

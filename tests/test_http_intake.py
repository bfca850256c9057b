"""POST /v1/intake: the survey files a manager has (French Excel CSVs, cp1252, workbooks) in,
the pool /v1/match takes out; every error located at once; limits as for the other routes."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from intake.examples import EXAMPLES
from solver import MatchRequest

POOL = json.loads((EXAMPLES / "company_pool.json").read_text("utf-8"))
CSV = {
    "utf-8": ("company_mentors_fr.csv", "company_mentees_fr.csv"),
    "cp1252": ("company_mentors_fr_cp1252.csv", "company_mentees_fr_cp1252.csv"),
}
XLSX = (EXAMPLES / "company_pool_fr.xlsx").read_bytes()


def client(**settings: Any) -> TestClient:
    return TestClient(create_app(Settings(**settings)))


def csv_files(kind: str) -> dict[str, Any]:
    mentors, mentees = CSV[kind]
    return {
        "mentors": (mentors, (EXAMPLES / mentors).read_bytes(), "text/csv"),
        "mentees": (mentees, (EXAMPLES / mentees).read_bytes(), "text/csv"),
    }


def workbook_files() -> dict[str, Any]:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {side: ("pool.xlsx", XLSX, kind) for side in ("mentors", "mentees")}


SHEETS = {"mentors_sheet": "Mentors", "mentees_sheet": "Mentorés"}


def same_pool(found: dict[str, Any]) -> None:
    """The pool read is the bundled JSON example's, participant by participant."""
    read = MatchRequest.model_validate({**found, "program": {}})
    expected = MatchRequest.model_validate(POOL)
    for side in ("mentors", "mentees"):
        assert getattr(read, side) == getattr(expected, side)


@pytest.mark.parametrize("kind", ["utf-8", "cp1252", "xlsx"])
def test_each_example_gives_the_json_pool_and_matches(kind: str) -> None:
    files, data = (workbook_files(), SHEETS) if kind == "xlsx" else (csv_files(kind), {})
    service = client()
    response = service.post("/v1/intake", files=files, data=data)
    assert response.status_code == 200, response.text
    answer = response.json()
    same_pool(answer["pool"])
    assert sorted({w["column"] for w in answer["warnings"]}) == [
        "Adresse e-mail",
        "Commentaires",
        "Horodateur",
    ]
    assert set(answer["columns"]) == {files["mentors"][0], files["mentees"][0]} or kind == "xlsx"
    assert all(answer["columns"].values())
    match = service.post("/v1/match", json={**answer["pool"], "program": POOL["program"]})
    assert match.status_code == 200 and match.json()["pairings"]


def bad_mentees() -> bytes:
    """Five bad cells in three rows of a French CSV (a language binome does not know is
    kept as written, not an error)."""
    rows = [
        "Identifiant;Prénom Nom;Ancienneté (années);Volontaire;Langues parlées;Fuseau horaire",
        "e1;Léa Bernard;dix;peut-être;français;Europe/Paris",
        "e2;Noé Roux;3;oui;klingon;Mars/Olympus",
        "e1;Ana Diaz;-4;non;anglais;Europe/Madrid",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")


def test_five_bad_cells_get_five_located_errors_in_one_answer() -> None:
    mentors = "Identifiant;Prénom Nom\r\nm1;Claire Martin\r\n".encode()
    files = {
        "mentors": ("mentors.csv", mentors, "text/csv"),
        "mentees": ("inscrits.csv", bad_mentees(), "text/csv"),
    }
    response = client().post("/v1/intake", files=files)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert len(errors) == 5, errors
    assert {e["file"] for e in errors} == {"inscrits.csv"}
    assert all(e["loc"] == ["body", "mentees"] for e in errors)
    where = sorted((e["row"], e["column"]) for e in errors)
    assert where == [
        (2, "Ancienneté (années)"),
        (2, "Volontaire"),
        (3, "Fuseau horaire"),
        (4, "Ancienneté (années)"),
        (4, "Identifiant"),
    ]
    assert all(e["msg"] for e in errors)
    assert {e["value"] for e in errors} >= {"dix", "peut-être", "Mars/Olympus", "e1"}


def test_the_mapping_overrides_the_guesses() -> None:
    rows = "Code;Nom complet;Années\r\ne1;Léa Bernard;7\r\n"
    mentors = "Code;Nom complet\r\nm1;Claire Martin\r\n"
    files = {
        "mentors": ("mentors.csv", mentors.encode(), "text/csv"),
        "mentees": ("mentees.csv", rows.encode(), "text/csv"),
    }
    columns = json.dumps({"id": "Code", "name": "Nom complet", "seniority": "Années"})
    response = client().post("/v1/intake", files=files, data={"columns": columns})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["pool"]["mentees"] == [{"id": "e1", "name": "Léa Bernard", "seniority": 7.0}]
    assert answer["columns"]["mentees.csv"]["seniority"] == "Années"


@pytest.mark.parametrize(
    ("data", "files", "loc"),
    [
        ({}, ["mentors"], ["body", "mentees"]),
        ({"columns": "{not json"}, ["mentors", "mentees"], ["body", "columns"]),
        ({"columns": '["id"]'}, ["mentors", "mentees"], ["body", "columns"]),
        ({"program": "{}"}, ["mentors", "mentees"], ["body", "program"]),
    ],
)
def test_a_form_that_is_not_the_endpoint_s_is_located(
    data: dict[str, str], files: list[str], loc: list[str]
) -> None:
    sent = {side: csv_files("utf-8")[side] for side in files}
    response = client().post("/v1/intake", files=sent, data=data)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [loc]


def test_a_file_sent_as_text_is_refused() -> None:
    response = client().post(
        "/v1/intake", files={"mentees": csv_files("utf-8")["mentees"]}, data={"mentors": "m1"}
    )
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["errors"]} == {("body", "mentors")}


def test_json_is_not_a_form() -> None:
    response = client().post("/v1/intake", json=POOL)
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]


def test_a_form_cut_short_is_a_400() -> None:
    body = b'--b\r\nContent-Disposition: form-data; name="mentors"; filename="a.csv"\r\n\r\nid\r\n'
    response = client().post(
        "/v1/intake", content=body, headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert response.status_code == 400
    assert "cut short" in response.json()["detail"]
    assert response.headers["content-type"] == "application/problem+json"


def zip_bomb(unpacked: int) -> bytes:
    """A workbook-shaped zip whose sheet unpacks to `unpacked` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * unpacked)
    return out.getvalue()


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_read() -> None:
    bomb = zip_bomb(8 * 2**20)
    assert len(bomb) < 20_000
    files = {**csv_files("utf-8"), "mentees": ("pool.xlsx", bomb, "application/zip")}
    response = client(max_unpacked_bytes=2**20).post("/v1/intake", files=files)
    assert response.status_code == 413
    assert "BINOME_MAX_UNPACKED_BYTES" in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == ["body", "mentees"]


def test_more_participants_than_the_service_takes_is_a_413() -> None:
    response = client(max_participants=10).post("/v1/intake", files=csv_files("utf-8"))
    assert response.status_code == 413
    assert "at most 10" in response.json()["detail"]


def test_without_the_api_key_nothing_is_read() -> None:
    response = client(api_keys="k1-0123456789abcdef").post("/v1/intake", files=csv_files("utf-8"))
    assert response.status_code == 401
    ok = client(api_keys="k1-0123456789abcdef").post(
        "/v1/intake",
        files=csv_files("utf-8"),
        headers={"Authorization": "Bearer k1-0123456789abcdef"},
    )
    assert ok.status_code == 200


def test_a_body_beyond_the_limit_is_a_413() -> None:
    response = client(max_body_bytes=4096).post("/v1/intake", files=csv_files("utf-8"))
    assert response.status_code == 413


def test_a_workbook_written_by_openpyxl_with_one_sheet_per_side() -> None:
    book = openpyxl.Workbook()
    mentors = book.active
    mentors.title = "Mentors"
    mentors.append(["Identifiant", "Prénom Nom", "Compétences", "Courriel"])
    mentors.append(["m1", "Claire Martin", "python; cloud", "c@example.org"])
    mentees = book.create_sheet("Mentorés")
    mentees.append(["Identifiant", "Prénom Nom", "Objectifs", "Ancienneté (années)"])
    mentees.append(["e1", "Léa Bernard", "python", 2.5])
    out = io.BytesIO()
    book.save(out)
    files = {
        side: ("export.xlsx", out.getvalue(), "application/zip") for side in ("mentors", "mentees")
    }
    response = client().post("/v1/intake", files=files, data=SHEETS)
    assert response.status_code == 200, response.text
    pool = response.json()["pool"]
    assert pool["mentors"] == [{"id": "m1", "name": "Claire Martin", "skills": ["python", "cloud"]}]
    assert pool["mentees"] == [
        {"id": "e1", "name": "Léa Bernard", "goals": ["python"], "seniority": 2.5}
    ]
    assert [w["column"] for w in response.json()["warnings"]] == ["Courriel"]


def test_the_openapi_shows_the_form() -> None:
    schema = client().get("/openapi.json").json()
    form = schema["paths"]["/v1/intake"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert form["schema"]["required"] == ["mentors", "mentees"]


def test_errors_come_in_the_caller_s_language_at_the_field_of_their_file() -> None:
    book = openpyxl.Workbook()
    mentors = book.active
    mentors.title = "Mentors"
    mentors.append(["Identifiant", "Prénom Nom"])
    mentors.append(["m1", "Claire Martin"])
    mentees = book.create_sheet("Mentorés")
    mentees.append(["Identifiant", "Prénom Nom", "Ancienneté (années)"])
    mentees.append(["e1", "Léa Bernard", "dix"])
    out = io.BytesIO()
    book.save(out)
    files = {
        side: ("export.xlsx", out.getvalue(), "application/zip") for side in ("mentors", "mentees")
    }
    for language, fragment in (("fr", "n'est pas un nombre"), ("en", "is not a number")):
        response = client().post(
            "/v1/intake", files=files, data=SHEETS, headers={"Accept-Language": language}
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert error["loc"] == ["body", "mentees"]
        assert error["row"] == 2 and error["value"] == "dix"
        assert fragment in error["msg"]

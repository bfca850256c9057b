"""POST /v1/intake/rematch: the manager's files of a re-match (the pairs binome wrote, the
feedback file, the people leaving) and the pool in; the lists POST /v1/rematch takes out,
comments left out; every error of every file located at once. In process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import app
from exports import answer_book, file_bytes
from tests.exported import EXAMPLES, POOL, answer, request

client = TestClient(app)
FEEDBACK = (EXAMPLES / "company_feedback_fr.csv").read_bytes()
POOL_FIELD = json.dumps({"mentors": POOL["mentors"], "mentees": POOL["mentees"]})


def pairs_file(suffix: str, language: str = "fr") -> bytes:
    book = answer_book(request(), answer(language), language)
    return file_bytes(Path(f"pairs{suffix}"), book, answer(language), language)


def current_pairs() -> list[dict[str, str]]:
    return [{"mentor": p.mentor, "mentee": p.mentee} for p in answer("fr").pairings]


def posted(files: dict[str, Any], pool: str = POOL_FIELD) -> Any:
    return client.post("/v1/intake/rematch", files=files, data={"pool": pool})


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_files_give_the_lists_of_a_rematch_request_without_comments(suffix: str) -> None:
    files = {
        "current": (f"binome-pairs{suffix}", pairs_file(suffix)),
        "feedback": ("company_feedback_fr.csv", FEEDBACK),
        "leaving": ("leaving.csv", b"Identifiant\r\nm0024\r\n"),
    }
    response = posted(files)
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["current"] == current_pairs()
    assert found["leaving"] == ["m0024"]
    assert {"mentor": "m0039", "mentee": "e0061", "rating": 1, "end": False} in found["feedback"]
    assert not [note for note in found["feedback"] if "comment" in note]
    assert "jamais" not in response.text and "merci" not in response.text
    rematched = client.post("/v1/rematch", json={"pool": POOL, **found})
    assert rematched.status_code == 200
    assert ("e0061", "low_rating") in {
        (n["mentee"], n["reason"]) for n in rematched.json()["ended"]
    }


def test_without_the_current_pairs_the_feedback_is_read_alone() -> None:
    response = posted({"feedback": ("feedback.csv", FEEDBACK)})
    assert response.status_code == 200
    assert response.json()["current"] == [] and response.json()["leaving"] == []
    assert len(response.json()["feedback"]) >= 3


def test_every_error_of_every_file_is_located_at_once() -> None:
    files = {
        "current": ("pairs.csv", b"Mentor;Mentee\r\nm0021;e0077\r\nm9999;e0061\r\n"),
        "feedback": ("feedback.csv", b"Mentor;Mentee;Note\r\nm0021;e0077;dix\r\n"),
        "leaving": ("leaving.csv", b"id\r\nnobody\r\n"),
    }
    response = posted(files)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    by_field = {(e["loc"][1], e["row"]) for e in errors}
    assert {("current", 3), ("feedback", 2), ("leaving", 2)} <= by_field
    assert all(e["file"] and e["msg"] for e in errors)


@pytest.mark.parametrize(
    ("files", "pool", "loc"),
    [
        ({}, POOL_FIELD, ["body", "feedback"]),
        ({"feedback": ("f.csv", FEEDBACK)}, "not json", ["body", "pool"]),
        ({"feedback": ("f.csv", FEEDBACK)}, '{"mentors": [{"id": 1}], "mentees": []}',
         ["body", "pool", "mentors", 0, "id"]),
        ({"feedback": ("f.csv", FEEDBACK), "pairs": ("p.csv", b"x")}, POOL_FIELD,
         ["body", "pairs"]),
    ],
)  # fmt: skip
def test_a_form_that_is_not_the_endpoint_s_is_located(
    files: dict[str, Any], pool: str, loc: list[Any]
) -> None:
    response = (
        posted(files, pool)
        if files
        else client.post("/v1/intake/rematch", files={"pool": (None, pool)})
    )
    assert response.status_code == 422, response.text
    assert loc in [error["loc"] for error in response.json()["errors"]]


def test_a_body_that_is_not_a_form_is_a_415_naming_the_fields() -> None:
    response = client.post("/v1/intake/rematch", json={"feedback": []})
    assert response.status_code == 415
    assert "'feedback'" in response.json()["detail"] and "'pool'" in response.json()["detail"]

"""A re-match's lists are checked in linear work: `leaving` is capped, an id listed twice is
refused naming it, and ids are looked up in a set built once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import app
from bench.proportion import leaving
from solver.contract.rematch import MAX_LEAVING, RematchRequest
from solver.rematch import reference_errors

client = TestClient(app)


def test_an_id_listed_twice_in_leaving_is_refused_naming_it() -> None:
    """50,000 copies of one id held a solver slot 30 s: now a 422 before any work."""
    response = client.post("/v1/rematch", json=leaving(copies=50_000, mentees=30, mentors=10))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "leaving"]
    assert "'e0001' is listed twice" in error["msg"]


def test_leaving_is_capped() -> None:
    body = leaving(copies=0, mentees=3, mentors=2)
    body["leaving"] = [f"x{k}" for k in range(MAX_LEAVING + 1)]
    response = client.post("/v1/rematch", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "leaving"]


def test_unknown_leaving_ids_are_each_named() -> None:
    body = leaving(copies=0, mentees=30, mentors=10)
    body["leaving"] = ["e0001", "gone", "m0002", "lost"]
    errors = reference_errors(RematchRequest.model_validate(body))
    assert errors == [(("leaving", 1), "unknown id 'gone'"), (("leaving", 3), "unknown id 'lost'")]

"""Every bad input is a 4xx problem+json naming the field; valid requests that cannot hold are
a 200 `infeasible` with conflicts; no input at all produces a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from api.main import app
from solver import MatchRequest, MatchResponse, validate
from tests.pools import pools, random_pool

client = TestClient(app)


def pool(**program: Any) -> dict[str, Any]:
    return {
        "mentors": [{"id": "m1", "languages": ["en"]}],
        "mentees": [{"id": "e1", "languages": ["en"]}, {"id": "e2"}],
        "program": program,
    }


REFUSED = [
    ({"mentors": [{"id": "m1"}, {"id": "m1"}], "mentees": []}, ["mentors", 1, "id"], "duplicate"),
    ({"mentors": [], "mentees": [{"id": "e1"}, {"id": "e1"}]}, ["mentees", 1, "id"], "duplicate"),
    (pool(pinned=[{"mentor": "mX", "mentee": "e1"}]), ["program", "pinned", 0, "mentor"], "mX"),
    (pool(pinned=[{"mentor": "m1", "mentee": "eX"}]), ["program", "pinned", 0, "mentee"], "eX"),
    (
        pool(forbidden=[{"mentor": "m1", "mentee": "eX"}]),
        ["program", "forbidden", 0, "mentee"],
        "eX",
    ),
    (
        {"mentors": [{"id": "m1"}], "mentees": [{"id": "e1", "preferences": ["mX"]}]},
        ["mentees", 0, "preferences", 0],
        "mX",
    ),
    (
        {"mentors": [{"id": "m1", "avoid": ["eX"]}], "mentees": [{"id": "e1"}]},
        ["mentors", 0, "avoid", 0],
        "eX",
    ),
    (
        pool(scores=[{"mentor": "m1", "mentee": "eX", "score": 0.5}]),
        ["program", "scores", 0, "mentee"],
        "eX",
    ),
    (
        pool(scores=[{"mentor": "m1", "mentee": "e1", "score": 1.5e12}]),
        ["program", "scores", 0, "score"],
        "less than or equal to 1000000000000",
    ),
    ({"mentors": [{"id": "m1", "capacity": -1}], "mentees": []}, ["mentors", 0, "capacity"], "0"),
    (pool(mentor_capacity=-2), ["program", "mentor_capacity"], "greater than or equal to 0"),
    (pool(engine="gurobi"), ["program", "engine"], "'cpsat'"),
    (pool(weights={"charisma": 1}), ["program", "weights", "charisma", "[key]"], "'goals'"),
    (pool(weights={"goals": -1}), ["program", "weights", "goals"], "greater than or equal to 0"),
    ({"mentors": [{"id": "m1", "skils": ["x"]}], "mentees": []}, ["mentors", 0, "skils"], "Extra"),
    (
        {"mentors": [{"id": "m1", "timezone": "Mars/Olympus"}], "mentees": []},
        ["mentors", 0, "timezone"],
        "Mars/Olympus",
    ),
    (
        pool(diversity={"cross": {"shoe_size": 0.5}}),
        ["program", "diversity", "cross", "shoe_size"],
        "shoe_size",
    ),
    (
        pool(engine="flow", diversity={"cross": {"department": 0.5}}),
        ["program", "engine"],
        "diversity.cross",
    ),
    (pool(engine="flow", stable=True), ["program", "engine"], "stable"),
    (pool(engine="flow", format="group"), ["program", "engine"], "group.min_size"),
    ({"mentors": [{"name": "x"}], "mentees": []}, ["mentors", 0, "id"], "required"),
    ({"mentees": []}, ["mentors"], "required"),
    (pool(time_limit_s=0), ["program", "time_limit_s"], "greater than 0"),
    (pool(suggestions=-1), ["program", "suggestions"], "greater than or equal to 0"),
]


@pytest.mark.parametrize(("body", "loc", "says"), REFUSED, ids=[str(r[1]) for r in REFUSED])
def test_bad_input_is_a_422_problem_naming_the_field(
    body: dict[str, Any], loc: list[Any], says: str
) -> None:
    response = client.post("/v1/match", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] and problem["detail"]
    named = [e for e in problem["errors"] if e["loc"] == ["body", *loc]]
    assert named, problem["errors"]
    assert says in named[0]["msg"]


@pytest.mark.parametrize(
    ("raw", "status", "loc"),
    [
        (b"{not json", 400, ["body"]),
        (b'{"mentors": [], "mentees": [], "program": {"time_limit_s": NaN}}', 422, None),
        (b'{"mentors": [], "mentees": [], "program": {"seed": Infinity}}', 422, None),
        (b"[1, 2]", 422, ["body"]),
        (b"", 422, ["body"]),
    ],
)
def test_raw_bodies_are_refused_with_a_problem(raw: bytes, status: int, loc: Any) -> None:
    response = client.post("/v1/match", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors and (loc is None or errors[0]["loc"] == loc)
    assert "Traceback" not in response.text


def test_nan_is_refused_at_the_field_it_sits_in() -> None:
    raw = b'{"mentors": [], "mentees": [], "program": {"time_limit_s": NaN}}'
    response = client.post("/v1/match", content=raw, headers={"content-type": "application/json"})
    assert response.json()["errors"][0]["loc"] == ["body", "program", "time_limit_s"]


def test_unknown_routes_and_methods_are_problems_too() -> None:
    missing = client.get("/v1/nothing")
    wrong_method = client.get("/v1/match")
    assert (missing.status_code, wrong_method.status_code) == (404, 405)
    for response in (missing, wrong_method):
        assert response.headers["content-type"] == "application/problem+json"


INFEASIBLE: dict[str, tuple[dict[str, Any], str]] = {
    "pins beyond capacity": (
        {
            "mentors": [{"id": "m1", "capacity": 1}],
            "mentees": [{"id": "e1"}, {"id": "e2"}],
            "program": {
                "pinned": [{"mentor": "m1", "mentee": "e1"}, {"mentor": "m1", "mentee": "e2"}]
            },
        },
        "capacity",
    ),
    "a pinned pair a rule forbids": (
        {
            "mentors": [{"id": "m1", "languages": ["fr"]}],
            "mentees": [{"id": "e1", "languages": ["en"]}],
            "program": {"pinned": [{"mentor": "m1", "mentee": "e1"}]},
        },
        "no common language",
    ),
    "too few places for match_all_mentees": (
        {
            "mentors": [{"id": "m1", "capacity": 1}],
            "mentees": [{"id": "e1"}, {"id": "e2"}],
            "program": {"rules": {"match_all_mentees": True}},
        },
        "match_all_mentees",
    ),
}


@pytest.mark.parametrize("case", sorted(INFEASIBLE))
def test_a_request_that_cannot_hold_is_a_200_naming_the_conflict(case: str) -> None:
    body, rule = INFEASIBLE[case]
    response = client.post("/v1/match", json=body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["status"] == "infeasible" and answer["pairings"] == []
    assert answer["conflicts"] and all(c["detail"] for c in answer["conflicts"])
    assert any(rule in c["rule"] or rule in c["detail"] for c in answer["conflicts"])
    everyone = {p["id"] for p in body["mentors"] + body["mentees"]}
    assert {u["id"] for u in answer["unmatched"]} == everyone
    assert {u["reason"] for u in answer["unmatched"]} == {"infeasible"}
    assert validate(MatchRequest.model_validate(body), MatchResponse(**answer)) == []


def test_french_on_request_english_by_default() -> None:
    body = {
        "mentors": [{"id": "m1", "skills": ["leadership"], "languages": ["fr"]}],
        "mentees": [{"id": "e1", "goals": ["leadership"], "languages": ["fr"]}],
    }
    english = client.post("/v1/match", json=body)
    french = client.post("/v1/match", json=body, headers={"Accept-Language": "fr-FR, en;q=0.5"})
    assert english.headers["content-language"] == "en"
    assert french.headers["content-language"] == "fr"
    assert english.json()["pairings"][0]["explanation"].startswith("m1 mentors e1")
    assert french.json()["pairings"][0]["explanation"].startswith("m1 accompagne e1")
    assert (
        "couvre 1 objectif sur 1\u00a0: leadership" in french.json()["pairings"][0]["explanation"]
    )


def test_health_and_documentation() -> None:
    assert client.get("/healthz").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/v1/match" in spec["paths"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("seed", range(3))
def test_every_engine_gives_the_same_optimum_over_http(seed: int) -> None:
    body = random_pool(seed, n_mentees=8, n_mentors=4, mentor_capacity=2)
    objectives = set()
    for engine in ("flow", "cpsat", "mip"):
        answer = client.post("/v1/match", json={**body, "program": {"engine": engine}}).json()
        assert answer["status"] == "optimal" and answer["engine"] == engine
        objectives.add(round(answer["objective"], 5))
    assert len(objectives) == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools)
def test_valid_pools_get_a_valid_answer_over_http(body: dict[str, Any]) -> None:
    response = client.post("/v1/match", json=body)
    assert response.status_code == 200
    request, answer = MatchRequest.model_validate(body), MatchResponse(**response.json())
    assert validate(request, answer) == []

"""POST /v1/match over HTTP: refusals as problem+json, infeasible answers, languages, fuzzing."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.main import app
from api.settings import Settings
from solver import MatchRequest, MatchResponse, validate
from tests.pools import pools, random_pool

client = TestClient(app)
PROBLEM_JSON = "application/problem+json"


def small_pool() -> dict[str, Any]:
    """Two mentors and two mentees who all share a language: feasible as it stands."""
    return {
        "mentors": [
            {"id": "m1", "languages": ["en"], "capacity": 1},
            {"id": "m2", "languages": ["en"]},
        ],
        "mentees": [{"id": "e1", "languages": ["en"]}, {"id": "e2", "languages": ["en"]}],
        "program": {},
    }


def post(body: Any, **headers: str) -> Any:
    return client.post("/v1/match", json=body, headers=headers)


def refused(response: Any, status: int = 422) -> list[dict[str, Any]]:
    """The problem document's errors, after checking the status and media type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == status
    assert problem["errors"]
    return list(problem["errors"])


def locs(response: Any, status: int = 422) -> list[list[str | int]]:
    return [error["loc"] for error in refused(response, status)]


# --- 400 -------------------------------------------------------------------------------------


def test_malformed_json_is_400_problem_json() -> None:
    response = client.post(
        "/v1/match", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert locs(response, 400) == [["body"]]
    assert response.json()["title"] == "Malformed JSON"
    assert "not valid JSON" in response.json()["detail"]


def test_an_empty_body_is_422_at_body() -> None:
    response = client.post("/v1/match", content=b"", headers={"content-type": "application/json"})
    assert locs(response) == [["body"]]


@pytest.mark.parametrize("raw", [b"null", b"[]", b"42", b'"pool"'])
def test_a_body_that_is_not_an_object_is_422_at_body(raw: bytes) -> None:
    response = client.post("/v1/match", content=raw, headers={"content-type": "application/json"})
    assert locs(response) == [["body"]]


def test_a_missing_list_is_422_at_that_list() -> None:
    assert locs(post({"mentees": []})) == [["body", "mentors"]]
    assert locs(post({"mentors": []})) == [["body", "mentees"]]


def test_more_participants_than_allowed_is_413() -> None:
    limit = Settings().max_participants  # the default takes a 100,000 x 34,000 pool
    assert limit >= 134_000
    half = (limit + 1) // 2
    body = {
        "mentors": [{"id": f"m{i}"} for i in range(limit + 1 - half)],
        "mentees": [{"id": f"e{i}"} for i in range(half)],
    }
    errors = refused(post(body), 413)
    assert [e["loc"] for e in errors] == [["body", "mentees"]]
    assert str(limit + 1) in errors[0]["msg"]


def test_a_body_over_the_byte_limit_is_413() -> None:
    limit = Settings().max_body_bytes  # the default takes a 14.4 M pair score matrix
    assert limit >= 100_000_000
    response = client.post(
        "/v1/match", content=b" " * (limit + 1), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    assert str(limit) in response.json()["detail"]


def test_an_unknown_route_and_a_wrong_method_are_problem_json() -> None:
    for response, status in ((client.get("/v1/nope"), 404), (client.get("/v1/match"), 405)):
        assert response.status_code == status
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["status"] == status


# --- 422: cross-field references -------------------------------------------------------------


def test_duplicate_mentee_id_is_422_at_the_second_id() -> None:
    body = small_pool()
    body["mentees"][1]["id"] = "e1"
    errors = refused(post(body))
    assert errors == [{"loc": ["body", "mentees", 1, "id"], "msg": "duplicate id 'e1' in mentees"}]


def test_duplicate_mentor_id_is_422_at_the_second_id() -> None:
    body = small_pool()
    body["mentors"][1]["id"] = "m1"
    errors = refused(post(body))
    assert errors == [{"loc": ["body", "mentors", 1, "id"], "msg": "duplicate id 'm1' in mentors"}]


def test_unknown_mentor_in_a_pin_is_422() -> None:
    body = small_pool()
    body["program"]["pinned"] = [{"mentor": "mX", "mentee": "e1"}]
    errors = refused(post(body))
    assert errors == [
        {"loc": ["body", "program", "pinned", 0, "mentor"], "msg": "unknown mentor 'mX'"}
    ]


def test_unknown_mentee_in_a_pin_is_422() -> None:
    body = small_pool()
    body["program"]["pinned"] = [{"mentor": "m1", "mentee": "eX"}]
    errors = refused(post(body))
    assert errors == [
        {"loc": ["body", "program", "pinned", 0, "mentee"], "msg": "unknown mentee 'eX'"}
    ]


def test_unknown_id_in_a_forbidden_pair_is_422() -> None:
    body = small_pool()
    body["program"]["forbidden"] = [
        {"mentor": "m1", "mentee": "e1"},
        {"mentor": "mX", "mentee": "e2"},
    ]
    assert locs(post(body)) == [["body", "program", "forbidden", 1, "mentor"]]


def test_unknown_id_in_preferences_is_422() -> None:
    body = small_pool()
    body["mentees"][1]["preferences"] = ["m1", "zz"]
    errors = refused(post(body))
    assert errors == [{"loc": ["body", "mentees", 1, "preferences", 1], "msg": "unknown id 'zz'"}]


def test_unknown_id_in_avoid_is_422() -> None:
    body = small_pool()
    body["mentors"][0]["avoid"] = ["zz"]
    errors = refused(post(body))
    assert errors == [{"loc": ["body", "mentors", 0, "avoid", 0], "msg": "unknown id 'zz'"}]


def test_a_mentee_id_in_a_mentees_avoid_list_is_422() -> None:
    body = small_pool()
    body["mentees"][0]["avoid"] = ["e2"]  # mentees avoid mentors, not other mentees
    assert locs(post(body)) == [["body", "mentees", 0, "avoid", 0]]


def test_unknown_id_in_scores_is_422() -> None:
    body = small_pool()
    body["program"]["scores"] = [{"mentor": "mX", "mentee": "e1", "score": 0.5}]
    errors = refused(post(body))
    assert errors == [
        {"loc": ["body", "program", "scores", 0, "mentor"], "msg": "unknown mentor 'mX'"}
    ]


def test_unknown_diversity_attribute_is_422() -> None:
    body = small_pool()
    body["program"]["diversity"] = {"cross": {"zodiac": 0.5}}
    errors = refused(post(body))
    assert errors == [
        {
            "loc": ["body", "program", "diversity", "cross", "zodiac"],
            "msg": "unknown attribute 'zodiac': no participant has it",
        }
    ]


def test_a_pin_listed_twice_is_422_at_the_second() -> None:
    body = small_pool()
    body["program"]["pinned"] = [{"mentor": "m1", "mentee": "e1"}] * 2
    errors = refused(post(body))
    assert errors == [
        {"loc": ["body", "program", "pinned", 1], "msg": "pair ('m1', 'e1') listed twice"}
    ]


# --- 422: field values -----------------------------------------------------------------------


def test_caller_scores_outside_zero_one_are_read_in_the_callers_units() -> None:
    body = small_pool()
    body["program"]["scores"] = [
        {"mentor": "m1", "mentee": "e1", "score": 1.5},
        {"mentor": "m2", "mentee": "e2", "score": -0.1},
    ]
    answer = post(body)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert {(p["mentor"], p["score"]) for p in found["pairings"]} == {("m1", 1.5), ("m2", -0.1)}
    assert found["objective"] == 1.4
    assert found["metrics"]["score_range"] == {"min": -0.1, "max": 1.5}


def test_a_score_beyond_the_limit_is_422() -> None:
    body = small_pool()
    body["program"]["scores"] = [{"mentor": "m1", "mentee": "e1", "score": 1e13}]
    assert locs(post(body)) == [["body", "program", "scores", 0, "score"]]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_score_is_422(token: str) -> None:
    body = small_pool()
    body["program"]["scores"] = [{"mentor": "m1", "mentee": "e1", "score": 0.25}]
    raw = json.dumps(body).replace("0.25", token).encode()
    assert token.encode() in raw
    response = client.post("/v1/match", content=raw, headers={"content-type": "application/json"})
    errors = refused(response)
    assert [e["loc"] for e in errors] == [["body", "program", "scores", 0, "score"]]
    assert "finite" in errors[0]["msg"]


def test_negative_capacity_is_422() -> None:
    body = small_pool()
    body["mentors"][0]["capacity"] = -1
    assert locs(post(body)) == [["body", "mentors", 0, "capacity"]]


def test_negative_mentor_capacity_is_422() -> None:
    body = small_pool()
    body["program"]["mentor_capacity"] = -1
    assert locs(post(body)) == [["body", "program", "mentor_capacity"]]


def test_unknown_engine_is_422() -> None:
    body = small_pool()
    body["program"]["engine"] = "magic"
    errors = refused(post(body))
    assert [e["loc"] for e in errors] == [["body", "program", "engine"]]
    assert "'flow'" in errors[0]["msg"]


def test_unknown_criterion_in_weights_is_422() -> None:
    body = small_pool()
    body["program"]["weights"] = {"goals": 2, "luck": 1}
    errors = refused(post(body))
    assert [e["loc"] for e in errors] == [["body", "program", "weights", "luck", "[key]"]]
    assert "'goals'" in errors[0]["msg"]


def test_unknown_field_is_422() -> None:
    body = small_pool()
    body["mentees"][0]["shoe"] = 42
    errors = refused(post(body))
    assert errors == [
        {"loc": ["body", "mentees", 0, "shoe"], "msg": "Extra inputs are not permitted"}
    ]


def test_unknown_program_field_is_422() -> None:
    body = small_pool()
    body["program"]["rules"] = {"shared_langauge": False}
    assert locs(post(body)) == [["body", "program", "rules", "shared_langauge"]]


def test_unknown_timezone_is_422() -> None:
    body = small_pool()
    body["mentees"][0]["timezone"] = "Mars/Olympus"
    errors = refused(post(body))
    assert [e["loc"] for e in errors] == [["body", "mentees", 0, "timezone"]]
    assert "Mars/Olympus" in errors[0]["msg"]


def test_an_id_over_200_characters_is_422() -> None:
    body = small_pool()
    body["mentees"][1]["id"] = "x" * 201
    assert locs(post(body)) == [["body", "mentees", 1, "id"]]


@pytest.mark.parametrize("value", [True, "1", 1.5])
def test_capacity_must_be_a_json_integer(value: Any) -> None:
    body = small_pool()
    body["mentors"][1]["capacity"] = value
    assert locs(post(body)) == [["body", "mentors", 1, "capacity"]]


@pytest.mark.parametrize(
    ("program", "rule"),
    [
        ({"diversity": {"cross": {"department": 0.5}}}, "diversity.cross"),
        ({"stable": True}, "stable"),
        (  # one attribute is a flow, but not under the fair objective
            {"diversity": {"balance": {"department": True}}, "objective": "fair"},
            "diversity.balance",
        ),
    ],
)
def test_flow_asked_for_a_rule_it_cannot_model_is_422_at_engine(
    program: dict[str, Any], rule: str
) -> None:
    body = small_pool()
    body["program"] = {**program, "engine": "flow"}
    errors = refused(post(body))
    assert [e["loc"] for e in errors] == [["body", "program", "engine"]]
    assert rule in errors[0]["msg"]
    assert "flow" in errors[0]["msg"]


def test_mip_beyond_its_size_limit_is_422_at_engine() -> None:
    # 250 × 201 = 50,250 candidate pairs; balance is a rule the LP reduction does not handle.
    body = {
        "mentors": [
            {"id": f"m{j}", "languages": ["en"], "department": "AB"[j % 2]} for j in range(250)
        ],
        "mentees": [
            {"id": f"e{i}", "languages": ["en"], "department": "AB"[i % 2]} for i in range(201)
        ],
        "program": {"engine": "mip", "diversity": {"balance": {"department": True}}},
    }
    errors = refused(post(body))
    assert [e["loc"] for e in errors] == [["body", "program", "engine"]]
    assert "50000" in errors[0]["msg"]
    assert "50250" in errors[0]["msg"]


# --- 200 infeasible --------------------------------------------------------------------------


def infeasible(body: dict[str, Any]) -> dict[str, Any]:
    """The answer to an infeasible request: explained, nobody paired, nobody lost."""
    response = post(body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "infeasible"
    assert answer["conflicts"]
    assert answer["pairings"] == []
    everyone = {(m["id"], "mentor") for m in body["mentors"]}
    everyone |= {(e["id"], "mentee") for e in body["mentees"]}
    assert {(u["id"], u["role"]) for u in answer["unmatched"]} == everyone
    parsed = MatchResponse.model_validate(answer)
    assert validate(MatchRequest.model_validate(body), parsed) == []
    return dict(answer)


def test_two_pins_on_a_mentor_with_one_place_is_infeasible() -> None:
    body = small_pool()
    body["program"]["pinned"] = [
        {"mentor": "m1", "mentee": "e1"},
        {"mentor": "m1", "mentee": "e2"},
    ]
    (conflict,) = infeasible(body)["conflicts"]
    assert conflict["rule"] == "capacity"
    assert conflict["ids"] == ["m1"]


def test_a_pin_that_breaks_a_hard_rule_is_infeasible() -> None:
    body = small_pool()
    body["mentees"][0]["languages"] = ["fr"]
    body["program"]["pinned"] = [{"mentor": "m1", "mentee": "e1"}]
    (conflict,) = infeasible(body)["conflicts"]
    assert conflict["rule"] == "pinned"
    assert sorted(conflict["ids"]) == ["e1", "m1"]
    assert "language" in conflict["detail"]


def test_match_all_mentees_with_too_few_places_is_infeasible() -> None:
    body = small_pool()
    body["program"] = {"mentor_capacity": 0, "rules": {"match_all_mentees": True}}
    (conflict,) = infeasible(body)["conflicts"]
    assert conflict["rule"] == "match_all_mentees"
    assert {"e1", "e2"} <= set(conflict["ids"])


# --- languages -------------------------------------------------------------------------------


def test_accept_language_fr_answers_in_french() -> None:
    response = post(small_pool(), **{"Accept-Language": "fr"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "fr"
    answer = response.json()
    assert answer["pairings"]
    explanation = answer["pairings"][0]["explanation"]
    assert "accompagne" in explanation
    assert "mentors" not in explanation


def test_accept_language_is_negotiated_by_quality() -> None:
    for header, language in (("de, fr;q=0.8, en;q=0.5", "fr"), ("fr-CA, en;q=0.9", "fr")):
        response = post({"mentors": [], "mentees": []}, **{"Accept-Language": header})
        assert response.status_code == 200
        assert response.headers["content-language"] == language


def test_the_default_language_is_english() -> None:
    response = post(small_pool())
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"
    explanation = response.json()["pairings"][0]["explanation"]
    assert " mentors " in explanation
    assert "accompagne" not in explanation


# --- other endpoints -------------------------------------------------------------------------


def test_healthz_is_ok() -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_lists_the_match_endpoint() -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "post" in paths["/v1/match"]


# --- engines agree ---------------------------------------------------------------------------


def test_the_three_engines_agree_on_the_objective() -> None:
    objectives = {}
    for engine in ("flow", "cpsat", "mip"):
        body = random_pool(3, 6, 3, engine=engine)
        response = post(body)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["status"] == "optimal"
        assert answer["engine"] == engine
        assert validate(MatchRequest.model_validate(body), MatchResponse(**answer)) == []
        objectives[engine] = answer["objective"]
    assert objectives["cpsat"] == pytest.approx(objectives["flow"], abs=1e-6)
    assert objectives["mip"] == pytest.approx(objectives["flow"], abs=1e-6)


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=pools)
def test_a_random_pool_never_gets_a_5xx_and_its_answer_is_valid(body: dict[str, Any]) -> None:
    response = post(body)
    assert response.status_code < 500, response.text
    assert response.status_code == 200, response.text
    answer = MatchResponse.model_validate(response.json())
    assert validate(MatchRequest.model_validate(body), answer) == []


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.sampled_from([-1, 0, 1, -(2**63), 2**64]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=5)), max_size=4),
    st.dictionaries(st.text(max_size=8), st.one_of(st.integers(-5, 5), st.text(max_size=5))),
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, containers and leaves alike (not the root)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*prefix, i))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_a_corrupted_field_never_gets_a_5xx(seed: int, data: st.DataObject) -> None:
    body = random_pool(seed, 4, 3)
    body["program"] = {"pinned": [{"mentor": "m0", "mentee": "e0"}], "mentor_capacity": 2}
    where = data.draw(st.sampled_from(paths(body)), label="path")
    value = data.draw(JSON_VALUES, label="value")
    corrupted = copy.deepcopy(body)
    target = corrupted
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = value
    response = post(corrupted)
    assert response.status_code < 500, response.text
    if 400 <= response.status_code < 500:
        assert response.headers["content-type"] == PROBLEM_JSON
        problem = response.json()
        assert problem.get("errors") or problem.get("detail")
    else:
        assert response.status_code == 200
        answer = MatchResponse.model_validate(response.json())
        assert validate(MatchRequest.model_validate(corrupted), answer) == []

"""Requests the contract refuses where they stand, rather than answering them wrongly or
with a 500 (issue 13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import app

client = TestClient(app)
POOL = {"mentors": [{"id": "m1"}], "mentees": [{"id": "e1"}]}


def refused(path: str, body: Any, loc: list[Any], words: str) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text[:300]
    errors = response.json()["errors"]
    assert any(e["loc"] == loc and words in e["msg"] for e in errors), errors


def nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize("field", ["patch", "add_mentors"])
def test_a_variant_nested_hundreds_deep_is_a_422_not_a_recursion_error(field: str) -> None:
    variant: dict[str, Any] = {"name": "deep"}
    variant[field] = (
        {"program": {"x": nested(500)}} if field == "patch" else [{"id": "x", "a": nested(500)}]
    )
    refused(
        "/v1/scenarios",
        {"base": POOL, "variants": [variant]},
        ["body", "variants", 0, field],
        "nested deeper than",
    )


def test_removing_someone_who_is_not_there_is_a_422() -> None:
    variant = {"name": "typo", "remove": ["M1"]}
    refused(
        "/v1/scenarios",
        {"base": POOL, "variants": [variant]},
        ["body", "variants", 0, "remove", 0],
        "unknown id 'M1'",
    )


def test_two_variants_with_one_name_are_a_422() -> None:
    variants = [{"name": "a"}, {"name": "a", "patch": {"program": {"mentor_capacity": 1}}}]
    refused(
        "/v1/scenarios",
        {"base": POOL, "variants": variants},
        ["body", "variants", 1, "name"],
        "used twice",
    )


def test_group_settings_without_format_group_are_a_422() -> None:
    body = {**POOL, "program": {"group": {"min_size": 3}}}
    refused("/v1/match", body, ["body", "program", "group"], "format 'group' only")


def test_a_keep_rating_not_above_the_end_rating_is_a_422() -> None:
    body = {**POOL, "program": {"rematch": {"keep_rating": 2, "end_rating": 2}}}
    refused("/v1/match", body, ["body", "program", "rematch", "keep_rating"], "above end_rating")


@pytest.mark.parametrize("zone", ["localtime", "posixrules"])
def test_the_host_s_own_zone_is_no_iana_time_zone(zone: str) -> None:
    body = {"mentors": [{"id": "m1", "timezone": zone}], "mentees": [{"id": "e1"}]}
    refused("/v1/match", body, ["body", "mentors", 0, "timezone"], "unknown IANA time zone")


def test_a_hundred_thousand_problems_are_summed_up_not_spelt_out() -> None:
    body = {**POOL, "program": {"pinned": [{"mentor": "m1", "mentee": "e1"}] * 100_000}}
    response = client.post("/v1/match", json=body)
    assert response.status_code == 422
    answer = response.json()
    assert len(answer["errors"]) == 100
    assert answer["detail"].endswith("; and 99996 more") and len(answer["detail"]) < 300


def test_a_rematch_of_a_pool_without_group_settings_is_not_refused_for_them() -> None:
    body = {"pool": POOL, "current": [{"mentor": "m1", "mentee": "e1"}], "leaving": ["m1"]}
    response = client.post("/v1/rematch", json=body)
    assert response.status_code == 200, response.text[:300]


def whatif(base: dict[str, Any], patch: dict[str, Any], language: str = "en") -> Any:
    body = {"base": base, "variants": [{"name": "v", "patch": patch}]}
    response = client.post("/v1/scenarios", json=body, headers={"Accept-Language": language})
    assert response.status_code == 200, response.text[:300]
    return response.json()["variants"][0]


def test_a_capacity_every_mentor_overrides_is_said_to_change_nothing() -> None:
    base = {
        "mentors": [{"id": "m1", "capacity": 2}, {"id": "m2", "capacity": 2}],
        "mentees": [{"id": "e1"}, {"id": "e2"}, {"id": "e3"}],
    }
    variant = whatif(base, {"program": {"mentor_capacity": 1}})
    assert variant["changed_pairs"] == []
    assert variant["warnings"] == [
        "every mentor sets their own capacity, so the program's default capacity changes"
        " no one's places"
    ]
    french = whatif(base, {"program": {"mentor_capacity": 1}}, "fr")
    assert french["warnings"][0].startswith("chaque mentor fixe son propre nombre de places")


def test_a_rule_the_base_already_keeps_is_said_to_change_nothing() -> None:
    base = {
        "mentors": [{"id": "m1", "department": "Sales"}],
        "mentees": [{"id": "e1", "department": "HR"}],
    }
    variant = whatif(base, {"program": {"diversity": {"cross": {"department": 0.5}}}})
    assert variant["warnings"] == [
        "the base already keeps this rule, so no pair had to change: "
        "at least 50% of the pairs must differ on department"
    ]


def test_a_variant_that_changes_something_has_no_warning() -> None:
    base = {"mentors": [{"id": "m1"}], "mentees": [{"id": "e1"}, {"id": "e2"}]}
    variant = whatif(base, {"program": {"mentor_capacity": 1}})
    assert variant["changed_pairs"] and variant["warnings"] == []
    assert variant["delta"]["unmatched_mentees"] == 1.0 and "unmatched_mentors" in variant["delta"]

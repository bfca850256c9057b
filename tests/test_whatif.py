"""What-if scenarios: merge patches as RFC 7396 says, and each variant answered exactly as a
separate /v1/match call on the patched request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import app
from solver import MatchRequest, MatchResponse, validate
from solver.contract.whatif import Variant
from solver.whatif import merge_patch, variant_body

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "scenarios" / "examples" / "company_pool.json").read_text("utf-8"))
client = TestClient(app)

# RFC 7396, Appendix A: original, patch, result
RFC_7396 = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "result"), RFC_7396)
def test_merge_patch_follows_the_rfc_examples(original: Any, patch: Any, result: Any) -> None:
    before = json.dumps(original)
    assert merge_patch(original, patch) == result
    assert json.dumps(original) == before  # the base is never mutated


def test_removing_someone_removes_every_reference_to_them() -> None:
    base = {
        "mentors": [{"id": "m1", "preferences": ["e1", "e2"]}, {"id": "m2", "avoid": ["e2"]}],
        "mentees": [{"id": "e1", "preferences": ["m2", "m1"]}, {"id": "e2"}],
        "program": {
            "pinned": [{"mentor": "m2", "mentee": "e1"}],
            "forbidden": [{"mentor": "m1", "mentee": "e2"}],
        },
    }
    body = variant_body(base, Variant(name="e2 and m2 leave", remove=["e2", "m2"]))
    MatchRequest.model_validate(body)  # no dangling reference left
    assert body["mentors"] == [{"id": "m1", "preferences": ["e1"]}]
    assert body["mentees"] == [{"id": "e1", "preferences": ["m1"]}]
    assert body["program"]["pinned"] == [] and body["program"]["forbidden"] == []


VARIANTS: list[dict[str, Any]] = [
    {"name": "capacity 1", "patch": {"program": {"mentor_capacity": 1}}},
    {"name": "cross 100 %", "patch": {"program": {"diversity": {"cross": {"department": 1.0}}}}},
    {"name": "m0021 leaves", "remove": ["m0021"]},
    {
        "name": "two newcomers",
        "add_mentees": [{"id": "n1", "languages": ["en"]}, {"id": "n2", "languages": ["fr"]}],
        "add_mentors": [{"id": "nm1", "languages": ["en", "fr"], "skills": ["leadership"]}],
    },
]


def test_each_variant_is_answered_as_a_separate_match_call_would_be() -> None:
    response = client.post("/v1/scenarios", json={"base": EXAMPLE, "variants": VARIANTS})
    assert response.status_code == 200, response.text[:500]
    answer = response.json()
    base = client.post("/v1/match", json=EXAMPLE).json()
    assert answer["base"]["metrics"] == base["metrics"]
    base_mentor = {p["mentee"]: p["mentor"] for p in base["pairings"]}
    for variant, result in zip(VARIANTS, answer["variants"], strict=True):
        body = variant_body(EXAMPLE, Variant.model_validate(variant))
        alone = client.post("/v1/match", json=body).json()
        assert validate(MatchRequest.model_validate(body), MatchResponse(**alone)) == []
        assert result["name"] == variant["name"]
        assert (result["status"], result["objective"]) == (alone["status"], alone["objective"])
        assert result["metrics"] == alone["metrics"]
        assert result["unmatched"] == alone["unmatched"]
        assert result["delta"]["match_rate"] == pytest.approx(
            alone["metrics"]["match_rate"] - base["metrics"]["match_rate"], abs=1e-6
        )
        after = {p["mentee"]: p["mentor"] for p in alone["pairings"]}
        moved = {
            (e, base_mentor.get(e), after.get(e))
            for e in base_mentor.keys() | after.keys()
            if base_mentor.get(e) != after.get(e)
        }
        assert {(c["mentee"], c["before"], c["after"]) for c in result["changed_pairs"]} == moved
    assert answer["variants"][0]["delta"]["matched_mentees"] < 0  # capacity 1 pairs fewer


def test_a_variant_that_breaks_the_request_is_a_422_pointing_into_it() -> None:
    variants = [
        {"name": "fine", "patch": {}},
        {"name": "broken", "patch": {"program": {"mentor_capacity": -1}}},
    ]
    response = client.post("/v1/scenarios", json={"base": EXAMPLE, "variants": variants})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    locs = [e["loc"] for e in response.json()["errors"]]
    assert ["body", "variants", 1, "program", "mentor_capacity"] in locs


def test_a_variant_with_a_duplicate_id_is_named_too() -> None:
    variants = [{"name": "again", "add_mentors": [{"id": "m0001"}]}]
    response = client.post("/v1/scenarios", json={"base": EXAMPLE, "variants": variants})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "variants", 0, "mentors", 40, "id"]


def test_unknown_variant_fields_are_refused() -> None:
    variants = [{"name": "typo", "remvoe": ["m0001"]}]
    response = client.post("/v1/scenarios", json={"base": EXAMPLE, "variants": variants})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "variants", 0, "remvoe"]

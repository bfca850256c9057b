"""A validation a chunk of each long list at a time (`api.validation`) gives what one
pydantic validation gives: the same model, the same errors in the same order."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from api import validation
from solver import MatchRequest, RematchRequest, ScenarioRequest
from tests.pools import random_pool


def monolithic(model: type[BaseModel], value: Any) -> tuple[Any, list[Any]]:
    try:
        return model.model_validate(value, from_attributes=True), []
    except ValidationError as exc:
        return None, exc.errors(include_url=False)


def shown(errors: list[Any]) -> str:
    """Errors as a client would see them (an exception in `ctx` by its words)."""
    return json.dumps(errors, default=str)


def corrupt(body: dict[str, Any], where: list[tuple[int, str, Any]]) -> dict[str, Any]:
    """The pool with these (participant index, field, value) changes; index -1: the top."""
    people = body["mentors"] + body["mentees"]
    for index, field, value in where:
        target = body if index < 0 else people[index % len(people)]
        target[field] = value
    return body


BAD = st.sampled_from(
    [("id", 7), ("capacity", -1), ("skils", ["x"]), ("timezone", "Mars/Olympus")]
    + [("seniority", "3"), ("languages", "fr"), ("volunteer", 1), ("program", {"seed": "1"})]
    + [("forbidden", [{"mentor": "m1"}]), ("mentees", 7), ("mentors", [3, None])]
)
CHANGES = st.lists(st.tuples(st.integers(-1, 40), BAD), max_size=4)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 1000), changes=CHANGES, wrap=st.sampled_from(["match", "rematch"]))
def test_a_validation_a_chunk_at_a_time_gives_what_one_validation_gives(
    seed: int, changes: list[tuple[int, tuple[str, Any]]], wrap: str
) -> None:
    pool = corrupt(random_pool(seed, 14, 9), [(i, f, v) for i, (f, v) in changes])
    if changes and changes[0][0] % 3 == 0:
        pool["program"] = {"forbidden": [{"mentor": f"m{k}", "mentee": "e0"} for k in range(9)]}
    model: type[BaseModel] = MatchRequest if wrap == "match" else RematchRequest
    value: Any = pool if wrap == "match" else {"pool": pool, "current": [], "extra": 1}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "CHUNK", 3)
        chunked, errors = validation.validate(model, value)
    expected, expected_errors = monolithic(model, value)
    assert shown(errors) == shown(expected_errors)
    if not errors:
        assert chunked == expected


def test_errors_of_chunks_and_of_the_rest_come_in_pydantic_s_order() -> None:
    pool = random_pool(5, 12, 8)
    pool["mentors"][1] = {"id": 1}
    pool["mentees"][10]["capacity"] = -1
    pool["program"] = {"mentor_capacity": "2", "forbidden": [{"mentor": "m1"}] * 5}
    body = {"pool": pool, "current": "none", "feedback": [{"mentor": "m"}] * 4, "typo": 1}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "CHUNK", 3)
        _, errors = validation.validate(RematchRequest, body)
    assert shown(errors) == shown(monolithic(RematchRequest, body)[1])
    assert [e["loc"] for e in errors][:4] == [
        ("pool", "mentors", 1, "id"),
        ("pool", "mentees", 10, "capacity"),  # a chunk's
        ("pool", "program", "mentor_capacity"),  # the rest's, before the chunks after it
        ("pool", "program", "forbidden", 0, "mentee"),
    ]
    assert [e["loc"][0] for e in errors][-6:] == ["current", *["feedback"] * 4, "typo"]


def test_a_what_if_base_is_validated_in_chunks_to_the_same_answer() -> None:
    base = random_pool(3, 30, 12)
    base["mentees"][17]["capacity"] = -3
    body = {"base": base, "variants": [{"name": "same"}]}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "CHUNK", 4)
        _, errors = validation.validate(ScenarioRequest, body)
    assert shown(errors) == shown(monolithic(ScenarioRequest, body)[1])
    assert [e["loc"] for e in errors] == [("base", "mentees", 17, "capacity")]

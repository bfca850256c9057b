"""The compact answer (`program.answer: "pairs"`, issue 17.4) says what the full one says on
every pair (rank, ids, score, pinned), every unmatched person (id, role, reason code), the
metrics, status, objective, bound, gap and engine, and any conflicts; it is built without
reasons, sentences, suggestions or names (the functions that make them are made to fail
here), and over HTTP it carries none of them. The full answer is the default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.main import app
from bench.answers import RULES
from generator.pools import generate_pool
from solver import MatchRequest, MatchResponse, PairsResponse, match
from solver import match_as_asked as answer
from solver.answer import explain, respond, unmatched
from solver.budget import estimate
from solver.contract.response import PairIds
from solver.dispatch import SolveOptions
from tests.pools import pools, random_pool

EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "examples" / "company_pool.json"
client = TestClient(app)


def with_program(body: dict[str, Any], **program: Any) -> dict[str, Any]:
    return {**body, "program": {**body.get("program", {}), **program}}


def both(body: dict[str, Any], language: str = "en") -> tuple[MatchResponse, PairsResponse]:
    """The full answer and the compact one of the same request."""
    options = SolveOptions(language=language)
    full = answer(MatchRequest.model_validate(body), options)
    compact = answer(MatchRequest.model_validate(with_program(body, answer="pairs")), options)
    assert isinstance(full, MatchResponse)
    assert isinstance(compact, PairsResponse)
    return full, compact


def assert_same(full: MatchResponse, compact: PairsResponse) -> None:
    """Everything the compact answer says, said the same by the full one."""
    kept = ("rank", "mentor", "mentee", "score", "pinned")
    assert [p.model_dump(include=set(kept)) for p in full.pairings] == [
        p.model_dump() for p in compact.pairings
    ]
    assert [(u.id, u.role, u.reason) for u in full.unmatched] == [
        (u.id, u.role, u.reason) for u in compact.unmatched
    ]
    assert full.metrics == compact.metrics
    for name in ("status", "objective", "bound", "gap", "engine", "conflicts"):
        assert getattr(full, name) == getattr(compact, name), name


def requests() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every program rule of the answers table on the example and on a 60 × 20 pool, and
    pools where each reason code decides: no eligible mentor, mentors not needed, a rule,
    pins (one infeasible), French."""
    example = json.loads(EXAMPLE.read_text("utf-8"))
    for pool, body in {"example": example, "60x20": generate_pool(60, 20, 3)}.items():
        for name, program in RULES.items():
            yield f"{pool} {name}", with_program(body, **program)
    yield "few mentees", generate_pool(10, 30, 2)
    yield (
        "different departments",
        with_program(
            generate_pool(40, 15, 4), rules={"different_department": True, "min_score": 0.5}
        ),
    )
    yield "min score", with_program(generate_pool(40, 15, 5), rules={"min_score": 0.6})
    pinned = [{"mentor": example["mentors"][0]["id"], "mentee": example["mentees"][0]["id"]}]
    yield "pinned", with_program(example, pinned=pinned)
    twice = pinned + [{"mentor": example["mentors"][1]["id"], "mentee": pinned[0]["mentee"]}]
    yield "pinned twice", with_program(example, pinned=twice)


CASES = list(requests())


@pytest.mark.parametrize(("name", "body"), CASES, ids=[name for name, _ in CASES])
def test_the_compact_answer_is_the_full_one_without_its_words(
    name: str, body: dict[str, Any]
) -> None:
    assert_same(*both(body))


def test_the_cases_reach_every_reason_code_and_status() -> None:
    """The comparison above means something: each code of the full answer is in it."""
    seen = {u.reason for _, body in CASES for u in both(body)[0].unmatched}
    statuses = {both(body)[1].status for _, body in CASES}
    assert seen >= {
        "capacity",
        "not_volunteer",
        "not_taking_mentees",
        "no_eligible_mentor",
        "no_eligible_mentee",
        "not_needed",
        "rule",
        "infeasible",
    }
    assert statuses >= {"optimal", "infeasible"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=pools, language=st.sampled_from(["en", "fr"]))
def test_on_random_pools_the_compact_answer_says_what_the_full_one_says(
    body: dict[str, Any], language: str
) -> None:
    assert_same(*both(body, language))


def test_the_compact_answer_builds_no_reason_sentence_or_suggestion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = with_program(random_pool(7, 60, 20), suggestions=5)

    def refused(*_: Any, **__: Any) -> Any:
        raise AssertionError("built for the compact answer")

    full = match(MatchRequest.model_validate(body))
    monkeypatch.setattr(respond, "Explainer", refused)
    monkeypatch.setattr(explain, "render", refused)
    monkeypatch.setattr(unmatched, "render", refused)
    monkeypatch.setattr(unmatched, "top_mentors", refused)
    monkeypatch.setattr(unmatched, "person", refused)
    compact = answer(MatchRequest.model_validate(with_program(body, answer="pairs")))
    assert isinstance(compact, PairsResponse)
    assert_same(full, compact)
    with pytest.raises(AssertionError, match="built for the compact answer"):
        match(MatchRequest.model_validate(body))  # the full answer does build them


def test_over_http_the_compact_answer_has_ids_scores_and_codes_only() -> None:
    body = json.loads(EXAMPLE.read_text("utf-8"))
    full = client.post("/v1/match", json=body)
    compact = client.post("/v1/match", json=with_program(body, answer="pairs"))
    assert full.status_code == compact.status_code == 200
    said = compact.json()
    assert "answer" not in full.json()  # the default is the full answer, as it was
    assert said["answer"] == "pairs"
    assert set(said) == set(PairsResponse.model_fields)
    assert set(said["pairings"][0]) == {"rank", "mentor", "mentee", "score", "pinned"}
    assert set(said["unmatched"][0]) == {"id", "role", "reason"}
    names = [p["name"] for p in body["mentors"] + body["mentees"] if p.get("name")]
    assert names and not any(name in compact.text for name in names)
    assert len(compact.content) * 10 < len(full.content)
    assert said["pairings"] == [
        {k: p[k] for k in ("rank", "mentor", "mentee", "score", "pinned")}
        for p in full.json()["pairings"]
    ]


def test_the_openapi_describes_both_answers_and_the_field() -> None:
    schema = client.get("/openapi.json").json()
    answered = schema["paths"]["/v1/match"]["post"]["responses"]["200"]["content"]
    refs = {one["$ref"] for one in answered["application/json"]["schema"]["anyOf"]}
    assert refs == {"#/components/schemas/MatchResponse", "#/components/schemas/PairsResponse"}
    field = schema["components"]["schemas"]["Program"]["properties"]["answer"]
    assert field["enum"] == ["full", "pairs"]
    assert field["default"] == "full"
    assert "pairs" in field["description"]
    assert field["examples"] == ["pairs"]
    for model in ("PairIds", "UnmatchedId", "PairsResponse"):
        for name, prop in schema["components"]["schemas"][model]["properties"].items():
            assert prop.get("description"), (model, name)
            listed_or_model = prop.get("type") == "array" or "$ref" in str(prop)
            assert prop.get("examples") or listed_or_model, (model, name)


def test_the_budget_weighs_the_compact_answer_smaller() -> None:
    body = generate_pool(3000, 1000, 1)
    full = estimate(MatchRequest.model_validate(body))
    compact = estimate(MatchRequest.model_validate(with_program(body, answer="pairs")))
    assert compact.answer_mb * 5 < full.answer_mb
    assert compact.seconds < full.seconds


def test_the_trusted_pairs_are_what_validation_builds() -> None:
    """`trusted` skips validation: `PairIds` has nothing it could get wrong (no alias, no
    default, no extra) and its pairs equal validated ones."""
    fields = PairIds.model_fields.values()
    assert all(f.alias is None and f.is_required() for f in fields)
    assert PairIds.model_config.get("extra") != "allow"
    compact = answer(
        MatchRequest.model_validate(with_program(generate_pool(12, 5, 2), answer="pairs"))
    )
    built = compact.pairings[0]
    assert type(built) is PairIds
    checked = PairIds.model_validate(built.model_dump())
    assert built == checked and built.model_dump_json() == checked.model_dump_json()


def test_the_compact_benchmark_posts_each_answer_it_names() -> None:
    """`bench.compact`'s rows, on a small pool over a real server (no timing asserted)."""
    from bench.compact import KINDS, kind_row

    body = generate_pool(60, 20, 1)
    rows = {kind: kind_row(body, kind, 1) for kind in KINDS}
    assert {r["said"] for r in rows.values()} == {rows["full"]["said"]}
    assert rows["pairs"]["bytes"] * 5 < rows["full"]["bytes"]
    assert rows["full, gzip"]["bytes"] * 5 < rows["full"]["bytes"]
    assert all(r["peak"] > 0 for r in rows.values())

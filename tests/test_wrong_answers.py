"""Requests that made the service answer wrongly, or contradict itself: each checked
against brute force where it claims an optimum (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest

from solver import MatchRequest, match, validate
from solver.optimum import assignments, balance_targets, holds_program_rules, key_function
from solver.rules.by_pair import eligible_scores


def best_key(request: MatchRequest) -> tuple[int, ...]:
    """The lexicographic best over every assignment keeping every rule (the oracle's own)."""
    every = assignments(request, eligible_scores(request))
    key = key_function(request, balance_targets(request, every), {})
    holds = holds_program_rules(request)
    return max(key(pairs) for pairs in every if holds(pairs))


def key_of(request: MatchRequest, answer: Any) -> tuple[int, ...]:
    key = key_function(request, [], {})
    return key([(p.mentor, p.mentee, p.score) for p in answer.pairings])


def solved(body: dict[str, Any]) -> Any:
    request = MatchRequest.model_validate(body)
    answer = match(request)
    assert validate(request, answer) == []
    return request, answer


@pytest.mark.parametrize("department", ["Sales", "HR"])
@pytest.mark.parametrize("engine", ["auto", "flow", "cpsat", "mip"])
def test_max_same_with_one_mentee_per_priority_class_still_pairs(
    engine: str, department: str
) -> None:
    """The first (mentor, value) node of the network had the index of the top class node."""
    body = {
        "mentors": [{"id": "m1", "department": "Sales"}],
        "mentees": [{"id": "e1", "department": department}],
        "program": {"diversity": {"max_same_per_mentor": {"department": 1}}, "engine": engine},
    }
    _, answer = solved(body)
    assert [(p.mentor, p.mentee) for p in answer.pairings] == [("m1", "e1")]
    assert answer.status == "optimal"


@pytest.mark.parametrize("seed", range(12))
def test_max_same_with_distinct_waiting_rounds_is_the_brute_force_optimum(seed: int) -> None:
    import numpy as np

    from tests.pools import random_pool

    rng = np.random.default_rng(seed)
    body = random_pool(seed, n_mentees=5, n_mentors=3)
    for k, mentee in enumerate(body["mentees"]):
        mentee["waiting_rounds"] = k  # every mentee in a priority class of its own
        mentee["department"] = str(rng.choice(["Sales", "HR"]))
    body["program"]["diversity"] = {"max_same_per_mentor": {"department": 1}}
    request, answer = solved(body)
    assert answer.engine == "flow" and answer.status == "optimal"
    found, best = key_of(request, answer), best_key(request)
    slack = 1000 * len(answer.pairings)  # pair scores are reported to 6 decimals
    assert found[:-1] == best[:-1] and abs(found[-1] - best[-1]) <= slack


@pytest.mark.parametrize("engine", ["auto", "cpsat", "mip"])
def test_a_mentor_with_too_few_pins_and_no_one_else_to_take_makes_groups_infeasible(
    engine: str,
) -> None:
    """A pinned mentee alone with a mentor nobody else may join was a group of 1, optimal."""
    body = {
        "mentors": [{"id": "m1"}, {"id": "m2"}],
        "mentees": [{"id": "e1"}, {"id": "e2", "avoid": ["m1"]}, {"id": "e3", "avoid": ["m1"]}],
        "program": {
            "format": "group",
            "group": {"min_size": 2},
            "pinned": [{"mentor": "m1", "mentee": "e1"}],
            "engine": engine,
        },
    }
    request, answer = solved(body)
    assert answer.status == "infeasible"
    assert [c.rule for c in answer.conflicts] == ["group.min_size"]
    every = assignments(request, eligible_scores(request))  # brute force: none holds
    assert every and not [pairs for pairs in every if holds_program_rules(request)(pairs)]


def test_a_mentor_with_pins_and_room_for_more_still_reaches_the_group_minimum() -> None:
    body = {
        "mentors": [{"id": "m1"}, {"id": "m2"}],
        "mentees": [{"id": "e1"}, {"id": "e2"}, {"id": "e3", "avoid": ["m1"]}],
        "program": {
            "format": "group",
            "group": {"min_size": 2},
            "pinned": [{"mentor": "m1", "mentee": "e1"}],
        },
    }
    request, answer = solved(body)
    assert answer.status == "optimal" and answer.metrics.smallest_group >= 2
    assert ("m1", "e2") in {(p.mentor, p.mentee) for p in answer.pairings}


@pytest.mark.parametrize(
    "diversity",
    [{"max_same_per_mentor": {"department": 1}}, {"cross": {"department": 1.0}}],
)
def test_someone_left_out_by_a_program_rule_is_told_so_not_that_mentors_are_full(
    diversity: dict[str, Any],
) -> None:
    body = {
        "mentors": [{"id": "m1", "department": "Sales", "capacity": 2}],
        "mentees": [
            {"id": "e1", "department": "Sales" if "max_same_per_mentor" in diversity else "HR"},
            {"id": "e2", "department": "Sales"},
        ],
        "program": {"diversity": diversity},
    }
    _, answer = solved(body)
    assert answer.mentor_load == {"m1": 1}
    (left,) = [u for u in answer.unmatched if u.role == "mentee"]
    assert left.reason == "rule"
    assert "m1" in left.detail and "department" in left.detail and "full" not in left.detail


def test_a_mentor_kept_from_waiting_mentees_by_a_rule_is_told_so() -> None:
    body = {
        "mentors": [{"id": "m1", "department": "Sales"}, {"id": "m2", "department": "HR"}],
        "mentees": [{"id": "e1", "department": "Sales"}],
        "program": {"diversity": {"cross": {"department": 1.0}}, "mentor_capacity": 1},
    }
    _, answer = solved(body)
    assert [(p.mentor, p.mentee) for p in answer.pairings] == [("m2", "e1")]
    (idle,) = [u for u in answer.unmatched if u.role == "mentor"]
    assert idle.id == "m1" and idle.reason == "not_needed"  # e1 is paired: nobody waits


def test_a_group_too_small_to_open_leaves_both_sides_with_the_rule_as_reason() -> None:
    body = {
        "mentors": [{"id": "m1"}],
        "mentees": [{"id": "e1"}],
        "program": {"format": "group", "group": {"min_size": 2}},
    }
    _, answer = solved(body)
    assert answer.pairings == []
    assert {(u.role, u.reason) for u in answer.unmatched} == {
        ("mentor", "rule"),
        ("mentee", "rule"),
    }
    assert all("at least 2" in u.detail for u in answer.unmatched)


@pytest.mark.parametrize(
    ("goal", "skill"),
    [
        ("cafe\u0301", "caf\u00e9"),
        ("ＡＩ", "AI"),
        ("Stra\u00dfe", "STRASSE"),
        ("ﬁnance", "finance"),
    ],
)
def test_a_goal_written_in_another_unicode_form_matches_the_skill(goal: str, skill: str) -> None:
    body = {
        "mentors": [{"id": "m1", "skills": [skill]}],
        "mentees": [{"id": "e1", "goals": [goal]}],
        "program": {
            "weights": {
                "goals": 1,
                "languages": 0,
                "interests": 0,
                "availability": 0,
                "timezone": 0,
                "seniority": 0,
                "preferences": 0,
                "department": 0,
            }
        },
    }
    _, answer = solved(body)
    (pair,) = answer.pairings
    assert pair.score == 1.0
    assert pair.reasons[0].detail.startswith("covers 1 of 1 goal")


@pytest.mark.parametrize("field", ["preferences", "avoid"])
def test_an_id_listed_twice_is_refused_where_it_stands(field: str) -> None:
    from fastapi.testclient import TestClient

    from api.main import app

    body = {
        "mentors": [{"id": "m1"}, {"id": "m2"}],
        "mentees": [{"id": "e1", field: ["m1", "m2", "m1"]}],
    }
    response = TestClient(app).post("/v1/match", json=body)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["body", "mentees", 0, field, 2], "msg": "id 'm1' listed twice"}
    ]

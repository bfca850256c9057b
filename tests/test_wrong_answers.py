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

"""One balance attribute on the flow (`engines/balance_flow.py`): the brute-force optimum on
small pools, CP-SAT's optimum on medium ones (the flow's proven), `auto` picking it, and
today's behaviour on infeasible capacity and pins. Dropping the targets' level fails here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from solver import MatchRequest, MatchResponse, match, validate
from solver.engines import balance_flow, lexflow
from solver.engines.lexflow import Network, lexicographic
from solver.optimum import assignments, balance_targets, holds_program_rules, key_function
from solver.rules.by_pair import eligible_scores
from tests.pools import random_pool

BALANCE = {"diversity": {"balance": {"department": True}}}


def pool(seed: int, n: int, m: int, engine: str = "auto", **program: Any) -> MatchRequest:
    body = random_pool(seed, n, m, engine=engine, time_limit_s=60, **BALANCE, **program)
    return MatchRequest.model_validate(body)


def scarce(seed: int, engine: str = "auto", **program: Any) -> MatchRequest:
    """Few places, departments of uneven sizes, scores that favour one department: the
    targets decide who is matched (the brute force's optimum differs without them)."""
    rng = np.random.default_rng(seed)
    departments = rng.choice(["Sales", "HR", "Legal", ""], size=6, p=[0.5, 0.2, 0.2, 0.1])
    mentees = [
        {"id": f"e{i}", "volunteer": bool(rng.random() < 0.7), "waiting_rounds": int(w)}
        | ({"department": str(d)} if d else {})
        for i, (d, w) in enumerate(zip(departments, rng.integers(0, 3, size=6), strict=True))
    ]
    mentors = [{"id": f"m{j}", "capacity": int(rng.integers(0, 3))} for j in range(3)]
    bonus = {"Sales": 0.5, "HR": 0.2}
    scores = [
        {
            "mentor": m["id"],
            "mentee": e["id"],
            "score": round(bonus.get(str(e.get("department")), 0.0) + rng.uniform(0, 0.5), 4),
        }
        for m in mentors
        for e in mentees
        if rng.random() < 0.8
    ]
    body = {"mentors": mentors, "mentees": mentees}
    program = {**BALANCE, "scores": scores, "engine": engine, **program}
    return MatchRequest.model_validate({**body, "program": program})


def best_key(request: MatchRequest) -> tuple[int, ...]:
    """The brute force's optimum key (solver.optimum), independent of every engine."""
    every = assignments(request, eligible_scores(request))
    key = key_function(request, balance_targets(request, every), {})
    holds = holds_program_rules(request)
    return max(key(pairs) for pairs in every if holds(pairs))


def key_of(request: MatchRequest, response: MatchResponse) -> tuple[int, ...]:
    """The response's key, its pairs scored at full precision (answers show 6 decimals)."""
    scores = eligible_scores(request)
    key = key_function(request, balance_targets(request, assignments(request, scores)), {})
    return key([(p.mentor, p.mentee, scores[(p.mentor, p.mentee)]) for p in response.pairings])


def same_key(found: tuple[int, ...], best: tuple[int, ...]) -> bool:
    """Counts exactly, the total score to the solver's resolution (1e-9 per pair)."""
    return found[:-1] == best[:-1] and abs(found[-1] - best[-1]) <= 64


@pytest.mark.parametrize("seed", range(40))
def test_the_flow_reaches_the_brute_force_optimum(seed: int) -> None:
    request = scarce(seed)
    response = match(request)
    assert response.engine == "flow" and response.status == "optimal"
    assert validate(request, response) == []
    assert same_key(key_of(request, response), best_key(request))


@pytest.mark.parametrize("seed", range(15))
def test_the_flow_reaches_the_brute_force_optimum_on_random_pools(seed: int) -> None:
    request = pool(seed, 6, 3, mentor_capacity=1)
    response = match(request)
    assert response.engine == "flow" and response.status == "optimal"
    assert validate(request, response) == []
    assert same_key(key_of(request, response), best_key(request))


@pytest.mark.parametrize("seed", range(20))
def test_every_level_as_a_flow_of_its_own_reaches_the_same_optimum(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Levels unfolded (as on large pools, where folding would overflow): five flows."""
    monkeypatch.setattr(lexflow, "SAFE_COST", 1)
    request = scarce(seed)
    response = match(request)
    assert validate(request, response) == []
    assert same_key(key_of(request, response), best_key(request))


def test_max_same_with_balance_stays_on_the_flow_and_reaches_the_optimum() -> None:
    for seed in range(10):
        request = scarce(
            seed, diversity={**BALANCE["diversity"], "max_same_per_mentor": {"department": 1}}
        )
        response = match(request)
        assert response.engine == "flow"
        assert validate(request, response) == []
        assert same_key(key_of(request, response), best_key(request))


def levels_of(request: MatchRequest, response: MatchResponse) -> tuple[Any, ...]:
    matched = {p.mentee for p in response.pairings}
    mentees = [e for e in request.mentees if e.id in matched]
    return (
        response.metrics.match_rate_by,
        sum(e.volunteer for e in mentees),
        len(mentees),
        sum(e.waiting_rounds for e in mentees),
    )


@pytest.mark.parametrize(("n", "m"), [(60, 20), (120, 40)])
@pytest.mark.parametrize("seed", range(3))
def test_the_flow_agrees_with_cpsat_on_medium_pools(seed: int, n: int, m: int) -> None:
    flow, cpsat = pool(seed, n, m), pool(seed, n, m, engine="cpsat")
    by_flow, by_cpsat = match(flow), match(cpsat)
    assert by_flow.engine == "flow" and by_flow.status == "optimal"
    assert by_cpsat.status == "optimal"
    assert validate(flow, by_flow) == []
    assert levels_of(flow, by_flow) == levels_of(cpsat, by_cpsat)
    assert by_flow.objective == pytest.approx(by_cpsat.objective, abs=1e-5)


def test_auto_picks_the_flow_for_one_attribute_only() -> None:
    """Two attributes, or balance with fair, go to the general path (whose answer is still
    `flow` when the flow's answer on one attribute keeps the other and is proven)."""
    from solver.dispatch import THRESHOLDS, engine_for

    assert match(pool(0, 12, 4)).engine == "flow"
    two = {"diversity": {"balance": {"department": True, "site": True}}}
    body = random_pool(0, 12, 4, **two)
    for k, person in enumerate(body["mentees"] + body["mentors"]):
        person["site"] = "Paris" if k % 2 else "Lyon"
    both = MatchRequest.model_validate(body)
    assert engine_for(both.program, None, THRESHOLDS) == "cpsat"
    assert match(both).status == "optimal"
    assert engine_for(pool(0, 12, 4, objective="fair").program, None, THRESHOLDS) == "cpsat"


def test_two_attributes_are_refused_by_the_flow_engine() -> None:
    from solver import InvalidRequest

    body = random_pool(0, 6, 3, engine="flow")
    body["program"]["diversity"] = {"balance": {"department": True, "site": True}}
    for person in body["mentees"] + body["mentors"]:
        person["site"] = "Paris"
    with pytest.raises(InvalidRequest):
        match(MatchRequest.model_validate(body))


def test_match_all_beyond_capacity_is_infeasible_as_on_cpsat() -> None:
    for engine in ("auto", "cpsat"):
        request = scarce(1, engine, rules={"match_all_mentees": True})
        response = match(request)
        assert response.status == "infeasible" and response.conflicts
        assert validate(request, response) == []


def test_pins_count_towards_their_value_as_on_cpsat() -> None:
    """A pinned Sales mentee fills Sales' target: the free place goes to another value."""
    for seed in range(8):
        body = scarce(seed).model_dump(exclude_none=True)
        mentee = next(e["id"] for e in body["mentees"] if e.get("department") == "Sales")
        mentor = next(
            (s["mentor"] for s in body["program"]["scores"] if s["mentee"] == mentee), None
        )
        if mentor is None:
            continue
        body["program"]["pinned"] = [{"mentor": mentor, "mentee": mentee}]
        body["mentors"] = [m | {"capacity": 2} for m in body["mentors"]]
        answers = {}
        for engine in ("auto", "cpsat"):
            request = MatchRequest.model_validate(
                {**body, "program": {**body["program"], "engine": engine}}
            )
            answers[engine] = match(request)
            assert validate(request, answers[engine]) == []
        assert answers["auto"].engine == "flow"
        assert answers["auto"].objective == pytest.approx(answers["cpsat"].objective, abs=1e-6)
        assert same_key(key_of(request, answers["auto"]), best_key(request))


def test_dropping_the_targets_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mutation check: the same flow without its first level (the targets' credit) is a
    wrong answer that the oracle and the brute force of these tests both name."""

    def without_targets(net: Network, levels: list[np.ndarray]) -> np.ndarray:
        return lexicographic(net, levels[1:])

    monkeypatch.setattr(balance_flow, "lexicographic", without_targets)
    caught = 0
    for seed in range(40):
        request = scarce(seed)
        response = match(request)
        if not same_key(key_of(request, response), best_key(request)):
            caught += 1
            assert validate(request, response) != []
    assert caught > 0

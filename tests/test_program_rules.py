"""Program rules against brute force: every rule, every engine that models it, one optimum.

The brute force enumerates every assignment of a small pool, keeps those that
satisfy the rule as the contract states it, and takes the lexicographic best:
balance shortfall, volunteers, matched, waiting rounds, then (fair) the lowest
score, then the total. Eligibility and scores come from the validator's scalar
functions, the blocking-pair count from the validator's pair-by-pair check.
"""

from __future__ import annotations

import itertools
from collections import Counter
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver import MatchRequest, MatchResponse, Thresholds, match, validate
from solver.rules.by_pair import count_blocking, expected_score, managers_of, pair_violations
from tests.pools import random_pool

Pair = tuple[int, int, float]  # mentor index, mentee index, score
Key = tuple[float, ...]

RULES: dict[str, dict[str, Any]] = {
    "cross": {"diversity": {"cross": {"department": 0.75}}},
    "max_same": {"diversity": {"max_same_per_mentor": {"department": 1}}},
    "balance": {"diversity": {"balance": {"department": True}}},
    "fair": {"objective": "fair"},
    "stable": {"stable": True},
    "group": {"format": "group", "group": {"min_size": 2}},
    "reverse": {"format": "reverse"},
    "cross_and_fair": {"diversity": {"cross": {"department": 0.6}}, "objective": "fair"},
}
ENGINES = {
    "cross": ["cpsat", "mip"],
    "max_same": ["flow", "cpsat", "mip"],
    "balance": ["flow", "cpsat", "mip"],
    "fair": ["flow", "cpsat", "mip"],
    "stable": ["cpsat", "mip"],
    "group": ["cpsat", "mip"],
    "reverse": ["flow", "cpsat", "mip"],
    "cross_and_fair": ["cpsat", "mip"],
}


def candidates(request: MatchRequest) -> list[list[Pair | None]]:
    program, managers = request.program, managers_of(request)
    options: list[list[Pair | None]] = []
    for i, mentee in enumerate(request.mentees):
        choices: list[Pair | None] = [None]
        for j, mentor in enumerate(request.mentors):
            score = expected_score(request, mentor, mentee)  # the caller's, or the criteria's
            if score is not None and not pair_violations(mentor, mentee, program, managers, score):
                choices.append((j, i, score))
        options.append(choices)
    return options


def department(person: Any) -> str | None:
    return person.department.casefold() if person.department else None


def satisfies_side_rules(request: MatchRequest, pairs: list[Pair]) -> bool:
    program, mentors, mentees = request.program, request.mentors, request.mentees
    for share in program.diversity.cross.values():
        known = [(department(mentors[j]), department(mentees[i])) for j, i, _ in pairs]
        known = [(a, b) for a, b in known if a and b]
        if sum(a != b for a, b in known) < share * len(known) - 1e-9:
            return False
    for k in program.diversity.max_same_per_mentor.values():
        same = Counter((j, department(mentees[i])) for j, i, _ in pairs if mentees[i].department)
        if same and max(same.values()) > k:
            return False
    if program.format == "group":
        load = Counter(j for j, _, _ in pairs)
        if any(n < program.group.min_size for n in load.values()):
            return False
    if program.stable:
        mentor_ids = [m.id for m in mentors]
        chosen = [SimpleNamespace(mentor=mentor_ids[j], mentee=mentees[i].id) for j, i, _ in pairs]
        return count_blocking(request, SimpleNamespace(pairings=chosen)) == 0  # type: ignore[arg-type]
    return True


def balance_targets(request: MatchRequest, feasible: list[list[Pair]]) -> dict[str, int]:
    """⌊count × most matched / mentees⌋ per department, capped by what that department can get."""
    if not request.program.diversity.balance:
        return {}
    values = Counter(value for e in request.mentees if (value := department(e)))
    most = max(len(pairs) for pairs in feasible)
    targets = {}
    for value, count in values.items():
        reachable = max(
            sum(department(request.mentees[i]) == value for _, i, _ in pairs) for pairs in feasible
        )
        targets[value] = min(count * most // len(request.mentees), reachable)
    return targets


def key_of(request: MatchRequest, pairs: list[Pair], targets: dict[str, int]) -> Key:
    mentees = request.mentees
    got = Counter(department(mentees[i]) for _, i, _ in pairs)
    shortfall = sum(max(0, t - got[v]) for v, t in targets.items())
    key: list[float] = [
        -shortfall,
        sum(mentees[i].volunteer for _, i, _ in pairs),
        len(pairs),
        sum(mentees[i].waiting_rounds for _, i, _ in pairs),
    ]
    if request.program.objective == "fair":
        key.append(min((s for _, _, s in pairs), default=1.0))
    key.append(sum(s for _, _, s in pairs))
    return tuple(key)


def brute_force(request: MatchRequest) -> tuple[Key | None, dict[str, int]]:
    """The best key over every assignment that holds (None if none does), and balance targets."""
    capacity = [
        request.program.mentor_capacity if m.capacity is None else m.capacity
        for m in request.mentors
    ]
    within_capacity = []
    for combo in itertools.product(*candidates(request)):
        pairs = [c for c in combo if c is not None]
        load = np.bincount([j for j, _, _ in pairs], minlength=len(capacity))
        if not (load > capacity).any():
            within_capacity.append(pairs)
    targets = balance_targets(request, within_capacity)
    keys = [
        key_of(request, pairs, targets)
        for pairs in within_capacity
        if satisfies_side_rules(request, pairs)
    ]
    best = max(keys, key=lambda k: tuple(round(x, 9) for x in k)) if keys else None
    return best, targets


def response_key(request: MatchRequest, response: MatchResponse, targets: dict[str, int]) -> Key:
    mentors = {m.id: j for j, m in enumerate(request.mentors)}
    mentees = {e.id: i for i, e in enumerate(request.mentees)}
    pairs = [(mentors[p.mentor], mentees[p.mentee], p.score) for p in response.pairings]
    return key_of(request, pairs, targets)


def assert_same_key(found: Key, expected: Key) -> None:
    assert found[:-1] == pytest.approx(expected[:-1], abs=1e-6)
    assert found[-1] == pytest.approx(expected[-1], abs=1e-5)


def small_pool(seed: int, rule: str, engine: str) -> MatchRequest:
    body = random_pool(seed, n_mentees=5, n_mentors=3, mentor_capacity=2, engine=engine)
    body["program"].update(RULES[rule])
    if rule == "balance":
        return scarce_places(seed, engine)
    return MatchRequest.model_validate(body)


def scarce_places(seed: int, engine: str) -> MatchRequest:
    """Two places for six mentees, and scores that favour Sales: balance decides."""
    rng = np.random.default_rng(seed)
    departments = ["Sales", "Sales", "Sales", "HR", "HR", "HR" if rng.random() < 0.5 else None]
    mentees: list[dict[str, Any]] = [{"id": f"e{i}"} for i in range(len(departments))]
    for mentee, value in zip(mentees, departments, strict=True):
        if value:  # a mentee without one is not counted by balance
            mentee["department"] = value
    mentors = [{"id": "m0", "department": "Sales"}, {"id": "m1"}]
    scores = [
        {"mentor": m["id"], "mentee": e["id"], "score": scarce_score(rng, e)}
        for m in mentors
        for e in mentees
    ]
    program = {**RULES["balance"], "mentor_capacity": 1, "scores": scores, "engine": engine}
    return MatchRequest.model_validate({"mentors": mentors, "mentees": mentees, "program": program})


def scarce_score(rng: np.random.Generator, mentee: dict[str, Any]) -> float:
    low = 0.5 if mentee.get("department") == "Sales" else 0.0
    return round(float(rng.uniform(low, low + 0.5)), 4)


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("seed", range(10))
def test_every_engine_reaches_the_brute_force_optimum(rule: str, seed: int) -> None:
    expected, targets = brute_force(small_pool(seed, rule, "auto"))
    for engine in ENGINES[rule]:
        request = small_pool(seed, rule, engine)
        response = match(request)
        assert validate(request, response) == []
        if expected is None:
            assert response.status == "infeasible" and response.conflicts
            continue
        assert response.status == "optimal", (engine, response.conflicts)
        assert_same_key(response_key(request, response, targets), expected)


@pytest.mark.parametrize("rule", ["cross", "stable", "group"])
def test_flow_refuses_a_rule_it_cannot_model(rule: str) -> None:
    from solver.contract.references import InvalidRequest

    with pytest.raises(InvalidRequest) as refused:
        match(small_pool(0, rule, "flow"))
    assert refused.value.errors[0][0] == ("program", "engine")


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rules=st.lists(st.sampled_from(sorted(RULES)), min_size=1, max_size=3, unique=True),
)
def test_rules_combined_stay_valid_and_lose_nobody(seed: int, rules: list[str]) -> None:
    body = random_pool(seed, n_mentees=7, n_mentors=4, mentor_capacity=2)
    for rule in rules:
        for field, value in RULES[rule].items():
            if isinstance(value, dict) and isinstance(body["program"].get(field), dict):
                body["program"][field] = {**body["program"][field], **value}
            else:
                body["program"][field] = value
    request = MatchRequest.model_validate(body)
    response = match(request)
    assert validate(request, response) == []
    listed = {u.id for u in response.unmatched}
    paired = {p.mentor for p in response.pairings} | {p.mentee for p in response.pairings}
    everyone = {p.id for p in request.mentors} | {p.id for p in request.mentees}
    assert everyone <= paired | listed
    assert response.status in ("optimal", "infeasible")


class Interrupted:
    """CP-SAT stopped after presolve, as if the time limit struck then."""

    @staticmethod
    def patch(monkeypatch: Any) -> None:
        from ortools.sat.python import cp_model

        class Stopped(cp_model.CpSolver):
            def solve(self, model: Any, *args: Any) -> Any:
                self.parameters.stop_after_presolve = True
                return super().solve(model, *args)

        monkeypatch.setattr(cp_model, "CpSolver", Stopped)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rule", ["cross", "max_same", "group", "stable"])
def test_a_search_stopped_before_any_solution_answers_the_start_that_keeps_the_rule(
    monkeypatch: Any, rule: str, seed: int
) -> None:
    """Never the flow's hint passed off as an answer when it breaks the rule: the start,
    repaired to keep every rule (stable: deferred acceptance), kept by CP-SAT, feasible,
    validated; or the flow's answer itself, proven, when it keeps the rule."""
    Interrupted.patch(monkeypatch)
    request = small_pool(seed, rule, "cpsat")
    answer = match(request)
    stopped = (("cpsat", "feasible"), ("fallback", "feasible"))
    proven = (("flow", "optimal"), ("deferred_acceptance", "optimal"))  # no search needed
    assert (answer.engine, answer.status) in stopped + proven
    assert answer.pairings and validate(request, answer) == []


def stable_pair(**program: Any) -> MatchRequest:
    """Two stable matchings: each mentee gets their first choice (m1-e1 and m2-e2, the
    deferred acceptance of mentees, within departments) or each mentor does (across)."""
    body = {
        "mentors": [
            {"id": "m1", "preferences": ["e2", "e1"], "department": "A"},
            {"id": "m2", "preferences": ["e1", "e2"], "department": "B"},
        ],
        "mentees": [
            {"id": "e1", "preferences": ["m1", "m2"], "department": "A"},
            {"id": "e2", "preferences": ["m2", "m1"], "department": "B"},
        ],
        "program": {"stable": True, "engine": "cpsat", "mentor_capacity": 1, **program},
    }
    return MatchRequest.model_validate(body)


def test_a_stable_search_stopped_before_any_solution_answers_deferred_acceptance(
    monkeypatch: Any,
) -> None:
    """Pairing nobody blocks: the start is the better end of deferred acceptance, one of
    the two stable matchings."""
    Interrupted.patch(monkeypatch)
    request = stable_pair()
    answer = match(request)
    made = {(p.mentor, p.mentee) for p in answer.pairings}
    assert made in ({("m1", "e1"), ("m2", "e2")}, {("m1", "e2"), ("m2", "e1")})
    assert answer.status == "feasible" and answer.metrics.blocking_pairs == 0
    assert validate(request, answer) == []


@pytest.mark.parametrize("engine", ["cpsat", "auto"])
def test_a_stable_search_stopped_before_any_solution_answers_a_stable_matching(
    monkeypatch: Any, engine: str
) -> None:
    """Stable used to be refused (422) here: now the better end of deferred acceptance is
    the start, stable by construction, and the answer when the search finds nothing."""
    from tests.test_stable_scale import preference_pool

    Interrupted.patch(monkeypatch)
    monkeypatch.setattr("solver.dispatch.THRESHOLDS", Thresholds(mip_max_pairs=0))
    request = preference_pool(3, 40, 15, engine=engine)
    answer = match(request)
    assert answer.status == "feasible" and answer.bound >= answer.objective
    assert answer.metrics.blocking_pairs == 0 and validate(request, answer) == []
    assert len(answer.pairings) > 0

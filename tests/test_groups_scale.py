"""`group.min_size` on its own engine (`solver/engines/groups/`): the brute-force optimum on
small pools (and `optimal` only when it is), every group at least the minimum, bounds that
hold, pins counted in their groups, conflicts when no answer exists, and the matrix path
on pools small enough to check. Timing is the benchmark's (`python -m bench.groups`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from solver import MatchRequest, MatchResponse, SolveOptions, match, validate
from solver.dispatch import Thresholds
from solver.encode.instance import instance
from solver.encode.problem import encode
from solver.encode.usable import usable_pairs
from solver.engines.groups import engine
from solver.engines.groups.dual import Dual
from solver.engines.groups.large import matrix_bound, matrix_sizes
from solver.engines.groups.plan import sizes
from solver.optimum import SCORE_SCALE, assignments, holds_program_rules, key_function
from solver.rules.by_pair import eligible_scores
from tests.pools import random_pool

Key = tuple[int, ...]
MATRIX = SolveOptions(sizes=Thresholds(groups_matrix_from=0))  # the matrix path, at any size


def grouped(seed: int, minimum: int = 2, pins: int = 0, n: int = 6, m: int = 3) -> MatchRequest:
    """Few mentees, mentors with room to spare (groups bind: the plain optimum spreads the
    mentees), caller scores, volunteers and waiting rounds, and `pins` pinned pairs."""
    rng = np.random.default_rng(seed)
    mentees = [
        {"id": f"e{i}", "volunteer": bool(rng.random() < 0.7), "waiting_rounds": int(w)}
        for i, w in enumerate(rng.integers(0, 3, size=n))
    ]
    mentors = [{"id": f"m{j}", "capacity": int(rng.integers(0, 5))} for j in range(m)]
    scores = [
        {"mentor": r["id"], "mentee": e["id"], "score": round(float(rng.uniform(0, 1)), 4)}
        for r in mentors
        for e in mentees
        if rng.random() < 0.8
    ]
    pinned = [
        {"mentor": scores[k]["mentor"], "mentee": scores[k]["mentee"]}
        for k in rng.choice(len(scores), size=min(pins, len(scores)), replace=False)
    ]
    mentees_pinned = [p["mentee"] for p in pinned]
    if len(set(mentees_pinned)) < len(mentees_pinned):
        pinned = pinned[:1]
    program = {"format": "group", "group": {"min_size": minimum}, "scores": scores}
    body = {"mentors": mentors, "mentees": mentees, "program": program | {"pinned": pinned}}
    return MatchRequest.model_validate(body)


def best_key(request: MatchRequest) -> Key | None:
    """The brute force's optimum (solver.optimum), None when no pairing keeps the rules."""
    every = assignments(request, eligible_scores(request))
    key, holds = key_function(request, [], {}), holds_program_rules(request)
    found = [key(pairs) for pairs in every if holds(pairs)]
    return max(found, default=None)


def key_of(request: MatchRequest, response: MatchResponse) -> Key:
    scores = eligible_scores(request)
    pairs = [(p.mentor, p.mentee, scores[(p.mentor, p.mentee)]) for p in response.pairings]
    return key_function(request, [], {})(pairs)


def same(found: Key, best: Key) -> bool:
    return found[:-1] == best[:-1] and abs(found[-1] - best[-1]) <= 64


def groups_hold(request: MatchRequest, response: MatchResponse) -> bool:
    minimum = request.program.group.min_size
    return all(len(group.mentees) >= minimum for group in response.groups)


@pytest.mark.parametrize("minimum", [2, 3])
@pytest.mark.parametrize("seed", range(30))
def test_groups_reach_the_brute_force_optimum(seed: int, minimum: int) -> None:
    request = grouped(seed, minimum, pins=seed % 3)
    response, best = match(request), best_key(request)
    assert validate(request, response) == []
    if best is None:
        assert response.status == "infeasible" and response.conflicts
        return
    assert response.engine == "groups" and response.status == "optimal"
    assert groups_hold(request, response)
    assert same(key_of(request, response), best)


@pytest.mark.parametrize("seed", range(30))
def test_without_the_tree_optimal_is_claimed_only_when_true_and_the_bound_holds(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No branch and bound: the answer from plans and prices, proven only by the prices."""
    monkeypatch.setattr(engine, "BRANCH_ARCS", -1)
    monkeypatch.setattr(engine, "BRANCH_SMALL", -1)
    request = grouped(seed, 2 + seed % 2, n=6, m=3)
    response, best = match(request), best_key(request)
    assert validate(request, response) == []
    if best is None:
        assert response.status == "infeasible"
        return
    assert response.status in ("optimal", "feasible") and groups_hold(request, response)
    assert key_of(request, response) <= best or same(key_of(request, response), best)
    if response.status == "optimal":
        assert same(key_of(request, response), best)
    if key_of(request, response)[:-1] == best[:-1]:
        assert response.bound >= best[-1] / SCORE_SCALE - 1e-6


@pytest.mark.parametrize("seed", range(20))
def test_the_matrix_path_reaches_the_same_optimum(seed: int) -> None:
    """Read from the score matrix (no arc per pair): the same answers, proven the same."""
    request = grouped(seed, 2 + seed % 2, pins=seed % 2)
    response, best = match(request, MATRIX), best_key(request)
    assert validate(request, response) == []
    if best is None:
        assert response.status == "infeasible"
        return
    assert response.engine == "groups" and groups_hold(request, response)
    if response.status == "optimal":
        assert same(key_of(request, response), best)
    if key_of(request, response)[:-1] == best[:-1]:
        assert response.bound >= best[-1] / SCORE_SCALE - 1e-6


@pytest.mark.parametrize("seed", range(12))
def test_any_prices_bound_every_answer(seed: int) -> None:
    """Weak duality: at random prices of at least 0, the mentors' choices alone bound the
    total of every pairing that keeps the rule (the brute force's best total), on the arcs
    and on the matrix."""
    request = grouped(seed, 2 + seed % 2)
    every = assignments(request, eligible_scores(request))
    key, holds = key_function(request, [], {}), holds_program_rules(request)
    totals = [key(pairs)[-1] for pairs in every if holds(pairs)]
    problem = encode(request)
    inst = instance(problem)
    found = sizes(inst)
    nobody = np.zeros(inst.n_mentees, dtype=bool)
    upper = np.where(found.openable, inst.capacity, 0)
    dual = Dual((inst.rows, inst.cols, inst.gain), upper, found, nobody)
    usable = usable_pairs(problem)
    rng = np.random.default_rng(seed)
    for _ in range(20):
        prices = rng.integers(0, SCORE_SCALE, size=inst.n_mentees)
        assert dual.priced(prices).bound >= max(totals)
        assert matrix_bound(
            problem, usable, matrix_sizes(usable, found.needed.max()), None, prices
        ) >= max(totals)


def test_pinned_mentees_count_towards_their_group() -> None:
    """m1 has two pinned mentees; with a minimum of 3, e3 joins them although m2 scores it
    higher: alone, m2 cannot hold a group."""
    scores = {("m1", "e1"): 0.5, ("m1", "e2"): 0.5, ("m1", "e3"): 0.2, ("m2", "e3"): 0.9}
    body: dict[str, Any] = {
        "mentors": [{"id": "m1"}, {"id": "m2"}],
        "mentees": [{"id": "e1"}, {"id": "e2"}, {"id": "e3"}],
        "program": {
            "format": "group",
            "group": {"min_size": 3},
            "pinned": [{"mentor": "m1", "mentee": "e1"}, {"mentor": "m1", "mentee": "e2"}],
            "scores": [{"mentor": m, "mentee": e, "score": s} for (m, e), s in scores.items()],
        },
    }
    request = MatchRequest.model_validate(body)
    response = match(request)
    assert validate(request, response) == []
    assert response.status == "optimal" and response.engine == "groups"
    assert [(g.mentor, sorted(g.mentees)) for g in response.groups] == [("m1", ["e1", "e2", "e3"])]


def test_a_pinned_mentor_fills_its_group_before_better_pairs_elsewhere() -> None:
    """m1's one pin needs two more mentees to reach 3, even those m2 would score higher:
    without them the pin could not stand. (The matrix path's relaxation leaves pinned
    minimums out, so there the answer is found but not proven.)"""
    scores = {("m1", "e2"): 0.1, ("m1", "e3"): 0.1, ("m2", "e2"): 0.9, ("m2", "e3"): 0.9}
    scores |= {("m2", "e4"): 0.9, ("m1", "e1"): 0.5}
    body: dict[str, Any] = {
        "mentors": [{"id": "m1"}, {"id": "m2", "capacity": 3}],
        "mentees": [{"id": f"e{i}"} for i in range(1, 5)],
        "program": {
            "format": "group",
            "group": {"min_size": 3},
            "pinned": [{"mentor": "m1", "mentee": "e1"}],
            "scores": [{"mentor": m, "mentee": e, "score": s} for (m, e), s in scores.items()],
        },
    }
    for options in (SolveOptions(), MATRIX):
        request = MatchRequest.model_validate(body)
        response = match(request, options)
        assert validate(request, response) == []
        assert response.status == ("optimal" if options is not MATRIX else "feasible")
        loads = {g.mentor: sorted(g.mentees) for g in response.groups}
        assert loads == {"m1": ["e1", "e2", "e3"]}  # e4 alone cannot open m2


@pytest.mark.parametrize("options", [SolveOptions(), MATRIX])
def test_a_pin_that_cannot_reach_the_minimum_is_infeasible_with_its_conflict(
    options: SolveOptions,
) -> None:
    """m1 has one pin and one place left: its group can never reach 3."""
    body: dict[str, Any] = {
        "mentors": [{"id": "m1", "capacity": 2}, {"id": "m2"}],
        "mentees": [{"id": f"e{i}"} for i in range(1, 6)],
        "program": {
            "format": "group",
            "group": {"min_size": 3},
            "pinned": [{"mentor": "m1", "mentee": "e1"}],
        },
    }
    request = MatchRequest.model_validate(body)
    response = match(request, options)
    assert validate(request, response) == []
    assert response.status == "infeasible" and response.pairings == []
    assert response.engine == "groups"
    assert any(c.rule == "group.min_size" for c in response.conflicts), response.conflicts


@pytest.mark.parametrize("seed", range(3))
def test_medium_pools_keep_every_group_and_an_honest_bound(seed: int) -> None:
    """90 mentees, 30 mentors with room for 6 each, groups of at least 3: the plain optimum
    spreads mentees thinly, so the rule binds; CP-SAT's proven optimum lies between the
    answer and its bound."""
    body = random_pool(seed, 90, 30, mentor_capacity=6, format="group", group={"min_size": 3})
    for mentor in body["mentors"]:
        mentor.pop("capacity", None)
    request = MatchRequest.model_validate(body)
    response = match(request)
    assert validate(request, response) == []
    assert response.engine == "groups" and response.pairings
    assert groups_hold(request, response) and response.bound >= response.objective
    cpsat = match(
        request.model_copy(
            update={
                "program": request.program.model_copy(
                    update={"engine": "cpsat", "time_limit_s": 60}
                )
            }
        )
    )
    if cpsat.status == "optimal":
        assert response.objective <= cpsat.objective + 1e-6 <= response.bound + 2e-6
        if response.status == "optimal":
            assert response.objective == pytest.approx(cpsat.objective, abs=1e-5)


def test_a_tiny_time_limit_still_gets_an_answer_that_keeps_the_rule() -> None:
    body = random_pool(1, 120, 40, mentor_capacity=6, format="group", group={"min_size": 3})
    body["program"]["time_limit_s"] = 0.01
    request = MatchRequest.model_validate(body)
    response = match(request)
    assert validate(request, response) == []
    assert response.status in ("optimal", "feasible") and response.pairings
    assert groups_hold(request, response) and response.bound >= response.objective


def test_auto_picks_groups_for_the_rule_alone_and_the_general_engines_when_asked() -> None:
    request = grouped(3)
    assert match(request).engine == "groups"
    program = request.program.model_copy(update={"engine": "cpsat"})
    assert match(request.model_copy(update={"program": program})).engine == "cpsat"
    with_cross = request.program.model_copy(
        update={"diversity": request.program.diversity.model_copy(update={"cross": {"site": 0.5}})}
    )
    assert match(request.model_copy(update={"program": with_cross})).engine != "groups"


def test_a_cancelled_search_stops_at_its_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller hangs up during the first price step: no step nor flow follows."""
    from solver.engines.groups.dual import Descent
    from solver.runtime import Cancel, Cancelled

    cancel, steps = Cancel(), []
    step = Descent.step

    def hung_up(self: Descent) -> Any:
        steps.append(1)
        cancel.cancel()
        return step(self)

    monkeypatch.setattr(Descent, "step", hung_up)
    body = random_pool(0, 90, 30, mentor_capacity=6, format="group", group={"min_size": 3})
    for mentor in body["mentors"]:
        mentor.pop("capacity", None)
    with pytest.raises(Cancelled):
        match(MatchRequest.model_validate(body), SolveOptions(cancel=cancel))
    assert steps == [1]

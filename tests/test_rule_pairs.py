"""Every pair of program rules against brute force, and short limits on hard medium pools
(issue 16, items 4 and 5).

On small pools the brute force (`solver.optimum`, independent of every engine) gives the
lexicographic optimum of each pair of rules; every engine's answer must keep the rules
and claim only what holds: `optimal` ⇒ the brute force's key exactly; `feasible` ⇒ a
key no better than the optimum, and a bound at least the optimum's total score (and at
least its own objective); no pairing at all only when nothing keeps the rules. Searches
cut short (CP-SAT stopped after its presolve) must still answer with the start that
keeps the rules and an honest bound.

On medium pools built to be hard (ties everywhere, scarce places, high shares, two
attributes), a short limit must still give pairings, `feasible` or `optimal`, with a gap
that is the bound's — never the 422 "nothing found". Asserted on statuses, keys and
gaps, never on seconds.
"""

from __future__ import annotations

import copy
import itertools
from functools import cache
from typing import Any

import numpy as np
import pytest

from generator import generate_pool
from solver import MatchRequest, MatchResponse, match, validate
from solver.optimum import assignments, balance_targets, holds_program_rules, key_function
from solver.rules.by_pair import eligible_scores
from tests.pools import random_pool
from tests.test_program_rules import Interrupted

SCALE = 10**9  # the brute force's score unit (solver.optimum.SCORE_SCALE)
RULES: dict[str, dict[str, Any]] = {
    "cross": {"diversity": {"cross": {"department": 0.8}}},
    "max_same": {"diversity": {"max_same_per_mentor": {"department": 1}}},
    "balance": {"diversity": {"balance": {"department": True}}},
    "group": {"format": "group", "group": {"min_size": 2}},
    "stable": {"stable": True},
    "fair": {"objective": "fair"},
}
PAIRS = list(itertools.combinations(sorted(RULES), 2))
SEEDS = range(6)


def with_rules(body: dict[str, Any], names: tuple[str, ...], **program: Any) -> MatchRequest:
    """The pool with these rules (merged) and settings in its program."""
    body = copy.deepcopy(body)
    for name in names:
        for field, value in RULES[name].items():
            if isinstance(value, dict):
                body["program"][field] = {**body["program"].get(field, {}), **value}
            else:
                body["program"][field] = value
    body["program"].update(program)
    return MatchRequest.model_validate(body)


def small(pair: tuple[str, str], seed: int, engine: str) -> MatchRequest:
    """Six mentees, three mentors of two places at most: 4^6 assignments at most."""
    body = random_pool(1000 * PAIRS.index(pair) + seed, 6, 3, mentor_capacity=2)
    return with_rules(body, pair, engine=engine)


@cache
def optimum(pair: tuple[str, str], seed: int) -> tuple[int, ...] | None:
    """The brute force's best key for the pair on this pool (None: nothing keeps the rules)."""
    request = small(pair, seed, "auto")
    every = assignments(request, eligible_scores(request))
    key = key_function(request, balance_targets(request, every), {})
    holds = holds_program_rules(request)
    return max((key(pairs) for pairs in every if holds(pairs)), default=None)


def key_of(request: MatchRequest, response: MatchResponse) -> tuple[int, ...]:
    """The answer's key, its pairs scored at full precision (answers show 6 decimals)."""
    scores = eligible_scores(request)
    every = assignments(request, scores)
    key = key_function(request, balance_targets(request, every), {})
    return key([(p.mentor, p.mentee, scores[(p.mentor, p.mentee)]) for p in response.pairings])


def check_claims(request: MatchRequest, response: MatchResponse, best: tuple[int, ...] | None):
    """What the answer claims holds against the brute force's optimum."""
    assert validate(request, response) == []
    if best is None:
        assert response.status == "infeasible" and response.conflicts
        return
    assert response.status in ("optimal", "feasible")
    found = key_of(request, response)
    if response.status == "optimal":
        assert found[:-1] == best[:-1] and abs(found[-1] - best[-1]) <= 64
        assert response.gap == 0
    else:
        assert found <= best or found[:-1] == best[:-1]  # no better than the optimum
        assert response.bound >= best[-1] / SCALE - 1e-6  # the bound holds for the optimum
    assert response.bound >= response.objective - 1e-9 and response.gap >= 0


@pytest.mark.parametrize("engine", ["auto", "cpsat", "mip"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pair", PAIRS, ids=["+".join(pair) for pair in PAIRS])
def test_each_pair_of_rules_reaches_the_brute_force_optimum(
    pair: tuple[str, str], seed: int, engine: str
) -> None:
    request = small(pair, seed, engine)
    response = match(request)
    check_claims(request, response, optimum(pair, seed))
    if optimum(pair, seed) is not None:
        assert response.status == "optimal"  # small pools are always proven


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pair", PAIRS, ids=["+".join(pair) for pair in PAIRS])
def test_a_search_cut_short_still_claims_only_what_holds(
    pair: tuple[str, str], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CP-SAT stopped after its presolve: the start (or nothing, as a 422 on the time
    limit, when no start keeps the rules); whatever comes back claims what holds."""
    from solver.contract.references import InvalidRequest

    Interrupted.patch(monkeypatch)
    request = small(pair, seed, "auto")
    try:
        response = match(request)
    except InvalidRequest as refused:
        assert refused.errors[0][0] == ("program", "time_limit_s")
        assert "stable" in pair  # only stability has no start that always keeps it
        return
    check_claims(request, response, optimum(pair, seed))


NOT_STABLE = [pair for pair in PAIRS if "stable" not in pair]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pair", NOT_STABLE, ids=["+".join(pair) for pair in NOT_STABLE])
def test_a_model_on_candidate_arcs_claims_only_what_holds(
    pair: tuple[str, str], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole model too large to build in time: CP-SAT on each mentee's best arc (and
    the start's and the relaxation's), its answer one of the request's, optimal only when
    it meets every level's ceiling, its bound the request's."""
    from solver.engines import general

    whole = general.build_seconds
    monkeypatch.setattr(general, "CANDIDATES", (1,))
    arcs = len(instance_of(small(pair, seed, "auto")).rows)
    monkeypatch.setattr(general, "build_seconds", lambda i: whole(i) + 1e6 * (len(i.rows) == arcs))
    request = small(pair, seed, "auto")
    check_claims(request, match(request), optimum(pair, seed))


def instance_of(request: MatchRequest) -> Any:
    from solver.encode.instance import instance
    from solver.encode.problem import encode
    from solver.engines.flow import prepared

    return prepared(instance(encode(request)))


def test_candidates_are_each_mentees_best_arcs_and_the_kept_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from solver.engines import general

    monkeypatch.setattr(general, "CANDIDATES", (8,))
    inst = instance_of(MatchRequest.model_validate(generate_pool(300, 100, 1)))
    nobody = np.full(inst.n_mentees, -1, dtype=np.int64)
    worst = nobody.copy()
    for arcs in np.split(np.arange(len(inst.rows)), np.nonzero(np.diff(inst.rows))[0] + 1):
        worst[inst.rows[arcs[0]]] = inst.cols[arcs[np.argmin(inst.gain[arcs])]]
    expected = worst[inst.rows] == inst.cols  # each mentee's worst arc, kept
    for i in np.unique(inst.rows).tolist():
        mine = np.nonzero(inst.rows == i)[0]
        expected[mine[np.argsort(-inst.gain[mine], kind="stable")[:8]]] = True
    keep = general.candidates(inst, [worst], 1e9)
    assert keep is not None and (keep == expected).all() and keep.sum() < len(inst.rows)
    assert general.candidates(inst, [nobody], 0.0) is None  # nothing builds in no time


def plain_levels(key: tuple[int, ...], fair: bool) -> tuple[int, ...]:
    """Volunteers, matched, waiting and total of a brute-force key (after any balance
    shortfalls; before the total, with `fair`, the lowest score)."""
    end = len(key) - 1 - fair
    return (*key[end - 3 : end], key[-1])


def test_the_pairs_are_not_trivial() -> None:
    """The control: for every pair, on some pool, the rules decide: the optimum differs
    from the plain request's, or nothing keeps both rules."""
    decided = set()
    for pair, seed in itertools.product(PAIRS, SEEDS):
        request = small(pair, seed, "auto")
        body = request.model_dump(exclude_none=True)
        plain = MatchRequest.model_validate({**body, "program": {"mentor_capacity": 2}})
        every = assignments(plain, eligible_scores(plain))
        plain_best = max(key_function(plain, [], {})(pairs) for pairs in every)
        best = optimum(pair, seed)
        if best is None or plain_levels(best, "fair" in pair) != plain_best:
            decided.add(pair)
    assert decided == set(PAIRS)


def tied(mentees: int, mentors: int) -> dict[str, Any]:
    """Every mentee the same person but for the id: ties everywhere, symmetry for CP-SAT."""
    body = generate_pool(mentees, mentors, 3)
    first = body["mentees"][0]
    body["mentees"] = [{**copy.deepcopy(first), "id": p["id"]} for p in body["mentees"]]
    return body


HARD: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "ties, group of 3 and a 0.9 share": (
        tied(120, 40),
        {"format": "group", "group": {"min_size": 3}, "diversity": {"cross": {"site": 0.9}}},
    ),
    "two balances, two max-same": (
        generate_pool(300, 100, 4),
        {
            "diversity": {
                "balance": {"site": True, "generation": True},
                "max_same_per_mentor": {"department": 1, "site": 1},
            }
        },
    ),
    "cross, max-same and fair, one place each": (
        generate_pool(300, 100, 5, program={"mentor_capacity": 1}),
        {
            "diversity": {"cross": {"department": 0.95}, "max_same_per_mentor": {"site": 1}},
            "objective": "fair",
        },
    ),
    "group and fair on scarce places": (
        generate_pool(300, 60, 6),
        {"format": "group", "group": {"min_size": 3}, "objective": "fair"},
    ),
    "balance and cross on two attributes": (
        generate_pool(300, 100, 7),
        {"diversity": {"balance": {"department": True}, "cross": {"site": 0.5, "department": 0.8}}},
    ),
    "stable and fair": (generate_pool(120, 40, 8), {"stable": True, "objective": "fair"}),
    "stable and balance": (
        generate_pool(120, 40, 9),
        {"stable": True, "diversity": {"balance": {"site": True}}},
    ),
}


@pytest.mark.parametrize("limit", [0.2, 1.0])
@pytest.mark.parametrize("case", sorted(HARD))
def test_a_short_limit_on_a_hard_medium_pool_still_answers(case: str, limit: float) -> None:
    """Pairings, `feasible` or `optimal`, and a gap that is the bound's."""
    body, program = HARD[case]
    request = MatchRequest.model_validate(
        {**body, "program": {**body["program"], **program, "time_limit_s": limit}}
    )
    response = match(request)
    assert response.status in ("optimal", "feasible") and response.pairings
    assert validate(request, response) == []
    assert response.bound >= response.objective - 1e-9
    gap = (response.bound - response.objective) / response.bound
    assert response.gap == pytest.approx(gap, abs=2e-6) and response.gap >= 0
    if response.status == "optimal":
        assert response.gap == 0

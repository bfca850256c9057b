"""The optimum is the optimum: brute force, scipy and every engine agree.

Eligibility and scores in the brute force come from the validator's own
scalar checks, not from the solver's arrays.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from scipy.optimize import linear_sum_assignment

from solver import MatchRequest, MatchResponse, match, validate
from solver.engines.flow import _on_their_grid
from solver.rules.by_pair import managers_of, pair_violations
from solver.rules.criteria import score_pair
from tests.pools import pools, random_pool

Key = tuple[int, int, int, float]


def response_key(request: MatchRequest, response: MatchResponse) -> Key:
    mentees = {p.id: p for p in request.mentees}
    matched = [mentees[p.mentee] for p in response.pairings]
    return (
        sum(p.volunteer for p in matched),
        len(matched),
        sum(p.waiting_rounds for p in matched),
        sum(p.score for p in response.pairings),
    )


def brute_force_key(request: MatchRequest) -> Key:
    """Every assignment of mentees to a mentor or none; the lexicographic best key."""
    program, managers = request.program, managers_of(request)
    options: list[list[tuple[int, float] | None]] = []
    for mentee in request.mentees:
        choices: list[tuple[int, float] | None] = [None]
        for j, mentor in enumerate(request.mentors):
            score = score_pair(mentor, mentee, program.effective_weights(), program.format)
            if not pair_violations(mentor, mentee, program, managers, score):
                choices.append((j, score))
        options.append(choices)
    capacity = [
        program.mentor_capacity if m.capacity is None else m.capacity for m in request.mentors
    ]
    best: Key = (-1, -1, -1, -1.0)
    for combo in itertools.product(*options):
        load = np.bincount([c[0] for c in combo if c], minlength=len(capacity))
        if (load > capacity).any():
            continue
        chosen = [(request.mentees[i], c) for i, c in enumerate(combo) if c]
        key = (
            sum(p.volunteer for p, _ in chosen),
            len(chosen),
            sum(p.waiting_rounds for p, _ in chosen),
            sum(c[1] for _, c in chosen),
        )
        if key[:3] > best[:3] or (key[:3] == best[:3] and key[3] > best[3] + 1e-12):
            best = key
    return best


def assert_same_key(found: Key, expected: Key) -> None:
    assert found[:3] == expected[:3]
    assert found[3] == pytest.approx(expected[3], abs=1e-5)


@pytest.mark.parametrize("seed", range(40))
def test_flow_matches_brute_force_on_small_pools(seed: int) -> None:
    body = random_pool(seed, n_mentees=6, n_mentors=3, mentor_capacity=2)
    request = MatchRequest.model_validate(body)
    response = match(request)
    assert validate(request, response) == []
    assert response.status == "optimal"
    assert_same_key(response_key(request, response), brute_force_key(request))


@pytest.mark.parametrize("engine", ["cpsat", "mip"])
@pytest.mark.parametrize("seed", range(8))
def test_every_engine_matches_brute_force(engine: str, seed: int) -> None:
    body = random_pool(100 + seed, n_mentees=5, n_mentors=3, mentor_capacity=2, engine=engine)
    request = MatchRequest.model_validate(body)
    response = match(request)
    assert validate(request, response) == []
    assert response.status == "optimal" and response.engine == engine
    assert_same_key(response_key(request, response), brute_force_key(request))


def explicit_scores(
    seed: int, n_mentees: int, n_mentors: int, decimals: int | None = None
) -> dict[str, Any]:
    """Scores in [0, 1]; with `decimals`, on a grid (the flow's costs are then divided)."""
    rng = np.random.default_rng(seed)
    capacity = rng.integers(1, 4, size=n_mentors)
    values = rng.random((n_mentees, n_mentors))
    values = values if decimals is None else np.round(values, decimals)
    return {
        "mentors": [{"id": f"m{j}", "capacity": int(c)} for j, c in enumerate(capacity)],
        "mentees": [{"id": f"e{i}"} for i in range(n_mentees)],
        "program": {
            "scores": [
                {"mentor": f"m{j}", "mentee": f"e{i}", "score": float(values[i, j])}
                for i in range(n_mentees)
                for j in range(n_mentors)
            ],
            "suggestions": 0,
        },
    }


@pytest.mark.parametrize(
    ("n_mentees", "n_mentors", "seed", "decimals"),
    [(60, 25, 1, None), (150, 40, 2, None), (90, 90, 3, None), (90, 40, 4, 1), (150, 60, 5, 2)],
)
def test_flow_equals_scipy_assignment_with_replicated_mentors(
    n_mentees: int, n_mentors: int, seed: int, decimals: int | None
) -> None:
    body = explicit_scores(seed, n_mentees, n_mentors, decimals)
    request = MatchRequest.model_validate(body)
    score = np.zeros((n_mentees, n_mentors))
    for s in body["program"]["scores"]:
        score[int(s["mentee"][1:]), int(s["mentor"][1:])] = s["score"]
    slots = [j for j, m in enumerate(body["mentors"]) for _ in range(m["capacity"])]
    rows, cols = linear_sum_assignment(score[:, slots], maximize=True)
    expected = float(score[:, slots][rows, cols].sum())
    response = match(request)
    assert validate(request, response) == []
    assert len(response.pairings) == min(n_mentees, len(slots))
    # Scores are reported to 6 decimals; the optimum itself is exact at 1e-9.
    assert response.objective == pytest.approx(expected, abs=1e-6 * len(rows) + 1e-9)


def test_costs_on_a_grid_are_divided_by_their_step_and_others_are_kept() -> None:
    keep = np.array([True, True, True, False])
    on_grid = _on_their_grid(np.array([30_000_000, 50_000_000, 0, 7]), keep)
    assert on_grid[keep].tolist() == [3, 5, 0]
    assert _on_their_grid(np.array([3, 5, 7]), np.ones(3, dtype=bool)).tolist() == [3, 5, 7]


def test_fine_score_differences_are_not_lost_to_rounding() -> None:
    """A cast like int(100 * score) would tie these and could pick the worse pairing."""
    body = {
        "mentors": [{"id": "m1", "capacity": 1}, {"id": "m2", "capacity": 1}],
        "mentees": [{"id": "e1"}, {"id": "e2"}],
        "program": {
            "scores": [
                {"mentor": "m1", "mentee": "e1", "score": 0.503},
                {"mentor": "m2", "mentee": "e2", "score": 0.503},
                {"mentor": "m1", "mentee": "e2", "score": 0.507},
                {"mentor": "m2", "mentee": "e1", "score": 0.501},
            ]
        },
    }
    response = match(MatchRequest.model_validate(body))
    assert {(p.mentor, p.mentee) for p in response.pairings} == {("m1", "e2"), ("m2", "e1")}
    assert response.objective == pytest.approx(1.008)


@pytest.mark.parametrize("seed", range(4))
def test_flow_cpsat_and_mip_agree_on_medium_pools(seed: int) -> None:
    keys = []
    for engine in ("flow", "cpsat", "mip"):
        body = random_pool(500 + seed, n_mentees=40, n_mentors=15, mentor_capacity=2, engine=engine)
        request = MatchRequest.model_validate(body)
        response = match(request)
        assert validate(request, response) == []
        assert response.status == "optimal"
        keys.append(response_key(request, response))
    assert_same_key(keys[1], keys[0])
    assert_same_key(keys[2], keys[0])


@settings(max_examples=60, deadline=None)
@given(pools)
def test_every_response_is_valid_and_loses_nobody(body: dict[str, Any]) -> None:
    request = MatchRequest.model_validate(body)
    response = match(request)
    assert validate(request, response) == []
    paired = {p.mentee for p in response.pairings} | {p.mentor for p in response.pairings}
    listed = {u.id for u in response.unmatched}
    assert {p.id for p in request.mentees} | {p.id for p in request.mentors} <= paired | listed


@settings(max_examples=30, deadline=None)
@given(pools)
def test_flow_matches_brute_force_on_generated_pools(body: dict[str, Any]) -> None:
    request = MatchRequest.model_validate(body)
    response = match(request)
    assert_same_key(response_key(request, response), brute_force_key(request))


@pytest.mark.parametrize("seed", range(30))
def test_class_counts_are_the_lexicographic_best_of_every_assignment(seed: int) -> None:
    from solver.encode.instance import Instance
    from solver.engines.flow import class_counts

    rng = np.random.default_rng(seed)
    n, m = 7, 3
    pairs = [(i, j) for i in range(n) for j in range(m) if rng.random() < 0.45]
    rows, cols = (np.array([p[k] for p in pairs], dtype=np.int64) for k in (0, 1))
    capacity = rng.integers(1, 3, m).astype(np.int64)
    inst = Instance(
        n_mentees=n,
        n_mentors=m,
        rows=rows,
        cols=cols,
        gain=np.zeros(len(pairs), dtype=np.int64),
        capacity=capacity,
        volunteer=np.ones(n, dtype=bool),
        waiting=np.zeros(n, dtype=np.int64),
        pinned_load=np.zeros(m, dtype=np.int64),
    )
    classes = rng.integers(1, 4, n).astype(np.int64)
    options = [[-1] + [j for i2, j in pairs if i2 == i] for i in range(n)]
    best: tuple[int, ...] = (0, 0, 0)
    for choice in itertools.product(*options):
        taken = [j for j in choice if j >= 0]
        if any(taken.count(j) > capacity[j] for j in set(taken)):
            continue
        matched = [classes[i] for i in range(n) if choice[i] >= 0]
        best = max(best, tuple(matched.count(c) for c in (3, 2, 1)))
    counts = class_counts(inst, classes)
    assert len(counts) == int(classes.max()) + 1
    counts = np.pad(counts, (0, 4 - len(counts)))
    assert tuple(int(counts[c]) for c in (3, 2, 1)) == best
    assert counts[0] == 0

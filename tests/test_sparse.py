"""The sparse flow's proof: an answer found on few candidates is the optimum of all pairs.

`sparse` runs from `Thresholds.sparse_from` arcs; here the threshold and the candidate counts are
lowered so that small pools go through it, rounds of added pairs included, and every
answer is compared with the flow on every pair.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest

from generator.pools import generate_pool
from solver import MatchRequest, match, validate
from solver.dispatch import Thresholds
from solver.encode.instance import instance, lexicographic_key
from solver.encode.problem import encode
from solver.engines.flow import solve_flow
from solver.engines.large.potentials import potentials

sparse = importlib.import_module("solver.engines.large.arcs")
dispatch = importlib.import_module("solver.dispatch")


@pytest.fixture
def everything_sparse(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    proofs: list[Any] = []
    original = sparse.solve_sparse

    def spy(inst: Any) -> Any:
        found = original(inst)
        proofs.append(found)
        return found

    monkeypatch.setattr(dispatch, "THRESHOLDS", Thresholds(sparse_from=0))
    monkeypatch.setattr(sparse, "PER_MENTEE", 2)
    monkeypatch.setattr(sparse, "PER_MENTOR", 1)
    monkeypatch.setattr(sparse, "ROUNDS", 20)
    monkeypatch.setattr(sparse, "solve_sparse", spy)
    return proofs


@pytest.mark.parametrize("seed", range(12))
def test_the_proven_sparse_answer_is_the_optimum_of_every_pair(
    seed: int, everything_sparse: list[Any]
) -> None:
    body = generate_pool(60, 18, seed)
    inst = instance(encode(MatchRequest.model_validate(body)))
    full = solve_flow(inst)
    found = sparse.flow_answer(inst, 0)
    assert everything_sparse and everything_sparse[-1] is not None, "no proof"
    assert found.proven
    assert lexicographic_key(inst, found.assignment) == lexicographic_key(inst, full.assignment)


def test_an_answer_that_is_not_optimal_gets_no_proof(everything_sparse: list[Any]) -> None:
    body = generate_pool(40, 12, 3)
    inst = instance(encode(MatchRequest.model_validate(body)))
    keep = np.ones(len(inst.rows), dtype=bool)
    best = solve_flow(inst).assignment
    worse = best.copy()
    worse[np.nonzero(best >= 0)[0][0]] = -1  # one mentee fewer than the optimum
    assert potentials(inst, keep, best) is not None
    assert potentials(inst, keep, worse) is None  # a negative cycle: no potentials


def test_through_match_the_answer_validates_and_says_optimal(everything_sparse: list[Any]) -> None:
    request = MatchRequest.model_validate(generate_pool(80, 30, 9))
    answer = match(request)
    assert answer.status == "optimal" and validate(request, answer) == []
    assert everything_sparse and everything_sparse[-1] is not None

"""From a request to arrays: every pair scored, every hard rule applied, capacities, pins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from solver.contract.request import MatchRequest
from solver.encode.pool import Pool
from solver.encode.scores import score_matrix
from solver.rules.hard import RuleContext, exclusions


@dataclass(frozen=True)
class Problem:
    """A request as arrays: rows are mentees, columns mentors."""

    request: MatchRequest
    pool: Pool
    weights: dict[str, float]
    score: np.ndarray
    excluded: dict[str, np.ndarray]
    eligible: np.ndarray
    capacity: np.ndarray
    volunteer: np.ndarray
    waiting: np.ndarray
    pins: list[tuple[int, int]] = field(default_factory=list)

    @property
    def caller_scores(self) -> bool:
        return self.request.program.scores is not None


def _caller_scores(request: MatchRequest, pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    score, scored = np.zeros(pool.shape), np.zeros(pool.shape, dtype=bool)
    for pair in request.program.scores or []:
        i, j = pool.mentee_index[pair.mentee], pool.mentor_index[pair.mentor]
        score[i, j], scored[i, j] = pair.score, True
    return score, scored


def encode(request: MatchRequest, extra_waiting: Mapping[str, int] | None = None) -> Problem:
    """Score every pair, apply every hard rule and read capacities and pins. `extra_waiting`
    adds rounds to some mentees' `waiting_rounds` (re-matching serves those already in the
    program first; the sum may pass the contract's limit on a request's field)."""
    extra = extra_waiting or {}
    program = request.program
    pool = Pool(request.mentors, request.mentees)
    weights = {name: w for name, w in program.effective_weights().items() if w > 0}
    scored = None
    if program.scores is not None:
        score, scored = _caller_scores(request, pool)
    else:
        score = score_matrix(pool, weights, program.format)
    excluded = exclusions(RuleContext(pool, program, score, scored))
    blocked = np.zeros(pool.shape, dtype=bool)
    for mask in excluded.values():
        blocked |= mask
    eligible = np.logical_not(blocked, out=blocked)
    default = program.mentor_capacity
    capacity = np.array([default if m.capacity is None else m.capacity for m in pool.mentors])
    pins = [(pool.mentee_index[p.mentee], pool.mentor_index[p.mentor]) for p in program.pinned]
    return Problem(
        request=request,
        pool=pool,
        weights=weights,
        score=score,
        excluded=excluded,
        eligible=eligible,
        capacity=capacity.astype(np.int64),
        volunteer=np.array([p.volunteer for p in pool.mentees], dtype=bool),
        waiting=np.array(
            [p.waiting_rounds + extra.get(p.id, 0) for p in pool.mentees], dtype=np.int64
        ),
        pins=pins,
    )


def free_places(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Which mentees are not pinned, and each mentor's places left once pins are placed
    (negative when pins overfill a mentor: `pin_conflicts` refuses that first)."""
    capacity = problem.capacity.copy()
    free = np.ones(len(problem.pool.mentees), dtype=bool)
    for i, j in problem.pins:
        capacity[j] -= 1
        free[i] = False
    return free, capacity

"""From a request to arrays (`Problem`) and from a problem to what an engine sees (`Instance`).

Engines see only `Instance`: candidate arcs, integer gains, capacities and
mentee priorities. Scores are floats in [0, 1]; engines work on integers, so
each score is quantised to `SCORE_SCALE` steps (1e-9). The optimum found is
exact for scores at that resolution — far below any difference a manager sees,
unlike a cast such as `int(100 * score)`, which merges scores 0.01 apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from solver.criteria import score_matrix
from solver.features import Pool
from solver.rules import RuleContext, exclusions
from solver.schema import MatchRequest

SCORE_SCALE = 10**9


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


@dataclass(frozen=True)
class Instance:
    """What an engine solves: arcs between free mentees and mentors with room."""

    n_mentees: int
    n_mentors: int
    rows: np.ndarray  # mentee of each candidate arc
    cols: np.ndarray  # mentor of each candidate arc
    gain: np.ndarray  # int64, quantised score of each arc
    capacity: np.ndarray  # places left per mentor once pins are placed
    volunteer: np.ndarray
    waiting: np.ndarray


def _caller_scores(request: MatchRequest, pool: Pool) -> tuple[np.ndarray, np.ndarray]:
    score, scored = np.zeros(pool.shape), np.zeros(pool.shape, dtype=bool)
    for pair in request.program.scores or []:
        i, j = pool.mentee_index[pair.mentee], pool.mentor_index[pair.mentor]
        score[i, j], scored[i, j] = pair.score, True
    return score, scored


def encode(request: MatchRequest) -> Problem:
    """Score every pair, apply every hard rule and read capacities and pins."""
    program = request.program
    pool = Pool(request.mentors, request.mentees)
    weights = {name: w for name, w in program.effective_weights().items() if w > 0}
    scored = None
    if program.scores is not None:
        score, scored = _caller_scores(request, pool)
    else:
        score = score_matrix(pool, weights)
    excluded = exclusions(RuleContext(pool, program, score, scored))
    eligible = np.ones(pool.shape, dtype=bool)
    for mask in excluded.values():
        eligible &= ~mask
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
        waiting=np.array([p.waiting_rounds for p in pool.mentees], dtype=np.int64),
        pins=pins,
    )


def quantise(score: np.ndarray) -> np.ndarray:
    return np.rint(score * SCORE_SCALE).astype(np.int64)


def instance(problem: Problem) -> Instance:
    """The free part of the problem: mentees not pinned, mentors' places left after pins."""
    capacity = problem.capacity.copy()
    free = np.ones(len(problem.pool.mentees), dtype=bool)
    for i, j in problem.pins:
        capacity[j] -= 1
        free[i] = False
    candidates = problem.eligible & free[:, None] & (capacity > 0)[None, :]
    rows, cols = np.nonzero(candidates)
    return Instance(
        n_mentees=len(free),
        n_mentors=len(capacity),
        rows=rows.astype(np.int64),
        cols=cols.astype(np.int64),
        gain=quantise(problem.score[rows, cols]),
        capacity=np.maximum(capacity, 0),
        volunteer=problem.volunteer,
        waiting=problem.waiting,
    )


@dataclass(frozen=True)
class Solution:
    """An engine's answer: each mentee's mentor (-1 for none) and how sure it is."""

    assignment: np.ndarray
    proven: bool
    gain_bound: int | None = None  # an upper bound on the total gain, when not proven


def priority_class(inst: Instance) -> np.ndarray:
    """Each mentee's rank in the lexicographic order: volunteers first, then longest waiting.

    Rank 1 is the lowest class. Matching mentees by these ranks alone gives the
    lexicographic optimum of the contract (volunteers, then count, then waiting).
    """
    keys = inst.volunteer.astype(np.int64) * (int(inst.waiting.max(initial=0)) + 1) + inst.waiting
    _, rank = np.unique(keys, return_inverse=True)
    return rank.astype(np.int64) + 1


def lexicographic_key(inst: Instance, assignment: np.ndarray) -> tuple[int, int, int, int]:
    """(matched volunteers, matched, waiting served, total gain) of an assignment."""
    matched = assignment >= 0
    gains = dict(
        zip(
            zip(inst.rows.tolist(), inst.cols.tolist(), strict=True),
            inst.gain.tolist(),
            strict=True,
        )
    )
    total = sum(gains[(i, int(assignment[i]))] for i in np.nonzero(matched)[0].tolist())
    return (
        int(inst.volunteer[matched].sum()),
        int(matched.sum()),
        int(inst.waiting[matched].sum()),
        total,
    )

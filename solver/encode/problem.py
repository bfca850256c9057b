"""From a request to arrays: every pair scored, every hard rule applied, capacities, pins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from solver.contract.request import MatchRequest
from solver.encode.blocks import BlockScores, packed_eligible
from solver.encode.pool import Pool
from solver.encode.scores import ScoreTables, score_tables
from solver.encode.units import Units, caller_range, units_of
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
    shown: np.ndarray | None = None  # caller scores in their units, NaN where not scored
    units: Units = field(default_factory=Units)  # `score` = (`shown` - low) / width
    blockwise: bool = False  # score and eligible are read by blocks, never held whole

    @property
    def caller_scores(self) -> bool:
        program = self.request.program
        return program.scores is not None or program.score_matrix is not None

    @property
    def display(self) -> np.ndarray:
        """Scores as the answer reports them: the caller's own, or the criteria's."""
        return self.score if self.shown is None else self.shown


def _blockwise_problem(
    request: MatchRequest, tables: ScoreTables, weights: dict[str, float], extra: Mapping[str, int]
) -> Problem | None:
    """The problem read by blocks, or None when a criterion is scored densely."""
    if tables.dense:
        return None
    pool, program = tables.pool, request.program
    score = BlockScores(tables)
    eligible = packed_eligible(pool, program, score)
    # They answer the block and cell reads of the plain matrix path (see `encode/blocks.py`).
    return Problem(
        request=request,
        pool=pool,
        weights=weights,
        score=cast(np.ndarray, score),
        excluded={},
        eligible=cast(np.ndarray, eligible),
        capacity=_capacity(request),
        volunteer=np.array([p.volunteer for p in pool.mentees], dtype=bool),
        waiting=_waiting(request, extra),
        blockwise=True,
    )


def _capacity(request: MatchRequest) -> np.ndarray:
    default = request.program.mentor_capacity
    return np.array(
        [default if m.capacity is None else m.capacity for m in request.mentors], dtype=np.int64
    )


def _waiting(request: MatchRequest, extra: Mapping[str, int]) -> np.ndarray:
    return np.array([p.waiting_rounds + extra.get(p.id, 0) for p in request.mentees], np.int64)


def _caller_list(request: MatchRequest, pool: Pool) -> np.ndarray:
    shown = np.full(pool.shape, np.nan)
    for pair in request.program.scores or []:
        shown[pool.mentee_index[pair.mentee], pool.mentor_index[pair.mentor]] = pair.score
    return shown


def _caller_matrix(request: MatchRequest, pool: Pool) -> np.ndarray:
    """The matrix's values in the pool's order (the array itself when already so)."""
    matrix = request.program.score_matrix
    assert matrix is not None
    values = matrix.values.array
    row = {mentee: r for r, mentee in enumerate(matrix.mentees)}
    column = {mentor: c for c, mentor in enumerate(matrix.mentors)}
    rows = np.array([row[p.id] for p in pool.mentees], dtype=np.int64)
    cols = np.array([column[p.id] for p in pool.mentors], dtype=np.int64)
    if not np.array_equal(rows, np.arange(len(rows))):
        values = values[rows]
    if not np.array_equal(cols, np.arange(len(cols))):
        values = values[:, cols]
    return values


def _caller_scores(request: MatchRequest, pool: Pool) -> tuple[np.ndarray, np.ndarray, Units]:
    """The caller's scores in their units, the pairs scored, and the engines' units."""
    program = request.program
    shown = _caller_list(request, pool) if program.scores is not None else None
    shown = _caller_matrix(request, pool) if shown is None else shown
    found = caller_range(program)
    units = Units() if found is None else units_of(*found)
    return shown, ~np.isnan(shown), units


def encode(
    request: MatchRequest,
    extra_waiting: Mapping[str, int] | None = None,
    by_blocks: bool = False,
) -> Problem:
    """Score every pair, apply every hard rule and read capacities and pins. `extra_waiting`
    adds rounds to some mentees' `waiting_rounds` (re-matching serves those already in the
    program first; the sum may pass the contract's limit on a request's field). `by_blocks`:
    the scores are recomputed on each read, never held (`encode/blocks.py`), unless a
    criterion is scored densely."""
    extra, program = extra_waiting or {}, request.program
    pool = Pool(request.mentors, request.mentees)
    weights = {name: w for name, w in program.effective_weights().items() if w > 0}
    scored, shown, units = None, None, Units()
    if program.scores is not None or program.score_matrix is not None:
        shown, scored, units = _caller_scores(request, pool)
        score = units.engine(shown)
    else:
        tables = score_tables(pool, weights, program.format)
        if by_blocks:
            found = _blockwise_problem(request, tables, weights, extra)
            if found is not None:
                return found
        score = tables.rows(0, pool.shape[0])
    # the rules read the caller's units:
    excluded = exclusions(RuleContext(pool, program, score if shown is None else shown, scored))
    return Problem(
        request=request,
        pool=pool,
        weights=weights,
        score=score,
        excluded=excluded,
        eligible=_eligible(pool, excluded),
        capacity=_capacity(request),
        volunteer=np.array([p.volunteer for p in pool.mentees], dtype=bool),
        waiting=_waiting(request, extra),
        pins=[(pool.mentee_index[p.mentee], pool.mentor_index[p.mentor]) for p in program.pinned],
        shown=shown,
        units=units,
    )


def _eligible(pool: Pool, excluded: dict[str, np.ndarray]) -> np.ndarray:
    """The pairs no hard rule excludes."""
    blocked = np.zeros(pool.shape, dtype=bool)
    for mask in excluded.values():
        blocked |= mask
    return np.logical_not(blocked, out=blocked)


def free_places(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Which mentees are not pinned, and each mentor's places left once pins are placed
    (negative when pins overfill a mentor: `pin_conflicts` refuses that first)."""
    capacity = problem.capacity.copy()
    free = np.ones(len(problem.pool.mentees), dtype=bool)
    for i, j in problem.pins:
        capacity[j] -= 1
        free[i] = False
    return free, capacity

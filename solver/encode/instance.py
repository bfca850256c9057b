"""From a request to arrays (`Problem`) and from a problem to what an engine sees (`Instance`).

Engines see only `Instance`: candidate arcs, integer gains, capacities and
mentee priorities. Scores are floats in [0, 1]; engines work on integers, so
each score is quantised to `SCORE_SCALE` steps (1e-9). The optimum found is
exact for scores at that resolution — far below any difference a manager sees,
unlike a cast such as `int(100 * score)`, which merges scores 0.01 apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from solver.encode.keys import cells_of, found_in
from solver.encode.problem import Problem, free_places
from solver.encode.quantise import quantise
from solver.rules.program import ProgramRule
from solver.rules.program import bind as program_rules

R = TypeVar("R", bound=ProgramRule)


@dataclass(frozen=True)
class Instance:
    """What an engine solves: arcs between free mentees and mentors with room, and the
    program's rules as arrays over those arcs."""

    n_mentees: int
    n_mentors: int
    rows: np.ndarray  # mentee of each candidate arc
    cols: np.ndarray  # mentor of each candidate arc
    gain: np.ndarray  # int64, quantised score of each arc
    capacity: np.ndarray  # places left per mentor once pins are placed
    volunteer: np.ndarray
    waiting: np.ndarray
    rules: tuple[ProgramRule, ...] = ()
    pinned_load: np.ndarray | None = None  # pinned mentees per mentor
    pinned_min_gain: int | None = None  # the lowest gain among pinned pairs

    def pinned_per_mentor(self) -> np.ndarray:
        if self.pinned_load is None:
            return np.zeros(self.n_mentors, dtype=np.int64)
        return self.pinned_load

    def all(self, rule: type[R]) -> list[R]:
        """The bound rules of one kind (one per attribute for diversity rules)."""
        return [bound for bound in self.rules if isinstance(bound, rule)]

    def has(self, rule: type[ProgramRule]) -> bool:
        return any(isinstance(bound, rule) for bound in self.rules)

    def subset(self, keep: np.ndarray) -> Instance:
        """The same instance on fewer arcs (a boolean mask over arcs, order kept)."""
        return replace(
            self,
            rows=self.rows[keep],
            cols=self.cols[keep],
            gain=self.gain[keep],
            rules=tuple(bound.subset(keep) for bound in self.rules),
        )


def instance(problem: Problem) -> Instance:
    """The free part of the problem: mentees not pinned, mentors' places left after pins."""
    free, capacity = free_places(problem)
    candidates = problem.eligible & free[:, None] & (capacity > 0)[None, :]
    rows, cols = cells_of(candidates)
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    gain = quantise(problem.score[rows, cols])
    pinned_gains = [int(quantise(problem.score[i, j])) for i, j in problem.pins]
    return Instance(
        n_mentees=len(free),
        n_mentors=len(capacity),
        rows=rows,
        cols=cols,
        gain=gain,
        capacity=np.maximum(capacity, 0),
        volunteer=problem.volunteer,
        waiting=problem.waiting,
        rules=program_rules(problem, rows, cols, gain),
        pinned_load=problem.capacity - capacity,
        pinned_min_gain=min(pinned_gains) if pinned_gains else None,
    )


def bonus_pairs(
    problem: Problem, bonus: dict[tuple[str, str], float]
) -> tuple[np.ndarray, np.ndarray]:
    """The row-major keys (mentee × mentors + mentor, increasing) of the (mentor id, mentee
    id) pairs of a bonus that name people of the pool, and their extra gain in gain units
    (the bonus is in the scores' units: the caller's own for caller scores)."""
    mentees, mentors = problem.pool.mentee_index, problem.pool.mentor_index
    found = {
        mentees[mentee] * len(mentors) + mentors[mentor]: extra
        for (mentor, mentee), extra in bonus.items()
        if mentee in mentees and mentor in mentors
    }
    keys = np.array(sorted(found), dtype=np.int64)
    extra = np.array([found[k] for k in keys.tolist()], dtype=np.float64)
    return keys, quantise(extra / problem.units.width)  # in the engines' units


def with_bonus(inst: Instance, problem: Problem, bonus: dict[tuple[str, str], float]) -> Instance:
    """Extra gain on some (mentor id, mentee id) arcs, in score units: re-matching rewards
    the current pairs so that a change must gain more than its penalty."""
    if not bonus:
        return inst
    keys = inst.rows * inst.n_mentors + inst.cols  # increasing: arcs are in row-major order
    wanted, extra = bonus_pairs(problem, bonus)
    at, hit = found_in(keys, wanted)
    gain = inst.gain.copy()
    gain[at[hit]] += extra[hit]
    return replace(inst, gain=gain)


@dataclass(frozen=True)
class Solution:
    """An engine's answer: each mentee's mentor (-1 for none) and how sure it is."""

    assignment: np.ndarray
    proven: bool
    gain_bound: int | None = None  # an upper bound on the total gain, when not proven
    feasible: bool = True  # False: no assignment satisfies the rules (proven) or none found


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

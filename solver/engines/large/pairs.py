"""The large path's arcs: the instance on chosen pairs, with a Lagrangian penalty or a re-match
bonus added to their gains."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance, bonus_pairs
from solver.encode.keys import found_in
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable, pair_gains
from solver.rules.program import MaxSamePerMentor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Penalty:
    """Gain units added to each pair by an attribute it crosses or not (a Lagrangian term):
    `crossing` when mentee and mentor both have the attribute and differ, `same` when both
    have it and agree, nothing when either lacks it. Not `scored`: the gains are the penalty
    alone (a share's credit, to find the most of it), the scores count for nothing."""

    mentee: np.ndarray  # attribute code per mentee, -1 when missing
    mentor: np.ndarray
    crossing: int
    same: int
    scored: bool = True

    def of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Per pair (broadcast over rows and cols), the penalty in gain units."""
        e, m = self.mentee[rows], self.mentor[cols]
        known = (e >= 0) & (m >= 0)
        return np.where(known & (e != m), self.crossing, np.where(known, self.same, 0))

    @property
    def largest(self) -> int:
        return max(abs(self.crossing), abs(self.same))


@dataclass(frozen=True)
class Bonus:
    """Gain units added to a few usable pairs (re-matching rewards the running pairs).

    Those pairs are arcs in every round, so the potentials cover them with their bonus;
    the proof reads gains from the score matrix alone, and arcs never fail it."""

    keys: np.ndarray  # row-major, increasing
    gain: np.ndarray

    def of(self, keys: np.ndarray) -> np.ndarray:
        """The bonus of each of these keys, 0 for pairs without one."""
        at, hit = found_in(self.keys, keys)
        extra = np.zeros(len(keys), dtype=np.int64)
        extra[hit] = self.gain[at[hit]]
        return extra

    @property
    def largest(self) -> int:
        return int(np.abs(self.gain).max(initial=0))


def bonus_of(problem: Problem, usable: Usable, bonus: dict[tuple[str, str], float]) -> Bonus:
    """The bonus on the usable pairs it names (pairs pinned or ruled out get none)."""
    keys, gain = bonus_pairs(problem, bonus)
    keep = usable.mask.ravel()[keys]
    return Bonus(keys[keep], gain[keep])


def arcs_instance(
    problem: Problem,
    usable: Usable,
    keys: np.ndarray,
    penalty: Penalty | None = None,
    bonus: Bonus | None = None,
    same: MaxSamePerMentor | None = None,
) -> Instance:
    """The instance on the given pairs only (row-major keys, increasing), with the max-same
    rule of one attribute when given (the flows route it through (mentor, value) nodes)."""
    m = problem.score.shape[1]
    rows, cols = keys // m, keys % m
    gain = pair_gains(problem, keys)
    if penalty is not None and not penalty.scored:
        gain = np.zeros(len(keys), dtype=np.int64)
    if penalty is not None:
        gain += penalty.of(rows, cols)
    if bonus is not None:
        gain += bonus.of(keys)
    return Instance(
        n_mentees=problem.score.shape[0],
        n_mentors=m,
        rows=rows,
        cols=cols,
        gain=gain,
        capacity=usable.capacity,
        volunteer=problem.volunteer,
        waiting=problem.waiting,
        pinned_load=usable.pinned_load,
        rules=() if same is None else (same,),
    )


def total(problem: Problem, assignment: np.ndarray) -> int:
    """Σ gain of an assignment's pairs, in gain units (the flows', without penalties)."""
    matched = np.nonzero(assignment >= 0)[0]
    gains = np.rint(problem.score[matched, assignment[matched]] * SCORE_SCALE)
    return int(gains.astype(np.int64).sum())

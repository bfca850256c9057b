"""The proof of balance's levels for every pair, read block by block from the score matrix.

A pair left out of the arcs carries no flow. Added to the network, it keeps every level's
optimum iff its reduced cost under each level's optimal potentials π_k, read in the
levels' order, is positive (that level fixes it at zero: every later level sees no
arc), zero (the next level decides) or, at the last, not negative. Its cost is 0 on every
level but the last, −gain there, so the reduced costs are π_k(mentee) − π_k(mentor) and
−gain + π(mentee) − π(mentor). A pair fails when the first of them that is not zero is
negative: the level it fails at and every later one must be solved again with it; the
potentials of the levels before stay optimal duals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.keys import cells_of
from solver.encode.problem import Problem
from solver.encode.usable import Usable
from solver.engines.large.near import NEAR_PER_MENTEE, Found, Pass, best_per_row, combined
from solver.engines.large.proof import PROOF_BLOCK, _block_gain
from solver.runtime import in_blocks

EARLY = 2**62  # the slack given a pair that fails before the last level: it joins first


@dataclass(frozen=True)
class LevelPass:
    """A pass over every pair: what it found (`Pass`) and the first level a pair fails at
    (the number of levels when none fails)."""

    found: Pass
    level: int

    def __str__(self) -> str:
        return f"{self.found} level={self.level}"


@dataclass(frozen=True)
class Block:
    """One block's pairs below the margin and the first level one of them fails at."""

    found: Found
    level: int


def _open(usable: Usable, rows: np.ndarray, arcs: np.ndarray) -> np.ndarray:
    """The usable pairs of these rows (running on, every column) that are not arcs (keys,
    increasing; the pairs made are arcs): the pairs the proof covers. Arcs never fail: each
    level's potentials are a fixpoint on them."""
    m = len(usable.capacity)
    cells = usable.mask[rows[0] : rows[-1] + 1].copy()
    ours = arcs[np.searchsorted(arcs, rows[0] * m) : np.searchsorted(arcs, (rows[-1] + 1) * m)]
    cells[ours // m - rows[0], ours % m] = False
    return cells


@dataclass(frozen=True)
class Levels:
    """The potentials as the pass reads them. The levels before the last decide a pair
    lexicographically: by the first level at which its mentee's and mentor's potentials
    differ, so by the order of the two nodes' tuples (π_0, π_1, …), one dense rank per
    node (`rank`, mentees then mentors). The last level's potentials in float64 when their
    differences are exact there."""

    early: list[np.ndarray]
    rank: np.ndarray
    mentee: np.ndarray
    mentor: np.ndarray
    exact: bool

    @classmethod
    def of(cls, potentials: list[np.ndarray], n: int, m: int) -> Levels:
        early = [p[: n + m] for p in potentials[:-1]]
        tuples = np.stack(early, axis=1) if early else np.zeros((n + m, 1), dtype=np.int64)
        rank = np.unique(tuples, axis=0, return_inverse=True)[1].reshape(-1).astype(np.int32)
        last = potentials[-1]
        exact = bool(np.abs(last).max(initial=0) < 2**52)
        mentee, mentor = last[:n], last[n : n + m]
        if exact:
            mentee, mentor = mentee.astype(np.float64), mentor.astype(np.float64)
        return cls(early, rank, mentee, mentor, exact)

    def first_differing(self, rows: np.ndarray, cols: np.ndarray, n: int) -> int:
        """The earliest level at which some of these pairs' mentee and mentor differ."""
        return next(k for k, p in enumerate(self.early) if (p[rows] != p[n + cols]).any())


def _block(
    problem: Problem, usable: Usable, levels: Levels, arcs: np.ndarray, rows: np.ndarray, near: int
) -> Block:
    """The pairs of these rows (running on, every column) that fail a level or come within
    `near` of failing the last, at most `NEAR_PER_MENTEE` a mentee (those that fail
    earliest, then the lowest reduced costs), and the first level one fails at."""
    n, m = problem.score.shape
    undecided = _open(usable, rows, arcs)
    slack = np.full(undecided.shape, -np.inf)  # −reduced cost of the pairs listed
    last, level = len(levels.early), len(levels.early) + 1
    order = levels.rank[rows][:, None] - levels.rank[n : n + m][None, :]
    early = undecided & (order < 0)  # the first level at which they differ fails them
    if early.any():
        r, c = cells_of(early)
        slack[early], level = EARLY, levels.first_differing(rows[r], c, n)
    undecided &= order == 0
    gain = _block_gain(problem, rows, np.arange(m), None, levels.exact)
    gain += levels.mentor[None, :]
    gain -= levels.mentee[rows][:, None]
    below = undecided & (gain > -near)  # reduced cost −gain + π(i) − π(j) < near
    slack[below] = gain[below]
    if (below & (gain > 0)).any():
        level = min(level, last)
    counts = (int(np.count_nonzero(slack > 0)), int(np.count_nonzero(np.isfinite(slack))))
    r, c = best_per_row(slack, rows, NEAR_PER_MENTEE)
    return Block(Found(rows[r] * m + c, slack[r, c], *counts), level)


def balance_pass(
    problem: Problem,
    usable: Usable,
    potentials: list[np.ndarray],
    arcs: np.ndarray,
    near: int = 0,
) -> LevelPass:
    """Every usable pair that is not an arc, checked against every level's potentials (node
    order of `balance_flow.balance_network`): those that fail, and those within `near` of
    failing the last level, at most so many per mentee and per mentor."""
    n, m = problem.score.shape
    levels = Levels.of(potentials, n, m)

    def chunk(first: int) -> Block:
        rows = np.arange(first, min(first + PROOF_BLOCK, n))
        return _block(problem, usable, levels, arcs, rows, near)

    blocks = in_blocks(chunk, range(0, n, PROOF_BLOCK))
    level = min((block.level for block in blocks), default=len(potentials))
    return LevelPass(combined([block.found for block in blocks], True, n, m), level)

"""Candidates on large pools: each mentee's and each mentor's best pairs, read block by block
from the score matrix (each row's few cells near its top, `keys.best_of_rows`: no sort of a row)."""

from __future__ import annotations

import logging

import numpy as np

from solver.encode.keys import best_of_rows, by_row_best_first, cells_of, distinct
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.screen import screen_of
from solver.encode.usable import Usable
from solver.engines.large.pairs import Penalty
from solver.runtime import BLOCK, in_blocks

log = logging.getLogger(__name__)


PER_MENTEE = 24


PER_MENTOR = 24


AROUND = 3  # a failing pair's mentee and mentor get this many times their candidates


def _blocks(n: int) -> range:
    return range(0, n, BLOCK)


def _masked(
    problem: Problem, usable: Usable, first: int, last: int, penalty: Penalty | None
) -> np.ndarray:
    """Gains of the block's usable pairs in score units and float32, -inf where a pair may
    not be made: only for choosing candidates (a near tie either way changes no proof,
    so a pool read by blocks takes them from the float32 product, half the float64's time).
    Among tied optima the one found may then differ from the stored matrix's."""
    screen = screen_of(problem.score)  # a pool read by blocks: its float32 product
    if screen is None:
        block = problem.score[first:last].astype(np.float32)
    else:
        block = screen.approximate(first, last)
    if penalty is not None:
        columns = np.arange(block.shape[1])[None, :]
        block += penalty.of(np.arange(first, last)[:, None], columns) / SCORE_SCALE
    block[~usable.mask[first:last]] = -np.inf
    return block


def candidates(problem: Problem, usable: Usable, penalty: Penalty | None = None) -> np.ndarray:
    """Row-major keys (mentee × mentors + mentor) of each mentee's and mentor's best pairs."""
    n, m = problem.score.shape
    k = min(PER_MENTEE, m)
    starts = list(_blocks(n))
    halves = [starts[: (len(starts) + 1) // 2], starts[(len(starts) + 1) // 2 :]]

    def half(firsts: list[int]) -> tuple[list[np.ndarray], Best]:
        keys, best = [], Best(m, PER_MENTOR)  # the mentees' best; each mentor's best so far
        for first in firsts:
            last = min(first + BLOCK, n)
            block = _masked(problem, usable, first, last, penalty)
            rows, top = best_of_rows(block, k)
            keys.append((first + rows) * m + top)
            best.add(block, first)
        return keys, best

    done = in_blocks(lambda h: half(halves[h]), [0, 1] if halves[1] else [0])
    keys = [key for found, _ in done for key in found]
    return distinct([*keys, Best.merged([best for _, best in done]).keys()])


class Best:
    """Each mentor's best `size` mentees over blocks read in turn. A block's cells above
    the mentor's bar (its size-th best so far) join its list, and the lists are cut back
    to `size` once they have grown: one comparison per cell instead of a partition per
    mentor and block. The first block gives each mentor's best of it (every cell is above
    no bar)."""

    def __init__(self, m: int, size: int) -> None:
        self.m, self.size = m, size
        self.bar = np.full(m, -np.inf, dtype=np.float32)
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # mentor, value, mentee
        self.pending = 0

    def add(self, block: np.ndarray, first: int) -> None:
        """A block of values (-inf: not a candidate) of mentees first.. × every mentor."""
        if self.parts or len(block) <= self.size:
            r, c = cells_of(block > self.bar[None, :])
        else:  # by mentor, contiguous: reading along the rows' axis is slower
            c, r = best_of_rows(np.ascontiguousarray(block.T), self.size)
        self.parts.append((c, block[r, c], r + first))
        self.pending += len(r)
        if self.pending > 4 * self.size * self.m or len(self.parts) == 1:
            self._cut()

    def _cut(self) -> None:
        """Each mentor's list cut back to its `size` best (earlier blocks first among
        equals), and its bar raised to the last one kept once it has `size`."""
        mentor, value, mentee = (np.concatenate(part) for part in zip(*self.parts, strict=True))
        kept = np.isfinite(value)
        mentor, value, mentee = mentor[kept], value[kept], mentee[kept]
        order = np.argsort(by_row_best_first(mentor, value), kind="stable")
        counts = np.bincount(mentor, minlength=self.m)
        rank = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
        order = order[rank < self.size]
        mentor, value, mentee = mentor[order], value[order], mentee[order]
        self.parts, self.pending = [(mentor, value, mentee)], len(mentor)
        full = np.bincount(mentor, minlength=self.m) == self.size
        last = np.cumsum(np.bincount(mentor, minlength=self.m)) - 1
        self.bar[full] = value[last[full]]

    def keys(self) -> np.ndarray:
        """Row-major keys of the best pairs kept."""
        self._cut()
        mentor, _, mentee = self.parts[0]
        return mentee * self.m + mentor

    @classmethod
    def merged(cls, found: list[Best]) -> Best:
        """One list per mentor from several (in their order among equals)."""
        merged = cls(found[0].m, found[0].size)
        merged.parts = [part for best in found for part in best.parts]
        return merged


def _around(
    problem: Problem, usable: Usable, failing: np.ndarray, penalty: Penalty | None = None
) -> np.ndarray:
    """More of the best pairs of the mentees and mentors a failing pair joins: the next
    rounds' failures are mostly their neighbours, so fewer rounds follow. Read a block of
    them at a time: however many fail, the temporaries stay the size of a block."""
    n, m = problem.score.shape
    rows, cols = distinct([failing // m]), distinct([failing % m])  # sorts: see keys.distinct
    k_row, k_col = min(AROUND * PER_MENTEE, m), min(AROUND * PER_MENTOR, n)
    width = max(1, BLOCK * m // max(n, 1))  # columns per block: about BLOCK × m cells

    def by_mentee(first: int) -> np.ndarray:
        some = rows[first : first + BLOCK]
        r, top = best_of_rows(_valued(problem, usable, some, np.arange(m), penalty), k_row)
        return some[r] * m + top

    def by_mentor(first: int) -> np.ndarray:
        some = cols[first : first + width]
        block = np.ascontiguousarray(_valued(problem, usable, np.arange(n), some, penalty).T)
        r, top = best_of_rows(block, k_col)
        return top * m + some[r]

    found = in_blocks(by_mentee, range(0, len(rows), BLOCK))
    found += in_blocks(by_mentor, range(0, len(cols), width))
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _valued(
    problem: Problem, usable: Usable, rows: np.ndarray, cols: np.ndarray, penalty: Penalty | None
) -> np.ndarray:
    """Gains in score units of rows × cols in float32, -inf where a pair may not be made:
    only for choosing (as `_masked`)."""
    screen = screen_of(problem.score)  # a pool read by blocks: its float32 product
    if screen is None:
        value = problem.score[np.ix_(rows, cols)].astype(np.float32)
    else:
        value = screen.approximate_of(rows, cols)
    if penalty is not None:
        value += penalty.of(rows[:, None], cols[None, :]) / SCORE_SCALE
    value[~usable.mask[np.ix_(rows, cols)]] = -np.inf
    return value

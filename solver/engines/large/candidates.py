"""Candidates on large pools: each mentee's and each mentor's best pairs, read block by block
from the score matrix (partitions, no sort)."""

from __future__ import annotations

import logging

import numpy as np

from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
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
    not be made: only for choosing candidates (a near tie either way changes no proof)."""
    block = problem.score[first:last].astype(np.float32)
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

    def half(firsts: list[int]) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        keys, values, whose = [], [], []  # the mentees' best; each block's best per mentor
        for first in firsts:
            last = min(first + BLOCK, n)
            block = _masked(problem, usable, first, last, penalty)
            top = np.argpartition(block, m - k, axis=1)[:, m - k :].copy()  # frees the full index
            rows = np.repeat(np.arange(first, last), k).reshape(-1, k)
            good = np.isfinite(np.take_along_axis(block, top, axis=1))
            keys.append(rows[good] * m + top[good])
            by_mentor = np.ascontiguousarray(block.T)
            size = min(PER_MENTOR, last - first)
            best = np.argpartition(by_mentor, last - first - size, axis=1)[:, -size:].copy()
            values.append(np.take_along_axis(by_mentor, best, axis=1))
            whose.append(best + first)
        return keys, np.concatenate(values, axis=1), np.concatenate(whose, axis=1)

    done = in_blocks(lambda h: half(halves[h]), [0, 1] if halves[1] else [0])
    keys = [key for found, _, _ in done for key in found]
    value = np.concatenate([found for _, found, _ in done], axis=1)
    whose = np.concatenate([found for _, _, found in done], axis=1)
    size = min(PER_MENTOR, value.shape[1])  # each mentor's best of its blocks' best
    best = np.argpartition(value, value.shape[1] - size, axis=1)[:, -size:]
    value, whose = np.take_along_axis(value, best, axis=1), np.take_along_axis(whose, best, axis=1)
    cols = np.broadcast_to(np.arange(m)[:, None], best.shape)
    found = np.isfinite(value)
    keys.append(whose[found] * m + cols[found])
    return distinct(keys)


def _around(
    problem: Problem, usable: Usable, failing: np.ndarray, penalty: Penalty | None = None
) -> np.ndarray:
    """More of the best pairs of the mentees and mentors a failing pair joins: the next
    rounds' failures are mostly their neighbours, so fewer rounds follow. Read a block of
    them at a time: however many fail, the temporaries stay the size of a block."""
    n, m = problem.score.shape
    rows, cols = distinct([failing // m]), distinct([failing % m])  # sorts: see keys.distinct
    found = []
    k = min(AROUND * PER_MENTEE, m)
    for first in range(0, len(rows), BLOCK):
        some = rows[first : first + BLOCK]
        block = _valued(problem, usable, some, np.arange(m), penalty)
        top = np.argpartition(block, m - k, axis=1)[:, m - k :]
        good = np.isfinite(np.take_along_axis(block, top, axis=1))
        found.append((np.repeat(some, k).reshape(-1, k)[good]) * m + top[good])
    k = min(AROUND * PER_MENTOR, n)
    width = max(1, BLOCK * m // max(n, 1))  # columns per block: about BLOCK × m cells
    for first in range(0, len(cols), width):
        some = cols[first : first + width]
        block = _valued(problem, usable, np.arange(n), some, penalty).T
        top = np.argpartition(block, n - k, axis=1)[:, n - k :]
        good = np.isfinite(np.take_along_axis(block, top, axis=1))
        found.append(top[good] * m + np.repeat(some, k).reshape(-1, k)[good])
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _valued(
    problem: Problem, usable: Usable, rows: np.ndarray, cols: np.ndarray, penalty: Penalty | None
) -> np.ndarray:
    """Gains in score units of rows × cols, -inf where a pair may not be made."""
    value = problem.score[np.ix_(rows, cols)]
    if penalty is not None:
        value = value + penalty.of(rows[:, None], cols[None, :]) / SCORE_SCALE
    return np.where(usable.mask[np.ix_(rows, cols)], value, -np.inf)

"""Each mentee's best eligible mentors, ranked: suggestions and the mentors an unmatched mentee
is told about."""

from __future__ import annotations

import numpy as np

from solver.encode.keys import cells_of, near_the_top
from solver.encode.problem import Problem
from solver.runtime import in_blocks


def ranked_mentors(problem: Problem, i: int) -> np.ndarray:
    """The mentors eligible for mentee i who take mentees, best score first (the one-row
    definition `top_mentors` is tested against)."""
    candidates = np.nonzero(problem.eligible[i] & (problem.capacity > 0))[0]
    order = np.lexsort((candidates, -problem.score[i, candidates]))
    return candidates[order]


RANK_BLOCK = 1024


def top_mentors(
    problem: Problem, count: int, mentees: np.ndarray | None = None
) -> list[np.ndarray]:
    """For every mentee (or those given), `ranked_mentors(problem, i)[:count]`, found block
    by block: only the cells that can be among a row's `count` best (`near_the_top`, ties
    included) ordered (score down, then mentor index), all rows of a block at once."""
    n, m = problem.score.shape
    rows_of = np.arange(n) if mentees is None else mentees
    open_ = problem.capacity > 0
    k = min(count, m)

    def block(first: int) -> list[np.ndarray]:
        part = rows_of[first : first + RANK_BLOCK]
        if k == 0:
            return [np.zeros(0, dtype=np.int64)] * len(part)
        chosen = slice(part[0], part[-1] + 1) if mentees is None else part
        usable = problem.eligible[chosen] & open_[None, :]
        masked = np.where(usable, problem.score[chosen], -np.inf)
        flat = near_the_top(masked, k)  # each row's k best among them, every tie included
        if flat is None:  # ties nearly everywhere: cut them first
            rows, cols = _first_best(masked, usable, k)
        else:
            rows, cols = flat // m, flat % m
        order = np.lexsort((cols, -masked[rows, cols], rows))
        rows, cols = rows[order], cols[order]
        starts = np.searchsorted(rows, np.arange(len(part) + 1))
        return [cols[a : min(b, a + count)] for a, b in zip(starts[:-1], starts[1:], strict=True)]

    return [top for tops in in_blocks(block, range(0, len(rows_of), RANK_BLOCK)) for top in tops]


def _first_best(masked: np.ndarray, usable: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells above each row's k-th best value and the first columns of those tied with
    it (at most k a row, however many tie), in row-major order: for rows where nearly
    every cell ties."""
    m = masked.shape[1]
    kth = np.partition(masked, m - k, axis=1)[:, m - k][:, None]
    above = masked > kth  # fewer than k a row
    tied = (masked == kth) & usable  # any number a row: the first columns fill up to k
    room = k - np.count_nonzero(above, axis=1)
    crowded = np.flatnonzero(np.count_nonzero(tied, axis=1) > room)  # the rows to cut
    if len(crowded):
        cut = tied[crowded]
        cut &= np.cumsum(cut, axis=1, dtype=np.int32) <= room[crowded][:, None]
        tied[crowded] = cut
    return cells_of(above | tied)

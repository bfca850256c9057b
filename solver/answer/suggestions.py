"""Each mentee's best eligible mentors, ranked: suggestions and the mentors an unmatched mentee
is told about."""

from __future__ import annotations

import numpy as np

from solver.encode.keys import cells_of
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
    by block: the count-th best score per row by partition, then only the pairs above it
    and the first of those tied with it (at most `count` a row, however many tie) ordered
    (score down, then mentor index), all rows of a block at once."""
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
        score = problem.score[chosen]
        masked = np.where(usable, score, -np.inf)
        masked.partition(m - k, axis=1)  # in place: only the k-th column is read
        kth = masked[:, m - k][:, None]
        above = (score > kth) & usable  # fewer than k a row
        tied = (score == kth) & usable  # any number a row: the first columns fill up to k
        room = k - np.count_nonzero(above, axis=1)
        crowded = np.flatnonzero(np.count_nonzero(tied, axis=1) > room)  # the rows to cut
        if len(crowded):
            cut = tied[crowded]
            cut &= np.cumsum(cut, axis=1, dtype=np.int32) <= room[crowded][:, None]
            tied[crowded] = cut
        rows, cols = cells_of(above | tied)
        order = np.lexsort((cols, -score[rows, cols], rows))
        rows, cols = rows[order], cols[order]
        starts = np.searchsorted(rows, np.arange(len(part) + 1))
        return [cols[a : min(b, a + count)] for a, b in zip(starts[:-1], starts[1:], strict=True)]

    return [top for tops in in_blocks(block, range(0, len(rows_of), RANK_BLOCK)) for top in tops]

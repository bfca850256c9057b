"""Each mentee's best eligible mentors, ranked: suggestions and the mentors an unmatched mentee
is told about."""

from __future__ import annotations

import numpy as np

from solver.encode.keys import best_of_rows
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
    by block: each row's `count` best ordered (score down, then mentor index) from only
    the cells that can be among them (`keys.best_of_rows`, exact in float64), all rows of a
    block at once."""
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
        rows, cols = best_of_rows(np.where(usable, problem.score[chosen], -np.inf), k)
        starts = np.searchsorted(rows, np.arange(len(part) + 1))
        return [cols[a:b] for a, b in zip(starts[:-1], starts[1:], strict=True)]

    return [top for tops in in_blocks(block, range(0, len(rows_of), RANK_BLOCK)) for top in tops]

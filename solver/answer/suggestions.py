"""Each mentee's best eligible mentors, ranked: suggestions and the mentors an unmatched mentee
is told about."""

from __future__ import annotations

import numpy as np

from solver.encode.keys import first_best, near_the_top
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
        usable = problem.eligible[chosen] & open_[None, :]  # scores are finite: -inf is not
        masked = np.where(usable, problem.score[chosen], -np.inf)
        flat = near_the_top(masked, k)  # each row's k best among them, every tie included
        if flat is None:  # ties nearly everywhere: cut them first
            rows, cols = first_best(masked, k)
        else:
            rows, cols = flat // m, flat % m
        order = np.lexsort((cols, -masked[rows, cols], rows))
        rows, cols = rows[order], cols[order]
        starts = np.searchsorted(rows, np.arange(len(part) + 1))
        return [cols[a : min(b, a + count)] for a, b in zip(starts[:-1], starts[1:], strict=True)]

    return [top for tops in in_blocks(block, range(0, len(rows_of), RANK_BLOCK)) for top in tops]

"""`group.min_size` on large pools, read from the score matrix: never an arc per pair.

1. Mentors that cannot hold a group (too few places or usable pairs) are closed in the
   usable pairs; a pinned mentor that cannot reach the minimum makes the request
   infeasible.
2. The plain optimum of what is left, proven for every pair (`large.proof`), is a
   relaxation: its key bounds every answer's. When its groups keep the minimum (pinned
   mentors' included), it is the optimum.
3. Otherwise the search of `engine.py` runs on the proof's arcs and every usable pair of
   a pinned mentor below the minimum, with the root's key, and its prices' bound read
   from every usable pair, block by block (`matrix_bound`).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.groups.engine import Outside, solve_groups
from solver.engines.groups.network import Planned, key_of
from solver.engines.groups.plan import Sizes
from solver.engines.groups.search import ExactBound
from solver.engines.large.candidates import candidates
from solver.engines.large.pairs import arcs_instance
from solver.engines.large.proof import Proof, prove
from solver.rules.program import GroupSize
from solver.runtime import BLOCK, Cancel, in_blocks

log = logging.getLogger(__name__)

MATRIX_SECONDS_PER_PAIR = 1e-7  # reading every pair for the prices' bound (measured: 7e-8)


def matrix_sizes(usable: Usable, minimum: int) -> Sizes:
    """`plan.sizes` over every usable pair."""
    pinned = usable.pinned_load
    needed = np.maximum(minimum - pinned, 0)
    reach = np.minimum(usable.capacity, usable.mask.sum(axis=0))
    return Sizes(needed, pinned > 0, reach >= needed)


def solve_groups_large(
    problem: Problem, usable: Usable, deadline: float, cancel: Cancel | None = None
) -> tuple[Instance, Solution] | None:
    """The answer, on the arcs it was found on; None when the plain optimum was not proven."""
    rule = GroupSize(problem.request.program.group.min_size)
    found = matrix_sizes(usable, rule.minimum)
    open_ = Usable(
        usable.mask & found.openable[None, :],
        np.where(found.openable, usable.capacity, 0),
        usable.pinned_load,
    )
    held = _held_keys(open_, found)
    if found.infeasible:
        inst = replace(arcs_instance(problem, open_, held), rules=(rule,))
        nobody = np.full(problem.score.shape[0], -1, dtype=np.int64)
        return inst, Solution(nobody, proven=True, feasible=False)
    root = prove(problem, open_, Proof(candidates(problem, open_), None))
    if root.assignment is None or root.inst is None:
        return None
    used = root.assignment[root.inst.rows] == root.inst.cols
    key = key_of(root.inst, root.assignment, used)
    inst = replace(arcs_instance(problem, open_, distinct([root.keys, held])), rules=(rule,))
    load = np.bincount(root.assignment[root.assignment >= 0], minlength=len(found.needed))
    if not (((load > 0) | found.forced) & (load < found.needed)).any():
        return inst, Solution(root.assignment, proven=True)
    exact = _reachable(open_) if key[1] == int(_reachable(open_).sum()) else None
    start = Planned(root.assignment, key)
    bound = ExactBound(
        lambda prices: matrix_bound(problem, open_, found, exact, prices),
        MATRIX_SECONDS_PER_PAIR * problem.score.size,
        every=exact is None,
    )
    return inst, solve_groups(inst, deadline, Outside(key, start, bound), cancel)


def _held_keys(usable: Usable, found: Sizes) -> np.ndarray:
    """Every usable pair of a pinned mentor below the minimum (row-major keys)."""
    m = len(found.needed)
    held = np.nonzero(found.forced & (found.needed > 0))[0]
    rows, cols = np.nonzero(usable.mask[:, held])
    return np.sort(rows * m + held[cols]).astype(np.int64)


def _reachable(usable: Usable) -> np.ndarray:
    return np.asarray(usable.mask.any(axis=1))


def matrix_bound(
    problem: Problem,
    usable: Usable,
    found: Sizes,
    exact: np.ndarray | None,
    prices: np.ndarray,
) -> int:
    """The prices' bound (`dual.py`) over every usable pair, read a block of mentees at a
    time (two halves of the blocks, one per block thread): per mentor, how many pairs gain
    more than their mentee's price, and its best pairs, as many as it has places. Prices
    of mentees who may stay unmatched count from 0."""
    n, m = problem.score.shape
    floor = np.maximum(prices, 0)
    prices = floor if exact is None else np.where(exact, prices, floor)
    places = np.minimum(usable.capacity, usable.mask.sum(axis=0))
    depth = max(int(places.max(initial=0)), 1)
    starts = list(range(0, n, BLOCK))
    halves = [starts[: (len(starts) + 1) // 2], starts[(len(starts) + 1) // 2 :]]

    def half(firsts: list[int]) -> tuple[np.ndarray, np.ndarray]:
        positive, best = np.zeros(m, dtype=np.int64), np.full((0, m), -np.inf)
        for first in firsts:
            rows = slice(first, min(first + BLOCK, n))
            reduced = np.rint(problem.score[rows] * SCORE_SCALE) - prices[rows, None]
            reduced[~usable.mask[rows]] = -np.inf
            positive += (reduced > 0).sum(axis=0)
            best = _top(np.concatenate([best, reduced]), depth)
        return positive, best

    done = in_blocks(lambda h: half(halves[h]), [0, 1] if halves[1] else [0])
    positive = sum((part for part, _ in done), np.zeros(m, dtype=np.int64))
    best = -np.sort(-_top(np.concatenate([top for _, top in done]), depth), axis=0)
    take = np.minimum(np.maximum(positive, found.needed), places)
    sums = np.cumsum(np.where(np.isfinite(best), best, 0.0), axis=0)
    value = np.where(take > 0, sums[np.maximum(take - 1, 0), np.arange(m)], 0.0)
    opened = (take >= found.needed) & (places > 0) & found.openable & (value > 0) | found.forced
    total = np.rint(np.where(opened, value, 0.0)).astype(np.int64)
    return int(prices.astype(np.int64).sum()) + int(total.sum())


def _top(values: np.ndarray, depth: int) -> np.ndarray:
    """The `depth` largest values of each column (all of them when there are fewer)."""
    if len(values) <= depth:
        return values
    return np.partition(values, len(values) - depth, axis=0)[len(values) - depth :]

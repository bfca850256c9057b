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
from solver.engines.groups.network import key_of
from solver.engines.groups.plan import Sizes
from solver.engines.large.candidates import candidates
from solver.engines.large.pairs import arcs_instance
from solver.engines.large.proof import Proof, prove
from solver.rules.program import GroupSize
from solver.runtime import BLOCK

log = logging.getLogger(__name__)


def matrix_sizes(usable: Usable, minimum: int) -> Sizes:
    """`plan.sizes` over every usable pair."""
    pinned = usable.pinned_load
    needed = np.maximum(minimum - pinned, 0)
    reach = np.minimum(usable.capacity, usable.mask.sum(axis=0))
    return Sizes(needed, pinned > 0, reach >= needed)


def solve_groups_large(
    problem: Problem, usable: Usable, deadline: float
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
    outside = Outside(key, lambda prices: matrix_bound(problem, open_, found, exact, prices))
    return inst, solve_groups(inst, deadline, outside)


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
    time: per mentor, how many pairs gain more than their mentee's price, and its best
    pairs, as many as it has places. Prices of mentees who may stay unmatched count from 0."""
    n, m = problem.score.shape
    floor = np.maximum(prices, 0)
    prices = floor if exact is None else np.where(exact, prices, floor)
    degree = usable.mask.sum(axis=0)
    places = np.minimum(usable.capacity, degree)
    depth = max(int(places.max(initial=0)), 1)
    positive = np.zeros(m, dtype=np.int64)
    best = np.full((0, m), -np.inf)
    for first in range(0, n, BLOCK):
        last = min(first + BLOCK, n)
        reduced = np.rint(problem.score[first:last] * SCORE_SCALE) - prices[first:last, None]
        reduced[~usable.mask[first:last]] = -np.inf
        positive += (reduced > 0).sum(axis=0)
        best = _top(np.concatenate([best, reduced]), depth)
    best = -np.sort(-best, axis=0)  # best first, per mentor
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

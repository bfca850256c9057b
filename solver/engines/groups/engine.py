"""`group.min_size` on an instance given as arcs: the root flow, answers from plans, prices,
and branch and bound (`search.py`).

1. **The root**: mentors that cannot hold a group closed, pinned ones held at their
   minimum (`plan.py`), the others free. Its flow is a relaxation: its key (volunteers,
   matched, waiting, total) bounds every answer's, and when no group in it breaks the
   minimum it is the optimum.
2. **The search** runs on the instance, or past `WORK_FROM` arcs on candidates (each
   mentee's and each mentor's best arcs, the root's, every arc of a pinned mentor): an
   answer at once, then prices and the plans they open. The best plan found is then
   solved on every arc.
3. **The proof**: an answer with the root's counts whose total reaches the prices' bound
   (or the root's) is optimal. Otherwise, on small instances or when few of the root's
   groups break the minimum, branch and bound on every arc, in the time left: done, it is
   the proof; stopped (or not run), the answer is `feasible` with the lowest bound known.

An instance of candidates from a large pool comes with what holds over every pair
(`Outside`): the relaxation's key, its answer (the first answer, less its small groups,
needs no flow) and the prices' bound read from every pair; its tree proves nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.engines.groups.dual import Dual
from solver.engines.groups.network import Key, Planned
from solver.engines.groups.plan import loads, root_plan, sizes
from solver.engines.groups.search import ExactBound, Search
from solver.engines.large.arcs import candidates
from solver.runtime import Cancel

log = logging.getLogger(__name__)

WORK_FROM = 50_000  # arcs from which the search runs on candidates
BRANCH_ARCS = 5_000  # branch and bound runs on instances up to this many arcs, or
BRANCH_SMALL = 12  # when the root has at most this many groups below the minimum


@dataclass(frozen=True)
class Bounds:
    """Bounds on the total: of answers with the root's counts, and (prices with no mentee
    bound to be matched) of every answer."""

    at_root: int
    every: int | None


@dataclass(frozen=True)
class Outside:
    """For an instance of candidates (a large pool's): what holds over every pair."""

    root: Key  # the relaxation's key, proven over every pair
    start: Planned  # the relaxation's answer (on the instance's arcs)
    bound: ExactBound  # the prices' bound over every pair


def solve_groups(
    inst: Instance, deadline: float, outside: Outside | None = None, cancel: Cancel | None = None
) -> Solution:
    """The best answer that keeps `group.min_size`, proven or with an honest bound. Every
    arc of a pinned mentor must be in the instance (its minimum is then decided on it);
    `cancel` stops the search (raising `Cancelled`) between its steps."""
    nobody = np.full(inst.n_mentees, -1, dtype=np.int64)
    found = sizes(inst)
    if found.infeasible:
        return Solution(nobody, proven=True, feasible=False)
    plan = root_plan(inst, found)
    full = Search(inst.subset(plan.upper[inst.cols] > 0), found, plan, deadline, cancel)
    if outside is not None:
        full.dropped(outside.start)
        if full.best is not None and not full.can_flow():  # the first answer, and no time
            return answer(full.best, outside.root, Bounds(outside.root[3], None), outside.root)
    start = full.flows.root(full.root)
    if start is None:
        return Solution(nobody, proven=True, feasible=False)
    root = start.key if outside is None else outside.root
    if full.offer(start) and start.key == root:
        return Solution(start.assignment, proven=True)
    bounds = searched(full, start, root, None if outside is None else outside.bound)
    best = full.best
    if best is None:
        return Solution(nobody, proven=False, feasible=False)
    if best.key[:3] == root[:3] and best.key[3] >= bounds.at_root:
        return Solution(best.assignment, proven=True)
    few = len(inst.rows) <= BRANCH_ARCS or int(full.small(start).sum()) <= BRANCH_SMALL
    tree = full.branch_and_bound(start) if outside is None and few else root
    return answer(best, root, bounds, tree)


def searched(full: Search, start: Planned, root: Key, exact: ExactBound | None) -> Bounds:
    """The search (on candidates when the instance is large), its best plan solved on every
    arc of the instance; the bounds the prices proved."""
    inst, work = full.inst, full
    if len(inst.rows) >= WORK_FROM and exact is None:
        keep = candidates(inst) | (start.assignment[inst.rows] == inst.cols)
        keep |= full.sizes.forced[inst.cols]
        work = Search(inst.subset(keep), full.sizes, full.root, full.deadline, full.cancel)
        exact = _every_arc(full, root)
        start = work.flows.root(work.root) or start  # the root's arcs are candidates
    work.rounded(work.root, start)
    dual = _dual(work, root)
    priced = work.priced(dual, start, exact)
    if work is not full and work.best is not None:
        full.offer(work.best)
        if full.can_flow():
            full.from_open(loads(work.inst, work.best.assignment) > 0)
    if priced is None:
        return Bounds(root[3], None)
    every = not dual.exact.any() and (exact is None or exact.every)
    return Bounds(min(priced, root[3]), priced if every else None)


def _dual(search: Search, root: Key) -> Dual:
    """The prices' problem on the search's arcs. When the root matches everyone who has an
    arc to a mentor that can open, so does every answer with its counts: those mentees are
    matched exactly once."""
    reach = reachable(search.inst, search.root.upper)
    exact = reach if root[1] == int(reach.sum()) else np.zeros_like(reach)
    inst = search.inst
    return Dual((inst.rows, inst.cols, inst.gain), search.root.upper, search.sizes, exact)


def reachable(inst: Instance, upper: np.ndarray) -> np.ndarray:
    """Mentees with an arc to a mentor that may take someone."""
    reach = np.zeros(inst.n_mentees, dtype=bool)
    reach[inst.rows[upper[inst.cols] > 0]] = True
    return reach


def _every_arc(full: Search, root: Key) -> ExactBound:
    dual = _dual(full, root)
    return ExactBound(lambda p: dual.priced(dual.project(p)).bound, 0.0, not dual.exact.any())


def answer(best: Planned, root: Key, bounds: Bounds, tree: Key | None) -> Solution:
    """Proven when the tree is done. Otherwise `feasible`, with the lowest bound on the
    total that holds for the optimum: the best open node's when it has the answer's counts
    (the optimum then has them too), the prices' at the root's counts when the answer has
    them, the prices' for every answer."""
    if tree is None:
        return Solution(best.assignment, proven=True)
    gains = [] if bounds.every is None else [bounds.every]
    if tree[:3] == best.key[:3]:
        gains.append(max(tree[3], best.key[3]))
    if root[:3] == best.key[:3]:
        gains.append(bounds.at_root)
    log.info("groups: feasible, answer %s, tree %s, root %s", best.key, tree, root)
    return Solution(best.assignment, proven=False, gain_bound=min(gains) if gains else None)

"""Answers for `group.min_size` from plans of open mentors, each plan a flow (`network.py`),
and the bounds that prove them.

1. **An answer at once** (`dropped`, `rounded`): a flow's answer less its groups below
   the minimum (no flow needed, unless one of them has pins); then, when time allows,
   those groups closed and the flow solved again; then every group still open held at
   its minimum (the last flow's answer shows that plan has a flow).
2. **Prices** (`dual.py`): subgradient steps on the Lagrangian bound; every few steps,
   the mentors that open alone at the current prices are a plan, and its flow an answer.
3. **Branch and bound on the plans**, where every arc is in the search: a node's flow
   bounds its plans' keys; a group below the minimum is branched on, closed or held open
   at its minimum. Nodes are taken best bound first and dropped when their bound is no
   better than the answer. The tree done is the proof.

Flows cannot be interrupted: one starts only when the longest so far still fits before
the deadline, except one that makes the first answer when there is none yet.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from solver.encode.instance import Instance
from solver.engines.groups.dual import Descent, Dual, start_prices
from solver.engines.groups.network import Flows, Key, Plan, Planned, key_of
from solver.engines.groups.plan import Sizes, closed, loads, opened, small
from solver.runtime import Cancel

log = logging.getLogger(__name__)

ROUNDINGS = 1  # flows that close the small groups and let the rest move, before the last
EVERY = 15  # subgradient steps between two plans tried from the prices
STEPS = 400  # subgradient steps at most


@dataclass(frozen=True)
class ExactBound:
    """The prices' bound over every pair (the search's arcs may be fewer), how long reading
    every pair may take, and whether it bounds every answer (no mentee priced as matched
    exactly once) or only those with the root's counts."""

    bound: Callable[[np.ndarray], int]
    seconds: float
    every: bool


@dataclass(order=True)
class _Node:
    rank: tuple[int, ...]
    order: int
    plan: Plan = field(compare=False)
    found: Planned = field(compare=False)


class Search:
    """The plans of one instance (its arcs all, or candidates): flows, the best answer."""

    def __init__(
        self, inst: Instance, found: Sizes, root: Plan, deadline: float, cancel: Cancel | None
    ) -> None:
        self.inst, self.sizes, self.root, self.deadline = inst, found, root, deadline
        self.cancel = cancel or Cancel()
        self.flows = Flows(inst)
        self.best: Planned | None = None
        self._count = itertools.count()

    def can_flow(self, flows: int = 1, reserve: float = 0.0) -> bool:
        """Whether that many flows, each as long as the longest so far, end in time (with
        `reserve` seconds left after them)."""
        return time.monotonic() + flows * self.flows.seconds + reserve < self.deadline

    def small(self, found: Planned) -> np.ndarray:
        return small(self.inst, self.sizes, found.assignment)

    def offer(self, found: Planned | None) -> bool:
        """Keep an answer that keeps the rule when it beats the best so far."""
        if found is None or self.small(found).any():
            return False
        if self.best is None or found.key > self.best.key:
            self.best = found
        return True

    def dropped(self, found: Planned) -> None:
        """The answer less its groups below the minimum (their mentees unmatched), when none
        of those has pins: no flow."""
        below = self.small(found)
        if (below & self.sizes.forced).any():
            return
        assignment = found.assignment.copy()
        assignment[(assignment >= 0) & below[np.maximum(assignment, 0)]] = -1
        used = assignment[self.inst.rows] == self.inst.cols
        self.offer(Planned(assignment, key_of(self.inst, assignment, used)))

    def rounded(self, plan: Plan, found: Planned) -> None:
        """Answers from a flow: less its small groups; then, in the time left, those closed
        and the flow solved again, and the groups left held open at their minimum."""
        self.dropped(found)
        for _ in range(ROUNDINGS):
            below = self.small(found)
            if not below.any() or not self.can_flow(2):
                break
            plan = closed(plan, below)
            again = self.flows.solve(plan)
            if again is None:
                return
            found = again
        below = self.small(found)
        if below.any() and (self.best is None or self.can_flow()):
            used = loads(self.inst, found.assignment) > 0
            plan = opened(closed(plan, below | ~used), used & ~below, self.sizes)
            found = self.flows.solve(plan) or found
        self.offer(found)

    def from_open(self, open_: np.ndarray) -> None:
        """The answer of a plan: these mentors open at their minimum, the others closed (or,
        when no flow keeps those minimums, free, then rounded)."""
        plan = closed(self.root, ~open_ & ~self.sizes.forced)
        found = self.flows.solve(opened(plan, open_, self.sizes))
        if self.offer(found) or not self.can_flow():
            return
        if (loose := self.flows.solve(plan)) is not None:
            self.rounded(plan, loose)

    def priced(self, dual: Dual, start: Planned, exact: ExactBound | None) -> int | None:
        """Subgradient steps from the start's prices, plans tried from them; the lowest
        bound (over every pair: `exact` of the best prices, when the dual's arcs are
        not all) on the total of an answer matching whom the start matches."""
        descent = Descent(dual, start_prices(dual, start.assignment), self._total())
        tried: set[bytes] = set()
        steps, reserve = 0, 0.0 if exact is None else exact.seconds  # time to read every pair
        while steps < STEPS and not descent.spent and self.can_flow(0, reserve):
            self.cancel.check()
            found = descent.step()
            steps += 1
            if descent.best is not None and self._total() >= descent.best.bound:
                break
            if (
                steps % EVERY == 0
                and self.can_flow(1, reserve)
                and (key := found.opened.tobytes()) not in tried
            ):
                tried.add(key)
                self.from_open(found.opened)
                descent.target = max(descent.target, self._total())
        if descent.best is None:
            return None
        if exact is None:
            bound = descent.best.bound
        elif time.monotonic() < self.deadline:  # the steps left it the time it takes
            bound = exact.bound(descent.best_prices)
        else:
            return None
        log.info("groups: %d price steps, bound %d", steps, bound)
        return bound

    def _total(self) -> int:
        return 0 if self.best is None else self.best.key[3]

    def node(self, plan: Plan, found: Planned) -> _Node:
        return _Node(tuple(-v for v in found.key), next(self._count), plan, found)

    def branch_and_bound(self, root: Planned) -> Key | None:
        """Best bound first until the tree is done (None) or time runs out (the best key an
        open node may still reach)."""
        heap = [self.node(self.root, root)]
        while heap and self.can_flow(2):
            self.cancel.check()
            top = heapq.heappop(heap)
            if self.best is not None and top.found.key <= self.best.key:
                continue
            below = self.small(top.found)
            j = int(np.argmax(np.where(below, loads(self.inst, top.found.assignment), -1)))
            one = np.arange(self.inst.n_mentors) == j
            for plan in (closed(top.plan, one), opened(top.plan, one, self.sizes)):
                child = self.flows.solve(plan)
                if child is None or (self.best is not None and child.key <= self.best.key):
                    continue
                if not self.offer(child):
                    heapq.heappush(heap, self.node(plan, child))
        live = [n.found.key for n in heap if self.best is None or n.found.key > self.best.key]
        return max(live, default=None)

"""`fair` with max-same and a cross share on large pools: the highest score floor at which the
matched counts, and then the share, still hold, proven for every pair.

As `fair.py` does for `fair` alone, in two passes (most floors are set by the counts, and
testing them needs no costs):

1. **the counts' floor**: on the arcs at hand, the highest floor whose arcs route the
   counts, by bisection, one max flow per floor tried (source → one node per priority
   class, of capacity its count → mentees → …: the flow reaches the total iff the counts
   route); then one floor higher is tried on every pair (`large.prove` with no gains on
   the pairs at or above it): counts that cannot be routed there prove the floor, else
   the proof's arcs join and the bisection runs again;
2. **the share's floor**, only when the counts' floor leaves the share out of reach: the
   same below it, each floor tested by the most share credit its arcs allow (a min-cost
   flow whose gains are the credit alone), and one floor higher proven short of the
   share on every pair.

Pins below the floor lower it (`flow.fair_floor`): the answer keeps the pairs at or above
the lowest pinned score.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from ortools.graph.python import max_flow

from solver.encode.instance import Instance, priority_class
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.flow import network, score_flow
from solver.engines.large.fair import RAISES, above, at_least
from solver.engines.large.pairs import Penalty, arcs_instance
from solver.engines.large.proof import Proof, prove

if TYPE_CHECKING:
    from solver.engines.large.side_rules import SideRules

log = logging.getLogger(__name__)


class _Routes:
    """Whether the arcs at or above a level route exactly the counts: one max flow on a
    network built once, the pair arcs' capacities set per level."""

    def __init__(self, inst: Instance, counts: np.ndarray) -> None:
        n, m, k = inst.n_mentees, inst.n_mentors, len(counts)
        self.source, self.sink, self.total = n + m, n + m + 1, int(counts.sum())
        self.gain = inst.gain
        self.flow = flow = max_flow.SimpleMaxFlow()
        classes = n + m + 2 + priority_class(inst)
        flow.add_arcs_with_capacity(np.full(k, self.source), n + m + 2 + np.arange(k), counts)
        flow.add_arcs_with_capacity(classes, np.arange(n), np.ones(n, dtype=np.int64))
        *rooms, pairs, mentors = network(inst, np.ones(len(inst.rows), dtype=bool))
        for tails, heads, capacities in rooms:
            flow.add_arcs_with_capacity(tails, heads, capacities)
        self.pairs = np.asarray(flow.add_arcs_with_capacity(*pairs))
        flow.add_arcs_with_capacity(*mentors)

    def __call__(self, level: int) -> bool:
        self.flow.set_arcs_capacity(self.pairs, (self.gain >= level).astype(np.int64))
        if self.flow.solve(self.source, self.sink) != self.flow.OPTIMAL:
            return False
        return int(self.flow.optimal_flow()) == self.total


def _highest(levels: np.ndarray, holds: Callable[[int], bool]) -> int:
    """The highest of the increasing levels that holds, levels[0] being known to hold."""
    low, high = 0, len(levels) - 1
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if holds(int(levels[middle])) else (low, middle - 1)
    return int(levels[low])


def no_gain(problem: Problem) -> Penalty:
    """Gains of nothing at all: a proof of the class counts alone (its flows are fast)."""
    n, m = problem.score.shape
    return Penalty(np.zeros(n, np.int64), np.zeros(m, np.int64), 0, 0, scored=False)


def counts_floor(
    problem: Problem, usable: Usable, rules: SideRules, counts: np.ndarray, keys: np.ndarray
) -> tuple[int, np.ndarray] | None:
    """Step 1 above: the highest floor that routes the counts, and the arcs it was found
    on; None without a proof (or once the deadline has passed)."""
    for _ in range(RAISES):
        if rules.late():
            return None
        inst = arcs_instance(problem, usable, keys, same=rules.same)
        reached = _highest(np.unique(inst.gain), _Routes(inst, counts))
        higher = at_least(problem, usable, reached + 1)
        start = Proof(above(keys, higher), counts)
        nothing = no_gain(problem)
        trial = prove(problem, higher, start, nothing, same=rules.same, deadline=rules.deadline)
        if trial.assignment is None or trial.counts is None:
            return None
        if not np.array_equal(trial.counts, counts):  # proven: no higher floor routes them
            return reached, keys
        keys = distinct([keys, trial.keys])  # a higher floor routes them: more arcs, again
    return None


def share_floor(
    problem: Problem,
    usable: Usable,
    rules: SideRules,
    counts: np.ndarray,
    keys: np.ndarray,
    ceiling: int,
) -> tuple[int, np.ndarray, np.ndarray] | None:
    """Step 2 above, below `ceiling` (a floor proven to leave the share out of reach): the
    highest floor that reaches it, the arcs, and an answer at it that keeps every rule;
    None when no floor on the arcs at hand reaches it, without a proof or out of time."""
    for _ in range(RAISES):
        if rules.late():
            return None
        inst = arcs_instance(problem, usable, keys, same=rules.same)
        credit = _Credit(inst, counts, rules)
        levels = np.unique(inst.gain[inst.gain < ceiling])
        if not len(levels) or not credit(int(levels[0])):
            return None
        reached = _highest(levels, credit)
        higher = at_least(problem, usable, reached + 1)
        start = Proof(above(keys, higher), counts)
        credit_only = rules.credit
        trial = prove(problem, higher, start, credit_only, same=rules.same, deadline=rules.deadline)
        if trial.assignment is None or trial.counts is None:
            return None
        if not np.array_equal(trial.counts, counts) or not rules.meets(trial.assignment):
            return reached, keys, credit.met[-1]
        keys = distinct([keys, trial.keys])
    return None


class _Credit:
    """Whether the arcs at or above a level route the counts with share credit enough (the
    most credit they allow), and the answers that did (the last at the highest level)."""

    def __init__(self, inst: Instance, counts: np.ndarray, rules: SideRules) -> None:
        assert rules.credit is not None
        self.inst, self.counts, self.rules = inst, counts, rules
        self.gains = rules.credit.of(inst.rows, inst.cols).astype(np.int64)
        self.classes = priority_class(inst)
        self.met: list[np.ndarray] = []

    def __call__(self, level: int) -> bool:
        keep = self.inst.gain >= level
        found = score_flow(self.inst, self.classes, self.counts, self.gains, keep)
        if found is None or not self.rules.meets(found):
            return False
        self.met.append(found)
        return True


def floored(
    problem: Problem, usable: Usable, floor: int, keys: np.ndarray
) -> tuple[Usable, np.ndarray]:
    """The pairs at or above the floor, lowered by the pins, and the arcs among them."""
    pinned = [int(np.rint(problem.score[i, j] * SCORE_SCALE)) for i, j in problem.pins]
    lowest = min([floor, *pinned])
    log.info("side rules: floor=%d (%.6f)", lowest, lowest / SCORE_SCALE)
    kept = at_least(problem, usable, lowest)
    return kept, above(keys, kept)

"""`fair` with a cross share and max-same on large pools: the highest score floor at which the
matched counts and the share still hold, proven for every pair.

As `fair.py` does for `fair` alone, with the share in the test of a floor:

1. on the arcs at hand, the highest floor whose arcs route the counts with share credit
   enough is found by bisection: a flow per floor tried, its gains the credit alone (the
   most credit the counts allow), or none without a share. A floor reached there is
   reached;
2. one floor higher is tried on every pair: the most credit with the counts on the pairs
   at or above it, proven (`large.prove`). Counts that cannot be routed there, or credit
   short of the share, prove the floor is the optimum's; otherwise the proof's arcs join
   and step 1 runs again.

Pins below the floor lower it (`flow.fair_floor`): the answer then keeps the pairs at or
above the lowest pinned score.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from solver.encode.instance import Instance, priority_class
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.flow import fair_threshold, score_flow
from solver.engines.large.fair import RAISES, above, at_least
from solver.engines.large.pairs import arcs_instance
from solver.engines.large.proof import Proof, prove

if TYPE_CHECKING:
    from solver.engines.large.side_rules import SideRules

log = logging.getLogger(__name__)


def _reaches(
    inst: Instance, counts: np.ndarray, rules: SideRules, known: np.ndarray
) -> tuple[Callable[[np.ndarray], bool], list[np.ndarray]]:
    """Whether the kept arcs route the counts with credit enough, and the answers that do:
    `known` (on every arc), then those found (the last at the highest floor that held)."""
    classes = priority_class(inst)
    credit = rules.credit
    gains = np.zeros(len(inst.rows), np.int64)
    if credit is not None:
        gains = credit.of(inst.rows, inst.cols).astype(np.int64)
    met = [known]

    def feasible(keep: np.ndarray) -> bool:
        found = score_flow(inst, classes, counts, gains, keep)
        if found is None or not rules.meets(found):
            return False
        met.append(found)
        return True

    return feasible, met


def highest_floor(
    problem: Problem,
    usable: Usable,
    rules: SideRules,
    counts: np.ndarray,
    keys: np.ndarray,
    known: np.ndarray,
) -> tuple[Usable, np.ndarray, np.ndarray] | None:
    """The pairs the fair optimum may use (at or above its floor, lowered by the pins), the
    arcs among them and an answer on them that keeps every rule; None without a proof (or
    once the deadline has passed). `known`: an answer on the arcs that keeps every rule."""
    for _ in range(RAISES):
        if rules.late():
            return None
        inst = arcs_instance(problem, usable, keys, same=rules.same)
        feasible, met = _reaches(inst, counts, rules, known)
        reached = fair_threshold(inst, priority_class(inst), counts, feasible)
        higher = at_least(problem, usable, reached + 1)
        start = Proof(above(keys, higher), counts)
        trial = prove(
            problem, higher, start, rules.credit, same=rules.same, deadline=rules.deadline
        )
        if trial.assignment is None or trial.counts is None:
            return None
        if not np.array_equal(trial.counts, counts) or not rules.meets(trial.assignment):
            return _kept(problem, usable, reached, keys, met)
        keys = distinct([keys, trial.keys])  # a higher floor holds: more arcs, again
    return None


def _kept(
    problem: Problem, usable: Usable, floor: int, keys: np.ndarray, met: list[np.ndarray]
) -> tuple[Usable, np.ndarray, np.ndarray] | None:
    """The pairs at or above the floor (lowered by the pins), their arcs, and an answer."""
    pinned = [int(np.rint(problem.score[i, j] * SCORE_SCALE)) for i, j in problem.pins]
    lowest = min([floor, *pinned])
    log.info("side rules: floor=%d (%.6f)", lowest, lowest / SCORE_SCALE)
    kept = at_least(problem, usable, lowest)
    witness = [found for found in met if _floor_of(problem, found) >= floor]
    if not witness:
        return None
    return kept, above(keys, kept), witness[-1]


def _floor_of(problem: Problem, assignment: np.ndarray) -> int:
    matched = np.nonzero(assignment >= 0)[0]
    gains = np.rint(problem.score[matched, assignment[matched]] * SCORE_SCALE)
    return int(gains.min(initial=SCORE_SCALE))

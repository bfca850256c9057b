"""`objective: "fair"` on large pools: the highest floor the matched counts allow, then the
best total above it, both proven from the score matrix.

`flow.fair_threshold` bisects on every arc's gain; at 10,000 × 3,400 that is 25 M
arcs. Instead:

1. the plain optimum (`large.prove`) fixes how many mentees of each priority
   class are matched, and its lowest pair is a floor they allow;
2. on the arcs at hand, the highest floor that still routes those counts is
   found by bisection (`fair_threshold`): a floor reached there is reached;
3. one floor higher is tried on every pair (`large.prove` on the pairs at or
   above it): proven short of the counts, the floor is the optimum's;
   otherwise its arcs join and step 2 runs again;
4. the best total on the pairs at or above that floor (pins keep theirs), proven.
"""

from __future__ import annotations

import logging

import numpy as np

from solver.encode.instance import Instance, Solution, priority_class
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.flow import fair_threshold
from solver.engines.large.candidates import candidates
from solver.engines.large.pairs import arcs_instance
from solver.engines.large.proof import Proof, prove
from solver.runtime import BLOCK, in_blocks

log = logging.getLogger(__name__)


RAISES = 6  # floors tried on every pair, at most


def at_least(problem: Problem, usable: Usable, floor: int) -> Usable:
    """The usable pairs whose quantised score is at least `floor` (block by block: no
    temporary the size of the score matrix)."""
    mask = usable.mask.copy()
    n = len(mask)

    def block(first: int) -> None:
        rows = slice(first, min(first + BLOCK, n))
        mask[rows] &= np.rint(problem.score[rows] * SCORE_SCALE) >= floor

    in_blocks(block, range(0, n, BLOCK))
    return Usable(mask, usable.capacity, usable.pinned_load)


def above(keys: np.ndarray, usable: Usable) -> np.ndarray:
    return keys[usable.mask.flat[keys]]


def solve_fair(problem: Problem, usable: Usable) -> tuple[Instance, Solution] | None:
    """The fair optimum, proven, and the arcs it was found on; None without a proof."""
    plain = prove(problem, usable, Proof(candidates(problem, usable), None))
    if plain.assignment is None or plain.counts is None:
        return None
    counts, keys = plain.counts, plain.keys
    floor = None
    for _ in range(RAISES):
        inst = arcs_instance(problem, usable, keys)
        reached = fair_threshold(inst, priority_class(inst), counts)
        higher = at_least(problem, usable, reached + 1)
        trial = prove(problem, higher, Proof(above(keys, higher), counts))
        if trial.assignment is None or trial.counts is None:
            return None
        if not np.array_equal(trial.counts, counts):  # proven: no higher floor routes them
            floor = reached
            break
        keys = distinct([keys, trial.keys])  # a higher floor exists: more arcs, again
    if floor is None:
        return None
    lowest = min(
        [floor] + [int(np.rint(problem.score[i, j] * SCORE_SCALE)) for i, j in problem.pins]
    )
    log.info("fair floor=%d (%.6f)", lowest, lowest / SCORE_SCALE)
    kept = at_least(problem, usable, lowest)
    best = prove(problem, kept, Proof(above(keys, kept), counts))
    if best.assignment is None or best.inst is None:
        return None
    return best.inst, Solution(best.assignment, proven=True)

"""Large plain requests: candidates, then rounds of flow and proof until every pair is proven."""

from __future__ import annotations

import logging

from solver.encode.instance import Instance, Solution
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.usable import Usable
from solver.engines.large.candidates import candidates
from solver.engines.large.on_candidates import unproven
from solver.engines.large.pairs import Bonus, arcs_instance
from solver.engines.large.proof import Proof, prove

log = logging.getLogger(__name__)


def solve_large(
    problem: Problem, usable: Usable, bonus: Bonus | None = None
) -> tuple[Instance, Solution] | None:
    """The proven lexicographic optimum and the arcs it was found on; when the rounds run out,
    on a pool read by blocks the last round's answer, unproven and bounded; else None. With a
    bonus, the optimum of the gains plus the bonus."""
    keys = candidates(problem, usable)
    if bonus is not None:
        keys = distinct([keys, bonus.keys])
    proof = prove(problem, usable, Proof(keys, None), bonus=bonus)
    if proof.inst is not None and proof.assignment is not None:
        return proof.inst, Solution(proof.assignment, proven=True)
    if proof.last is None or not problem.blockwise:
        return None  # a stored matrix: `dispatch` runs the arc (or candidates') engines on it
    # Read by blocks, out of rounds: the last round's answer (its pairs are among the arcs
    # kept), `feasible`, bounded over every pair by prices on the mentors' places.
    log.info("large: unproven after the rounds, the last answer (arcs %d)", len(proof.keys))
    inst = arcs_instance(problem, usable, proof.keys, bonus=bonus)
    return inst, unproven(problem, usable, Solution(proof.last, proven=False))

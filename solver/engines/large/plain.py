"""Large plain requests: candidates, then rounds of flow and proof until every pair is proven."""

from __future__ import annotations

import logging

from solver.encode.instance import Instance, Solution
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.usable import Usable
from solver.engines.large.candidates import candidates
from solver.engines.large.pairs import Bonus
from solver.engines.large.proof import Proof, prove

log = logging.getLogger(__name__)


def solve_large(
    problem: Problem, usable: Usable, bonus: Bonus | None = None
) -> tuple[Instance, Solution] | None:
    """The proven lexicographic optimum and the arcs it was found on, or None (no proof).
    With a bonus, the optimum of the gains plus the bonus."""
    keys = candidates(problem, usable)
    if bonus is not None:
        keys = distinct([keys, bonus.keys])
    proof = prove(problem, usable, Proof(keys, None), bonus=bonus)
    if proof.inst is None or proof.assignment is None:
        return None
    return proof.inst, Solution(proof.assignment, proven=True)

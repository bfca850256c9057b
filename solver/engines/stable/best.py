"""The best stable matching: deferred acceptance from both sides, then an exact model on
what lies between (`bracket.py`).

Where the two ends agree the stable matching is unique, and it is the answer, proven
(`deferred_acceptance`). Where they differ, or other program rules apply too, the
general engine solves the bracketed instance, started from the better end, which is
stable and so keeps every stability row: the answer is never worse than it. With
`stable` alone, the better end is answered (feasible, with the bound of each mentee's
best arc in range) when the exact model finds nothing better in time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.encode.problem import Problem
from solver.encode.usable import Usable
from solver.engines.large.pairs import Bonus
from solver.engines.stable.bracket import Ends, bracketed
from solver.engines.stable.deferred import mentees_propose, mentors_propose
from solver.engines.stable.orders import Orders, orders
from solver.rules.program import Stable

log = logging.getLogger(__name__)

General = Callable[[Instance, np.ndarray], tuple[str, Solution]]


@dataclass(frozen=True)
class Found:
    engine: str
    inst: Instance
    solution: Solution


def ends_of(read: Orders) -> Ends:
    """Both ends of the lattice; their matched mentees and loads agree, as they must."""
    ends = Ends(mentees_propose(read), mentors_propose(read))
    best, worst = ends.mentee_optimal, ends.mentor_optimal
    m = read.shape[1]
    loads = [np.bincount(a[a >= 0], minlength=m) for a in (best, worst)]
    if not ((best >= 0) == (worst >= 0)).all() or not (loads[0] == loads[1]).all():
        raise RuntimeError("deferred acceptance from both sides disagrees on who is matched")
    return ends


def total(inst: Instance, assignment: np.ndarray) -> int:
    """The gain of an assignment on the instance's arcs (its pairs are arcs)."""
    keys = inst.rows * inst.n_mentors + inst.cols
    matched = np.nonzero(assignment >= 0)[0]
    at = np.searchsorted(keys, matched * inst.n_mentors + assignment[matched])
    return int(inst.gain[at].sum())


def _bound(inst: Instance) -> int:
    """Each matched mentee's best arc in range: no stable matching gains more."""
    best = np.full(inst.n_mentees, np.iinfo(np.int64).min)
    np.maximum.at(best, inst.rows, inst.gain)
    return int(best[best > np.iinfo(np.int64).min].sum())


def solve_stable(problem: Problem, usable: Usable, bonus: Bonus | None, general: General) -> Found:
    """The best stable matching (with the program's other rules, when it has some)."""
    read = orders(problem, usable)
    ends = ends_of(read)
    inst = bracketed(problem, usable, read, ends, bonus)
    start = max((ends.mentee_optimal, ends.mentor_optimal), key=lambda a: total(inst, a))
    alone = all(isinstance(rule, Stable) for rule in inst.rules)
    log.info("stable ends arcs=%d unique=%s", len(inst.rows), ends.unique)
    if alone and ends.unique:
        return Found("deferred_acceptance", inst, Solution(start, proven=True))
    engine, solution = general(inst, start)
    if not alone:
        return Found(engine, inst, solution)
    if not solution.feasible or total(inst, solution.assignment) < total(inst, start):
        bound = solution.gain_bound if solution.gain_bound is not None else _bound(inst)
        return Found(engine, inst, Solution(start, proven=False, gain_bound=bound))
    return Found(engine, inst, solution)

"""An answer to fall back on when a search finds none in time: a start (the flow's answer
on the rules it models, or nobody paired) made to keep every rule by each rule's cheap
`repair`, then checked by each rule's `holds`. Never proven optimal: a `feasible` answer
with an honest bound beats a refusal for a request that has answers."""

from __future__ import annotations

import logging

import numpy as np

from solver.encode.instance import Instance, Solution

log = logging.getLogger(__name__)

PASSES = 3  # one rule's repair can break another's: a few passes, then give up


def _kept(inst: Instance, start: np.ndarray) -> np.ndarray | None:
    chosen = start[inst.rows] == inst.cols
    for _ in range(PASSES):
        for rule in inst.rules:
            chosen = rule.repair(inst, chosen)
        if all(rule.holds(inst, chosen) for rule in inst.rules):
            return chosen
    return None


def fallback(inst: Instance, starts: list[np.ndarray]) -> Solution | None:
    """The first start that can be made to keep every rule, as a feasible answer (each a
    mentee → mentor assignment over the instance; nobody paired is always tried last)."""
    nobody = np.full(inst.n_mentees, -1, dtype=np.int64)
    for k, start in enumerate([*starts, nobody]):
        chosen = _kept(inst, start)
        if chosen is not None:
            assignment = nobody.copy()
            assignment[inst.rows[chosen]] = inst.cols[chosen]
            log.info("fallback answer from start %d: %d pairs", k, int(chosen.sum()))
            return Solution(assignment, proven=False)
    return None

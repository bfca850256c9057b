"""A start that keeps every rule, for the general engines to start from and to fall back on:
the flow's answer on the rules it models (or nobody paired) made to keep every rule by each
rule's cheap `repair` (close groups below the minimum, leave out pairs beyond a max-same
room or against a cross share, deferred acceptance for stability), then checked by each
rule's `holds`. Never proven optimal: a `feasible` answer with an honest bound beats a
refusal for a request that has answers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance, Solution

log = logging.getLogger(__name__)

PASSES = 3  # one rule's repair can break another's: a few passes, then give up


@dataclass(frozen=True)
class Start:
    """An assignment (mentee → mentor over the instance) and whether it keeps every rule;
    one that does not is a hint only."""

    assignment: np.ndarray
    holds: bool


def _repaired(inst: Instance, start: np.ndarray) -> tuple[np.ndarray, bool]:
    """The start's arcs after the repairs, and whether every rule then holds."""
    chosen = start[inst.rows] == inst.cols
    for _ in range(PASSES):
        for rule in inst.rules:
            chosen = rule.repair(inst, chosen)
        if all(rule.holds(inst, chosen) for rule in inst.rules):
            return chosen, True
    return chosen, False


def _assignment(inst: Instance, chosen: np.ndarray) -> np.ndarray:
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    assignment[inst.rows[chosen]] = inst.cols[chosen]
    return assignment


def start_from(inst: Instance, starts: list[np.ndarray]) -> Start:
    """The first start that can be made to keep every rule (nobody paired is tried last);
    when none can, the first one repaired as far as it goes, as a hint."""
    nobody = np.full(inst.n_mentees, -1, dtype=np.int64)
    first: np.ndarray | None = None
    for k, start in enumerate([*starts, nobody]):
        chosen, holds = _repaired(inst, start)
        if holds:
            log.info("start %d keeps every rule: %d pairs", k, int(chosen.sum()))
            return Start(_assignment(inst, chosen), holds=True)
        first = chosen if first is None else first
    return Start(nobody if first is None else _assignment(inst, first), holds=False)


def fallback(inst: Instance, starts: list[np.ndarray]) -> Solution | None:
    """The first start that can be made to keep every rule, as a feasible answer (each a
    mentee → mentor assignment over the instance; nobody paired is always tried last)."""
    start = start_from(inst, starts)
    return Solution(start.assignment, proven=False) if start.holds else None

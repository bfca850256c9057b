"""`diversity.balance` (one attribute) on large pools: balance's network on candidate pairs,
proven optimal for every pair from the score matrix, never listing every pair as an arc.

1. candidates: each mentee's and each mentor's best pairs (`candidates.py`);
2. the targets, from max flows each proven over every pair by its minimum cut
   (`most_matched.py`; pairs across a cut join the arcs);
3. the levels of `balance_flow.py` on the arcs, one at a time (`lexflow.with_duals`),
   each level's optimal potentials kept. The score level is never folded into the ones
   before: the fold's scale would be measured on these arcs only;
4. the proof (`balance_proof.py`): every other usable pair, level by level. Pairs that
   fail join the arcs (with more of their mentee's and mentor's best pairs), and the
   levels from the first one a pair failed at are solved again; the levels before keep
   their potentials, still optimal duals with the new arcs at zero flow. The first pass
   also adds the pairs that nearly fail the score level (`proof.NEAR`).

`proven` only ever comes from a pass in which no pair fails; without one (after `ROUNDS`,
or targets without a proof), None: the caller lists every pair as the arc path does.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.usable import Usable
from solver.engines.balance_flow import assignment_of, balance_network, level_costs
from solver.engines.large.balance_proof import balance_pass
from solver.engines.large.candidates import _around, candidates
from solver.engines.large.most_matched import most_matched
from solver.engines.large.pairs import arcs_instance
from solver.engines.large.proof import NEAR
from solver.engines.lexflow import merged, with_duals
from solver.rules.program import Balance

log = logging.getLogger(__name__)


ROUNDS = 6


def _targets(
    problem: Problem, usable: Usable, keys: np.ndarray
) -> tuple[Balance, np.ndarray] | None:
    """The balance rule with its targets, every max flow proven over every pair, and the
    arcs they were proven on; None when one of them has no proof."""
    inst = arcs_instance(problem, usable, keys)
    [rule] = Balance.bind(problem, inst.rows, inst.cols, inst.gain)
    arcs, unproven = [keys], []  # the arcs so far; the subsets without a proof

    def most(mentees: np.ndarray) -> int:
        found = most_matched(problem, usable, arcs[-1], mentees)
        if found is None:
            unproven.append(mentees)
            return 0
        arcs.append(found[1])
        return found[0]

    rule = rule.prepare(inst, most)
    if unproven:
        log.info("large balance: %d targets without a proof", len(unproven))
        return None
    return rule, arcs[-1]


def solve_balance_large(problem: Problem, usable: Usable) -> tuple[Instance, Solution] | None:
    """The proven lexicographic optimum under one balance attribute and the arcs it was
    found on, or None (no proof)."""
    targets = _targets(problem, usable, candidates(problem, usable))
    if targets is None:
        return None
    rule, keys = targets
    known: list[np.ndarray] = []
    start: list[np.ndarray] = []
    for round_ in range(ROUNDS):
        inst = replace(arcs_instance(problem, usable, keys), rules=(rule,))
        net, where = balance_network(inst, rule)
        levels = level_costs(inst, rule, net, where)
        levels = merged(net, levels[:-1]) + levels[-1:]
        flows, potentials = with_duals(net, levels, known, start)
        checked = balance_pass(problem, usable, potentials, keys, NEAR if round_ == 0 else 0)
        log.info("large balance round=%d arcs=%d %s", round_, len(keys), checked)
        if checked.found.failing == 0:
            return inst, Solution(assignment_of(inst, flows, where), proven=True)
        failing = checked.found.keys[checked.found.negative]
        keys = distinct([keys, checked.found.keys, _around(problem, usable, failing)])
        known, start = potentials[: checked.level], potentials
    return None

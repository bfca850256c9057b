"""Large plain requests: the flow on a few candidates per mentee, proven optimal for all.

A dense pool of 10,000 × 3,400 has 34 M candidate pairs, and a min-cost flow on
all of them takes tens of seconds. Almost all of those pairs are far from any
optimum. So:

1. keep each mentee's best `PER_MENTEE` pairs and each mentor's best `PER_MENTOR`;
2. solve the lexicographic optimum on them (the same two flows as always);
3. prove it optimal for the whole request: the two flows are one min-cost
   circulation with integer costs (−BIG on sink → source for the matched count,
   −W × priority class on source → mentee, −gain on mentee → mentor; W exceeds
   any gain a cycle can make, BIG any class cost). Bellman–Ford on its residual
   graph gives node potentials π; the answer is optimal for every pair, kept or
   not, iff no left-out pair has negative reduced cost, −gain + π(mentee) −
   π(mentor) ≥ 0: one vectorised pass over all pairs;
4. add the pairs that fail and solve again (a few rounds); with no proof, the
   caller solves on every pair as before. `proven` is only ever set by the proof.

Only for instances without program rules, given as arcs: the flow engine's answer on
2 M arcs or more, and the flow relaxation that warm-starts CP-SAT at that size. Pools
read from the score matrix (`plain.py`) never list every pair as an arc.
"""

from __future__ import annotations

import logging

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.encode.keys import found_in
from solver.engines.balance_flow import solve_balance
from solver.engines.flow import solve_flow
from solver.engines.large.potentials import potentials
from solver.rules.program import Balance

log = logging.getLogger(__name__)


PER_MENTEE = 24


PER_MENTOR = 8


ROUNDS = 4


BLOCK = 2_048  # mentees per block when ranking candidates (bounds memory)


def applies(inst: Instance, sparse_from: int) -> bool:
    """Large, and no rule beyond capacities and eligibility."""
    return len(inst.rows) >= sparse_from and not inst.rules


def _keys(inst: Instance) -> np.ndarray:
    return inst.rows * inst.n_mentors + inst.cols  # increasing: arcs are row-major


def _arcs_of(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Arc indices of the wanted keys that exist."""
    at, hit = found_in(keys, wanted)
    return at[hit]


def candidates(inst: Instance) -> np.ndarray:
    """Each mentee's best PER_MENTEE arcs and each mentor's best PER_MENTOR (by gain)."""
    n, m = inst.n_mentees, inst.n_mentors
    keys = _keys(inst)
    keep = np.zeros(len(inst.rows), dtype=bool)
    starts = np.searchsorted(inst.rows, np.arange(n + 1))
    mentor_best = np.full((m, PER_MENTOR), -1.0)  # best gains seen per mentor, and where
    mentor_arc = np.full((m, PER_MENTOR), -1, dtype=np.int64)
    for first in range(0, n, BLOCK):
        last = min(first + BLOCK, n)
        lo, hi = starts[first], starts[last]
        dense = np.full((last - first, m), -1.0)
        dense[inst.rows[lo:hi] - first, inst.cols[lo:hi]] = inst.gain[lo:hi]
        k = min(PER_MENTEE, m)
        top = np.argpartition(-dense, k - 1, axis=1)[:, :k]
        row = np.repeat(np.arange(first, last), k)
        col = top.ravel()
        good = dense[row - first, col] >= 0
        keep[_arcs_of(keys, row[good] * m + col[good])] = True
        kc = min(PER_MENTOR, last - first)
        best = np.argpartition(-dense, kc - 1, axis=0)[:kc]  # per mentor, within the block
        gains = np.take_along_axis(dense, best, axis=0).T  # m × kc
        arcs = ((best + first) * m + np.arange(m)[None, :]).T
        merged = np.concatenate([mentor_best, gains], axis=1)
        merged_arc = np.concatenate([mentor_arc, arcs], axis=1)
        order = np.argsort(-merged, axis=1)[:, :PER_MENTOR]
        mentor_best = np.take_along_axis(merged, order, axis=1)
        mentor_arc = np.take_along_axis(merged_arc, order, axis=1)
    chosen = mentor_arc[mentor_best >= 0]
    keep[_arcs_of(keys, chosen)] = True
    return keep


def flow_answer(inst: Instance, sparse_from: int) -> Solution:
    """The flow's answer: on few candidates, proven for all, when the instance is plain and
    has at least `sparse_from` arcs; on every arc otherwise (balance: its own flow)."""
    if inst.has(Balance):
        return solve_balance(inst)
    if applies(inst, sparse_from) and (found := solve_sparse(inst)) is not None:
        return found
    return solve_flow(inst)


def solve_sparse(inst: Instance) -> Solution | None:
    """The proven lexicographic optimum found on few candidates, or None (solve on all)."""
    keep = candidates(inst)
    n = inst.n_mentees
    for round_ in range(ROUNDS):
        assignment = solve_flow(inst.subset(keep)).assignment
        distance = potentials(inst, keep, assignment)
        if distance is None:
            log.info("sparse: no proof (round %d, kept %d)", round_, int(keep.sum()))
            return None
        slack = distance[inst.rows]  # reduced cost of every pair, in place: 25 M at 10k
        slack -= distance[n + inst.cols]
        slack -= inst.gain
        failing = slack < 0
        failing &= ~keep
        log.info(
            "sparse round=%d pairs=%d kept=%d failing=%d",
            round_,
            len(inst.rows),
            int(keep.sum()),
            int(failing.sum()),
        )
        if not failing.any():
            return Solution(assignment, proven=True)
        keep |= failing
    return None

"""The most mentees of a subset matched at once over every usable pair (what balance's
targets are made of), proven from the usable mask without listing every pair as an arc.

A max flow on the arcs at hand gives a minimum cut of their network: S, the nodes the
source reaches in the residual graph. The same cut in the network of every usable pair
holds the same arcs plus one per usable pair from a mentee in S to a mentor outside it
that is not an arc yet (an arc across the cut is saturated, or its mentor would be in S).
With no such pair the cut's capacity is the flow found, so that flow is the most of every
pair (max-flow min-cut). Otherwise those pairs join the arcs and the flow runs again: at
most `PER_MENTEE` of them per mentee a round, the best scored first, ties spread over
mentors, so the arcs stay in proportion to the people when every pair crosses.
"""

from __future__ import annotations

import logging

import numpy as np
from ortools.graph.python import max_flow

from solver.encode.keys import distinct, found_in
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.large.near import best_per_row
from solver.runtime import BLOCK

log = logging.getLogger(__name__)


ROUNDS = 8  # max flows per subset, at most, before giving the proof up


PER_MENTEE = 24  # crossing pairs a mentee brings to the next round, at most


class MaxFlowError(RuntimeError):
    """The max flow did not reach an optimum (should never happen)."""


def _min_cut(keys: np.ndarray, mentees: np.ndarray, capacity: np.ndarray) -> tuple[int, np.ndarray]:
    """The max flow from these mentees over the arcs with these keys, and the source side
    of a minimum cut (a mask over mentees, mentors, source and sink)."""
    n, m = len(mentees), len(capacity)
    source, sink = n + m, n + m + 1
    rows, cols = keys // m, keys % m
    keep = mentees[rows]
    chosen = np.nonzero(mentees)[0]
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(np.full(len(chosen), source), chosen, np.ones(len(chosen)))
    flow.add_arcs_with_capacity(rows[keep], n + cols[keep], np.ones(int(keep.sum())))
    flow.add_arcs_with_capacity(n + np.arange(m), np.full(m, sink), capacity)
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise MaxFlowError("max flow not optimal")
    side = np.zeros(n + m + 2, dtype=bool)
    side[np.asarray(flow.get_source_side_min_cut(), dtype=np.int64)] = True
    return int(flow.optimal_flow()), side


def _crossing(
    problem: Problem, usable: Usable, keys: np.ndarray, side: np.ndarray, mentees: np.ndarray
) -> np.ndarray:
    """Usable pairs from a mentee of the subset in S to a mentor outside S that are not arcs
    yet (keys, increasing), at most `PER_MENTEE` a mentee, the best scored first."""
    n, m = problem.score.shape
    rows = np.nonzero(side[:n] & mentees)[0]
    cols = np.nonzero(~side[n : n + m])[0]
    found = []
    for first in range(0, len(rows) if len(cols) else 0, BLOCK):
        some = rows[first : first + BLOCK]
        crossing = usable.mask[np.ix_(some, cols)]
        ours = keys[np.searchsorted(keys, some[0] * m) : np.searchsorted(keys, (some[-1] + 1) * m)]
        at, hit = found_in(some, ours // m)  # the arcs of these mentees, to mentors in T
        where, into = found_in(cols, ours % m)
        arcs = np.nonzero(hit & into)[0]
        crossing[at[arcs], where[arcs]] = False
        value = np.where(
            crossing, np.rint(problem.score[np.ix_(some, cols)] * SCORE_SCALE), -np.inf
        )
        r, c = best_per_row(value, some, PER_MENTEE)
        found.append(some[r] * m + cols[c])
    return distinct(found)


def most_matched(
    problem: Problem, usable: Usable, keys: np.ndarray, mentees: np.ndarray
) -> tuple[int, np.ndarray] | None:
    """The most of these mentees (a mask) matched at once over every usable pair, and the
    arcs it was proven on (the given ones and those added); None without a proof."""
    if not mentees.any():
        return 0, keys
    for round_ in range(ROUNDS):
        matched, side = _min_cut(keys, mentees, usable.capacity)
        crossing = _crossing(problem, usable, keys, side, mentees)
        if len(crossing) == 0:
            return matched, keys
        log.info("most matched: round=%d crossing=%d", round_, len(crossing))
        keys = distinct([keys, crossing])
    return None

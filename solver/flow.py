"""The core engine: min-cost flow, exact and fast.

Which mentees get matched is a transversal matroid: volunteers first, then as
many as possible, then the longest waiting. Greedy over that order is optimal,
and every optimal set has the same number of mentees of each priority class.
So the lexicographic optimum takes two flows, both with small integer costs:

1. a max-flow of min cost where a mentee's arc costs minus its priority class:
   it fixes how many mentees of each class are matched;
2. a min-cost flow that routes exactly those counts through one node per class
   and maximises the total quantised score.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from solver.encoder import Instance, Solution, priority_class


class FlowError(RuntimeError):
    """The flow solver did not reach an optimum (should never happen on a valid instance)."""


def _assignment(
    flow: min_cost_flow.SimpleMinCostFlow, arcs: np.ndarray, inst: Instance
) -> np.ndarray:
    used = flow.flows(arcs) > 0
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    assignment[inst.rows[used]] = inst.cols[used]
    return assignment


def _class_counts(inst: Instance, classes: np.ndarray) -> np.ndarray:
    """How many mentees of each priority class the lexicographic optimum matches."""
    n, m = inst.n_mentees, inst.n_mentors
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    mentees = np.arange(n, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n, source), mentees, np.ones(n, dtype=np.int64), -classes
    )
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        inst.rows, n + inst.cols, np.ones(len(inst.rows), dtype=np.int64), np.zeros_like(inst.rows)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        n + np.arange(m), np.full(m, sink), inst.capacity, np.zeros(m, dtype=np.int64)
    )
    flow.set_nodes_supplies(np.array([source, sink]), np.array([n, -n]))
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        raise FlowError("priority flow not optimal")
    matched = _assignment(flow, pair_arcs, inst) >= 0
    return np.bincount(classes[matched], minlength=int(classes.max(initial=0)) + 1)


def solve_flow(inst: Instance) -> Solution:
    """The lexicographic optimum of an instance, proven by the flow's optimality."""
    n, m = inst.n_mentees, inst.n_mentors
    if len(inst.rows) == 0:
        return Solution(np.full(n, -1, dtype=np.int64), proven=True)
    classes = priority_class(inst)
    counts = _class_counts(inst, classes)
    k = len(counts)
    source, sink, class_node = n + m, n + m + 1, n + m + 2
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(k, source), class_node + np.arange(k), counts, np.zeros(k, dtype=np.int64)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        class_node + classes, np.arange(n), np.ones(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    )
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        inst.rows, n + inst.cols, np.ones(len(inst.rows), dtype=np.int64), -inst.gain
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        n + np.arange(m), np.full(m, sink), inst.capacity, np.zeros(m, dtype=np.int64)
    )
    total = int(counts.sum())
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise FlowError(f"score flow ended with status {status}")
    return Solution(_assignment(flow, pair_arcs, inst), proven=True)

"""The core engine: min-cost flow, exact and fast.

Which mentees get matched is a matroid (a gammoid: the sets the network can route at
once): volunteers first, then as many as possible, then the longest waiting. Greedy over
that order is optimal, and every optimal set has the same number of mentees of each
priority class. So the lexicographic optimum takes:

1. max flows (no costs), from the top priority class down: a class's count is the max
   flow from it and the classes above, less the flow from the classes above
   (`class_counts`);
2. one min-cost flow that routes exactly those counts through one node per class and
   maximises the total quantised score (`score_flow`).

`max_same_per_mentor` (one attribute) stays a network: a mentee reaches a mentor
through a (mentor, value) node of capacity k. `fair` stays on the flow too: the highest
score threshold that keeps the counts is found by bisection. One balance attribute is a
network too, but its first level breaks the class counts' matroid argument: it has its
own lexicographic flow (`balance_flow.py`), on the arcs of `network`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from solver.encode.instance import Instance, Solution, priority_class
from solver.rules.program import Balance, Fair, MaxSamePerMentor, ProgramRule


class FlowError(RuntimeError):
    """The flow solver did not reach an optimum (should never happen on a valid instance)."""


def _ones(n: int) -> np.ndarray:
    return np.ones(n, dtype=np.int64)


def _zeros(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


def network(inst: Instance, keep: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """Mentee → [mentor, value] → mentor → sink arcs as (tails, heads, capacities) groups:
    the (mentor, value) arcs, the pair arcs (those kept, in order), the mentors' arcs.

    Nodes: mentees 0..n-1, mentors n..n+m-1, source n+m, sink n+m+1, then the
    class nodes, then the (mentor, value) nodes of `max_same_per_mentor`.
    """
    n, m = inst.n_mentees, inst.n_mentors
    rows, cols = inst.rows[keep], inst.cols[keep]
    heads = n + cols
    groups: list[tuple[np.ndarray, ...]] = []
    if inst.has(MaxSamePerMentor):
        same = inst.all(MaxSamePerMentor)[0]
        value = same.value[rows]
        known = value >= 0
        width = int(same.value.max(initial=0)) + 1
        keys = cols[known] * width + value[known]
        nodes, inverse = np.unique(keys, return_inverse=True)
        first = n + m + 3 + n  # after the class nodes: 0..K, and K classes are at most n
        heads = heads.copy()
        heads[known] = first + inverse
        room = np.array(
            [same.room(int(key // width), int(key % width)) for key in nodes], dtype=np.int64
        )
        groups.append((first + np.arange(len(nodes)), n + nodes // width, np.maximum(room, 0)))
    groups.append((rows, heads, _ones(len(rows))))
    groups.append((n + np.arange(m), np.full(m, n + m + 1), inst.capacity))
    return groups


def _add_pairs(
    flow: min_cost_flow.SimpleMinCostFlow, inst: Instance, costs: np.ndarray, keep: np.ndarray
) -> np.ndarray:
    """The arcs of `network`, pair arcs at these costs, others free; the pair arcs' ids."""
    *values, pairs, mentors = network(inst, keep)
    for tails, heads, capacities in values:
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, _zeros(len(tails)))
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(*pairs, costs[keep])
    flow.add_arcs_with_capacity_and_unit_cost(*mentors, _zeros(len(mentors[0])))
    return np.asarray(pair_arcs)


def _assignment(
    flow: min_cost_flow.SimpleMinCostFlow, arcs: np.ndarray, inst: Instance, keep: np.ndarray
) -> np.ndarray:
    used = flow.flows(arcs) > 0
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    assignment[inst.rows[keep][used]] = inst.cols[keep][used]
    return assignment


def class_counts(inst: Instance, classes: np.ndarray) -> np.ndarray:
    """How many mentees of each priority class the lexicographic optimum matches.

    The sets of mentees the network can match at once form a matroid (a gammoid), so
    the lexicographic optimum matches, of the classes from r up, as many as any set can:
    the max flow from those mentees alone. Class r's count is that flow less the one from
    the classes above r. Max flows (no costs) from the top class down, stopping once the
    flow from all mentees is reached: every lower class then counts 0."""
    n, m = inst.n_mentees, inst.n_mentors
    source, sink = n + m, n + m + 1
    flow = max_flow.SimpleMaxFlow()
    entries = np.asarray(flow.add_arcs_with_capacity(np.full(n, source), np.arange(n), _ones(n)))
    for tails, heads, capacities in network(inst, np.ones(len(inst.rows), dtype=bool)):
        flow.add_arcs_with_capacity(tails, heads, capacities)
    counts = np.zeros(int(classes.max(initial=0)) + 1, dtype=np.int64)

    def reach(lowest: int) -> int:  # the max flow from the mentees of classes >= lowest
        flow.set_arcs_capacity(entries, (classes >= lowest).astype(np.int64))
        if flow.solve(source, sink) != flow.OPTIMAL:
            raise FlowError("priority max flow not optimal")
        return int(flow.optimal_flow())

    everyone, above = reach(0), 0
    for lowest in range(len(counts) - 1, -1, -1):
        if above == everyone:
            break
        matched = everyone if lowest == 0 else reach(lowest)
        counts[lowest], above = matched - above, matched
    return counts


def score_flow(
    inst: Instance,
    classes: np.ndarray,
    counts: np.ndarray,
    gains: np.ndarray,
    keep: np.ndarray | None = None,
) -> np.ndarray | None:
    """The assignment of maximum total `gains` matching exactly `counts` per class, or None."""
    n, m = inst.n_mentees, inst.n_mentors
    keep = np.ones(len(inst.rows), dtype=bool) if keep is None else keep
    k = len(counts)
    source, sink, class_node = n + m, n + m + 1, n + m + 2
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(k, source), class_node + np.arange(k), counts, _zeros(k)
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        class_node + classes, np.arange(n), _ones(n), _zeros(n)
    )
    pair_arcs = _add_pairs(flow, inst, -_on_their_grid(gains, keep), keep)
    total = int(counts.sum())
    flow.set_nodes_supplies(np.array([source, sink]), np.array([total, -total]))
    status = flow.solve()
    if status == flow.INFEASIBLE:
        return None
    if status != flow.OPTIMAL:
        raise FlowError(f"score flow ended with status {status}")
    return _assignment(flow, pair_arcs, inst, keep)


def _on_their_grid(gains: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The gains divided by their greatest common divisor: every other arc costs nothing,
    so each total is divided alike and no optimum changes, while the cost-scaling solver
    needs fewer phases (scores with 2 decimals are multiples of 0.005 on the engines'
    1e-9 steps: 123,355 arcs at 5,062 x 2,840 in 0.18 s instead of 0.42 s)."""
    kept = gains[keep]
    divisor = int(np.gcd.reduce(kept)) if len(kept) and kept.dtype.kind == "i" else 1
    return gains // divisor if divisor > 1 else gains


def fair_threshold(
    inst: Instance,
    classes: np.ndarray,
    counts: np.ndarray,
    feasible: Callable[[np.ndarray], bool] | None = None,
) -> int:
    """The highest gain t such that the counts can be met with arcs of gain >= t only."""
    levels = np.unique(inst.gain)
    low, high = 0, len(levels) - 1  # levels[low] is always feasible: every arc allowed
    while low < high:
        middle = (low + high + 1) // 2
        keep = inst.gain >= levels[middle]
        if feasible is not None:
            ok = feasible(keep)
        else:
            ok = score_flow(inst, classes, counts, _zeros(len(inst.rows)), keep) is not None
        low, high = (middle, high) if ok else (low, middle - 1)
    return int(levels[low])


def fair_floor(inst: Instance, threshold: int) -> int:
    """The lowest pair gain of the fair optimum: pins count, and they cannot move."""
    if inst.pinned_min_gain is None:
        return threshold
    return min(threshold, inst.pinned_min_gain)


def solve_flow(inst: Instance) -> Solution:
    """The lexicographic optimum of an instance, proven by the flow's optimality."""
    if inst.has(Balance):
        raise FlowError("balance targets need the balance flow (engines.balance_flow)")
    if len(inst.rows) == 0:
        return Solution(np.full(inst.n_mentees, -1, dtype=np.int64), proven=True)
    classes = priority_class(inst)
    counts = class_counts(inst, classes)
    keep = None
    if inst.has(Fair):
        floor = fair_floor(inst, fair_threshold(inst, classes, counts))
        keep = inst.gain >= floor
    assignment = score_flow(inst, classes, counts, inst.gain, keep)
    if assignment is None:
        raise FlowError("the class counts of the first flow could not be routed")
    return Solution(assignment, proven=True)


def best_total(inst: Instance) -> int:
    """The highest total gain of any assignment on the rules a flow models, whatever it
    matches: every answer keeping all the rules scores at most this (an honest bound when
    a search stops before its proof)."""
    relaxed = flow_relaxation(inst)
    n, m = relaxed.n_mentees, relaxed.n_mentors
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(np.full(n, source), np.arange(n), _ones(n), _zeros(n))
    flow.add_arc_with_capacity_and_unit_cost(source, sink, n, 0)  # a mentee may stay free
    pair_arcs = _add_pairs(flow, relaxed, -relaxed.gain, np.ones(len(relaxed.rows), dtype=bool))
    flow.set_nodes_supplies(np.array([source, sink]), np.array([n, -n]))
    if flow.solve() != flow.OPTIMAL:
        raise FlowError("the best-total flow did not reach its optimum")
    return int(relaxed.gain @ flow.flows(pair_arcs))


def flow_relaxation(inst: Instance, balance: bool = True) -> Instance:
    """The instance with only the rules a flow models (a warm start for other engines): the
    first max-same attribute, and the first balance attribute (unless `balance` is False:
    its flow takes several) or else the fair objective (the balance flow keeps no fair
    threshold). Every answer to the instance is one of the relaxation's, so its
    lexicographic optimum bounds each level given the ones before."""
    balanced = inst.all(Balance)[:1] if balance else []
    kept: list[ProgramRule] = [*inst.all(MaxSamePerMentor)[:1], *balanced]
    if not balanced:
        kept += inst.all(Fair)
    return replace(inst, rules=tuple(kept))


def max_matched(inst: Instance, mentees: np.ndarray) -> int:
    """The most mentees of a subset that can be matched at once, rules of the flow applied."""
    keep = mentees[inst.rows]
    sub = inst.subset(keep)
    if len(sub.rows) == 0:
        return 0
    classes = np.ones(inst.n_mentees, dtype=np.int64)
    return int(class_counts(flow_relaxation(sub), classes).sum())


def prepared(inst: Instance) -> Instance:
    """The instance with what its rules need from flows (balance targets)."""
    if not inst.has(Balance):
        return inst
    return replace(
        inst, rules=tuple(rule.prepare(inst, partial(max_matched, inst)) for rule in inst.rules)
    )

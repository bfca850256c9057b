"""The flow for a fixed plan of mentors: each may take between a lower and an upper number
of free mentees (closed: none; open: at least `min_size` less its pins). For a fixed set of
open mentors, groups are a min-cost flow with lower bounds, so the plan's lexicographic
optimum is exact (`lexflow.lexicographic`): volunteers, matched, waiting rounds, total.

Nodes are the flow engine's (`flow.network`: mentees, mentors, source, sink, the
(mentor, value) nodes of one `max_same_per_mentor` attribute); source → mentee entry
arcs carry the priority levels, and a sink → source arc closes the circulation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from solver.encode.instance import Instance
from solver.engines.flow import network
from solver.engines.lexflow import Network, NoCirculation, lexicographic

Key = tuple[int, int, int, int]  # matched volunteers, matched, waiting served, total gain


@dataclass(frozen=True)
class Plan:
    """Per mentor, the fewest and the most free mentees it takes."""

    lower: np.ndarray
    upper: np.ndarray


@dataclass(frozen=True)
class Planned:
    """A plan's lexicographic optimum: each mentee's mentor (-1: none) and its key."""

    assignment: np.ndarray
    key: Key


class Flows:
    """The network of one instance, built once; `solve(plan)` per plan tried."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        n, m = inst.n_mentees, inst.n_mentors
        source, sink = n + m, n + m + 1
        *others, pairs, mentors = network(inst, np.ones(len(inst.rows), dtype=bool))
        groups = [
            (np.full(n, source), np.arange(n), np.ones(n, dtype=np.int64)),
            *others,
            pairs,
            mentors,
            (np.array([sink]), np.array([source]), np.array([n])),
        ]
        sizes = np.cumsum([0] + [len(g[0]) for g in groups])
        self.entry = slice(int(sizes[0]), int(sizes[1]))
        self.pairs = slice(int(sizes[-4]), int(sizes[-3]))
        self.mentors = slice(int(sizes[-3]), int(sizes[-2]))
        tail, head, upper = (
            np.concatenate([g[k] for g in groups]).astype(np.int64) for k in range(3)
        )
        nodes = int(max(tail.max(), head.max())) + 1
        self.net = Network(nodes, tail, head, np.zeros(len(tail), dtype=np.int64), upper)
        self.levels = self._levels()

    def _levels(self) -> list[np.ndarray]:
        inst, arcs = self.inst, len(self.net.tail)
        levels = []
        for part, gain in [
            (self.entry, inst.volunteer.astype(np.int64)),
            (self.entry, np.ones(inst.n_mentees, dtype=np.int64)),
            (self.entry, inst.waiting.astype(np.int64)),
            (self.pairs, inst.gain.astype(np.int64)),
        ]:
            cost = np.zeros(arcs, dtype=np.int64)
            cost[part] = -gain
            levels.append(cost)
        return levels

    def solve(self, plan: Plan) -> Planned | None:
        """The plan's lexicographic optimum, or None when no flow keeps its bounds."""
        lower, upper = self.net.lower.copy(), self.net.upper.copy()
        lower[self.mentors], upper[self.mentors] = plan.lower, plan.upper
        try:
            flows = lexicographic(replace(self.net, lower=lower, upper=upper), self.levels)
        except NoCirculation:
            return None
        used = flows[self.pairs] > 0
        inst = self.inst
        assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
        assignment[inst.rows[used]] = inst.cols[used]
        return Planned(assignment, key_of(inst, assignment, used))


def key_of(inst: Instance, assignment: np.ndarray, used: np.ndarray) -> Key:
    """(matched volunteers, matched, waiting served, total gain) of the arcs used."""
    matched = assignment >= 0
    return (
        int(inst.volunteer[matched].sum()),
        int(matched.sum()),
        int(inst.waiting[matched].sum()),
        int(inst.gain[used].sum()),
    )

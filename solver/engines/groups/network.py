"""The flow for a fixed plan of mentors: each may take between a lower and an upper number
of free mentees (closed: none; open: at least `min_size` less its pins). For a fixed set of
open mentors, groups are a min-cost flow with lower bounds, so the plan's lexicographic
optimum is exact (`lexflow.lexicographic`): volunteers, matched, waiting rounds, total.

Nodes are the flow engine's (`flow.network`: mentees, mentors, source, sink); source →
mentee entry arcs carry the priority levels, and a sink → source arc closes the
circulation. A plan's network holds only the arcs to mentors it lets take someone.

The root plan's flow keeps, besides its answer, the face of its optimal counts (the
circulations that match as many volunteers, mentees and waiting rounds: `lexflow`). Every
plan lies within the root's bounds, so its answers with the root's counts are exactly the
face's circulations within its bounds: one flow, on the total alone, when the plan can
keep those counts; all the levels again when it cannot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from solver.encode.instance import Instance
from solver.engines.flow import network
from solver.engines.lexflow import (
    Network,
    NoCirculation,
    circulation,
    lexicographic,
    merged,
    optimal_face,
)

Key = tuple[int, int, int, int]  # matched volunteers, matched, waiting served, total gain
FLOW_SECONDS_PER_ARC = 4e-6  # what a plan's flow takes before one was timed (measured)


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


@dataclass(frozen=True)
class _Built:
    """The network on some arcs of the instance, where its kinds of arcs lie, its levels."""

    inst: Instance
    net: Network
    pairs: slice
    mentors: slice
    levels: list[np.ndarray]


def _built(inst: Instance) -> _Built:
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
    where = [slice(int(sizes[k]), int(sizes[k + 1])) for k in range(len(groups))]
    tail, head, upper = (np.concatenate([g[k] for g in groups]).astype(np.int64) for k in range(3))
    nodes = int(max(tail.max(), head.max())) + 1
    net = Network(nodes, tail, head, np.zeros(len(tail), dtype=np.int64), upper)
    levels = []
    for part, gain in [
        (where[0], inst.volunteer.astype(np.int64)),
        (where[0], np.ones(n, dtype=np.int64)),
        (where[0], inst.waiting.astype(np.int64)),
        (where[-3], inst.gain.astype(np.int64)),
    ]:
        cost = np.zeros(len(tail), dtype=np.int64)
        cost[part] = -gain
        levels.append(cost)
    return _Built(inst, net, where[-3], where[-2], levels)


class Flows:
    """The network of one instance, built once; `root(plan)` first, then `solve(plan)` per
    plan tried. `seconds` is the longest flow so far (what the next one may take)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self._every = _built(inst)
        self._face: Network | None = None
        self.seconds = FLOW_SECONDS_PER_ARC * len(inst.rows)

    def root(self, plan: Plan) -> Planned | None:
        """The root plan's optimum, its face of optimal counts kept for the plans after."""
        started, every = time.monotonic(), self._every
        net = _bounded(every.net, every.mentors, plan)
        for cost in merged(net, every.levels[:3]):
            flows = circulation(net, cost)
            if flows is None:
                return None
            net = optimal_face(net, cost, flows)
        self._face = net
        found = self._on_face(plan)
        self.seconds = time.monotonic() - started  # a plan's flow after takes no longer
        return found

    def solve(self, plan: Plan) -> Planned | None:
        """The plan's lexicographic optimum, or None when no flow keeps its bounds."""
        started = time.monotonic()
        try:
            return self._on_face(plan) or self._levels(plan)
        finally:
            self.seconds = max(self.seconds, time.monotonic() - started)

    def _on_face(self, plan: Plan) -> Planned | None:
        """The plan's best total with the root's counts, None when it cannot keep them."""
        every, face = self._every, self._face
        if face is None:
            return None
        keep = np.ones(len(face.tail), dtype=bool)
        keep[every.pairs] = plan.upper[self.inst.cols] > 0
        if (face.lower[~keep] > 0).any():
            return None
        lower, upper = face.lower.copy(), face.upper.copy()
        lower[every.mentors] = np.maximum(lower[every.mentors], plan.lower)
        upper[every.mentors] = np.minimum(upper[every.mentors], plan.upper)
        if (lower > upper).any():
            return None
        net = Network(face.nodes, face.tail[keep], face.head[keep], lower[keep], upper[keep])
        flows = circulation(net, every.levels[3][keep])
        if flows is None:
            return None
        carried = np.zeros(len(face.tail), dtype=np.int64)
        carried[keep] = flows
        return _planned(self.inst, carried[every.pairs] > 0)

    def _levels(self, plan: Plan) -> Planned | None:
        """Every level again, on the arcs to mentors the plan lets take someone."""
        keep = plan.upper[self.inst.cols] > 0
        built = self._every if keep.all() else _built(self.inst.subset(keep))
        try:
            flows = lexicographic(_bounded(built.net, built.mentors, plan), built.levels)
        except NoCirculation:
            return None
        return _planned(built.inst, flows[built.pairs] > 0)


def _bounded(net: Network, mentors: slice, plan: Plan) -> Network:
    lower, upper = net.lower.copy(), net.upper.copy()
    lower[mentors], upper[mentors] = plan.lower, plan.upper
    return replace(net, lower=lower, upper=upper)


def _planned(inst: Instance, used: np.ndarray) -> Planned:
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

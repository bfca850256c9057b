"""Node potentials that prove a flow's answer optimal: Bellman-Ford on the residual graph of the
one-circulation form of the two flows (with `max_same_per_mentor`, through its (mentor, value)
nodes: `rooms.py`)."""

from __future__ import annotations

import logging

import numpy as np

from solver.encode.instance import Instance, priority_class
from solver.engines.large.rooms import Rooms, rooms_of

log = logging.getLogger(__name__)


MAX_SWEEPS = 5_000  # Bellman–Ford sweeps before giving up the proof


def _residual(
    inst: Instance, keep: np.ndarray, assignment: np.ndarray, weight: int, big: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tails, heads, costs) of the residual graph of the one-circulation form at this
    assignment: the pair arcs (`_pair_arcs`), source ↔ mentee arcs at −W × class,
    mentor ↔ sink arcs (forward with room, backward when busy), sink ↔ source at ∓BIG."""
    n, m = inst.n_mentees, inst.n_mentors
    source, sink = n + m, n + m + 1
    rank = priority_class(inst)
    matched = assignment >= 0
    load = np.bincount(assignment[matched], minlength=m)
    mentees, mentors = np.arange(n), n + np.arange(m)
    room, busy = load < inst.capacity, load > 0
    back = [source] if matched.any() else []
    parts = _pair_arcs(inst, keep, assignment)
    parts.append(
        (
            np.where(matched, mentees, source),
            np.where(matched, source, mentees),
            np.where(matched, weight * rank, -weight * rank),
        )
    )
    parts.append((mentors[room], np.full(int(room.sum()), sink), np.zeros(int(room.sum()))))
    parts.append((np.full(int(busy.sum()), sink), mentors[busy], np.zeros(int(busy.sum()))))
    ends = np.array([sink, *back]), np.array([source] + ([sink] if back else []))
    parts.append((*ends, np.array([-big] + ([big] if back else []))))
    tail, head, cost = (np.concatenate(side).astype(np.int64) for side in zip(*parts, strict=True))
    return tail, head, cost


def _pair_arcs(
    inst: Instance, keep: np.ndarray, assignment: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The kept pair arcs at −gain, reversed at +gain when used; with max-same rooms they
    end at their (mentor, value) node, whose arcs to its mentor follow."""
    n = inst.n_mentees
    rows, cols, gain = inst.rows[keep], inst.cols[keep], inst.gain[keep]
    used = assignment[rows] == cols
    rooms = rooms_of(inst)
    enters = n + cols if rooms is None else rooms.node(n, rows, cols)
    parts = [
        (np.where(used, enters, rows), np.where(used, rows, enters), np.where(used, gain, -gain))
    ]
    if rooms is not None:
        parts.append(rooms.residual(n, assignment))
    return parts


def node_count(inst: Instance) -> int:
    """Mentees, mentors, source, sink, and the (mentor, value) nodes of a max-same rule."""
    rooms: Rooms | None = rooms_of(inst)
    return inst.n_mentees + inst.n_mentors + 2 + (0 if rooms is None else rooms.room.size)


def potentials(
    inst: Instance,
    keep: np.ndarray,
    assignment: np.ndarray,
    start: np.ndarray | None = None,
    largest: int | None = None,
) -> np.ndarray | None:
    """Node potentials proving the assignment optimal on the kept arcs, or None (no proof).

    `start` (the potentials of a previous, nearby answer) only speeds Bellman–Ford up: any
    fixpoint of its relaxations is a proof, wherever it started. `largest` bounds |gain|
    over every pair the proof covers, kept or not."""
    n = inst.n_mentees
    max_gain = int(np.abs(inst.gain).max(initial=0)) if largest is None else largest
    weight = 2 * (n + 1) * (max_gain + 1)  # W: more than any gain a cycle can make
    big = weight * (int(priority_class(inst).max(initial=0)) + 2)
    lowest = 0 if start is None else int(start.min(initial=0))
    floor = lowest - 4 * big  # a fixpoint stays above: a simple path costs more than -3 BIG
    if floor - 2 * big < -(2**62):
        return None  # beyond this, int64 could overflow
    tail, head, cost = _residual(inst, keep, assignment, weight, big)
    distance = np.zeros(node_count(inst), dtype=np.int64) if start is None else start.copy()
    return fixpoint(tail, head, cost, distance, floor)


def fixpoint(
    tail: np.ndarray, head: np.ndarray, cost: np.ndarray, distance: np.ndarray, floor: int
) -> np.ndarray | None:
    """Bellman–Ford to a fixpoint, `distance[head] <= distance[tail] + cost` on every arc, or
    None (a negative cycle). Each sweep relaxes only the arcs leaving a node that moved in
    the last one: all of them at first, few of them after (the long tail of sweeps)."""
    nodes = len(distance)
    order = np.argsort(tail, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    first = np.searchsorted(tail, np.arange(nodes + 1))
    moved = np.ones(nodes, dtype=bool)
    for _ in range(MAX_SWEEPS):
        active = np.nonzero(moved)[0]
        if len(active) == nodes:
            arcs = np.arange(len(tail))
        else:
            counts = first[active + 1] - first[active]
            offsets = np.repeat(first[active] - np.cumsum(counts) + counts, counts)
            arcs = offsets + np.arange(int(counts.sum()))
        reach = distance[tail[arcs]] + cost[arcs]
        better = reach < distance[head[arcs]]
        if not better.any():
            return distance
        targets, reach = head[arcs][better], reach[better]
        moved[:] = False
        np.minimum.at(distance, targets, reach)
        moved[targets] = True
        if distance.min() < floor:
            return None  # only a negative cycle goes this low: not optimal on the kept arcs
    return None

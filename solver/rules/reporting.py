"""Reporting lines as a forest: who is above whom, for every pair at once, in linear time.

Each person has at most one manager (the `manager_id` of the first list that gives one),
so the manager graph is functional: every part of it is a tree hanging off a root (a
person without a manager in the request: people not in the request end a chain) or off
one cycle (everyone in a cycle is above everyone else in it). Each cycle is contracted to
one node, the forest is labelled by depth-first entry and exit times, and one person is
above another iff the other's node lies in the subtree of theirs: `tin[a] <= tin[b] <
tout[a]`, compared for every pair by broadcasting. The validator's pair-by-pair walk up
each chain (`by_pair._reports_to`) is the oracle of the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from solver.contract.request import Participant


@dataclass(frozen=True)
class Forest:
    """Everyone of the request as a node (one per id), and the tour of the contracted forest."""

    node: dict[str, int]  # id → node
    tin: np.ndarray  # per node: entry time of its contracted node
    tout: np.ndarray  # per node: exit time (one past the last entry time below it)
    linked: np.ndarray  # per node: has a manager or a report in the request


def managers(people: Sequence[Participant], node: dict[str, int]) -> np.ndarray:
    """Each node's manager node, -1 without one in the request (first list giving one wins)."""
    manager = np.full(len(node), -1, dtype=np.int64)
    given = np.zeros(len(node), dtype=bool)
    for person in people:
        k = node[person.id]
        if person.manager_id and not given[k]:
            given[k] = True
            manager[k] = node.get(person.manager_id, -1)
    return manager


def contracted(manager: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each node's component (the nodes of a cycle share the first of them found, every
    other node is its own) and whether it lies on a cycle. Each node is walked once."""
    up = manager.tolist()
    component = list(range(len(up)))
    in_cycle = [False] * len(up)
    state = [0] * len(up)  # 0 new, 1 on this walk, 2 done
    for start in range(len(up)):
        path, current = [], start
        while current >= 0 and state[current] == 0:
            state[current] = 1
            path.append(current)
            current = up[current]
        if current >= 0 and state[current] == 1:  # the walk closed a cycle at `current`
            for k in path[path.index(current) :]:
                component[k], in_cycle[k] = current, True
        for k in path:
            state[k] = 2
    return np.array(component, dtype=np.int64), np.array(in_cycle, dtype=bool)


def tour(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Depth-first entry and exit times of a forest given by each node's parent (-1: a
    root; a parent of len(parent) or more: not in the forest, never visited)."""
    size = len(parent)
    order = np.argsort(parent, kind="stable")
    first = np.searchsorted(parent[order], np.arange(-1, size + 1)).tolist()
    children = order.tolist()  # children of p: children[first[p + 1] : first[p + 2]]
    tin, tout = [0] * size, [0] * size
    clock, stack = 0, [(v, False) for v in reversed(children[first[0] : first[1]])]
    while stack:
        v, leaving = stack.pop()
        if leaving:
            tout[v] = clock
            continue
        tin[v], clock = clock, clock + 1
        stack.append((v, True))
        stack += [(c, False) for c in reversed(children[first[v + 1] : first[v + 2]])]
    return np.array(tin, dtype=np.int64), np.array(tout, dtype=np.int64)


def forest(mentors: Sequence[Participant], mentees: Sequence[Participant]) -> Forest:
    """Every person of the request placed in the contracted forest of reporting lines."""
    people = [*mentors, *mentees]
    node: dict[str, int] = {}
    for person in people:
        node.setdefault(person.id, len(node))
    manager = managers(people, node)
    component, in_cycle = contracted(manager)
    size = len(node)
    parent = np.full(size, size, dtype=np.int64)  # cycle members: their cycle's node stands in
    tree = np.nonzero(~in_cycle)[0]
    above = manager[tree]
    parent[tree] = np.where(above >= 0, component[np.maximum(above, 0)], -1)
    parent[component[in_cycle]] = -1  # a cycle's node is a root: nobody in it has a manager outside
    tin, tout = tour(parent)
    linked = manager >= 0
    linked[manager[manager >= 0]] = True
    return Forest(node, tin[component], tout[component], linked)


def along_lines(
    mentors: Sequence[Participant], mentees: Sequence[Participant], found: Forest | None = None
) -> np.ndarray:
    """mentees × mentors: True where one is above the other in a reporting line. Only
    people with a manager or a report in the request are compared. `found`: the forest of
    the whole request, when these mentees are a block of it."""
    found = found or forest(mentors, mentees)
    e = np.array([found.node[p.id] for p in mentees], dtype=np.int64)
    m = np.array([found.node[p.id] for p in mentors], dtype=np.int64)
    rows, cols = np.nonzero(found.linked[e])[0], np.nonzero(found.linked[m])[0]
    mask = np.zeros((len(mentees), len(mentors)), dtype=bool)
    if len(rows) and len(cols):
        a, b = e[rows][:, None], m[cols][None, :]
        tin_a, tout_a, tin_b, tout_b = found.tin[a], found.tout[a], found.tin[b], found.tout[b]
        line = ((tin_b <= tin_a) & (tin_a < tout_b)) | ((tin_a <= tin_b) & (tin_b < tout_a))
        line &= a != b  # the same id on both sides is one person: not_self's pair
        mask[np.ix_(rows, cols)] = line
    return mask

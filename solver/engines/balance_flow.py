"""One balance attribute as a network: the lexicographic optimum, proven, with no boolean
per pair.

Each value v of the attribute is a node between the source and its mentees, fed by two
arcs: a *credit* arc of capacity gap_v (its target less its pinned mentees) and a plain
arc for the rest. Flow through credit arcs is Σ_v min(matched_v, gap_v): the targets
less the shortfall. The rest of the network is the flow engine's (pair arcs, the
max-same (mentor, value) nodes, mentors' places), closed into a circulation by a
sink → source arc. The levels are the contract's order (`lexflow.lexicographic` keeps
each optimal face exactly):

1. the most credit (the least shortfall);
2. matched volunteers, 3. matched mentees, 4. their waiting rounds (costs on the
   mentees' entry arcs);
5. the total quantised score on the pair arcs.

Levels whose costs stay small are folded into one flow (`lexflow.merged`): at 1,000 ×
350, levels 1-4 are one flow, the score a second.
"""

from __future__ import annotations

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.engines.flow import network
from solver.engines.lexflow import Network, lexicographic
from solver.rules.program import Balance


def balance_network(inst: Instance, rule: Balance) -> tuple[Network, dict[str, slice]]:
    """The network, and where each kind of arc lies in its arrays."""
    n, m = inst.n_mentees, inst.n_mentors
    source, sink, hub = n + m, n + m + 1, n + m + 2  # class nodes' place in `flow.network`
    values = len(rule.target)
    gap = np.maximum(rule.target - rule.pinned, 0)
    size = np.bincount(rule.value[rule.value >= 0], minlength=values)
    entry = np.where(rule.value >= 0, hub + rule.value, source)
    *others, pairs, mentors = network(inst, np.ones(len(inst.rows), dtype=bool))
    groups = [
        (np.full(values, source), hub + np.arange(values), gap),
        (np.full(values, source), hub + np.arange(values), size),
        (entry, np.arange(n), np.ones(n, dtype=np.int64)),
        *others,
        pairs,
        mentors,
        (np.array([sink]), np.array([source]), np.array([n])),
    ]
    sizes = np.cumsum([0] + [len(g[0]) for g in groups])
    where = {
        "credit": slice(sizes[0], sizes[1]),
        "entry": slice(sizes[2], sizes[3]),
        "pairs": slice(sizes[-4], sizes[-3]),
    }
    tail, head, upper = (np.concatenate([g[k] for g in groups]).astype(np.int64) for k in range(3))
    nodes = int(max(tail.max(), head.max())) + 1
    net = Network(nodes, tail, head, np.zeros(len(tail), dtype=np.int64), upper)
    return net, where


def level_costs(
    inst: Instance, rule: Balance, net: Network, where: dict[str, slice]
) -> list[np.ndarray]:
    """The levels of the contract's order as costs on the network's arcs, not folded."""
    levels = []
    for part, gain in [
        ("credit", np.ones(len(rule.target), dtype=np.int64)),
        ("entry", inst.volunteer.astype(np.int64)),
        ("entry", np.ones(inst.n_mentees, dtype=np.int64)),
        ("entry", inst.waiting.astype(np.int64)),
        ("pairs", inst.gain),
    ]:
        cost = np.zeros(len(net.tail), dtype=np.int64)
        cost[where[part]] = -gain
        levels.append(cost)
    return levels


def assignment_of(inst: Instance, flows: np.ndarray, where: dict[str, slice]) -> np.ndarray:
    """Each mentee's mentor in a circulation of the network (-1 for none)."""
    used = flows[where["pairs"]] > 0
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    assignment[inst.rows[used]] = inst.cols[used]
    return assignment


def solve_balance(inst: Instance) -> Solution:
    """The lexicographic optimum under one balance attribute (and the flow's other rules)."""
    [rule] = inst.all(Balance)
    net, where = balance_network(inst, rule)
    flows = lexicographic(net, level_costs(inst, rule, net, where))
    return Solution(assignment_of(inst, flows, where), proven=True)

"""Every stable matching lies between the two that deferred acceptance finds.

With strict orders (stated preferences, then score, then id: `encode.orders`), the
stable matchings of a pool form a lattice whose ends are the mentee-optimal matching
M0 and the mentor-optimal one Mz. What this module uses of it (Gale and Sotomayor;
Roth's rural-hospitals theorem):

1. every stable matching matches the same mentees and gives each mentor the same load;
   a mentor with a place left holds the same mentees in all of them;
2. each mentee's partner lies, in their order, between M0 (best) and Mz (worst);
3. a full mentor's mentees lie, in its order, between its worst in M0 and its best in Mz.

The arcs kept are the pairs allowed by 1-3 (always M0's and Mz's). A pair left out
is either out of its mentee's range [M0, Mz] — it cannot block a matching that keeps
the loads and gives every mentee an arc (the mentee has better, or the mentor is
full of mentees it prefers, as in M0) — or in range but ruled out by 1 or 3; those
may block, and keep their stability row (`rules.program.stable.Bracket`). So the
best stable matching is exactly the best assignment on the kept arcs that satisfies
the stability rows, the loads and who is matched: a small exact problem where the two
ends differ, none at all where they agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from solver.encode.instance import Instance
from solver.encode.keys import cells_of, distinct
from solver.encode.problem import Problem
from solver.encode.usable import Usable
from solver.engines.large.pairs import Bonus, arcs_instance
from solver.engines.stable.orders import ROWS_PER_BLOCK, Orders
from solver.rules.program import Stable
from solver.rules.program import bind as program_rules
from solver.rules.program.stable import Bracket


@dataclass(frozen=True)
class Ends:
    """The two stable matchings at the ends of the lattice (each mentee's mentor, -1)."""

    mentee_optimal: np.ndarray
    mentor_optimal: np.ndarray

    @property
    def unique(self) -> bool:
        return bool((self.mentee_optimal == self.mentor_optimal).all())


def _mentor_range(orders: Orders, ends: Ends) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per mentor: whether full in M0, its worst key in M0 and its best key in Mz."""
    n, m = orders.shape
    low, high = np.full(m, -1, dtype=np.int64), np.full(m, np.iinfo(np.int64).max)
    for assignment, side, fold in (
        (ends.mentee_optimal, low, np.maximum),
        (ends.mentor_optimal, high, np.minimum),
    ):
        rows = np.nonzero(assignment >= 0)[0]
        fold.at(side, assignment[rows], orders.mentor_key(rows, assignment[rows]))
    load = np.bincount(ends.mentee_optimal[ends.mentee_optimal >= 0], minlength=m)
    return load >= orders.usable.capacity, low, high


def _in_range(orders: Orders, ends: Ends) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs in their mentee's range (row-major keys), with both order keys."""
    n, m = orders.shape
    matched = np.nonzero(ends.mentee_optimal >= 0)[0]
    best = orders.mentee_key(matched, ends.mentee_optimal[matched])
    worst = orders.mentee_key(matched, ends.mentor_optimal[matched])
    keys, mentee_keys = [], []
    for first in range(0, len(matched), ROWS_PER_BLOCK):
        block = slice(first, first + ROWS_PER_BLOCK)
        order = orders.mentee_rows(matched[block])
        inside = (order >= best[block, None]) & (order <= worst[block, None])
        row, col = cells_of(inside)
        keys.append(matched[block][row] * m + col)
        mentee_keys.append(order[row, col])
    found = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    ek = np.concatenate(mentee_keys) if keys else np.zeros(0, dtype=np.int64)
    return found, ek, orders.mentor_key(found // m, found % m)


def bracketed(
    problem: Problem, usable: Usable, orders: Orders, ends: Ends, bonus: Bonus | None
) -> Instance:
    """The instance on the arcs stable matchings can use, its Stable rule bracketed."""
    n, m = orders.shape
    full, worst0, bestz = _mentor_range(orders, ends)
    keys, mentee_key, mentor_key = _in_range(orders, ends)
    rows, cols = keys // m, keys % m
    fixed = ends.mentee_optimal[rows] == cols
    kept = np.where(full[cols], (mentor_key <= worst0[cols]) & (mentor_key >= bestz[cols]), fixed)
    ends_keys = [
        np.nonzero(a >= 0)[0] * m + a[a >= 0] for a in (ends.mentee_optimal, ends.mentor_optimal)
    ]
    arcs = distinct([keys[kept], *ends_keys])
    inst = arcs_instance(problem, usable, arcs, bonus=bonus)
    plain = arcs_instance(problem, usable, arcs)
    rules = program_rules(problem, inst.rows, inst.cols, plain.gain)
    load = np.bincount(ends.mentee_optimal[ends.mentee_optimal >= 0], minlength=m)
    out = ~kept & ~np.isin(keys, arcs)
    bracket = Bracket(
        load, ends.mentee_optimal >= 0, rows[out], cols[out], mentee_key[out], mentor_key[out]
    )
    rules = tuple(replace(r, bracket=bracket) if isinstance(r, Stable) else r for r in rules)
    return replace(inst, rules=rules)

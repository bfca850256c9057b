"""Which of the pairs a proof pass finds join the next round: at most so many per mentee and
per mentor, the ones with the lowest reduced cost.

Any failing pair added makes progress, and a proof only ever comes from a pass that found
no failing pair at all, so which of them join changes no answer's optimality, only how
many rounds it takes. On real pools a pass finds a handful of pairs per mentee and per
mentor, far below the caps, and every one joins. When scores tie everywhere (a pool of
ids alone scores 0 on every pair) a pass can find every pair below the margin; then the
caps keep the next round's arcs in proportion to the people, not to the pairs (at most
NEAR_PER_MENTEE a mentee: real pools find up to 29 with a priced share, 13 without). Ties are
spread: mentee i prefers, among equal pairs, the mentors from i × cap on (and mentors
likewise), so the pairs kept cover every mentor instead of the same few.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance
from solver.encode.keys import cells_of, distinct, found_in
from solver.encode.quantise import SCORE_SCALE

NEAR_PER_MENTEE = 64  # pairs below the margin a mentee brings to the next round, at most
NEAR_PER_MENTOR = 96  # and a mentor, times how many mentees there are per mentor


def mentor_cap(mentees: int, mentors: int) -> int:
    """Pairs below the margin a mentor brings, at most: NEAR_PER_MENTOR per mentee it has on
    average (rounded up), so the cap binds on a mentor only far beyond its share."""
    return NEAR_PER_MENTOR * max(1, -(-mentees // max(mentors, 1)))


def within_cap(
    group: np.ndarray, other: np.ndarray, slack: np.ndarray, cap: int, size: int
) -> np.ndarray:
    """Which pairs are among the `cap` of the highest `slack` (the lowest reduced cost) of
    their group (`group[k]`: a mentee or a mentor; `other[k]`: the partner, one of `size`);
    every one when no group has more than `cap`."""
    if len(group) == 0:
        return np.zeros(0, dtype=bool)
    counts = np.bincount(group)
    if counts.max() <= cap:
        return np.ones(len(group), dtype=bool)
    spread = (other - group * cap) % size  # among ties, group g prefers partners from g·cap on
    order = np.lexsort((spread, -slack, group))
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(order)) - starts[group[order]]
    kept = np.zeros(len(group), dtype=bool)
    kept[order[rank < cap]] = True
    return kept


def best_per_row(value: np.ndarray, rows: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells (r, c) of the `cap` highest values of each row of a block (rows[r] is the
    row's mentee; -inf: not a candidate), ties spread as `within_cap` spreads them. Values
    are whole numbers (gain units), so the spread, a fraction, reorders no distinct ones;
    a partition per row, no sort: the block may hold every pair of its rows."""
    width = value.shape[1]
    finite = np.isfinite(value)
    if np.count_nonzero(finite, axis=1).max(initial=0) <= cap:
        r, c = cells_of(finite)
        return r, c
    k = min(cap, width)
    spread = (np.arange(width)[None, :] - rows[:, None] * cap) % width
    key = value - spread / width
    top = np.argpartition(key, width - k, axis=1)[:, width - k :]
    r = np.repeat(np.arange(len(rows)), k)
    c = top.ravel()
    good = np.isfinite(value[r, c])
    return r[good], c[good]


@dataclass(frozen=True)
class Left:
    """What a proof pass leaves out: pairs made, the round's arcs, and whether it caps."""

    assignment: np.ndarray
    arcs: np.ndarray  # increasing keys
    capped: bool


@dataclass(frozen=True)
class Found:
    """One block's pairs below the margin: keys, slack (−reduced cost), how many fail and
    how many there were before the cap; `worst`: the sum over its mentees of the largest
    slack of a failing pair (before the cap)."""

    keys: np.ndarray
    slack: np.ndarray
    failing: int
    listed: int
    worst: float = 0.0


def found_of(
    left_out: Left,
    rows: np.ndarray,
    columns: np.ndarray,
    r: np.ndarray,
    c: np.ndarray,
    slack: np.ndarray,
    m: int,
) -> Found:
    """A block's pairs below the margin, from its cells (r, c) of rows × columns (row-major
    order) and their slack: the pairs left out dropped, at most the cap per mentee kept."""
    keys = rows[r] * m + columns[c]
    largest = np.zeros(len(rows))  # each row's largest slack below `near`, at least 0
    np.maximum.at(largest, r, slack)  # on the pairs found: two passes fewer over the block
    worst = float(largest.sum())  # ≥ 0 where failing
    if len(left_out.arcs):
        fresh = ~found_in(left_out.arcs, keys)[1]
        keys, slack, r, c = keys[fresh], slack[fresh], r[fresh], c[fresh]
    failing, listed = int(np.count_nonzero(slack > 0)), len(keys)
    if left_out.capped:
        kept = within_cap(rows[r], columns[c], slack, NEAR_PER_MENTEE, m)
        keys, slack = keys[kept], slack[kept]
    return Found(keys, slack, failing, listed, worst)


KEEP_BELOW = 5 * SCORE_SCALE // 100  # arcs a round keeps after a pass with few failures
FEW = 25  # few failures: at most one per this many mentees (10,000 x 3,400 has 250 after round 0)


def kept_arcs(inst: Instance, distance: np.ndarray, assignment: np.ndarray) -> np.ndarray:
    """The round's arcs the next one keeps after a pass that found few failing pairs: the
    pairs made and the arcs whose reduced cost at the round's potentials is below
    KEEP_BELOW. The next optimum moves little, and arcs far from the potentials' bar
    rarely join it; any that would shows as failing in the next pass, which reads every
    pair, so the proof stands whatever is left out (only a round more may follow). At
    100,000 × 34,000 the last round's flow runs on a fraction of the arcs."""
    n = inst.n_mentees
    reduced = distance[inst.rows] - distance[n + inst.cols] - inst.gain
    kept = (reduced < KEEP_BELOW) | (assignment[inst.rows] == inst.cols)
    return inst.rows[kept] * inst.n_mentors + inst.cols[kept]


@dataclass
class Arcs:
    """The arcs of each round: every pair found so far, or once (plain rounds), after a
    pass with few failing pairs (at most one a `FEW` mentees), only the last round's arcs
    near the potentials' bar (`kept_arcs`) and the pairs just found. A round after that one
    has every pair found again: leaving arcs out costs at most one round more. At 10,000 ×
    3,400 the second and last round's flow runs on 105,808 arcs instead of 274,453."""

    every: np.ndarray
    narrowing: bool  # whether a round may still leave arcs out

    def next(
        self,
        inst: Instance,
        added: list[np.ndarray],
        distance: np.ndarray,
        assignment: np.ndarray,
        failing: int,
    ) -> np.ndarray:
        """The next round's arcs, given this round's and the pairs its pass added."""
        self.every = distinct([self.every, *added])
        if not self.narrowing or failing * FEW > inst.n_mentees:
            return self.every
        self.narrowing = False
        return distinct([kept_arcs(inst, distance, assignment), *added])


KEPT = ("keys", "slack")
NOTHING = (np.zeros(0, np.int64), np.zeros(0), 0, 0)


@dataclass(frozen=True)
class Pass:
    """What a proof pass found: pairs below the margin (at most the caps), which of them
    fail, how many fail in all, and whether every pair below the margin is listed (only
    then may the next pass read only the pairs whose reduced cost can have dropped).
    `worst`: the sum over mentees of the largest slack of a failing pair, so that no
    assignment with the same class counts gains more than that over the pass's answer
    (each mentee makes one pair; every other arc keeps a nonnegative reduced cost)."""

    keys: np.ndarray
    negative: np.ndarray
    failing: int
    complete: bool
    worst: float = 0.0

    @classmethod
    def nothing(cls) -> Pass:
        """Before the first pass: nothing listed, nothing to read from."""
        return cls(np.zeros(0, np.int64), np.zeros(0, bool), 0, complete=False)

    def __str__(self) -> str:
        return f"failing={self.failing} near={len(self.keys)} complete={self.complete}"


def combined(found: list[Found], capped: bool, n: int, m: int) -> Pass:
    """The blocks' pairs in key order, at most `mentor_cap` per mentor when capped."""
    found = found or [Found(*NOTHING)]
    keys, slack = (np.concatenate([getattr(part, name) for part in found]) for name in KEPT)
    listed = sum(part.listed for part in found)
    if capped:
        kept = within_cap(keys % m, keys // m, slack, mentor_cap(n, m), n)
        keys, slack = keys[kept], slack[kept]
    order = np.argsort(keys, kind="stable")  # blocks of distinct pairs: no repeats
    failing = sum(part.failing for part in found)
    worst = sum(part.worst for part in found)
    return Pass(keys[order], slack[order] > 0, failing, len(keys) == listed, worst)

"""Everyone's strict order, read from the score matrix a block at a time: no arc list.

The orders are `encode.orders`' (stated preferences, then the higher score, then id
order), on the usable pairs only. A key per pair sorts as that order (lower is
preferred) and is the same int64 `encode.orders.order_key` gives the pair's arc: the
deferred acceptance here and the stability rows of the exact model agree by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.orders import UNLISTED, order_key, wishes
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE, quantise
from solver.encode.usable import Usable

NEVER = np.iinfo(np.int64).max  # the key of a pair that may not be made
ROWS_PER_BLOCK = 512  # people whose whole order is read at once (a few MB of keys)


def _stated(triples: list[tuple[int, int, int]], width: int) -> tuple[np.ndarray, np.ndarray]:
    """(increasing keys person × width + other, their best stated rank) of stated wishes."""
    if not triples:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    who, other, rank = (np.array(c, dtype=np.int64) for c in zip(*triples, strict=True))
    keys = who * width + other
    order = np.lexsort((rank, keys))
    keys, rank = keys[order], rank[order]
    first = np.r_[True, keys[1:] != keys[:-1]]
    return keys[first], rank[first]


def _positions(stated: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
    wished, rank = stated
    position = np.full(keys.shape, UNLISTED, dtype=np.int64)
    if len(wished):
        at = np.minimum(np.searchsorted(wished, keys), len(wished) - 1)
        hit = wished[at] == keys
        position[hit] = rank[at[hit]]
    return position


@dataclass(frozen=True)
class Orders:
    """Both sides' orders over the usable pairs of a problem."""

    problem: Problem
    usable: Usable
    by_mentee: tuple[np.ndarray, np.ndarray]  # stated wishes, keyed mentee × m + mentor
    by_mentor: tuple[np.ndarray, np.ndarray]  # stated wishes, keyed mentor × n + mentee

    @property
    def shape(self) -> tuple[int, int]:
        n, m = self.problem.score.shape
        return int(n), int(m)

    def mentee_key(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Each pair's place in its mentee's order."""
        gain = quantise(self.problem.score[rows, cols])
        return order_key(_positions(self.by_mentee, rows * self.shape[1] + cols), gain, cols)

    def mentor_key(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Each pair's place in its mentor's order."""
        gain = quantise(self.problem.score[rows, cols])
        return order_key(_positions(self.by_mentor, cols * self.shape[0] + rows), gain, rows)

    def mentee_rows(self, mentees: np.ndarray) -> np.ndarray:
        """The keys of these mentees' whole rows (NEVER where a pair may not be made)."""
        gain = quantise(self.problem.score[mentees])
        keys = _row_keys(gain, _stated_rows(self.by_mentee, mentees, self.shape[1]))
        keys[~self.usable.mask[mentees]] = NEVER
        return keys

    def mentor_rows(self, mentors: np.ndarray) -> np.ndarray:
        """The keys of these mentors' whole orders over the mentees (NEVER where not usable)."""
        gain = quantise(self.problem.score[:, mentors].T)
        keys = _row_keys(gain, _stated_rows(self.by_mentor, mentors, self.shape[0]))
        keys[~self.usable.mask[:, mentors].T] = NEVER
        return keys

    def mentors_best(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Each mentor's `k` best mentees (ids, keys, best first, -1 and NEVER past the end
        of its order), read a block of mentees' rows at a time: the matrix's own layout,
        not a column at a time."""
        n, m = self.shape
        wished, rank = self.by_mentor
        mentor, mentee = wished // n, wished % n
        by_row = np.argsort(mentee, kind="stable")
        mentor, mentee, rank = mentor[by_row], mentee[by_row], rank[by_row]
        ids, keys = [], []
        for first in range(0, n, 4 * ROWS_PER_BLOCK):
            last = min(first + 4 * ROWS_PER_BLOCK, n)
            lo, hi = np.searchsorted(mentee, [first, last])
            gain = quantise(self.problem.score[first:last]).T  # mentors × these mentees
            stated = (mentor[lo:hi], mentee[lo:hi] - first, rank[lo:hi])
            block = _row_keys(gain, stated, offset=first)
            block[~self.usable.mask[first:last].T] = NEVER
            top, top_keys = _smallest(block, k)
            ids.append(np.where(top >= 0, top + first, -1))
            keys.append(top_keys)
        if not ids:
            return np.full((m, k), -1, dtype=np.int64), np.full((m, k), NEVER, dtype=np.int64)
        merged, merged_keys = np.concatenate(ids, axis=1), np.concatenate(keys, axis=1)
        top, top_keys = _smallest(merged_keys, k)
        return np.where(top >= 0, np.take_along_axis(merged, np.maximum(top, 0), 1), -1), top_keys


def _smallest(keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the positions and values of its `k` smallest keys, smallest first (-1 and
    NEVER for what is past the row's usable entries or its width)."""
    width = min(k, keys.shape[1])
    if width < keys.shape[1]:
        top = np.argpartition(keys, width - 1, axis=1)[:, :width]
    else:
        top = np.broadcast_to(np.arange(width), keys.shape).copy()
    top_keys = np.take_along_axis(keys, top, axis=1)
    order = np.argsort(top_keys, axis=1, kind="stable")
    top, top_keys = np.take_along_axis(top, order, 1), np.take_along_axis(top_keys, order, 1)
    top = np.where(top_keys == NEVER, -1, top)
    if width < k:
        pad = ((0, 0), (0, k - width))
        top = np.pad(top, pad, constant_values=-1)
        top_keys = np.pad(top_keys, pad, constant_values=NEVER)
    return top.astype(np.int64), top_keys


def _stated_rows(
    stated: tuple[np.ndarray, np.ndarray], people: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stated wishes of these people: (row in `people`, other, rank), by a range per
    person in the sorted keys (a few searches, not one per cell)."""
    wished, rank = stated
    lo = np.searchsorted(wished, people * width)
    hi = np.searchsorted(wished, (people + 1) * width)
    count = hi - lo
    row = np.repeat(np.arange(len(people)), count)
    at = np.repeat(lo - np.r_[0, np.cumsum(count)[:-1]], count) + np.arange(int(count.sum()))
    return row, wished[at] % width, rank[at]


def _row_keys(
    gain: np.ndarray, stated: tuple[np.ndarray, np.ndarray, np.ndarray], offset: int = 0
) -> np.ndarray:
    """`order_key` over whole rows: unlisted everywhere but where a wish was stated; the
    columns are the others `offset`, `offset + 1`, …"""
    others = np.arange(offset, offset + gain.shape[1], dtype=np.int64)[None, :]
    row, other, rank = stated
    stated_keys = order_key(rank, gain[row, other], other + offset)
    keys = np.clip(gain, 0, SCORE_SCALE, out=gain)  # in place: `order_key`, no temporaries
    np.subtract(SCORE_SCALE, keys, out=keys)
    keys <<= 17
    keys |= others
    keys |= UNLISTED << 47
    keys[row, other] = stated_keys
    return keys


def orders(problem: Problem, usable: Usable) -> Orders:
    pool = problem.pool
    n, m = problem.score.shape
    by_mentee = _stated(wishes(pool.mentees, pool.mentor_index), m)
    by_mentor = _stated(wishes(pool.mentors, pool.mentee_index), n)
    return Orders(problem, usable, by_mentee, by_mentor)


def next_best(
    keys_of: object, people: np.ndarray, after: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each person, the next `k` others in their order after key `after` (exclusive):
    (ids, keys), best first, -1 and NEVER where their order runs out. `keys_of` is
    `Orders.mentee_rows` or `Orders.mentor_rows`."""
    ids_parts, key_parts = [], []
    for first in range(0, len(people), ROWS_PER_BLOCK):
        block = people[first : first + ROWS_PER_BLOCK]
        keys = keys_of(block)  # type: ignore[operator]
        keys[keys <= after[first : first + ROWS_PER_BLOCK, None]] = NEVER
        ids, top_keys = _smallest(keys, k)
        ids_parts.append(ids)
        key_parts.append(top_keys)
    if not ids_parts:
        return np.zeros((0, k), dtype=np.int64), np.zeros((0, k), dtype=np.int64)
    return np.concatenate(ids_parts), np.concatenate(key_parts)

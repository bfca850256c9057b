"""Blocking pairs nobody listed, counted through the float32 screen of a large pool
(`solver/encode/screen.py`): only pairs that may block are scored exactly.

A pair nobody listed blocks only if its gain is at least the mentee's own pair's and,
unless the mentor has room, at least the gain of the mentor's least preferred mentee.
Gains are rint(score · SCORE_SCALE) ≤ score · SCORE_SCALE + 1/2, so a blocking pair has
score > (gain − 1) / SCORE_SCALE for both: the screen's row and column thresholds. The
pairs it keeps go through the same exact test as the dense count (`stability.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np

from solver.encode.blocks import PackedMask
from solver.encode.keys import found_in
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.screen import Screen, screen_of
from solver.encode.usable import Usable


@dataclass(frozen=True)
class Standing:
    """Where everyone stands in an assignment, for pairs nobody listed: each mentee's own
    pair (gain, mentor; -inf when unpaired), whether a listed pair holds the mentee (then
    left to the exact count), each mentor's least preferred unlisted mentee (gain, row)
    and whether the mentor has room."""

    current_gain: np.ndarray
    current_col: np.ndarray
    plain_rows: np.ndarray
    worst_gain: np.ndarray
    worst_row: np.ndarray
    room: np.ndarray


def screened_count(
    problem: Problem, usable: Usable, standing: Standing, stated: np.ndarray
) -> Callable[[int, int], int | None] | None:
    """How many pairs nobody listed block among mentees first..last-1, through the screen
    (None for a crowded block, left to the dense count), or None: no screen. A mentee
    without a pair and a mentor with room block whatever their score: those pairs are
    counted from the usable bits, and the screen reads the others (every mentee against
    the mentors without room, the mentees with a pair against the mentors with room)."""
    screen = screen_of(problem.score)
    if screen is None:
        return None
    s, places = standing, usable.capacity > 0  # no pair may enter a mentor without places
    room, full = s.room & places, np.nonzero(~s.room & places)[0]
    room_bits = np.packbits(room)[None, :]
    closed = screen.columns(full, np.zeros(len(full)), (s.worst_gain[full] - 1) / SCORE_SCALE)
    open_ = screen.columns(np.nonzero(room)[0], np.zeros(int(room.sum())))

    def count(first: int, last: int) -> int | None:
        rows = np.arange(first, last)
        free = np.isneginf(s.current_gain[rows])
        total = _free_with_room(usable, s, stated, rows[free], (room, room_bits))
        for part, columns in ((rows, closed), (rows[~free], open_)):
            if len(part) == 0 or len(columns.index) == 0:
                continue
            found = screen.above(part, columns, (s.current_gain[part] - 1) / SCORE_SCALE, None)
            if found is None:
                return None
            total += _exact(screen, usable, s, stated, part, found)
        return total

    return count


def _exact(
    screen: Screen,
    usable: Usable,
    s: Standing,
    stated: np.ndarray,
    rows: np.ndarray,
    found: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> int:
    """How many of the cells the screen kept block, by the dense count's exact test."""
    read, r, c = found
    i, j, m = rows[r], read[c], len(usable.capacity)
    kept = s.plain_rows[i] & usable.mask[i, j]  # before the scores: bits are cheaper
    kept &= ~found_in(stated, i * m + j)[1]
    i, j = i[kept], j[kept]
    gain = np.rint(screen.scores(i, j) * SCORE_SCALE)
    cg, wg = s.current_gain[i], s.worst_gain[j]
    wants = (gain > cg) | ((gain == cg) & (j < s.current_col[i]))
    wants &= (gain > wg) | ((gain == wg) & (i < s.worst_row[j])) | s.room[j]
    return int(np.count_nonzero(wants))


def _free_with_room(
    usable: Usable,
    s: Standing,
    stated: np.ndarray,
    rows: np.ndarray,
    room: tuple[np.ndarray, np.ndarray],
) -> int:
    """The usable pairs nobody listed between these mentees (without a pair) and the
    mentors with room (`room`: as a mask and packed): all of them block. A pool that
    screens is read by blocks, so its usable pairs are packed bits."""
    kept = rows[s.plain_rows[rows]]
    if len(kept) == 0:
        return 0
    mask, (with_room, packed) = cast(PackedMask, usable.mask), room
    found = int(np.bitwise_count(mask.bits[kept] & packed).sum())
    m = len(with_room)
    lo, hi = np.searchsorted(stated, [kept[0] * m, (kept[-1] + 1) * m])
    listed = stated[lo:hi]
    i, j = listed // m, listed % m
    listed_here = found_in(kept, i)[1] & with_room[j]
    return found - int(np.count_nonzero(listed_here & mask[i, j]))

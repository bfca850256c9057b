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

import numpy as np

from solver.encode.keys import found_in
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.screen import screen_of
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
    (None for a crowded block, left to the dense count), or None: no screen."""
    screen = screen_of(problem.score)
    if screen is None:
        return None
    s, m = standing, problem.score.shape[1]
    cols = np.nonzero(usable.capacity > 0)[0]  # no pair may enter the others
    bar = np.where(s.room[cols], -np.inf, (s.worst_gain[cols] - 1) / SCORE_SCALE)
    columns = screen.columns(cols, np.zeros(len(cols)), bar)

    def count(first: int, last: int) -> int | None:
        rows = np.arange(first, last)
        found = screen.above(rows, columns, (s.current_gain[rows] - 1) / SCORE_SCALE, None)
        if found is None:
            return None
        read, r, c = found
        i, j = rows[r], read[c]
        gain = np.rint(screen.scores(i, j) * SCORE_SCALE)
        cg, wg = s.current_gain[i], s.worst_gain[j]
        wants = (gain > cg) | ((gain == cg) & (j < s.current_col[i]))
        wants &= (gain > wg) | ((gain == wg) & (i < s.worst_row[j])) | s.room[j]
        wants &= usable.mask[i, j]
        wants &= s.plain_rows[i]
        wants &= ~found_in(stated, i * m + j)[1]
        return int(np.count_nonzero(wants))

    return count

"""The proof's pass over a block of a large pool through the float32 screen
(`solver/encode/screen.py`): only the pairs the screen cannot rule out are scored exactly,
and the same exact test as the dense pass decides which are listed.

A pair is listed when its slack, gain + π'(mentor) − π(mentee) with gain = rint(score ·
SCORE_SCALE), is above −near. Since rint(x) ≤ x + 1/2, that needs score + π'(mentor) /
SCORE_SCALE > (π(mentee) − near − 1) / SCORE_SCALE: the screen's test, with a mentor term
and a mentee threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.keys import found_in
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.screen import Columns, Screen, screen_of
from solver.encode.usable import Usable
from solver.engines.large.near import Found, Left, found_of


@dataclass(frozen=True)
class ScreenedPass:
    """A proof pass's reads through the screen: its columns made once, then block by block."""

    screen: Screen
    columns: Columns
    usable: Usable
    potentials: tuple[np.ndarray, np.ndarray]  # the mentees', the mentors' (float64)
    left_out: Left
    near: int

    def __call__(self, rows: np.ndarray, wanted: np.ndarray) -> Found | None:
        """The pairs of rows × wanted (both increasing) whose slack is above −near, as the
        dense pass finds them, or None when the screen finds the block crowded (the
        caller reads it densely)."""
        (mentee, mentor), m = self.potentials, len(self.usable.capacity)
        within = None if len(wanted) == m else found_at(self.columns.index, wanted)
        row = (mentee[rows] - self.near - 1.0) / SCORE_SCALE
        found = self.screen.above(rows, self.columns, row, within)
        if found is None:
            return None
        cols, r, c = found
        i, j = rows[r], cols[c]
        usable = self.usable.mask[i, j]  # read before the scores: a bit is cheaper
        usable &= self.left_out.assignment[i] != j  # pairs made: not arcs i → j
        r, c, i, j = r[usable], c[usable], i[usable], j[usable]
        slack = np.rint(self.screen.scores(i, j) * SCORE_SCALE)
        slack += mentor[j]
        slack -= mentee[i]
        keep = slack > -self.near
        return found_of(self.left_out, rows, cols, r[keep], c[keep], slack[keep], m)


def screened_pass(
    problem: Problem,
    usable: Usable,
    potentials: tuple[np.ndarray, np.ndarray],
    left_out: Left,
    near: int,
    plain: bool,
) -> ScreenedPass | None:
    """The pass through the screen, when the problem's scores screen and the pass is
    `plain` (float64 potentials, no penalty, no rooms); its columns are the mentors with
    room (no pair enters the others), each with its potential as its term."""
    screen = screen_of(problem.score) if plain else None
    if screen is None:
        return None
    cols = np.nonzero(usable.capacity > 0)[0]
    columns = screen.columns(cols, potentials[1][cols] / SCORE_SCALE)
    return ScreenedPass(screen, columns, usable, potentials, left_out, near)


def found_at(ordered: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The positions in `ordered` (increasing) of the wanted values it holds."""
    at, hit = found_in(ordered, wanted)
    return at[hit]

"""A float32 screen over a large pool's factor scores: which pairs of a block can pass a test,
read at half the cost of their exact scores; only those are then scored exactly.

The passes over every pair of a pool read by blocks (the proof, blocking pairs) ask one
thing of each pair: is its score above a threshold (a row's and a column's)? Nearly every
pair is far from it. A float32 product of the factor tables (`ScoreTables.left` and
`right`, the 0/1 table) with the column's term folded in as one more factor answers that
up to a known error, in half the time of the float64 product and without the float64
passes after it (rint, the potentials, the masks). The pairs it cannot rule out, and every
pair with a wish (the product leaves wishes out), are scored exactly by `ScoreTables.cells`
(bit for bit the numbers of the stored matrix), and the pass's own exact test decides.

The error bound: left values are rounded to float32 (relative error u = 2^-24 each), the
0/1 values and 1 are exact, and any order of summing w + 1 products is within
γ(w + 1) Σ|x·y| of the exact sum (Higham, *Accuracy and Stability of Numerical
Algorithms*, §3.1). So a product is within (w + 3)·u·(Σ|left row| + |column term|) of the
exact score plus that term; the screen keeps twice that. Scores only screen this way when
no factor and no wish is negative (then no score is clipped up to 0; clipping down to 1
only lowers a score, which a screen for pairs above a threshold may ignore).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from solver.encode.blocks import BlockScores
from solver.encode.keys import cells_of, distinct, found_in
from solver.encode.scores import ScoreTables, taken

UNIT = 2.0**-24  # float32's unit roundoff
CROWDED = 8  # a block where more than 1 in CROWDED pairs pass the screen is read exactly


@dataclass(frozen=True)
class Columns:
    """The columns a pass reads, each with its term as one more factor (float32)."""

    index: np.ndarray  # the mentors, increasing
    right: np.ndarray  # len(index) × (width + 1): their 0/1 factors, then their raised term
    shift: float  # taken off every term (and threshold) before rounding to float32
    largest: float  # the largest |term| once shifted
    bar: np.ndarray | None = None  # float32 thresholds of their own, lowered, or None


@dataclass(frozen=True)
class Screen:
    """The float32 factor tables of a pool, with what the error bound needs."""

    tables: ScoreTables
    left: np.ndarray  # mentees × (width + 1), float32: the weighted factors, then 1
    right: np.ndarray  # mentors × width, float32 (0/1)
    row_sum: np.ndarray  # Σ|left| of each mentee's row, float64

    @property
    def width(self) -> int:
        return int(self.right.shape[1])

    def columns(
        self, cols: np.ndarray, column: np.ndarray, bar: np.ndarray | None = None
    ) -> Columns:
        """The columns a pass reads (increasing) with their terms (float64), made once;
        `bar`: thresholds of their own (float64, -inf for none) a cell must also pass."""
        shift = float(np.median(column)) if len(column) else 0.0  # the terms' common part
        term = _raised(column - shift, self.width)
        right = np.empty((len(cols), self.width + 1), dtype=np.float32)
        right[:, : self.width] = self.right[cols]
        right[:, self.width] = term
        largest = float(np.abs(column - shift).max(initial=0.0))
        if bar is not None:  # lowered by the largest row's share: any row may meet it
            widest = np.full(len(cols), self.row_sum.max(initial=0.0))
            bar = _lowered(bar - shift, widest, self.width, largest)
        return Columns(cols, right, shift, largest, bar)

    def above(
        self, rows: np.ndarray, columns: Columns, row: np.ndarray, within: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The columns read (`within`: their positions among `columns`, None: all) and the
        cells (r, c) of rows (increasing) × them that may have score + term > row[r]
        (float64 thresholds; and above the column's own bar, if it has one), plus every
        cell with a wish; None when too many may (the caller reads the block exactly)."""
        cols = columns.index if within is None else columns.index[within]
        right = columns.right if within is None else columns.right[within]
        bar = _lowered(row - columns.shift, self.row_sum[rows], self.width, columns.largest)
        product = taken(self.left, rows) @ right.T
        if columns.bar is None:
            passing = product >= bar[:, None]
        else:
            own = columns.bar if within is None else columns.bar[within]
            passing = product >= own[None, :]  # two comparisons: cheaper than a maximum
            passing &= product >= bar[:, None]
        if np.count_nonzero(passing) * CROWDED > passing.size:
            return None
        r, c = cells_of(passing)
        return (cols, *_with_wishes(self.tables, rows, cols, r, c))

    def approximate(self, first: int, last: int) -> np.ndarray:
        """The scores of mentees first..last-1 against every mentor in float32, within the
        bound above of the exact ones (wishes added, clipped): for choosing candidates."""
        return self.approximate_of(np.arange(first, last), np.arange(self.tables.shape[1]))

    def approximate_of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The same for rows × cols (both increasing, distinct)."""
        left = taken(self.left, rows)[:, : self.width]
        score = left @ self.right[cols].T if len(cols) < len(self.right) else left @ self.right.T
        r, c, wished = _wishes_in(self.tables, rows, cols)
        np.add.at(score, (r, c), self.tables.wish_values[wished].astype(np.float32))
        return np.clip(score, 0.0, 1.0, out=score)

    def scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The exact scores of the cells (rows[k], cols[k]), as the stored matrix holds them."""
        return self.tables.cells(rows, cols)


def _raised(column: np.ndarray, width: int) -> np.ndarray:
    """Column terms raised by their share of the error bound, rounded up, in float32: each
    carries its own share, so that a few large terms (a mentor far from the others) widen
    the bound of their own cells only."""
    share = 2 * (width + 3) * UNIT
    return np.nextafter((column + share * np.abs(column)).astype(np.float32), np.float32(np.inf))


def _lowered(row: np.ndarray, row_sum: np.ndarray, width: int, largest: float) -> np.ndarray:
    """Row thresholds lowered by their share of the error bound (and float64's roundings),
    rounded down, in float32: a cell above its threshold has a product at least this."""
    share = 2 * (width + 3) * UNIT
    noise = 2.0**-40 * (1 + np.abs(np.where(np.isfinite(row), row, 0.0)) + largest)
    return np.nextafter((row - share * row_sum - noise).astype(np.float32), np.float32(-np.inf))


def _with_wishes(
    tables: ScoreTables, rows: np.ndarray, cols: np.ndarray, r: np.ndarray, c: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The cells found plus every cell of rows × cols with a wish, in row-major order."""
    at_row, at_col, _ = _wishes_in(tables, rows, cols)
    width = len(cols)
    cells = distinct([r * width + c, at_row * width + at_col])
    return cells // width, cells % width


def _wishes_in(
    tables: ScoreTables, rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the wishes of rows × cols (both increasing) are among them (row, column) and
    which wishes they are (positions in the tables' wish arrays, in order)."""
    m = tables.shape[1]
    lo, hi = (
        np.searchsorted(tables.wish_keys, [rows[0] * m, (rows[-1] + 1) * m])
        if len(rows)
        else (0, 0)
    )
    keys = tables.wish_keys[lo:hi]
    at_row, in_rows = found_in(rows, keys // m)
    at_col, in_cols = found_in(cols, keys % m)
    wished = in_rows & in_cols
    return at_row[wished], at_col[wished], np.nonzero(wished)[0] + lo


def screen_of(score: object) -> Screen | None:
    """The screen of a score matrix read by blocks (built once, kept on it), or None when
    its scores cannot screen: stored whole, a criterion scored densely, a negative factor
    or wish, a right factor other than 0 or 1."""
    if not isinstance(score, BlockScores):
        return None
    if score.screened:
        return cast(Screen | None, score.screen)
    tables = score.tables
    usable = not tables.dense and bool(tables.left.min(initial=0.0) >= 0)
    usable &= bool(tables.wish_values.min(initial=0.0) >= 0)
    usable &= bool(np.all((tables.right == 0) | (tables.right == 1)))  # exact in float32
    built = _built(tables) if usable else None
    score.screen, score.screened = built, True
    return built


def _built(tables: ScoreTables) -> Screen:
    n, width = tables.left.shape
    left = np.ones((n, width + 1), dtype=np.float32)
    left[:, :width] = tables.left
    row_sum = np.abs(tables.left).sum(axis=1)
    return Screen(tables, left, tables.right.astype(np.float32), row_sum)

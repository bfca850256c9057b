"""Every pair's score: the weighted mean of the criteria, from their factor forms (one matrix
product) or, for criteria without one, their own matrix in blocks of mentees.

The weighted factors are put on an exact grid (multiples of 2^-bits, `grid_bits`): the
right factors are 0/1, so each score is a sum of some of a row's left values, and on the
grid every partial sum is exact in float64 whatever the order. A block of rows, a few cells
or the whole matrix therefore give the same numbers bit for bit (the blockwise path of
large pools recomputes scores instead of storing them: `solver/encode/blocks.py`). The grid
is as fine as exactness allows (2^-51 for ordinary weights): it moves a score by about a
float64 rounding per factor column, as summing in another order would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.keys import found_in
from solver.encode.pool import Pool
from solver.rules.criteria import criteria_for
from solver.rules.factors import Factors, factors_for

SCORE_BLOCK = 1024  # mentees per block for criteria scored densely
MANTISSA_BITS = 53
CELL_CHUNK = 4_096  # cells scored at once by `ScoreTables.cells` (two gathers of factors)


@dataclass(frozen=True)
class ScoreTables:
    """What every score is computed from: `left @ right.T` (left weighted, on the grid), plus
    the ranked wishes at their pairs (row-major keys, increasing; duplicates in the order
    they are added), plus the criteria scored densely, then clipped to [0, 1]."""

    pool: Pool
    left: np.ndarray  # mentees × width
    right: np.ndarray  # mentors × width, 0/1
    wish_keys: np.ndarray
    wish_values: np.ndarray
    dense: tuple[tuple[str, float], ...]  # (criterion, weight share) scored from its matrix
    program_format: str
    grid_bits: int = 0  # the left factors are multiples of 2^-grid_bits

    @property
    def shape(self) -> tuple[int, int]:
        return self.pool.shape

    def rows(self, first: int, last: int) -> np.ndarray:
        """The scores of mentees first..last-1 against every mentor."""
        m = self.shape[1]
        score = np.zeros((last - first, m))
        if self.left.shape[1]:
            np.matmul(self.left[first:last], self.right.T, out=score)
        lo, hi = np.searchsorted(self.wish_keys, [first * m, last * m])
        np.add.at(score.reshape(-1), self.wish_keys[lo:hi] - first * m, self.wish_values[lo:hi])
        criteria = criteria_for(self.program_format)
        for start in range(first, last if self.dense else first, SCORE_BLOCK):
            stop = min(start + SCORE_BLOCK, last)
            part = self.pool.mentee_rows(start, stop)
            for name, share in self.dense:
                score[start - first : stop - first] += share * criteria[name].matrix(part)
        return np.clip(score, 0.0, 1.0, out=score)

    def sub(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The scores of rows × cols (any indices; no criterion scored densely)."""
        self._factored()
        n, m = self.shape
        score = taken(self.left, rows) @ taken(self.right, cols).T
        if not (_distinct(rows) and _distinct(cols)):
            self._add_wishes(score.reshape(-1), (rows[:, None] * m + cols[None, :]).reshape(-1))
            return np.clip(score, 0.0, 1.0, out=score)
        row_at, col_at = np.full(n, -1), np.full(m, -1)  # no sort of the rows × columns
        row_at[rows], col_at[cols] = np.arange(len(rows)), np.arange(len(cols))
        r, c = row_at[self.wish_keys // m], col_at[self.wish_keys % m]
        kept = (r >= 0) & (c >= 0)  # the wishes of these pairs, in the order `rows` adds them
        np.add.at(score, (r[kept], c[kept]), self.wish_values[kept])
        return np.clip(score, 0.0, 1.0, out=score)

    def cells(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The scores of the pairs (rows[k], cols[k]), a chunk at a time."""
        self._factored()
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        score = np.zeros(rows.shape)
        flat_rows, flat_cols, out = rows.reshape(-1), cols.reshape(-1), score.reshape(-1)
        for first in range(0, len(flat_rows), CELL_CHUNK):
            r, c = flat_rows[first : first + CELL_CHUNK], flat_cols[first : first + CELL_CHUNK]
            out[first : first + len(r)] = np.einsum("ij,ij->i", self.left[r], self.right[c])
        self._add_wishes(out, flat_rows * self.shape[1] + flat_cols)
        return np.clip(score, 0.0, 1.0, out=score)

    def _add_wishes(self, out: np.ndarray, keys: np.ndarray) -> None:
        """Each wish added to every cell of its pair, in the order `rows` adds them."""
        if not len(self.wish_keys) or not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        at, hit = found_in(keys[order], self.wish_keys)
        wishes = np.nonzero(hit)[0]
        if not len(wishes):
            return
        # every cell of a wished pair (a pair asked twice gets it twice)
        first = at[wishes]
        last = np.searchsorted(keys[order], self.wish_keys[wishes], side="right")
        counts = last - first
        cells = np.repeat(first - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        np.add.at(out, order[cells], np.repeat(self.wish_values[wishes], counts))

    def _factored(self) -> None:
        if self.dense:
            raise ValueError("criteria scored densely are read by rows only")


def taken(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """table[index]: a view when the index is a run of consecutive rows (no copy)."""
    if len(index) and index[-1] - index[0] == len(index) - 1 and np.all(np.diff(index) == 1):
        return table[index[0] : index[-1] + 1]
    return table[index]


def _distinct(index: np.ndarray) -> bool:
    """Whether no index repeats (increasing ones are checked without a sort)."""
    if len(index) < 2 or bool(np.all(index[1:] > index[:-1])):
        return True
    return len(np.unique(index)) == len(index)


def score_tables(pool: Pool, weights: dict[str, float], program_format: str) -> ScoreTables:
    """The factor tables of the weighted mean of the active criteria."""
    criteria, forms = criteria_for(program_format), factors_for(program_format)
    active = {name: w for name, w in weights.items() if w > 0}
    total = sum(active.values())
    found: dict[str, Factors] = {}
    for name in active:
        if name in forms and (factors := forms[name](pool)) is not None:
            found[name] = factors
    n, m = pool.shape
    left, right, bits = np.zeros((n, 0)), np.zeros((m, 0)), 0
    if found:
        left = np.hstack([f.left * (active[name] / total) for name, f in found.items()])
        bits = grid_bits(left)
        np.ldexp(np.rint(np.ldexp(left, bits, out=left), out=left), -bits, out=left)
        right = np.hstack([f.right for f in found.values()]).astype(np.float64)
    keys, values = [], []
    for name, f in found.items():
        if f.rows is not None and f.cols is not None and f.value is not None:
            keys.append(np.asarray(f.rows, dtype=np.int64) * m + f.cols)
            values.append(f.value * (active[name] / total))
    wish_keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    wish_values = np.concatenate(values) if values else np.zeros(0)
    order = np.argsort(wish_keys, kind="stable")  # each pair's wishes keep their order
    dense = tuple((name, active[name] / total) for name in active if name not in found)
    assert all(name in criteria for name, _ in dense)
    return ScoreTables(
        pool, left, right, wish_keys[order], wish_values[order], dense, program_format, bits
    )


def grid_bits(left: np.ndarray) -> int:
    """The finest grid on which every sum of some of a row's values is exact in float64:
    any such sum is below 2^e, e bounding the largest row's sum of magnitudes, so multiples
    of 2^-(53 - e) fit the mantissa."""
    largest = float(np.abs(left).sum(axis=1).max(initial=0.0))
    return MANTISSA_BITS - max(1, int(np.ceil(np.log2(largest))) + 1 if largest > 0 else 1)


def score_matrix(pool: Pool, weights: dict[str, float], program_format: str) -> np.ndarray:
    """Pair score: the weighted mean of the criterion values, in [0, 1]."""
    return score_tables(pool, weights, program_format).rows(0, pool.shape[0])

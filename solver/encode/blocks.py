"""Large pools without their score matrix: scores recomputed from the factor tables on each
read, eligibility kept as one bit a pair.

At 100,000 × 34,000 the score matrix alone is 27 GB. A plain request read block by block
(`solver/engines/large/`) never needs it whole: each read of a block of mentees, of a few
cells or of rows × a few columns recomputes those scores from `ScoreTables`, bit for bit
the numbers the stored matrix would hold (`scores.py`: the factors are on an exact grid).
Eligibility (every hard rule at once) is decided once, block by block, and packed 8 pairs
a byte: 425 MB at that size.

`BlockScores` and `PackedMask` answer the reads the plain matrix path makes of
`problem.score` and `problem.eligible` (a block of rows, rows × columns by `np.ix_`, cells
by two index arrays, one pair), and refuse any other with a TypeError: nothing reads the
whole matrix by accident.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solver.contract.request import Program
from solver.encode.pool import Pool
from solver.encode.scores import ScoreTables
from solver.rules.hard import (
    LISTED,
    RuleContext,
    exclusions,
    listed_exclusions,
    shared_language_bits,
)
from solver.runtime import BLOCK, in_blocks


def _pairs_key(key: Any) -> tuple[np.ndarray, np.ndarray, bool] | None:
    """(rows, cols, grid) of a read by two index arrays: `grid` when they come from
    `np.ix_` (rows × columns), else cells; None when the key is something else."""
    if not (isinstance(key, tuple) and len(key) == 2):
        return None
    rows, cols = np.asarray(key[0]), np.asarray(key[1])
    if rows.dtype.kind not in "iu" or cols.dtype.kind not in "iu":
        return None
    if rows.ndim == 2 and cols.ndim == 2 and rows.shape[1] == 1 and cols.shape[0] == 1:
        return rows.reshape(-1), cols.reshape(-1), True
    if rows.shape == cols.shape:
        return rows, cols, False
    return None


def _rows_of(key: Any, n: int) -> tuple[int, int] | None:
    if isinstance(key, slice) and key.step in (None, 1):
        first, last, _ = key.indices(n)
        return first, max(first, last)
    return None


class BlockScores:
    """The score matrix of a pool, recomputed on each read (never held)."""

    def __init__(self, tables: ScoreTables) -> None:
        self.tables = tables
        self.shape = tables.shape
        self.ndim = 2
        self.screen: Any = None  # its float32 screen (`solver/encode/screen.py`), once built
        self.screened = False  # whether that was tried

    def __getitem__(self, key: Any) -> Any:
        block = _rows_of(key, self.shape[0])
        if block is not None:
            return self.tables.rows(*block)
        pairs = _pairs_key(key)
        if pairs is None:
            raise TypeError("the score matrix of a large pool is read by blocks or cells only")
        rows, cols, grid = pairs
        if grid:
            return self.tables.sub(rows, cols)
        found = self.tables.cells(rows, cols)
        return float(found) if found.ndim == 0 else found


class _Flat:
    def __init__(self, mask: PackedMask) -> None:
        self.mask = mask

    def __getitem__(self, keys: np.ndarray) -> np.ndarray:
        m = self.mask.shape[1]
        return self.mask[keys // m, keys % m]


class PackedMask:
    """A mentees × mentors boolean matrix, 8 pairs a byte (`np.packbits` along rows)."""

    def __init__(self, bits: np.ndarray, m: int) -> None:
        self.bits = bits
        self.shape = (bits.shape[0], m)
        self.ndim = 2

    def __getitem__(self, key: Any) -> Any:
        block = _rows_of(key, self.shape[0])
        if block is not None:
            first, last = block
            return np.unpackbits(self.bits[first:last], axis=1, count=self.shape[1]).view(bool)
        if isinstance(key, (int, np.integer)):
            return self[int(key) : int(key) + 1][0]
        if isinstance(key, np.ndarray) and key.ndim == 1 and key.dtype.kind in "iu":
            return np.unpackbits(self.bits[key], axis=1, count=self.shape[1]).view(bool)
        pairs = _pairs_key(key)
        if pairs is None:
            raise TypeError("a packed mask is read by blocks or cells only")
        rows, cols, grid = pairs
        if grid and len(cols) == self.shape[1] and np.array_equal(cols, np.arange(len(cols))):
            return self[rows]  # whole rows: unpacked, not read bit by bit
        if grid:
            rows, cols = rows[:, None], cols[None, :]
        shift = (7 - (cols & 7)).astype(np.uint8)
        found = (self.bits[rows, cols >> 3] >> shift) & 1
        return found.astype(bool)

    @property
    def flat(self) -> _Flat:
        return _Flat(self)

    def ravel(self) -> _Flat:
        return _Flat(self)

    def count(self) -> int:
        """How many pairs are set."""
        return int(np.bitwise_count(self.bits).sum(dtype=np.int64))

    def restricted(self, rows: np.ndarray, cols: np.ndarray) -> PackedMask:
        """The pairs set here whose row and column are kept (two boolean masks)."""
        bits = self.bits & np.packbits(cols)[None, :]
        bits[~rows] = 0
        return PackedMask(bits, self.shape[1])


def pair_count(mask: np.ndarray | PackedMask) -> int:
    """How many pairs a mask (plain or packed) sets."""
    return mask.count() if isinstance(mask, PackedMask) else int(np.count_nonzero(mask))


def packed_eligible(pool: Pool, program: Program, score: BlockScores) -> PackedMask:
    """Every hard rule decided block by block of mentees, the eligible pairs packed. The
    rules that list their pairs clear them once, and a shared language is read from the
    packed rows of each set of languages: no mask of the block for either."""
    n, m = pool.shape
    needs_score = program.rules.min_score is not None
    if program.rules.no_reporting_line:
        pool.lines()  # built once, before the blocks share it
    language = shared_language_bits(pool, program)
    every = np.packbits(np.ones((1, m), dtype=bool), axis=1)  # the last byte's spare bits 0

    def block(first: int) -> np.ndarray:
        last = min(first + BLOCK, n)
        part = pool.mentee_rows(first, last)
        scores = score[first:last] if needs_score else np.zeros((0, 0))
        masks = exclusions(RuleContext(part, program, scores, None), (*LISTED, "shared_language"))
        if masks:
            blocked = np.zeros((last - first, m), dtype=bool)
            for mask in masks.values():
                blocked |= mask
            bits = np.packbits(~blocked, axis=1)
        else:
            bits = np.repeat(every, last - first, axis=0)
        if language is not None:
            bits &= language[0][language[1][first:last]]
        return bits

    parts = in_blocks(block, range(0, n, BLOCK))
    bits = np.concatenate(parts) if parts else np.zeros((0, (m + 7) // 8), dtype=np.uint8)
    rows, cols = listed_exclusions(pool, program)
    np.bitwise_and.at(bits, (rows, cols >> 3), ~(np.uint8(128) >> (cols & 7).astype(np.uint8)))
    return PackedMask(bits, m)

"""Pairs as row-major keys (mentee × mentors + mentor): sorted-key lookups and unions."""

from __future__ import annotations

import logging

import numpy as np


def found_in(ordered: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each wanted value is in an increasing array, and whether it is there: `at`
    (clipped to the array, meaningful where `hit`) and `hit`."""
    if len(ordered) == 0:
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
    return at, ordered[at] == wanted


log = logging.getLogger(__name__)


def cells_of(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`np.nonzero` of a 2-D mask, (rows, cols) in row-major order, through the flat
    positions: numpy's own 2-D nonzero is 10-12 times slower on sparse masks (0.049 s
    against 0.004 s on 1,024 × 34,000 cells with 0.1 % set)."""
    width = mask.shape[1]
    flat = np.flatnonzero(mask)
    return flat // width, flat % width


CROWDED = 8  # cells near the top per row and wanted one beyond which `near_the_top` gives up


def near_the_top(block: np.ndarray, k: int) -> np.ndarray | None:
    """Flat positions of every finite cell of a 2-D float block that can be among its row's
    k highest (all of them when k >= the width), each tied with the k-th included, in
    row-major order. No partition of whole rows: the columns fall in 4k interleaved groups,
    and a row's k-th highest group maximum is a bar at least k of its cells reach, so
    its k highest are at or above it (1,024 × 3,400 cells, k = 24: 6 ms against 33 ms for
    `argpartition`, order included). None when ties fill the block (more than CROWDED × k
    cells a row reach their bar): `best_of_rows` then partitions, and no index of every cell
    is made."""
    b, m = block.shape
    if k >= m:
        return np.flatnonzero(np.isfinite(block))
    groups = min(m, 4 * k)
    width = m // groups
    bar = block[:, : width * groups].reshape(b, width, groups).max(axis=1)
    bar = np.partition(bar, groups - k, axis=1)[:, groups - k]
    np.maximum(bar, np.finfo(block.dtype).min, out=bar)  # -inf is never a candidate
    near = block >= bar[:, None]
    if np.count_nonzero(near) > CROWDED * k * b:
        return None
    return np.flatnonzero(near)


def best_of_rows(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of each row's k highest finite cells of a 2-D float block (all its
    finite cells when it has fewer), by row, best first, the earlier column among equals:
    the few cells `near_the_top`, sorted alone, or when ties fill the block those a
    partition of each row leaves (`_first_best`)."""
    b, m = block.shape
    flat = near_the_top(block, k)
    rows, columns = _first_best(block, k) if flat is None else (flat // m, flat % m)
    order = _best_first(rows, columns, block[rows, columns])
    counts = np.bincount(rows, minlength=b)
    rank = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
    kept = order[rank < k]
    return rows[kept], columns[kept]


def _best_first(rows: np.ndarray, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The order of the cells by row, value from the highest, then column: for float32
    values one stable sort of `by_row_best_first` (0.4 ms for 28,000 cells, against 5 ms
    for a lexsort), exact for any other type by a lexsort."""
    if values.dtype == np.float32:
        return np.argsort(by_row_best_first(rows, values), kind="stable")
    return np.lexsort((columns, -values, rows))


def by_row_best_first(row: np.ndarray, value: np.ndarray) -> np.ndarray:
    """One uint64 key per entry: its row (or mentor), then its float32 value from the
    highest (the bits made to sort as the values do); one sort of it is half a two-key
    lexsort. Entries given in column order keep it among equals in a stable sort."""
    bits = value.astype(np.float32).view(np.uint32)
    ordered = np.where(bits >> 31 == 1, ~bits, bits | np.uint32(1 << 31))  # increasing
    return (row.astype(np.uint64) << np.uint64(32)) | (~ordered).astype(np.uint64)


def _first_best(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns), in row-major order, of each row's k highest finite cells, the
    earlier columns among those tied with the k-th, by a partition of each row: for blocks
    where ties fill the rows (`near_the_top` gives up)."""
    m = block.shape[1]
    if k >= m:
        return cells_of(np.isfinite(block))
    kth = np.partition(block, m - k, axis=1)[:, m - k][:, None]
    above = block > kth  # fewer than k a row
    tied = (block == kth) & np.isfinite(block)  # any number a row: the first fill up to k
    room = k - np.count_nonzero(above, axis=1)
    crowded = np.flatnonzero(np.count_nonzero(tied, axis=1) > room)  # the rows to cut
    if len(crowded):
        cut = tied[crowded]
        cut &= np.cumsum(cut, axis=1, dtype=np.int32) <= room[crowded][:, None]
        tied[crowded] = cut
    return cells_of(above | tied)


def distinct(parts: list[np.ndarray]) -> np.ndarray:
    """The keys of all parts, sorted, without repeats (a sort: numpy's hashing `unique`
    was slower on these int64 keys)."""
    if not parts:
        return np.zeros(0, dtype=np.int64)
    merged = np.sort(np.concatenate(parts))
    return merged[np.r_[True, merged[1:] != merged[:-1]]] if len(merged) else merged


def arcs_by(keys: np.ndarray) -> list[np.ndarray]:
    """Arc indices grouped by key, groups in increasing key order (one vectorised sort, no
    scan per key)."""
    if len(keys) == 0:
        return []
    order = np.argsort(keys, kind="stable")
    cuts = np.nonzero(np.diff(keys[order]))[0] + 1
    return np.split(order, cuts)

"""Large plain requests straight from the score matrix: few arcs built, every pair proven.

A dense 10,000 × 3,400 pool has 34 M pairs. Listing them as arcs (ids, gains,
keys) costs more than solving. For requests without side rules the problem's
own score matrix and eligibility mask are enough, read in blocks of mentees:

1. candidates: each mentee's best `PER_MENTEE` usable mentors and each mentor's
   best `PER_MENTOR` mentees, found block by block (partitions, no sort);
2. the lexicographic optimum on those arcs only (the usual two flows);
3. the proof of `solver.sparse`: node potentials of the one-circulation form,
   then every usable pair's reduced cost, block by block straight from the
   scores (no arc list); pairs that fail join the candidates and step 2 runs
   again. `proven` only ever comes from a pass that found no failing pair.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from solver.blocking import count_blocking_pairs_lazily
from solver.encoder import (
    SCORE_SCALE,
    Instance,
    Problem,
    Solution,
    mentee_keys,
    mentor_keys,
    wishes,
)
from solver.side import Side
from solver.sparse import potentials

log = logging.getLogger(__name__)

LARGE_FROM = 2_000_000  # usable pairs from which reading the matrix beats listing arcs
PER_MENTEE = 16
PER_MENTOR = 16
ROUNDS = 6
AROUND = 3  # a failing pair's mentee and mentor get this many times their candidates
BLOCK = 1024  # mentees per block: temporaries of a few tens of MB
PROOF_BLOCK = 128  # mentees per block of the proof: its buffers stay in cache


@dataclass(frozen=True)
class Usable:
    """Which pairs an engine may make: eligible, mentee not pinned, mentor with room."""

    mask: np.ndarray  # mentees × mentors
    capacity: np.ndarray  # places left per mentor once pins are placed
    pinned_load: np.ndarray


def usable_pairs(problem: Problem) -> Usable:
    capacity = problem.capacity.copy()
    free = np.ones(len(problem.pool.mentees), dtype=bool)
    for i, j in problem.pins:
        capacity[j] -= 1
        free[i] = False
    mask = problem.eligible & free[:, None]
    mask &= (capacity > 0)[None, :]
    return Usable(mask, np.maximum(capacity, 0), problem.capacity - capacity)


def _blocks(n: int) -> range:
    return range(0, n, BLOCK)


def _masked(problem: Problem, usable: Usable, first: int, last: int) -> np.ndarray:
    """Scores of the block's usable pairs, -1 where a pair may not be made."""
    block = problem.score[first:last].copy()
    block[~usable.mask[first:last]] = -1.0
    return block


def _mentor_best(
    best: np.ndarray, whose: np.ndarray, block: np.ndarray, first: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each mentor's PER_MENTOR best scores (columns of `best`, best first) and their
    mentees, updated with a block: only entries above a mentor's current last are read."""
    m, k = best.shape
    floor = best[:, -1]
    if np.any(floor < 0) and len(block) > k:  # early on: the block's own k-th best first
        floor = np.maximum(floor, np.partition(block, len(block) - k, axis=0)[len(block) - k])
        floor = np.nextafter(floor, -np.inf)  # keep the k-th itself
    rows, cols = np.nonzero(block > np.maximum(floor, -0.5)[None, :])  # -1: not usable
    column = np.concatenate([np.repeat(np.arange(m), k), cols])
    value = np.concatenate([best.ravel(), block[rows, cols]])
    row = np.concatenate([whose.ravel(), rows + first])
    order = np.lexsort((-value, column))
    column, value, row = column[order], value[order], row[order]
    place = np.arange(len(column)) - np.searchsorted(column, column)
    top = place < k
    best, whose = best.copy(), whose.copy()
    best[column[top], place[top]] = value[top]
    whose[column[top], place[top]] = row[top]
    return best, whose


def candidates(problem: Problem, usable: Usable) -> np.ndarray:
    """Row-major keys (mentee × mentors + mentor) of each mentee's and mentor's best pairs."""
    n, m = problem.score.shape
    keys = []
    best = np.full((m, PER_MENTOR), -1.0)  # each mentor's best scores so far, and whose
    whose = np.zeros((m, PER_MENTOR), dtype=np.int64)
    k = min(PER_MENTEE, m)
    for first in _blocks(n):
        last = min(first + BLOCK, n)
        block = _masked(problem, usable, first, last)
        top = np.argpartition(block, m - k, axis=1)[:, m - k :]
        rows = np.repeat(np.arange(first, last), k).reshape(-1, k)
        good = np.take_along_axis(block, top, axis=1) >= 0
        keys.append(rows[good] * m + top[good])
        best, whose = _mentor_best(best, whose, block, first)
    cols = np.broadcast_to(np.arange(m)[:, None], best.shape)
    keys.append(whose[best >= 0] * m + cols[best >= 0])
    return np.unique(np.concatenate(keys))


def arcs_instance(problem: Problem, usable: Usable, keys: np.ndarray) -> Instance:
    """The instance on the given pairs only (row-major keys, increasing)."""
    m = problem.score.shape[1]
    rows, cols = keys // m, keys % m
    gain = _gain(problem, keys)
    return Instance(
        n_mentees=problem.score.shape[0],
        n_mentors=m,
        rows=rows,
        cols=cols,
        gain=gain,
        capacity=usable.capacity,
        volunteer=problem.volunteer,
        waiting=problem.waiting,
        side=Side(),
        pinned_load=usable.pinned_load,
    )


def failing_pairs(
    problem: Problem, usable: Usable, distance: np.ndarray, assignment: np.ndarray
) -> np.ndarray | None:
    """Keys of the usable pairs with a negative reduced cost, −gain + π(mentee) − π(mentor);
    None when the potentials are too large to compare exactly in float64."""
    n, m = problem.score.shape
    if np.abs(distance).max(initial=0) >= 2**51:
        return None  # differences must stay exact integers in float64
    mentee, mentor = distance[:n].astype(np.float64), distance[n : n + m].astype(np.float64)
    found = []
    buffer = np.empty((min(PROOF_BLOCK, n), m))
    for first in range(0, n, PROOF_BLOCK):
        last = min(first + PROOF_BLOCK, n)
        gain = buffer[: last - first]
        np.multiply(problem.score[first:last], SCORE_SCALE, out=gain)
        np.rint(gain, out=gain)
        gain += mentor[None, :]
        gain -= mentee[first:last, None]
        failing = gain > 0  # reduced cost −gain + π(i) − π(j) < 0
        failing &= usable.mask[first:last]
        matched = np.nonzero(assignment[first:last] >= 0)[0]
        failing[matched, assignment[first + matched]] = False  # pairs made: not arcs i → j
        rows, cols = np.nonzero(failing)
        found.append((rows + first) * m + cols)
    return np.concatenate(found)


def _around(problem: Problem, usable: Usable, failing: np.ndarray) -> np.ndarray:
    """More of the best pairs of the mentees and mentors a failing pair joins: the next
    rounds' failures are mostly their neighbours, so fewer rounds follow."""
    n, m = problem.score.shape
    rows, cols = np.unique(failing // m), np.unique(failing % m)
    found = []
    k = min(AROUND * PER_MENTEE, m)
    block = np.where(usable.mask[rows], problem.score[rows], -1.0)
    top = np.argpartition(block, m - k, axis=1)[:, m - k :]
    good = np.take_along_axis(block, top, axis=1) >= 0
    found.append((np.repeat(rows, k).reshape(-1, k)[good]) * m + top[good])
    k = min(AROUND * PER_MENTOR, n)
    block = np.where(usable.mask[:, cols], problem.score[:, cols], -1.0).T
    top = np.argpartition(block, n - k, axis=1)[:, n - k :]
    good = np.take_along_axis(block, top, axis=1) >= 0
    found.append(top[good] * m + np.repeat(cols, k).reshape(-1, k)[good])
    return np.concatenate(found)


def solve_large(problem: Problem, usable: Usable) -> tuple[Instance, Solution] | None:
    """The proven lexicographic optimum and the arcs it was found on, or None (no proof)."""
    from solver.flow import solve_flow  # the same two flows, on the candidate arcs

    keys = candidates(problem, usable)
    for round_ in range(ROUNDS):
        inst = arcs_instance(problem, usable, keys)
        assignment = solve_flow(inst, sparse=False).assignment
        everything = np.ones(len(inst.rows), dtype=bool)
        distance = potentials(inst, everything, assignment)
        failing = None if distance is None else failing_pairs(problem, usable, distance, assignment)
        if failing is None:
            log.info("large: no proof (round %d, arcs %d)", round_, len(keys))
            return None
        log.info("large round=%d arcs=%d failing=%d", round_, len(keys), len(failing))
        if len(failing) == 0:
            return inst, Solution(assignment, proven=True)
        keys = np.union1d(keys, np.concatenate([failing, _around(problem, usable, failing)]))
    return None


def _stated_keys(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Row-major keys of the pairs listed by their mentee, and of those listed by their
    mentor, each sorted."""
    m = problem.score.shape[1]
    pool = problem.pool
    by_mentee = wishes(pool.mentees, pool.mentor_index)
    by_mentor = wishes(pool.mentors, pool.mentee_index)
    return (
        np.unique(np.array([i * m + j for i, j, _ in by_mentee], dtype=np.int64)),
        np.unique(np.array([i * m + j for j, i, _ in by_mentor], dtype=np.int64)),
    )


def _listed(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    found = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    return keys[found] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)


def blocking_pairs(problem: Problem, usable: Usable, assignment: np.ndarray) -> int:
    """How many usable pairs block the assignment, counted as `count_blocking_pairs_lazily`
    counts them. Pairs nobody listed compare by score, then index, and are counted block
    by block from the score matrix; listed pairs (few) are counted on arcs with the full
    orders, as are the mentees whose own mentor is a listed one."""
    n, m = problem.score.shape
    by_mentee, by_mentor = _stated_keys(problem)
    stated = np.union1d(by_mentee, by_mentor)
    matched = np.nonzero(assignment >= 0)[0]
    made = matched[usable.mask[matched, assignment[matched]]]
    made_keys = made * m + assignment[made]
    made_gain = _gain(problem, made_keys).astype(np.float64)
    made_listed = _listed(by_mentee, made_keys)  # in its mentee's order
    made_chosen = _listed(by_mentor, made_keys)  # in its mentor's order
    # Each mentee's own pair (score, mentor); nobody's: every usable pair is better.
    current_gain, current_col = np.full(n, -np.inf), np.zeros(n, dtype=np.int64)
    current_gain[made], current_col[made] = made_gain, assignment[made]
    # A mentee on a listed pair prefers no unlisted one: left to the exact count.
    plain_rows = np.ones(n, dtype=bool)
    plain_rows[made[made_listed]] = False
    # Each mentor's least preferred mentee among unlisted pairs; a listed one ranks
    # before every unlisted pair, so then only room can make the mentor want one.
    load = np.bincount(assignment[made], minlength=m)
    room = load < usable.capacity
    worst_gain, worst_row = np.full(m, np.inf), np.full(m, -1, dtype=np.int64)
    plain = np.nonzero(~made_chosen)[0]
    order = plain[np.lexsort((-made[plain], made_gain[plain]))]  # lowest score, last row
    mentors = assignment[made[order]]
    _, first_of = np.unique(mentors, return_index=True)
    worst_gain[mentors[first_of]] = made_gain[order[first_of]]
    worst_row[mentors[first_of]] = made[order[first_of]]
    rows_of = np.arange(BLOCK, dtype=np.int64)[:, None]
    columns = np.arange(m, dtype=np.int64)[None, :]
    count = 0
    for first in _blocks(n):
        last = min(first + BLOCK, n)
        gain = np.rint(problem.score[first:last] * SCORE_SCALE)
        cg, cc = current_gain[first:last, None], current_col[first:last, None]
        mentee_wants = (gain > cg) | ((gain == cg) & (columns < cc))
        rows = rows_of[: last - first] + first
        mentor_wants = (gain > worst_gain) | ((gain == worst_gain) & (rows < worst_row))
        mentor_wants |= room
        mentee_wants &= mentor_wants
        mentee_wants &= usable.mask[first:last]
        mentee_wants &= plain_rows[first:last, None]
        lo, hi = np.searchsorted(stated, [first * m, last * m])
        mentee_wants.flat[stated[lo:hi] - first * m] = False
        count += int(np.count_nonzero(mentee_wants))
    return count + _listed_blocking(problem, usable, assignment, stated, made_keys)


def _listed_blocking(
    problem: Problem,
    usable: Usable,
    assignment: np.ndarray,
    stated: np.ndarray,
    made_keys: np.ndarray,
) -> int:
    """Blocking pairs among the listed ones, on arcs: the listed usable pairs and those made."""
    n, m = problem.score.shape
    listed = stated[usable.mask.flat[stated]] if len(stated) else stated
    keys = np.union1d(listed, made_keys)
    rows, cols, gain = keys // m, keys % m, _gain(problem, keys)
    inst = Instance(n, m, rows, cols, gain, usable.capacity, problem.volunteer, problem.waiting)
    return count_blocking_pairs_lazily(
        inst,
        mentee_keys(problem, rows, cols, gain),
        lambda arcs: mentor_keys(problem, rows[arcs], cols[arcs], gain[arcs]),
        assignment,
    )


def _gain(problem: Problem, keys: np.ndarray) -> np.ndarray:
    m = problem.score.shape[1]
    return np.rint(problem.score[keys // m, keys % m] * SCORE_SCALE).astype(np.int64)

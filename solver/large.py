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
PER_MENTEE = 24
PER_MENTOR = 8
ROUNDS = 6
BLOCK = 1024  # mentees per block: temporaries of a few tens of MB


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


def candidates(problem: Problem, usable: Usable) -> np.ndarray:
    """Row-major keys (mentee × mentors + mentor) of each mentee's and mentor's best pairs."""
    n, m = problem.score.shape
    keys = []
    best = np.full((PER_MENTOR, m), -1.0)  # each mentor's best scores so far, and whose
    best_row = np.zeros((PER_MENTOR, m), dtype=np.int64)
    for first in _blocks(n):
        last = min(first + BLOCK, n)
        block = _masked(problem, usable, first, last)
        k = min(PER_MENTEE, m)
        top = np.argpartition(block, m - k, axis=1)[:, m - k :]
        rows = np.repeat(np.arange(first, last), k).reshape(-1, k)
        good = np.take_along_axis(block, top, axis=1) >= 0
        keys.append(rows[good] * m + top[good])
        merged = np.vstack([best, block])
        merged_row = np.vstack(
            [best_row, np.broadcast_to(np.arange(first, last)[:, None], block.shape)]
        )
        kc = min(PER_MENTOR, len(merged))
        pick = np.argpartition(merged, len(merged) - kc, axis=0)[len(merged) - kc :]
        best = np.take_along_axis(merged, pick, axis=0)
        best_row = np.take_along_axis(merged_row, pick, axis=0)
    cols = np.broadcast_to(np.arange(m)[None, :], best.shape)
    keys.append(best_row[best >= 0] * m + cols[best >= 0])
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
    for first in _blocks(n):
        last = min(first + BLOCK, n)
        gain = np.rint(problem.score[first:last] * SCORE_SCALE)
        limit = mentee[first:last, None] - mentor[None, :]
        failing = gain > limit  # reduced cost −gain + π(i) − π(j) < 0
        failing &= usable.mask[first:last]
        matched = np.nonzero(assignment[first:last] >= 0)[0]
        failing[matched, assignment[first + matched]] = False  # pairs made: not arcs i → j
        rows, cols = np.nonzero(failing)
        found.append((rows + first) * m + cols)
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
        keys = np.union1d(keys, failing)
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

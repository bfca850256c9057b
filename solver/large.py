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
   The first pass also adds the pairs that nearly fail (reduced cost below
   `NEAR`): the next potentials differ, and those pairs are the ones that
   would fail then. At 10,000 × 3,400 that is two rounds instead of three.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from solver.blocks import in_blocks
from solver.encoder import (
    SCORE_SCALE,
    Instance,
    Problem,
    Solution,
    bonus_pairs,
    found_in,
    free_places,
    priority_class,
)
from solver.flow import class_counts, score_flow
from solver.side import Side
from solver.sparse import potentials

log = logging.getLogger(__name__)

LARGE_FROM = 100_000  # usable pairs from which reading the matrix beats listing arcs
PER_MENTEE = 24
PER_MENTOR = 24
ROUNDS = 6
AROUND = 3  # a failing pair's mentee and mentor get this many times their candidates
NEAR = SCORE_SCALE // 100  # the first proof also adds pairs whose reduced cost is below this
BLOCK = 1024  # mentees per block: temporaries of a few tens of MB
PROOF_BLOCK = 128  # mentees per block of the proof: its buffers stay in cache


@dataclass(frozen=True)
class Usable:
    """Which pairs an engine may make: eligible, mentee not pinned, mentor with room."""

    mask: np.ndarray  # mentees × mentors
    capacity: np.ndarray  # places left per mentor once pins are placed
    pinned_load: np.ndarray


@dataclass(frozen=True)
class Penalty:
    """Gain units added to each pair by an attribute it crosses or not (a Lagrangian term):
    `crossing` when mentee and mentor both have the attribute and differ, `same` when both
    have it and agree, nothing when either lacks it."""

    mentee: np.ndarray  # attribute code per mentee, -1 when missing
    mentor: np.ndarray
    crossing: int
    same: int

    def of(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Per pair (broadcast over rows and cols), the penalty in gain units."""
        e, m = self.mentee[rows], self.mentor[cols]
        known = (e >= 0) & (m >= 0)
        return np.where(known & (e != m), self.crossing, np.where(known, self.same, 0))

    @property
    def largest(self) -> int:
        return max(abs(self.crossing), abs(self.same))


@dataclass(frozen=True)
class Bonus:
    """Gain units added to a few usable pairs (re-matching rewards the running pairs).

    Those pairs are arcs in every round, so the potentials cover them with their bonus;
    the proof reads gains from the score matrix alone, and arcs never fail it."""

    keys: np.ndarray  # row-major, increasing
    gain: np.ndarray

    def of(self, keys: np.ndarray) -> np.ndarray:
        """The bonus of each of these keys, 0 for pairs without one."""
        at, hit = found_in(self.keys, keys)
        extra = np.zeros(len(keys), dtype=np.int64)
        extra[hit] = self.gain[at[hit]]
        return extra

    @property
    def largest(self) -> int:
        return int(np.abs(self.gain).max(initial=0))


def bonus_of(problem: Problem, usable: Usable, bonus: dict[tuple[str, str], float]) -> Bonus:
    """The bonus on the usable pairs it names (pairs pinned or ruled out get none)."""
    keys, gain = bonus_pairs(problem, bonus)
    keep = usable.mask.ravel()[keys]
    return Bonus(keys[keep], gain[keep])


def usable_pairs(problem: Problem) -> Usable:
    free, capacity = free_places(problem)
    mask = problem.eligible & free[:, None]
    mask &= (capacity > 0)[None, :]
    return Usable(mask, np.maximum(capacity, 0), problem.capacity - capacity)


def _blocks(n: int) -> range:
    return range(0, n, BLOCK)


def _masked(
    problem: Problem, usable: Usable, first: int, last: int, penalty: Penalty | None
) -> np.ndarray:
    """Gains of the block's usable pairs in score units and float32, -inf where a pair may
    not be made: only for choosing candidates (a near tie either way changes no proof)."""
    block = problem.score[first:last].astype(np.float32)
    if penalty is not None:
        columns = np.arange(block.shape[1])[None, :]
        block += penalty.of(np.arange(first, last)[:, None], columns) / SCORE_SCALE
    block[~usable.mask[first:last]] = -np.inf
    return block


def candidates(problem: Problem, usable: Usable, penalty: Penalty | None = None) -> np.ndarray:
    """Row-major keys (mentee × mentors + mentor) of each mentee's and mentor's best pairs."""
    n, m = problem.score.shape
    k = min(PER_MENTEE, m)
    starts = list(_blocks(n))
    halves = [starts[: (len(starts) + 1) // 2], starts[(len(starts) + 1) // 2 :]]

    def half(firsts: list[int]) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        keys, values, whose = [], [], []  # the mentees' best; each block's best per mentor
        for first in firsts:
            last = min(first + BLOCK, n)
            block = _masked(problem, usable, first, last, penalty)
            top = np.argpartition(block, m - k, axis=1)[:, m - k :].copy()  # frees the full index
            rows = np.repeat(np.arange(first, last), k).reshape(-1, k)
            good = np.isfinite(np.take_along_axis(block, top, axis=1))
            keys.append(rows[good] * m + top[good])
            by_mentor = np.ascontiguousarray(block.T)
            size = min(PER_MENTOR, last - first)
            best = np.argpartition(by_mentor, last - first - size, axis=1)[:, -size:].copy()
            values.append(np.take_along_axis(by_mentor, best, axis=1))
            whose.append(best + first)
        return keys, np.concatenate(values, axis=1), np.concatenate(whose, axis=1)

    done = in_blocks(lambda h: half(halves[h]), [0, 1] if halves[1] else [0])
    keys = [key for found, _, _ in done for key in found]
    value = np.concatenate([found for _, found, _ in done], axis=1)
    whose = np.concatenate([found for _, _, found in done], axis=1)
    size = min(PER_MENTOR, value.shape[1])  # each mentor's best of its blocks' best
    best = np.argpartition(value, value.shape[1] - size, axis=1)[:, -size:]
    value, whose = np.take_along_axis(value, best, axis=1), np.take_along_axis(whose, best, axis=1)
    cols = np.broadcast_to(np.arange(m)[:, None], best.shape)
    found = np.isfinite(value)
    keys.append(whose[found] * m + cols[found])
    return distinct(keys)


def arcs_instance(
    problem: Problem,
    usable: Usable,
    keys: np.ndarray,
    penalty: Penalty | None = None,
    bonus: Bonus | None = None,
) -> Instance:
    """The instance on the given pairs only (row-major keys, increasing)."""
    m = problem.score.shape[1]
    rows, cols = keys // m, keys % m
    gain = pair_gains(problem, keys, penalty)
    if bonus is not None:
        gain += bonus.of(keys)
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
    problem: Problem,
    usable: Usable,
    distance: np.ndarray,
    assignment: np.ndarray,
    shift: np.ndarray | None = None,
    penalty: Penalty | None = None,
    near: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the usable pairs with a reduced cost −gain + π(mentee) − π(mentor) below
    `near` (pairs made left out), and which of them fail: a negative reduced cost.

    Arcs the flow could use never fail (potentials are a fixpoint on them), pairs made are
    not arcs i → j, so only pairs left out can. With `shift` (how far each potential moved
    since a pass that found every pair below `near`, or below a larger one), a pair's
    reduced cost moved by shift(mentee) − shift(mentor): only pairs where that is negative
    are read."""
    n, m = problem.score.shape
    exact = np.abs(distance).max(initial=0) < 2**52  # differences exact in float64
    mentee, mentor = distance[:n], distance[n : n + m]
    if exact:
        mentee, mentor = mentee.astype(np.float64), mentor.astype(np.float64)
    rows, every = np.arange(n), np.arange(m)
    if shift is not None:
        by_mentor = shift[n : n + m]
        rows = np.nonzero(shift[:n] < by_mentor.max(initial=0))[0]
        rows = rows[np.argsort(shift[rows], kind="stable")]  # lowest shift first
        by_mentee = shift[rows]
        by_shift = np.argsort(-by_mentor, kind="stable")  # highest shift first
        ranked = -by_mentor[by_shift]  # increasing

    def columns_for(first: int) -> np.ndarray:
        if shift is None:
            return every
        lowest = by_mentee[first]  # the chunk's columns: shift above its lowest mentee's
        return np.sort(by_shift[: np.searchsorted(ranked, -lowest, side="left")])

    def chunk(first: int) -> tuple[np.ndarray, np.ndarray]:
        rows_of = np.sort(rows[first : first + PROOF_BLOCK])
        wanted = columns_for(first)
        gain = _block_gain(problem, rows_of, wanted, penalty, exact)
        return _failing(usable, mentee, mentor, assignment, rows_of, wanted, gain, near)

    found = in_blocks(chunk, range(0, len(rows), PROOF_BLOCK))
    keys = np.concatenate([part[0] for part in found]) if found else np.zeros(0, np.int64)
    failing = np.concatenate([part[1] for part in found]) if found else np.zeros(0, bool)
    order = np.argsort(keys, kind="stable")  # blocks of distinct pairs: no repeats
    return keys[order], failing[order]


def _cells(matrix: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """matrix[rows × columns] (both increasing): a view when the rows run on and every
    column is wanted (the first proof pass), a copy otherwise."""
    if len(rows) and len(columns) == matrix.shape[1] and rows[-1] - rows[0] == len(rows) - 1:
        return matrix[rows[0] : rows[-1] + 1]
    return matrix[np.ix_(rows, columns)]


def _block_gain(
    problem: Problem,
    rows: np.ndarray,
    columns: np.ndarray,
    penalty: Penalty | None,
    exact: bool,
) -> np.ndarray:
    """Quantised gains of rows × columns (both increasing), as float64 (exact integers) or
    int64 when the potentials are too large for float64."""
    gain = np.rint(_cells(problem.score, rows, columns) * SCORE_SCALE)
    if not exact:
        gain = gain.astype(np.int64)
    if penalty is not None:
        gain += penalty.of(rows[:, None], columns[None, :])
    return gain


def _failing(
    usable: Usable,
    mentee: np.ndarray,
    mentor: np.ndarray,
    assignment: np.ndarray,
    rows: np.ndarray,
    columns: np.ndarray,
    gain: np.ndarray,
    near: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the pairs among rows × columns (both increasing) with a reduced cost below
    `near`, and which of them fail (below 0), given their gains (overwritten)."""
    m = len(usable.capacity)
    mask = _cells(usable.mask, rows, columns)
    gain += mentor[columns][None, :]
    gain -= mentee[rows][:, None]
    failing = gain > -near  # reduced cost −gain + π(i) − π(j) < near
    failing &= mask
    at, hit = found_in(columns, assignment[rows])  # -1 (unmatched) is no column
    failing[np.nonzero(hit)[0], at[hit]] = False  # pairs made: not arcs i → j
    r, c = np.nonzero(failing)
    return rows[r] * m + columns[c], gain[r, c] > 0


def _around(
    problem: Problem, usable: Usable, failing: np.ndarray, penalty: Penalty | None = None
) -> np.ndarray:
    """More of the best pairs of the mentees and mentors a failing pair joins: the next
    rounds' failures are mostly their neighbours, so fewer rounds follow."""
    n, m = problem.score.shape
    rows, cols = np.unique(failing // m), np.unique(failing % m)
    found = []
    k = min(AROUND * PER_MENTEE, m)
    block = _valued(problem, usable, rows, np.arange(m), penalty)
    top = np.argpartition(block, m - k, axis=1)[:, m - k :]
    good = np.isfinite(np.take_along_axis(block, top, axis=1))
    found.append((np.repeat(rows, k).reshape(-1, k)[good]) * m + top[good])
    k = min(AROUND * PER_MENTOR, n)
    block = _valued(problem, usable, np.arange(n), cols, penalty).T
    top = np.argpartition(block, n - k, axis=1)[:, n - k :]
    good = np.isfinite(np.take_along_axis(block, top, axis=1))
    found.append(top[good] * m + np.repeat(cols, k).reshape(-1, k)[good])
    return np.concatenate(found)


def _valued(
    problem: Problem, usable: Usable, rows: np.ndarray, cols: np.ndarray, penalty: Penalty | None
) -> np.ndarray:
    """Gains in score units of rows × cols, -inf where a pair may not be made."""
    value = problem.score[np.ix_(rows, cols)]
    if penalty is not None:
        value = value + penalty.of(rows[:, None], cols[None, :]) / SCORE_SCALE
    return np.where(usable.mask[np.ix_(rows, cols)], value, -np.inf)


@dataclass
class Proof:
    """What the rounds end with: the arcs, the class counts and, when proven, the answer."""

    keys: np.ndarray
    counts: np.ndarray | None
    inst: Instance | None = None
    assignment: np.ndarray | None = None


def solve_large(
    problem: Problem, usable: Usable, bonus: Bonus | None = None
) -> tuple[Instance, Solution] | None:
    """The proven lexicographic optimum and the arcs it was found on, or None (no proof).
    With a bonus, the optimum of the gains plus the bonus."""
    keys = candidates(problem, usable)
    if bonus is not None:
        keys = distinct([keys, bonus.keys])
    proof = prove(problem, usable, Proof(keys, None), bonus=bonus)
    if proof.inst is None or proof.assignment is None:
        return None
    return proof.inst, Solution(proof.assignment, proven=True)


def prove(
    problem: Problem,
    usable: Usable,
    start: Proof,
    penalty: Penalty | None = None,
    bonus: Bonus | None = None,
) -> Proof:
    """Rounds of flow and proof from the start's arcs (and class counts, if known): the
    proven optimum of the gains (plus the penalty or the bonus, whose pairs must be among
    the start's arcs), or the arcs reached without a proof.

    How many mentees of each priority class are matched is found by a flow in the first
    round (or given) and kept after: the proof covers those counts too (a better count
    shows as a negative cycle), and when they fail (no proof, or given counts that cannot
    be routed) they are found again on the arcs of that round. The proven counts are in
    the result."""
    keys, counts = start.keys, start.counts
    distance, shift = None, None
    largest = SCORE_SCALE + (0 if penalty is None else penalty.largest)
    largest += 0 if bonus is None else bonus.largest
    for round_ in range(ROUNDS):
        inst = arcs_instance(problem, usable, keys, penalty, bonus)
        classes = priority_class(inst)
        fresh = counts is None
        if counts is None:
            counts = class_counts(inst, classes)
        assignment, found = _optimum(inst, classes, counts, distance, largest)
        if found is None and not fresh:  # the counts may have changed: find them again
            counts = class_counts(inst, classes)
            assignment, found = _optimum(inst, classes, counts, distance, largest)
        if found is None:
            log.info("large: no proof (round %d, arcs %d)", round_, len(keys))
            return Proof(keys, None)
        shift = None if distance is None else found - distance
        distance = found
        near = NEAR if shift is None else 0  # later passes: pairs that moved below 0
        found, negative = failing_pairs(problem, usable, distance, assignment, shift, penalty, near)
        # Arcs never fail: the potentials are a fixpoint on them, with their bonus, which
        # the matrix the pass reads does not hold.
        negative &= ~found_in(keys, found)[1]
        failing = found[negative]
        log.info(
            "large round=%d arcs=%d failing=%d near=%d", round_, len(keys), len(failing), len(found)
        )
        if len(failing) == 0:
            return Proof(keys, counts, inst, assignment)
        added = np.concatenate([found, _around(problem, usable, failing, penalty)])
        keys = distinct([keys, added])
    return Proof(keys, counts)


def _optimum(
    inst: Instance,
    classes: np.ndarray,
    counts: np.ndarray,
    start: np.ndarray | None,
    largest: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The best assignment with these class counts on the instance's arcs, and potentials
    proving it optimal there (None: no proof); `largest` bounds every pair's |gain|."""
    assignment = score_flow(inst, classes, counts, inst.gain)
    if assignment is None:
        return np.full(inst.n_mentees, -1, dtype=np.int64), None
    everything = np.ones(len(inst.rows), dtype=bool)
    return assignment, potentials(inst, everything, assignment, start, largest)


def distinct(parts: list[np.ndarray]) -> np.ndarray:
    """The keys of all parts, sorted, without repeats (a sort: numpy's hashing `unique`
    was slower on these int64 keys)."""
    if not parts:
        return np.zeros(0, dtype=np.int64)
    merged = np.sort(np.concatenate(parts))
    return merged[np.r_[True, merged[1:] != merged[:-1]]] if len(merged) else merged


def pair_gains(problem: Problem, keys: np.ndarray, penalty: Penalty | None = None) -> np.ndarray:
    """Quantised gains (plus the penalty) of the pairs with these row-major keys."""
    m = problem.score.shape[1]
    rows, cols = keys // m, keys % m
    gain = np.rint(problem.score[rows, cols] * SCORE_SCALE).astype(np.int64)
    return gain if penalty is None else gain + penalty.of(rows, cols)

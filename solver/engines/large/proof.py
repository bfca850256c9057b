"""Large plain requests straight from the score matrix: few arcs built, every pair proven.

A dense 10,000 × 3,400 pool has 34 M pairs. Listing them as arcs (ids, gains,
keys) costs more than solving. For requests without side rules the problem's
own score matrix and eligibility mask are enough, read in blocks of mentees:

1. candidates: each mentee's best `PER_MENTEE` usable mentors and each mentor's
   best `PER_MENTOR` mentees, found block by block (`keys.best_of_rows`, no sort of a row);
2. the lexicographic optimum on those arcs only (the usual two flows);
3. the proof of `solver.sparse`: node potentials of the one-circulation form,
   then every usable pair's reduced cost, block by block straight from the
   scores (no arc list); pairs that fail join the candidates and step 2 runs
   again. `proven` only ever comes from a pass that found no failing pair.
   The first pass also adds the pairs that nearly fail (reduced cost below
   `NEAR`): the next potentials differ, and those pairs are the ones that
   would fail then. At 10,000 × 3,400 that is two rounds instead of three.
   A pass lists at most `near.NEAR_PER_MENTEE` such pairs per mentee and per
   mentor: when scores tie everywhere it could otherwise list every pair.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance, priority_class
from solver.encode.keys import cells_of, found_in
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.flow import class_counts, score_flow
from solver.engines.large.candidates import _around
from solver.engines.large.near import Arcs, Found, Left, Pass, combined, found_of
from solver.engines.large.pairs import Bonus, Penalty, arcs_instance
from solver.engines.large.potentials import potentials
from solver.engines.large.rooms import Entry, Rooms, entry, rooms_of
from solver.engines.large.screened import screened_pass
from solver.rules.program import MaxSamePerMentor
from solver.runtime import CACHE_BLOCK, in_blocks, in_turn

log = logging.getLogger(__name__)


ROUNDS = 6


NEAR = SCORE_SCALE // 100  # the first proof also adds pairs whose reduced cost is below this


PROOF_BLOCK = CACHE_BLOCK  # mentees per block of the proof


def failing_pairs(
    problem: Problem,
    usable: Usable,
    distance: np.ndarray,
    assignment: np.ndarray,
    shift: np.ndarray | None = None,
    penalty: Penalty | None = None,
    near: int = 0,
    arcs: np.ndarray | None = None,
    capped: bool = False,
    rooms: Rooms | None = None,
) -> Pass:
    """The usable pairs with a reduced cost −gain + π(mentee) − π(mentor) below `near`
    (pairs made and `arcs` left out), which fail (a negative reduced cost), how many fail
    in all; `capped`: at most `NEAR_PER_MENTEE` per mentee and `mentor_cap` per
    mentor listed (the lowest reduced costs). Arcs the flow could use never fail, pairs
    made are not arcs i → j, so only pairs left out can. With `shift` (how far each
    potential moved since a pass that listed every pair below `near`, or a larger one), a
    pair's reduced cost moved by shift(mentee) − shift(mentor): only pairs where that is
    negative are read (not with `rooms`, whose pairs enter (mentor, value) nodes)."""
    n, m = problem.score.shape
    exact = np.abs(distance).max(initial=0) < 2**52  # differences exact in float64
    mentee = distance[:n].astype(np.float64) if exact else distance[:n]
    made = _made_gain(problem, assignment, penalty)
    mentor = entry(distance, (n, m), rooms, assignment, made, exact)
    rows, columns_for = _to_read(n, m, shift)
    left_out = Left(assignment, np.zeros(0, np.int64) if arcs is None else arcs, capped)
    plain = exact and penalty is None and rooms is None
    screened = screened_pass(problem, usable, (mentee, mentor.mentor), left_out, near, plain)

    def chunk(first: int) -> Found:
        rows_of = np.sort(rows[first : first + PROOF_BLOCK])
        wanted = columns_for(first)
        if screened is not None and (found := screened(rows_of, wanted)) is not None:
            return found
        gain = _block_gain(problem, rows_of, wanted, penalty, exact)
        return _failing(usable, mentee, mentor, left_out, rows_of, wanted, gain, near)

    run = in_blocks if screened is None else in_turn  # the screen's product has BLAS threads
    return combined(run(chunk, range(0, len(rows), PROOF_BLOCK)), capped, n, m)


def _made_gain(problem: Problem, assignment: np.ndarray, penalty: Penalty | None) -> np.ndarray:
    """The gain of each mentee's pair made (0 for a mentee left unmatched)."""
    made = np.nonzero(assignment >= 0)[0]
    gain = np.zeros(len(assignment), dtype=np.int64)
    if penalty is None or penalty.scored:
        gain[made] = np.rint(problem.score[made, assignment[made]] * SCORE_SCALE)
    if penalty is not None:
        gain[made] += penalty.of(made, assignment[made])
    return gain


def _to_read(
    n: int, m: int, shift: np.ndarray | None
) -> tuple[np.ndarray, Callable[[int], np.ndarray]]:
    """The mentee rows to read, in chunk order, and the columns a chunk starting at a given
    position must read: everything without a shift; with one, only the rows whose shift is
    below some mentor's (lowest first), against the mentors whose shift is above the
    chunk's lowest mentee's."""
    every = np.arange(m)
    if shift is None:
        return np.arange(n), lambda first: every
    by_mentor = shift[n : n + m]
    rows = np.nonzero(shift[:n] < by_mentor.max(initial=0))[0]
    rows = rows[np.argsort(shift[rows], kind="stable")]  # lowest shift first
    by_mentee = shift[rows]
    by_shift = np.argsort(-by_mentor, kind="stable")  # highest shift first
    ranked = -by_mentor[by_shift]  # increasing

    def columns_for(first: int) -> np.ndarray:
        lowest = by_mentee[first]
        return np.sort(by_shift[: np.searchsorted(ranked, -lowest, side="left")])

    return rows, columns_for


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
    if penalty is not None and not penalty.scored:
        gain = np.zeros((len(rows), len(columns)))
    else:
        gain = np.rint(_cells(problem.score, rows, columns) * SCORE_SCALE)
    if not exact:
        gain = gain.astype(np.int64)
    if penalty is not None:
        gain += penalty.of(rows[:, None], columns[None, :])
    return gain


def _failing(
    usable: Usable,
    mentee: np.ndarray,
    mentor: Entry,
    left_out: Left,
    rows: np.ndarray,
    columns: np.ndarray,
    gain: np.ndarray,
    near: int = 0,
) -> Found:
    """The pairs among rows × columns (both increasing) with a reduced cost below `near`,
    given their gains (overwritten), and how many fail (below 0)."""
    m = len(usable.capacity)
    mask = _cells(usable.mask, rows, columns)
    gain += mentor.of(rows, columns)
    gain -= mentee[rows][:, None]
    below = gain > -near  # reduced cost −gain + π(i) − π(j) < near
    below &= mask
    at, hit = found_in(columns, left_out.assignment[rows])  # -1 (unmatched) is no column
    below[np.nonzero(hit)[0], at[hit]] = False  # pairs made: not arcs i → j
    r, c = cells_of(below)
    return found_of(left_out, rows, columns, r, c, gain[r, c], m)


@dataclass
class Proof:
    """What the rounds end with: the arcs, the class counts and, when proven, the answer."""

    keys: np.ndarray
    counts: np.ndarray | None
    inst: Instance | None = None
    assignment: np.ndarray | None = None
    distance: np.ndarray | None = None  # the potentials that prove it
    last: np.ndarray | None = None  # unproven: the last round's answer, with the counts
    worst: float | None = None  # and at most how much any answer with them gains over it


def prove(
    problem: Problem,
    usable: Usable,
    start: Proof,
    penalty: Penalty | None = None,
    bonus: Bonus | None = None,
    same: MaxSamePerMentor | None = None,
    deadline: float | None = None,
) -> Proof:
    """Rounds of flow and proof from the start's arcs (and class counts, if known): the
    proven optimum of the gains (plus the penalty or the bonus, whose pairs must be among
    the start's arcs), or the arcs reached without a proof (with the last answer, also
    once `deadline`, a `time.monotonic()`, has passed before a round). With `same`,
    max-same on one attribute holds through its (mentor, value) nodes. The class counts
    are found in the first round (or given) and kept: the proof covers them too (a better
    count shows as a negative cycle); when they fail they are found again on the round's
    arcs. Arcs never fail the pass: the potentials are a fixpoint on them."""
    keys, counts, distance, checked = start.keys, start.counts, None, Pass.nothing()
    largest = SCORE_SCALE + sum(0 if add is None else add.largest for add in (penalty, bonus))
    last, began = None, time.monotonic()
    arcs = Arcs(keys, penalty is None and bonus is None and same is None)
    for round_ in range(ROUNDS):
        if round_ and _no_time(began, deadline):
            log.info("large: out of time (round %d, arcs %d)", round_, len(keys))
            break
        began = time.monotonic()
        inst = arcs_instance(problem, usable, keys, penalty, bonus, same)
        counts, assignment, found = _counted_optimum(inst, counts, distance, largest)
        if found is None:
            log.info("large: no proof (round %d, arcs %d)", round_, len(keys))
            return Proof(keys, None)
        checked = _checked(problem, usable, inst, assignment, (distance, found), checked, penalty)
        distance = found
        log.info("large round=%d arcs=%d %s", round_, len(keys), checked)
        if checked.failing == 0:
            return Proof(keys, counts, inst, assignment, distance)
        failing, last = checked.keys[checked.negative], assignment
        added = [checked.keys, _around(problem, usable, failing, penalty)]
        keys = arcs.next(inst, added, distance, assignment, checked.failing)
    return Proof(keys, counts, last=last, worst=checked.worst if last is not None else None)


def _no_time(began: float, deadline: float | None) -> bool:
    """Whether the deadline leaves no time for another round as long as the last one."""
    return deadline is not None and 2 * time.monotonic() - began > deadline


def _checked(
    problem: Problem,
    usable: Usable,
    inst: Instance,
    assignment: np.ndarray,
    potentials: tuple[np.ndarray | None, np.ndarray],
    checked: Pass,
    penalty: Penalty | None,
) -> Pass:
    """The round's pass from its potentials (and the last round's): only after a pass that
    listed all it found (no rooms) may it read only pairs that moved, and those below 0."""
    before, found = potentials
    rooms = rooms_of(inst)
    keys = inst.rows * inst.n_mentors + inst.cols
    moved = checked.complete and before is not None and rooms is None
    shift = found - before if moved and before is not None else None
    margin = NEAR if penalty is None or penalty.scored else 0  # credit alone: ties everywhere
    near = margin if shift is None else 0
    return failing_pairs(
        problem, usable, found, assignment, shift, penalty, near, keys, True, rooms
    )


def _counted_optimum(
    inst: Instance, counts: np.ndarray | None, start: np.ndarray | None, largest: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The class counts, the optimum with them and its potentials (None: no proof). Given
    counts are tried first; when they cannot be proven they are found again on these arcs."""
    classes = priority_class(inst)
    if counts is not None:
        assignment, found = _optimum(inst, classes, counts, start, largest)
        if found is not None:
            return counts, assignment, found
    counts = class_counts(inst, classes)
    return (counts, *_optimum(inst, classes, counts, start, largest))


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

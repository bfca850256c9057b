"""Blocking pairs: a mentor and a mentee who would both rather be together.

A pair (mentee i, mentor j), eligible and not made, blocks when i is unpaired
or ranks j above its mentor, and j has room or ranks i above one of its
mentees. Orders are the stated preferences, then the score, then id order.
Pinned pairs are the manager's decision: they never block and cannot be
displaced, but they do fill their mentor's places.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from solver.answer.blocking_screen import Standing, screened_count
from solver.encode.instance import Instance
from solver.encode.keys import distinct, found_in
from solver.encode.orders import mentee_keys, mentor_keys, wishes
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable, pair_gains
from solver.rules.program import Stable
from solver.runtime import CACHE_BLOCK, in_blocks, in_turn

UNRANKED = np.iinfo(np.int64).max
PLAIN_BLOCK = CACHE_BLOCK  # mentees per block of the plain count: 0.04 s at 10k (1,024: 0.09)


def count_blocking_pairs(inst: Instance, stability: Stable, assignment: np.ndarray) -> int:
    """How many pairs block the assignment (free mentees and places only)."""
    return count_blocking_pairs_lazily(
        inst, stability.mentee_rank, lambda arcs: stability.mentor_rank[arcs], assignment
    )


def count_blocking_pairs_lazily(
    inst: Instance,
    mentee_key: np.ndarray,
    mentor_keys_of: Callable[[np.ndarray], np.ndarray],
    assignment: np.ndarray,
) -> int:
    """The same count, with the mentors' orders built only where they can matter: on the
    arcs made and on the arcs whose mentee would rather take them (few, at scale)."""
    if len(inst.rows) == 0:
        return 0
    made = assignment[inst.rows] == inst.cols
    current = np.full(inst.n_mentees, UNRANKED, dtype=np.int64)
    current[inst.rows[made]] = mentee_key[made]
    mentee_wants = mentee_key < current[inst.rows]
    needed = np.nonzero(mentee_wants | made)[0]
    mentor_key = mentor_keys_of(needed)
    cols, made_needed = inst.cols[needed], made[needed]
    load = np.bincount(inst.cols[made], minlength=inst.n_mentors)
    worst = np.full(inst.n_mentors, -1, dtype=np.int64)
    np.maximum.at(worst, cols[made_needed], mentor_key[made_needed])
    mentor_wants = (load[cols] < inst.capacity[cols]) | (mentor_key < worst[cols])
    return int((~made_needed & mentee_wants[needed] & mentor_wants).sum())


def _stated_keys(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Row-major keys of the pairs listed by their mentee, and of those listed by their
    mentor, each sorted."""
    m = problem.score.shape[1]
    pool = problem.pool
    by_mentee = wishes(pool.mentees, pool.mentor_index)
    by_mentor = wishes(pool.mentors, pool.mentee_index)
    return (  # by a sort: numpy's hashing unique takes seconds on a few million keys
        distinct([np.array([i * m + j for i, j, _ in by_mentee], dtype=np.int64)]),
        distinct([np.array([i * m + j for j, i, _ in by_mentor], dtype=np.int64)]),
    )


def _standing(
    problem: Problem,
    usable: Usable,
    assignment: np.ndarray,
    made: np.ndarray,
    stated: tuple[np.ndarray, np.ndarray],
) -> Standing:
    n, m = problem.score.shape
    by_mentee, by_mentor = stated
    made_keys = made * m + assignment[made]
    made_gain = pair_gains(problem, made_keys).astype(np.float64)
    current_gain, current_col = np.full(n, -np.inf), np.zeros(n, dtype=np.int64)
    current_gain[made], current_col[made] = made_gain, assignment[made]
    plain_rows = np.ones(n, dtype=bool)
    plain_rows[made[found_in(by_mentee, made_keys)[1]]] = False  # on a pair its mentee listed
    # A mentee its mentor listed ranks before every unlisted one: only room then counts.
    plain = np.nonzero(~found_in(by_mentor, made_keys)[1])[0]
    order = plain[np.lexsort((-made[plain], made_gain[plain]))]  # lowest score, last row
    mentors = assignment[made[order]]
    _, first_of = np.unique(mentors, return_index=True)
    worst_gain, worst_row = np.full(m, np.inf), np.full(m, -1, dtype=np.int64)
    worst_gain[mentors[first_of]] = made_gain[order[first_of]]
    worst_row[mentors[first_of]] = made[order[first_of]]
    room = np.bincount(assignment[made], minlength=m) < usable.capacity
    return Standing(current_gain, current_col, plain_rows, worst_gain, worst_row, room)


def _plain_blocking(
    problem: Problem, usable: Usable, standing: Standing, stated: np.ndarray
) -> int:
    """Blocking pairs among those nobody listed, block by block from the score matrix (or
    through its screen, when it has one: `blocking_screen.py`)."""
    n = problem.score.shape[0]
    screened = screened_count(problem, usable, standing, stated)

    def block(first: int) -> int:
        last = min(first + PLAIN_BLOCK, n)
        if screened is not None and (found := screened(first, last)) is not None:
            return found
        return _dense_count(problem, usable, standing, stated, first, last)

    run = in_blocks if screened is None else in_turn  # the screen's product has BLAS threads
    return sum(run(block, range(0, n, PLAIN_BLOCK)))


def _dense_count(
    problem: Problem, usable: Usable, s: Standing, stated: np.ndarray, first: int, last: int
) -> int:
    """Blocking pairs nobody listed among mentees first..last-1, from their scores."""
    m = problem.score.shape[1]
    gain = np.rint(problem.score[first:last] * SCORE_SCALE)
    columns = np.arange(m, dtype=np.int64)[None, :]
    cg, cc = s.current_gain[first:last, None], s.current_col[first:last, None]
    mentee_wants = (gain > cg) | ((gain == cg) & (columns < cc))
    rows = np.arange(first, last, dtype=np.int64)[:, None]
    mentor_wants = (gain > s.worst_gain) | ((gain == s.worst_gain) & (rows < s.worst_row))
    mentor_wants |= s.room
    mentee_wants &= mentor_wants
    mentee_wants &= usable.mask[first:last]
    mentee_wants &= s.plain_rows[first:last, None]
    lo, hi = np.searchsorted(stated, [first * m, last * m])
    mentee_wants.flat[stated[lo:hi] - first * m] = False
    return int(np.count_nonzero(mentee_wants))


def blocking_pairs(problem: Problem, usable: Usable, assignment: np.ndarray) -> int:
    """How many usable pairs block the assignment, counted as `count_blocking_pairs_lazily`
    counts them. Pairs nobody listed compare by score, then index, and are counted block
    by block from the score matrix; listed pairs (few) are counted on arcs with the full
    orders, as are the mentees whose own mentor is a listed one."""
    m = problem.score.shape[1]
    by_side = _stated_keys(problem)
    stated = distinct(list(by_side))
    matched = np.nonzero(assignment >= 0)[0]
    made = matched[usable.mask[matched, assignment[matched]]]
    standing = _standing(problem, usable, assignment, made, by_side)
    count = _plain_blocking(problem, usable, standing, stated)
    made_keys = made * m + assignment[made]
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
    keys = distinct([listed, made_keys])
    rows, cols, gain = keys // m, keys % m, pair_gains(problem, keys)
    inst = Instance(n, m, rows, cols, gain, usable.capacity, problem.volunteer, problem.waiting)
    return count_blocking_pairs_lazily(
        inst,
        mentee_keys(problem, rows, cols, gain),
        lambda arcs: mentor_keys(problem, rows[arcs], cols[arcs], gain[arcs]),
        assignment,
    )


def blocking_on_arcs(problem: Problem, inst: Instance, assignment: np.ndarray) -> int:
    """Blocking pairs among an instance's arcs, ranked by its Stable rule's orders when it
    has one, else by everyone's orders built where they can matter."""
    if stable := inst.all(Stable):
        return count_blocking_pairs(inst, stable[0], assignment)
    rows, cols, gain = inst.rows, inst.cols, inst.gain
    return count_blocking_pairs_lazily(
        inst,
        mentee_keys(problem, rows, cols, gain),
        lambda arcs: mentor_keys(problem, rows[arcs], cols[arcs], gain[arcs]),
        assignment,
    )

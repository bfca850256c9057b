"""Stable matchings outside binome: everyone's strict order, the `matching` library's
deferred acceptance on those orders, and a blocking-pair count of any answer.

The orders are binome's own (`solver/encode/orders.py`: stated preferences, then score,
then id order), over the usable pairs (eligible, mentor with a place), so the library and
binome answer the same question. The count here reads those orders and nothing of
binome's solver (`solver/answer/stability.py` counts its own way): a pair (mentee i,
mentor j) not made blocks when i is free or ranks j above its mentor, and j has a free
place or ranks i above one of its mentees. The benchmark pools have no pins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.orders import mentee_keys, mentor_keys
from solver.encode.problem import Problem
from solver.encode.quantise import quantise


@dataclass(frozen=True)
class Orders:
    """The usable pairs as arcs, and each arc's place in its mentee's and its mentor's
    order (0 is the favourite)."""

    rows: np.ndarray  # mentee of each arc
    cols: np.ndarray  # mentor of each arc
    mentee_rank: np.ndarray
    mentor_rank: np.ndarray
    capacity: np.ndarray  # places per mentor

    def by_mentee(self) -> list[np.ndarray]:
        """Each mentee's arcs, favourite first (mentees without arcs left out)."""
        return _lists(self.rows, self.mentee_rank)

    def by_mentor(self) -> list[np.ndarray]:
        """Each mentor's arcs, favourite first (mentors without arcs left out)."""
        return _lists(self.cols, self.mentor_rank)


def _lists(owner: np.ndarray, rank: np.ndarray) -> list[np.ndarray]:
    order = np.lexsort((rank, owner))
    starts = np.flatnonzero(np.r_[True, owner[order][1:] != owner[order][:-1]])
    return np.split(order, starts[1:]) if len(order) else []


def _ranks(owner: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Each arc's position among its owner's arcs, by key."""
    order = np.lexsort((key, owner))
    rank = np.empty(len(owner), dtype=np.int64)
    sorted_owner = owner[order]
    starts = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rank[order] = np.arange(len(order)) - first
    return rank


def orders(problem: Problem) -> Orders:
    """Everyone's strict order over the usable pairs, as binome ranks them."""
    usable = problem.eligible & (problem.capacity > 0)[None, :]
    rows, cols = (axis.astype(np.int64) for axis in np.nonzero(usable))
    gain = quantise(problem.score[rows, cols])
    mentee = _ranks(rows, mentee_keys(problem, rows, cols, gain))
    mentor = _ranks(cols, mentor_keys(problem, rows, cols, gain))
    return Orders(rows, cols, mentee, mentor, problem.capacity.astype(np.int64))


def blocking_pairs(found: Orders, assignment: np.ndarray) -> int:
    """How many usable pairs block the answer (each mentee's mentor, -1 for none)."""
    made = assignment[found.rows] == found.cols
    mine = np.full(len(assignment), np.iinfo(np.int64).max, dtype=np.int64)
    mine[found.rows[made]] = found.mentee_rank[made]
    mentors = len(found.capacity)
    load = np.bincount(found.cols[made], minlength=mentors)
    worst = np.full(mentors, -1, dtype=np.int64)
    np.maximum.at(worst, found.cols[made], found.mentor_rank[made])
    wants = ~made & (found.mentee_rank < mine[found.rows])
    room = load[found.cols] < found.capacity[found.cols]
    welcome = room | (found.mentor_rank < worst[found.cols])
    return int(np.count_nonzero(wants & welcome))


def deferred_acceptance(found: Orders, n_mentees: int) -> np.ndarray:
    """The mentee-optimal stable matching by the `matching` library's hospital–resident
    deferred acceptance (mentees as residents, mentors as hospitals with their places).

    The library's game class deep-copies its players (a RecursionError from about 20,000
    pairs) and checks its inputs in time quadratic in the lists, so its players are built
    here and handed to its algorithm, `matching.algorithms.hospital_resident`."""
    from matching import Player
    from matching.algorithms import hospital_resident
    from matching.players import Hospital

    mentee_lists, mentor_lists = found.by_mentee(), found.by_mentor()
    mentees = {int(found.rows[arcs[0]]): Player(int(found.rows[arcs[0]])) for arcs in mentee_lists}
    mentors = {
        j: Hospital(j, int(found.capacity[j]))
        for j in (int(found.cols[arcs[0]]) for arcs in mentor_lists)
    }
    for arcs in mentee_lists:
        mentees[int(found.rows[arcs[0]])].set_prefs([mentors[int(j)] for j in found.cols[arcs]])
    for arcs in mentor_lists:
        mentors[int(found.cols[arcs[0]])].set_prefs([mentees[int(i)] for i in found.rows[arcs]])
    matched = hospital_resident(list(mentees.values()), list(mentors.values()), "resident")
    assignment = np.full(n_mentees, -1, dtype=np.int64)
    for mentor, residents in matched.items():
        for resident in residents:
            assignment[resident.name] = mentor.name
    return assignment

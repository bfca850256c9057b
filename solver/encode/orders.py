"""Each person's strict order over the other side: stated preferences, then score, then id
order. Stability and blocking pairs read these orders."""

from __future__ import annotations

import numpy as np

from solver.contract.request import Participant
from solver.encode.keys import found_in
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE

UNLISTED = 255  # after every stated preference (lists hold at most 200 ids)


def _positions(
    wished: list[tuple[int, int, int]], rows: np.ndarray, cols: np.ndarray, n_mentors: int
) -> np.ndarray:
    """Per arc, the rank of a stated wish about it, or UNLISTED. `wished` holds (mentee,
    mentor, rank) triples; arcs are found by their row-major key (one search, no matrix)."""
    position = np.full(len(rows), UNLISTED, dtype=np.int64)
    if not wished or len(rows) == 0:
        return position
    keys = rows * n_mentors + cols
    order = None if bool(np.all(keys[1:] > keys[:-1])) else np.argsort(keys, kind="stable")
    ordered = keys if order is None else keys[order]
    mentee, mentor, rank = (
        np.array(column, dtype=np.int64) for column in zip(*wished, strict=True)
    )
    wanted = mentee * n_mentors + mentor
    found, hit = found_in(ordered, wanted)
    arcs = found[hit] if order is None else order[found[hit]]
    np.minimum.at(position, arcs, rank[hit])
    return position


def order_key(position: np.ndarray, gain: np.ndarray, other: np.ndarray) -> np.ndarray:
    """One int64 per arc that sorts as (stated position, higher score first, id order):
    8 bits of position, 30 of score, 17 of index (lists hold at most 100,000 people)."""
    worse = SCORE_SCALE - np.clip(gain, 0, SCORE_SCALE)
    return (position << 47) | (worse << 17) | other


def wishes(people: list[Participant], index: dict[str, int]) -> list[tuple[int, int, int]]:
    """(person, wished person on the other side, rank) for every stated preference."""
    return [
        (a, b, rank)
        for a, person in enumerate(people)
        for rank, wish in enumerate(person.preferences)
        if (b := index.get(wish)) is not None
    ]


def mentee_keys(
    problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
) -> np.ndarray:
    """Each arc's place in its mentee's order: stated preferences, then score, then id."""
    pool = problem.pool
    wished = wishes(pool.mentees, pool.mentor_index)
    return order_key(_positions(wished, rows, cols, len(pool.mentors)), gain, cols)


def mentor_keys(
    problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
) -> np.ndarray:
    """Each arc's place in its mentor's order: stated preferences, then score, then id."""
    pool = problem.pool
    wished = [(i, j, rank) for j, i, rank in wishes(pool.mentors, pool.mentee_index)]
    return order_key(_positions(wished, rows, cols, len(pool.mentors)), gain, rows)

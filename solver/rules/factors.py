"""Every pair's score in one matrix product: criteria written as low-rank factors.

The score of a pair is a weighted mean of criterion values. Most criteria read
the mentor through a handful of distinct values (a time zone, a set of
languages, a department, years of experience), so each such criterion is
`left @ right.T`: `right` says which class each mentor is in (one-hot) and
`left` holds each mentee's value against every class. Goals are bilinear as
they stand (share of goals = goals / |goals| @ skills). Stacked side by side,
all criteria become one matrix product, which BLAS runs at full speed with no
34 M-entry temporaries; ranked preferences are few and added pair by pair.

A criterion without a factor form here, or with too many distinct mentor
values, falls back to its own `matrix` in blocks of mentees: the factors are a
faster route to the same numbers, never a different definition (the tests
check each against its `matrix` and its `evidence`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from solver.encode.pool import Pool
from solver.rules.criteria import preference_values
from solver.rules.pairwise import (
    any_shared,
    closeness,
    crossing,
    jaccard,
    mentee_ahead,
    mentor_ahead,
)

MAX_CLASSES = 512  # distinct mentor values (or factor columns) beyond which: scored densely


@dataclass(frozen=True)
class Factors:
    """`left @ right.T` (plus `value` at (`rows`, `cols`)) is the criterion's matrix."""

    left: np.ndarray  # mentees × width
    right: np.ndarray  # mentors × width
    rows: np.ndarray | None = None
    cols: np.ndarray | None = None
    value: np.ndarray | None = None


FactorForm = Callable[[Pool], Factors | None]


Pairwise = Callable[[np.ndarray, np.ndarray], np.ndarray]  # mentees' rows × mentors' rows


def _one_hot(codes: np.ndarray, width: int) -> np.ndarray:
    right = np.zeros((len(codes), width))
    right[np.arange(len(codes)), codes] = 1.0
    return right


def _by_mentor_class(
    mentor_values: np.ndarray, table: Callable[[np.ndarray], np.ndarray]
) -> Factors | None:
    """Mentors grouped by their distinct values (rows of `mentor_values`); `table(values)`
    gives every mentee's criterion value against each distinct one."""
    if mentor_values.ndim == 1:
        classes, codes = np.unique(mentor_values, return_inverse=True)
    else:
        classes, codes = np.unique(mentor_values, axis=0, return_inverse=True)
    if len(classes) > MAX_CLASSES:
        return None
    codes = codes.reshape(-1)
    return Factors(table(classes), _one_hot(codes, len(classes)))


def _classes(mine: str, theirs: str, pairwise: Pairwise) -> FactorForm:
    """A criterion whose matrix is `pairwise(pool.<mine>, pool.<theirs>)`, with the mentors
    grouped by their distinct rows of `theirs`."""

    def factors(pool: Pool) -> Factors | None:
        mentees = getattr(pool, mine)
        return _by_mentor_class(getattr(pool, theirs), lambda values: pairwise(mentees, values))

    return factors


def goals_factors(pool: Pool) -> Factors | None:
    """Share of goals covered: each goal weighs 1/|goals| of its mentee (one column per
    goal both sides list: beyond `MAX_CLASSES` of them, scored densely)."""
    if pool.goals.shape[1] > MAX_CLASSES:
        return None
    count = pool.goal_count[:, None].astype(np.float64)
    return Factors(pool.goals / np.maximum(count, 1.0), pool.skills.astype(np.float64))


def availability_factors(pool: Pool) -> Factors | None:
    """Common slots over the smaller slot count: mentors grouped by how many slots they
    give (few counts, however many distinct sets), each slot 1/min(counts) of the pair; a
    column per (slot both sides give, mentor count): beyond `MAX_CLASSES`, scored densely."""
    mine = pool.slot_count_e[:, None].astype(np.float64)
    theirs = pool.slot_count_m
    if pool.slots_e.shape[1] * len(np.unique(theirs)) > MAX_CLASSES:
        return None
    lefts, rights = [], []
    for count in np.unique(theirs).tolist():
        lefts.append(pool.slots_e / np.maximum(np.minimum(mine, count), 1.0))
        rights.append(pool.slots_m * (theirs == count)[:, None])
    n, m = pool.shape
    if not lefts:
        return Factors(np.zeros((n, 0)), np.zeros((m, 0)))
    return Factors(np.hstack(lefts), np.hstack(rights).astype(np.float64))


def interests_factors(pool: Pool) -> Factors | None:
    """Jaccard: mentors grouped by the interests they share with some mentee and by how many
    they list in all (the union counts every one)."""
    counted = np.hstack([pool.interests_m, pool.interest_count_m[:, None].astype(np.float32)])
    mine, count = pool.interests_e, pool.interest_count_e
    return _by_mentor_class(
        counted, lambda values: jaccard(mine, values[:, :-1], count, values[:, -1])
    )


def preferences_factors(pool: Pool) -> Factors:
    """No product at all: each stated wish adds its value to one pair."""
    n, m = pool.shape
    return Factors(np.zeros((n, 0)), np.zeros((m, 0)), *preference_values(pool))


FACTORS: dict[str, FactorForm] = {
    "goals": goals_factors,
    "languages": _classes("languages_e", "languages_m", any_shared),
    "interests": interests_factors,
    "availability": availability_factors,
    "timezone": _classes("offset_e", "offset_m", closeness),
    "seniority": _classes("seniority_e", "seniority_m", mentor_ahead),
    "preferences": preferences_factors,
    "department": _classes("department_e", "department_m", crossing),
}


REVERSE_FACTORS: dict[str, FactorForm] = {
    **FACTORS,
    "seniority": _classes("seniority_e", "seniority_m", mentee_ahead),
}


def factors_for(program_format: str) -> dict[str, FactorForm]:
    return REVERSE_FACTORS if program_format == "reverse" else FACTORS

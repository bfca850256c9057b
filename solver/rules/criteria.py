"""Soft criteria: how well a mentor suits a mentee, each a value in [0, 1].

Each criterion is one registered pair of functions: `matrix` scores every
(mentee, mentor) pair at once from the arrays of a `Pool`; `evidence` scores one
pair from the participants themselves and says why, in a message key and its
parameters. The two are independent implementations of the same sentence, so
each checks the other in the tests. Missing data never excludes a pair: it
earns no points.

Long because each criterion's two implementations, and what its evidence reads, sit side
by side in one module, so that one reads against the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from solver.contract.request import Participant
from solver.encode.pool import Pool
from solver.messages.formats import Decimal, Languages, Slots
from solver.rules.items import hours_apart, item_set, normalise
from solver.rules.pairwise import (
    SENIORITY_FULL_GAP,
    TIMEZONE_ZERO_GAP,
    _share,
    any_shared,
    closeness,
    crossing,
    jaccard,
    mentee_ahead,
    mentor_ahead,
)


def years(gap: float) -> Decimal:
    """Years of experience as a sentence shows them: one decimal at most."""
    return Decimal(round(gap, 1), 1)


@dataclass(frozen=True)
class Evidence:
    value: float
    key: str
    params: dict[str, Any] = field(default_factory=dict)


CountsRead = Callable[[int, int], object]  # what a list criterion reads of the lists' lengths


@dataclass(frozen=True)
class Criterion:
    name: str
    matrix: Callable[[Pool], np.ndarray]
    evidence: Callable[[Participant, Participant], Evidence]
    # (mentee field, mentor field): the only data `evidence` reads, so equal fields give
    # equal evidence; None when it reads more (ids, for preferences).
    reads: tuple[str, str] | None = None
    # When `evidence` depends only on `_common` of those two lists: the items they share
    # (as the mentee wrote them, in the mentee's order) and what this function of how many
    # each lists (mentee's, mentor's) returns; pairs equal in both share one reason.
    common: CountsRead | None = None
    # Otherwise, a cheaper function of the pair that determines the evidence, if any.
    key: Callable[[Participant, Participant], object] | None = None


def _common(a: list[str], b: list[str]) -> tuple[list[str], dict[str, str], dict[str, str]]:
    left, right = item_set(a), item_set(b)
    return [text for key, text in left.items() if key in right], left, right


def goals_matrix(pool: Pool) -> np.ndarray:
    """The share of the mentee's goals that the mentor's skills cover."""
    covered = pool.goals @ pool.skills.T
    return _share(covered, pool.goal_count[:, None])


def goals_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    covered, goals, _ = _common(mentee.goals, mentor.skills)
    if not goals:
        return Evidence(0.0, "goals.no_goals")
    if not covered:
        return Evidence(0.0, "goals.covers_none", {"of": len(goals)})
    value = len(covered) / len(goals)
    return Evidence(value, "goals.covers", {"n": len(covered), "of": len(goals), "items": covered})


def languages_matrix(pool: Pool) -> np.ndarray:
    """Full points when mentor and mentee share at least one language."""
    return any_shared(pool.languages_e, pool.languages_m)


def languages_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    shared, mine, theirs = _common(mentee.languages, mentor.languages)
    if not mine or not theirs:
        return Evidence(0.0, "languages.unknown")
    if not shared:
        return Evidence(0.0, "languages.none")
    return Evidence(1.0, "languages.shared", {"items": Languages(shared)})


def interests_matrix(pool: Pool) -> np.ndarray:
    """Shared interests over all their interests together (Jaccard)."""
    return jaccard(pool.interests_e, pool.interests_m, pool.interest_count_e, pool.interest_count_m)


def interests_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    shared, mine, theirs = _common(mentee.interests, mentor.interests)
    union = len(set(mine) | set(theirs))
    if not shared:
        return Evidence(0.0, "interests.none")
    return Evidence(len(shared) / union, "interests.shared", {"n": len(shared), "items": shared})


def availability_matrix(pool: Pool) -> np.ndarray:
    """Common slots over the slots of whichever of the two is less available."""
    common = pool.slots_e @ pool.slots_m.T
    smaller = np.minimum(pool.slot_count_e[:, None], pool.slot_count_m[None, :])
    return _share(common, smaller)


def availability_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    common, mine, theirs = _common(mentee.availability, mentor.availability)
    if not mine or not theirs:
        return Evidence(0.0, "availability.unknown")
    value = len(common) / min(len(mine), len(theirs))
    if not common:
        return Evidence(0.0, "availability.none")
    return Evidence(value, "availability.common", {"n": len(common), "items": Slots(common)})


def timezone_matrix(pool: Pool) -> np.ndarray:
    """Full points in the same time zone, none at 12 hours apart."""
    return closeness(pool.offset_e, pool.offset_m)


def timezone_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    if not mentor.timezone or not mentee.timezone:
        return Evidence(0.0, "timezone.unknown")
    gap = hours_apart(mentee.timezone, mentor.timezone)
    value = 1 - gap / TIMEZONE_ZERO_GAP
    if gap == 0:
        return Evidence(value, "timezone.same")
    return Evidence(value, "timezone.apart", {"hours": Decimal(round(gap, 1), 1)})


def seniority_matrix(pool: Pool) -> np.ndarray:
    """The mentor's extra experience, full points from five years more."""
    return mentor_ahead(pool.seniority_e, pool.seniority_m)


def seniority_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    if mentor.seniority is None or mentee.seniority is None:
        return Evidence(0.0, "seniority.unknown")
    gap = mentor.seniority - mentee.seniority
    value = min(max(gap / SENIORITY_FULL_GAP, 0.0), 1.0)
    if gap == 0:
        return Evidence(value, "seniority.same")
    if gap < 0:
        return Evidence(value, "seniority.less", {"years": years(-gap)})
    return Evidence(value, "seniority.more", {"years": years(gap)})


def reverse_seniority_matrix(pool: Pool) -> np.ndarray:
    """Reverse mentoring: the mentee's extra experience, full points from five years more."""
    return mentee_ahead(pool.seniority_e, pool.seniority_m)


def reverse_seniority_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    if mentor.seniority is None or mentee.seniority is None:
        return Evidence(0.0, "seniority.unknown")
    gap = mentee.seniority - mentor.seniority
    value = min(max(gap / SENIORITY_FULL_GAP, 0.0), 1.0)
    if gap <= 0:
        return Evidence(value, "seniority.reverse_not_junior", {"years": years(-gap)})
    return Evidence(value, "seniority.reverse", {"years": years(gap)})


def _rank_value(rank: int, length: int) -> float:
    """First choice earns 1, the last of n choices earns 1/n."""
    return 1 - rank / length


def preference_values(pool: Pool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mentee, mentor, value) of every stated wish, the mentees' first: each side's
    ranked wishes are half of the value."""
    found = [
        (row, column, _rank_value(rank, len(mentee.preferences)) / 2)
        for row, mentee in enumerate(pool.mentees)
        for rank, mentor_id in enumerate(mentee.preferences)
        if (column := pool.mentor_index.get(mentor_id)) is not None
    ] + [
        (row, column, _rank_value(rank, len(mentor.preferences)) / 2)
        for column, mentor in enumerate(pool.mentors)
        for rank, mentee_id in enumerate(mentor.preferences)
        if (row := pool.mentee_index.get(mentee_id)) is not None
    ]
    rows, cols, values = zip(*found, strict=True) if found else ((), (), ())
    return (
        np.array(rows, dtype=np.int64),
        np.array(cols, dtype=np.int64),
        np.array(values, dtype=np.float64),
    )


def preferences_matrix(pool: Pool) -> np.ndarray:
    """Ranked wishes of both sides, each side half of the value."""
    value = np.zeros(pool.shape)
    rows, cols, values = preference_values(pool)
    np.add.at(value, (rows, cols), values)
    return value


def preferences_key(mentor: Participant, mentee: Participant) -> tuple[int, ...]:
    """All the evidence depends on: each side's rank of the other (-1: not listed) and the
    length of its list (0 when it does not list the other)."""
    by_mentee = mentee.preferences.index(mentor.id) if mentor.id in mentee.preferences else -1
    by_mentor = mentor.preferences.index(mentee.id) if mentee.id in mentor.preferences else -1
    listed_e = len(mentee.preferences) if by_mentee >= 0 else 0
    listed_m = len(mentor.preferences) if by_mentor >= 0 else 0
    return by_mentee, listed_e, by_mentor, listed_m


def preferences_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    by_mentee, listed_e, by_mentor, listed_m = preferences_key(mentor, mentee)
    value = 0.0
    if by_mentee >= 0:
        value += _rank_value(by_mentee, listed_e) / 2
    if by_mentor >= 0:
        value += _rank_value(by_mentor, listed_m) / 2
    key = {
        (True, True): "preferences.both",
        (True, False): "preferences.mentee",
        (False, True): "preferences.mentor",
        (False, False): "preferences.none",
    }[(by_mentee >= 0, by_mentor >= 0)]
    ranks = {"mentee_rank": max(by_mentee, 0) + 1, "mentor_rank": max(by_mentor, 0) + 1}
    return Evidence(value, key, ranks)


def department_matrix(pool: Pool) -> np.ndarray:
    """Full points when the pair crosses departments."""
    return crossing(pool.department_e, pool.department_m)


def department_evidence(mentor: Participant, mentee: Participant) -> Evidence:
    mine, theirs = normalise(mentor.department or ""), normalise(mentee.department or "")
    if not mine or not theirs:  # blank is missing: it earns nothing and excludes nothing
        return Evidence(0.0, "department.unknown")
    params = {"mentor_department": mentor.department, "mentee_department": mentee.department}
    if mine == theirs:
        return Evidence(0.0, "department.same", params)
    return Evidence(1.0, "department.cross", params)


CRITERIA: dict[str, Criterion] = {
    c.name: c
    for c in (
        # goals read how many goals the mentee lists, never how many skills
        Criterion("goals", goals_matrix, goals_evidence, ("goals", "skills"), lambda g, _: g),
        Criterion(
            "languages",  # whether each lists any
            languages_matrix,
            languages_evidence,
            ("languages",) * 2,
            lambda mine, theirs: (mine > 0, theirs > 0),
        ),
        Criterion(
            "interests",  # the union: with the items shared, the sum of the counts
            interests_matrix,
            interests_evidence,
            ("interests",) * 2,
            lambda mine, theirs: mine + theirs,
        ),
        Criterion(
            "availability",
            availability_matrix,
            availability_evidence,
            ("availability",) * 2,
            min,  # the smaller list
        ),
        Criterion("timezone", timezone_matrix, timezone_evidence, ("timezone",) * 2),
        Criterion("seniority", seniority_matrix, seniority_evidence, ("seniority",) * 2),
        Criterion("preferences", preferences_matrix, preferences_evidence, key=preferences_key),
        Criterion("department", department_matrix, department_evidence, ("department",) * 2),
    )
}


# In reverse mentoring the junior mentors the senior: seniority runs the other way.
REVERSE_CRITERIA: dict[str, Criterion] = {
    **CRITERIA,
    "seniority": Criterion(
        "seniority", reverse_seniority_matrix, reverse_seniority_evidence, ("seniority",) * 2
    ),
}


def criteria_for(program_format: str) -> dict[str, Criterion]:
    return REVERSE_CRITERIA if program_format == "reverse" else CRITERIA


def score_pair(
    mentor: Participant, mentee: Participant, weights: dict[str, float], program_format: str
) -> float:
    """The same weighted mean for one pair, from the evidence functions."""
    criteria = criteria_for(program_format)
    active = {name: w for name, w in weights.items() if w > 0}
    total = sum(active.values())
    if not total:
        return 0.0
    value = sum(w * criteria[n].evidence(mentor, mentee).value for n, w in active.items())
    return min(max(value / total, 0.0), 1.0)

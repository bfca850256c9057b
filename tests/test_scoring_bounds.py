"""Scoring and ranking stay in proportion to the pairs whatever the values: factor forms too
wide to pay for are scored densely, and ties do not make the ranking sort every pair."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from bench.proportion import flat
from solver import MatchRequest
from solver.answer.suggestions import ranked_mentors, top_mentors
from solver.encode.pool import Pool
from solver.encode.problem import encode
from solver.encode.scores import score_matrix
from solver.rules.criteria import criteria_for
from solver.rules.factors import MAX_CLASSES, factors_for


def _pool(mentors: list[dict], mentees: list[dict]) -> Pool:
    request = MatchRequest.model_validate({"mentors": mentors, "mentees": mentees})
    return Pool(request.mentors, request.mentees)


def test_a_factor_wider_than_max_classes_is_scored_densely() -> None:
    """600 goals both sides list: a float64 factor column per goal per mentee (and its
    copies) is what dense blocks avoid; the scores are the same."""
    goals = [f"g{k}" for k in range(MAX_CLASSES + 88)]
    mentees = [{"id": f"e{i}", "goals": goals[i::7]} for i in range(7)]
    mentors = [{"id": f"m{j}", "skills": goals[j::3]} for j in range(3)]
    pool = _pool(mentors, mentees)
    assert pool.goals.shape[1] > MAX_CLASSES
    assert factors_for("one_to_one")["goals"](pool) is None
    dense = criteria_for("one_to_one")["goals"].matrix(pool)
    assert np.array_equal(score_matrix(pool, {"goals": 1.0}, "one_to_one"), dense)


def test_availability_is_dense_when_slots_times_counts_is_too_wide() -> None:
    """The factor has a column per (slot, mentor slot count): 30 slots, 30 counts."""
    slots = [f"s{k}" for k in range(40)]
    mentors = [{"id": f"m{j}", "availability": slots[: j + 1]} for j in range(30)]
    mentees = [{"id": f"e{i}", "availability": slots[i:]} for i in range(5)]
    pool = _pool(mentors, mentees)
    assert pool.slots_e.shape[1] * 30 > MAX_CLASSES
    assert factors_for("one_to_one")["availability"](pool) is None
    dense = criteria_for("one_to_one")["availability"].matrix(pool)
    weights = {"availability": 1.0}
    assert np.array_equal(score_matrix(pool, weights, "one_to_one"), dense)


def test_ties_everywhere_rank_without_sorting_every_pair() -> None:
    """Ids alone: every pair ties. Only each row's first `count` columns are ordered (every
    tied pair was sorted, about 45 bytes each); the ranking is still each row's own."""
    problem = encode(MatchRequest.model_validate(flat(mentees=1024, mentors=3000)))
    tracemalloc.start()
    try:
        tops = top_mentors(problem, 3)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 3000  # 65 bytes a pair when every tied pair was sorted
    for i in (0, 511, 1023):
        assert tops[i].tolist() == ranked_mentors(problem, i)[:3].tolist() == [0, 1, 2]


@pytest.mark.parametrize("count", [1, 4])
def test_ties_at_the_cut_keep_the_lowest_columns(count: int) -> None:
    body = {"mentors": [{"id": f"m{j}", "skills": ["a"] if j % 3 else []} for j in range(9)]}
    body["mentees"] = [{"id": "e0", "goals": ["a"]}, {"id": "e1"}]
    problem = encode(MatchRequest.model_validate(body))
    tops = top_mentors(problem, count)
    for i in range(2):
        assert tops[i].tolist() == ranked_mentors(problem, i)[:count].tolist()

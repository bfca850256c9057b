"""The suggestions' ranking, found once per count and kept by the explainer: a ranking found
for one count is never served for another."""

from __future__ import annotations

import numpy as np

from generator.pools import generate_pool
from solver import MatchRequest
from solver.answer.explain import Explainer


def test_mentors_ranked_for_one_count_are_not_reused_for_another() -> None:
    from solver.answer.suggestions import ranked_mentors
    from solver.encode.problem import encode

    problem = encode(MatchRequest.model_validate(generate_pool(40, 12, 4)))
    n, m = problem.score.shape
    assignment = np.full(n, -1, dtype=np.int64)
    load = np.zeros(m, dtype=np.int64)
    ranked_before = Explainer(problem, "en")
    ranked_before.rank(2)
    fresh = Explainer(problem, "en")
    assert ranked_before.suggestions(assignment, load, 5) == fresh.suggestions(assignment, load, 5)
    wanted = [len(ranked_mentors(problem, i)[:5]) for i in range(n)]
    assert [len(s) for s in fresh.suggestions(assignment, load, 5).values()] == wanted
    assert max(wanted) > 2

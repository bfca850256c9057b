"""The suggestions: each mentee's ranked mentors, the best `count` of them, in order."""

from __future__ import annotations

import numpy as np

from generator.pools import generate_pool
from solver import MatchRequest
from solver.answer.explain import Explainer
from solver.answer.suggestions import ranked_mentors
from solver.encode.problem import encode


def test_suggestions_are_each_mentees_ranked_mentors() -> None:
    problem = encode(MatchRequest.model_validate(generate_pool(40, 12, 4)))
    n, m = problem.score.shape
    assignment = np.full(n, -1, dtype=np.int64)  # nobody assigned: the top ones alone
    load = np.zeros(m, dtype=np.int64)
    ids = [mentor.id for mentor in problem.pool.mentors]
    for count in (2, 5):
        said = Explainer(problem, "en").suggestions(assignment, load, count)
        wanted = [[ids[j] for j in ranked_mentors(problem, i)[:count]] for i in range(n)]
        assert [[s.mentor for s in found] for found in said.values()] == wanted
    assert max(len(ranked_mentors(problem, i)) for i in range(n)) > 2

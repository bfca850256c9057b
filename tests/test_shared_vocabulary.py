"""Only an item both sides list can ever be shared: the pool's 0/1 tables hold that shared
vocabulary alone, and every criterion and rule still counts every item a person lists (the
share of goals, Jaccard's union, the smaller slot count, "both gave languages")."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import solver.encode.pool as pool_module
from bench.proportion import vocabulary
from solver import MatchRequest
from solver.encode.pool import Pool, incidence
from solver.encode.problem import encode
from solver.encode.quantise import SCORE_SCALE
from solver.encode.scores import score_matrix
from solver.rules.by_pair import managers_of, pair_violations
from solver.rules.criteria import criteria_for, score_pair
from solver.rules.factors import factors_for
from tests.pools import random_pool

LISTS = ("goals", "skills", "languages", "interests", "availability")


def with_own_items(body: dict[str, Any], seed: int) -> dict[str, Any]:
    """Everyone also lists items nobody else lists, in every list field, some people only
    such items (known, but sharing nothing)."""
    body = copy.deepcopy(body)
    rng = np.random.default_rng(seed)
    for person in [*body["mentors"], *body["mentees"]]:
        for field in LISTS:
            own = [f"{person['id']}-{field}-{k}" for k in range(int(rng.integers(0, 3)))]
            kept = person.get(field, []) if rng.random() < 0.8 else []
            person[field] = kept + own
    return body


@pytest.fixture(params=["every item", "shared items"])
def columns(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Tables over every item (small vocabularies) or over the shared ones alone."""
    if request.param == "shared items":
        monkeypatch.setattr(pool_module, "FULL_VOCABULARY", 0)
    return str(request.param)


@pytest.mark.parametrize("program_format", ["one_to_one", "reverse"])
@pytest.mark.parametrize("seed", range(4))
def test_every_criterion_counts_items_only_one_side_lists(
    seed: int, program_format: str, columns: str
) -> None:
    """Matrix, factor form and each pair's evidence agree when people list items the other
    side does not."""
    body = with_own_items(random_pool(seed, n_mentees=20, n_mentors=8), seed)
    request = MatchRequest.model_validate(body)
    pool = Pool(request.mentors, request.mentees)
    forms = factors_for(program_format)
    for name, criterion in criteria_for(program_format).items():
        matrix = criterion.matrix(pool)
        by_pair = [[criterion.evidence(m, e).value for m in pool.mentors] for e in pool.mentees]
        assert np.allclose(matrix, by_pair, rtol=0, atol=1e-12), name
        factors = forms[name](pool)
        assert factors is not None, name
        product = factors.left @ factors.right.T
        if factors.rows is not None and factors.value is not None:
            np.add.at(product, (factors.rows, factors.cols), factors.value)
        assert np.allclose(product, matrix, rtol=0, atol=1e-12), name
        assert np.array_equal(np.rint(product * SCORE_SCALE), np.rint(matrix * SCORE_SCALE)), name


@pytest.mark.parametrize("seed", range(3))
def test_the_score_and_shared_language_count_items_only_one_side_lists(
    seed: int, columns: str
) -> None:
    body = with_own_items(random_pool(seed, n_mentees=20, n_mentors=8), seed + 10)
    request = MatchRequest.model_validate(body)
    problem = encode(request)
    program, weights = request.program, request.program.effective_weights()
    managers = managers_of(request)
    for i, mentee in enumerate(request.mentees):
        for j, mentor in enumerate(request.mentors):
            expected = score_pair(mentor, mentee, weights, program.format)
            assert problem.score[i, j] == pytest.approx(expected, abs=1e-12)
            broken = pair_violations(mentor, mentee, program, managers, problem.score[i, j])
            assert problem.excluded["shared_language"][i, j] == ("shared_language" in broken)


def test_languages_nobody_else_speaks_are_known_but_shared_with_nobody(columns: str) -> None:
    mentors = [{"id": "m_own", "languages": ["xx"]}, {"id": "m_none"}]
    mentees = [{"id": "e_fr", "languages": ["fr"]}, {"id": "e_none"}]
    problem = encode(MatchRequest.model_validate({"mentors": mentors, "mentees": mentees}))
    assert problem.excluded["shared_language"].tolist() == [[True, False], [False, False]]


def test_jaccard_and_shares_count_the_items_only_one_side_lists(columns: str) -> None:
    mentors = [{"id": "m1", "skills": ["a", "m-only"], "interests": ["chess", "golf"]}]
    mentee = {"id": "e1", "goals": ["a", "b", "c", "d"], "interests": ["chess", "e-only"]}
    mentee["availability"] = ["mon-am", "tue-am"]
    mentors[0]["availability"] = ["mon-am", "wed-am", "thu-am"]
    request = MatchRequest.model_validate({"mentors": mentors, "mentees": [mentee]})
    pool = Pool(request.mentors, request.mentees)
    criteria = criteria_for("one_to_one")
    assert criteria["goals"].matrix(pool)[0, 0] == 0.25
    assert criteria["interests"].matrix(pool)[0, 0] == pytest.approx(1 / 3)  # chess of 3
    assert criteria["availability"].matrix(pool)[0, 0] == 0.5  # mon-am of the mentee's 2


def test_the_tables_hold_the_shared_vocabulary_alone() -> None:
    """200 mentees with 50 goals each that nobody else lists: one column (shared: none)
    rather than 10,000, and the counts still know everybody's 50."""
    request = MatchRequest.model_validate(vocabulary(mentees=200, mentors=2, items=50))
    pool = Pool(request.mentors, request.mentees)
    assert pool.goals.shape == (200, 1) and not pool.goals.any()
    assert pool.goal_count.tolist() == [50] * 200
    assert score_matrix(pool, {"goals": 1.0}, "one_to_one").tolist() == [[0.0, 0.0]] * 200


def test_the_shared_vocabulary_keeps_the_order_items_are_first_listed() -> None:
    found = incidence([["b", "x", "a"], ["c"]], [["a", "y"], ["B", "c"]], full_up_to=0)
    assert found.mine.tolist() == [[1, 1, 0], [0, 0, 1]]  # b, a, c: the mentees' order
    assert found.theirs.tolist() == [[0, 1, 0], [1, 0, 1]]
    assert found.mine_count.tolist() == [3, 1] and found.theirs_count.tolist() == [2, 2]


def test_a_small_vocabulary_keeps_every_item_in_the_order_first_listed() -> None:
    """Up to FULL_VOCABULARY items, one-sided ones keep their columns: a stacked product's
    sums depend on where each column is, so ordinary pools score bit for bit as before."""
    found = incidence([["b", "x", "a"], ["c"]], [["a", "y"], ["B", "c"]])
    assert found.mine.tolist() == [[1, 1, 1, 0, 0], [0, 0, 0, 1, 0]]  # b, x, a, c, y
    assert found.theirs.tolist() == [[0, 0, 1, 0, 1], [1, 0, 0, 1, 0]]
    assert found.mine_count.tolist() == [3, 1] and found.theirs_count.tolist() == [2, 2]

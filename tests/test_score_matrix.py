"""The caller's dense score matrix (`program.score_matrix`) and scores in the caller's own units:
the matrix path against scipy's assignment, the matrix and the list giving one answer, the
refusals located down to the row and column, and the objective summed exactly."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from scipy.optimize import linear_sum_assignment

from api.app import create_app
from api.main import app
from api.settings import Settings
from solver import MatchRequest, MatchResponse, SolveOptions, Thresholds, match, validate
from solver.budget import CALLER_MATRIX_CELL, estimate

client = TestClient(app)
MATRIX_PATH = SolveOptions(sizes=Thresholds(large_from=1))  # the matrix path at any size


def dense(n: int, m: int, seed: int, nulls: float = 0.2, decimals: int | None = None) -> Any:
    """Scores in [-1, 1.2] (negative and above one), `nulls` of the pairs not candidates."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(-1.0, 1.2, (n, m))
    if decimals is not None:
        values = np.round(values, decimals)
    values[rng.random((n, m)) < nulls] = np.nan
    return values


def rows_of(values: np.ndarray) -> list[list[float | None]]:
    return [[None if math.isnan(v) else v for v in row] for row in values.tolist()]


def body(values: np.ndarray, capacity: int = 1, **program: Any) -> dict[str, Any]:
    """A pool with nothing but ids, scored by the matrix (rows: mentees e0.., columns m0..)."""
    n, m = values.shape
    mentees, mentors = [f"e{i}" for i in range(n)], [f"m{j}" for j in range(m)]
    return {
        "mentors": [{"id": j} for j in mentors],
        "mentees": [{"id": i} for i in mentees],
        "program": {
            "mentor_capacity": capacity,
            "suggestions": 0,
            "score_matrix": {"mentees": mentees, "mentors": mentors, "values": rows_of(values)},
            **program,
        },
    }


def scipy_best(values: np.ndarray) -> tuple[int, float]:
    """Pairs and total of the most pairs (nulls forbidden), then the highest total: a null
    costs more than any total of real pairs can gain, so scipy avoids one while it can."""
    forbidden = np.isnan(values)
    big = 4.0 * (np.nanmax(np.abs(values)) + 1) * min(values.shape)
    cost = np.where(forbidden, -big, values)
    rows, cols = linear_sum_assignment(cost, maximize=True)
    real = ~forbidden[rows, cols]
    return int(real.sum()), math.fsum(values[rows[real], cols[real]].tolist())


@pytest.mark.parametrize(("n", "m", "seed"), [(40, 25, 1), (30, 50, 2), (60, 60, 3), (7, 9, 4)])
def test_the_matrix_path_equals_scipy_on_dense_scores_with_negatives_and_nulls(
    n: int, m: int, seed: int
) -> None:
    values = dense(n, m, seed)
    request = MatchRequest.model_validate(body(values))
    answer = match(request, MATRIX_PATH)
    assert answer.status == "optimal"
    pairs, total = scipy_best(values)
    assert len(answer.pairings) == pairs
    assert answer.objective == pytest.approx(total, abs=1e-6)
    assert validate(request, answer) == []


@pytest.mark.parametrize("nulls", [0.1, 0.0])  # without a null, read by api.dense_json
def test_a_pool_past_the_matrix_threshold_equals_scipy_over_http(nulls: float) -> None:
    values = dense(400, 300, 5, nulls=nulls, decimals=2)  # 120,000 pairs: the matrix path
    answer = client.post("/v1/match", json=body(values, answer="pairs"))
    assert answer.status_code == 200, answer.text
    found = answer.json()
    pairs, total = scipy_best(values)
    assert (found["status"], found["engine"]) == ("optimal", "flow")
    assert len(found["pairings"]) == pairs
    assert found["objective"] == pytest.approx(total, abs=1e-6)
    assert found["bound"] == found["objective"]
    seen = found["metrics"]["score_range"]
    assert seen == {"min": float(np.nanmin(values)), "max": float(np.nanmax(values))}


def as_list(request: dict[str, Any]) -> dict[str, Any]:
    """The same request with its matrix as a sparse list of the pairs that are candidates."""
    matrix = request["program"].pop("score_matrix")
    request["program"]["scores"] = [
        {"mentor": mentor, "mentee": mentee, "score": value}
        for mentee, row in zip(matrix["mentees"], matrix["values"], strict=True)
        for mentor, value in zip(matrix["mentors"], row, strict=True)
        if value is not None
    ]
    return request


@pytest.mark.parametrize(("capacity", "nulls"), [(1, 0.4), (2, 0.4), (2, 0.0)])
def test_the_same_scores_as_a_matrix_and_as_a_list_give_one_answer(
    capacity: int, nulls: float
) -> None:
    values = dense(35, 20, 6 + capacity, nulls=nulls)
    request = body(values, capacity=capacity, suggestions=2)
    by_matrix = client.post("/v1/match", json=request)
    by_list = client.post("/v1/match", json=as_list(body(values, capacity, suggestions=2)))
    assert by_matrix.status_code == by_list.status_code == 200
    a, b = by_matrix.json(), by_list.json()
    assert a["pairings"] == b["pairings"]
    assert a["suggestions"] == b["suggestions"]
    for key in ("status", "objective", "bound", "metrics", "unmatched"):
        assert a[key] == b[key], key
    assert validate(MatchRequest.model_validate(request), MatchResponse.model_validate(a)) == []


def test_rows_and_columns_in_another_order_than_the_pool_are_read_by_id() -> None:
    values = dense(12, 8, 9)
    request = body(values)
    shuffled = json.loads(json.dumps(request))
    matrix = shuffled["program"]["score_matrix"]
    rows, cols = np.random.default_rng(0).permutation(12), np.random.default_rng(1).permutation(8)
    matrix["mentees"] = [f"e{i}" for i in rows]
    matrix["mentors"] = [f"m{j}" for j in cols]
    matrix["values"] = rows_of(values[np.ix_(rows, cols)])
    a, b = client.post("/v1/match", json=request), client.post("/v1/match", json=shuffled)
    assert a.json()["pairings"] == b.json()["pairings"]
    assert a.json()["objective"] == b.json()["objective"]


def refused(request: Any) -> list[dict[str, Any]]:
    response = client.post("/v1/match", json=request)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


def test_ids_other_than_the_pools_are_a_located_422_with_counts() -> None:
    request = body(dense(10, 4, 10))
    matrix = request["program"]["score_matrix"]
    matrix["mentees"] = [f"x{i}" for i in range(5)] + matrix["mentees"][5:]
    [error] = refused(request)
    assert error["loc"] == ["body", "program", "score_matrix", "mentees"]
    assert "5 missing ('e0', 'e1', 'e2', ...)" in error["msg"]
    assert "5 unknown ('x0', 'x1', 'x2', ...)" in error["msg"]
    matrix["mentees"] = [f"e{i}" for i in range(10)]
    matrix["mentors"] = ["m0", "m0", "m1", "m2"]
    [error] = refused(request)
    assert error["loc"] == ["body", "program", "score_matrix", "mentors"]
    assert "1 missing ('m3')" in error["msg"] and "1 repeated ('m0')" in error["msg"]


@pytest.mark.parametrize(
    "token", ["NaN", "Infinity", "-Infinity", "1e400", "1e13", '"0.5"', "true"]
)
def test_a_value_that_is_not_a_finite_score_is_a_422_at_its_row_and_column(token: str) -> None:
    request = body(dense(6, 5, 11, nulls=0.0, decimals=2))
    request["program"]["score_matrix"]["values"][4][3] = 0.123456789
    text = json.dumps(request).replace("0.123456789", token)
    response = client.post("/v1/match", content=text, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "program", "score_matrix", "values", 4, 3]


def test_a_short_row_and_too_many_problems_are_located_and_capped() -> None:
    request = body(dense(6, 5, 12, nulls=0.0))
    request["program"]["score_matrix"]["values"][2] = [0.5, 0.5]
    [error] = refused(request)
    assert error["loc"] == ["body", "program", "score_matrix", "values", 2]
    assert "2 values, not 5" in error["msg"]
    many = body(np.full((30, 10), 2e12))
    errors = refused(many)
    assert len(errors) == 100
    assert errors[12]["loc"] == ["body", "program", "score_matrix", "values", 1, 2]


def test_scores_and_a_score_matrix_together_are_a_422() -> None:
    request = body(dense(3, 3, 13))
    request["program"]["scores"] = [{"mentor": "m0", "mentee": "e0", "score": 0.5}]
    [error] = refused(request)
    assert error["loc"] == ["body", "program", "score_matrix"]


def test_the_objective_is_the_exact_total_rounded_once() -> None:
    values = np.full((3, 3), np.nan)
    np.fill_diagonal(values, 4e-7)  # each pair rounds to 0.0; the three make 1.2e-6
    answer = client.post("/v1/match", json=body(values)).json()
    assert [p["score"] for p in answer["pairings"]] == [0.0, 0.0, 0.0]
    assert answer["objective"] == 1e-6
    assert answer["bound"] == 1e-6


def test_min_score_and_fair_read_the_callers_units() -> None:
    low = np.array([[-0.6], [-0.4], [-0.55]])
    answer = client.post("/v1/match", json=body(low, 3, rules={"min_score": -0.5})).json()
    assert [(p["mentee"], p["score"]) for p in answer["pairings"]] == [("e1", -0.4)]
    spread = np.array([[20.0, 3.0], [3.0, -2.0]])  # total: 20 and -2; fair: 3 and 3
    total = client.post("/v1/match", json=body(spread)).json()
    fair = client.post("/v1/match", json=body(spread, objective="fair")).json()
    assert (total["objective"], total["metrics"]["min_score"]) == (18.0, -2.0)
    assert (fair["objective"], fair["metrics"]["min_score"]) == (6.0, 3.0)


def test_a_python_caller_hands_the_rows_to_the_model() -> None:
    values = dense(5, 4, 14)
    request = MatchRequest.model_validate(body(values))
    assert request.program.score_matrix is not None
    assert np.array_equal(request.program.score_matrix.values.array, values, equal_nan=True)
    with pytest.raises(ValueError, match=r"row 1, column 2"):
        bad = body(values)
        bad["program"]["score_matrix"]["values"][1][2] = float("inf")
        MatchRequest.model_validate(bad)


def test_the_budget_weighs_the_matrix_and_refuses_one_beyond_it() -> None:
    values = np.round(np.random.default_rng(15).uniform(-1, 1, (1000, 500)), 2)
    request = body(values)
    matrix_cost = estimate(MatchRequest.model_validate(request))
    plain = {**request, "program": {"mentor_capacity": 1, "suggestions": 0}}
    plain_cost = estimate(MatchRequest.model_validate(plain))
    assert matrix_cost.memory["caller scores"] == CALLER_MATRIX_CELL * 1000 * 500
    assert "caller scores" not in plain_cost.memory or plain_cost.memory["caller scores"] == 0
    small = TestClient(create_app(Settings(max_request_memory_mb=16)))
    response = small.post("/v1/match", json=request)
    assert response.status_code == 413, response.text
    [error] = response.json()["errors"]
    assert "BINOME_MAX_REQUEST_MEMORY_MB" in error["msg"] and "1,000 × 500" in error["msg"]


@pytest.mark.parametrize("values", [{}, "rows", 3, [1, 2], [[1], "row"]])
def test_values_that_are_not_rows_are_a_422_never_a_500(values: Any) -> None:
    request = body(dense(2, 1, 16))
    request["program"]["score_matrix"]["values"] = values
    errors = refused(request)
    assert errors[0]["loc"][:4] == ["body", "program", "score_matrix", "values"]
    with pytest.raises(ValueError, match="values|row|score"):
        MatchRequest.model_validate(request)

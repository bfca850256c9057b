"""The reduced solve (LP bound, reduced-cost fixing, exact search) loses no optimum.

`reduce` only runs above `Thresholds.reduce_from` candidate pairs; here the threshold
is lowered so that medium pools go through it, and its answer is compared with
the general CP-SAT and PuLP models on the full candidate set.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from generator.pools import generate_pool
from solver import MatchRequest, match, validate
from solver.dispatch import Thresholds

# `solver.match` the attribute is the function; these are the modules
engine_module = importlib.import_module("solver.dispatch")
reduce_module = importlib.import_module("solver.engines.large.reduced_share")


def binding_share(body: dict[str, Any]) -> float:
    """A department share a little above what the plain optimum reaches."""
    plain = match(MatchRequest.model_validate(body))
    return min(1.0, plain.metrics.cross_share["department"] + 0.04)


def solve(body: dict[str, Any], engine: str, reduce: bool, monkeypatch: Any) -> Any:
    threshold = 0 if reduce else 10**9
    monkeypatch.setattr(engine_module, "THRESHOLDS", Thresholds(reduce_from=threshold))
    request = MatchRequest.model_validate(
        {**body, "program": {**body["program"], "engine": engine}}
    )
    response = match(request)
    assert validate(request, response) == []
    return response


@pytest.mark.parametrize("objective", ["total", "fair"])
@pytest.mark.parametrize("seed", range(6))
def test_reduced_optimum_is_the_full_optimum(seed: int, objective: str, monkeypatch: Any) -> None:
    ran: list[bool] = []
    original = engine_module.solve_reduced

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        ran.append(result is not None)
        return result

    monkeypatch.setattr(engine_module, "solve_reduced", spy)
    body = generate_pool(36, 12, seed, program={"weights": {"department": 0}})
    body["program"]["diversity"] = {"cross": {"department": binding_share(body)}}
    body["program"]["objective"] = objective
    if seed % 2:
        body["program"]["diversity"]["max_same_per_mentor"] = {"site": 2}
    full = solve(body, "cpsat", reduce=False, monkeypatch=monkeypatch)
    for engine in ("auto", "cpsat"):
        reduced = solve(body, engine, reduce=True, monkeypatch=monkeypatch)
        assert reduced.status == full.status == "optimal"
        assert reduced.metrics.matched_mentees == full.metrics.matched_mentees
        assert reduced.metrics.min_score == pytest.approx(full.metrics.min_score, abs=1e-9)
        assert reduced.objective == pytest.approx(full.objective, abs=1e-5)
    assert ran and all(ran), "the reduction fell back instead of proving"


def test_auto_reports_the_engine_that_proved_it(monkeypatch: Any) -> None:
    body = generate_pool(36, 12, 3, program={"weights": {"department": 0}})
    body["program"]["diversity"] = {"cross": {"department": binding_share(body)}}
    response = solve(body, "auto", reduce=True, monkeypatch=monkeypatch)
    assert response.engine == "mip"
    assert response.status == "optimal" and response.gap == 0.0


def test_without_a_trusted_bound_nothing_is_reduced(monkeypatch: Any) -> None:
    monkeypatch.setattr(reduce_module, "_lp_reduced_costs", lambda *args: None)
    body = generate_pool(30, 10, 4, program={"weights": {"department": 0}})
    body["program"]["diversity"] = {"cross": {"department": binding_share(body)}}
    general = solve(body, "cpsat", reduce=False, monkeypatch=monkeypatch)
    fallback = solve(body, "auto", reduce=True, monkeypatch=monkeypatch)
    assert fallback.objective == pytest.approx(general.objective, abs=1e-5)


def test_when_the_exact_search_runs_out_of_time_the_incumbent_is_returned_honestly(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(reduce_module, "_mip_optimum", lambda *args: None)
    body = generate_pool(36, 12, 5, program={"weights": {"department": 0}})
    body["program"]["diversity"] = {"cross": {"department": binding_share(body)}}
    exact = solve(body, "cpsat", reduce=False, monkeypatch=monkeypatch)
    stopped = solve(body, "auto", reduce=True, monkeypatch=monkeypatch)  # validated inside
    assert stopped.status == "feasible"
    assert stopped.objective <= exact.objective + 1e-6 <= stopped.bound + 2e-6
    assert stopped.gap == pytest.approx(
        (stopped.bound - stopped.objective) / stopped.bound, abs=1e-3
    )


def test_a_search_stopped_before_any_bound_keeps_the_lp_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HiGHS stopped with a solution and no dual bound (infinite) was a crash: the answer
    is the incumbent, with the LP bound, and says feasible."""
    import highspy

    info, status = highspy.Highs.getInfo, highspy.Highs.getModelStatus

    def branching(highs: Any) -> bool:
        return len(highs.getLp().integrality_) > 0

    def no_bound(self: Any) -> Any:
        found = info(self)
        if branching(self):
            found.mip_dual_bound = float("inf")
        return found

    def stopped(self: Any) -> Any:
        return highspy.HighsModelStatus.kTimeLimit if branching(self) else status(self)

    monkeypatch.setattr(highspy.Highs, "getInfo", no_bound)
    monkeypatch.setattr(highspy.Highs, "getModelStatus", stopped)
    body = generate_pool(120, 40, 3)
    body["program"] = {"diversity": {"cross": {"department": binding_share(body)}}}
    response = solve(body, "mip", True, monkeypatch)
    assert response.engine == "mip" and response.pairings
    assert response.bound >= response.objective

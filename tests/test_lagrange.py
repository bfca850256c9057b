"""A cross share priced on the score matrix (large pools): every answer meets the share,
its bound holds against the exact optimum (`reduce`'s HiGHS proof on the same request),
and nobody is lost. Small pools are sent down that path by lowering its thresholds."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from generator.pools import generate_pool
from solver import MatchRequest, match, validate
from solver.dispatch import Thresholds

candidates = importlib.import_module("solver.engines.large.candidates")
proof = importlib.import_module("solver.engines.large.proof")
plain = importlib.import_module("solver.engines.large.plain")
pairs = importlib.import_module("solver.engines.large.pairs")
usable_module = importlib.import_module("solver.encode.usable")
match_module = importlib.import_module("solver.dispatch")


@pytest.fixture
def priced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(match_module, "THRESHOLDS", Thresholds(large_from=0, priced_share_from=0))
    monkeypatch.setattr(candidates, "PER_MENTEE", 3)
    monkeypatch.setattr(candidates, "PER_MENTOR", 2)
    monkeypatch.setattr(candidates, "BLOCK", 16)
    monkeypatch.setattr(proof, "PROOF_BLOCK", 7)


def _request(seed: int, share: float, size: tuple[int, int] = (80, 26)) -> MatchRequest:
    body: dict[str, Any] = generate_pool(*size, seed)
    body["program"] = {"diversity": {"cross": {"department": share}}, "weights": {"department": 0}}
    return MatchRequest.model_validate(body)


def _exact(request: MatchRequest) -> Any:
    """The same request on the MIP engine (HiGHS), which proves its optimum."""
    program = request.program.model_copy(update={"engine": "mip", "time_limit_s": 60})
    return match(request.model_copy(update={"program": program}))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("share", [0.9, 0.97])
def test_the_priced_answer_meets_the_share_and_its_bound_holds(
    seed: int, share: float, priced: None
) -> None:
    request = _request(seed, share)
    answer = match(request)
    exact = _exact(request)
    assert exact.status == "optimal" and exact.engine == "mip"
    assert answer.engine == "lagrangian"
    assert validate(request, answer) == []  # the share among the rules re-checked
    assert answer.metrics.cross_share["department"] >= share - 1e-9
    assert len(answer.pairings) == len(exact.pairings)  # the same counts: nobody dropped
    assert answer.objective <= exact.objective + 1e-4 * len(answer.pairings)
    assert answer.bound >= exact.objective - 1e-6
    assert answer.gap <= 1e-2  # a few dozen pairs: the share moves in big steps
    if answer.status == "optimal":
        assert answer.objective == pytest.approx(exact.objective, abs=1e-4)


def test_a_share_the_plain_optimum_already_meets_is_proven_optimal(priced: None) -> None:
    request = _request(2, 0.3)
    answer = match(request)
    assert answer.engine == "lagrangian" and answer.status == "optimal"
    assert answer.gap == 0
    assert answer.objective == pytest.approx(_exact(request).objective, abs=1e-4)


def test_a_share_out_of_reach_goes_to_the_general_engines(priced: None) -> None:
    body: dict[str, Any] = generate_pool(30, 10, 1)
    for person in body["mentors"]:
        person["department"] = "Sales"
    for k, person in enumerate(body["mentees"]):
        person["department"] = "Sales" if k % 2 else "HR"  # half of them can never cross
    body["program"] = {"diversity": {"cross": {"department": 0.9}}, "weights": {"department": 0}}
    request = MatchRequest.model_validate(body)
    answer = match(request)
    assert answer.engine != "lagrangian"
    assert answer.status in ("optimal", "feasible", "infeasible")
    assert validate(request, answer) == []

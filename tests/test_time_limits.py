"""The time limit is the whole request's, and a feasible request is never refused for lack of
time (issue 13). Asserted on what comes back, never on seconds."""

from __future__ import annotations

from typing import Any

import pytest

from generator import generate_pool
from solver import MatchRequest, SolveOptions, match, validate
from solver.encode.instance import instance
from solver.encode.problem import encode
from solver.engines.flow import prepared
from solver.engines.general import build_seconds


def request(mentees: int, mentors: int, **program: Any) -> MatchRequest:
    return MatchRequest.model_validate(generate_pool(mentees, mentors, 1, program=program))


@pytest.mark.parametrize(
    "program",
    [
        {"format": "group", "group": {"min_size": 2}, "engine": "cpsat"},  # auto: `groups`
        {"format": "group", "group": {"min_size": 3}, "engine": "cpsat"},
        {"diversity": {"max_same_per_mentor": {"department": 1, "site": 1}}},
        {
            "diversity": {
                "cross": {"department": 0.9},
                "max_same_per_mentor": {"site": 1, "job_family": 2},
            }
        },
    ],
)
def test_a_model_too_large_to_build_in_time_falls_back_on_an_answer_that_keeps_the_rules(
    program: dict[str, Any],
) -> None:
    body = request(300, 100, time_limit_s=0.2, **program)
    inst = prepared(instance(encode(body)))
    assert build_seconds(inst) > 0.1  # half the limit: no general model is built
    answer = match(body)
    # the start, or a model on each mentee's best arcs (`engines/general.py`): never proven
    assert answer.status == "feasible" and answer.engine in ("fallback", "cpsat", "mip")
    assert answer.pairings and answer.bound >= answer.objective
    assert validate(body, answer) == []


def test_the_time_limit_runs_from_the_request_not_from_each_stage() -> None:
    """A what-if's share of the budget and a match's own limit reach the engines as one
    deadline: the options carry it, set once when the request starts."""
    options = SolveOptions().started(request(3, 2).program)
    assert options.deadline is not None
    assert options.started(request(3, 2).program).deadline == options.deadline
    assert 0 < options.remaining(request(3, 2).program) <= 10.0


@pytest.mark.parametrize("engine", ["cpsat"])  # `auto` may prove the start with no search
def test_a_cancelled_solve_stops_at_the_next_stage_and_says_so(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The caller hangs up during the first search: no later stage starts."""
    from ortools.sat.python import cp_model

    from solver.runtime import Cancel, Cancelled

    cancel, stages = Cancel(), []

    class HungUp(cp_model.CpSolver):
        def solve(self, model: Any, *args: Any) -> Any:
            stages.append(1)
            cancel.cancel()  # the client leaves while this search runs
            return super().solve(model, *args)

    monkeypatch.setattr(cp_model, "CpSolver", HungUp)
    body = request(12, 4, diversity={"cross": {"department": 0.9}}, engine=engine)
    with pytest.raises(Cancelled):
        match(body, SolveOptions(cancel=cancel))
    assert stages == [1]


def test_a_cancel_reaches_a_running_highs_search() -> None:
    import highspy

    from solver.engines.large.share_lp import run_highs
    from solver.runtime import Cancel, Cancelled

    cancel, highs = Cancel(), highspy.Highs()
    highs.setOptionValue("output_flag", False)
    cancel.cancel()  # already gone: the search is interrupted at once
    with pytest.raises(Cancelled):
        run_highs(highs, cancel)

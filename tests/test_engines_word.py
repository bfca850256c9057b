"""Engines that hold their word (issue 16, items 4 and 5): asked explicitly on a plain
request, `cpsat` and `mip` start every stage from the best answer known (the flow's) and
never answer worse than it, within the limit, with an honest status. Asserted on statuses
and objectives, never on seconds."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from generator import generate_pool
from solver import MatchRequest, match, validate
from solver.dispatch import THRESHOLDS
from solver.encode.instance import Instance, instance, lexicographic_key
from solver.encode.problem import encode
from solver.engines.cpsat import solve_cpsat
from solver.engines.flow import flow_relaxation, prepared
from solver.engines.large.arcs import flow_answer
from solver.engines.mip import solve_mip

POOLS = [(60, 20, 1), (60, 20, 2), (60, 20, 3), (300, 100, 1), (300, 100, 2), (300, 100, 3)]


def tied(mentees: int, mentors: int, seed: int) -> dict[str, Any]:
    """A dense pool of ties: every mentee the same person as the first but for the id."""
    body = generate_pool(mentees, mentors, seed)
    first = body["mentees"][0]
    body["mentees"] = [
        {**copy.deepcopy(first), "id": person["id"], "name": person["name"]}
        for person in body["mentees"]
    ]
    return body


def request(body: dict[str, Any], **program: Any) -> MatchRequest:
    return MatchRequest.model_validate({**body, "program": {**body["program"], **program}})


def check_against_flow(body: dict[str, Any], engine: str, time_limit_s: float) -> None:
    flow = match(request(body, engine="flow"))
    asked = request(body, engine=engine, time_limit_s=time_limit_s)
    answer = match(asked)
    assert validate(asked, answer) == []
    assert answer.objective >= flow.objective - 1e-9
    assert len(answer.pairings) >= len(flow.pairings)
    assert answer.bound >= answer.objective - 1e-9 and answer.gap >= 0
    if answer.status == "optimal":  # proven: the flow's optimum exactly
        assert answer.gap == 0 and abs(answer.objective - flow.objective) < 1e-6
    else:
        assert answer.status == "feasible"


@pytest.mark.parametrize("engine", ["cpsat", "mip"])
@pytest.mark.parametrize(("mentees", "mentors", "seed"), POOLS)
def test_a_general_engine_never_answers_a_plain_request_worse_than_the_flow(
    engine: str, mentees: int, mentors: int, seed: int
) -> None:
    check_against_flow(generate_pool(mentees, mentors, seed), engine, 1.0)


@pytest.mark.parametrize("engine", ["cpsat", "mip"])
def test_a_dense_pool_of_ties_is_answered_at_least_as_well_as_the_flow(engine: str) -> None:
    check_against_flow(tied(120, 40, 1), engine, 1.0)


@pytest.mark.parametrize("engine", ["cpsat", "mip"])
@pytest.mark.parametrize("time_limit_s", [0.05, 0.2])
def test_a_limit_too_short_to_finish_still_returns_the_flow_answer(
    engine: str, time_limit_s: float
) -> None:
    body = generate_pool(300, 100, 1)
    check_against_flow(body, engine, time_limit_s)
    answer = match(request(body, engine=engine, time_limit_s=time_limit_s))
    assert answer.status == "feasible" and answer.pairings


def plain(mentees: int, mentors: int, seed: int) -> tuple[Instance, np.ndarray]:
    """A plain request's instance and the flow's (optimal) answer on it."""
    inst = prepared(instance(encode(request(generate_pool(mentees, mentors, seed)))))
    start = flow_answer(flow_relaxation(inst), THRESHOLDS.sparse_from).assignment
    return inst, start


@pytest.mark.parametrize("seed", [1, 2])
def test_cpsat_stopped_on_a_stage_keeps_the_start_it_was_given(seed: int) -> None:
    """CP-SAT cannot prove 300 x 100 in half a second: a stage ends on its time limit, and
    its incumbent alone is worse than the flow's answer (the start is what is kept)."""
    inst, start = plain(300, 100, seed)
    found = solve_cpsat(inst, time_limit_s=0.5, hint=start)
    assert found.feasible and not found.proven
    assert lexicographic_key(inst, found.assignment) == lexicographic_key(inst, start)


@pytest.mark.parametrize("time_limit_s", [0.02, 0.3, 5.0])
def test_mip_keeps_the_start_or_proves_the_same_optimum(time_limit_s: float) -> None:
    inst, start = plain(300, 100, 1)
    found = solve_mip(inst, time_limit_s=time_limit_s, hint=start)
    assert found.feasible
    assert lexicographic_key(inst, found.assignment) >= lexicographic_key(inst, start)
    if found.proven:
        assert lexicographic_key(inst, found.assignment)[:3] == lexicographic_key(inst, start)[:3]


def test_without_a_start_the_engines_can_be_worse_which_is_why_it_is_kept() -> None:
    """The control: the same half second without the flow's answer ends below it."""
    inst, start = plain(300, 100, 1)
    alone = solve_cpsat(inst, time_limit_s=0.5)
    assert lexicographic_key(inst, alone.assignment) < lexicographic_key(inst, start)

"""A cross share, max-same on one attribute and `fair`, in every combination, on the score
matrix (`engines/large/side_rules.py`): the same optimum as CP-SAT's proven one on medium
pools and as enumeration on tiny ones, every rule kept, `optimal` only when proven and the
bound above the optimum otherwise. Small pools are sent down the path by lowering its
thresholds and its candidate sets, so that rounds of added pairs, the share's floor, the
pricing and the exact model closing its gap all run."""

from __future__ import annotations

import importlib
import time
from typing import Any

import pytest

from generator.pools import generate_pool
from solver import MatchRequest, match, validate
from solver.dispatch import SolveOptions, Thresholds
from solver.encode.instance import instance, lexicographic_key
from solver.encode.problem import encode
from solver.encode.usable import usable_pairs
from solver.engines.flow import solve_flow
from solver.rules.program import asked

candidates = importlib.import_module("solver.engines.large.candidates")
proof = importlib.import_module("solver.engines.large.proof")
near = importlib.import_module("solver.engines.large.near")
side = importlib.import_module("solver.engines.large.side_rules")
closure = importlib.import_module("solver.engines.large.closure")
rooms = importlib.import_module("solver.engines.large.rooms")

SMALL = SolveOptions(sizes=Thresholds(large_from=0, priced_share_from=0, side_rules_from=0))

SAME = {"max_same_per_mentor": {"department": 1}}
PROGRAMS = {
    "max-same": {"diversity": SAME},
    "max-same, fair": {"diversity": SAME, "objective": "fair"},
    "share, max-same": {"diversity": {"cross": {"department": 0.9}, **SAME}},
    "share, fair": {"diversity": {"cross": {"department": 0.9}}, "objective": "fair"},
    "share, max-same, fair": {
        "diversity": {"cross": {"department": 0.9}, **SAME},
        "objective": "fair",
    },
    "high share, max-same on another attribute, fair": {
        "diversity": {"cross": {"department": 0.97}, "max_same_per_mentor": {"site": 1}},
        "objective": "fair",
    },
}


@pytest.fixture
def tiny_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(candidates, "PER_MENTEE", 3)
    monkeypatch.setattr(candidates, "PER_MENTOR", 2)
    monkeypatch.setattr(candidates, "BLOCK", 16)
    monkeypatch.setattr(proof, "PROOF_BLOCK", 7)


def _request(program: dict[str, Any], size: tuple[int, int], seed: int) -> MatchRequest:
    body: dict[str, Any] = generate_pool(*size, seed)
    body["program"] = {**program, "weights": {"department": 0}}  # the share binds
    if seed % 2:  # a pin: counted in the share and in max-same, and it may lower the floor
        body["program"]["pinned"] = [
            {"mentor": body["mentors"][1]["id"], "mentee": body["mentees"][2]["id"]}
        ]
        body["mentees"][2]["avoid"] = []
    return MatchRequest.model_validate(body)


def _engine(request: MatchRequest, engine: str) -> Any:
    program = request.program.model_copy(update={"engine": engine, "time_limit_s": 60})
    return match(request.model_copy(update={"program": program}))


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_side_rules_path_finds_cp_sats_proven_optimum(
    name: str, seed: int, tiny_candidates: None
) -> None:
    request = _request(PROGRAMS[name], (48, 16), seed)
    answer = match(request, SMALL)
    exact = _engine(request, "cpsat")
    assert exact.status == "optimal"
    assert answer.engine == side.SIDE_RULES[frozenset(asked(request.program))]
    assert validate(request, answer) == []  # every rule re-checked from the participants
    assert answer.status == "optimal"
    assert len(answer.pairings) == len(exact.pairings)
    assert answer.metrics.min_score == exact.metrics.min_score
    assert answer.objective == pytest.approx(exact.objective, abs=1e-6 * len(answer.pairings))


@pytest.mark.parametrize("listed", [None, 4])  # 4 pairs listed per mentee: never all of them
def test_the_share_is_priced_and_its_gap_closed_by_the_exact_model(
    listed: int | None, tiny_candidates: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[Any] = []
    original = side.close
    monkeypatch.setattr(side, "close", lambda *a: closed.append(original(*a)) or closed[-1])
    models: list[int] = []
    exact = closure._exact
    monkeypatch.setattr(closure, "_exact", lambda *a: models.append(len(a[4])) or exact(*a))
    request = _request(PROGRAMS["share, max-same, fair"], (48, 16), 2)
    reference = _engine(request, "cpsat")
    if listed is not None:
        monkeypatch.setattr(near, "NEAR_PER_MENTEE", listed)
    answer = match(request, SMALL)
    assert validate(request, answer) == []
    assert answer.metrics.cross_share["department"] >= 0.9 - 1e-9
    assert closed and closed[0] is not None
    if listed is None:  # every pair within the gap listed: the model's optimum is the optimum
        assert 1 <= len(models) <= closure.TRIES + 1 and closed[0].proven  # + the answers' pairs
        assert answer.status == "optimal"
        assert answer.objective == pytest.approx(reference.objective, abs=1e-6)
    else:  # models on the pairs listed, never all of them: no proof, an honest bound
        assert len(models) >= 2 and not closed[0].proven
        assert answer.status == "feasible"
        assert answer.objective <= reference.objective + 1e-6 <= answer.bound + 2e-6


def test_the_share_can_set_the_floor_below_the_counts_one(
    tiny_candidates: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lowered: list[Any] = []
    original = side.share_floor
    monkeypatch.setattr(side, "share_floor", lambda *a: lowered.append(original(*a)) or lowered[-1])
    program = {
        "diversity": {"cross": {"department": 0.99}, "max_same_per_mentor": {"site": 1}},
        "objective": "fair",
    }
    request = _request(program, (48, 16), 4)  # found so: at the counts' floor the share fails
    answer = match(request, SMALL)
    exact = _engine(request, "cpsat")
    assert lowered and lowered[0] is not None
    assert answer.status == exact.status == "optimal"
    assert answer.metrics.min_score == exact.metrics.min_score
    assert answer.objective == pytest.approx(exact.objective, abs=1e-6 * len(answer.pairings))


TINY = {
    "max-same": {"diversity": SAME},
    "max-same, fair": {"diversity": SAME, "objective": "fair"},
    "share, max-same": {"diversity": {"cross": {"department": 0.6}, **SAME}},
    "share, fair": {"diversity": {"cross": {"department": 0.6}}, "objective": "fair"},
    "share, max-same, fair": {
        "diversity": {"cross": {"department": 0.6}, **SAME},
        "objective": "fair",
    },
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", sorted(TINY))
def test_on_tiny_pools_the_path_is_the_enumerated_optimum(name: str, seed: int) -> None:
    body: dict[str, Any] = generate_pool(6, 3, seed)
    body["program"] = {**TINY[name], "weights": {"department": 0}}
    request = MatchRequest.model_validate(body)
    answer = match(request, SMALL)
    assert validate(request, answer) == []  # with enumeration, when `optimal`
    assert answer.status == "optimal"
    assert answer.engine == side.SIDE_RULES[frozenset(asked(request.program))]


@pytest.mark.parametrize("name", ["max-same, fair", "share, max-same, fair", "share, max-same"])
def test_cut_short_by_the_deadline_the_answer_keeps_the_rules_and_an_honest_bound(
    name: str, tiny_candidates: None
) -> None:
    request = _request(PROGRAMS[name], (48, 16), 1)
    exact = _engine(request, "cpsat")
    past = SolveOptions(sizes=SMALL.sizes, deadline=time.monotonic() - 1)  # one round only
    answer = match(request, past)
    assert exact.status == "optimal"
    assert answer.status == "feasible"  # three candidates per mentee prove nothing in a round
    assert answer.engine == side.SIDE_RULES[frozenset(asked(request.program))]
    assert validate(request, answer) == []
    assert answer.bound >= exact.objective - 1e-6
    assert len(answer.pairings) <= len(exact.pairings)


def test_the_proof_prices_pairs_through_their_mentor_value_node(tiny_candidates: None) -> None:
    """The max-same optimum is proven with the (mentor, value) nodes; priced against the
    mentors alone, pairs into full nodes would look better than the answer."""
    request = _request(PROGRAMS["max-same"], (48, 16), 2)
    problem = encode(request)
    usable = usable_pairs(problem)
    inst = instance(problem)
    rules = side.side_rules(problem, None, None)
    start = proof.Proof(candidates.candidates(problem, usable), None)
    found = proof.prove(problem, usable, start, same=rules.same)
    assert found.assignment is not None and found.distance is not None and found.inst is not None
    optimum = solve_flow(inst).assignment  # the arc flow with the same nodes, on every pair
    assert lexicographic_key(inst, found.assignment) == lexicographic_key(inst, optimum)
    with_rooms = proof.failing_pairs(
        problem, usable, found.distance, found.assignment, rooms=rooms.rooms_of(found.inst)
    )
    without = proof.failing_pairs(problem, usable, found.distance, found.assignment)
    assert with_rooms.failing == 0
    assert without.failing > 0


def test_a_share_out_of_reach_goes_to_the_general_engines() -> None:
    body: dict[str, Any] = generate_pool(30, 10, 1)
    for person in body["mentors"]:
        person["department"] = "Sales"
    for k, person in enumerate(body["mentees"]):
        person["department"] = "Sales" if k % 2 else "HR"  # half of them can never cross
    body["program"] = {
        "diversity": {"cross": {"department": 0.9}, "max_same_per_mentor": {"site": 1}},
        "objective": "fair",
        "weights": {"department": 0},
    }
    request = MatchRequest.model_validate(body)
    answer = match(request, SMALL)
    assert answer.engine != "lagrangian"
    assert validate(request, answer) == []

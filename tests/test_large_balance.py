"""One balance attribute on the matrix path (`engines/large/balance.py`): the targets and the
optimum of balance's flow on every arc, the brute force's on small pools, `optimal` only from
a pass in which every pair holds, and the combinations the path does not take routed as
before. Small pools are sent down the path with tiny candidate sets and blocks, so that
rounds, levels solved again from the one a pair failed at, and block edges are exercised."""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from generator.pools import generate_pool
from solver import MatchRequest, match, validate
from solver.dispatch import SolveOptions, Thresholds
from solver.encode.instance import Instance, instance, lexicographic_key
from solver.encode.problem import encode
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import usable_pairs
from solver.engines.balance_flow import balance_network, level_costs, solve_balance
from solver.engines.flow import max_matched, prepared
from solver.engines.large.pairs import arcs_instance
from solver.engines.lexflow import merged, with_duals
from solver.rules.program import Balance
from tests.pools import random_pool
from tests.test_balance_flow import BALANCE, best_key, key_of, same_key, scarce

candidates = importlib.import_module("solver.engines.large.candidates")
balance = importlib.import_module("solver.engines.large.balance")
balance_proof = importlib.import_module("solver.engines.large.balance_proof")
most = importlib.import_module("solver.engines.large.most_matched")
dispatch = importlib.import_module("solver.dispatch")


@pytest.fixture
def on_the_matrix(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every request of the test on the matrix path, with 2 + 1 candidates; what the
    balance path returned, per solve."""
    solved: list[Any] = []
    original = balance.solve_balance_large

    def spy(problem: Any, usable: Any) -> Any:
        solved.append(original(problem, usable))
        return solved[-1]

    monkeypatch.setattr(dispatch, "THRESHOLDS", Thresholds(large_from=0))
    monkeypatch.setattr(dispatch, "solve_balance_large", spy)
    monkeypatch.setattr(candidates, "PER_MENTEE", 2)
    monkeypatch.setattr(candidates, "PER_MENTOR", 1)
    monkeypatch.setattr(candidates, "BLOCK", 7)
    monkeypatch.setattr(balance_proof, "PROOF_BLOCK", 5)
    monkeypatch.setattr(most, "BLOCK", 7)
    monkeypatch.setattr(most, "PER_MENTEE", 2)
    monkeypatch.setattr(most, "ROUNDS", 40)
    monkeypatch.setattr(balance, "ROUNDS", 40)
    return solved


def arc_path(request: MatchRequest) -> Any:
    return match(request, SolveOptions(sizes=Thresholds(large_from=10**12)))


def on_every_arc(request: MatchRequest) -> tuple[Instance, np.ndarray]:
    """The prepared instance of every usable pair and balance's flow on it."""
    inst = prepared(instance(encode(request)))
    return inst, solve_balance(inst).assignment


def credit(inst: Instance, assignment: np.ndarray) -> int:
    """The targets less the shortfall: the first level."""
    [rule] = inst.all(Balance)
    matched = rule.value[assignment >= 0]
    counts = np.bincount(matched[matched >= 0], minlength=len(rule.target))
    gap = np.maximum(rule.target - rule.pinned, 0)
    return int(np.minimum(counts, gap).sum())


def generated(seed: int, n: int = 70, m: int = 22, **program: Any) -> MatchRequest:
    return MatchRequest.model_validate(generate_pool(n, m, seed, program={**BALANCE, **program}))


def randomised(seed: int) -> MatchRequest:
    """Every criterion, mentees without a department, mentors without places."""
    return MatchRequest.model_validate(random_pool(seed, 60, 18, **BALANCE))


POOLS = [(generated, seed) for seed in range(6)] + [(randomised, seed) for seed in range(6)]


@pytest.mark.parametrize("near", [0, balance.NEAR])  # 0: rounds add only failing pairs
@pytest.mark.parametrize(("pool", "seed"), POOLS)
def test_the_matrix_path_reaches_the_optimum_of_every_arc(
    pool: Any, seed: int, near: int, on_the_matrix: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(balance, "NEAR", near)
    request = pool(seed)
    answer = match(request)
    assert on_the_matrix and on_the_matrix[-1] is not None, "no proof"
    assert answer.engine == "flow" and answer.status == "optimal"
    assert validate(request, answer) == []
    found_inst, solution = on_the_matrix[-1]
    inst, best = on_every_arc(request)
    [rule], [reference] = found_inst.all(Balance), inst.all(Balance)
    assert rule.target.tolist() == reference.target.tolist()
    assert credit(inst, solution.assignment) == credit(inst, best)
    assert lexicographic_key(inst, solution.assignment) == lexicographic_key(inst, best)
    assert answer.objective == pytest.approx(arc_path(request).objective, abs=1e-5)


def test_pairs_fail_at_every_level_and_the_levels_after_are_solved_again(
    on_the_matrix: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some rounds find a pair failing a level before the score's, some only the score's:
    both ways of solving again are exercised by the agreement test above."""
    levels: list[tuple[int, int]] = []
    original = balance.balance_pass

    def spy(problem: Any, usable: Any, potentials: Any, *rest: Any) -> Any:
        found = original(problem, usable, potentials, *rest)
        levels.append((found.level, len(potentials)))
        return found

    monkeypatch.setattr(balance, "balance_pass", spy)
    for pool, seed in POOLS:
        match(pool(seed))
    assert any(level < total - 1 for level, total in levels), "no pair failed an early level"
    assert any(level == total - 1 for level, total in levels), "none failed the score only"
    assert all(len(found[0].rules) == 1 for found in on_the_matrix if found is not None)


@pytest.mark.parametrize("seed", range(30))
def test_the_matrix_path_reaches_the_brute_force_optimum(
    seed: int, on_the_matrix: list[Any]
) -> None:
    request = scarce(seed)
    response = match(request)
    assert response.engine == "flow" and response.status == "optimal"
    assert on_the_matrix and on_the_matrix[-1] is not None
    assert validate(request, response) == []
    assert same_key(key_of(request, response), best_key(request))


def test_pins_count_towards_their_value_on_the_matrix_path(on_the_matrix: list[Any]) -> None:
    checked = 0
    for seed in range(8):
        body = scarce(seed).model_dump(exclude_none=True)
        mentee = next(e["id"] for e in body["mentees"] if e.get("department") == "Sales")
        mentor = next(
            (s["mentor"] for s in body["program"]["scores"] if s["mentee"] == mentee), None
        )
        if mentor is None:
            continue
        body["program"]["pinned"] = [{"mentor": mentor, "mentee": mentee}]
        body["mentors"] = [m | {"capacity": 2} for m in body["mentors"]]
        request = MatchRequest.model_validate(body)
        response = match(request)
        assert on_the_matrix[-1] is not None and response.status == "optimal"
        assert validate(request, response) == []
        assert same_key(key_of(request, response), best_key(request))
        checked += 1
    assert checked >= 4


def test_the_proof_is_what_makes_the_answer_optimal(
    on_the_matrix: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mutation check: a pass that finds nothing (the first round's answer, on 2 + 1
    candidates, taken as proven) is a wrong answer on some pools, which the reference and
    the oracle name; so the agreement above comes from the proof, not the candidates."""
    original = balance.balance_pass

    def blind(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        nothing = balance_proof.Pass(found.found.keys[:0], found.found.negative[:0], 0, True)
        return balance_proof.LevelPass(nothing, found.level)

    monkeypatch.setattr(balance, "balance_pass", blind)
    caught = 0
    for pool, seed in POOLS:
        request = pool(seed)
        answer = match(request)
        inst, best = on_every_arc(request)
        _, solution = on_the_matrix[-1]
        assert answer.status == "optimal"  # claimed, wrongly where the keys differ
        caught += lexicographic_key(inst, solution.assignment) != lexicographic_key(inst, best)
    assert caught > 0


def test_without_a_proof_the_arc_path_answers(
    on_the_matrix: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(balance, "ROUNDS", 1)  # one round on 2 + 1 candidates: no proof yet
    request = generated(3)
    answer = match(request)
    assert on_the_matrix == [None]
    assert answer.status == "optimal" and validate(request, answer) == []
    assert answer.objective == pytest.approx(arc_path(request).objective, abs=1e-5)


@pytest.mark.parametrize("seed", range(8))
def test_the_most_matched_over_every_pair_is_the_max_flow_of_every_arc(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From 2 + 1 candidates, the minimum cut's crossing pairs join until the flow is the
    one on every arc: for every mentee, each department's, and random subsets."""
    monkeypatch.setattr(candidates, "PER_MENTEE", 2)
    monkeypatch.setattr(candidates, "PER_MENTOR", 1)
    monkeypatch.setattr(most, "PER_MENTEE", 1)
    monkeypatch.setattr(most, "BLOCK", 4)
    monkeypatch.setattr(most, "ROUNDS", 200)
    problem = encode(generated(seed, 60, 12, mentor_capacity=2))
    usable = usable_pairs(problem)
    inst = instance(problem)
    keys = candidates.candidates(problem, usable)
    [rule] = inst.all(Balance)
    rng = np.random.default_rng(seed)
    subsets = [np.ones(60, dtype=bool)] + [rule.value == v for v in range(len(rule.target))]
    subsets += [rng.random(60) < 0.5 for _ in range(3)]
    grew = False
    for mentees in subsets:
        found = most.most_matched(problem, usable, keys, mentees)
        assert found is not None
        assert found[0] == max_matched(inst, mentees)
        grew |= len(found[1]) > len(keys)
    assert grew, "the candidates alone should fall short somewhere here"


def test_max_same_with_balance_stays_on_every_arc(on_the_matrix: list[Any]) -> None:
    """(mentor, value) nodes are the arc path's: the matrix path takes balance alone."""
    for seed in range(6):
        request = scarce(
            seed, diversity={**BALANCE["diversity"], "max_same_per_mentor": {"department": 1}}
        )
        response = match(request)
        assert response.engine == "flow" and validate(request, response) == []
        assert same_key(key_of(request, response), best_key(request))
    assert on_the_matrix == []


def test_two_attributes_or_fair_do_not_take_the_matrix_path(on_the_matrix: list[Any]) -> None:
    body = random_pool(0, 12, 4, diversity={"balance": {"department": True, "site": True}})
    for person in body["mentees"] + body["mentors"]:
        person["site"] = "Paris" if int(person["id"][1:]) % 2 else "Lyon"
    assert match(MatchRequest.model_validate(body)).engine in ("cpsat", "flow")  # its start
    fair = random_pool(0, 12, 4, **BALANCE, objective="fair")
    assert match(MatchRequest.model_validate(fair)).engine != "flow"
    assert on_the_matrix == []


def test_a_cpsat_request_with_balance_is_not_taken_by_the_matrix_path(
    on_the_matrix: list[Any],
) -> None:
    request = scarce(2, engine="cpsat")
    assert match(request).engine == "cpsat"
    assert on_the_matrix == []


def test_match_all_beyond_capacity_is_infeasible_on_the_matrix_path(
    on_the_matrix: list[Any],
) -> None:
    request = scarce(1, rules={"match_all_mentees": True})
    response = match(request)
    assert on_the_matrix and on_the_matrix[-1] is not None
    assert response.status == "infeasible" and response.conflicts
    assert validate(request, response) == []


def test_the_pass_reads_every_pair_level_by_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pass against the reduced costs of every pair, level by level, on the whole
    matrix: the pairs listed, which fail, how many, and the first level one fails at."""
    monkeypatch.setattr(candidates, "PER_MENTEE", 2)
    monkeypatch.setattr(candidates, "PER_MENTOR", 1)
    monkeypatch.setattr(balance_proof, "PROOF_BLOCK", 5)
    failed_early = 0
    for seed in range(6):
        problem = encode(generated(seed))
        usable = usable_pairs(problem)
        targets = balance._targets(problem, usable, candidates.candidates(problem, usable))
        assert targets is not None
        rule, keys = targets
        inst = replace(arcs_instance(problem, usable, keys), rules=(rule,))
        net, where = balance_network(inst, rule)
        levels = level_costs(inst, rule, net, where)
        _, potentials = with_duals(net, merged(net, levels[:-1]) + levels[-1:], [], [])
        n, m = problem.score.shape
        undecided = usable.mask.copy()
        undecided.flat[keys] = False
        fails, first = np.zeros((n, m), dtype=bool), len(potentials)
        for k, p in enumerate(potentials[:-1]):
            reduced = p[:n, None] - p[None, n : n + m]
            failing = undecided & (reduced < 0)
            first = k if failing.any() and first == len(potentials) else first
            fails |= failing
            undecided &= reduced == 0
        p = potentials[-1]
        reduced = -np.rint(problem.score * SCORE_SCALE) + p[:n, None] - p[None, n : n + m]
        if (undecided & (reduced < 0)).any():
            first = min(first, len(potentials) - 1)
        failed_early += first < len(potentials) - 1
        for near in (0, balance.NEAR, SCORE_SCALE // 10):
            checked = balance_proof.balance_pass(problem, usable, potentials, keys, near)
            expected = fails | (undecided & (reduced < near))
            assert checked.found.complete
            assert checked.found.keys.tolist() == np.nonzero(expected.ravel())[0].tolist()
            failing = (fails | (undecided & (reduced < 0))).ravel()[checked.found.keys]
            assert checked.found.negative.tolist() == failing.tolist()
            assert checked.found.failing == int(failing.sum()) and checked.level == first
    assert failed_early > 0, "some pool should fail a level before the score's"

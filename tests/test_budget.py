"""The budget: a request's memory, answer and (what-if) time estimated from its sizes before
anything is solved, a 413 naming the limit and the field to lower beyond it, and estimates
that bound what a fresh process measures."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from bench.budget import measured, shared
from bench.proportion import pinned_twice, scenarios
from generator.pools import generate_pool
from solver import Budget, MatchRequest, OverBudget, within_budget
from solver.budget import estimate
from solver.rules.program import Balance


def client(**settings: Any) -> TestClient:
    return TestClient(create_app(Settings(**settings)))


def refusal(response: Any) -> tuple[list[Any], str]:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    return error["loc"], error["msg"]


def test_a_plain_10000_by_3400_pool_is_within_the_default_budget() -> None:
    cost = within_budget(MatchRequest.model_validate(generate_pool(10000, 3400, 1)), Budget())
    assert cost.path == "matrix"
    assert 600 < cost.memory_mb < Budget().memory_mb  # it peaks at about 0.7 GB
    assert 40 < cost.answer_mb < Budget().answer_mb  # its answer is 40 MB


def test_pins_that_clash_are_weighed_as_the_infeasible_answer_they_make() -> None:
    """29,990 mentees pinned twice each: the answer is everyone unmatched and a conflict per
    mentee (7 MB written), not 30,000 mentees with their suggestions (about 100 MB)."""
    cost = estimate(MatchRequest.model_validate(pinned_twice()))
    assert cost.answer.get("suggestions", 0) == 0 and cost.answer_mb < 32


def test_fifty_suggestions_of_5000_by_1700_is_too_large_an_answer() -> None:
    body = generate_pool(5000, 1700, 1, program={"suggestions": 50})
    loc, msg = refusal(client().post("/v1/match", json=body))
    assert loc == ["body", "program", "suggestions"]
    assert msg.startswith("5,000 × 1,700 with 50 suggestions is about ")
    assert msg.endswith(
        "MB of answer; at most 64 MB (BINOME_MAX_ANSWER_MB): lower program.suggestions"
    )


def test_a_rule_whose_engine_holds_every_pair_is_refused_naming_the_rule() -> None:
    """Two balance attributes go to CP-SAT, a boolean and its constraints per pair (about
    2 KB each)."""
    program = {"diversity": {"balance": {"department": True, "site": True}}}
    body = generate_pool(2000, 700, 1, program=program)
    loc, msg = refusal(client().post("/v1/match", json=body))
    assert loc == ["body", *Balance.loc]
    assert "MB to solve; at most 1,536 MB (BINOME_MAX_REQUEST_MEMORY_MB)" in msg


@pytest.mark.parametrize(
    ("mentees", "mentors", "path"), [(2000, 700, "levels"), (10000, 3400, "matrix")]
)
def test_groups_are_within_the_budget_on_their_own_engine(
    mentees: int, mentors: int, path: str
) -> None:
    """`group.min_size` alone runs on flows (`engines/groups/`), read from the score matrix
    on large pools; asked of CP-SAT, the same pool holds a boolean per pair and is refused."""
    program = {"format": "group", "group": {"min_size": 3}}
    request = MatchRequest.model_validate(generate_pool(mentees, mentors, 1, program=program))
    assert within_budget(request, Budget()).path == path
    by_cpsat = request.model_copy(
        update={"program": request.program.model_copy(update={"engine": "cpsat"})}
    )
    with pytest.raises(OverBudget) as refused:
        within_budget(by_cpsat, Budget())
    assert refused.value.errors[0][0] == ("program", "engine")


def test_a_large_shared_vocabulary_is_refused_naming_the_lists() -> None:
    """300 mentees and 300 mentors sharing 30,000 goals: the tables are (n + m) × 30,000."""
    loc, msg = refusal(
        client(max_request_memory_mb=64).post("/v1/match", json=shared(300, 300, 100))
    )
    assert loc == ["body", "mentees"]
    assert "at most 64 MB (BINOME_MAX_REQUEST_MEMORY_MB): fewer distinct goals" in msg


def test_a_re_match_pool_beyond_the_budget_is_refused_inside_the_pool() -> None:
    pool = generate_pool(3000, 1000, 1, program={"suggestions": 50})
    loc, _ = refusal(client().post("/v1/rematch", json={"pool": pool}))
    assert loc == ["body", "pool", "program", "suggestions"]


def test_what_if_variants_that_outlast_the_time_limit_are_refused_before_any_solve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """50 variants of 10,000 × 3,400 took 155 s and 5.2 GB: refused from their sizes alone,
    before a single variant's request is even built (counted)."""
    import solver.whatif as whatif

    built: list[Any] = []
    original = whatif.variant_body
    monkeypatch.setattr(whatif, "variant_body", lambda *a: built.append(a) or original(*a))
    body = scenarios(variants=50, mentees=3000, mentors=1000)
    loc, msg = refusal(client().post("/v1/scenarios", json=body))
    assert built == []
    assert loc == ["body", "base", "program", "time_limit_s"]
    assert msg.startswith("50 variants of 3,000 × 1,000 need about ")
    assert msg.endswith("the time limit is 10 s: fewer variants or a larger program.time_limit_s")


def test_a_what_if_variant_beyond_the_budget_is_refused_at_the_variant() -> None:
    body = {"base": generate_pool(300, 100, 1), "variants": [{"name": "many"}]}
    body["variants"].append({"name": "fifty", "patch": {"program": {"suggestions": 50}}})
    loc, msg = refusal(client(max_answer_mb=2).post("/v1/scenarios", json=body))
    assert loc == ["body", "variants", 1, "program", "suggestions"]


def test_a_what_if_runs_as_many_solves_at_once_as_memory_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from solver.comparison import Comparison

    requests = [MatchRequest.model_validate(generate_pool(1000, 350, 1))] * 3
    one = estimate(requests[0]).memory_mb
    roomy = Comparison(Budget(memory_mb=10 * one), 2, 10.0)
    tight = Comparison(Budget(memory_mb=1.5 * one), 2, 10.0)
    assert roomy.workers(requests) == 2 and tight.workers(requests) == 1
    with pytest.raises(OverBudget) as refused:
        Comparison(Budget(memory_mb=10 * one), 2, 0.1).workers(requests)
    [(loc, _)] = refused.value.errors
    assert loc == ("base", "program", "time_limit_s")


@pytest.mark.parametrize(
    "name",
    ["plain-3000x1000", "balance-3000x1000", "suggestions50-3000x1000", "shared-300x300x100"],
)
def test_the_estimates_bound_what_a_fresh_process_measures(name: str) -> None:
    """Memory above the process once the request is read, and the answer's bytes, measured
    in a fresh process (`bench.budget`): the estimate is above the measure, and not by
    more than a factor of 2.5."""
    found = measured(name)
    (memory, peak), (answer, written) = found["memory"], found["answer"]
    assert peak <= memory <= 2.5 * max(peak, 1)
    assert written <= answer <= 2.5 * written


def test_the_budget_settings_are_checked_at_start_up() -> None:
    with pytest.raises(ValueError):
        Settings(max_request_memory_mb=0)
    with pytest.raises(ValueError):
        Settings(max_answer_mb=0)
    assert json.loads(Settings().model_dump_json())["max_answer_mb"] == 64


@functools.cache
def _company(mentees: int, mentors: int) -> str:
    return json.dumps(generate_pool(mentees, mentors, 1))


def _with_program(size: tuple[int, int], program: dict[str, Any]) -> MatchRequest:
    body = json.loads(_company(*size))
    return MatchRequest.model_validate({**body, "program": program})


BALANCED = {"diversity": {"balance": {"department": True}}}


def test_one_balance_attribute_at_10000_by_3400_is_weighed_as_the_matrix_path() -> None:
    """Balance alone is proven from the score matrix: it peaks where a plain request does
    (689 to 698 MB above resident against 667 to 689, `python -m bench.budget`)."""
    for engine in ("auto", "flow"):
        cost = within_budget(_with_program((10000, 3400), BALANCED | {"engine": engine}), Budget())
        plain = estimate(_with_program((10000, 3400), {}))
        assert cost.path == "matrix" and cost.memory_mb == pytest.approx(plain.memory_mb)


@pytest.mark.parametrize(
    ("program", "path"),
    [
        ({"diversity": {"balance": {"department": True, "site": True}}}, "candidates"),
        (BALANCED | {"objective": "fair"}, "candidates"),
        ({"diversity": BALANCED["diversity"] | {"max_same_per_mentor": {"site": 2}}}, "candidates"),
        (BALANCED | {"engine": "cpsat"}, "cpsat"),
    ],
)
def test_balance_the_matrix_path_does_not_take_runs_on_candidates_at_10000_by_3400(
    program: dict[str, Any], path: str
) -> None:
    """Several attributes, `fair` or max-same beside it run on candidate pairs (admitted);
    a general engine asked by name lists every pair and is refused."""
    request = _with_program((10000, 3400), program)
    assert estimate(request).path == path
    if path == "cpsat":
        with pytest.raises(OverBudget):
            within_budget(request, Budget())
    else:
        assert within_budget(request, Budget()).path == "candidates"


def _ids_only(mentees: int, mentors: int, program: dict[str, Any]) -> MatchRequest:
    """A pool of ids alone: the budget reads sizes, not people."""
    return MatchRequest.model_validate(
        {
            "mentors": [{"id": f"m{j}", "department": "a"} for j in range(mentors)],
            "mentees": [{"id": f"e{i}", "department": "b"} for i in range(mentees)],
            "program": program,
        }
    )


SIDE = {"cross": {"department": 0.8}, "max_same_per_mentor": {"department": 1}}


def test_a_share_max_same_and_fair_at_10000_by_3400_is_estimated_on_the_matrix() -> None:
    """The side rules' path (`engines/large/side_rules.py`) reads the score matrix: it
    peaks at about 0.7 GB at that size (bench.budget), not the 4 GB of every pair as arcs."""
    request = _ids_only(10000, 3400, {"diversity": SIDE, "objective": "fair"})
    cost = within_budget(request, Budget())
    assert cost.path == "rules"
    assert 600 < cost.memory_mb < Budget().memory_mb
    plain = estimate(_ids_only(10000, 3400, {}))
    assert cost.seconds > plain.seconds  # several proofs over the matrix, not one


@pytest.mark.parametrize(
    "diversity",
    [
        {"cross": {"department": 0.8, "site": 0.5}, "max_same_per_mentor": {"department": 1}},
        {"cross": {"department": 0.8}, "max_same_per_mentor": {"department": 1, "site": 1}},
    ],
)
def test_side_rules_beyond_the_matrix_path_at_10000_by_3400_are_routed_or_refused(
    diversity: dict[str, Any],
) -> None:
    """Two attributes of a share or of max-same: `auto` runs them on candidate pairs; the
    LP-reduced search on every pair (about 24 GB at this size), asked by name, is refused
    before anything is solved."""
    request = _ids_only(10000, 3400, {"diversity": diversity, "objective": "fair"})
    assert within_budget(request, Budget()).path == "candidates"
    program = request.program.model_copy(update={"engine": "mip"})
    asked_mip = request.model_copy(update={"program": program})
    assert estimate(asked_mip).path == "reduced"
    with pytest.raises(OverBudget) as refused:
        within_budget(asked_mip, Budget())
    [(loc, message)] = refused.value.errors
    assert loc == ("program", "engine")
    assert "fewer mentees or mentors, or engine 'auto'" in message

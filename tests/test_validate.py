"""The oracle bites: `validate` accepts the solver's answers and names what is wrong in a
broken one, with the ids involved.

Each test takes a real answer from the public API, checks that `validate` accepts it,
then breaks one thing: by editing the answer, or by checking the answer to a looser
request against a stricter one (the answer then breaks exactly the rule added).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from solver import MatchRequest, MatchResponse, match, validate

Body = dict[str, Any]


def request_of(mentors: list[Body], mentees: list[Body], **program: Any) -> MatchRequest:
    return MatchRequest.model_validate({"mentors": mentors, "mentees": mentees, "program": program})


def answer(request: MatchRequest) -> MatchResponse:
    """The solver's answer, which the validator accepts."""
    response = match(request)
    assert validate(request, response) == []
    return response


def edited(response: MatchResponse, edit: Callable[[Body], object]) -> MatchResponse:
    body = response.model_dump()
    edit(body)
    return MatchResponse.model_validate(body)


def names(problems: list[str], text: str) -> bool:
    return any(text in problem for problem in problems)


SCORES = {("m1", "e1"): 0.9, ("m2", "e2"): 0.8, ("m1", "e2"): 0.4}
SCORES |= {("m2", "e1"): 0.3, ("m1", "e3"): 0.2, ("m2", "e3"): 0.1}


def pool(**program: Any) -> MatchRequest:
    """Two places (m1, m2), a mentor taking nobody (m3) and three mentees, caller's scores:
    the answer is m1-e1 (0.9) and m2-e2 (0.8); m3 and e3 are unmatched."""
    mentors = [
        {"id": "m1", "capacity": 1},
        {"id": "m2", "capacity": 1},
        {"id": "m3", "capacity": 0},
    ]
    scores = [{"mentor": m, "mentee": e, "score": s} for (m, e), s in SCORES.items()]
    mentees = [{"id": f"e{i}"} for i in (1, 2, 3)]
    return request_of(mentors, mentees, **{"scores": scores, **program})


def test_the_solver_s_answer_is_valid_and_is_the_one_the_tests_break() -> None:
    response = answer(pool())
    assert [(p.mentor, p.mentee, p.score) for p in response.pairings] == [
        ("m1", "e1", 0.9),
        ("m2", "e2", 0.8),
    ]
    assert {(u.id, u.role) for u in response.unmatched} == {("m3", "mentor"), ("e3", "mentee")}


# --- capacities ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mentor", "program"),
    [
        ({"capacity": 1}, {}),
        ({"capacity": 1}, {"mentor_capacity": 3}),
        ({}, {"mentor_capacity": 1}),
    ],
    ids=["own-capacity", "own-over-program", "program-capacity"],
)
def test_a_mentor_over_capacity_is_named(mentor: Body, program: Body) -> None:
    mentees = [{"id": "e1"}, {"id": "e2"}]
    made = answer(request_of([{"id": "m1", "capacity": 2}], mentees))
    one_place = request_of([{"id": "m1", **mentor}], mentees, **program)
    assert validate(one_place, made) == ["mentor m1 has 2 mentees for 1"]


# --- hard rules, pair by pair -----------------------------------------------------------------


def m1(**fields: Any) -> Body:
    return {"id": "m1", **fields}


def e1(**fields: Any) -> Body:
    return {"id": "e1", **fields}


NO_LINE = {"rules": {"no_reporting_line": False}}
LEAD = {"id": "lead", "capacity": 0, "manager_id": "m1"}  # reports to m1, mentors nobody
PAIR_RULES = [  # rule, mentors, mentees, a program with the rule, one without (avoid: dropped)
    pytest.param(
        "forbidden", [m1()], [e1()], {"forbidden": [{"mentor": "m1", "mentee": "e1"}]}, {}
    ),
    pytest.param("avoid", [m1(avoid=["e1"])], [e1()], {}, {}, id="mentor-avoids"),
    pytest.param("avoid", [m1()], [e1(avoid=["m1"])], {}, {}, id="mentee-avoids"),
    pytest.param("no_reporting_line", [m1()], [e1(manager_id="m1")], {}, NO_LINE, id="up"),
    pytest.param("no_reporting_line", [m1(manager_id="e1")], [e1()], {}, NO_LINE, id="down"),
    pytest.param(
        "no_reporting_line", [m1(), LEAD], [e1(manager_id="lead")], {}, NO_LINE, id="two-up"
    ),
    pytest.param(
        "shared_language",
        [m1(languages=["fr"])],
        [e1(languages=["de"])],
        {},
        {"rules": {"shared_language": False}},
    ),
    pytest.param(
        "different_department",
        [m1(department="Sales")],
        [e1(department=" sales")],
        {"rules": {"different_department": True}},
        {},
    ),
    pytest.param(
        "min_seniority_gap",
        [m1(seniority=3)],
        [e1(seniority=2)],
        {"rules": {"min_seniority_gap": 2}},
        {},
    ),
    pytest.param(
        "min_seniority_gap",
        [m1(seniority=10)],
        [e1(seniority=5)],  # the senior mentors: wrong way round in reverse mentoring
        {"format": "reverse", "rules": {"min_seniority_gap": 2}},
        {"format": "reverse"},
        id="reverse",
    ),
    pytest.param(
        "max_timezone_gap_hours",
        [m1(timezone="Europe/Paris")],
        [e1(timezone="America/New_York")],
        {"rules": {"max_timezone_gap_hours": 3}},
        {},
    ),
    pytest.param("min_score", [m1()], [e1()], {"rules": {"min_score": 0.5}}, {}),  # scores 0
]


@pytest.mark.parametrize(("rule", "mentors", "mentees", "strict", "loose"), PAIR_RULES)
def test_a_pair_a_hard_rule_forbids_is_named(
    rule: str, mentors: list[Body], mentees: list[Body], strict: Body, loose: Body
) -> None:
    def without_avoid(people: list[Body]) -> list[Body]:
        return [{k: v for k, v in p.items() if k != "avoid"} for p in people]

    made = answer(request_of(without_avoid(mentors), without_avoid(mentees), **loose))
    assert validate(request_of(mentors, mentees, **strict), made) == [f"pair m1-e1 breaks {rule}"]


def test_a_pair_with_the_same_person_on_both_sides_is_named() -> None:
    made = answer(request_of([{"id": "p"}], [{"id": "q"}]))
    with_p_twice = MatchResponse.model_validate_json(made.model_dump_json().replace('"q"', '"p"'))
    assert validate(request_of([{"id": "p"}], [{"id": "p"}]), with_p_twice) == [
        "pair p-p breaks not_self"
    ]


# --- everyone accounted for, once -----------------------------------------------------------


def drop(pid: str) -> Callable[[list[Body]], None]:
    return lambda unmatched: unmatched.remove(next(u for u in unmatched if u["id"] == pid))


def add(pid: str, role: str) -> Callable[[list[Body]], None]:
    entry = {"id": pid, "role": role, "reason": "capacity", "detail": "edited in"}
    return lambda unmatched: unmatched.append(entry)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (drop("m3"), "mentor m3 is lost (listed 0 times)"),
        (drop("e3"), "mentee e3 is lost (listed 0 times)"),
        (add("m3", "mentor"), "mentor m3 is lost (listed 2 times)"),
        (add("e3", "mentee"), "mentee e3 is lost (listed 2 times)"),
        (add("m2", "mentor"), "mentor m2 is both paired and unmatched"),
        (add("e1", "mentee"), "mentee e1 is both paired and unmatched"),
    ],
    ids=[
        "mentor-lost",
        "mentee-lost",
        "mentor-twice",
        "mentee-twice",
        "mentor-both",
        "mentee-both",
    ],
)
def test_someone_lost_or_listed_twice_is_named(
    edit: Callable[[list[Body]], None], problem: str
) -> None:
    broken = edited(answer(pool()), lambda body: edit(body["unmatched"]))
    assert validate(pool(), broken) == [problem]


def test_a_mentee_paired_twice_is_named() -> None:
    def pair_e1_again(body: Body) -> None:
        body["pairings"].append({**body["pairings"][0], "mentor": "m2", "score": 0.3, "rank": 3})

    problems = validate(pool(), edited(answer(pool()), pair_e1_again))
    assert names(problems, "mentee e1 paired 2 times")


def test_a_pinned_pair_dropped_is_named() -> None:
    pinned = pool(pinned=[{"mentor": "m1", "mentee": "e3"}])
    assert validate(pinned, answer(pool())) == ["pinned pair m1-e3 is missing"]


def test_match_all_mentees_with_someone_unmatched_is_named() -> None:
    every = pool(rules={"match_all_mentees": True})
    assert validate(every, answer(pool())) == ["match_all_mentees is set but e3 unmatched"]


# --- scores, ids, totals and metrics --------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda p: p[0].update(score=0.5), "pair m1-e1 score 0.5 != 0.9"),
        (lambda p: p[0].update(mentor="ghost"), "pairing ghost-e1 names an unknown id"),
        (lambda p: p.reverse(), "pairings are not sorted by score"),
        (lambda p: p[0].update(rank=3), "ranks are not 1..n"),
    ],
    ids=["wrong-score", "unknown-id", "unsorted", "ranks"],
)
def test_a_wrong_pairing_is_named(edit: Callable[[list[Body]], None], problem: str) -> None:
    broken = edited(answer(pool()), lambda body: edit(body["pairings"]))
    assert names(validate(pool(), broken), problem)


def test_a_pair_not_among_the_caller_s_scores_is_named() -> None:
    listed = [{"mentor": m, "mentee": e, "score": s} for (m, e), s in SCORES.items()]
    fewer = pool(scores=[s for s in listed if (s["mentor"], s["mentee"]) != ("m1", "e1")])
    assert names(validate(fewer, answer(pool())), "pair m1-e1 is not among the caller's scores")


@pytest.mark.parametrize(
    ("update", "problem"),
    [
        ({"objective": 2.5}, "objective 2.5 != sum of scores 1.7"),
        ({"bound": 1.2}, "bound below objective"),
        ({"mentor_load": {"m1": 2, "m2": 1}}, "mentor_load of m1 is wrong"),
    ],
)
def test_a_wrong_total_is_named(update: Body, problem: str) -> None:
    assert names(validate(pool(), answer(pool()).model_copy(update=update)), problem)


@pytest.mark.parametrize(
    ("metric", "wrong"),
    [
        ("match_rate", 0.1),
        ("matched_mentees", 3),
        ("mean_score", 0.9),
        ("cross_share", {"department": 1.0}),
        ("blocking_pairs", 2),
    ],
)
def test_a_wrong_metric_is_named(metric: str, wrong: Any) -> None:
    made = answer(pool())
    metrics = made.metrics.model_copy(update={metric: wrong})
    broken = made.model_copy(update={"metrics": metrics})
    right = getattr(made.metrics, metric)
    assert validate(pool(), broken) == [f"metric {metric} is {wrong}, not {right}"]


def test_an_infeasible_answer_with_pairings_is_named() -> None:
    broken = answer(pool()).model_copy(update={"status": "infeasible"})
    assert "an infeasible response has pairings" in validate(pool(), broken)


def test_an_infeasible_answer_naming_no_conflict_is_named() -> None:
    impossible = pool(rules={"match_all_mentees": True})  # three mentees, two places
    made = answer(impossible)
    assert made.status == "infeasible" and made.conflicts
    broken = made.model_copy(update={"conflicts": []})
    assert validate(impossible, broken) == ["an infeasible response names no conflict"]

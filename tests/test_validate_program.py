"""The oracle on the whole pairing: the program's rules, and `status: "optimal"`, which
`validate` checks against enumeration (`solver.optimum`) on tiny requests.

As in `test_validate`, a broken answer is a real answer checked against a stricter
request, or the answer to a request with more rules (pins, forbidden pairs): valid for
the plain request too, but not its optimum.
"""

from __future__ import annotations

from typing import Any

import pytest

from solver import MatchRequest, MatchResponse, validate
from tests.test_validate import Body, answer, e1, m1, names, request_of

SALES: Body = {"department": "Sales"}


def listed(scores: dict[str, float]) -> list[Body]:
    """The caller's scores, from "m1-e1": 0.9 entries."""
    pairs = [(*pair.split("-"), score) for pair, score in scores.items()]
    return [{"mentor": m, "mentee": e, "score": score} for m, e, score in pairs]


def two_by_two(
    scores: dict[str, float], mentees: list[Body] | None = None, **program: Any
) -> MatchRequest:
    """Mentors m1 and m2 with one place each, and mentees e1 and e2 unless given."""
    mentors = [{"id": "m1", "capacity": 1}, {"id": "m2", "capacity": 1}]
    mentees = mentees or [{"id": "e1"}, {"id": "e2"}]
    return request_of(mentors, mentees, scores=listed(scores), **program)


def test_a_cross_share_below_the_rule_is_named() -> None:
    made = answer(request_of([m1(**SALES)], [e1(**SALES)]))
    crossing = request_of([m1(**SALES)], [e1(**SALES)], diversity={"cross": {"department": 0.5}})
    assert validate(crossing, made) == ["0 of 1 pairs cross department, below 0.5"]


def test_too_many_alike_mentees_for_one_mentor_are_named() -> None:
    mentors, mentees = [m1(capacity=2)], [e1(**SALES), {"id": "e2", **SALES}]
    made = answer(request_of(mentors, mentees))
    capped = request_of(mentors, mentees, diversity={"max_same_per_mentor": {"department": 1}})
    assert names(validate(capped, made), "mentor m1 has 2 mentees with one department")


def test_a_group_below_its_minimum_size_is_named() -> None:
    made = answer(request_of([m1()], [e1()], format="group", group={"min_size": 1}))
    pairs_of_two = request_of([m1()], [e1()], format="group", group={"min_size": 2})
    assert validate(pairs_of_two, made) == ["group of mentor m1 is below min_size"]


def test_a_blocking_pair_under_stable_is_named() -> None:
    """m1 and e1 want each other; the total (1.0 against 0.6) pairs them elsewhere."""
    mentors = [m1(capacity=1, preferences=["e1"]), {"id": "m2", "capacity": 1}]
    mentees = [e1(preferences=["m1"]), {"id": "e2"}]
    scores = listed({"m1-e1": 0.5, "m1-e2": 0.5, "m2-e1": 0.5, "m2-e2": 0.1})
    made = answer(request_of(mentors, mentees, scores=scores))
    assert {(p.mentor, p.mentee) for p in made.pairings} == {("m1", "e2"), ("m2", "e1")}
    stable = request_of(mentors, mentees, scores=scores, stable=True)
    assert validate(stable, made) == ["stable is set but m1-e1 is a blocking pair"]


# --- status optimal, against every assignment ------------------------------------------------


def forced(request: MatchRequest, **program: Any) -> MatchResponse:
    """The solver's answer once these program fields are added (pins, forbidden pairs)."""
    body = request.model_dump(mode="json")
    body["program"].update(program)
    return answer(MatchRequest.model_validate(body))


def pair_refs(*pairs: str) -> list[Body]:
    return [{"mentor": pair.split("-")[0], "mentee": pair.split("-")[1]} for pair in pairs]


BEST = {"m1-e1": 0.9, "m2-e2": 0.8, "m1-e2": 0.3, "m2-e1": 0.2}
# each mentee's wish is the worse mentor: the swap blocks nothing, it only scores less
WISH_SWAP = [{"id": "e1", "preferences": ["m2"]}, {"id": "e2", "preferences": ["m1"]}]


def test_optimal_claimed_for_a_swap_that_loses_score_is_named() -> None:
    request = two_by_two(BEST, WISH_SWAP)
    swapped = forced(request, pinned=pair_refs("m1-e2", "m2-e1"))
    assert validate(request, swapped) == [
        "status optimal but a better pairing exists: key (2, 2, 0, 1.7) > (2, 2, 0, 0.5)"
    ]


def test_the_same_swap_reported_as_feasible_is_not_a_false_claim() -> None:
    request = two_by_two(BEST, WISH_SWAP)
    swapped = forced(request, pinned=pair_refs("m1-e2", "m2-e1"))
    assert validate(request, swapped.model_copy(update={"status": "feasible"})) == []


def test_a_pin_that_costs_score_is_kept_by_the_brute_force() -> None:
    request = two_by_two(BEST, pinned=pair_refs("m1-e2"))
    made = answer(request)  # the answer asserts validate(request, made) == []
    assert made.status == "optimal"
    assert {(p.mentor, p.mentee) for p in made.pairings} == {("m1", "e2"), ("m2", "e1")}


@pytest.mark.parametrize(
    ("first", "second", "keys"),
    [
        ({"volunteer": False}, {}, "(1, 1, 0, 0.1) > (0, 1, 0, 0.9)"),
        ({}, {"waiting_rounds": 3}, "(1, 1, 3, 0.1) > (1, 1, 0, 0.9)"),
    ],
    ids=["volunteer-first", "longest-waiting-first"],
)
def test_optimal_claimed_with_a_mentee_served_first_left_out_is_named(
    first: Body, second: Body, keys: str
) -> None:
    """One place at m1: e1 scores more, but e2 comes first in the lexicographic order."""
    mentees = [{"id": "e1", **first}, {"id": "e2", **second}]
    request = request_of([m1(capacity=1)], mentees, scores=listed({"m1-e1": 0.9, "m1-e2": 0.1}))
    made = forced(request, forbidden=pair_refs("m1-e2"))
    assert validate(request, made) == [f"status optimal but a better pairing exists: key {keys}"]


def test_optimal_claimed_with_a_matchable_mentee_left_out_is_named() -> None:
    request = two_by_two({"m1-e1": 0.9, "m1-e2": 0.5, "m2-e2": 0.1})
    made = forced(request, forbidden=pair_refs("m2-e2"))  # e1 at m1, e2 nowhere: m2 idle
    problem = "status optimal but a better pairing exists: key (2, 2, 0, 1) > (1, 1, 0, 0.9)"
    assert problem in validate(request, made)


def test_optimal_claimed_for_the_total_under_a_fair_objective_is_named() -> None:
    scores = {"m1-e1": 0.9, "m2-e2": 0.1, "m1-e2": 0.45, "m2-e1": 0.45}
    made = answer(two_by_two(scores))  # the best total, 1.0, leaves e2 a 0.1 pair
    fair = two_by_two(scores, objective="fair")
    assert validate(fair, made) == [
        "status optimal but a better pairing exists: key (2, 2, 0, 0.45, 0.9) > (2, 2, 0, 0.1, 1)"
    ]


def test_optimal_claimed_below_the_balance_targets_is_named() -> None:
    """Two places for two Sales and two HR mentees: balance wants one of each."""
    mentees = [e1(**SALES), {"id": "e2", **SALES}, {"id": "e3", "department": "HR"}]
    mentees.append({"id": "e4", "department": "HR"})
    scores = listed({"m1-e1": 0.9, "m1-e2": 0.8, "m1-e3": 0.2, "m1-e4": 0.1})
    made = answer(request_of([m1(capacity=2)], mentees, scores=scores))
    balanced = request_of(
        [m1(capacity=2)], mentees, scores=scores, diversity={"balance": {"department": True}}
    )
    problem = (
        "status optimal but a better pairing exists: key (0, 2, 2, 0, 1.1) > (-1, 2, 2, 0, 1.7)"
    )
    assert problem in validate(balanced, made)


def test_a_score_lost_far_below_a_hundredth_is_named() -> None:
    """A cast like int(100 * score) would call both pairings 1.00: the oracle sees 0.002."""
    scores = {"m1-e1": 0.503, "m2-e2": 0.503, "m1-e2": 0.507, "m2-e1": 0.501}
    request = two_by_two(scores, [{"id": "e1"}, {"id": "e2", "preferences": ["m2"]}])
    made = forced(request, pinned=pair_refs("m1-e1", "m2-e2"))
    assert validate(request, made) == [
        "status optimal but a better pairing exists: key (2, 2, 0, 1.008) > (2, 2, 0, 1.006)"
    ]


@pytest.mark.parametrize(("penalty", "flagged"), [(0.0, True), (0.1, True), (0.5, False)])
def test_a_re_match_bonus_counts_in_the_optimum(penalty: float, flagged: bool) -> None:
    """Keeping both running pairs (0.4 each) forgoes a swap worth 0.4: right only when the
    bonus of keeping them (the change penalty, per pair) is worth more."""
    scores = {"m1-e1": 0.4, "m2-e2": 0.4, "m1-e2": 0.6, "m2-e1": 0.6}
    request = two_by_two(scores, [e1(preferences=["m1"]), {"id": "e2", "preferences": ["m2"]}])
    kept = forced(request, pinned=pair_refs("m1-e1", "m2-e2"))
    bonus = {("m1", "e1"): penalty, ("m2", "e2"): penalty}
    problems = validate(request, kept, bonus=bonus)
    assert names(problems, "status optimal but a better pairing exists") is flagged

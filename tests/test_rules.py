"""Hard rules, capacities, pins and priorities: each decides the pairing and who is left out."""

from __future__ import annotations

from typing import Any

import pytest

from solver import MatchResponse
from tests.pools import paired as pairs
from tests.pools import solved as solve

# With the default weights (sum 11), covering the mentee's only goal scores 3/11.
GOOD_SCORE = 3 / 11


def good(**extra: Any) -> dict[str, Any]:
    """The mentor who covers the mentee's goal: the one every rule below has to overrule."""
    return {"id": "m_good", "skills": ["negotiation"], **extra}


def plain(**extra: Any) -> dict[str, Any]:
    return {"id": "m_plain", **extra}


def mentee(pid: str = "e1", **extra: Any) -> dict[str, Any]:
    return {"id": pid, "goals": ["negotiation"], **extra}


def left_out(response: MatchResponse, pid: str, role: str) -> tuple[str, str]:
    (found,) = [u for u in response.unmatched if u.id == pid and u.role == role]
    return found.reason, found.detail


def unmatched_ids(response: MatchResponse) -> set[tuple[str, str]]:
    return {(u.id, u.role) for u in response.unmatched}


def test_without_rules_the_good_mentor_wins() -> None:
    response = solve([good(), plain()], [mentee()])
    assert pairs(response) == {("m_good", "e1")}
    assert response.pairings[0].score == pytest.approx(GOOD_SCORE, abs=1e-6)
    assert left_out(response, "m_plain", "mentor") == (
        "not_needed",
        "the only eligible mentee is paired with another mentor",
    )


def test_shared_language_on_by_default() -> None:
    response = solve([good(languages=["fr"]), plain()], [mentee(languages=["en"])])
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: no common language (1)",
    )


def test_shared_language_off() -> None:
    response = solve(
        [good(languages=["fr"]), plain()],
        [mentee(languages=["en"])],
        rules={"shared_language": False},
    )
    assert pairs(response) == {("m_good", "e1")}
    assert response.pairings[0].score == pytest.approx(GOOD_SCORE, abs=1e-6)
    assert left_out(response, "m_plain", "mentor")[0] == "not_needed"


def test_shared_language_leaves_mentee_unmatched() -> None:
    response = solve([good(languages=["fr"])], [mentee(languages=["en"])])
    assert response.pairings == []
    assert left_out(response, "e1", "mentee") == (
        "no_eligible_mentor",
        "no mentor is eligible; excluded by: no common language (1)",
    )
    assert response.suggestions["e1"] == []


def test_shared_language_normalised() -> None:
    response = solve([good(languages=["FR"])], [mentee(languages=[" fr"])])
    assert pairs(response) == {("m_good", "e1")}


def test_shared_language_missing_data_never_excludes() -> None:
    response = solve([good(languages=["fr"])], [mentee()])
    assert pairs(response) == {("m_good", "e1")}


def test_different_department() -> None:
    response = solve(
        [good(department="Sales"), plain()],
        [mentee(department="sales")],
        rules={"different_department": True},
    )
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: same department (1)",
    )


def test_different_department_off_by_default() -> None:
    response = solve([good(department="Sales"), plain()], [mentee(department="sales")])
    assert pairs(response) == {("m_good", "e1")}


def test_no_reporting_line_mentee_reports_to_mentor() -> None:
    response = solve([good(), plain()], [mentee(manager_id="m_good")])
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: reporting line (1)",
    )


def test_no_reporting_line_mentor_reports_to_mentee() -> None:
    response = solve([good(manager_id="e1"), plain()], [mentee()])
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor")[1].endswith("reporting line (1)")


def test_no_reporting_line_two_levels() -> None:
    """e1 reports to m_plain, who reports to m_good: both are on e1's line."""
    response = solve([good(), plain(manager_id="m_good")], [mentee(manager_id="m_plain")])
    assert response.pairings == []
    assert left_out(response, "e1", "mentee") == (
        "no_eligible_mentor",
        "no mentor is eligible; excluded by: reporting line (2)",
    )
    for mentor_id in ("m_good", "m_plain"):
        assert left_out(response, mentor_id, "mentor") == (
            "no_eligible_mentee",
            "no mentee is eligible; excluded by: reporting line (1)",
        )


def test_no_reporting_line_two_levels_third_mentor_takes_it() -> None:
    mentors = [good(), plain(manager_id="m_good"), {"id": "m_far"}]
    response = solve(mentors, [mentee(manager_id="m_plain")])
    assert pairs(response) == {("m_far", "e1")}


def test_no_reporting_line_off() -> None:
    response = solve(
        [good(), plain()], [mentee(manager_id="m_good")], rules={"no_reporting_line": False}
    )
    assert pairs(response) == {("m_good", "e1")}


def test_min_seniority_gap() -> None:
    response = solve(
        [good(seniority=3), plain(seniority=8)],
        [mentee(seniority=2)],
        rules={"min_seniority_gap": 2},
    )
    assert pairs(response) == {("m_plain", "e1")}
    # Only seniority earns points: 6 years more (capped at 5) with weight 1 of 11.
    assert response.pairings[0].score == pytest.approx(1 / 11, abs=1e-6)
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: seniority gap too small (1)",
    )


def test_min_seniority_gap_exactly_met() -> None:
    response = solve(
        [good(seniority=4), plain(seniority=8)],
        [mentee(seniority=2)],
        rules={"min_seniority_gap": 2},
    )
    assert pairs(response) == {("m_good", "e1")}


def test_max_timezone_gap_hours() -> None:
    response = solve(
        [good(timezone="Asia/Tokyo"), plain(timezone="Europe/Paris")],
        [mentee(timezone="Europe/London")],
        rules={"max_timezone_gap_hours": 3},
    )
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: time zones too far apart (1)",
    )


def test_min_score() -> None:
    response = solve(
        [good()], [mentee(), {"id": "e2", "goals": ["finance"]}], rules={"min_score": 0.1}
    )
    assert pairs(response) == {("m_good", "e1")}
    assert left_out(response, "e2", "mentee") == (
        "no_eligible_mentor",
        "no mentor is eligible; excluded by: score below the minimum (1)",
    )


def test_avoid_by_mentee() -> None:
    response = solve([good(), plain()], [mentee(avoid=["m_good"])])
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: avoid list (1)",
    )


def test_avoid_by_mentor() -> None:
    response = solve([good(avoid=["e1"]), plain()], [mentee()])
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: avoid list (1)",
    )


def test_forbidden() -> None:
    response = solve(
        [good(), plain()], [mentee()], forbidden=[{"mentor": "m_good", "mentee": "e1"}]
    )
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: forbidden by the program (1)",
    )


def test_not_paired_with_oneself() -> None:
    response = solve([{"id": "e1", "skills": ["negotiation"]}, plain()], [mentee()])
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "e1", "mentor") == (
        "no_eligible_mentee",
        "no mentee is eligible; excluded by: same person (1)",
    )


def test_not_paired_with_oneself_alone() -> None:
    response = solve([{"id": "e1", "skills": ["negotiation"]}], [mentee()])
    assert response.pairings == []
    assert unmatched_ids(response) == {("e1", "mentor"), ("e1", "mentee")}
    assert left_out(response, "e1", "mentee") == (
        "no_eligible_mentor",
        "no mentor is eligible; excluded by: same person (1)",
    )


def test_program_capacity() -> None:
    response = solve(
        [good()], [mentee(), {"id": "e2", "goals": ["negotiation", "finance"]}], mentor_capacity=1
    )
    assert pairs(response) == {("m_good", "e1")}
    assert response.mentor_load == {"m_good": 1}
    assert left_out(response, "e2", "mentee") == (
        "capacity",
        "the only eligible mentor is full: m_good",
    )


def test_per_mentor_capacity_overrides_program() -> None:
    mentees = [mentee("e1"), mentee("e2"), mentee("e3")]
    response = solve([good(capacity=2), plain(capacity=1)], mentees, mentor_capacity=1)
    assert response.mentor_load == {"m_good": 2, "m_plain": 1}
    assert len(pairs(response)) == 3
    assert response.unmatched == []


def test_per_mentor_capacity_below_program() -> None:
    mentees = [mentee("e1"), mentee("e2")]
    response = solve([good(capacity=1)], mentees)
    assert response.mentor_load == {"m_good": 1}
    (left,) = response.unmatched
    assert (left.role, left.reason) == ("mentee", "capacity")


def test_capacity_zero_mentor_unmatched() -> None:
    response = solve([good(capacity=0), plain()], [mentee()])
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor") == (
        "not_taking_mentees",
        "capacity 0: takes no mentees this round",
    )


def test_pinned_pair_kept_even_when_worse() -> None:
    response = solve([good(), plain()], [mentee()], pinned=[{"mentor": "m_plain", "mentee": "e1"}])
    assert pairs(response) == {("m_plain", "e1")}
    (pairing,) = response.pairings
    assert pairing.pinned is True
    assert pairing.score == 0.0
    assert pairing.explanation.startswith("Pinned by the program manager: m_plain mentors e1")
    assert left_out(response, "m_good", "mentor")[0] == "not_needed"
    # The better mentor still shows among the suggestions, unassigned.
    assert [(s.mentor, s.assigned) for s in response.suggestions["e1"]] == [
        ("m_good", False),
        ("m_plain", True),
    ]


def test_unpinned_pairing_flag_false() -> None:
    response = solve([good()], [mentee()])
    assert response.pairings[0].pinned is False


def test_volunteers_first() -> None:
    """A volunteer without goals beats a better-scoring non-volunteer for the last place."""
    response = solve([good()], [mentee(volunteer=False), {"id": "e2"}], mentor_capacity=1)
    assert pairs(response) == {("m_good", "e2")}
    assert response.pairings[0].score == 0.0
    assert left_out(response, "e1", "mentee") == (
        "not_volunteer",
        "volunteers are matched first and the only eligible mentor is full",
    )


def test_waiting_rounds_first() -> None:
    """The mentee who waited longer gets the last place, though the other scores better."""
    response = solve([good()], [mentee(), {"id": "e2", "waiting_rounds": 2}], mentor_capacity=1)
    assert pairs(response) == {("m_good", "e2")}
    assert left_out(response, "e1", "mentee") == (
        "capacity",
        "the only eligible mentor is full: m_good",
    )


def test_waiting_rounds_longest_wait_wins() -> None:
    mentees = [
        mentee("e1", waiting_rounds=1),
        {"id": "e2", "waiting_rounds": 3},
        mentee("e3"),
    ]
    response = solve([good()], mentees, mentor_capacity=1)
    assert pairs(response) == {("m_good", "e2")}
    assert {u.id for u in response.unmatched} == {"e1", "e3"}


def test_two_pins_beyond_capacity_infeasible() -> None:
    response = solve(
        [good(), plain()],
        [mentee(), {"id": "e2"}],
        mentor_capacity=1,
        pinned=[{"mentor": "m_good", "mentee": "e1"}, {"mentor": "m_good", "mentee": "e2"}],
    )
    assert response.status == "infeasible"
    assert response.pairings == []
    assert response.objective == 0.0
    assert [c.model_dump() for c in response.conflicts] == [
        {
            "rule": "capacity",
            "ids": ["m_good"],
            "detail": "mentor m_good has 2 pinned mentees for 1 place",
        }
    ]
    assert unmatched_ids(response) == {
        ("m_good", "mentor"),
        ("m_plain", "mentor"),
        ("e1", "mentee"),
        ("e2", "mentee"),
    }
    assert {u.reason for u in response.unmatched} == {"infeasible"}


def test_two_pins_beyond_per_mentor_capacity_infeasible() -> None:
    response = solve(
        [good(capacity=1), plain()],
        [mentee(), {"id": "e2"}],
        pinned=[{"mentor": "m_good", "mentee": "e1"}, {"mentor": "m_good", "mentee": "e2"}],
    )
    assert response.status == "infeasible"
    (conflict,) = response.conflicts
    assert conflict.rule == "capacity"
    assert "1 place" in conflict.detail


def test_match_all_mentees_too_few_places_infeasible() -> None:
    response = solve(
        [good()],
        [mentee(), {"id": "e2"}, {"id": "e3"}],
        mentor_capacity=2,
        rules={"match_all_mentees": True},
    )
    assert response.status == "infeasible"
    assert response.pairings == []
    (conflict,) = response.conflicts
    assert conflict.rule == "match_all_mentees"
    assert conflict.ids == ["e1", "e2", "e3", "m_good"]
    assert conflict.detail == (
        "3 mentees (e1, e2, and e3) can only be paired with 1 mentor (m_good) who has 2 free "
        "places between them, but every mentee must be matched"
    )


def test_match_all_mentees_names_the_bottleneck() -> None:
    """m_plain speaks only French: the two English speakers compete for m_good's one place."""
    response = solve(
        [good(), plain(languages=["fr"])],
        [mentee(), {"id": "e2", "languages": ["en"]}, {"id": "e3", "languages": ["en"]}],
        mentor_capacity=1,
        rules={"match_all_mentees": True},
    )
    assert response.status == "infeasible"
    (conflict,) = response.conflicts
    assert (conflict.rule, conflict.ids) == ("match_all_mentees", ["e2", "e3", "m_good"])


def test_match_all_mentees_feasible() -> None:
    response = solve(
        [good()], [mentee(), {"id": "e2"}], mentor_capacity=2, rules={"match_all_mentees": True}
    )
    assert response.status == "optimal"
    assert pairs(response) == {("m_good", "e1"), ("m_good", "e2")}
    assert response.conflicts == []


def test_suggestions_top_k_with_assigned_flag() -> None:
    mentors = [
        good(),
        {"id": "m_half", "skills": ["negotiation"], "languages": ["de"]},
        plain(),
        {"id": "m_fr", "skills": ["negotiation"], "languages": ["fr"]},
    ]
    mentees = [mentee(goals=["negotiation", "finance"], languages=["en", "de"])]
    response = solve(mentors, mentees, suggestions=2)
    (pairing,) = response.pairings
    # m_half covers 1 of 2 goals and shares a language: (3 * 0.5 + 1) / 11.
    assert (pairing.mentor, pairing.score) == ("m_half", pytest.approx(2.5 / 11, abs=1e-6))
    got = response.suggestions["e1"]
    assert len(got) == 2
    assert [(s.mentor, s.assigned) for s in got] == [("m_half", True), ("m_good", False)]
    assert got[1].score == pytest.approx(1.5 / 11, abs=1e-6)
    # m_fr shares no language: never suggested.
    assert left_out(response, "m_fr", "mentor")[1].endswith("no common language (1)")


def test_suggestions_length_bounded_and_ranked() -> None:
    """m_top is pinned to e2 and full: e1 gets m_mid; m_fr shares no language with e1."""
    mentors = [
        {"id": "m_top", "skills": ["negotiation"], "languages": ["en"]},
        {"id": "m_mid", "interests": ["chess"], "languages": ["en"]},
        {"id": "m_low", "languages": ["en"]},
        {"id": "m_fr", "skills": ["negotiation"], "languages": ["fr"]},
    ]
    mentees = [mentee(languages=["en"], interests=["chess"]), {"id": "e2"}]
    expected = [
        ("m_top", 4 / 11, False, False),
        ("m_mid", 2 / 11, True, False),
        ("m_low", 1 / 11, False, True),
    ]
    pin = [{"mentor": "m_top", "mentee": "e2"}]
    for k in (2, 3, 10):
        response = solve(mentors, mentees, suggestions=k, mentor_capacity=1, pinned=pin)
        assert pairs(response) == {("m_top", "e2"), ("m_mid", "e1")}
        got = [(s.mentor, s.score, s.assigned, s.has_room) for s in response.suggestions["e1"]]
        assert len(got) <= k
        assert got == [(m, pytest.approx(v, abs=1e-6), a, r) for m, v, a, r in expected[:k]]
    # Below the assigned mentor's rank, the assigned one is still shown (README), after the top k.
    response = solve(mentors, mentees, suggestions=1, mentor_capacity=1, pinned=pin)
    got = [(s.mentor, s.assigned) for s in response.suggestions["e1"]]
    assert got == [("m_top", False), ("m_mid", True)]


def test_suggestions_zero_gives_none() -> None:
    response = solve([good()], [mentee()], suggestions=0)
    assert pairs(response) == {("m_good", "e1")}
    assert response.suggestions == {}


def test_min_seniority_gap_reverse_format() -> None:
    """In reverse mentoring the mentor must be the junior by at least the gap."""
    response = solve(
        [good(seniority=8), plain(seniority=1)],
        [mentee(seniority=5)],
        format="reverse",
        rules={"min_seniority_gap": 2},
    )
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor")[1].endswith("seniority gap too small (1)")


def test_max_timezone_gap_wraps_round_the_clock() -> None:
    """Auckland (+12.5 on average) is 1.5 h from Honolulu (-10) the short way; London 10.5 h."""
    response = solve(
        [good(timezone="Europe/London"), plain(timezone="Pacific/Auckland")],
        [mentee(timezone="Pacific/Honolulu")],
        rules={"max_timezone_gap_hours": 3},
    )
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor")[1].endswith("time zones too far apart (1)")


def test_max_timezone_gap_boundary_is_inclusive() -> None:
    # Kolkata and Dubai are 1.5 h apart.
    people = ([good(timezone="Asia/Kolkata")], [mentee(timezone="Asia/Dubai")])
    assert pairs(solve(*people, rules={"max_timezone_gap_hours": 1.5})) == {("m_good", "e1")}
    response = solve(*people, rules={"max_timezone_gap_hours": 1.4})
    assert response.pairings == []
    assert left_out(response, "e1", "mentee") == (
        "no_eligible_mentor",
        "no mentor is eligible; excluded by: time zones too far apart (1)",
    )


def test_no_reporting_line_cycle_terminates() -> None:
    response = solve([good(manager_id="e1"), plain()], [mentee(manager_id="m_good")])
    assert pairs(response) == {("m_plain", "e1")}


def test_volunteers_before_waiting_rounds() -> None:
    response = solve(
        [good()],
        [mentee(volunteer=False, waiting_rounds=5), {"id": "e2"}],
        mentor_capacity=1,
    )
    assert pairs(response) == {("m_good", "e2")}
    assert left_out(response, "e1", "mentee")[0] == "not_volunteer"


def infeasible_conflicts(response: MatchResponse) -> list[dict[str, Any]]:
    assert response.status == "infeasible"
    assert response.pairings == []
    assert {u.reason for u in response.unmatched} == {"infeasible"}
    return [c.model_dump() for c in response.conflicts]


def test_pin_breaking_a_rule_is_infeasible() -> None:
    response = solve(
        [good(languages=["fr"]), plain()],
        [mentee(languages=["en"])],
        pinned=[{"mentor": "m_good", "mentee": "e1"}],
    )
    assert infeasible_conflicts(response) == [
        {
            "rule": "pinned",
            "ids": ["m_good", "e1"],
            "detail": "pinned pair m_good and e1 breaks: no common language",
        }
    ]


def test_pin_forbidden_pair_is_infeasible() -> None:
    pair = {"mentor": "m_good", "mentee": "e1"}
    response = solve([good(), plain()], [mentee()], pinned=[pair], forbidden=[pair])
    (conflict,) = infeasible_conflicts(response)
    assert conflict["detail"] == "pinned pair m_good and e1 breaks: forbidden by the program"


def test_mentee_pinned_twice_is_infeasible() -> None:
    response = solve(
        [good(), plain()],
        [mentee()],
        pinned=[{"mentor": "m_good", "mentee": "e1"}, {"mentor": "m_plain", "mentee": "e1"}],
    )
    assert infeasible_conflicts(response) == [
        {
            "rule": "pinned",
            "ids": ["e1", "m_good", "m_plain"],
            "detail": "mentee e1 is pinned to 2 mentors: m_good and m_plain",
        }
    ]


def test_pin_below_min_score_is_infeasible() -> None:
    response = solve(
        [good(), plain()],
        [mentee()],
        pinned=[{"mentor": "m_plain", "mentee": "e1"}],
        rules={"min_score": 0.1},
    )
    (conflict,) = infeasible_conflicts(response)
    assert conflict["detail"] == "pinned pair m_plain and e1 breaks: score below the minimum"


def test_min_score_applies_to_caller_scores() -> None:
    scores = [
        {"mentor": "m_good", "mentee": "e1", "score": 0.05},
        {"mentor": "m_plain", "mentee": "e1", "score": 0.5},
    ]
    response = solve([good(), plain()], [mentee()], scores=scores, rules={"min_score": 0.1})
    assert pairs(response) == {("m_plain", "e1")}
    assert response.pairings[0].score == 0.5
    assert left_out(response, "m_good", "mentor")[1].endswith("score below the minimum (1)")


def test_no_mentors_and_no_mentees() -> None:
    response = solve([], [mentee()])
    assert left_out(response, "e1", "mentee") == (
        "no_eligible_mentor",
        "no mentor is taking mentees",
    )
    response = solve([good()], [])
    assert left_out(response, "m_good", "mentor") == (
        "no_eligible_mentee",
        "there are no mentees in this request",
    )


def test_capacity_several_full_mentors_named() -> None:
    mentors = [good(capacity=1), {"id": "m2", "skills": ["negotiation"], "capacity": 1}]
    response = solve(mentors, [mentee("e1"), mentee("e2"), mentee("e3")])
    assert response.mentor_load == {"m_good": 1, "m2": 1}
    (left,) = response.unmatched
    assert (left.role, left.reason) == ("mentee", "capacity")
    assert left.detail.startswith("the 2 eligible mentors are full; best of them: ")
    assert set(left.detail.rsplit(": ", 1)[1].split(" and ")) == {"m_good", "m2"}


def test_non_volunteer_matched_when_there_is_room() -> None:
    response = solve([good()], [mentee(volunteer=False)])
    assert pairs(response) == {("m_good", "e1")}
    assert response.unmatched == []


@pytest.mark.parametrize("engine", ["flow", "cpsat", "mip"])
def test_rules_hold_on_every_engine(engine: str) -> None:
    response = solve(
        [good(), plain(), {"id": "m_fr", "skills": ["negotiation"], "languages": ["fr"]}],
        [mentee(manager_id="m_good", languages=["en"])],
        engine=engine,
    )
    assert pairs(response) == {("m_plain", "e1")}
    assert left_out(response, "m_good", "mentor")[1].endswith("reporting line (1)")
    assert left_out(response, "m_fr", "mentor")[1].endswith("no common language (1)")

"""One test per hard rule, capacity, pin and priority: the rule decides the pairing, and whoever
it leaves out is listed with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from solver import MatchResponse
from tests.pools import paired as pairs
from tests.pools import solved as solve


def unmatched(response: MatchResponse, pid: str) -> Any:
    (found,) = [u for u in response.unmatched if u.id == pid]
    return found


# The better mentor on goals, and what makes each rule exclude them.
GOOD = {"id": "m_good", "skills": ["negotiation"]}
PLAIN = {"id": "m_plain"}
MENTEE = {"id": "e1", "goals": ["negotiation"]}

EXCLUDES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any], str]] = {
    # rule: (mentor extra, mentee extra, program with the rule, program without, detail)
    "shared_language": (
        {"languages": ["fr"]},
        {"languages": ["en"]},
        {},
        {"rules": {"shared_language": False}},
        "no common language (1)",
    ),
    "different_department": (
        {"department": "Sales"},
        {"department": "sales"},
        {"rules": {"different_department": True}},
        {},
        "same department (1)",
    ),
    "no_reporting_line": (
        {},
        {"manager_id": "m_good"},
        {},
        {"rules": {"no_reporting_line": False}},
        "reporting line (1)",
    ),
    "min_seniority_gap": (
        {"seniority": 3},
        {"seniority": 1},
        {"rules": {"min_seniority_gap": 5}},
        {},
        "seniority gap too small (1)",
    ),
    "max_timezone_gap_hours": (
        {"timezone": "Asia/Tokyo"},
        {"timezone": "Europe/Paris"},
        {"rules": {"max_timezone_gap_hours": 3}},
        {},
        "time zones too far apart (1)",
    ),
    "avoid (mentee's list)": ({}, {"avoid": ["m_good"]}, {}, None, "avoid list (1)"),
    "avoid (mentor's list)": ({"avoid": ["e1"]}, {}, {}, None, "avoid list (1)"),
    "forbidden": (
        {},
        {},
        {"forbidden": [{"mentor": "m_good", "mentee": "e1"}]},
        {},
        "forbidden by the program (1)",
    ),
}


@pytest.mark.parametrize("rule", sorted(EXCLUDES))
def test_a_rule_sends_the_mentee_to_the_other_mentor(rule: str) -> None:
    mentor_extra, mentee_extra, with_rule, without_rule, _ = EXCLUDES[rule]
    mentors = [{**GOOD, **mentor_extra}, PLAIN]
    mentee = {**MENTEE, **mentee_extra}
    assert pairs(solve(mentors, [mentee], **with_rule)) == {("m_plain", "e1")}
    if without_rule is not None:  # avoid lists cannot be switched off
        assert pairs(solve(mentors, [mentee], **without_rule)) == {("m_good", "e1")}


@pytest.mark.parametrize("rule", sorted(EXCLUDES))
def test_a_mentee_the_rule_leaves_without_mentor_says_which_rule(rule: str) -> None:
    mentor_extra, mentee_extra, with_rule, _, detail = EXCLUDES[rule]
    response = solve([{**GOOD, **mentor_extra}], [{**MENTEE, **mentee_extra}], **with_rule)
    assert response.pairings == []
    left = unmatched(response, "e1")
    assert left.reason == "no_eligible_mentor"
    assert detail in left.detail
    assert unmatched(response, "m_good").reason == "no_eligible_mentee"


def test_missing_data_never_excludes_a_pair() -> None:
    program = {"rules": {"min_seniority_gap": 5, "max_timezone_gap_hours": 1}}
    mentee = {"id": "e1", "languages": ["en"], "seniority": 2, "timezone": "Europe/Paris"}
    assert pairs(solve([{"id": "m1"}], [mentee], **program)) == {("m1", "e1")}


def test_the_reporting_line_runs_up_the_whole_chain() -> None:
    mentors = [{"id": "director"}, {"id": "peer"}]
    mentees = [
        {"id": "manager", "manager_id": "director", "volunteer": False},
        {"id": "e1", "manager_id": "manager"},
    ]
    response = solve(mentors, mentees, mentor_capacity=1)
    assert ("director", "e1") not in pairs(response)
    assert ("peer", "e1") in pairs(response)


def test_nobody_is_paired_with_themselves() -> None:
    person = {"id": "p1", "skills": ["negotiation"], "goals": ["negotiation"]}
    response = solve([person, {"id": "m2"}], [person])
    assert pairs(response) == {("m2", "p1")}


def test_min_score_leaves_weak_pairs_out() -> None:
    mentors = [{"id": "m1", "skills": ["negotiation"]}]
    mentees = [{"id": "e1", "goals": ["negotiation"]}, {"id": "e2", "goals": ["budgeting"]}]
    response = solve(mentors, mentees, rules={"min_score": 0.2})  # e1's pair scores 3/11
    assert pairs(response) == {("m1", "e1")}
    assert "score below the minimum (1)" in unmatched(response, "e2").detail


def test_a_mentor_takes_at_most_the_program_capacity() -> None:
    mentors = [{"id": "m1", "skills": ["negotiation"]}, {"id": "m2"}]
    mentees = [{"id": "e1", "goals": ["negotiation"]}, {"id": "e2", "goals": ["negotiation"]}]
    assert pairs(solve(mentors, mentees, mentor_capacity=2)) == {("m1", "e1"), ("m1", "e2")}
    response = solve(mentors, mentees, mentor_capacity=1)
    assert response.mentor_load == {"m1": 1, "m2": 1}


def test_a_mentor_own_capacity_overrides_the_program() -> None:
    mentors = [{"id": "m1", "capacity": 1}]
    mentees = [{"id": "e1"}, {"id": "e2", "preferences": ["m1"]}]
    response = solve(mentors, mentees, mentor_capacity=3)
    assert pairs(response) == {("m1", "e2")}
    left = unmatched(response, "e1")
    assert left.reason == "capacity"
    assert left.detail == "the only eligible mentor is full: m1"


def test_capacity_zero_means_not_this_round() -> None:
    response = solve([{"id": "m1", "capacity": 0}, {"id": "m2"}], [{"id": "e1"}])
    assert pairs(response) == {("m2", "e1")}
    assert unmatched(response, "m1").reason == "not_taking_mentees"


def test_a_pinned_pair_is_kept_even_when_worse() -> None:
    mentors = [{"id": "m_good", "skills": ["negotiation"]}, {"id": "m_plain"}]
    response = solve(
        mentors, [MENTEE], mentor_capacity=1, pinned=[{"mentor": "m_plain", "mentee": "e1"}]
    )
    (pairing,) = response.pairings
    assert (pairing.mentor, pairing.mentee, pairing.pinned) == ("m_plain", "e1", True)
    assert pairing.explanation.startswith("Pinned by the program manager")


def test_volunteers_are_matched_first() -> None:
    mentors = [{"id": "m1", "skills": ["negotiation"]}]
    mentees = [
        {"id": "keen", "goals": []},
        {"id": "better_fit", "goals": ["negotiation"], "volunteer": False},
    ]
    response = solve(mentors, mentees, mentor_capacity=1)
    assert pairs(response) == {("m1", "keen")}
    assert unmatched(response, "better_fit").reason == "not_volunteer"


def test_who_waited_longest_gets_the_last_place() -> None:
    mentors = [{"id": "m1", "skills": ["negotiation"]}]
    mentees = [
        {"id": "waited", "goals": [], "waiting_rounds": 2},
        {"id": "better_fit", "goals": ["negotiation"]},
    ]
    response = solve(mentors, mentees, mentor_capacity=1)
    assert pairs(response) == {("m1", "waited")}
    assert unmatched(response, "better_fit").reason == "capacity"


def test_suggestions_rank_eligible_mentors_and_flag_the_assigned_one() -> None:
    mentors = [
        {"id": "m1", "skills": ["a", "b"]},
        {"id": "m2", "skills": ["a"]},
        {"id": "m3"},
        {"id": "m4", "languages": ["fr"]},
    ]
    mentees = [{"id": "e1", "goals": ["a", "b"], "languages": ["en"]}]
    response = solve(mentors, mentees, suggestions=2, mentor_capacity=1)
    shown = response.suggestions["e1"]
    assert [s.mentor for s in shown] == ["m1", "m2"]
    assert [s.assigned for s in shown] == [True, False]
    assert (shown[0].has_room, shown[1].has_room) == (False, True)  # m1 is full, m2 free
    assert "m4" not in {s.mentor for s in shown}  # not eligible: no common language


def test_pins_beyond_capacity_are_infeasible_and_say_so() -> None:
    response = solve(
        [{"id": "m1", "capacity": 1}],
        [{"id": "e1"}, {"id": "e2"}],
        pinned=[{"mentor": "m1", "mentee": "e1"}, {"mentor": "m1", "mentee": "e2"}],
    )
    assert response.status == "infeasible"
    assert [c.detail for c in response.conflicts] == ["mentor m1 has 2 pinned mentees for 1 place"]


def test_match_all_mentees_with_too_few_places_names_the_bottleneck() -> None:
    response = solve(
        [{"id": "m1", "capacity": 1}, {"id": "m2", "capacity": 3, "languages": ["fr"]}],
        [{"id": "e1", "languages": ["en"]}, {"id": "e2", "languages": ["en"]}],
        rules={"match_all_mentees": True},
    )
    assert response.status == "infeasible"
    (conflict,) = response.conflicts
    assert conflict.rule == "match_all_mentees"
    assert set(conflict.ids) >= {"e1", "e2", "m1"}
    assert "1 free place" in conflict.detail or "1 free places" in conflict.detail

"""One test per compatibility criterion: alone in the weights, it picks the mentor, sets the
exact score and shows its real evidence in the reasons."""

from __future__ import annotations

from typing import Any

import pytest

from solver import MatchRequest, MatchResponse, match, validate
from solver.contract.request import DEFAULT_WEIGHTS
from solver.contract.response import Pairing

NOTHING_ELSE = dict.fromkeys(DEFAULT_WEIGHTS, 0.0)


def solve(mentors: list[dict[str, Any]], mentees: list[dict[str, Any]], **program: Any) -> Any:
    request = MatchRequest.model_validate(
        {"mentors": mentors, "mentees": mentees, "program": {"mentor_capacity": 1, **program}}
    )
    response = match(request)
    assert validate(request, response) == []
    return response


def only(criterion: str, mentors: list[dict[str, Any]], mentee: dict[str, Any], **program: Any):
    """The single pairing when `criterion` is the only one weighed, and its reason."""
    weights = {**NOTHING_ELSE, criterion: 1.0}
    response: MatchResponse = solve(mentors, [mentee], weights=weights, **program)
    (pairing,) = response.pairings
    reason = next(r for r in pairing.reasons if r.criterion == criterion)
    return pairing, reason


def test_goals_count_the_mentee_goals_the_mentor_skills_cover_whole_items() -> None:
    mentors = [
        {"id": "m1", "skills": ["retail", "sales"]},
        {"id": "m2", "skills": ["AI", "Public Speaking"]},
    ]
    mentee = {"id": "e1", "goals": ["ai", "public-speaking", "budgeting"]}
    pairing, reason = only("goals", mentors, mentee)
    assert pairing.mentor == "m2"
    assert pairing.score == pytest.approx(2 / 3, abs=1e-6)
    assert reason.detail == "covers 2 of 3 goals: ai and public-speaking"


def test_ai_never_matches_retail() -> None:
    pairing, reason = only(
        "goals", [{"id": "m1", "skills": ["retail"]}], {"id": "e1", "goals": ["AI"]}
    )
    assert pairing.score == 0.0 and reason.value == 0.0
    assert reason.detail == "does not cover the mentee's only goal"


def test_languages_give_full_points_for_a_common_language() -> None:
    mentors = [{"id": "m1", "languages": ["fr"]}, {"id": "m2", "languages": ["EN", "de"]}]
    mentee = {"id": "e1", "languages": ["en"]}
    pairing, reason = only("languages", mentors, mentee, rules={"shared_language": False})
    assert (pairing.mentor, pairing.score) == ("m2", 1.0)
    assert reason.detail == "both speak English"  # the code named in words


def test_interests_are_shared_over_all_their_interests() -> None:
    mentors = [
        {"id": "m1", "interests": ["chess"]},
        {"id": "m2", "interests": ["chess", "music", "golf"]},
    ]
    pairing, reason = only("interests", mentors, {"id": "e1", "interests": ["chess", "music"]})
    assert pairing.mentor == "m2"
    assert pairing.score == pytest.approx(2 / 3, abs=1e-6)  # Jaccard: 2 shared of 3 in all
    assert reason.detail == "shared interests: chess and music"


def test_availability_counts_common_slots_over_the_less_available_side() -> None:
    mentors = [
        {"id": "m1", "availability": ["mon-am", "wed-am"]},
        {"id": "m2", "availability": ["mon-am", "tue-pm", "fri-am"]},
    ]
    pairing, reason = only(
        "availability", mentors, {"id": "e1", "availability": ["mon-am", "tue-pm"]}
    )
    assert (pairing.mentor, pairing.score) == ("m2", 1.0)
    assert reason.detail == "2 common slots: Mon morning and Tue afternoon"


def test_timezone_loses_a_twelfth_per_hour_apart() -> None:
    mentors = [{"id": "m1", "timezone": "Asia/Tokyo"}, {"id": "m2", "timezone": "Europe/London"}]
    response = solve(
        mentors, [{"id": "e1", "timezone": "Europe/Paris"}], weights={**NOTHING_ELSE, "timezone": 1}
    )
    assert response.pairings[0].mentor == "m2"
    assert response.pairings[0].score == pytest.approx(1 - 1 / 12, abs=1e-6)
    tokyo = next(s for s in response.suggestions["e1"] if s.mentor == "m1")
    # mean of January and July offsets: Paris +1.5, Tokyo +9: 7.5 hours apart
    assert tokyo.score == pytest.approx(1 - 7.5 / 12, abs=1e-6)
    assert response.pairings[0].reasons[0].detail == "1 h apart"


def test_seniority_gives_full_points_from_five_more_years() -> None:
    mentors = [
        {"id": "m1", "seniority": 3},
        {"id": "m2", "seniority": 4},
        {"id": "m3", "seniority": 0},
    ]
    pairing, reason = only("seniority", mentors, {"id": "e1", "seniority": 1})
    assert (pairing.mentor, pairing.score) == ("m2", pytest.approx(0.6))
    assert reason.detail == "mentor has 3 more years of experience"


def test_reverse_mentoring_prefers_the_junior_mentor() -> None:
    mentors = [{"id": "m1", "seniority": 2}, {"id": "m2", "seniority": 20}]
    mentee = {"id": "e1", "seniority": 10}
    one_to_one, _ = only("seniority", mentors, mentee)
    reverse, reason = only("seniority", mentors, mentee, format="reverse")
    assert (one_to_one.mentor, reverse.mentor) == ("m2", "m1")
    assert reverse.score == 1.0
    assert "the junior mentors the senior" in reason.detail


def test_preferences_count_both_sides_half_each_by_rank() -> None:
    mentors = [{"id": "m1", "preferences": ["e1"]}, {"id": "m2"}]
    mentee = {"id": "e1", "preferences": ["m2", "m1"]}
    pairing, reason = only("preferences", mentors, mentee)
    # m1: the mentee's 2nd of 2 (1/2 × 1/2) plus the mentor's 1st of 1 (1/2) = 0.75; m2: 0.5
    assert (pairing.mentor, pairing.score) == ("m1", 0.75)
    assert reason.detail == "mentee's choice no. 2 and mentor's choice no. 1"


def test_department_gives_full_points_for_crossing_ignoring_case() -> None:
    mentors = [{"id": "m1", "department": "HR"}, {"id": "m2", "department": "Sales"}]
    pairing, reason = only("department", mentors, {"id": "e1", "department": "hr"})
    assert (pairing.mentor, pairing.score) == ("m2", 1.0)
    assert reason.detail == "crosses departments: Sales and hr"


def test_weights_change_the_winner() -> None:
    mentors = [
        {"id": "m1", "skills": ["negotiation"], "timezone": "America/New_York"},
        {"id": "m2", "skills": [], "timezone": "Europe/Paris"},
    ]
    mentee = {"id": "e1", "goals": ["negotiation"], "timezone": "Europe/Paris"}
    by_goals = solve(mentors, [mentee], weights={**NOTHING_ELSE, "goals": 3, "timezone": 1})
    by_zone = solve(mentors, [mentee], weights={**NOTHING_ELSE, "goals": 1, "timezone": 3})
    assert by_goals.pairings[0].mentor == "m1" and by_zone.pairings[0].mentor == "m2"


def test_the_score_is_the_weighted_mean_and_contributions_add_up_to_it() -> None:
    mentors = [{"id": "m1", "skills": ["a", "b"], "languages": ["en"], "seniority": 12}]
    mentee = {"id": "e1", "goals": ["a", "c"], "languages": ["en"], "seniority": 2}
    response = solve(mentors, [mentee])
    pairing: Pairing = response.pairings[0]
    total = sum(DEFAULT_WEIGHTS.values())
    expected = (3 * 0.5 + 1 * 1.0 + 1 * 1.0) / total  # goals 1/2, a language, 10 years more
    assert pairing.score == pytest.approx(expected, abs=1e-6)
    assert sum(r.contribution for r in pairing.reasons) == pytest.approx(expected, abs=1e-3)
    assert [r.contribution for r in pairing.reasons] == sorted(
        (r.contribution for r in pairing.reasons), reverse=True
    )


def test_caller_scores_are_used_as_given_and_only_listed_pairs_are_candidates() -> None:
    mentors = [{"id": "m1"}, {"id": "m2"}]
    mentees = [{"id": "e1"}, {"id": "e2"}]
    scores = [
        {"mentor": "m1", "mentee": "e1", "score": 0.3},
        {"mentor": "m2", "mentee": "e1", "score": 0.8},
    ]
    response = solve(mentors, mentees, scores=scores)
    assert [(p.mentor, p.mentee, p.score) for p in response.pairings] == [("m2", "e1", 0.8)]
    (unpaired,) = [u for u in response.unmatched if u.id == "e2"]
    assert unpaired.reason == "no_eligible_mentor"

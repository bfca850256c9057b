"""One test per soft criterion: only it differs, and it decides the pair, score and reason."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, get_args

import numpy as np
import pytest

from solver import MatchRequest, MatchResponse
from solver.contract.request import DEFAULT_WEIGHTS
from solver.contract.request import Criterion as CriterionName
from solver.messages import available_languages, catalogue
from solver.rules.criteria import CRITERIA, REVERSE_CRITERIA
from solver.rules.factors import FACTORS, REVERSE_FACTORS
from tests.pools import paired as pairs
from tests.pools import solved as solve

CRITERION_NAMES: tuple[str, ...] = get_args(CriterionName)  # what a request may weigh


def only(criterion: str, **others: float) -> dict[str, float]:
    """Weights with `criterion` at 1, the named others as given, every other criterion off."""
    weights = dict.fromkeys(CRITERION_NAMES, 0.0)
    weights[criterion] = 1.0
    weights.update(others)
    return weights


def reason(response: MatchResponse, mentee: str, criterion: str) -> Any:
    (pairing,) = [p for p in response.pairings if p.mentee == mentee]
    (found,) = [r for r in pairing.reasons if r.criterion == criterion]
    return found


def suggested(response: MatchResponse, mentee: str) -> dict[str, float]:
    return {s.mentor: s.score for s in response.suggestions[mentee]}


def labelled_criteria(language: str) -> set[str]:
    """The criteria a message file labels (`criterion.<name>`)."""
    prefix = "criterion."
    named = {key.removeprefix(prefix) for key in catalogue(language) if key.startswith(prefix)}
    return named - {"scores"}  # the label of the caller's own scores, not a criterion


def test_every_list_of_criteria_names_the_same_ones() -> None:
    """Each list is written on its own: the request's Literal, the registry (both formats),
    the factor forms (both formats), the default weights and every message file."""
    assert {"en", "fr"} <= set(available_languages())
    sources = {
        "criteria.CRITERIA": set(CRITERIA),
        "criteria.REVERSE_CRITERIA": set(REVERSE_CRITERIA),
        "factors.FACTORS": set(FACTORS),
        "factors.REVERSE_FACTORS": set(REVERSE_FACTORS),
        "request.DEFAULT_WEIGHTS": set(DEFAULT_WEIGHTS),
        **{f"messages/{lang}.json": labelled_criteria(lang) for lang in available_languages()},
    }
    differing = {
        source: names for source, names in sources.items() if names != set(CRITERION_NAMES)
    }
    assert differing == {}


def test_goals_share_covered_with_names() -> None:
    mentors = [
        {"id": "m_two", "skills": ["negotiation", "public speaking", "excel"]},
        {"id": "m_one", "skills": ["negotiation"]},
    ]
    mentees = [{"id": "e1", "goals": ["negotiation", "public speaking", "leadership"]}]
    response = solve(mentors, mentees, weights=only("goals"))
    assert pairs(response) == {("m_two", "e1")}
    assert response.pairings[0].score == pytest.approx(2 / 3, abs=1e-6)
    assert suggested(response, "e1") == pytest.approx({"m_two": 2 / 3, "m_one": 1 / 3}, abs=1e-6)
    found = reason(response, "e1", "goals")
    assert found.value == pytest.approx(2 / 3, abs=1e-4)
    assert found.weight == 1.0
    assert found.detail == "covers 2 of 3 goals: negotiation and public speaking"
    assert [r.criterion for r in response.pairings[0].reasons] == ["goals"]


def test_goals_ai_does_not_match_retail() -> None:
    """ "AI" is a substring of "retail": it must not count as a covered goal."""
    mentors = [{"id": "m_retail", "skills": ["retail"]}]
    mentees = [{"id": "e1", "goals": ["AI"]}]
    response = solve(mentors, mentees, weights=only("goals"))
    assert pairs(response) == {("m_retail", "e1")}
    assert response.pairings[0].score == 0.0
    found = reason(response, "e1", "goals")
    assert found.value == 0.0
    assert found.contribution == 0.0
    assert found.detail == "does not cover the mentee's only goal"
    assert "retail" not in found.detail and "AI" not in found.detail


def test_goals_ai_prefers_ai_over_retail() -> None:
    mentors = [{"id": "m_retail", "skills": ["retail"]}, {"id": "m_ai", "skills": ["ai"]}]
    mentees = [{"id": "e1", "goals": ["AI"]}]
    response = solve(mentors, mentees, weights=only("goals"))
    assert pairs(response) == {("m_ai", "e1")}
    assert response.pairings[0].score == pytest.approx(1.0)
    assert reason(response, "e1", "goals").detail == "covers 1 of 1 goal: AI"
    assert suggested(response, "e1") == {"m_ai": 1.0, "m_retail": 0.0}


def test_goals_normalise_case_hyphens_and_spacing() -> None:
    mentors = [
        {"id": "m_norm", "skills": ["AI", "Public-Speaking"]},
        {"id": "m_other", "skills": ["retail", "speaking"]},
    ]
    mentees = [{"id": "e1", "goals": ["ai", "  public   speaking ", "negotiation"]}]
    response = solve(mentors, mentees, weights=only("goals"))
    assert pairs(response) == {("m_norm", "e1")}
    assert response.pairings[0].score == pytest.approx(2 / 3, abs=1e-6)
    found = reason(response, "e1", "goals")
    # The mentee's own spelling is quoted back.
    assert found.detail == "covers 2 of 3 goals: ai and   public   speaking "
    assert suggested(response, "e1")["m_other"] == 0.0


def test_languages_shared_named() -> None:
    mentors = [{"id": "m_de", "languages": ["de"]}, {"id": "m_fr_en", "languages": ["fr", "EN"]}]
    mentees = [{"id": "e1", "languages": ["en", "es"]}]
    response = solve(mentors, mentees, weights=only("languages"), rules={"shared_language": False})
    assert pairs(response) == {("m_fr_en", "e1")}
    assert response.pairings[0].score == 1.0
    assert reason(response, "e1", "languages").detail == "both speak English"
    assert suggested(response, "e1") == {"m_fr_en": 1.0, "m_de": 0.0}
    (suggestion,) = [s for s in response.suggestions["e1"] if s.mentor == "m_de"]
    assert suggestion.reasons[0].detail == "no common language"


def test_interests_jaccard() -> None:
    mentors = [
        {"id": "m_golf", "interests": ["golf"]},
        {"id": "m_three", "interests": ["chess", "Rock Climbing", "jazz"]},
    ]
    mentees = [{"id": "e1", "interests": ["rock-climbing", "jazz"]}]
    response = solve(mentors, mentees, weights=only("interests"))
    assert pairs(response) == {("m_three", "e1")}
    # 2 shared over 3 distinct interests between them.
    assert response.pairings[0].score == pytest.approx(2 / 3, abs=1e-6)
    assert reason(response, "e1", "interests").detail == "shared interests: rock-climbing and jazz"
    assert suggested(response, "e1")["m_golf"] == 0.0


def test_availability_common_slots() -> None:
    mentors = [
        {"id": "m_fri", "availability": ["fri-am"]},
        {"id": "m_busy", "availability": ["mon-am", "tue-pm", "thu-pm", "wed-am"]},
    ]
    mentees = [{"id": "e1", "availability": ["mon-am", "thu-pm", "sat-am"]}]
    response = solve(mentors, mentees, weights=only("availability"))
    assert pairs(response) == {("m_busy", "e1")}
    # 2 common slots over the 3 slots of the less available of the two.
    assert response.pairings[0].score == pytest.approx(2 / 3, abs=1e-6)
    assert (
        reason(response, "e1", "availability").detail
        == "2 common slots: Mon morning and Thu afternoon"
    )
    assert suggested(response, "e1")["m_fri"] == 0.0


def test_timezone_hours_apart() -> None:
    mentors = [
        {"id": "m_tokyo", "timezone": "Asia/Tokyo"},
        {"id": "m_ny", "timezone": "America/New_York"},
    ]
    mentees = [{"id": "e1", "timezone": "Europe/London"}]
    response = solve(mentors, mentees, weights=only("timezone"))
    assert pairs(response) == {("m_ny", "e1")}
    # Mean offsets over January and July: London +0.5, New York -4.5, Tokyo +9.
    assert response.pairings[0].score == pytest.approx(1 - 5 / 12, abs=1e-6)
    assert reason(response, "e1", "timezone").detail == "5 h apart"
    assert suggested(response, "e1")["m_tokyo"] == pytest.approx(1 - 8.5 / 12, abs=1e-6)


def test_timezone_same_zone() -> None:
    mentors = [
        {"id": "m_tokyo", "timezone": "Asia/Tokyo"},
        {"id": "m_paris", "timezone": "Europe/Paris"},
    ]
    mentees = [{"id": "e1", "timezone": "Europe/Berlin"}]
    response = solve(mentors, mentees, weights=only("timezone"))
    assert pairs(response) == {("m_paris", "e1")}
    assert response.pairings[0].score == 1.0
    assert reason(response, "e1", "timezone").detail == "same time zone"
    # Tokyo +9, Berlin +1.5 on average: 7.5 h apart.
    assert suggested(response, "e1")["m_tokyo"] == pytest.approx(1 - 7.5 / 12, abs=1e-6)


def test_seniority_more_years() -> None:
    mentors = [{"id": "m_7", "seniority": 7}, {"id": "m_12", "seniority": 12}]
    mentees = [{"id": "e1", "seniority": 4}]
    response = solve(mentors, mentees, weights=only("seniority"))
    assert pairs(response) == {("m_12", "e1")}
    assert response.pairings[0].score == 1.0  # 8 years more, capped at 5
    assert reason(response, "e1", "seniority").detail == "mentor has 8 more years of experience"
    assert suggested(response, "e1")["m_7"] == pytest.approx(3 / 5, abs=1e-6)


def test_reverse_format_flips_seniority() -> None:
    mentors = [{"id": "m_senior", "seniority": 10}, {"id": "m_junior", "seniority": 2}]
    mentees = [{"id": "e1", "seniority": 6}]
    normal = solve(mentors, mentees, weights=only("seniority"))
    assert pairs(normal) == {("m_senior", "e1")}
    assert normal.pairings[0].score == pytest.approx(4 / 5, abs=1e-6)
    assert reason(normal, "e1", "seniority").detail == "mentor has 4 more years of experience"

    reverse = solve(mentors, mentees, weights=only("seniority"), format="reverse")
    assert pairs(reverse) == {("m_junior", "e1")}
    assert reverse.pairings[0].score == pytest.approx(4 / 5, abs=1e-6)
    assert reason(reverse, "e1", "seniority").detail == (
        "mentee has 4 more years of experience: the junior mentors the senior"
    )
    assert suggested(reverse, "e1")["m_senior"] == 0.0
    (senior,) = [s for s in reverse.suggestions["e1"] if s.mentor == "m_senior"]
    assert senior.reasons[0].detail == "mentor is not junior (4 years more)"


def test_preferences_mentee_rank() -> None:
    mentors = [{"id": "m1"}, {"id": "m2"}, {"id": "m3"}]
    mentees = [{"id": "e1", "preferences": ["m3", "m2", "m1"]}]
    response = solve(mentors, mentees, weights=only("preferences"), suggestions=3)
    assert pairs(response) == {("m3", "e1")}
    # Each side is half the value; the first of three choices earns 1, the second 2/3.
    assert response.pairings[0].score == pytest.approx(0.5)
    assert reason(response, "e1", "preferences").detail == "mentee's choice no. 1"
    assert suggested(response, "e1") == pytest.approx(
        {"m3": 0.5, "m2": 1 / 3, "m1": 1 / 6}, abs=1e-6
    )


def test_preferences_both_sides() -> None:
    mentors = [{"id": "m1", "preferences": ["e1"]}, {"id": "m2"}]
    mentees = [{"id": "e1", "preferences": ["m2", "m1"]}]
    response = solve(mentors, mentees, weights=only("preferences"))
    # m1: mentee's second of two (1/2 * 1/2) + mentor's first (1/2) = 0.75; m2: 0.5.
    assert pairs(response) == {("m1", "e1")}
    assert response.pairings[0].score == pytest.approx(0.75)
    assert reason(response, "e1", "preferences").detail == (
        "mentee's choice no. 2 and mentor's choice no. 1"
    )
    assert suggested(response, "e1")["m2"] == pytest.approx(0.5)


def test_department_cross_preferred() -> None:
    mentors = [
        {"id": "m_sales", "department": "Sales"},
        {"id": "m_fin", "department": "Finance"},
    ]
    mentees = [{"id": "e1", "department": "sales"}]
    response = solve(mentors, mentees, weights=only("department"))
    assert pairs(response) == {("m_fin", "e1")}
    assert response.pairings[0].score == 1.0
    assert reason(response, "e1", "department").detail == "crosses departments: Finance and sales"
    assert suggested(response, "e1")["m_sales"] == 0.0
    (same,) = [s for s in response.suggestions["e1"] if s.mentor == "m_sales"]
    assert same.reasons[0].detail == "same department (Sales)"


def test_weights_change_the_winner() -> None:
    mentors = [
        {"id": "m_skill", "skills": ["python"], "department": "Eng"},
        {"id": "m_cross", "department": "Sales"},
    ]
    mentees = [{"id": "e1", "goals": ["python"], "department": "Eng"}]
    goals_first = solve(mentors, mentees, weights=only("goals", department=0.5))
    assert pairs(goals_first) == {("m_skill", "e1")}
    assert goals_first.pairings[0].score == pytest.approx(1 / 1.5, abs=1e-6)
    assert reason(goals_first, "e1", "goals").contribution == pytest.approx(2 / 3, abs=1e-4)

    cross_first = solve(mentors, mentees, weights=only("department", goals=0.5))
    assert pairs(cross_first) == {("m_cross", "e1")}
    assert cross_first.pairings[0].score == pytest.approx(1 / 1.5, abs=1e-6)
    assert reason(cross_first, "e1", "department").detail == ("crosses departments: Sales and Eng")


def test_default_weights_mean() -> None:
    """With default weights the score is the weighted mean over all criteria."""
    mentors = [{"id": "m1", "skills": ["python"], "languages": ["en"]}]
    mentees = [{"id": "e1", "goals": ["python", "sql"], "languages": ["en"]}]
    response = solve(mentors, mentees)
    total = sum(DEFAULT_WEIGHTS.values())
    expected = (DEFAULT_WEIGHTS["goals"] * 0.5 + DEFAULT_WEIGHTS["languages"] * 1.0) / total
    assert response.pairings[0].score == pytest.approx(expected, abs=1e-6)


def test_caller_scores_only_listed_pairs_used_as_is() -> None:
    mentors = [{"id": "m1", "skills": ["python"]}, {"id": "m2"}]
    mentees = [{"id": "e1", "goals": ["python"]}, {"id": "e2"}]
    scores = [
        {"mentor": "m1", "mentee": "e2", "score": 0.3},
        {"mentor": "m2", "mentee": "e2", "score": 0.9},
        {"mentor": "m2", "mentee": "e1", "score": 0.2},
    ]
    response = solve(mentors, mentees, scores=scores, mentor_capacity=1)
    # m1-e1 would score best on goals but is not listed; matching both mentees comes first.
    assert pairs(response) == {("m1", "e2"), ("m2", "e1")}
    assert {(p.mentor, p.mentee): p.score for p in response.pairings} == {
        ("m1", "e2"): 0.3,
        ("m2", "e1"): 0.2,
    }
    assert response.objective == pytest.approx(0.5)
    assert suggested(response, "e1") == {"m2": 0.2}
    assert suggested(response, "e2") == {"m2": 0.9, "m1": 0.3}
    first = response.pairings[0].reasons[0]
    assert (first.criterion, first.value, first.detail) == (
        "scores",
        0.3,
        "score supplied by the platform",
    )


def test_caller_score_replaces_computed_score() -> None:
    mentors = [{"id": "m1", "skills": ["python"]}, {"id": "m2"}]
    mentees = [{"id": "e1", "goals": ["python"]}]
    scores = [
        {"mentor": "m1", "mentee": "e1", "score": 0.1},
        {"mentor": "m2", "mentee": "e1", "score": 0.8},
    ]
    response = solve(mentors, mentees, scores=scores)
    assert pairs(response) == {("m2", "e1")}
    assert response.pairings[0].score == 0.8


def test_goals_duplicates_and_blanks_count_once() -> None:
    mentors = [{"id": "m1", "skills": ["negotiation"]}]
    response = solve(
        mentors, [{"id": "e1", "goals": ["Negotiation", "negotiation", "x"]}], weights=only("goals")
    )
    assert response.pairings[0].score == pytest.approx(0.5)
    assert reason(response, "e1", "goals").detail == "covers 1 of 2 goals: Negotiation"

    response = solve(
        mentors, [{"id": "e1", "goals": ["", " ", "negotiation"]}], weights=only("goals")
    )
    assert response.pairings[0].score == 1.0
    assert reason(response, "e1", "goals").detail == "covers 1 of 1 goal: negotiation"


def test_goals_none_given() -> None:
    response = solve(
        [{"id": "m1", "skills": ["negotiation"]}], [{"id": "e1"}], weights=only("goals")
    )
    assert response.pairings[0].score == 0.0
    assert reason(response, "e1", "goals").detail == "the mentee gave no goals"


def test_timezone_half_hour_zone() -> None:
    mentors = [
        {"id": "m_kolkata", "timezone": "Asia/Kolkata"},
        {"id": "m_london", "timezone": "Europe/London"},
    ]
    mentees = [{"id": "e1", "timezone": "Asia/Dubai"}]
    response = solve(mentors, mentees, weights=only("timezone"))
    # Kolkata +5.5, Dubai +4, London +0.5 on average.
    assert pairs(response) == {("m_kolkata", "e1")}
    assert response.pairings[0].score == pytest.approx(1 - 1.5 / 12, abs=1e-6)
    assert reason(response, "e1", "timezone").detail == "1.5 h apart"
    assert suggested(response, "e1")["m_london"] == pytest.approx(1 - 3.5 / 12, abs=1e-6)


def test_seniority_mentor_junior_earns_nothing() -> None:
    mentors = [{"id": "m_junior", "seniority": 2}, {"id": "m_same", "seniority": 4.5}]
    mentees = [{"id": "e1", "seniority": 4.5}]
    response = solve(mentors, mentees, weights=only("seniority"), suggestions=2)
    assert {s.mentor: s.score for s in response.suggestions["e1"]} == {
        "m_junior": 0.0,
        "m_same": 0.0,
    }
    details = {s.mentor: s.reasons[0].detail for s in response.suggestions["e1"]}
    assert details == {
        "m_junior": "mentor has 2.5 fewer years of experience",
        "m_same": "same seniority",
    }


@pytest.mark.parametrize("program_format", ["one_to_one", "reverse"])
@pytest.mark.parametrize("seed", range(4))
def test_each_criterions_factors_multiply_out_to_its_matrix(seed: int, program_format: str) -> None:
    from solver.encode.pool import Pool
    from solver.rules.criteria import criteria_for
    from solver.rules.factors import factors_for
    from tests.pools import random_pool

    body = MatchRequest.model_validate(random_pool(seed, n_mentees=25, n_mentors=9))
    pool = Pool(body.mentors, body.mentees)
    for name, form in factors_for(program_format).items():
        factors = form(pool)
        assert factors is not None, name
        product = factors.left @ factors.right.T
        if factors.rows is not None and factors.value is not None:
            np.add.at(product, (factors.rows, factors.cols), factors.value)
        expected = criteria_for(program_format)[name].matrix(pool)
        assert np.allclose(product, expected, rtol=0, atol=1e-12), name


def test_scoring_by_factors_gives_the_scores_of_the_dense_criteria(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import solver.encode.scores as scoring_module
    import solver.rules.factors as factors_module
    from solver.encode.pool import Pool
    from solver.encode.scores import score_matrix
    from tests.pools import random_pool

    body = MatchRequest.model_validate(random_pool(11, n_mentees=25, n_mentors=7))
    pool = Pool(body.mentors, body.mentees)
    weights = dict(DEFAULT_WEIGHTS)
    factored = score_matrix(pool, weights, "one_to_one")
    monkeypatch.setattr(factors_module, "FACTORS", {})  # every criterion dense, in blocks of 4
    monkeypatch.setattr(scoring_module, "SCORE_BLOCK", 4)
    dense = score_matrix(pool, weights, "one_to_one")
    assert np.allclose(factored, dense, rtol=0, atol=1e-12)
    assert np.array_equal(np.rint(factored * 1e9), np.rint(dense * 1e9))
    monkeypatch.undo()
    monkeypatch.setattr(factors_module, "MAX_CLASSES", 1)  # too many classes: dense fallback
    assert np.allclose(score_matrix(pool, weights, "one_to_one"), dense, rtol=0, atol=1e-12)


@pytest.mark.parametrize("count", [0, 1, 3, 50])
def test_top_mentors_in_blocks_are_each_mentees_ranked_mentors(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import solver.answer.suggestions as explain_module
    from solver.answer.suggestions import ranked_mentors, top_mentors
    from solver.encode.problem import encode
    from tests.pools import random_pool

    body = random_pool(5, n_mentees=30, n_mentors=8, scores=None)
    body["mentors"] += [{"id": f"twin{k}", "skills": ["AI"]} for k in range(4)]  # ties
    problem = encode(MatchRequest.model_validate(body))
    monkeypatch.setattr(explain_module, "RANK_BLOCK", 7)
    tops = top_mentors(problem, count)
    for i in range(len(problem.pool.mentees)):
        assert tops[i].tolist() == ranked_mentors(problem, i)[:count].tolist()
    some = np.array([29, 3, 4, 17])  # a few mentees, in any order
    for i, top in zip(some.tolist(), top_mentors(problem, count, some), strict=True):
        assert top.tolist() == ranked_mentors(problem, i)[:count].tolist()


@pytest.mark.parametrize("program_format", ["one_to_one", "reverse"])
@pytest.mark.parametrize("seed", range(3))
def test_reasons_shared_by_evidence_key_are_each_pairs_own(seed: int, program_format: str) -> None:
    """Reasons found in bulk and shared by key equal those built from each pair's evidence."""
    from solver.answer.explain import Explainer
    from solver.encode.problem import encode
    from tests.pools import random_pool

    body = random_pool(seed, n_mentees=24, n_mentors=9, scores=None)
    body["mentees"][0]["goals"] = ["ai", "Public-Speaking"]  # spellings of the same items
    body["mentees"][1]["goals"] = ["Public Speaking", "AI"]  # and another order
    body.setdefault("program", {})["format"] = program_format
    problem = encode(MatchRequest.model_validate(body))
    n, m = problem.score.shape
    pairs = [(i, j) for i in range(n) for j in range(m)]
    shared = Explainer(problem, "en")
    shared.prepare(pairs)
    alone = Explainer(problem, "en")
    alone._items, alone._codes = {}, {}
    alone._criteria = {
        name: replace(criterion, key=None) for name, criterion in alone._criteria.items()
    }
    for i, j in pairs:
        assert shared.reasons(i, j) == alone.reasons(i, j), (i, j)


def test_list_reasons_are_shared_exactly_when_what_the_evidence_reads_is_equal() -> None:
    """Two pairs with the same shared items share one reason when they differ only in what
    the criterion's evidence does not read (the mentor's count of skills for goals), and
    each gets its own, equal to its own evidence, when they differ in what it reads (the
    union for interests, the smaller list for availability)."""
    from solver.answer.explain import Explainer
    from solver.encode.problem import encode

    mentee = {
        "id": "e0",
        "goals": ["negotiation", "ai"],
        "interests": ["chess", "jazz"],
        "availability": ["mon-am", "tue-am"],
        "languages": ["fr"],
    }
    mentors = [
        {
            "id": "m0",
            "skills": ["ai"],
            "interests": ["chess"],
            "availability": ["mon-am"],
            "languages": ["de"],  # none shared; the other mentor lists none at all
        },
        {
            "id": "m1",
            "skills": ["ai", "sql", "go"],
            "interests": ["chess", "golf", "wine"],
            "availability": ["mon-am", "wed-am"],
        },
    ]
    problem = encode(MatchRequest.model_validate({"mentors": mentors, "mentees": [mentee]}))
    explainer = Explainer(problem, "en")
    explainer.prepare([(0, 0), (0, 1)])
    first, second = ({r.criterion: r for r in explainer.reasons(0, j)} for j in range(len(mentors)))
    assert first["goals"] is second["goals"]  # 1 of 2 goals covered, however many skills
    assert first["interests"].value == 0.5 and second["interests"].value == 0.25
    assert first["availability"].value == 1.0 and second["availability"].value == 0.5
    assert first["languages"].detail != second["languages"].detail  # none shared / unknown
    for j, found in enumerate((first, second)):
        for name in ("goals", "interests", "availability"):
            own = CRITERIA[name].evidence(problem.pool.mentors[j], problem.pool.mentees[0])
            assert found[name].value == round(own.value, 4), (name, j)

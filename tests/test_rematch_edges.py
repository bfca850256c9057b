"""Re-matching at the edges of the contract: no 500, no needless infeasibility (issue 13)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.main import app
from solver import RematchRequest, rematch, validate
from solver.rematch import _next_request, _verdicts, served_first

client = TestClient(app)


def pool(**mentee: Any) -> dict[str, Any]:
    return {
        "mentors": [{"id": "m1", "capacity": 2}, {"id": "m2", "capacity": 2}],
        "mentees": [{"id": "e1", **mentee}, {"id": "e2"}, {"id": "e3"}],
    }


def test_a_running_pair_whose_mentee_waited_the_most_rounds_is_re_matched() -> None:
    """The waiting bonus pushed waiting_rounds past the contract's 1000: re-validation 500."""
    body = {"pool": pool(waiting_rounds=1000), "current": [{"mentor": "m1", "mentee": "e1"}]}
    response = client.post("/v1/rematch", json=body)
    assert response.status_code == 200, response.text
    request = RematchRequest.model_validate(body)
    answer = rematch(request)
    assert served_first(request) == {"e1": request.pool.program.rematch.waiting_bonus}
    next_request = _next_request(request, *_verdicts(request))
    assert validate(next_request, answer.result, extra_waiting=served_first(request)) == []


def test_mentees_in_the_program_are_served_before_newcomers_who_waited_as_long() -> None:
    """At the contract's most waiting rounds a newcomer and a mentee whose mentor left tie
    on waiting: the one already in the program is still served first."""
    body = {
        "mentors": [{"id": "m1", "capacity": 1}, {"id": "m2"}],
        "mentees": [{"id": "e2", "waiting_rounds": 1000}, {"id": "e1", "waiting_rounds": 1000}],
    }
    request = RematchRequest.model_validate(
        {"pool": body, "current": [{"mentor": "m2", "mentee": "e1"}], "leaving": ["m2"]}
    )
    answer = rematch(request)
    assert [(p.mentor, p.mentee) for p in answer.result.pairings] == [("m1", "e1")]
    assert [(n.mentee, n.reason) for n in answer.new] == [("e1", "replaces_ended")]


def test_a_well_rated_pair_whose_mentor_takes_no_one_now_ends_instead_of_blocking_all() -> None:
    body = pool()
    body["mentors"][0]["capacity"] = 0
    request = {
        "pool": body,
        "current": [{"mentor": "m1", "mentee": "e1"}, {"mentor": "m2", "mentee": "e2"}],
        "feedback": [
            {"mentor": "m1", "mentee": "e1", "rating": 5},
            {"mentor": "m2", "mentee": "e2", "rating": 5},
        ],
    }
    response = client.post("/v1/rematch", json=request)
    assert response.status_code == 200
    answer = response.json()
    assert answer["result"]["status"] == "optimal"
    assert [(n["mentor"], n["mentee"], n["reason"]) for n in answer["ended"]] == [
        ("m1", "e1", "mentor_not_taking")
    ]
    assert [(n["mentor"], n["mentee"]) for n in answer["kept"]] == [("m2", "e2")]
    assert ("m2", "e1") in {(p["mentor"], p["mentee"]) for p in answer["result"]["pairings"]}


def test_more_well_rated_pairs_than_places_keeps_the_best_rated() -> None:
    body = pool()
    body["mentors"][0]["capacity"] = 1
    request = RematchRequest.model_validate(
        {
            "pool": body,
            "current": [{"mentor": "m1", "mentee": "e1"}, {"mentor": "m1", "mentee": "e2"}],
            "feedback": [
                {"mentor": "m1", "mentee": "e1", "rating": 4},
                {"mentor": "m1", "mentee": "e2", "rating": 5},
            ],
        }
    )
    ended, keep = _verdicts(request)
    assert keep == {("m1", "e2")} and ended == {}
    answer = rematch(request)
    assert answer.result.status == "optimal"
    assert [(n.mentor, n.mentee) for n in answer.kept] == [("m1", "e2")]


def test_re_match_notes_speak_the_caller_s_language_and_name_people() -> None:
    body = {
        "pool": {
            "mentors": [{"id": "m1", "name": "Claire"}, {"id": "m2", "name": "Hélène"}],
            "mentees": [{"id": "e1"}, {"id": "e2"}],
        },
        "current": [{"mentor": "m1", "mentee": "e1"}, {"mentor": "m2", "mentee": "e2"}],
        "feedback": [{"mentor": "m1", "mentee": "e1", "rating": 1}],
    }
    french = client.post("/v1/rematch", json=body, headers={"Accept-Language": "fr"}).json()
    assert [n["detail"] for n in french["ended"]] == ["arrêté après une note de 1/5"]
    english = client.post("/v1/rematch", json=body).json()
    assert [n["detail"] for n in english["ended"]] == ["ended after a 1/5 rating"]
    new = {n["mentee"]: n["detail"] for n in english["new"]}
    assert new.get("e1") in (None, "a new mentor after the previous pair ended")

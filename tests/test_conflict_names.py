"""Conflicts name people as a manager reads them: "Léa Bernard (e1)", ids stay in `ids`."""

from __future__ import annotations

from typing import Any

from solver import MatchRequest, SolveOptions, match
from solver.validate import validate


def mentor(id_: str, name: str, capacity: int = 1) -> dict[str, Any]:
    return {"id": id_, "name": name, "capacity": capacity}


def mentee(id_: str, name: str) -> dict[str, Any]:
    return {"id": id_, "name": name}


def pin(mentor_id: str, mentee_id: str) -> dict[str, str]:
    return {"mentor": mentor_id, "mentee": mentee_id}


def conflicts(body: dict[str, Any], language: str) -> list[Any]:
    request = MatchRequest.model_validate(body)
    answer = match(request, SolveOptions(language=language))
    assert answer.status == "infeasible"
    assert validate(request, answer) == []
    return answer.conflicts


def test_pins_that_clash_name_the_mentee_and_mentors() -> None:
    body = {
        "mentors": [mentor("m1", "Claire Martin"), mentor("m2", "Hugo Petit")],
        "mentees": [mentee("e1", "Léa Bernard"), mentee("e2", "Noé Roux")],
        "program": {"pinned": [pin("m1", "e1"), pin("m2", "e1"), pin("m1", "e2")]},
    }
    for language in ("en", "fr"):
        found = conflicts(body, language)
        twice = next(c for c in found if c.rule == "pinned")
        assert twice.ids == ["e1", "m1", "m2"]
        assert "Léa Bernard (e1)" in twice.detail
        assert "Claire Martin (m1)" in twice.detail and "Hugo Petit (m2)" in twice.detail
        full = next(c for c in found if c.rule == "capacity")
        assert full.ids == ["m1"] and "Claire Martin (m1)" in full.detail


def test_mentees_that_outnumber_the_places_are_named() -> None:
    body = {
        "mentors": [mentor("m1", "Claire Martin")],
        "mentees": [mentee("e1", "Léa Bernard"), mentee("e2", "Noé Roux")],
        "program": {"rules": {"match_all_mentees": True}},
    }
    for language in ("en", "fr"):
        [hall] = conflicts(body, language)
        assert hall.ids == ["e1", "e2", "m1"]
        for named in ("Léa Bernard (e1)", "Noé Roux (e2)", "Claire Martin (m1)"):
            assert named in hall.detail


def test_someone_without_a_name_is_named_by_id() -> None:
    body = {
        "mentors": [{"id": "m1", "capacity": 1}],
        "mentees": [{"id": "e1"}, {"id": "e2"}],
        "program": {"rules": {"match_all_mentees": True}},
    }
    [hall] = conflicts(body, "en")
    assert "(e1 and e2)" in hall.detail and "(m1)" in hall.detail

"""Who is who: ids to names and departments, so that files and pages name people beside
their ids ("Claire (m1)"; the id alone when no name is given)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from solver import MatchRequest, ScenarioRequest


@dataclass(frozen=True)
class Someone:
    id: str
    name: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class Directory:
    """The people of a request, by id, on each side."""

    mentors: dict[str, Someone] = field(default_factory=dict)
    mentees: dict[str, Someone] = field(default_factory=dict)

    def mentor(self, id_: str) -> Someone:
        return self.mentors.get(id_, Someone(id_))

    def mentee(self, id_: str) -> Someone:
        return self.mentees.get(id_, Someone(id_))

    def of(self, role: str, id_: str) -> Someone:
        return self.mentor(id_) if role == "mentor" else self.mentee(id_)


def named(someone: Someone) -> str:
    """A person as a page or a terminal names them: "Léa Bernard (e0001)", or the id."""
    return f"{someone.name} ({someone.id})" if someone.name else someone.id


def _someone(person: Any) -> Someone:
    if isinstance(person, Mapping):
        return Someone(str(person.get("id")), person.get("name"), person.get("department"))
    return Someone(person.id, person.name, person.department)


def _by_id(people: Iterable[Any]) -> dict[str, Someone]:
    return {found.id: found for found in map(_someone, people)}


def directory(request: MatchRequest) -> Directory:
    return Directory(_by_id(request.mentors), _by_id(request.mentees))


def scenario_directory(request: ScenarioRequest) -> Directory:
    """The base's people and everyone a variant adds."""
    mentors = _by_id(request.base.mentors)
    mentees = _by_id(request.base.mentees)
    for variant in request.variants:
        mentors |= _by_id(variant.add_mentors)
        mentees |= _by_id(variant.add_mentees)
    return Directory(mentors, mentees)

"""The people of a pool, to find someone a pairs or feedback file names by id or by name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exports.cells import unescaped
from intake.cells import text
from intake.issues import shown
from intake.references import name_key
from intake.workbook import Cell

ROLE_SIDE = {"mentor": "mentors", "mentee": "mentees"}


@dataclass(frozen=True)
class Side:
    """One side of a pool: its ids, and the ids bearing each name."""

    role: str
    ids: frozenset[str]
    named: Mapping[str, tuple[str, ...]]

    def find(self, cell: Cell, by_id: bool) -> str:
        """The id a cell means (ids only when `by_id`); ValueError saying why none."""
        written = unescaped(text(cell))
        if written in self.ids:
            return written
        bearers = () if by_id else self.named.get(name_key(written), ())
        if len(bearers) == 1:
            return bearers[0]
        if bearers:
            listed = ", ".join(bearers)
            many = f"{len(bearers)} {self.role}s ({listed})"
            raise ValueError(f"{shown(written)} is the name of {many}: write the id")
        what = "not the id" if by_id else "neither the id nor the name"
        raise ValueError(f"{shown(written)} is {what} of a {self.role} of the pool")


def side_of(pool: Mapping[str, Sequence[Any]], role: str) -> Side:
    people = pool.get(ROLE_SIDE[role], [])
    named: dict[str, list[str]] = {}
    for person in people:
        if person.get("name"):
            named.setdefault(name_key(person["name"]), []).append(person["id"])
    ids = frozenset(person["id"] for person in people)
    return Side(role, ids, {name: tuple(found) for name, found in named.items()})


def sides_of(pool: Mapping[str, Sequence[Any]]) -> dict[str, Side]:
    return {role: side_of(pool, role) for role in ROLE_SIDE}

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
from solver.messages import DEFAULT_LANGUAGE, render

ROLE_SIDE = {"mentor": "mentors", "mentee": "mentees"}


@dataclass(frozen=True)
class Side:
    """One side of a pool: its ids, and the ids bearing each name."""

    role: str
    ids: frozenset[str]
    named: Mapping[str, tuple[str, ...]]

    def find(self, cell: Cell, by_id: bool, language: str = DEFAULT_LANGUAGE) -> str:
        """The id a cell means (ids only when `by_id`); ValueError saying why none, in
        `language`."""
        written = unescaped(text(cell))
        if written in self.ids:
            return written
        bearers = () if by_id else self.named.get(name_key(written), ())
        if len(bearers) == 1:
            return bearers[0]
        value = shown(written, language)
        if bearers:
            side = render(language, f"intake.side.{ROLE_SIDE[self.role]}")
            ids = ", ".join(bearers)
            key = "intake.reference.ambiguous"
            raise ValueError(render(language, key, value=value, n=len(bearers), side=side, ids=ids))
        key = "intake.pool.not_id" if by_id else "intake.pool.unknown"
        a_role = render(language, f"intake.a_role.{self.role}")
        raise ValueError(render(language, key, value=value, a_role=a_role))


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

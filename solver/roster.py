"""Who takes part: removing people from a request, with every reference to them."""

from __future__ import annotations

from typing import Any

REFERENCE_LISTS = ("preferences", "avoid")
PAIR_LISTS = ("pinned", "forbidden", "scores")


def without_people(body: dict[str, Any], ids: set[str]) -> dict[str, Any]:
    """A request body (JSON) with these people gone from both lists, and their ids gone from
    preferences, avoid lists, pins, forbidden pairs and scores. The input is not mutated."""
    kept = {
        side: [p for p in body.get(side, []) if p.get("id") not in ids]
        for side in ("mentors", "mentees")
    }
    for people in kept.values():
        for k, person in enumerate(people):
            lists = {
                field: [x for x in person[field] if x not in ids]
                for field in REFERENCE_LISTS
                if isinstance(person.get(field), list)
            }
            people[k] = {**person, **lists}
    program = dict(body.get("program") or {})
    for field in PAIR_LISTS:
        if isinstance(program.get(field), list):
            program[field] = [
                pair
                for pair in program[field]
                if not (isinstance(pair, dict) and {pair.get("mentor"), pair.get("mentee")} & ids)
            ]
    return {**body, **kept, "program": program}

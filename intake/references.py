"""`preferences` and `avoid` name people of the other side, by id or by exact name."""

from __future__ import annotations

from intake.cells import plain
from intake.issues import Issue, shown
from intake.people import People, Person
from solver.messages import DEFAULT_LANGUAGE, render

REFERENCE_FIELDS = ("preferences", "avoid")


def name_key(name: str) -> str:
    """A name as it is compared: case, accents and repeated spaces ignored."""
    return " ".join(plain(name).split())


def _directory(others: People) -> tuple[set[str], dict[str, list[str]]]:
    """The other side's ids, and the ids that bear each name."""
    ids = {person["id"] for person in others.people if "id" in person}
    named: dict[str, list[str]] = {}
    for person in others.people:
        if "id" in person and person.get("name"):
            named.setdefault(name_key(person["name"]), []).append(person["id"])
    return ids, named


def _meant(
    reference: str, directory: tuple[set[str], dict[str, list[str]]], others: People, language: str
) -> str:
    """The id a reference means; ValueError saying (in `language`) why there is none or more
    than one."""
    ids, named = directory
    if reference in ids:
        return reference
    bearers = named.get(name_key(reference), [])
    if len(bearers) == 1:
        return bearers[0]
    value, side = shown(reference, language), render(language, f"intake.side.{others.side}")
    if bearers:
        ids_listed = ", ".join(bearers)
        n = len(bearers)
        key = "intake.reference.ambiguous"
        raise ValueError(render(language, key, value=value, n=n, side=side, ids=ids_listed))
    key = "intake.reference.unknown"
    raise ValueError(render(language, key, value=value, side=side, file=others.file))


def resolved(
    people: People, others: People, language: str = DEFAULT_LANGUAGE
) -> tuple[list[Person], list[Issue]]:
    """People with their references as ids (new dicts, the input untouched), and the
    references that name nobody or several people."""
    directory = _directory(others)
    result, errors = [], []
    for person, row in zip(people.people, people.rows, strict=True):
        copy = dict(person)
        for field in REFERENCE_FIELDS:
            meant = []
            for reference in person.get(field, []):
                try:
                    meant.append(_meant(reference, directory, others, language))
                except ValueError as exc:
                    column = people.columns[field]
                    errors.append(Issue(people.file, row, column, reference, str(exc)))
            if field in person:
                copy[field] = meant
        result.append(copy)
    return result, errors

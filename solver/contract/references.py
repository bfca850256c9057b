"""Checks that need the whole request (unique ids, references that exist), and the error
that names each problem's location so the API can answer 422 pointing at the field."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from solver.contract.request import TOP_LEVEL_ATTRIBUTES, GroupSettings, Loc, MatchRequest


def attribute_errors(request: MatchRequest) -> list[tuple[Loc, str]]:
    """Diversity rules must name an attribute that at least one participant has."""
    known = set(TOP_LEVEL_ATTRIBUTES)
    for person in [*request.mentors, *request.mentees]:
        known |= person.attributes.keys()
    errors: list[tuple[Loc, str]] = []
    diversity = request.program.diversity
    for rule in type(diversity).model_fields:  # each diversity rule is keyed by attribute
        for attribute in getattr(diversity, rule):
            if attribute not in known:
                message = f"unknown attribute {attribute!r}: no participant has it"
                errors.append((("program", "diversity", rule, attribute), message))
    return errors


def program_errors(request: MatchRequest) -> list[tuple[Loc, str]]:
    """Settings that would be ignored, or that contradict each other: refused, not dropped."""
    program = request.program
    errors: list[tuple[Loc, str]] = []
    # a full round trip of a request sends the default group settings: only others are news
    if program.group != GroupSettings() and program.format != "group":
        errors.append((("program", "group"), "group settings apply to format 'group' only"))
    policy = program.rematch
    if policy.keep_rating <= policy.end_rating:
        message = f"keep_rating ({policy.keep_rating}) must be above end_rating"
        errors.append((("program", "rematch", "keep_rating"), message + f" ({policy.end_rating})"))
    if program.scores is not None and program.score_matrix is not None:
        message = "give program.scores or program.score_matrix, not both"
        errors.append((("program", "score_matrix"), message))
    return errors


def _differences(side: str, given: list[str], ids: set[str]) -> str | None:
    """How a matrix's ids differ from the pool's: the first few missing, unknown and
    repeated ones, and how many of each."""
    counts = Counter(given)
    kinds = {
        "missing": sorted(i for i in ids if i not in counts),
        "unknown": sorted(i for i in counts if i not in ids),
        "repeated": sorted(i for i, n in counts.items() if n > 1),
    }
    parts = []
    for what, found in kinds.items():
        if found:
            shown = ", ".join(repr(i) for i in found[:SAID])
            parts.append(f"{len(found)} {what} ({shown}{', ...' if len(found) > SAID else ''})")
    if not parts:
        return None
    return f"the matrix's {side} must be exactly the pool's {side}: " + "; ".join(parts)


def matrix_errors(request: MatchRequest) -> list[tuple[Loc, str]]:
    """A score matrix names exactly the pool's people, and has a row per mentee."""
    matrix = request.program.score_matrix
    if matrix is None:
        return []
    errors: list[tuple[Loc, str]] = []
    for side in ("mentees", "mentors"):
        ids = {p.id for p in getattr(request, side)}
        if (message := _differences(side, getattr(matrix, side), ids)) is not None:
            errors.append((("program", "score_matrix", side), message))
    shape, wanted = matrix.values.array.shape, (len(matrix.mentees), len(matrix.mentors))
    if shape != wanted and not (shape[0] == 0 and wanted[0] == 0):
        message = (
            f"the values are {shape[0]} × {shape[1]}; the ids ask for {wanted[0]} × {wanted[1]}"
        )
        errors.append((("program", "score_matrix", "values"), message))
    return errors


def reference_errors(request: MatchRequest) -> list[tuple[Loc, str]]:
    """Every cross-field problem of a request: duplicate ids and references to unknown ids."""
    errors: list[tuple[Loc, str]] = attribute_errors(request) + program_errors(request)
    errors += matrix_errors(request)
    sides = {"mentors": request.mentors, "mentees": request.mentees}
    ids = {}
    for side, people in sides.items():
        seen: set[str] = set()
        for i, person in enumerate(people):
            if person.id in seen:
                errors.append(((side, i, "id"), f"duplicate id {person.id!r} in {side}"))
            seen.add(person.id)
        ids[side] = seen
    other = {"mentors": ids["mentees"], "mentees": ids["mentors"]}
    for side, people in sides.items():
        for i, person in enumerate(people):
            for field in ("preferences", "avoid"):
                listed: set[str] = set()
                for j, ref in enumerate(getattr(person, field)):
                    if ref not in other[side]:
                        errors.append(((side, i, field, j), f"unknown id {ref!r}"))
                    elif ref in listed:  # a repeated wish would count twice in the score
                        errors.append(((side, i, field, j), f"id {ref!r} listed twice"))
                    listed.add(ref)
    program = request.program
    pair_lists: dict[str, list[Any]] = {"pinned": program.pinned, "forbidden": program.forbidden}
    pair_lists["scores"] = program.scores or []
    for field, pairs in pair_lists.items():
        seen_pairs: set[tuple[str, str]] = set()
        for i, pair in enumerate(pairs):
            if pair.mentor not in ids["mentors"]:
                errors.append((("program", field, i, "mentor"), f"unknown mentor {pair.mentor!r}"))
            if pair.mentee not in ids["mentees"]:
                errors.append((("program", field, i, "mentee"), f"unknown mentee {pair.mentee!r}"))
            key = (pair.mentor, pair.mentee)
            if key in seen_pairs:
                errors.append(((("program", field, i)), f"pair {key} listed twice"))
            seen_pairs.add(key)
    return errors


log = logging.getLogger(__name__)


class InvalidRequest(ValueError):
    """A request that cannot be solved as written; `errors` name each field and the problem."""

    def __init__(self, errors: list[tuple[Loc, str]]) -> None:
        super().__init__(summary([msg for _, msg in errors]))
        self.errors = errors


SAID = 3  # problems a one-line summary spells out before it counts the rest


def summary(messages: list[str]) -> str:
    """The first few problems in one line, and how many more there are."""
    shown = "; ".join(messages[:SAID])
    more = len(messages) - SAID
    return shown if more <= 0 else f"{shown}; and {more} more"

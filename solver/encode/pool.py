"""Participants turned into numpy arrays, once, for every criterion and rule.

Rows of every pair matrix are mentees, columns are mentors. List fields are
compared as whole items after normalisation (case, hyphens, spacing): "AI"
matches "ai" and "A.I." does not match "retail" — there is no substring luck.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from solver.contract.request import Participant, attribute_value
from solver.rules.items import Folding, utc_offset_hours
from solver.rules.reporting import Forest, forest

FULL_VOCABULARY = 512  # distinct items of both sides up to which every item is a column


@dataclass(frozen=True)
class Incidence:
    """Two sides' lists as 0/1 float32 tables (rows: people, columns: items).

    Only an item on both sides can ever be shared, so beyond `FULL_VOCABULARY` distinct
    items the tables hold those alone: their size follows the shared vocabulary, never the
    items one person alone lists. Up to it they hold every item, first listed first (left,
    then right): a stacked matrix product sums its terms in an order that depends on where
    each column is, so the scores of ordinary pools stay bit for bit what they were. Each
    person's count of distinct items (in a column or not) is kept beside the tables, for
    the denominators and for whether a person gave the field at all."""

    mine: np.ndarray  # mentees × items
    theirs: np.ndarray  # mentors × items
    mine_count: np.ndarray  # distinct items per mentee, int64
    theirs_count: np.ndarray  # distinct items per mentor, int64
    sets: tuple[list[dict[str, str]], list[dict[str, str]]]  # each side's `Folding.item_set`s


def _vocabulary(sides: list[list[dict[str, str]]], full_up_to: int) -> dict[str, int]:
    """Each item's column: every item while there are at most `full_up_to`, else only the
    items both sides list; in the order they are first listed, left side first."""
    every: dict[str, int] = {}
    for side in sides:
        for found in side:
            for key in found:
                every.setdefault(key, len(every))
    if len(every) <= full_up_to:
        return every
    on_both = [{key for found in side for key in found} for side in sides]
    shared = (key for key in every if key in on_both[0] and key in on_both[1])
    return {key: k for k, key in enumerate(shared)}


def incidence(
    left: Sequence[Sequence[str]],
    right: Sequence[Sequence[str]],
    folding: Folding | None = None,
    full_up_to: int | None = None,
) -> Incidence:
    """The two sides' lists over their vocabulary (`_vocabulary`; None: FULL_VOCABULARY)."""
    folding = folding or Folding()
    sides = [[folding.item_set(tuple(items)) for items in lists] for lists in (left, right)]
    vocabulary = _vocabulary(sides, FULL_VOCABULARY if full_up_to is None else full_up_to)
    matrices, counts = [], []
    for side in sides:
        count = np.array([len(found) for found in side], dtype=np.int64)
        column = vocabulary.get  # every item of the side in one flat pass, -1 if no column
        columns = np.array([column(k, -1) for found in side for k in found], dtype=np.int64)
        people = np.repeat(np.arange(len(side)), count)
        kept = columns >= 0
        matrix = np.zeros((len(side), max(len(vocabulary), 1)), dtype=np.float32)
        matrix[people[kept], columns[kept]] = 1.0  # one assignment
        matrices.append(matrix)
        counts.append(count)
    return Incidence(matrices[0], matrices[1], counts[0], counts[1], (sides[0], sides[1]))


def optional_floats(values: Iterable[float | None]) -> np.ndarray:
    """A float array with NaN where the value is missing."""
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def codes(
    values_a: Iterable[str | None], values_b: Iterable[str | None], folding: Folding | None = None
) -> tuple[np.ndarray, ...]:
    """Category codes over one shared vocabulary (normalised); -1 where missing."""
    normalise = (folding or Folding()).normalise
    vocabulary: dict[str, int] = {}
    coded = []
    for values in (values_a, values_b):
        out = [
            -1
            if not v or not normalise(v)
            else vocabulary.setdefault(normalise(v), len(vocabulary))
            for v in values
        ]
        coded.append(np.array(out, dtype=np.int64))
    return tuple(coded)


class Pool:
    """Both sides of a request as arrays, built once in vectorised passes."""

    def __init__(self, mentors: Sequence[Participant], mentees: Sequence[Participant]) -> None:
        self.mentors = list(mentors)
        self.mentees = list(mentees)
        self.mentor_index = {p.id: j for j, p in enumerate(self.mentors)}
        self.mentee_index = {p.id: i for i, p in enumerate(self.mentees)}
        self.every_mentee = self.mentees  # a block of mentees (`mentee_rows`) keeps the pool's
        self._lines: list[Forest] = []  # shared with the blocks: built once
        self.folding = folding = Folding()  # this request's item texts, gone with the pool
        e, m = self.mentees, self.mentors
        goals = incidence([p.goals for p in e], [p.skills for p in m], folding)
        self.goals, self.skills = goals.mine, goals.theirs
        self.goal_count, self.skill_count = goals.mine_count, goals.theirs_count
        languages = incidence([p.languages for p in e], [p.languages for p in m], folding)
        self.languages_e, self.languages_m = languages.mine, languages.theirs
        self.language_count_e, self.language_count_m = languages.mine_count, languages.theirs_count
        interests = incidence([p.interests for p in e], [p.interests for p in m], folding)
        self.interests_e, self.interests_m = interests.mine, interests.theirs
        self.interest_count_e, self.interest_count_m = interests.mine_count, interests.theirs_count
        slots = incidence([p.availability for p in e], [p.availability for p in m], folding)
        self.slots_e, self.slots_m = slots.mine, slots.theirs
        self.slot_count_e, self.slot_count_m = slots.mine_count, slots.theirs_count
        self.seniority_e = optional_floats(p.seniority for p in e)
        self.seniority_m = optional_floats(p.seniority for p in m)
        self.offset_e = optional_floats(
            utc_offset_hours(p.timezone) if p.timezone else None for p in e
        )
        self.offset_m = optional_floats(
            utc_offset_hours(p.timezone) if p.timezone else None for p in m
        )
        # each person's items as the explanations read them (`Folding.item_set`), by the
        # (mentee field, mentor field) a criterion reads
        self.item_sets = {
            ("goals", "skills"): goals.sets,
            ("languages", "languages"): languages.sets,
            ("interests", "interests"): interests.sets,
            ("availability", "availability"): slots.sets,
        }
        self.department_e, self.department_m = codes(
            [p.department for p in e], [p.department for p in m], folding
        )

    MENTEE_ARRAYS = (
        "goals",
        "goal_count",
        "languages_e",
        "language_count_e",
        "interests_e",
        "interest_count_e",
        "slots_e",
        "slot_count_e",
        "seniority_e",
        "offset_e",
        "department_e",
    )

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentees), len(self.mentors)

    def mentee_rows(self, first: int, last: int) -> Pool:
        """The same pool for mentees first..last-1 only (views, no copy): scoring in blocks
        keeps every temporary matrix small."""
        part = copy.copy(self)
        part.mentees = self.mentees[first:last]
        part.mentee_index = {p.id: i for i, p in enumerate(part.mentees)}
        for name in self.MENTEE_ARRAYS:
            setattr(part, name, getattr(self, name)[first:last])
        part.item_sets = {key: (e[first:last], m) for key, (e, m) in self.item_sets.items()}
        return part

    def lines(self) -> Forest:
        """The reporting lines of the whole request (every mentee, not a block's alone)."""
        if not self._lines:
            self._lines.append(forest(self.mentors, self.every_mentee))
        return self._lines[0]

    def attribute_codes(self, attribute: str) -> tuple[np.ndarray, np.ndarray]:
        """Codes of a top-level field (department, site, job_family) or an `attributes` key."""
        coded = codes(
            [attribute_value(p, attribute) for p in self.mentees],
            [attribute_value(p, attribute) for p in self.mentors],
            self.folding,
        )
        return coded[0], coded[1]

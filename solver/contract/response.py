"""The answer to a match request, as the HTTP contract (`docs/CONTRACT.md`) shapes it."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

M = TypeVar("M", bound=BaseModel)


def trusted(model: type[M], values: dict[str, Any]) -> M:
    """A response model from values the solver computed and typed itself, every field
    given: what `model_construct` builds, without its per-field alias and default search
    (tens of thousands of suggestions per large answer). Only for models with no aliases,
    defaults, extras or post-init (checked by the tests)."""
    built = model.__new__(model)
    object.__setattr__(built, "__dict__", values)
    object.__setattr__(built, "__pydantic_fields_set__", set(values))
    object.__setattr__(built, "__pydantic_extra__", None)
    object.__setattr__(built, "__pydantic_private__", None)
    return built


class Reason(BaseModel):
    criterion: str
    weight: float
    value: float
    contribution: float
    detail: str


class Pairing(BaseModel):
    rank: int
    mentor: str
    mentee: str
    score: float
    pinned: bool
    reasons: list[Reason]
    explanation: str


class Group(BaseModel):
    mentor: str
    mentees: list[str]


class Suggestion(BaseModel):
    mentor: str
    score: float
    assigned: bool
    has_room: bool
    reasons: list[Reason]


class Unmatched(BaseModel):
    id: str
    role: Literal["mentor", "mentee"]
    reason: str
    detail: str


class Conflict(BaseModel):
    rule: str = Field(description="The rule, pin or capacity that cannot hold.")
    ids: list[str] = Field(description="The participants it concerns.")
    detail: str


class Metrics(BaseModel):
    match_rate: float
    matched_mentees: int
    matched_volunteers: int
    mean_score: float
    min_score: float
    first_choice_rate: float
    cross_share: dict[str, float] = Field(
        description="Per attribute (department, and each cross rule's): the share of pairs "
        "that differ, among pairs where both values are known (0 when none is)."
    )
    blocking_pairs: int = Field(
        description="Pairs who would both rather be together (0 when stable)."
    )
    max_same_per_mentor: dict[str, int] = Field(
        default_factory=dict,
        description="Per max_same_per_mentor attribute: the most mentees of one mentor "
        "sharing one value.",
    )
    match_rate_by: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Per balance attribute: the match rate of each value's mentees.",
    )
    smallest_group: int | None = Field(
        None, description="Format group: the fewest mentees of a mentor who has any."
    )


class MatchResponse(BaseModel):
    status: Literal["optimal", "feasible", "infeasible"]
    objective: float
    bound: float
    gap: float
    engine: str
    solve_seconds: float
    pairings: list[Pairing]
    groups: list[Group]
    suggestions: dict[str, list[Suggestion]]
    unmatched: list[Unmatched]
    mentor_load: dict[str, int]
    metrics: Metrics
    conflicts: list[Conflict] = Field(default_factory=list)
    proof: str | None = Field(
        default=None,
        description="What `status` proves, in words, where a rule makes it worth saying "
        "(stable: for which orders the pairing is stable, and how ties are broken).",
    )

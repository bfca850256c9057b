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


class PairIds(BaseModel):
    """A pair of the compact answer: `Pairing` without its reasons and sentence."""

    rank: int = Field(
        description="1 for the best score; ties by mentor id, then mentee id.", examples=[1]
    )
    mentor: str = Field(description="The mentor's id.", examples=["m1"])
    mentee: str = Field(description="The mentee's id.", examples=["e1"])
    score: float = Field(description="The pair's score, 6 decimals.", examples=[0.812345])
    pinned: bool = Field(description="A manual pair (`program.pinned`).", examples=[False])


class UnmatchedId(BaseModel):
    """Someone the compact answer leaves unpaired: `Unmatched` without its sentence."""

    id: str = Field(description="The participant's id.", examples=["e7"])
    role: Literal["mentor", "mentee"] = Field(description="Their side.", examples=["mentee"])
    reason: str = Field(
        description="The reason code, as `Unmatched.reason` (`capacity`, `rule`, ...).",
        examples=["capacity"],
    )


class PairsResponse(BaseModel):
    """The compact answer (`program.answer: "pairs"`): the full answer's pairs, unmatched
    people, metrics, status and bound, without reasons, sentences, suggestions or groups."""

    answer: Literal["pairs"] = Field(
        description="Always `pairs`: tells this answer from the full one.", examples=["pairs"]
    )
    status: Literal["optimal", "feasible", "infeasible"] = Field(
        description="`optimal` only when proven; `feasible` with `bound` and `gap`; "
        "`infeasible` with `conflicts`.",
        examples=["optimal"],
    )
    objective: float = Field(description="The total score of the pairs made.", examples=[53.2])
    bound: float = Field(
        description="An upper bound on the total score (the objective when optimal).",
        examples=[53.2],
    )
    gap: float = Field(description="(bound - objective) / bound; 0 when optimal.", examples=[0])
    engine: str = Field(description="The engine that ran (docs/engines.md).", examples=["flow"])
    solve_seconds: float = Field(
        description="The solve and this answer, in seconds (not reading nor writing).",
        examples=[0.04],
    )
    pairings: list[PairIds] = Field(description="Every pair made, best score first.")
    unmatched: list[UnmatchedId] = Field(
        description="Every mentee and mentor left unpaired, mentees first, with the reason code."
    )
    metrics: Metrics = Field(description="The full answer's metrics, the same numbers.")
    conflicts: list[Conflict] = Field(
        default_factory=list, description="When `status` is `infeasible`: what clashes."
    )

"""The answer to a match request, as the HTTP contract (`docs/CONTRACT.md`) shapes it.

Long because every field says what it is, in which unit, with an example: the OpenAPI page
and the clients generated from it show no more than this.
"""

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


Status = Literal["optimal", "feasible", "infeasible"]
STATUS = (
    "`optimal`: proven best (volunteers, then matched mentees, then waiting rounds, then "
    "score); `feasible`: the best found in the time limit, with its `bound` and `gap`; "
    "`infeasible`: the rules cannot all hold (`conflicts` says which), nobody is paired."
)
UnmatchedReason = Literal[
    "no_eligible_mentor",
    "capacity",
    "not_volunteer",
    "rule",
    "search_stopped",
    "not_taking_mentees",
    "no_eligible_mentee",
    "not_needed",
    "infeasible",
]
SCORE = (
    "The pair's score, 6 decimals: the weighted mean of its criteria's values, in [0, 1], or "
    "the caller's own (`program.scores`, `program.score_matrix`) in the caller's units "
    "(`metrics.score_range`)."
)
GAP = (
    "(bound − objective) / bound when both are positive; over the larger of |bound|, "
    "|objective| and their difference otherwise; in [0, 1], 0 when optimal."
)


class Reason(BaseModel):
    """One criterion's part in a pair's score."""

    criterion: str = Field(
        description="The criterion (a key of `program.weights`).", examples=["goals"]
    )
    weight: float = Field(description="Its weight in this request (≥ 0).", examples=[3.0])
    value: float = Field(
        description="The criterion's value for this pair, in [0, 1] (for `scores`, the "
        "caller's own score, in the caller's units).",
        examples=[0.6667],
    )
    contribution: float = Field(
        description="weight × value / (sum of the weights): a pair's contributions add up to "
        "its score.",
        examples=[0.1818],
    )
    detail: str = Field(
        description="The evidence in words, in the answer's language.",
        examples=["covers 2 of 3 goals: public speaking and negotiation"],
    )


class Pairing(BaseModel):
    rank: int = Field(description="1 for the best-scored pair, then in score order.", examples=[1])
    mentor: str = Field(description="The mentor's id.", examples=["m1"])
    mentee: str = Field(description="The mentee's id.", examples=["e1"])
    score: float = Field(description=SCORE, examples=[0.833333])
    pinned: bool = Field(
        description="Made because `program.pinned` asked for it.", examples=[False]
    )
    reasons: list[Reason] = Field(description="Each criterion's part, strongest first.")
    explanation: str = Field(
        description="One sentence built from the two strongest reasons, with names where "
        "the request gives them.",
        examples=[
            "Claire (m1) mentors Léa (e1) (score 0.83) — covers 1 of 1 goal: public "
            "speaking; both speak French."
        ],
    )


class Group(BaseModel):
    mentor: str = Field(description="The mentor's id.", examples=["m1"])
    mentees: list[str] = Field(
        description="The ids of the mentor's mentees.", examples=[["e1", "e3"]]
    )


class Suggestion(BaseModel):
    mentor: str = Field(description="An eligible mentor's id.", examples=["m2"])
    score: float = Field(description=SCORE, examples=[0.833333])
    assigned: bool = Field(
        description="This mentor is the mentee's in the answer.", examples=[False]
    )
    has_room: bool = Field(
        description="The mentor has a place left in the answer.", examples=[True]
    )
    reasons: list[Reason] = Field(description="Each criterion's part, strongest first.")


class Unmatched(BaseModel):
    id: str = Field(description="The participant's id.", examples=["e3"])
    role: Literal["mentor", "mentee"] = Field(
        description="Which list they are in.", examples=["mentee"]
    )
    reason: UnmatchedReason = Field(
        description="Why, as a code: mentees `no_eligible_mentor`, `capacity` (the eligible "
        "mentors are full), `not_volunteer` (volunteers served first), `rule` (a program "
        "rule keeps them from mentors with room), `search_stopped` (the time limit came "
        "first); mentors `not_taking_mentees` (capacity 0), `no_eligible_mentee`, "
        "`not_needed` (the eligible mentees are better paired elsewhere), `rule`; everyone "
        "`infeasible`.",
        examples=["capacity"],
    )
    detail: str = Field(
        description="The reason in words, with the numbers and names behind it.",
        examples=["the only eligible mentor is full: Claire (m1)"],
    )


class Conflict(BaseModel):
    rule: str = Field(
        description="The rule, pin or capacity that cannot hold: `pinned`, `capacity`, "
        "`match_all_mentees`, or a program rule's name.",
        examples=["match_all_mentees"],
    )
    ids: list[str] = Field(description="The participants it concerns.", examples=[["e1", "e2"]])
    detail: str = Field(
        description="What clashes, in words.",
        examples=["e1 and e2 can only go to m1, who has 1 place"],
    )


class ScoreRange(BaseModel):
    """The lowest and highest caller score of the request, in the caller's units."""

    min: float = Field(description="The lowest score given.", examples=[-0.42])
    max: float = Field(description="The highest score given.", examples=[1.0003])


class Metrics(BaseModel):
    match_rate: float = Field(
        description="Matched mentees over all mentees, in [0, 1].", examples=[1.0]
    )
    matched_mentees: int = Field(description="Mentees with a mentor.", examples=[3])
    matched_volunteers: int = Field(description="Volunteer mentees with a mentor.", examples=[3])
    mean_score: float = Field(
        description="The pairs' mean score, in the scores' units (0 when none).",
        examples=[0.72],
    )
    min_score: float = Field(description="The lowest pair score (0 when none).", examples=[0.31])
    first_choice_rate: float = Field(
        description="Among matched mentees who stated preferences, the share paired with "
        "their first choice, in [0, 1].",
        examples=[0.5],
    )
    cross_share: dict[str, float] = Field(
        description="Per attribute (department, and each cross rule's): the share of pairs "
        "that differ, among pairs where both values are known (0 when none is).",
        examples=[{"department": 0.65}],
    )
    blocking_pairs: int = Field(
        description="Pairs who would both rather be together (0 when stable).", examples=[0]
    )
    max_same_per_mentor: dict[str, int] = Field(
        default_factory=dict,
        description="Per max_same_per_mentor attribute: the most mentees of one mentor "
        "sharing one value.",
        examples=[{"site": 1}],
    )
    match_rate_by: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Per balance attribute: the match rate of each value's mentees.",
        examples=[{"site": {"Paris": 1.0, "Lyon": 0.5}}],
    )
    smallest_group: int | None = Field(
        None,
        description="Format group: the fewest mentees of a mentor who has any.",
        examples=[2],
    )
    score_range: ScoreRange | None = Field(
        None,
        description="Caller scores (`program.scores`, `program.score_matrix`): the range of "
        "the scores given, in the caller's units, the units of every score, `objective` and "
        "`bound` of the answer; null when the criteria score (then scores are in [0, 1]).",
    )


class MatchResponse(BaseModel):
    status: Status = Field(description=STATUS, examples=["optimal"])
    objective: float = Field(
        description="The exact sum of the pairings' unrounded scores, rounded once to 6 "
        "decimals, in the scores' units (0 when infeasible).",
        examples=[2.1],
    )
    bound: float = Field(
        description="No answer keeping every rule can score more than this: equal to "
        "`objective` when optimal.",
        examples=[2.1],
    )
    gap: float = Field(
        description=GAP,
        examples=[0.0],
    )
    engine: str = Field(
        description="The engine that answered: `flow`, `cpsat`, `mip`, `lagrangian`, "
        "`deferred_acceptance`, `groups` or `fallback` (docs/engines.md).",
        examples=["flow"],
    )
    solve_seconds: float = Field(
        description="Seconds spent solving and explaining (not reading the request nor "
        "writing the answer); the one field that differs between identical requests.",
        examples=[0.012],
    )
    pairings: list[Pairing] = Field(description="The pairs, best score first.")
    groups: list[Group] = Field(description="Each mentor's mentees, by mentor id.")
    suggestions: dict[str, list[Suggestion]] = Field(
        description="Per mentee id: the best eligible mentors (`program.suggestions` of "
        "them, plus the assigned one when it ranks lower)."
    )
    unmatched: list[Unmatched] = Field(
        description="Everyone without a pair, with the reason: nobody is dropped silently."
    )
    mentor_load: dict[str, int] = Field(
        description="Mentees per mentor id.", examples=[{"m1": 2, "m2": 1}]
    )
    metrics: Metrics = Field(description="The answer's numbers.")
    conflicts: list[Conflict] = Field(
        default_factory=list,
        description="When `infeasible`: the rules, pins or capacities that cannot hold together.",
    )
    proof: str | None = Field(
        default=None,
        description="What `status` proves, in words, where a rule makes it worth saying "
        "(stable: for which orders the pairing is stable, and how ties are broken).",
        examples=[
            "Proven the best of the pairings with no blocking pair. Each person's "
            "order is their stated preferences, then the higher score, then the order of "
            "the request: two scores that tie are decided by who comes first in it."
        ],
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
    objective: float = Field(
        description="The exact total score of the pairs made (unrounded scores summed, then "
        "rounded once to 6 decimals), in the scores' units.",
        examples=[53.2],
    )
    bound: float = Field(
        description="An upper bound on the total score (the objective when optimal).",
        examples=[53.2],
    )
    gap: float = Field(
        description=GAP,
        examples=[0],
    )
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

"""The domain schema: what a match request and its answer are.

These pydantic models are the HTTP contract (`shared/CONTRACT.md`) and the
solver's input alike; the API adds nothing to them. Field-level checks live in
the models; checks that need the whole request (unique ids, references that
exist) are in `reference_errors`, which names the exact location of each
problem so the API can answer 422 pointing at the field.

Long because every field says what it is, in which unit or format, with an example: the
OpenAPI page and the clients generated from it show no more than this.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from solver.contract.matrix import SCORE_LIMIT, Matrix, MatrixValues

Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]


Text = Annotated[str, StringConstraints(max_length=500)]


Criterion = Literal[
    "goals",
    "languages",
    "interests",
    "availability",
    "timezone",
    "seniority",
    "preferences",
    "department",
]


Engine = Literal["auto", "flow", "cpsat", "mip"]


Loc = tuple[str | int, ...]


DEFAULT_WEIGHTS: dict[str, float] = {
    "goals": 3.0,
    "languages": 1.0,
    "interests": 1.0,
    "availability": 1.0,
    "timezone": 1.0,
    "seniority": 1.0,
    "preferences": 2.0,
    "department": 1.0,
}


class Strict(BaseModel):
    """Unknown fields are errors, never quietly ignored; NaN and Infinity are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, strict=True)


class Participant(Strict):
    """A mentor or a mentee: the two lists share one shape. List items are compared whole,
    case, accents' forms, hyphens and spacing folded ("Public-Speaking" is "public
    speaking"); a missing field never excludes a pair, it only earns no points."""

    id: Id = Field(
        description="Unique within its list; the same id in both lists is one person.",
        examples=["m1"],
    )
    name: Text | None = Field(None, description="Display only, never logged.", examples=["Claire"])
    department: Text | None = Field(
        None,
        description="The `department` criterion rewards pairs across departments; read by "
        "`rules.different_department` and diversity rules.",
        examples=["Finance"],
    )
    site: Text | None = Field(None, description="For diversity rules.", examples=["Lyon"])
    job_family: Text | None = Field(None, description="For diversity rules.", examples=["sales"])
    seniority: float | None = Field(
        None,
        ge=0,
        le=100,
        description="Years of experience (or a level), 0 to 100: a mentor ahead earns the "
        "`seniority` criterion, fully from 5 more; `rules.min_seniority_gap`.",
        examples=[7.5],
    )
    languages: list[Text] = Field(
        default_factory=list,
        max_length=50,
        description="Languages spoken, as ISO 639-1 codes (`fr`, `en`: intake writes them so, "
        "explanations name them in words; another label is compared as written). A pair "
        "shares one for `rules.shared_language` and the `languages` criterion.",
        examples=[["fr", "en"]],
    )
    timezone: Text | None = Field(
        None,
        description="IANA name, e.g. Europe/Paris: full `timezone` points in one zone, none "
        "12 hours apart (offsets averaged over January and July); "
        "`rules.max_timezone_gap_hours`.",
        examples=["Europe/Paris"],
    )
    availability: list[Text] = Field(
        default_factory=list,
        max_length=200,
        description="Weekly slots free, `day-half`: `mon` to `sun`, `am` or `pm` (`wed-am`, "
        "said 'Wed morning'); any other label is compared as written. The `availability` "
        "criterion: common slots over the shorter list's.",
        examples=[["mon-am", "thu-pm"]],
    )
    skills: list[Text] = Field(
        default_factory=list,
        max_length=200,
        description="Mentor: what they can teach, matched against mentees' goals.",
        examples=[["public speaking", "negotiation"]],
    )
    goals: list[Text] = Field(
        default_factory=list,
        max_length=200,
        description="Mentee: what they want to develop; the `goals` criterion is the share of "
        "them the mentor's skills cover.",
        examples=[["public speaking"]],
    )
    interests: list[Text] = Field(
        default_factory=list,
        max_length=200,
        description="The `interests` criterion: shared over all of the two's (Jaccard).",
        examples=[["running", "chess"]],
    )
    attributes: dict[Text, Text] = Field(
        default_factory=dict,
        description="Attribute name → value, for diversity rules.",
        examples=[{"generation": "gen_x"}],
    )
    volunteer: bool = Field(
        True, description="Volunteer mentees are matched first.", examples=[True]
    )
    waiting_rounds: int = Field(
        0,
        ge=0,
        le=1000,
        description="Rounds already spent unmatched: who waited longest is served first.",
        examples=[1],
    )
    capacity: int | None = Field(
        None,
        ge=0,
        le=1000,
        description="Mentor only: mentees this round (default `program.mentor_capacity`); "
        "0 = not now.",
        examples=[2],
    )
    manager_id: Id | None = Field(
        None, description="This person's manager (reporting line).", examples=["m7"]
    )
    preferences: list[Id] = Field(
        default_factory=list,
        max_length=200,
        description="Ids on the other side, best first: the `preferences` criterion.",
        examples=[["m1", "m2"]],
    )
    avoid: list[Id] = Field(
        default_factory=list,
        max_length=1000,
        description="Ids on the other side never to be paired with.",
        examples=[["m3"]],
    )

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value not in iana_zones():  # "localtime" would be the host's zone: answers differ
            raise ValueError(f"unknown IANA time zone {value!r}")
        return value


HOST_ZONES = frozenset({"localtime", "posixrules", "posix/localtime", "right/localtime"})


@lru_cache(maxsize=1)
def iana_zones() -> frozenset[str]:
    """The IANA time-zone names (the host's zone database or tzdata's), without the host's
    own `localtime` and `posixrules`; cached: names, not participant data."""
    return frozenset(available_timezones()) - HOST_ZONES


class Rules(Strict):
    """Hard rules: a pair that breaks one is never made. A rule applies only where both
    people have the field it reads."""

    shared_language: bool = Field(
        True, description="Pairs share at least one language.", examples=[True]
    )
    different_department: bool = Field(
        False, description="Pairs come from two departments.", examples=[False]
    )
    no_reporting_line: bool = Field(
        True, description="Nobody is paired along a reporting line.", examples=[True]
    )
    min_seniority_gap: float | None = Field(
        None, description="Mentor at least this many years more senior.", examples=[2.0]
    )
    max_timezone_gap_hours: float | None = Field(
        None, ge=0, le=24, description="Hours apart at most, 0 to 24.", examples=[3.0]
    )
    min_score: float | None = Field(
        None,
        description="No pair below this score, in the scores' units: [0, 1] for the "
        "criteria, the caller's own for `program.scores` or `program.score_matrix`.",
        examples=[0.2],
    )
    match_all_mentees: bool = Field(
        False, description="Every mentee must be matched (else infeasible).", examples=[False]
    )


class PairRef(Strict):
    mentor: Id = Field(description="A mentor's id.", examples=["m1"])
    mentee: Id = Field(description="A mentee's id.", examples=["e1"])


CALLER_SCORE = (
    "in the caller's own units: any finite number (negative too) of at most 1e12 in "
    "magnitude, higher is better; pairs are compared in these units"
)


class ScoredPair(PairRef):
    score: float = Field(
        ge=-SCORE_LIMIT,
        le=SCORE_LIMIT,
        description=f"The caller's score of the pair, {CALLER_SCORE}.",
        examples=[0.8],
    )


class ScoreMatrix(Strict):
    """The caller's scores of every pair at once: one row per mentee (in `mentees`' order),
    one value per mentor (in `mentors`' order). Read straight into an array: no pair
    becomes an object."""

    mentees: list[Id] = Field(
        max_length=100_000,
        description="The pool's mentee ids, each once, in the order of the rows: exactly the "
        "request's `mentees` (any order).",
        examples=[["e1", "e2"]],
    )
    mentors: list[Id] = Field(
        max_length=100_000,
        description="The pool's mentor ids, each once, in the order of the columns: exactly "
        "the request's `mentors` (any order).",
        examples=[["m1", "m2", "m3"]],
    )
    values: Annotated[Matrix, MatrixValues] = Field(
        description=f"One row per mentee, one score per mentor, {CALLER_SCORE}; `null` where "
        "the pair is not a candidate. A problem is located at its row and column "
        "(`values`, 12, 3).",
        examples=[[[0.82, -0.1, None], [0.4, 0.95, 0.31]]],
    )


Share = Annotated[float, Field(ge=0, le=1)]


class Diversity(Strict):
    """Diversity rules; an attribute is department, site, job_family or an `attributes` key."""

    cross: dict[Text, Share] = Field(
        default_factory=dict,
        description="At least this share of the pairs, in [0, 1], differ on the attribute.",
        examples=[{"department": 0.6}],
    )
    max_same_per_mentor: dict[Text, Annotated[int, Field(ge=1, le=1000)]] = Field(
        default_factory=dict,
        description="Among one mentor's mentees, at most k share a value of the attribute.",
        examples=[{"site": 1}],
    )
    balance: dict[Text, bool] = Field(
        default_factory=dict,
        description="Each value is matched at least in proportion to its share of the mentees.",
        examples=[{"generation": True}],
    )


class GroupSettings(Strict):
    min_size: int = Field(
        2, ge=1, le=1000, description="A mentor gets no mentee or at least this.", examples=[3]
    )


class RematchPolicy(Strict):
    """How `/v1/rematch` treats the current pairs (`/v1/match` does not read it)."""

    keep_rating: int = Field(
        4, ge=1, le=5, description="Pairs rated this or more (1 to 5) are kept.", examples=[4]
    )
    end_rating: int = Field(
        2, ge=0, le=5, description="Pairs rated this or less (0: none) end.", examples=[2]
    )
    change_penalty: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Score a change of mentor must gain before a current pair is broken, in "
        "the scores' units ([0, 1] for the criteria, the caller's own for caller scores).",
        examples=[0.05],
    )
    waiting_bonus: int = Field(
        1,
        ge=0,
        le=100,
        description="Waiting rounds added to mentees already in the program (pair running or "
        "ended): served before newcomers.",
        examples=[1],
    )


class Program(Strict):
    """How the program pairs people: every field optional."""

    format: Literal["one_to_one", "group", "reverse"] = Field(
        "one_to_one",
        description="`one_to_one`; `group`: a mentor's mentees meet together (see `group`); "
        "`reverse`: the junior mentors the senior.",
        examples=["one_to_one"],
    )
    mentor_capacity: int = Field(
        3, ge=0, le=1000, description="Default mentees per mentor.", examples=[2]
    )
    weights: dict[Criterion, Annotated[float, Field(ge=0, le=1000)]] = Field(
        default_factory=dict,
        description="Criterion → weight (0 to 1000; 0 turns it off), overriding the defaults: "
        "goals 3, preferences 2, the others 1.",
        examples=[{"goals": 5, "availability": 0}],
    )
    rules: Rules = Field(default_factory=Rules, description="Hard rules.")
    diversity: Diversity = Field(default_factory=Diversity, description="Diversity rules.")
    group: GroupSettings = Field(default_factory=GroupSettings, description="For format 'group'.")
    objective: Literal["total", "fair"] = Field(
        "total",
        description="After the matched counts: `total`, the highest sum of scores; `fair`, "
        "raise the lowest pair score first, then the total.",
        examples=["total"],
    )
    stable: bool = Field(
        False,
        description="No blocking pair: no mentor and mentee who both prefer each other (by "
        "`preferences`, then score) to what they got.",
        examples=[False],
    )
    pinned: list[PairRef] = Field(default_factory=list, description="Manual pairs, always kept.")
    forbidden: list[PairRef] = Field(default_factory=list, description="Pairs never made.")
    scores: list[ScoredPair] | None = Field(
        None,
        description="Caller's own scores, a sparse list: only listed pairs are candidates, "
        "each with its score (any finite number: the answer's `metrics.score_range` says "
        "the range seen). Not with `score_matrix`.",
    )
    score_matrix: ScoreMatrix | None = Field(
        None,
        description="Caller's own scores of every pair, dense: one row per mentee, `null` "
        "where a pair is not a candidate; any finite numbers. Not with `scores`.",
    )
    suggestions: int = Field(
        3, ge=0, le=50, description="Ranked mentors returned per mentee.", examples=[3]
    )
    time_limit_s: float = Field(
        10.0,
        gt=0,
        le=600,
        description="Seconds the whole request may take (clamped by BINOME_MAX_TIME_LIMIT_S).",
        examples=[10.0],
    )
    seed: int = Field(
        0, ge=0, le=2**31 - 1, description="Same request and seed, same answer.", examples=[0]
    )
    engine: Engine = Field(
        "auto",
        description="`auto`: the fastest engine that models every rule asked; or `flow`, "
        "`cpsat`, `mip` by name (docs/engines.md).",
        examples=["auto"],
    )
    rematch: RematchPolicy = Field(
        default_factory=RematchPolicy, description="How `/v1/rematch` treats current pairs."
    )
    answer: Literal["full", "pairs"] = Field(
        "full",
        description="What `POST /v1/match` answers. `full`: every pair explained (reasons, "
        "a sentence), suggestions, groups, each unmatched person's reason in words. `pairs`: "
        "the compact answer for platforms that store pairs themselves, pairings with ids and "
        "scores, unmatched ids with reason codes, metrics, status, bound and gap; no "
        "sentence, suggestion or name is built. `/v1/scenarios` and `/v1/rematch` answer in "
        "full.",
        examples=["pairs"],
    )

    def effective_weights(self) -> dict[str, float]:
        """Default weights, overridden by the manager's; a weight of 0 turns a criterion off."""
        weights = dict(DEFAULT_WEIGHTS)
        for name, weight in self.weights.items():
            weights[name] = weight
        return weights


TOP_LEVEL_ATTRIBUTES = ("department", "site", "job_family")


def attribute_value(person: Participant, attribute: str) -> str | None:
    """A participant's value of a diversity attribute: a top-level field (department, site,
    job_family) or an `attributes` key; None when they do not have it."""
    if attribute in TOP_LEVEL_ATTRIBUTES:
        value: str | None = getattr(person, attribute)
        return value
    return person.attributes.get(attribute)


class MatchRequest(Strict):
    mentors: list[Participant] = Field(max_length=100_000, description="Who can mentor.")
    mentees: list[Participant] = Field(max_length=100_000, description="Who wants a mentor.")
    program: Program = Field(default_factory=Program, description="The program's settings.")

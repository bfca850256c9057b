"""The domain schema: what a match request and its answer are.

These pydantic models are the HTTP contract (`shared/CONTRACT.md`) and the
solver's input alike; the API adds nothing to them. Field-level checks live in
the models; checks that need the whole request (unique ids, references that
exist) are in `reference_errors`, which names the exact location of each
problem so the API can answer 422 pointing at the field.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

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
    id: Id = Field(description="Unique within its list; the same id in both lists is one person.")
    name: Text | None = Field(None, description="Display only, never logged.")
    department: Text | None = None
    site: Text | None = None
    job_family: Text | None = None
    seniority: float | None = Field(None, ge=0, le=100, description="Years (or level).")
    languages: list[Text] = Field(default_factory=list, max_length=50)
    timezone: Text | None = Field(None, description="IANA name, e.g. Europe/Paris.")
    availability: list[Text] = Field(default_factory=list, max_length=200)
    skills: list[Text] = Field(default_factory=list, max_length=200, description="Mentor: teaches.")
    goals: list[Text] = Field(default_factory=list, max_length=200, description="Mentee: wants.")
    interests: list[Text] = Field(default_factory=list, max_length=200)
    attributes: dict[Text, Text] = Field(default_factory=dict, description="For diversity rules.")
    volunteer: bool = Field(True, description="Volunteer mentees are matched first.")
    waiting_rounds: int = Field(0, ge=0, le=1000, description="Rounds already spent unmatched.")
    capacity: int | None = Field(None, ge=0, le=1000, description="Mentor only; 0 = not now.")
    manager_id: Id | None = Field(None, description="This person's manager (reporting line).")
    preferences: list[Id] = Field(default_factory=list, max_length=200, description="Best first.")
    avoid: list[Id] = Field(default_factory=list, max_length=1000)

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
    shared_language: bool = Field(True, description="Pairs share at least one language.")
    different_department: bool = Field(False, description="Pairs come from two departments.")
    no_reporting_line: bool = Field(True, description="Nobody is paired along a reporting line.")
    min_seniority_gap: float | None = Field(None, description="Mentor at least this much senior.")
    max_timezone_gap_hours: float | None = Field(None, ge=0, le=24)
    min_score: float | None = Field(None, ge=0, le=1, description="No pair below this score.")
    match_all_mentees: bool = Field(False, description="Every mentee must be matched.")


class PairRef(Strict):
    mentor: Id
    mentee: Id


class ScoredPair(PairRef):
    score: float = Field(ge=0, le=1)


Share = Annotated[float, Field(ge=0, le=1)]


class Diversity(Strict):
    """Diversity rules; an attribute is department, site, job_family or an `attributes` key."""

    cross: dict[Text, Share] = Field(
        default_factory=dict,
        description="At least this share of the pairs differ on the attribute.",
    )
    max_same_per_mentor: dict[Text, Annotated[int, Field(ge=1, le=1000)]] = Field(
        default_factory=dict,
        description="Among one mentor's mentees, at most k share a value of the attribute.",
    )
    balance: dict[Text, bool] = Field(
        default_factory=dict,
        description="Each value is matched at least in proportion to its share of the mentees.",
    )


class GroupSettings(Strict):
    min_size: int = Field(2, ge=1, le=1000, description="A mentor gets no mentee or at least this.")


class RematchPolicy(Strict):
    """How `/v1/rematch` treats the current pairs (`/v1/match` does not read it)."""

    keep_rating: int = Field(4, ge=1, le=5, description="Pairs rated this or more are kept.")
    end_rating: int = Field(2, ge=0, le=5, description="Pairs rated this or less end.")
    change_penalty: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Score a change of mentor must gain before a current pair is broken.",
    )
    waiting_bonus: int = Field(
        1,
        ge=0,
        le=100,
        description="Waiting rounds added to mentees already in the program (pair running or "
        "ended): served before newcomers.",
    )


class Program(Strict):
    format: Literal["one_to_one", "group", "reverse"] = "one_to_one"
    mentor_capacity: int = Field(3, ge=0, le=1000, description="Default mentees per mentor.")
    weights: dict[Criterion, Annotated[float, Field(ge=0, le=1000)]] = Field(
        default_factory=dict, description="Overrides the default weight of each criterion."
    )
    rules: Rules = Field(default_factory=Rules)
    diversity: Diversity = Field(default_factory=Diversity)
    group: GroupSettings = Field(default_factory=GroupSettings, description="For format 'group'.")
    objective: Literal["total", "fair"] = "total"
    stable: bool = False
    pinned: list[PairRef] = Field(default_factory=list, description="Manual pairs, always kept.")
    forbidden: list[PairRef] = Field(default_factory=list, description="Pairs never made.")
    scores: list[ScoredPair] | None = Field(None, description="Caller's own scores.")
    suggestions: int = Field(3, ge=0, le=50, description="Ranked mentors returned per mentee.")
    time_limit_s: float = Field(10.0, gt=0, le=600)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    engine: Engine = "auto"
    rematch: RematchPolicy = Field(default_factory=RematchPolicy)
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
    mentors: list[Participant] = Field(max_length=100_000)
    mentees: list[Participant] = Field(max_length=100_000)
    program: Program = Field(default_factory=Program)

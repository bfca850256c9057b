"""The what-if contract: a base request, named variants, and each variant compared with the base."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from solver.contract.request import Id, MatchRequest
from solver.contract.response import STATUS, Metrics, Status, Unmatched


class Variant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(
        min_length=1,
        max_length=200,
        description="Unique among the variants.",
        examples=["capacity 1"],
    )
    patch: dict[str, Any] = Field(
        default_factory=dict,
        description="JSON Merge Patch (RFC 7396) on the base request.",
        examples=[{"program": {"mentor_capacity": 1}}],
    )
    add_mentors: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=100_000,
        description="Mentors joining, as `Participant`s.",
        examples=[[{"id": "m9", "skills": ["negotiation"]}]],
    )
    add_mentees: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=100_000,
        description="Mentees joining, as `Participant`s.",
        examples=[[{"id": "e9", "goals": ["negotiation"]}]],
    )
    remove: list[Id] = Field(
        default_factory=list,
        description="Ids leaving, on either side, with every reference.",
        examples=[["m2"]],
    )


class ScenarioRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    base: MatchRequest = Field(description="The request every variant is compared with.")
    variants: list[Variant] = Field(
        min_length=1, max_length=50, description="The what-ifs, each solved on its own."
    )


class PairChange(BaseModel):
    mentee: str = Field(description="The mentee's id.", examples=["e2"])
    before: str | None = Field(
        description="Mentor in the base answer (null: unmatched).", examples=["m2"]
    )
    after: str | None = Field(
        description="Mentor in this variant (null: unmatched or gone).", examples=["m1"]
    )


class Outcome(BaseModel):
    """One solved request, summarised for comparison."""

    name: str = Field(description="`base`, or the variant's name.", examples=["capacity 1"])
    status: Status = Field(description=STATUS, examples=["optimal"])
    objective: float = Field(description="The sum of the pairs' scores.", examples=[2.1])
    metrics: Metrics = Field(description="As `/v1/match` answers them.")
    unmatched: list[Unmatched] = Field(description="Everyone without a pair, with the reason.")
    solve_seconds: float = Field(description="Seconds this solve took.", examples=[0.01])


class VariantOutcome(Outcome):
    delta: dict[str, float] = Field(
        description="This variant's metric minus the base's, per metric.",
        examples=[{"match_rate": -0.333333, "mean_score": -0.05}],
    )
    changed_pairs: list[PairChange] = Field(description="The mentees whose mentor changed.")
    warnings: list[str] = Field(
        default_factory=list,
        description="Why the variant made no difference, in words (empty when it did).",
        examples=[["this variant changes no pair"]],
    )


class ScenarioResponse(BaseModel):
    base: Outcome = Field(description="The base request's outcome.")
    variants: list[VariantOutcome] = Field(description="Each variant's, in the request's order.")

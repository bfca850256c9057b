"""The what-if contract: a base request, named variants, and each variant compared with the base."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from solver.contract.request import Id, MatchRequest
from solver.contract.response import Metrics, Unmatched


class Variant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(min_length=1, max_length=200)
    patch: dict[str, Any] = Field(
        default_factory=dict, description="JSON Merge Patch (RFC 7396) on the base request."
    )
    add_mentors: list[dict[str, Any]] = Field(default_factory=list, max_length=100_000)
    add_mentees: list[dict[str, Any]] = Field(default_factory=list, max_length=100_000)
    remove: list[Id] = Field(
        default_factory=list, description="Ids leaving, on either side, with every reference."
    )


class ScenarioRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    base: MatchRequest
    variants: list[Variant] = Field(min_length=1, max_length=50)


class PairChange(BaseModel):
    mentee: str
    before: str | None = Field(description="Mentor in the base answer (null: unmatched).")
    after: str | None = Field(description="Mentor in this variant (null: unmatched or gone).")


class Outcome(BaseModel):
    """One solved request, summarised for comparison."""

    name: str
    status: str
    objective: float
    metrics: Metrics
    unmatched: list[Unmatched]
    solve_seconds: float


class VariantOutcome(Outcome):
    delta: dict[str, float] = Field(description="This variant's metric minus the base's.")
    changed_pairs: list[PairChange]
    warnings: list[str] = Field(
        default_factory=list,
        description="Why the variant made no difference, in words (empty when it did).",
    )


class ScenarioResponse(BaseModel):
    base: Outcome
    variants: list[VariantOutcome]

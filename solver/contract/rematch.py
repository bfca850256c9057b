"""The re-matching contract: the pool, its current pairs and their feedback, and the answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from solver.contract.request import Id, MatchRequest, PairRef, Strict, Text
from solver.contract.response import MatchResponse

MAX_LEAVING = 200_000  # every participant of the largest pool, once


class Feedback(Strict):
    """Feedback on one current pair."""

    mentor: Id = Field(description="The pair's mentor id.", examples=["m1"])
    mentee: Id = Field(description="The pair's mentee id.", examples=["e1"])
    rating: int | None = Field(None, ge=1, le=5, description="1 (bad) to 5 (great).", examples=[4])
    end: bool = Field(False, description="Someone asked to end this pair.", examples=[False])
    by: Literal["mentor", "mentee", "manager"] | None = Field(
        None, description="Who gave it (who asked to end, with `end`).", examples=["mentee"]
    )
    comment: Text | None = Field(
        None, description="Free text: never logged, never returned.", examples=["great fit"]
    )


class RematchRequest(Strict):
    pool: MatchRequest = Field(description="Everyone taking part now, newcomers included.")
    current: list[PairRef] = Field(
        default_factory=list,
        max_length=MAX_LEAVING // 2,
        description="The pairs running now (a mentee has one at most).",
    )
    feedback: list[Feedback] = Field(
        default_factory=list, max_length=100_000, description="Feedback on current pairs."
    )
    leaving: list[Id] = Field(
        default_factory=list,
        max_length=MAX_LEAVING,
        description="Ids leaving the program, each once.",
        examples=[["m2"]],
    )

    @field_validator("leaving")
    @classmethod
    def each_once(cls, value: list[str]) -> list[str]:
        """An id listed twice is a mistake to name, not work to repeat."""
        seen: set[str] = set()
        for pid in value:
            if pid in seen:
                raise ValueError(f"id {pid!r} is listed twice")
            seen.add(pid)
        return value


PairReason = Literal[
    "rated_well",
    "no_better_match",
    "mentor_left",
    "mentee_left",
    "end_requested",
    "low_rating",
    "mentor_not_taking",
    "replaces_ended",
    "moved",
    "was_waiting",
]


class PairNote(BaseModel):
    mentor: str = Field(description="The pair's mentor id.", examples=["m1"])
    mentee: str = Field(description="The pair's mentee id.", examples=["e1"])
    reason: PairReason = Field(
        description="Why, as a code: kept `rated_well`, `no_better_match`; ended "
        "`mentor_left`, `mentee_left`, `end_requested`, `low_rating`, `mentor_not_taking`; "
        "new `replaces_ended`, `moved`, `was_waiting`.",
        examples=["rated_well"],
    )
    detail: str = Field(description="The reason in words.", examples=["kept: well rated"])


class Move(BaseModel):
    mentee: str = Field(description="The mentee's id.", examples=["e2"])
    before: str = Field(description="The mentor of the current pair.", examples=["m2"])
    after: str | None = Field(description="The new mentor (null: now waiting).", examples=["m1"])
    reason: Literal["rematched"] = Field(
        description="Always `rematched`: the re-match moved them.", examples=["rematched"]
    )
    detail: str = Field(
        description="Where to, in words.",
        examples=["moved to Claire (m1): a better match, worth more than the change penalty"],
    )


class RematchResponse(BaseModel):
    result: MatchResponse = Field(description="The new match, as `/v1/match` answers it.")
    kept: list[PairNote] = Field(description="Current pairs that go on, and why.")
    ended: list[PairNote] = Field(description="Current pairs that end, and why.")
    new: list[PairNote] = Field(description="Pairs of the result that were not running.")
    moved: list[Move] = Field(description="Mentees of current pairs given another mentor or none.")

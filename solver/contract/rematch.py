"""The re-matching contract: the pool, its current pairs and their feedback, and the answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from solver.contract.request import Id, MatchRequest, PairRef, Strict, Text
from solver.contract.response import MatchResponse

MAX_LEAVING = 200_000  # every participant of the largest pool, once


class Feedback(Strict):
    mentor: Id
    mentee: Id
    rating: int | None = Field(None, ge=1, le=5, description="1 (bad) to 5 (great).")
    end: bool = Field(False, description="Someone asked to end this pair.")
    by: Literal["mentor", "mentee", "manager"] | None = None
    comment: Text | None = Field(None, description="Free text: never logged, never returned.")


class RematchRequest(Strict):
    pool: MatchRequest = Field(description="Everyone taking part now, newcomers included.")
    current: list[PairRef] = Field(
        default_factory=list,
        max_length=MAX_LEAVING // 2,
        description="The pairs running now (a mentee has one at most).",
    )
    feedback: list[Feedback] = Field(default_factory=list, max_length=100_000)
    leaving: list[Id] = Field(
        default_factory=list,
        max_length=MAX_LEAVING,
        description="Ids leaving the program, each once.",
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


class PairNote(BaseModel):
    mentor: str
    mentee: str
    reason: str = Field(description="A code: rated_well, low_rating, mentor_left, ...")
    detail: str = Field(description="The reason in words.")


class Move(BaseModel):
    mentee: str
    before: str
    after: str | None = Field(description="The new mentor (null: now waiting).")
    reason: str
    detail: str


class RematchResponse(BaseModel):
    result: MatchResponse
    kept: list[PairNote]
    ended: list[PairNote]
    new: list[PairNote]
    moved: list[Move]

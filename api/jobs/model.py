"""The job resource as clients see it (`POST /v1/jobs`, `GET /v1/jobs/{id}`), and the
record each backend keeps of a job (a plain dict of JSON values, `new_record`)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.problems import Problem
from solver import MatchRequest, MatchResponse, PairsResponse, RematchRequest, ScenarioRequest
from solver.contract.rematch import RematchResponse
from solver.contract.whatif import ScenarioResponse

JobKind = Literal["match", "scenarios", "rematch"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
ENDED = ("succeeded", "failed", "cancelled")
TIME: dict[str, Any] = {"format": "date-time"}
ATTEMPTS = 2  # a job whose worker is lost runs once more, then fails


class JobEnvelope(BaseModel):
    """A job's body as first read: its kind, and a request validated after as that kind's."""

    model_config = ConfigDict(extra="forbid")
    kind: JobKind
    request: dict[str, Any]


class JobSubmission(BaseModel):
    """A job: the endpoint whose work it is, and that endpoint's request as is."""

    model_config = ConfigDict(extra="forbid")
    kind: JobKind = Field(
        description="The work: `match` (POST /v1/match), `scenarios` (POST /v1/scenarios) or "
        "`rematch` (POST /v1/rematch).",
        examples=["scenarios"],
    )
    request: MatchRequest | ScenarioRequest | RematchRequest = Field(
        description="The request that endpoint takes, unchanged."
    )


class JobAccepted(BaseModel):
    """A job accepted: where to follow it (also in `Location`)."""

    id: str = Field(description="The job's id.", examples=["4f9c2b1e8d7a4c3b9e1f0a2d5c6b7e8f"])
    status: JobStatus = Field(description="Its status now.", examples=["queued"])


class JobProgress(BaseModel):
    """How far a job has gone, updated while it runs (a few times a second at most)."""

    variants_done: int | None = Field(
        None,
        description="`scenarios`: the solves ended, the base's included; null for other kinds.",
        examples=[3],
    )
    variants_total: int | None = Field(
        None, description="`scenarios`: 1 + the variants; null for other kinds.", examples=[5]
    )
    search: str | None = Field(
        None,
        description="The search running or last run: `cpsat:<level>` (the lexicographic level "
        "CP-SAT maximises: balance, volunteers, matched, waiting, lowest, total) or `mip` "
        "(HiGHS); null while none has run (a min-cost flow answers without one).",
        examples=["cpsat:total"],
    )
    objective: float | None = Field(
        None,
        description="The best objective that search has found so far, in its own integer units "
        "(scores are scaled); null before its first incumbent.",
        examples=[123400.0],
    )
    bound: float | None = Field(
        None,
        description="The best bound that search has proven so far (no answer beats it), in the "
        "same units; null before it has one.",
        examples=[125000.0],
    )


class Job(BaseModel):
    """A job: its status, its progress, and its result or error once it has ended."""

    id: str = Field(description="The job's id.", examples=["4f9c2b1e8d7a4c3b9e1f0a2d5c6b7e8f"])
    kind: JobKind = Field(description="The work, as submitted.", examples=["match"])
    status: JobStatus = Field(
        description="`queued`, `running`, then `succeeded`, `failed` or `cancelled`.",
        examples=["running"],
    )
    progress: JobProgress = Field(description="How far it has gone.")
    created: str = Field(
        description="When it was submitted: ISO 8601, UTC.",
        examples=["2026-12-02T15:00:00Z"],
        json_schema_extra=TIME,
    )
    started: str | None = Field(
        None,
        description="When a worker started it (its latest run): ISO 8601, UTC.",
        examples=["2026-12-02T15:00:01Z"],
        json_schema_extra=TIME,
    )
    finished: str | None = Field(
        None,
        description="When it ended: ISO 8601, UTC.",
        examples=["2026-12-02T15:00:09Z"],
        json_schema_extra=TIME,
    )
    attempts: int = Field(
        description="Runs started: 2 when its first worker was lost and it ran again.",
        examples=[1],
    )
    cancel_requested: bool = Field(
        description="DELETE asked for it to stop; it ends `cancelled` once its search stops.",
        examples=[False],
    )
    error: Problem | None = Field(
        None,
        description="`failed`: the problem the endpoint would have answered (422, 413), or "
        "`Worker lost` (500).",
    )
    result: MatchResponse | PairsResponse | ScenarioResponse | RematchResponse | None = Field(
        None,
        description="`succeeded`: exactly what the endpoint answers. `cancelled`: the best "
        "answer found before the search stopped (a `match` or `rematch` that had one), else "
        "null.",
    )


def now() -> float:
    return time.time()


def stamp(seconds: float | None) -> str | None:
    """Epoch seconds as an ISO 8601 UTC time."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def new_record(kind: str, language: str, digest: str, ttl_s: float) -> dict[str, Any]:
    created = now()
    return {
        "id": uuid.uuid4().hex,
        "kind": kind,
        "status": "queued",
        "language": language,
        "digest": digest,
        "created": created,
        "expires": created + ttl_s,
        "started": None,
        "finished": None,
        "heartbeat": None,
        "attempts": 0,
        "cancel_requested": False,
        "progress": {},
        "error": None,
        "has_result": False,
        "pid": None,  # the process running it (kept for the operator's tests, never shown)
    }


def shown(record: dict[str, Any]) -> dict[str, Any]:
    """The record as `Job` shows it, but the result (spliced in as stored: `api.jobs.http`)."""
    return {
        "id": record["id"],
        "kind": record["kind"],
        "status": record["status"],
        "progress": JobProgress(**record["progress"]).model_dump(),
        "created": stamp(record["created"]),
        "started": stamp(record["started"]),
        "finished": stamp(record["finished"]),
        "attempts": record["attempts"],
        "cancel_requested": record["cancel_requested"],
        "error": record["error"],
    }

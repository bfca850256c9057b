"""POST /v1/jobs, GET and DELETE /v1/jobs/{id}: an endpoint's work as a job (`api.jobs`).

A job's request is read and held to the limits of its endpoint at submission (400, 413,
422 as that endpoint answers them), so a job that is queued is one the endpoint would
have taken; what its solve refuses (an infeasible time limit, a variant that breaks a
rule) is the job's `error`."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from api.guards import authorised
from api.jobs import Job, JobAccepted, JobEnvelope, Jobs, JobSubmission, cancel, shown, submit
from api.openapi import REF, request_body
from api.problems import ProblemError
from api.reading import parse, received
from api.settings import Settings, get_settings
from api.solving import PROBLEM, counted_early
from api.validation import validate
from api.work import KINDS
from solver.messages import negotiate

router = APIRouter(prefix="/v1", tags=["jobs"], dependencies=[Depends(authorised)])
JOB_ID = Path(description="The job's id, as `POST /v1/jobs` gave it.", max_length=64)
KEY = Header(
    alias="Idempotency-Key",
    description="Any string of your own (at most 200 characters): the same key with the same "
    "body gives back the same job while it is kept; with another body, 409.",
    max_length=200,
)


def _json(model: type[Any], description: str, example: dict[str, Any]) -> dict[str, Any]:
    """An answer of this model, its schema among the components (`api.app.Service.openapi`)."""
    schema = {"$ref": REF.format(model=model.__name__)}
    return {"description": description, "content": {MEDIA: {"schema": schema, "example": example}}}


MEDIA = "application/json"
ACCEPTED = {"id": "4f9c2b1e8d7a4c3b9e1f0a2d5c6b7e8f", "status": "queued"}
JOB = {
    **ACCEPTED,
    "kind": "match",
    "status": "running",
    "progress": {"search": "cpsat:total", "objective": 123400.0, "bound": 125000.0},
    "created": "2026-12-02T15:00:00Z",
    "started": "2026-12-02T15:00:01Z",
    "finished": None,
    "attempts": 1,
    "cancel_requested": False,
    "error": None,
    "result": None,
}
SUBMITTED: dict[int | str, dict[str, Any]] = {
    202: _json(JobAccepted, "Queued; follow it at `Location`.", ACCEPTED),
    200: _json(JobAccepted, "The job already under this Idempotency-Key.", ACCEPTED),
    **{code: PROBLEM for code in (400, 408, 409, 413, 422, 503)},
}
FOLLOWED: dict[int | str, dict[str, Any]] = {
    404: {**PROBLEM, "description": "No such job, or it has expired."}
}
THE_JOB = {"responses": {"200": _json(Job, "The job now.", JOB)}}  # merged over FastAPI's own
EXAMPLE = {"kind": "match", "request": {"mentors": [], "mentees": []}}


def get_jobs(http: Request) -> Jobs:
    jobs: Jobs = http.app.state.jobs
    return jobs


def _read(body: bytearray, content_type: str | None, settings: Settings) -> tuple[str, Any]:
    """The kind and the request, validated as that kind's endpoint validates its body."""

    def count(value: Any) -> None:
        kind = KINDS.get(str(value.get("kind"))) if isinstance(value, dict) else None
        if kind is not None:
            counted_early(settings, ("request", *kind.where))(value)

    envelope = parse(JobEnvelope, body, content_type, count)
    kind = KINDS[envelope.kind]
    request, errors = validate(kind.model, envelope.request)
    if errors:
        raise RequestValidationError([{**e, "loc": ("body", "request", *e["loc"])} for e in errors])
    try:
        kind.admit(request, settings)
    except ProblemError as exc:
        for error in exc.errors or []:
            error["loc"] = ["body", "request", *error["loc"][1:]]
        raise
    return envelope.kind, envelope.request


@router.post(
    "/jobs",
    status_code=202,
    response_model=None,
    responses=SUBMITTED,
    summary="Submit a match, what-if comparison or re-match as a job",
    openapi_extra=request_body(JobSubmission, {"match": {"summary": "A job", "value": EXAMPLE}}),
)
async def submit_job(
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    jobs: Annotated[Jobs, Depends(get_jobs)],
    idempotency_key: Annotated[str | None, KEY] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """Queued at once (`202`, `Location: /v1/jobs/{id}`); a worker runs it exactly as the
    endpoint of its `kind` would, in the language asked (`Accept-Language`). At most
    `BINOME_MAX_QUEUED_JOBS` wait; beyond, 503 with `Retry-After`."""
    async with received(http, settings) as body:
        ctype = http.headers.get("content-type")
        kind, request = await run_in_threadpool(_read, body, ctype, settings)
    language = negotiate(accept_language)
    record, new = await run_in_threadpool(
        submit, jobs.backend, settings, kind, request, language, idempotency_key
    )
    accepted = JobAccepted(id=record["id"], status=record["status"]).model_dump_json()
    location = {"Location": f"/v1/jobs/{record['id']}"}
    return Response(accepted, 202 if new else 200, location, "application/json")


def _answer(jobs: Jobs, record: dict[str, Any] | None, job_id: str) -> Response:
    if record is None:
        raise ProblemError(404, "Not found", f"no job {job_id!r} (never submitted, or expired)")
    result = jobs.backend.store.result(job_id) if record["has_result"] else None
    head = json.dumps(shown(record), separators=(",", ":"))
    return Response(f'{head[:-1]},"result":{result or "null"}}}', media_type="application/json")


@router.get(
    "/jobs/{job_id}",
    response_model=None,
    responses=FOLLOWED,
    summary="Follow a job",
    openapi_extra=THE_JOB,
)
def get_job(jobs: Annotated[Jobs, Depends(get_jobs)], job_id: Annotated[str, JOB_ID]) -> Response:
    """The job's status, progress and timestamps; once it has ended, its `result` (exactly
    the endpoint's answer) or its `error` (a problem document)."""
    return _answer(jobs, jobs.backend.store.get(job_id), job_id)


@router.delete(
    "/jobs/{job_id}",
    response_model=None,
    responses=FOLLOWED,
    summary="Cancel a job",
    openapi_extra=THE_JOB,
)
def cancel_job(
    jobs: Annotated[Jobs, Depends(get_jobs)], job_id: Annotated[str, JOB_ID]
) -> Response:
    """A queued job ends `cancelled` at once; a running one stops its search within a
    second and ends `cancelled`, with the best answer found so far when a `match` or
    `rematch` had one. An ended job is answered as it is."""
    return _answer(jobs, cancel(jobs.backend.store, job_id), job_id)

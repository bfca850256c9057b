"""What every solving route shares: reading its request, solver options from the settings,
solver slots around a solve run in a thread of its own, the refusals they document, a
refused request as problem+json, the answer serialised off the event loop, and the counts
noted for logs and metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from fastapi import Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api import running
from api.guards import SolveSlots, busy, check_size, solve_weight, take_slots
from api.observe import Metrics
from api.problems import ProblemError
from api.reading import Count, Model, parsed
from api.score_body import lift_matrix
from api.settings import Settings
from solver import InvalidRequest, MatchRequest, MatchResponse, PairsResponse, SolveOptions
from solver.messages import negotiate

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
REFUSALS: dict[int | str, dict[str, Any]] = {
    code: PROBLEM for code in (400, 401, 408, 413, 422, 503)
}
T = TypeVar("T")


def solve_options(settings: Settings, accept_language: str | None) -> SolveOptions:
    return SolveOptions(
        language=negotiate(accept_language),
        num_workers=settings.solver_threads,
        max_time_limit_s=settings.max_time_limit_s,
    )


def counted_early(settings: Settings, where: tuple[str, ...] = ()) -> Count:
    """The pool at `where` of the parsed JSON held to the size limits before it is validated
    (validating 99,999 participants costs a second, only to refuse them), when it has the
    shape of one: lists of mentors and mentees. Otherwise validation speaks first. Then
    its score matrix's values become one array (`api.score_body`)."""

    def count(value: Any) -> None:
        for key in where:
            value = value.get(key) if isinstance(value, dict) else None
        if not isinstance(value, dict):
            return
        if all(isinstance(value.get(side, []), list) for side in ("mentors", "mentees")):
            check_size(value, settings, where)
        lift_matrix(value)

    return count


async def read_request(
    http: Request,
    settings: Settings,
    slots: SolveSlots,
    model: type[Model],
    where: tuple[str, ...] = (),
) -> Model:
    """The request, read and validated off the event loop, its pool at `where` counted
    first; refused (503) before a byte of it is read when every solver slot is taken."""
    if slots.busy >= slots.size:
        raise busy(slots, settings)
    return await parsed(http, settings, model, counted_early(settings, where))


def weight(request: MatchRequest) -> int:
    """The request's weight for admission (`api.guards.solve_weight`)."""
    return solve_weight(len(request.mentors), len(request.mentees))


async def solve(
    http: Request,
    settings: Settings,
    slots: SolveSlots,
    options: SolveOptions,
    pool: MatchRequest,
    work: Callable[[SolveOptions, int], T],
    wanted: int = 1,
) -> T:
    """work(options, slots taken) in a thread of its own, holding up to `wanted` solver
    slots for a pool of this size until it ends, cancelled if the client hangs up."""
    counts = {"mentors": len(pool.mentors), "mentees": len(pool.mentees)}
    http.scope.setdefault("state", {})["log_fields"] = counts
    size = weight(pool)
    taken = take_slots(slots, settings, wanted, size)
    return await running.run(
        http,
        lambda cancel: work(replace(options, cancel=cancel), taken),
        lambda: slots.give_back(taken, size),
    )


async def as_json(answer: BaseModel, language: str) -> Response:
    """The answer serialised in a worker thread, straight from the model by pydantic-core
    (no second validation: 10k × 3.4k, a 43 MB answer in about 0.15 s, off the loop), as
    the bytes it writes: `model_dump_json` would decode them into a str that the response
    then encodes again (0.04 s more at that size)."""
    body = await run_in_threadpool(answer.__pydantic_serializer__.to_json, answer)
    return Response(body, media_type="application/json", headers={"Content-Language": language})


def note(http: Request, request: MatchRequest, answer: MatchResponse | PairsResponse) -> None:
    """Counts and outcome for the access log and /metrics (ids and numbers only)."""
    people = len(request.mentors) + len(request.mentees)
    metrics: Metrics = http.app.state.metrics
    metrics.solved(answer.engine, answer.status, people)
    http.scope.setdefault("state", {})["log_fields"] = {
        "mentors": len(request.mentors),
        "mentees": len(request.mentees),
        "engine": answer.engine,
        "solve_status": answer.status,
        "pairs": len(answer.pairings),
        "solve_seconds": answer.solve_seconds,
    }


MAX_ERRORS = 100  # located errors listed in one answer (the detail counts the rest)


def refused(exc: InvalidRequest, where: tuple[str | int, ...] = ()) -> ProblemError:
    errors = [{"loc": ["body", *where, *loc], "msg": msg} for loc, msg in exc.errors[:MAX_ERRORS]]
    return ProblemError(422, "Invalid request", str(exc), errors)

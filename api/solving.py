"""What every solving route shares: solver options from the settings, the refusals they
document, a refused request as problem+json, and the counts noted for logs and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.observe import Metrics
from api.problems import ProblemError
from api.settings import Settings
from solver import InvalidRequest, MatchRequest, MatchResponse, SolveOptions
from solver.messages import negotiate

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
REFUSALS: dict[int | str, dict[str, Any]] = {code: PROBLEM for code in (400, 401, 413, 422, 503)}


def solve_options(settings: Settings, accept_language: str | None) -> SolveOptions:
    return SolveOptions(
        language=negotiate(accept_language),
        num_workers=settings.solver_threads,
        max_time_limit_s=settings.max_time_limit_s,
    )


def note(http: Request, request: MatchRequest, answer: MatchResponse) -> None:
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

"""POST /v1/match: a participant pool in, ranked and explained pairings out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from api.guards import authorised, check_size, solve_slot
from api.observe import METRICS
from api.problems import ProblemError
from api.settings import Settings, get_settings
from solver import InvalidRequest, MatchRequest, MatchResponse, SolveOptions, match
from solver.messages import negotiate

router = APIRouter(prefix="/v1", tags=["match"], dependencies=[Depends(authorised)])

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
    METRICS.solved(answer.engine, answer.status, people)
    http.scope.setdefault("state", {})["log_fields"] = {
        "mentors": len(request.mentors),
        "mentees": len(request.mentees),
        "engine": answer.engine,
        "solve_status": answer.status,
        "pairs": len(answer.pairings),
        "solve_seconds": answer.solve_seconds,
    }


def refused(exc: InvalidRequest, where: tuple[str | int, ...] = ()) -> ProblemError:
    errors = [{"loc": ["body", *where, *loc], "msg": msg} for loc, msg in exc.errors]
    return ProblemError(422, "Invalid request", str(exc), errors)


@router.post(
    "/match", response_model=MatchResponse, responses=REFUSALS, summary="Match a participant pool"
)
def post_match(
    request: MatchRequest,
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The best pairings under the program's rules, each explained; nobody is left out."""
    check_size(request, settings)
    options = solve_options(settings, accept_language)
    try:
        with solve_slot(settings):
            answer = match(request, options)
    except InvalidRequest as exc:
        raise refused(exc) from exc
    note(http, request, answer)
    # Serialised straight from the model by pydantic-core: no second validation of the
    # response_model pass (10k x 3.4k: a 42 MB answer in about 0.3 s).
    language = {"Content-Language": options.language}
    return Response(answer.model_dump_json(), media_type="application/json", headers=language)

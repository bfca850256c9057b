"""POST /v1/match: a participant pool in, ranked and explained pairings out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Response

from api.problems import ProblemError
from api.settings import Settings, get_settings
from solver import InvalidRequest, MatchRequest, MatchResponse, SolveOptions, match
from solver.messages import negotiate

router = APIRouter(prefix="/v1", tags=["match"])

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


def solve_options(settings: Settings, accept_language: str | None) -> SolveOptions:
    return SolveOptions(
        language=negotiate(accept_language),
        num_workers=settings.solver_threads,
        max_time_limit_s=settings.max_time_limit_s,
    )


def run_match(request: MatchRequest, options: SolveOptions) -> MatchResponse:
    """The solver's answer, with its refusals turned into a 422 naming the fields."""
    try:
        return match(request, options)
    except InvalidRequest as exc:
        errors = [{"loc": ["body", *loc], "msg": msg} for loc, msg in exc.errors]
        raise ProblemError(422, "Invalid request", str(exc), errors) from exc


@router.post(
    "/match",
    response_model=MatchResponse,
    responses={400: PROBLEM, 422: PROBLEM},
    summary="Match a participant pool",
)
def post_match(
    request: MatchRequest,
    response: Response,
    settings: Annotated[Settings, Depends(get_settings)],
    accept_language: Annotated[str | None, Header()] = None,
) -> MatchResponse:
    """The best pairings under the program's rules, each explained; nobody is left out."""
    options = solve_options(settings, accept_language)
    response.headers["Content-Language"] = options.language
    return run_match(request, options)

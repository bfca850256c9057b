"""POST /v1/scenarios: a base request and named variants, each compared with the base."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from api.match import PROBLEM, solve_options
from api.problems import ProblemError
from api.settings import Settings, get_settings
from scenarios.whatif import ScenarioRequest, ScenarioResponse, VariantError, run_scenarios
from solver import InvalidRequest

router = APIRouter(prefix="/v1", tags=["scenarios"])


@router.post(
    "/scenarios",
    response_model=ScenarioResponse,
    responses={400: PROBLEM, 422: PROBLEM},
    summary="Compare what-if variants of a pool",
)
def post_scenarios(
    request: ScenarioRequest,
    response: Response,
    settings: Annotated[Settings, Depends(get_settings)],
    accept_language: Annotated[str | None, Header()] = None,
) -> ScenarioResponse:
    """Each variant (a JSON Merge Patch on the base, plus `add_mentors`, `add_mentees` and
    `remove`) is solved exactly as `/v1/match` would solve the patched request, within the
    base's time budget, and returned with its metrics, their change against the base, the
    mentees who moved and the unmatched."""
    options = solve_options(settings, accept_language)
    response.headers["Content-Language"] = options.language
    try:
        return run_scenarios(request, options, workers=settings.scenario_workers)
    except (VariantError, InvalidRequest) as exc:
        errors = [{"loc": ["body", *loc], "msg": msg} for loc, msg in exc.errors]
        raise ProblemError(422, "Invalid request", str(exc), errors) from exc

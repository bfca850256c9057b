"""POST /v1/scenarios: a base request and named variants, each compared with the base."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from api.examples import COMPARED, SCENARIOS
from api.guards import SolveSlots, authorised, get_slots
from api.openapi import answered, request_body
from api.settings import Settings, get_settings
from api.solving import REFUSALS, as_json, read_request, solve, solve_options
from api.work import KINDS
from solver import ScenarioRequest, ScenarioResponse

KIND = KINDS["scenarios"]

router = APIRouter(prefix="/v1", tags=["scenarios"], dependencies=[Depends(authorised)])


@router.post(
    "/scenarios",
    response_model=ScenarioResponse,
    responses={**answered(COMPARED), **REFUSALS},
    summary="Compare what-if variants of a pool",
    operation_id="compare_scenarios",
    openapi_extra=request_body(ScenarioRequest, SCENARIOS),
)
async def post_scenarios(
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    slots: Annotated[SolveSlots, Depends(get_slots)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """Each variant (a JSON Merge Patch on the base, plus `add_mentors`, `add_mentees` and
    `remove`) is solved exactly as `/v1/match` would solve the patched request, within the
    base's time budget, and returned with its metrics, their change against the base, the
    mentees who moved and the unmatched. One solver slot is held per solve running at once
    (up to `BINOME_SCENARIO_WORKERS`, as many as are free)."""
    request = await read_request(http, settings, slots, ScenarioRequest, ("base",))
    KIND.admit(request, settings)
    options = solve_options(settings, accept_language)
    answer = await solve(
        http,
        settings,
        slots,
        options,
        request.base,
        lambda o, n: KIND.answer(request, o, n, settings),
        KIND.wanted(request, settings),
    )
    return await as_json(answer, options.language)

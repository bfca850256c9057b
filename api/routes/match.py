"""POST /v1/match: a participant pool in, ranked and explained pairings out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from api.examples import MATCH, MATCHED
from api.guards import SolveSlots, authorised, get_slots
from api.openapi import answered, request_body
from api.settings import Settings, get_settings
from api.solving import REFUSALS, as_json, note, read_request, solve, solve_options
from api.work import KINDS
from solver import MatchRequest, MatchResponse, PairsResponse

KIND = KINDS["match"]

router = APIRouter(prefix="/v1", tags=["match"], dependencies=[Depends(authorised)])


@router.post(
    "/match",
    response_model=MatchResponse | PairsResponse,
    responses={**answered(MATCHED), **REFUSALS},
    summary="Match a participant pool",
    operation_id="match",
    openapi_extra=request_body(MatchRequest, MATCH),
)
async def post_match(
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    slots: Annotated[SolveSlots, Depends(get_slots)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The best pairings under the program's rules, each explained; nobody is left out.
    With `program.answer: "pairs"`, the compact answer: ids, scores and reason codes."""
    request = await read_request(http, settings, slots, MatchRequest)
    KIND.admit(request, settings)
    options = solve_options(settings, accept_language)
    answered = await solve(
        http, settings, slots, options, request, lambda o, n: KIND.answer(request, o, n, settings)
    )
    note(http, request, answered)
    return await as_json(answered, options.language)

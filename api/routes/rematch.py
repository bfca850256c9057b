"""POST /v1/rematch: after mid-program feedback, keep what works and re-pair the rest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from api.examples import REMATCH, REMATCHED
from api.guards import SolveSlots, authorised, get_slots
from api.openapi import answered, request_body
from api.settings import Settings, get_settings
from api.solving import REFUSALS, as_json, note, read_request, solve, solve_options
from api.work import KINDS
from solver import RematchRequest, RematchResponse

KIND = KINDS["rematch"]

router = APIRouter(prefix="/v1", tags=["rematch"], dependencies=[Depends(authorised)])


@router.post(
    "/rematch",
    response_model=RematchResponse,
    responses={**answered(REMATCHED), **REFUSALS},
    summary="Re-match after feedback, moving as few people as possible",
    operation_id="rematch",
    openapi_extra=request_body(RematchRequest, REMATCH),
)
async def post_rematch(
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    slots: Annotated[SolveSlots, Depends(get_slots)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """Well-rated pairs are kept, ended and badly rated pairs never re-form, leavers' pairs
    end, and any other current pair changes only when the change gains more than
    `program.rematch.change_penalty`. Every current pair is reported as kept, ended or
    moved, every new pair with its reason. Feedback comments are never logged nor returned."""
    request = await read_request(http, settings, slots, RematchRequest, ("pool",))
    KIND.admit(request, settings)
    options = solve_options(settings, accept_language)
    answer = await solve(
        http,
        settings,
        slots,
        options,
        request.pool,
        lambda o, n: KIND.answer(request, o, n, settings),
    )
    note(http, request.pool, answer.result)
    return await as_json(answer, options.language)

"""POST /v1/rematch: after mid-program feedback, keep what works and re-pair the rest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from api.guards import SolveSlots, authorised, check_budget, check_size, get_slots, solve_slots
from api.settings import Settings, get_settings
from api.solving import REFUSALS, note, refused, solve_options
from solver import InvalidRequest, RematchRequest, RematchResponse, rematch

router = APIRouter(prefix="/v1", tags=["rematch"], dependencies=[Depends(authorised)])


@router.post(
    "/rematch",
    response_model=RematchResponse,
    responses=REFUSALS,
    summary="Re-match after feedback, moving as few people as possible",
)
def post_rematch(
    request: RematchRequest,
    http: Request,
    response: Response,
    settings: Annotated[Settings, Depends(get_settings)],
    slots: Annotated[SolveSlots, Depends(get_slots)],
    accept_language: Annotated[str | None, Header()] = None,
) -> RematchResponse:
    """Well-rated pairs are kept, ended and badly rated pairs never re-form, leavers' pairs
    end, and any other current pair changes only when the change gains more than
    `program.rematch.change_penalty`. Every current pair is reported as kept, ended or
    moved, every new pair with its reason. Feedback comments are never logged nor returned."""
    check_size(request.pool, settings, ("pool",))
    notes = len(request.current) + len(request.pool.mentees)  # kept, ended, moved; new
    check_budget(request.pool, settings, ("pool",), notes)
    options = solve_options(settings, accept_language)
    response.headers["Content-Language"] = options.language
    try:
        with solve_slots(slots, settings):
            answer = rematch(request, options)
    except InvalidRequest as exc:
        raise refused(exc) from exc
    note(http, request.pool, answer.result)
    return answer

"""POST /v1/match: a participant pool in, ranked and explained pairings out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from api.guards import SolveSlots, authorised, check_budget, check_size, get_slots, solve_slots
from api.settings import Settings, get_settings
from api.solving import REFUSALS, note, refused, solve_options
from solver import InvalidRequest, MatchRequest, MatchResponse, match

router = APIRouter(prefix="/v1", tags=["match"], dependencies=[Depends(authorised)])


@router.post(
    "/match", response_model=MatchResponse, responses=REFUSALS, summary="Match a participant pool"
)
def post_match(
    request: MatchRequest,
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    slots: Annotated[SolveSlots, Depends(get_slots)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The best pairings under the program's rules, each explained; nobody is left out."""
    check_size(request, settings)
    check_budget(request, settings)
    options = solve_options(settings, accept_language)
    try:
        with solve_slots(slots, settings):
            answer = match(request, options)
    except InvalidRequest as exc:
        raise refused(exc) from exc
    note(http, request, answer)
    # Serialised straight from the model by pydantic-core: no second validation of the
    # response_model pass (10k x 3.4k: a 42 MB answer in about 0.3 s).
    language = {"Content-Language": options.language}
    return Response(answer.model_dump_json(), media_type="application/json", headers=language)

"""POST /v1/rematch: after mid-program feedback, keep what works and re-pair the rest."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from api.match import PROBLEM, solve_options
from api.problems import ProblemError
from api.settings import Settings, get_settings
from solver import InvalidRequest
from solver.rematch import rematch
from solver.rematch_schema import RematchRequest, RematchResponse

router = APIRouter(prefix="/v1", tags=["rematch"])


@router.post(
    "/rematch",
    response_model=RematchResponse,
    responses={400: PROBLEM, 422: PROBLEM},
    summary="Re-match after feedback, moving as few people as possible",
)
def post_rematch(
    request: RematchRequest,
    response: Response,
    settings: Annotated[Settings, Depends(get_settings)],
    accept_language: Annotated[str | None, Header()] = None,
) -> RematchResponse:
    """Well-rated pairs are kept, ended and badly rated pairs never re-form, leavers' pairs
    end, and any other current pair changes only when the change gains more than
    `program.rematch.change_penalty`. Every current pair is reported as kept, ended or
    moved, every new pair with its reason."""
    options = solve_options(settings, accept_language)
    response.headers["Content-Language"] = options.language
    try:
        return rematch(request, options)
    except InvalidRequest as exc:
        errors = [{"loc": ["body", *loc], "msg": msg} for loc, msg in exc.errors]
        raise ProblemError(422, "Invalid request", str(exc), errors) from exc

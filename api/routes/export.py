"""POST /v1/export: a match request and its answer in, the file a manager opens out (the
workbook or the CSV `binome match --out` writes), for the manager's page to offer as a
download. Nothing is solved and nothing is kept."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from api.answer_examples import EXPORT_CSV
from api.examples import EXPORT
from api.exporting import (
    MEDIA_TYPES,
    ExportRequest,
    answer_of,
    check_answer_matches,
    export_bytes,
    filename,
)
from api.guards import SolveSlots, authorised, check_size, get_slots
from api.openapi import request_body
from api.settings import Settings, get_settings
from api.solving import REFUSALS, read_request, refused, solve, solve_options
from solver import InvalidRequest

router = APIRouter(prefix="/v1", tags=["export"], dependencies=[Depends(authorised)])

BINARY = {"schema": {"type": "string", "format": "binary"}}
FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment named binome-pairs.xlsx or binome-pairs.csv.",
        "content": {
            MEDIA_TYPES["xlsx"]: BINARY,
            MEDIA_TYPES["csv"]: {**BINARY, "example": EXPORT_CSV},  # the example, as csv
        },
    }
}


@router.post(
    "/export",
    response_class=Response,
    responses={**FILES, **REFUSALS},
    summary="Write a match answer as a workbook or a CSV file",
    operation_id="export",
    openapi_extra=request_body(ExportRequest, EXPORT),
)
async def post_export(
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    slots: Annotated[SolveSlots, Depends(get_slots)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The answer of `POST /v1/match` (sent with its request) written as `binome match
    --out` writes it: `xlsx`, a workbook of Pairs, Unmatched and Summary; `csv`, one table
    for Excel in the caller's language. Names stand beside ids, codes are in words.
    Writing a large workbook is seconds of work: it holds a solver slot, as a solve does."""
    export = await read_request(http, settings, slots, ExportRequest, ("request",))
    check_size(export.request, settings, ("request",))
    answer = await run_in_threadpool(answer_of, export)
    try:
        check_answer_matches(export.request, answer)
    except InvalidRequest as exc:
        raise refused(exc) from exc
    options = solve_options(settings, accept_language)
    content = await solve(
        http,
        settings,
        slots,
        options,
        export.request,
        lambda opts, _: export_bytes(export, answer, opts.language),
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{filename(export)}"',
        "Content-Language": options.language,
    }
    return Response(content, media_type=MEDIA_TYPES[export.format], headers=headers)

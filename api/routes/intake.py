"""POST /v1/intake: survey files in (CSV or XLSX, French or English), a pool out; and
POST /v1/intake/rematch: a re-match's files in (current pairs, feedback, leavers), the
lists of a /v1/rematch request out.

Nothing is solved: the pool comes back to the caller (a platform, the manager's page) to
look at, correct and send to /v1/match. The body is read as a solving route reads its own
(`api.reading`: after the API key, within the caps and read timeouts); the files are read
in a thread of their own holding one solver slot (reading a large workbook is seconds of
work), a small one for forms under `SMALL_FORM_BYTES`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from api import running
from api.examples import INTAKE_READ, INTAKE_REMATCH_READ
from api.guards import SolveSlots, authorised, busy, get_slots, take_slots
from api.openapi import answered
from api.reading import received
from api.rematch_upload import RematchFiles, read_rematch_form
from api.settings import Settings, get_settings
from api.solving import REFUSALS
from api.upload import IntakeResponse, read_form
from solver.messages import negotiate

router = APIRouter(prefix="/v1", tags=["intake"], dependencies=[Depends(authorised)])

SMALL_FORM_BYTES = 256 * 1024
FILE = {"type": "string", "format": "binary"}
FORM: dict[str, Any] = {
    "type": "object",
    "required": ["mentors", "mentees"],
    "properties": {
        "mentors": {**FILE, "description": "The mentors: a CSV file or an Excel workbook."},
        "mentees": {**FILE, "description": "The mentees: a CSV file or an Excel workbook."},
        "columns": {
            "type": "string",
            "description": 'JSON object, field → header, overriding the guesses: {"seniority": '
            '"Ancienneté"}',
            "examples": ['{"seniority": "Ancienneté"}'],
        },
        "mentors_sheet": {
            "type": "string",
            "description": "The mentors' sheet of a workbook.",
            "examples": ["Mentors"],
        },
        "mentees_sheet": {
            "type": "string",
            "description": "The mentees' sheet of a workbook.",
            "examples": ["Mentorés"],
        },
    },
}
REMATCH_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["feedback", "pool"],
    "properties": {
        "feedback": {**FILE, "description": "Feedback per pair: CSV or workbook."},
        "current": {**FILE, "description": "The pairs running now: the file binome wrote."},
        "leaving": {**FILE, "description": "The people leaving: ids or names."},
        "pool": {
            "type": "string",
            "description": 'The pool as JSON: {"mentors": [...], "mentees": [...]}',
            "examples": ['{"mentors": [{"id": "m1"}], "mentees": [{"id": "e1"}]}'],
        },
    },
}
Reader = Callable[[bytes | bytearray, str | None, Settings, str], bytes]


def _form(schema: dict[str, Any]) -> dict[str, Any]:
    content = {"multipart/form-data": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}}


async def _read(
    http: Request, settings: Settings, slots: SolveSlots, reader: Reader, accept: str | None
) -> Response:
    """The form received within the limits, then read in a thread holding a solver slot;
    its messages in the caller's language."""
    if slots.busy >= slots.size:
        raise busy(slots, settings)
    async with received(http, settings) as body:
        weight = 0 if len(body) <= SMALL_FORM_BYTES else slots.small + 1
        taken = take_slots(slots, settings, 1, weight)
        content_type, language = http.headers.get("content-type"), negotiate(accept)
        answer = await running.run(
            http,
            lambda _: reader(body, content_type, settings, language),
            lambda: slots.give_back(taken, weight),
        )
    return Response(answer, media_type="application/json", headers={"Content-Language": language})


@router.post(
    "/intake",
    response_model=IntakeResponse,
    responses={**answered(INTAKE_READ), **REFUSALS, 415: {}},
    summary="Read a pool from survey files",
    operation_id="intake",
    openapi_extra=_form(FORM),
)
async def post_intake(
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    slots: Annotated[SolveSlots, Depends(get_slots)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """A `multipart/form-data` form with the files `mentors` and `mentees` (CSV in any
    separator and encoding Excel writes, or XLSX; survey headers in French or English
    mapped to fields) → the pool, the warnings (columns ignored, values kept as written)
    and the header each field was read from; or 422 listing every error of both files at
    once, each with its file, row, column and value."""
    return await _read(http, settings, slots, read_form, accept_language)


@router.post(
    "/intake/rematch",
    response_model=RematchFiles,
    responses={**answered(INTAKE_REMATCH_READ), **REFUSALS, 415: {}},
    summary="Read a re-match's files: current pairs, feedback, leavers",
    operation_id="intake_rematch",
    openapi_extra=_form(REMATCH_FORM),
)
async def post_intake_rematch(
    http: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    slots: Annotated[SolveSlots, Depends(get_slots)],
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """A `multipart/form-data` form with the file `feedback` (a rating from 1 to 5 and/or
    an end yes/no per pair, mentor and mentee by id or exact name), optionally `current`
    (the pairs file binome wrote) and `leaving`, and the `pool` as JSON → the `current`,
    `feedback` and `leaving` of a `POST /v1/rematch` request; or 422 listing every error
    of every file at once, located. Feedback comments are never returned nor logged."""
    return await _read(http, settings, slots, read_rematch_form, accept_language)

"""POST /v1/export's work: a match request and its answer, sent back by the caller, written
as the file `binome match --out` writes (`exports`: the workbook, or the CSV for Excel in
the caller's language). Stateless: nothing of either is kept, and the file is only sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from api.validation import validate
from exports import answer_book, file_bytes
from solver import InvalidRequest, MatchRequest, MatchResponse
from solver.contract.request import Loc

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
FILE_STEM = "binome-pairs"


# shown as the answer /v1/match gives, validated as one by `answer_of` (a MatchResponse
# field would put the answer's input schemas beside its output ones, under the same names)
SERVED = {"allOf": [{"$ref": "#/components/schemas/MatchResponse"}]}
Answer = Annotated[dict[str, Any], WithJsonSchema(SERVED)]


class ExportRequest(BaseModel):
    """A match request and the answer `POST /v1/match` gave it, to be written as a file."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["xlsx", "csv"] = Field(
        description="`xlsx`: the workbook (Pairs, Unmatched, Summary); `csv`: one table for "
        "Excel (UTF-8 with a byte-order mark; `;` and decimal commas in French).",
        examples=["xlsx"],
    )
    request: MatchRequest = Field(description="The request that was matched.")
    answer: Answer = Field(description="The answer POST /v1/match gave that request.")


def filename(export: ExportRequest) -> str:
    return f"{FILE_STEM}.{export.format}"


def answer_of(export: ExportRequest) -> MatchResponse:
    """The answer validated as a MatchResponse, strictly as the request is (1.0 is no
    count), its errors located in the body as FastAPI locates a body's; blocking, for a
    worker thread."""
    answer, errors = validate(MatchResponse, export.answer, strict=True)
    if errors:
        raise RequestValidationError([{**e, "loc": ("body", "answer", *e["loc"])} for e in errors])
    found: MatchResponse = answer
    return found


def _unknown(role: str, id_: str, known: set[str], loc: Loc) -> list[tuple[Loc, str]]:
    if id_ in known:
        return []
    return [(("answer", *loc), f"{role} {id_!r} is not in the request's {role}s")]


def check_answer_matches(request: MatchRequest, answer: MatchResponse) -> None:
    """Everyone the answer names is in the request (an answer to another pool would come
    out as a file of bare ids), else InvalidRequest at each place."""
    mentors = {person.id for person in request.mentors}
    mentees = {person.id for person in request.mentees}
    errors: list[tuple[Loc, str]] = []
    for k, pair in enumerate(answer.pairings):
        errors += _unknown("mentor", pair.mentor, mentors, ("pairings", k, "mentor"))
        errors += _unknown("mentee", pair.mentee, mentees, ("pairings", k, "mentee"))
    for k, person in enumerate(answer.unmatched):
        known = mentors if person.role == "mentor" else mentees
        errors += _unknown(person.role, person.id, known, ("unmatched", k, "id"))
    if errors:
        raise InvalidRequest(errors)


def export_bytes(export: ExportRequest, answer: MatchResponse, language: str) -> bytes:
    """The file's bytes, as `binome match --out binome-pairs.<format>` writes them."""
    book = answer_book(export.request, answer, language)
    return file_bytes(Path(filename(export)), book, answer, language)

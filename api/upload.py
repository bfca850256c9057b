"""POST /v1/intake's work, blocking, for a worker thread: the form's parts checked, the two
files read by `intake` (every error of both at once), the pool held to the service's
limits, and the answer or a located problem.

The form: files `mentors` and `mentees` (CSV or XLSX), and optional text fields `columns`
(a JSON object, field → header, for both files), `mentors_sheet` and `mentees_sheet`
(the sheet of a workbook to read; the first one otherwise). The same workbook may be sent
as both files, one sheet each.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from pydantic import BaseModel, Field

from api.forms import Part, form_parts
from api.guards import check_size
from api.problems import ProblemError
from api.settings import Settings
from api.solving import MAX_ERRORS
from intake import File, IntakeError, Issue, file_labels, read_pool

SIDES = ("mentors", "mentees")
TEXT_FIELDS = ("columns", "mentors_sheet", "mentees_sheet")
WANTED = "the files 'mentors' and 'mentees' (CSV or XLSX)"


class Located(BaseModel):
    """Where a problem is, as a spreadsheet shows it (the header is row 1): `row` is null
    for the whole file, `column` (the header) null for a whole row; `value` the cell."""

    file: str = Field(description="The file, as uploaded.", examples=["mentees.csv"])
    row: int | None = Field(None, description="The row (the header is 1).", examples=[2])
    column: str | None = Field(None, description="The column's header.", examples=["Courriel"])
    value: Any = Field(None, description="The cell, as written.", examples=["n/a"])
    msg: str = Field(
        description="What was done or is wrong, in the caller's language.",
        examples=["not a participant field: ignored"],
    )


class Pool(BaseModel):
    """Participants as the match request takes them (the `Participant` of its schema), with
    the fields the files gave."""

    mentors: list[dict[str, Any]] = Field(
        description="The mentors, each a `Participant` with the fields its row gave.",
        examples=[[{"id": "m1", "name": "Claire Martin", "skills": ["python"]}]],
    )
    mentees: list[dict[str, Any]] = Field(
        description="The mentees, each a `Participant` with the fields its row gave.",
        examples=[[{"id": "e1", "name": "Léa Bernard", "goals": ["python"]}]],
    )


class IntakeResponse(BaseModel):
    """The pool read from the files, ready to be the `mentors` and `mentees` of a match
    request; what was ignored or kept as written; per file, the header of each field."""

    pool: Pool = Field(description="The `mentors` and `mentees` of a match request.")
    warnings: list[Located] = Field(
        default_factory=list, description="Columns ignored and values kept as written."
    )
    columns: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per file: the header each field was read from.",
        examples=[{"mentees.csv": {"id": "Identifiant", "seniority": "Ancienneté (années)"}}],
    )


def invalid(errors: list[dict[str, Any]], detail: str) -> ProblemError:
    listed = errors[:MAX_ERRORS]
    if len(errors) > MAX_ERRORS:
        detail += f" ({MAX_ERRORS} of {len(errors)} listed)"
    return ProblemError(422, "Invalid files", detail, listed)


def problem(loc: list[str | int], file: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", *loc], "file": file, "row": None, "column": None, "msg": msg}


def fields_of(
    parts: list[Part], files: tuple[str, ...], texts: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, Part]:
    """The parts by field name; an unknown field, a field sent twice, a file sent as text
    (or text as a file) or a required field missing is a located 422, all of them at once."""
    found: dict[str, Part] = {}
    errors = []
    for part in parts:
        if part.name not in (*files, *texts):
            known = ", ".join(repr(name) for name in (*files, *texts))
            msg = f"unknown form field {part.name!r}; the form takes {known}"
            errors.append(problem([part.name], part.name, msg))
        elif part.name in found:
            errors.append(problem([part.name], part.name, "sent twice; send it once"))
        elif (part.filename is None) == (part.name in files):
            kind = "a file (CSV or XLSX)" if part.name in files else "a text field"
            errors.append(problem([part.name], part.name, f"must be {kind}"))
        found[part.name] = part
    for name in required:
        if name not in found:
            kind = "a CSV or XLSX file" if name in files else "a text field"
            errors.append(problem([name], name, f"required: {kind}"))
    if errors:
        raise invalid(errors, f"{len(errors)} problem(s) with the form")
    return found


def text_of(part: Part | None) -> str | None:
    return None if part is None else part.data.decode("utf-8", "replace").strip() or None


def _columns(part: Part | None) -> dict[str, str]:
    """The `columns` field: a JSON object of field → header, else a located 422."""
    text = text_of(part)
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        value = exc
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        msg = 'must be a JSON object of field → header, e.g. {"seniority": "Ancienneté"}'
        raise invalid([problem(["columns"], "columns", msg)], "the columns field is invalid")
    return value


def unpacked(part: Part, settings: Settings) -> None:
    """A workbook (a zip) unpacks to at most BINOME_MAX_UNPACKED_BYTES, read from its
    directory before any of it is: a few MB of zip may unpack to gigabytes."""
    if not part.data.startswith(b"PK"):
        return
    try:
        size = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(part.data)).infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # intake says the file is not a readable workbook
    if size > settings.max_unpacked_bytes:
        msg = (
            f"unpacks to {size} bytes; this service reads workbooks of at most "
            f"{settings.max_unpacked_bytes} (BINOME_MAX_UNPACKED_BYTES)"
        )
        raise ProblemError(413, "Request too large", msg, [problem([part.name], part.name, msg)])


def located(issue: Issue, field: str) -> dict[str, Any]:
    """An intake issue as a located error of the form field whose file it is in."""
    return {"loc": ["body", field], **Located(**vars(issue)).model_dump(mode="json")}


def read_form(
    body: bytes | bytearray, content_type: str | None, settings: Settings, language: str = "en"
) -> bytes:
    """The answer's JSON for a received form, or a ProblemError (400, 413, 415, 422)."""
    parts = fields_of(form_parts(body, content_type, WANTED), SIDES, TEXT_FIELDS, SIDES)
    columns = _columns(parts.get("columns"))
    files = []
    for side in SIDES:
        part = parts[side]
        unpacked(part, settings)
        name = part.filename or side
        files.append(File(name, bytes(part.data), text_of(parts.get(f"{side}_sheet"))))
    labels = dict(zip(file_labels(files[0], files[1], language), SIDES, strict=True))
    try:
        found = read_pool(files[0], files[1], columns, language=language)
    except IntakeError as exc:
        errors = [located(issue, labels.get(issue.file, issue.file)) for issue in exc.errors]
        raise invalid(errors, f"{len(exc.errors)} error(s) in the files") from exc
    check_size(found.pool, settings, ("pool",))
    warnings = [Located(**vars(issue)) for issue in found.warnings]
    answer = IntakeResponse(pool=Pool(**found.pool), warnings=warnings, columns=found.columns)
    return answer.model_dump_json(exclude_unset=True).encode()

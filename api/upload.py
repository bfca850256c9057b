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
from intake import File, IntakeError, Issue, file_labels, read_pool

SIDES = ("mentors", "mentees")
TEXT_FIELDS = ("columns", "mentors_sheet", "mentees_sheet")
MAX_ERRORS = 100  # located errors listed in one answer (the detail counts them all)


class Located(BaseModel):
    """Where a problem is, as a spreadsheet shows it (the header is row 1): `row` is null
    for the whole file, `column` (the header) null for a whole row; `value` the cell."""

    file: str
    row: int | None = None
    column: str | None = None
    value: Any = None
    msg: str


class Pool(BaseModel):
    """Participants as the match request takes them (the `Participant` of its schema), with
    the fields the files gave."""

    mentors: list[dict[str, Any]]
    mentees: list[dict[str, Any]]


class IntakeResponse(BaseModel):
    """The pool read from the files, ready to be the `mentors` and `mentees` of a match
    request; what was ignored or kept as written; per file, the header of each field."""

    pool: Pool
    warnings: list[Located] = Field(default_factory=list)
    columns: dict[str, dict[str, str]] = Field(default_factory=dict)


def _invalid(errors: list[dict[str, Any]], detail: str) -> ProblemError:
    listed = errors[:MAX_ERRORS]
    if len(errors) > MAX_ERRORS:
        detail += f" ({MAX_ERRORS} of {len(errors)} listed)"
    return ProblemError(422, "Invalid files", detail, listed)


def _problem(loc: list[str], file: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", *loc], "file": file, "row": None, "column": None, "msg": msg}


def _by_name(parts: list[Part]) -> dict[str, Part]:
    """The parts by field name; an unknown field, a field sent twice, a file sent as text
    (or text as a file) or a file missing is a located 422, all of them at once."""
    found: dict[str, Part] = {}
    errors = []
    for part in parts:
        if part.name not in (*SIDES, *TEXT_FIELDS):
            known = ", ".join(repr(name) for name in (*SIDES, *TEXT_FIELDS))
            msg = f"unknown form field {part.name!r}; the form takes {known}"
            errors.append(_problem([part.name], part.name, msg))
        elif part.name in found:
            errors.append(_problem([part.name], part.name, "sent twice; send it once"))
        elif (part.filename is None) == (part.name in SIDES):
            kind = "a file (CSV or XLSX)" if part.name in SIDES else "a text field"
            errors.append(_problem([part.name], part.name, f"must be {kind}"))
        found[part.name] = part
    for side in SIDES:
        if side not in found:
            errors.append(_problem([side], side, "required: a CSV or XLSX file"))
    if errors:
        raise _invalid(errors, f"{len(errors)} problem(s) with the form")
    return found


def _text(part: Part | None) -> str | None:
    return None if part is None else part.data.decode("utf-8", "replace").strip() or None


def _columns(part: Part | None) -> dict[str, str]:
    """The `columns` field: a JSON object of field → header, else a located 422."""
    text = _text(part)
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
        raise _invalid([_problem(["columns"], "columns", msg)], "the columns field is invalid")
    return value


def _unpacked(part: Part, settings: Settings) -> None:
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
        raise ProblemError(413, "Request too large", msg, [_problem([part.name], part.name, msg)])


def _located(issue: Issue, labels: dict[str, str]) -> dict[str, Any]:
    """A problem of the files, at the form field of the file it names (`columns` for the
    mapping)."""
    where = labels.get(issue.file, issue.file)
    return {"loc": ["body", where], **Located(**vars(issue)).model_dump(mode="json")}


def read_form(
    body: bytes | bytearray, content_type: str | None, settings: Settings, language: str = "en"
) -> bytes:
    """The answer's JSON for a received form, or a ProblemError (400, 413, 415, 422)."""
    parts = _by_name(form_parts(body, content_type))
    columns = _columns(parts.get("columns"))
    files = []
    for side in SIDES:
        part = parts[side]
        _unpacked(part, settings)
        name = part.filename or side
        files.append(File(name, bytes(part.data), _text(parts.get(f"{side}_sheet"))))
    labels = dict(zip(file_labels(files[0], files[1], language), SIDES, strict=True))
    try:
        found = read_pool(files[0], files[1], columns, language=language)
    except IntakeError as exc:
        errors = [_located(issue, labels) for issue in exc.errors]
        raise _invalid(errors, f"{len(exc.errors)} error(s) in the files") from exc
    check_size(found.pool, settings, ("pool",))
    warnings = [Located(**vars(issue)) for issue in found.warnings]
    answer = IntakeResponse(pool=Pool(**found.pool), warnings=warnings, columns=found.columns)
    return answer.model_dump_json(exclude_unset=True).encode()

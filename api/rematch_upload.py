"""POST /v1/intake/rematch's work, blocking, for a worker thread: the manager's files of a
mid-program re-match (the pairs binome wrote, the feedback on them, the people leaving) read
against the pool by `intake`, every error of every file at once, and the lists a
`POST /v1/rematch` request takes, or a located problem.

The form: the file `feedback` (required), the files `current` and `leaving` (optional), and
the text field `pool`, the pool as JSON (`{"mentors": [...], "mentees": [...]}`, validated
as a match request's). Without `current`, feedback is not checked against current pairs
(the caller has them, from its last answer) and `current` comes back empty. Comments are
read, then dropped: they are never returned nor logged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from api.forms import Part, form_parts
from api.guards import check_size
from api.settings import Settings
from api.upload import fields_of, invalid, located, problem, text_of, unpacked
from api.validation import validate
from intake import File, IntakeError, read_current, read_feedback, read_leaving
from solver import MatchRequest

FILES = ("current", "feedback", "leaving")
WANTED = "the file 'feedback', optionally 'current' and 'leaving', and the text field 'pool'"
PRIVATE = ("comment",)  # read from the feedback file, never sent back


class RematchFiles(BaseModel):
    """What the files say, ready to be the `current`, `feedback` and `leaving` of a
    `POST /v1/rematch` request with the same pool."""

    current: list[dict[str, str]] = Field(
        description="The pairs running now (mentor, mentee).",
        examples=[[{"mentor": "m1", "mentee": "e1"}]],
    )
    feedback: list[dict[str, Any]] = Field(
        description="Feedback per pair: mentor, mentee, rating, end, by (comments left out).",
        examples=[[{"mentor": "m1", "mentee": "e1", "rating": 5, "end": False}]],
    )
    leaving: list[str] = Field(description="The ids of the people leaving.", examples=[["m2"]])


def _pool(part: Part, settings: Settings) -> dict[str, Any]:
    """The `pool` field: JSON, held to the size limits, valid as a match request's pool."""
    try:
        value = json.loads(text_of(part) or "")
    except json.JSONDecodeError as exc:
        msg = f'must be the pool as JSON, {{"mentors": [...], "mentees": [...]}} ({exc.msg})'
        raise invalid([problem(["pool"], "pool", msg)], "the pool field is invalid") from exc
    if isinstance(value, dict):
        check_size(value, settings, ("pool",))
    _, errors = validate(MatchRequest, value)
    if errors:
        listed = [problem(["pool", *error["loc"]], "pool", error["msg"]) for error in errors]
        raise invalid(listed, f"{len(errors)} problem(s) with the pool")
    pool: dict[str, Any] = value
    return pool


def _read(
    files: dict[str, File], pool: dict[str, Any], language: str
) -> tuple[list[dict[str, str]], list[dict[str, Any]], list[str], list[dict[str, Any]]]:
    """Each file read, every error of all of them gathered at its field."""
    errors: list[dict[str, Any]] = []

    def attempt(name: str, read: Callable[[File], Any]) -> Any:
        if name not in files:
            return []
        try:
            return read(files[name])
        except IntakeError as exc:
            errors.extend(located(issue, name) for issue in exc.errors)
            return []

    current = attempt("current", lambda file: read_current(file, pool, language=language))
    feedback = attempt(
        "feedback", lambda file: read_feedback(file, pool, current or None, language=language)
    )
    leaving = attempt("leaving", lambda file: read_leaving(file, pool, language=language))
    return current, feedback, leaving, errors


def read_rematch_form(
    body: bytes | bytearray, content_type: str | None, settings: Settings, language: str = "en"
) -> bytes:
    """The answer's JSON for a received form, or a ProblemError (400, 413, 415, 422)."""
    parts = fields_of(
        form_parts(body, content_type, WANTED), FILES, ("pool",), ("feedback", "pool")
    )
    pool = _pool(parts["pool"], settings)
    files = {}
    for name in FILES:
        if name in parts:
            unpacked(parts[name], settings)
            files[name] = File(parts[name].filename or name, bytes(parts[name].data))
    current, feedback, leaving, errors = _read(files, pool, language)
    if errors:
        raise invalid(errors, f"{len(errors)} error(s) in the files")
    notes = [{k: v for k, v in note.items() if k not in PRIVATE} for note in feedback]
    return RematchFiles(current=current, feedback=notes, leaving=leaving).model_dump_json().encode()

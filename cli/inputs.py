"""What the command line reads: requests and settings (JSON or YAML), pools from survey
files, and a re-match's current pairs, feedback and leavers from the manager's files.

Problems are raised as `Refusal`s holding every located error at once; the command says
them in the caller's language (the survey readers write theirs in it) and exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from intake import IntakeError, Issue, file_at, read_current, read_feedback, read_leaving, read_pool
from intake.tables import File
from solver.messages import DEFAULT_LANGUAGE


class Refusal(Exception):
    """Input the command cannot use: a message key and its parameters, or located issues."""

    def __init__(self, key: str = "", issues: list[Issue] | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.issues = issues or []
        self.params = params


def structured(path: Path) -> Any:
    """A JSON or YAML file's content (YAML is a superset of JSON: one reader for both)."""
    import yaml

    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise Refusal(issues=[Issue(str(path), None, None, None, str(exc))]) from exc


def mapping(path: Path, what: str) -> dict[str, Any]:
    """A file that must hold an object: a request, program settings, a column mapping."""
    found = structured(path)
    if not isinstance(found, dict):
        raise Refusal("cli.error.not_object", path=str(path), what=what)
    return found


def _file(path: Path) -> File:
    try:
        return file_at(path)
    except OSError as exc:
        raise Refusal(
            issues=[Issue(str(path), None, None, None, exc.strerror or str(exc))]
        ) from exc


def survey_pool(
    mentors: Path, mentees: Path, columns: Path | None, language: str = DEFAULT_LANGUAGE
) -> tuple[dict[str, Any], list[Issue]]:
    """The pool in two survey files (CSV or XLSX), and the warnings of reading them (said
    in `language`)."""
    headers = mapping(columns, "cli.what.columns") if columns is not None else None
    try:
        read = read_pool(_file(mentors), _file(mentees), headers, language=language)
    except IntakeError as exc:
        raise Refusal(issues=exc.errors) from exc
    return dict(read.pool), read.warnings


def pool_body(
    pool: Path | None,
    mentors: Path | None,
    mentees: Path | None,
    columns: Path | None,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[dict[str, Any], list[Issue]]:
    """A request from a request file, or from survey files; and the warnings."""
    if pool is not None and (mentors or mentees):
        raise Refusal("cli.error.pool_twice")
    if pool is not None:
        if columns is not None:
            raise Refusal("cli.error.columns_with_pool")
        return mapping(pool, "cli.what.request"), []
    if mentors is None or mentees is None:
        raise Refusal("cli.error.pool_missing")
    return survey_pool(mentors, mentees, columns, language)


def with_program(body: dict[str, Any], program: Path | None) -> dict[str, Any]:
    """The request with program settings from a file merged over its own."""
    if program is None:
        return body
    settings = mapping(program, "cli.what.program")
    return {**body, "program": {**(body.get("program") or {}), **settings}}


def rematch_body(
    pool: dict[str, Any],
    current: Path,
    feedback: Path | None,
    leaving: Path | None,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """A re-match request from the pool and the manager's files; every error of every
    file at once, said in `language`."""
    errors: list[Issue] = []
    pairs: list[dict[str, str]] = []
    try:
        pairs = read_current(_file(current), pool, language=language)
    except IntakeError as exc:
        errors += exc.errors
    notes, leavers = [], []
    try:
        if feedback:
            notes = read_feedback(_file(feedback), pool, pairs or None, language=language)
    except IntakeError as exc:
        errors += exc.errors
    try:
        leavers = read_leaving(_file(leaving), pool, language=language) if leaving else []
    except IntakeError as exc:
        errors += exc.errors
    if errors:
        raise Refusal(issues=errors)
    return {"pool": pool, "current": pairs, "feedback": notes, "leaving": leavers}

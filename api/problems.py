"""Errors as RFC 9457 problem details (`application/problem+json`), never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.routing import Match

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    """One located problem of a refused request. Intake's errors (`POST /v1/intake`,
    `/v1/intake/rematch`) also say where in which file, as a spreadsheet shows it."""

    loc: list[str | int] = Field(
        description="Where the problem is: `body`, then the keys and list indices down to the "
        "field (for a form, the form field).",
        examples=[["body", "mentees", 1, "id"]],
    )
    msg: str = Field(
        description="The problem, in the caller's language (`Accept-Language`).",
        examples=["duplicate id 'e1' in mentees"],
    )
    file: str | None = Field(
        None, description="Intake: the file (as uploaded) the problem is in.", examples=["x.csv"]
    )
    row: int | None = Field(
        None,
        description="Intake: the row as a spreadsheet shows it (the header is row 1); "
        "null for the whole file.",
        examples=[2],
    )
    column: str | None = Field(
        None,
        description="Intake: the column's header; null for a whole row.",
        examples=["Ancienneté"],
    )
    value: Any = Field(None, description="Intake: the cell as written.", examples=["dix"])


class Problem(BaseModel):
    """An error answer, RFC 9457 problem details (`application/problem+json`). Never a
    stack trace."""

    type: str = Field(
        "about:blank",
        description="A URI naming the kind of problem; `about:blank`: the status says it.",
        examples=["about:blank"],
    )
    title: str = Field(description="The status in words.", examples=["Invalid request"])
    status: int = Field(description="The HTTP status code, repeated.", examples=[422])
    detail: str = Field(
        description="This occurrence in one line: the first three problems and how many more.",
        examples=["duplicate id 'e1' in mentees"],
    )
    errors: list[FieldError] | None = Field(
        None, description="Each problem at its field (400, 413 and 422; at most 100 listed)."
    )


class ProblemError(Exception):
    """An error the API answers with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors
        self.headers = headers or {}


def problem(
    status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _location(loc: Sequence[Any]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        position = next(e for e in errors if e.get("type") == "json_invalid")
        detail = (
            f"the body is not valid JSON ({position.get('ctx', {}).get('error', 'parse error')})"
        )
        return problem(400, "Malformed JSON", detail, [{"loc": ["body"], "msg": detail}])
    shown = [{"loc": _location(e["loc"]), "msg": e["msg"]} for e in errors[:100]]
    first = shown[0]
    detail = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}" if shown else "invalid"
    return problem(422, "Invalid request", detail, shown)


def _problem_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    response = problem(exc.status, exc.title, exc.detail, exc.errors)
    response.headers.update(exc.headers)
    return response


def _allowed(request: Request) -> str:
    """Every method some route takes at this path (Starlette names the first route's only)."""
    methods: set[str] = set()
    routes = list(request.app.router.routes)
    while routes:
        route = routes.pop()
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is not None:  # an included router: its own routes, at their full paths
            routes += inner
        elif route.matches({**request.scope, "method": "\0"})[0] != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:  # the body could not be decoded or parsed at all
        detail = "the body is not valid JSON in UTF-8 (or is nested too deep to read)"
        return problem(400, "Malformed JSON", detail, [{"loc": ["body"], "msg": detail}])
    response = problem(exc.status_code, str(exc.detail), str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    if exc.status_code == 405:
        response.headers["Allow"] = _allowed(request)
    return response


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Last line of defence: log the kind of failure, never the body, never a trace to the client.
    log.error("unexpected %s on %s", type(exc).__name__, request.url.path)
    return problem(500, "Internal error", "the request could not be processed")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)

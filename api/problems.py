"""Errors as RFC 9457 problem details (`application/problem+json`), never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


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


def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:  # the body could not be decoded or parsed at all
        detail = "the body is not valid JSON in UTF-8 (or is nested too deep to read)"
        return problem(400, "Malformed JSON", detail, [{"loc": ["body"], "msg": detail}])
    response = problem(exc.status_code, str(exc.detail), str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
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

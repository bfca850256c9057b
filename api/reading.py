"""A solving route reads its own body: after the API key, parsed off the event loop.

FastAPI is given no body to read for `/v1/*` (the OpenAPI still shows it, `api.openapi`),
so nothing is read before the route's dependencies (the API key) have passed. Then:

- it is parsed and validated in a worker thread (the collector paused, long lists a chunk
  at a time, `api.validation`, so the GIL changes hands), answering exactly what FastAPI
  would: 400 when it is not JSON (or nested too deep), 422 with `loc` starting at `body`.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from api.settings import Settings
from api.validation import validate
from solver.runtime import COLLECTOR

Model = TypeVar("Model", bound=BaseModel)


class ClientGone(Exception):
    """The client hung up: nothing is sent."""


class Nothing(Response):
    """What a client that has gone is sent."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        return


async def gone(_: Request, exc: Exception) -> Response:
    """The handler of `ClientGone`."""
    return Nothing()


@asynccontextmanager
async def received(http: Request, settings: Settings) -> AsyncIterator[bytearray]:
    """The whole body, for the length of the block."""
    body = bytearray()
    more = True
    while more:
        message = await http.receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        body += message.get("body", b"")
        more = message.get("more_body", False)
    yield body


def _is_json(content_type: str | None) -> bool:
    """FastAPI's test: application/json or application/*+json; no content type is not."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _decoded(body: bytearray, content_type: str | None) -> Any:
    """The body as FastAPI hands it to validation: JSON parsed, other types as bytes."""
    if not _is_json(content_type):
        return bytes(body)
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        error = {
            "type": "json_invalid",
            "loc": ("body", exc.pos),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": exc.msg},
        }
        raise RequestValidationError([error], body=exc.doc) from exc
    except Exception as exc:  # not UTF-8, nested too deep to read
        raise HTTPException(400, "There was an error parsing the body") from exc


Count = Callable[[Any], None]  # a check of the parsed JSON before it is validated


def parse(
    model: type[Model], body: bytearray, content_type: str | None, count: Count | None = None
) -> Model:
    """The request, validated as FastAPI validates a body parameter (same errors, same
    locations), after `count` has seen the parsed JSON; blocking, for a worker thread."""
    if not body:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing])
    with COLLECTOR.paused():  # hundreds of thousands of new objects, none of them garbage
        value = _decoded(body, content_type)
        if count is not None:
            count(value)
        request, errors = validate(model, value)
    if errors:
        located = [{**error, "loc": ("body", *error["loc"])} for error in errors]
        raise RequestValidationError(located)
    return cast(Model, request)


async def parsed(
    http: Request, settings: Settings, model: type[Model], count: Count | None = None
) -> Model:
    """The request body, read within the limits, parsed, counted and validated in a worker
    thread."""
    async with received(http, settings) as body:
        content_type = http.headers.get("content-type")
        return await run_in_threadpool(parse, model, body, content_type, count)

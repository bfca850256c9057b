"""A solving route reads its own body: after the API key, within limits, parsed off the loop.

FastAPI is given no body to read for `/v1/*` (the OpenAPI still shows it, `api.openapi`),
so nothing is read before the route's dependencies (the API key) have passed. Then:

- the body is admitted among those being received at once (`BodyBuffers`: at most
  BINOME_MAX_BUFFERED_BODIES, BINOME_MAX_BUFFERED_BYTES in all, a declared Content-Length
  counted before a byte is read, a chunked body as it comes), else 503 with Retry-After;
- it is received under a read timeout, between pieces (BINOME_READ_IDLE_TIMEOUT_S) and in
  all (BINOME_READ_TIMEOUT_S), else 408 and the connection closed;
- it is parsed (a body with a score matrix by simdjson, its values into one array,
  `api.dense_json`; else orjson; a body orjson refuses is read again by `json`, for the
  same errors as before) and validated in a worker thread (the collector paused, long
  lists a chunk at a time, `api.validation`, so the GIL changes hands; a score matrix's
  values read into one array first, `api.score_body`), answering exactly what FastAPI
  would: 400 when it is not JSON (or nested too deep), 422 with `loc` starting at `body`.
"""

from __future__ import annotations

import asyncio
import email.message
import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from api import dense_json
from api.problems import ProblemError
from api.settings import Settings
from api.validation import validate
from solver.contract.matrix import Constant
from solver.runtime import COLLECTOR

Model = TypeVar("Model", bound=BaseModel)
CLOSE = {"Connection": "close"}  # a refused body is not read to its end


class ClientGone(Exception):
    """The client hung up: nothing is sent."""


class Nothing(Response):
    """What a client that has gone is sent."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        return


async def gone(_: Request, exc: Exception) -> Response:
    """The handler of `ClientGone`."""
    return Nothing()


class BodyBuffers:
    """The request bodies being received at once, and their bytes, within two caps."""

    def __init__(self, bodies: int, total_bytes: int) -> None:
        self.max_bodies, self.max_bytes = bodies, total_bytes
        self._lock = threading.Lock()
        self.bodies, self.bytes = 0, 0

    def admit(self, declared: int) -> bool:
        """One more body, its declared bytes reserved now, if both caps allow it."""
        with self._lock:
            if self.bodies >= self.max_bodies or self.bytes + declared > self.max_bytes:
                return False
            self.bodies, self.bytes = self.bodies + 1, self.bytes + declared
            return True

    def grow(self, more: int) -> bool:
        """More bytes for a body admitted already (a chunked one), if the cap allows."""
        with self._lock:
            if self.bytes + more > self.max_bytes:
                return False
            self.bytes += more
            return True

    def release(self, reserved: int) -> None:
        with self._lock:
            self.bodies, self.bytes = self.bodies - 1, self.bytes - reserved


def _busy(settings: Settings, what: str) -> ProblemError:
    return ProblemError(
        503,
        "Service busy",
        f"{what}; retry shortly",
        headers={"Retry-After": str(settings.retry_after_s), **CLOSE},
    )


def _too_slow(settings: Settings) -> ProblemError:
    detail = (
        f"the body did not arrive in time: BINOME_READ_IDLE_TIMEOUT_S is "
        f"{settings.read_idle_timeout_s:g} s between pieces, BINOME_READ_TIMEOUT_S "
        f"{settings.read_timeout_s:g} s in all"
    )
    return ProblemError(408, "Request timeout", detail, headers=CLOSE)


@asynccontextmanager
async def received(http: Request, settings: Settings) -> AsyncIterator[bytearray]:
    """The whole body, admitted and received within the limits; its bytes count against
    the caps until the block ends."""
    buffers: BodyBuffers = http.app.state.buffers
    length = http.headers.get("content-length", "")
    reserved = int(length) if length.isdigit() else 0
    if not buffers.admit(reserved):
        limits = (
            f"BINOME_MAX_BUFFERED_BODIES {buffers.max_bodies}, "
            f"BINOME_MAX_BUFFERED_BYTES {buffers.max_bytes}"
        )
        raise _busy(settings, f"the service is receiving as many bodies as it takes ({limits})")
    body = bytearray()
    try:
        deadline = time.monotonic() + settings.read_timeout_s
        more = True
        while more:
            wait = min(settings.read_idle_timeout_s, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(http.receive(), max(wait, 0))
            except TimeoutError:
                raise _too_slow(settings) from None
            if message["type"] == "http.disconnect":
                raise ClientGone
            body += message.get("body", b"")
            if len(body) > reserved:
                if not buffers.grow(len(body) - reserved):
                    limit = f"BINOME_MAX_BUFFERED_BYTES {buffers.max_bytes}"
                    raise _busy(settings, f"the bodies being received fill the buffers ({limit})")
                reserved = len(body)
            more = message.get("more_body", False)
        yield body
    finally:
        buffers.release(reserved)


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
    if (value := dense_json.loads(body)) is not dense_json.UNREAD:
        return value  # a score matrix's values straight into an array
    try:  # orjson: a 14 M value score matrix in a second or two; the errors are json's own
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:  # NaN and Infinity stay floats that a score matrix tells apart from a null
        return json.loads(body, parse_constant=Constant)
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

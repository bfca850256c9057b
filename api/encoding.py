"""Compressed request bodies (`Content-Encoding: gzip` or `zstd`), inflated as they arrive.

The layer sits outside `api.limits.BodyLimit`, so what is counted against
BINOME_MAX_BODY_BYTES is the body after decompression: it hands the inner layers the body
in pieces of at most PIECE bytes, inflating no further than the piece asked for, so a bomb
(a few kilobytes that inflate to gigabytes) is refused with 413 once the limit is passed,
having inflated at most the limit and one piece. The compressed bytes are held to the
same limit (a declared Content-Length beyond it is 413 before a byte is read).

A coding other than gzip, zstd or identity, or more than one, is 415 with the codings
served in `Accept-Encoding`; a body that is not what its coding says (corrupt, cut short)
is 400. The headers the route sees describe the body it reads: no Content-Encoding, no
Content-Length.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable, Iterator
from typing import Protocol

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import ProblemError, problem

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

PIECE = 256 * 1024  # the most bytes inflated at once, and handed on in one message
CLOSE = {"Connection": "close"}  # a refused body is not read to its end
SERVED = "gzip, zstd"


class Stream(Protocol):
    """A decompressor of one frame or member, as zlib's and zstd's are."""

    @property
    def eof(self) -> bool: ...

    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, /, max_length: int = ...) -> bytes: ...


class Inflater:
    """One coding's stream: compressed bytes in, inflated pieces of at most PIECE bytes
    out, one at a time as they are asked for; concatenated members or frames read in turn."""

    def __init__(self, coding: str, start: Callable[[], Stream]) -> None:
        self.coding, self.start = coding, start
        self.stream, self.inflated, self.seen, self.last = start(), 0, False, 0

    def inflate(self, data: bytes) -> Iterator[bytes]:
        """The pieces `data` inflates to, each made only when the one before was taken."""
        self.seen = self.seen or bool(data)
        while True:
            if data and self.stream.eof:  # the next member or frame
                self.stream = self.start()
            if not data and self._drained():
                return
            try:
                piece = self.stream.decompress(data, PIECE)
            except (zlib.error, zstd.ZstdError, EOFError) as exc:
                raise self.malformed(f"it is not valid {self.coding} data") from exc
            if self.stream.eof:  # what follows it (zlib: `unconsumed_tail` holds it too)
                data = self.stream.unused_data
            else:
                data = getattr(self.stream, "unconsumed_tail", b"")
            self.inflated, self.last = self.inflated + len(piece), len(piece)
            if piece:
                yield piece
            elif not data:  # no progress without more input
                return

    def _drained(self) -> bool:
        """Whether the stream holds no more output for the input it was given."""
        if isinstance(self.stream, zstd.ZstdDecompressor):
            return self.stream.needs_input or self.stream.eof
        # zlib: input that did not fit is in `unconsumed_tail`; output may still be
        # pending only when the last piece filled up
        return self.stream.eof or self.last < PIECE

    def finish(self) -> None:
        """The body has ended: it must end its last member or frame (or be empty)."""
        if self.seen and not self.stream.eof:
            raise self.malformed("it ends before its compressed data does")

    def malformed(self, why: str) -> ProblemError:
        detail = f"the body says Content-Encoding: {self.coding}, but {why}"
        return ProblemError(400, "Malformed body", detail, headers=CLOSE)


def _gzip() -> Stream:
    return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)


INFLATERS: dict[str, Callable[[], Inflater]] = {
    "gzip": lambda: Inflater("gzip", _gzip),
    "x-gzip": lambda: Inflater("gzip", _gzip),
    "zstd": lambda: Inflater("zstd", zstd.ZstdDecompressor),
}


def codings(headers: list[tuple[bytes, bytes]]) -> list[str]:
    """The codings a request's body went through, in order, identity left out."""
    found = []
    for name, value in headers:
        if name == b"content-encoding":
            found += [c.strip().lower() for c in value.decode("latin-1").split(",")]
    return [c for c in found if c and c != "identity"]


class RequestDecoding:
    """Inflates a compressed request body for the layers inside, piece by piece."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = list(scope.get("headers") or []) if scope["type"] == "http" else []
        used = codings(headers)
        if not used:
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(used, dict(headers).get(b"content-length", b""))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        inflater = INFLATERS[used[0]]()
        kept = [(k, v) for k, v in headers if k not in (b"content-encoding", b"content-length")]
        await self.app({**scope, "headers": kept}, inflated(receive, inflater), send)

    def _refusal(self, used: list[str], declared: bytes) -> Response | None:
        """The answer to a body this layer cannot take, if it is one."""
        if len(used) > 1 or used[0] not in INFLATERS:
            detail = f"Content-Encoding {', '.join(used)} is not served: one of {SERVED} (or none)"
            refused = problem(415, "Unsupported content encoding", detail)
            refused.headers.update({"Accept-Encoding": SERVED, **CLOSE})
            return refused
        if declared.isdigit() and int(declared) > self.limit:
            detail = f"the body is larger than {self.limit} bytes"
            refused = problem(413, "Request too large", detail)
            refused.headers.update(CLOSE)
            return refused
        return None


def inflated(receive: Receive, inflater: Inflater) -> Receive:
    """`receive`, with each compressed message's body handed on inflated, a piece a call."""
    pieces: Iterator[bytes] = iter(())
    ended = finished = False

    async def next_message() -> Message:
        nonlocal pieces, ended, finished
        while not finished:
            piece = next(pieces, None)
            if piece is not None:
                return {"type": "http.request", "body": piece, "more_body": True}
            if ended:
                inflater.finish()
                finished = True
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] != "http.request":
                return message
            pieces = inflater.inflate(message.get("body", b""))
            ended = not message.get("more_body", False)
        return await receive()  # after the body: what the server says next (a disconnect)

    return next_message

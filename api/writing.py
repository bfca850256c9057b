"""Answers are written in pieces, each within BINOME_WRITE_TIMEOUT_S, or the connection goes.

A server's `send` of a whole answer returns as soon as the bytes are handed to its
transport: a client that never reads would keep a 13 MB answer in memory for as long as
it keeps the connection. So the outermost layer cuts every body into pieces and awaits
each `send` (which waits while the transport's buffer is full) under the write timeout,
ending with an empty last piece, so the end of an answer waits for the client too. When a
piece is not taken in time, the connection is reset: what is buffered, by the server and
by the kernel, is dropped at once (a plain close would wait to send it), the rest of the
answer is not sent, and one line is logged with the request id.

ASGI has no message that aborts a connection. uvicorn's `send` is a method of its request
cycle, which holds the transport; under a server without one the answer is left unfinished
and the server closes the connection its own way.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from collections.abc import Iterator

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("binome.access")
PIECE = 256 * 1024


def pieces(message: Message) -> Iterator[Message]:
    """A body message as pieces of at most PIECE bytes, the last one empty when it ends
    the answer."""
    if message["type"] != "http.response.body":
        yield message
        return
    body, more = message.get("body", b""), message.get("more_body", False)
    for start in range(0, len(body), PIECE):
        yield {"type": "http.response.body", "body": body[start : start + PIECE], "more_body": True}
    yield {"type": "http.response.body", "body": b"", "more_body": more}


def abort(send: Send) -> bool:
    """Reset the connection under `send`, dropping what is buffered, when the server lets
    us reach it (uvicorn: the transport of the request cycle `send` belongs to). A linger of
    0 makes the close a reset: else the kernel would keep trying to send what it holds."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        return False
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return True


class WriteTimeout:
    """Sends each piece of an answer within `timeout_s`; aborts the connection if not."""

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app, self.timeout_s = app, timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stalled, sent = False, 0

        async def timed(message: Message) -> None:
            nonlocal stalled, sent
            for piece in pieces(message):
                if stalled:
                    return
                try:
                    await asyncio.wait_for(send(piece), self.timeout_s)
                except TimeoutError:
                    stalled = True
                    aborted = abort(send)
                    await asyncio.sleep(0)  # the server sees the connection lost first
                    request_id = scope.get("state", {}).get("request_id")
                    log.warning(
                        "answer not taken in time",
                        extra={"request_id": request_id, "bytes_sent": sent, "aborted": aborted},
                    )
                    return
                sent += len(piece.get("body", b""))

        await self.app(scope, receive, timed)

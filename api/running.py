"""A solve runs in a thread of its own, and is stopped when its client hangs up.

The route takes its solver slots on the event loop, then `run` starts the solve on one of
the application's solve threads (as many as slots) and waits for whichever comes first:
the answer, or the client's disconnect (the ASGI `http.disconnect`, which arrives once the
body has been read). On a disconnect the solve's `Cancel` is set: a running CP-SAT search
stops, the next stage does not start (`solver.runtime`); the min-cost flow is exact and
cannot be interrupted, so such a solve ends at its own pace. Either way the slots are
given back by the solve's thread when the solve ends, whatever happens to the request
meanwhile, and nothing is sent to a client that has gone: the route raises `ClientGone`,
answered with nothing, logged with ids and counts only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.reading import ClientGone
from solver.runtime import COLLECTOR, Cancel, Cancelled

log = logging.getLogger("binome.access")
T = TypeVar("T")


def _settle(future: asyncio.Future[Any], outcome: Any, failed: bool) -> None:
    if future.cancelled():
        return
    if failed:
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def solve_threads(size: int) -> ThreadPoolExecutor:
    """The threads solves run in: as many as solver slots, so a solve never waits for one
    (and the same few threads, with their memory arenas, serve every solve)."""
    return ThreadPoolExecutor(size, thread_name_prefix="binome-solve")


def _in_thread(
    threads: ThreadPoolExecutor, work: Callable[[], T], release: Callable[[], None]
) -> asyncio.Future[T]:
    """work() on one of the solve threads; `release` runs in that thread when work ends,
    however it ends."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def target() -> None:
        outcome: Any
        try:
            outcome, failed = work(), False
        except BaseException as exc:  # handed to the request, which raises it
            outcome, failed = exc, True
        finally:
            release()
        loop.call_soon_threadsafe(_settle, future, outcome, failed)

    try:
        threads.submit(target)
    except BaseException:
        release()
        raise
    return future


async def _hung_up(receive: Receive) -> None:
    """Returns when the client disconnects (the body was read, so nothing else comes)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _ended(answer: asyncio.Future[Any]) -> str:
    """How a cancelled solve ended: stopped, or answered or refused before it could be."""
    try:
        await asyncio.shield(answer)
    except Cancelled:
        return "stopped"
    except Exception:
        return "refused"
    return "answered"


async def run(http: Request, solve: Callable[[Cancel], T], release: Callable[[], None]) -> T:
    """solve(cancel) in a thread of its own, cancelled if the client hangs up first (then
    `ClientGone` once the solve has ended). `release` gives the slots back when it ends."""
    cancel, started = Cancel(), time.perf_counter()
    answer = _in_thread(http.app.state.solve_threads, lambda: solve(cancel), release)
    watch = asyncio.ensure_future(_hung_up(http.receive))
    try:
        either: set[asyncio.Future[Any]] = {answer, watch}
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        if not watch.done():
            return answer.result()
        cancel.cancel()
        outcome = await _ended(answer)
        state = http.scope.get("state", {})
        log.info(
            "client gone: solve cancelled",
            extra={
                "request_id": state.get("request_id"),
                "solve": outcome,
                "seconds": round(time.perf_counter() - started, 3),
                **state.get("log_fields", {}),
            },
        )
        raise ClientGone
    finally:
        watch.cancel()
        if not answer.done():
            cancel.cancel()  # the request itself was cancelled: stop the solve too


class CollectorPaused:
    """Python's collector paused from a solving request's first byte to its answer's last
    (`solver.runtime.COLLECTOR`), so that it resumes once the request's objects are freed.

    Paused only around the parse and around the solve, the collector resumed twice while
    the parsed request (or the answer) was alive, and its first young-generation pass
    then scanned them all: about 0.05 s each time at 10,000 × 3,400, in every request.
    Resumed after the answer is sent, it finds them gone. The pause is still never long:
    `CollectorPause` collects whenever a solve starts or ends after `max_pause_s`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        with COLLECTOR.paused():
            await self.app(scope, receive, send)

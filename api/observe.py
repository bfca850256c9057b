"""Request ids, one structured log line per request, and Prometheus metrics at /metrics.

Log lines carry ids, counts and timings only: never names, free text or feedback.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("binome.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
SIZE_BUCKETS = (10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"})
GONE = 499  # the client hung up before an answer was sent (nothing was)


def method_label(method: str) -> str:
    """The method as a metrics label and in logs: a known one, else `other` (any token is a
    method to HTTP, and each would be a series of its own)."""
    return method if method in METHODS else "other"


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any `extra` fields."""

    RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line |= {k: v for k, v in vars(record).items() if k not in self.RESERVED}
        return json.dumps(line, default=str)


def configure_logging(fmt: str) -> None:
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


class Histogram:
    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets, self.counts = buckets, [0] * len(buckets)
        self.total, self.count = 0.0, 0

    def observe(self, value: float) -> None:
        for k, edge in enumerate(self.buckets):
            if value <= edge:
                self.counts[k] += 1
        self.total += value
        self.count += 1

    def lines(self, name: str, labels: str) -> list[str]:
        sep = "," if labels else ""
        found = [
            f'{name}_bucket{{{labels}{sep}le="{edge:g}"}} {n}'
            for edge, n in zip(self.buckets, self.counts, strict=True)
        ]
        found.append(f'{name}_bucket{{{labels}{sep}le="+Inf"}} {self.count}')
        found += [
            f"{name}_sum{{{labels}}} {self.total:.6f}",
            f"{name}_count{{{labels}}} {self.count}",
        ]
        return found


class Metrics:
    """Counters and histograms in memory, rendered in the Prometheus text format."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[str, Histogram] = {}
        self.solves: dict[tuple[str, str], int] = defaultdict(int)
        self.pool_sizes = Histogram(SIZE_BUCKETS)
        self.gauges: list[tuple[str, str, Callable[[], dict[str, float]]]] = []

    def gauge(self, name: str, help_text: str, read: Callable[[], dict[str, float]]) -> None:
        """A gauge read when /metrics is: `read()` gives the value of each label set."""
        self.gauges.append((name, help_text, read))

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        with self.lock:
            self.requests[(method, route, status)] += 1
            self.latency.setdefault(route, Histogram(BUCKETS)).observe(seconds)

    def solved(self, engine: str, status: str, participants: int) -> None:
        with self.lock:
            self.solves[(engine, status)] += 1
            self.pool_sizes.observe(participants)

    def render(self) -> str:
        with self.lock:
            lines = [
                "# HELP binome_requests_total HTTP requests by route and status code.",
                "# TYPE binome_requests_total counter",
            ]
            for (method, route, code), n in sorted(self.requests.items()):
                labels = f'method="{method}",route="{route}",code="{code}"'
                lines.append(f"binome_requests_total{{{labels}}} {n}")
            lines += [
                "# HELP binome_request_seconds Request latency.",
                "# TYPE binome_request_seconds histogram",
            ]
            for route, histogram in sorted(self.latency.items()):
                lines += histogram.lines("binome_request_seconds", f'route="{route}"')
            lines += [
                "# HELP binome_solves_total Solves by engine and status.",
                "# TYPE binome_solves_total counter",
            ]
            for (engine, status), n in sorted(self.solves.items()):
                lines.append(f'binome_solves_total{{engine="{engine}",status="{status}"}} {n}')
            lines += [
                "# HELP binome_pool_participants Participants per solved request.",
                "# TYPE binome_pool_participants histogram",
                *self.pool_sizes.lines("binome_pool_participants", ""),
            ]
            for name, help_text, read in self.gauges:
                lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
                lines += [f"{name}{{{labels}}} {value:g}" for labels, value in read().items()]
            return "\n".join(lines) + "\n"


class Observe:
    """Gives each request an id (X-Request-ID, kept if the caller sent a sane one), logs one
    line when it ends and counts it."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started, status = time.perf_counter(), 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        failed = True
        try:
            await self.app(scope, receive, send_with_id)
            failed = False
        finally:
            self.ended(scope, status or (500 if failed else GONE), time.perf_counter() - started)

    def ended(self, scope: Scope, status: int, seconds: float) -> None:
        """Count the request and log its line: ids, route, status, timing and counts."""
        route = scope.get("route")
        path = getattr(route, "path", None) or "unmatched"
        method = method_label(scope["method"])
        self.metrics.request(method, path, status, seconds)
        state = scope["state"]
        log.info(
            "request",
            extra={
                "request_id": state["request_id"],
                "method": method,
                "route": path,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                **state.get("log_fields", {}),
            },
        )

"""A job run by a worker, whichever backend gave it: taken (only if still queued), its
endpoint's work done exactly as the synchronous route does it (`api.work`), its progress
and a heartbeat written while it runs, a cancellation read and obeyed, its result or its
problem kept, its request deleted."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import replace
from typing import Any

from api.jobs.model import now
from api.jobs.store import JobStore, Ticker
from api.problems import ProblemError
from api.settings import Settings
from api.solving import solve_options
from api.work import KINDS
from solver.runtime import Cancel, Cancelled

log = logging.getLogger("binome.jobs")
POLL_S = 0.1  # how often a running job reads whether it is cancelled


class Follow:
    """A running job's progress and heartbeat, written to the store by a ticker; its
    cancellation read there and handed to the solve's `Cancel` (keeping the best answer
    for a search that has one, `Kind.keeps_best`)."""

    def __init__(self, store: JobStore, record: dict[str, Any], settings: Settings) -> None:
        self.store, self.job_id, self.attempts = store, record["id"], record["attempts"]
        self.heartbeat_s, self.beaten = settings.job_heartbeat_s, now()
        self.kind = KINDS[record["kind"]]
        self.progress: dict[str, Any] = {}
        self.written: dict[str, Any] = {}
        self.asked = False
        self._lock = threading.Lock()
        self.cancel = Cancel(on_progress=self.searched)
        self.ticker = Ticker(POLL_S, self.tick, f"binome-job-{self.job_id[:8]}")

    @property
    def expect(self) -> dict[str, tuple[Any, ...]]:
        return {"status": ("running",), "attempts": (self.attempts,)}

    def searched(self, search: str, objective: float | None, bound: float | None) -> None:
        with self._lock:
            if self.progress.get("search") != search:
                self.progress.update(objective=None, bound=None)
            self.progress["search"] = search
            if objective is not None:
                self.progress["objective"] = objective
            if bound is not None:
                self.progress["bound"] = bound

    def variants(self, total: int) -> None:
        with self._lock:
            self.progress.update(variants_done=0, variants_total=total)

    def variant_done(self, _: str) -> None:
        with self._lock:
            self.progress["variants_done"] = self.progress.get("variants_done", 0) + 1

    def tick(self) -> None:
        with self._lock:
            progress = dict(self.progress)
        changes: dict[str, Any] = {}
        if progress != self.written:
            changes["progress"] = progress
        if now() - self.beaten >= self.heartbeat_s:
            changes["heartbeat"] = self.beaten = now()
        record = (
            self.store.update(self.job_id, changes, self.expect)
            if changes
            else self.store.get(self.job_id)
        )
        self.written = progress if changes else self.written
        if record is None or record["status"] != "running" or record["attempts"] != self.attempts:
            self.cancel.cancel()  # lost and given to another worker, or gone: stop at once
        elif record["cancel_requested"]:
            self.asked = True
            (self.cancel.stop if self.kind.keeps_best else self.cancel.cancel)()

    def stop(self) -> dict[str, Any]:
        self.ticker.stop()
        with self._lock:
            return dict(self.progress)


def execute(record: dict[str, Any], body: bytes, settings: Settings, follow: Follow) -> Any:
    """The endpoint's answer for this job (`api.work`), or the problem it would answer."""
    kind = KINDS[record["kind"]]
    request: Any = kind.model.model_validate_json(body)
    if record["kind"] == "scenarios":
        follow.variants(1 + len(request.variants))
    options = replace(solve_options(settings, record["language"]), cancel=follow.cancel)
    slots = kind.wanted(request, settings)
    return kind.answer(request, options, slots, settings, follow.variant_done)


def _outcome(
    record: dict[str, Any], body: bytes, settings: Settings, follow: Follow
) -> tuple[str, str | None, dict[str, Any] | None]:
    """How the job ends: status, result (JSON) and error (a problem document)."""
    try:
        answer = execute(record, body, settings, follow)
    except Cancelled:
        return "cancelled", None, None
    except ProblemError as exc:
        if follow.asked:
            return "cancelled", None, None
        error = {"type": "about:blank", "title": exc.title, "status": exc.status}
        error.update(detail=exc.detail, **({"errors": exc.errors} if exc.errors else {}))
        return "failed", None, error
    except Exception as exc:  # logged by kind, never a trace nor the request
        log.error("job failed: %s", type(exc).__name__, extra={"job": record["id"]})
        problem = {"type": "about:blank", "title": "Internal error", "status": 500}
        return "failed", None, {**problem, "detail": "the job could not be run"}
    return ("cancelled" if follow.asked else "succeeded"), answer.model_dump_json(), None


def perform(store: JobStore, job_id: str, settings: Settings) -> None:
    """Run this job if it is still queued (cancelled or expired, it is skipped)."""
    queued = store.get(job_id)
    if queued is None or queued["status"] != "queued":
        return
    attempts = queued["attempts"] + 1
    taking = {"status": "running", "attempts": attempts, "pid": os.getpid()}
    taking.update(started=now(), heartbeat=now())
    record = store.update(job_id, taking, {"status": ("queued",), "attempts": (attempts - 1,)})
    body = store.request(job_id)
    if record is None or body is None:
        return
    follow = Follow(store, record, settings)
    try:
        status, result, error = _outcome(record, body, settings, follow)
    finally:
        progress = follow.stop()
    if result is not None:
        store.set_result(job_id, result)
    ended = {"status": status, "finished": now(), "error": error, "progress": progress}
    if store.update(job_id, {**ended, "has_result": result is not None}, follow.expect):
        store.drop_request(job_id)
        store.ended(record["kind"], status, now() - record["started"])
        log.info("job ended", extra={"job": job_id, "kind": record["kind"], "status": status})

"""A job's life on the service's side, whichever backend holds it: submitted (at most
`BINOME_MAX_QUEUED_JOBS` waiting; one job per idempotency key and body), cancelled, and
watched (`sweep`): a running job whose worker has not said it is alive for three
heartbeat periods is lost, and runs once more, or fails with `worker lost`."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Protocol

from api.jobs.model import ATTEMPTS, new_record, now
from api.jobs.store import JobStore
from api.problems import ProblemError
from api.settings import Settings
from solver.contract.matrix import Matrix

log = logging.getLogger("binome.jobs")
LOST_AFTER = 3  # heartbeat periods of silence after which a running job's worker is lost
WORKER_LOST = {
    "type": "about:blank",
    "title": "Worker lost",
    "status": 500,
    "detail": "the worker running this job stopped answering (killed, out of memory or its "
    "machine gone), twice; submit it again, or with a smaller request",
}


class JobQueue(Protocol):
    store: JobStore

    def put(self, job_id: str, attempt: int) -> None:
        """Queue the job's `attempt`-th run."""

    def depth(self) -> int:
        """Jobs waiting for a worker."""

    def workers(self) -> int:
        """Workers alive."""

    def close(self) -> None:
        """Stop what this process started for it."""


def _plain(value: Any) -> Any:
    """A parsed body's one value that is not JSON already: a score matrix, read into an
    array as the body was parsed (`api/score_body.py`), written back as its rows."""
    if isinstance(value, Matrix):
        return value.rows()
    raise TypeError(f"{type(value).__name__} in a job's request")


def as_json(request: Any, **options: Any) -> str:
    """A job's request as the JSON its worker reads back (score matrices as rows)."""
    return json.dumps(request, separators=(",", ":"), default=_plain, **options)


def digest(kind: str, language: str, body: bytes) -> str:
    """What makes two submissions the same: kind, language and the request's canonical JSON
    (`as_json(request, sort_keys=True)`, the very bytes the job keeps)."""
    return hashlib.sha256(b"\0".join([kind.encode(), language.encode(), body])).hexdigest()


def full(queue: JobQueue, settings: Settings) -> ProblemError:
    return ProblemError(
        503,
        "Service busy",
        f"{settings.max_queued_jobs} jobs are waiting (BINOME_MAX_QUEUED_JOBS); retry shortly",
        headers={"Retry-After": str(settings.retry_after_s)},
    )


def submit(
    queue: JobQueue,
    settings: Settings,
    kind: str,
    request: Any,
    language: str,
    key: str | None,
) -> tuple[dict[str, Any], bool]:
    """The job for this request (a new one, queued; or the one already under `key`, when
    its body was this one: else 409), and whether it is new."""
    body = as_json(request, sort_keys=True).encode()  # written once: kept and hashed
    same = digest(kind, language, body)
    held = queue.store.keyed(key) if key is not None else None
    if held is None and queue.depth() >= settings.max_queued_jobs:
        raise full(queue, settings)
    record = new_record(kind, language, same, settings.job_ttl_s)
    kept = held or queue.store.create(record, body, key)
    if kept["id"] != record["id"]:
        if kept["digest"] != same:
            raise ProblemError(
                409,
                "Conflict",
                "this Idempotency-Key was used for another request; use a new key",
                [{"loc": ["header", "Idempotency-Key"], "msg": "used for another request"}],
            )
        return kept, False
    queue.put(record["id"], 1)
    log.info("job queued", extra={"job": record["id"], "kind": kind})
    return kept, True


def cancel(store: JobStore, job_id: str) -> dict[str, Any] | None:
    """A queued job ends `cancelled` now; a running one is asked to stop (its worker
    stops its search and ends it); an ended one is left as it is."""
    ended = {"status": "cancelled", "finished": now(), "cancel_requested": True}
    record = store.update(job_id, ended, {"status": ("queued",)})
    if record is not None:
        store.drop_request(job_id)
        return record
    asked = store.update(job_id, {"cancel_requested": True}, {"status": ("running",)})
    return asked or store.get(job_id)


def lost(record: dict[str, Any], settings: Settings, at: float) -> bool:
    silent = at - (record["heartbeat"] or record["started"] or at)
    return record["status"] == "running" and silent > LOST_AFTER * settings.job_heartbeat_s


def sweep(queue: JobQueue, settings: Settings) -> None:
    """Expired jobs deleted; each lost job queued once more, or failed `worker lost`."""
    store = queue.store
    store.expire()
    at = now()
    for record in store.active():
        if not lost(record, settings, at):
            continue
        job_id, attempts = record["id"], record["attempts"]
        expect = {"status": ("running",), "attempts": (attempts,)}
        if attempts < ATTEMPTS and not record["cancel_requested"]:
            again: dict[str, Any] = {
                "status": "queued",
                "heartbeat": None,
                "pid": None,
                "progress": {},
            }
            if store.update(job_id, again, expect) is not None:
                log.warning("job's worker lost: queued again", extra={"job": job_id})
                queue.put(job_id, attempts + 1)
            continue
        status = "cancelled" if record["cancel_requested"] else "failed"
        error = None if record["cancel_requested"] else WORKER_LOST
        if store.update(job_id, {"status": status, "finished": at, "error": error}, expect):
            log.warning("job's worker lost: %s", status, extra={"job": job_id})
            store.drop_request(job_id)
            store.ended(record["kind"], status, at - (record["started"] or at))

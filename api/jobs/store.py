"""Where jobs are kept: their records, requests and results, the idempotency keys, and the
durations of those that ended. One interface, `JobStore`, and two stores: `MemoryStore`,
held by a manager process of the service and shared with its worker processes
(`api.jobs.embedded`), and `RedisStore` (`api.jobs.redis_store`), shared by services and
`binome worker`s on any number of machines.

Every change of a record is `update(id, changes, expect)`: applied at once, only while the
record's fields hold one of the values `expect` names (a worker that was declared lost
cannot overwrite its job's retry; a queued job cancelled is never started)."""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

from api.jobs.model import ENDED, now

log = logging.getLogger("binome.jobs")
Expect = dict[str, tuple[Any, ...]]


class JobStore(Protocol):
    def create(self, record: dict[str, Any], request: bytes, key: str | None) -> dict[str, Any]:
        """Keep a new job, or return the job already under `key` (nothing kept then)."""

    def get(self, job_id: str) -> dict[str, Any] | None:
        """The record, None when there is none (never was, or expired)."""

    def keyed(self, key: str) -> dict[str, Any] | None:
        """The job submitted under this idempotency key, while it is kept."""

    def update(
        self, job_id: str, changes: dict[str, Any], expect: Expect | None = None
    ) -> dict[str, Any] | None:
        """The record changed, or None (no such job, or a field not as expected)."""

    def request(self, job_id: str) -> bytes | None: ...

    def drop_request(self, job_id: str) -> None: ...

    def set_result(self, job_id: str, text: str) -> None: ...

    def result(self, job_id: str) -> str | None: ...

    def active(self) -> list[dict[str, Any]]:
        """The records of jobs queued or running."""

    def ended(self, kind: str, status: str, seconds: float) -> None:
        """Count a job that ended, and how long it ran."""

    def durations(self) -> dict[tuple[str, str], tuple[int, float]]:
        """(kind, status) → (jobs, seconds they ran in all)."""

    def expire(self) -> None:
        """Delete what has outlived its time (a store whose entries expire by themselves
        does nothing)."""


def matches(record: dict[str, Any], expect: Expect | None) -> bool:
    return expect is None or all(record.get(k) in allowed for k, allowed in expect.items())


class MemoryStore:
    """Jobs in dicts a `multiprocessing` manager holds: the service and its worker
    processes see the same ones. Nothing survives the service (`api.jobs.embedded` says
    which jobs a stop loses)."""

    def __init__(self, manager: Any) -> None:
        self.records, self.requests, self.results = manager.dict(), manager.dict(), manager.dict()
        self.keys, self.stats, self.lock = manager.dict(), manager.dict(), manager.Lock()

    def create(self, record: dict[str, Any], request: bytes, key: str | None) -> dict[str, Any]:
        with self.lock:
            if key is not None and (held := self._live(self.keys.get(key))) is not None:
                return held
            self.records[record["id"]] = record
            self.requests[record["id"]] = request
            if key is not None:
                self.keys[key] = record["id"]
            return record

    def _live(self, job_id: str | None) -> dict[str, Any] | None:
        record = self.records.get(job_id) if job_id is not None else None
        return None if record is None or record["expires"] <= now() else record

    def get(self, job_id: str) -> dict[str, Any] | None:
        return self._live(job_id)

    def keyed(self, key: str) -> dict[str, Any] | None:
        return self._live(self.keys.get(key))

    def update(
        self, job_id: str, changes: dict[str, Any], expect: Expect | None = None
    ) -> dict[str, Any] | None:
        with self.lock:
            record = self._live(job_id)
            if record is None or not matches(record, expect):
                return None
            record = {**record, **changes}
            self.records[job_id] = record
            return record

    def request(self, job_id: str) -> bytes | None:
        found: bytes | None = self.requests.get(job_id)
        return found

    def drop_request(self, job_id: str) -> None:
        self.requests.pop(job_id, None)

    def set_result(self, job_id: str, text: str) -> None:
        self.results[job_id] = text

    def result(self, job_id: str) -> str | None:
        found: str | None = self.results.get(job_id) if self._live(job_id) else None
        return found

    def active(self) -> list[dict[str, Any]]:
        return [r for r in self.records.values() if r["status"] not in ENDED]

    def ended(self, kind: str, status: str, seconds: float) -> None:
        with self.lock:
            count, total = self.stats.get((kind, status), (0, 0.0))
            self.stats[(kind, status)] = (count + 1, total + seconds)

    def durations(self) -> dict[tuple[str, str], tuple[int, float]]:
        return dict(self.stats.items())

    def expire(self) -> None:
        with self.lock:
            gone = [i for i, r in self.records.items() if r["expires"] <= now()]
            for job_id in gone:
                for held in (self.records, self.requests, self.results):
                    held.pop(job_id, None)
            for key, job_id in list(self.keys.items()):
                if job_id not in self.records:
                    self.keys.pop(key, None)


class Ticker:
    """`tick()` every `period` seconds on a daemon thread, until `stop()`."""

    def __init__(self, period: float, tick: Any, name: str) -> None:
        self.period, self.tick, self._stop = period, tick, threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.tick()
            except Exception as exc:  # a store out of reach for a moment: try again next tick
                log.warning("%s: %s", self.thread.name, type(exc).__name__)

    def stop(self) -> None:
        self._stop.set()

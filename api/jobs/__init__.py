"""Long runs as jobs: `POST /v1/jobs` queues an endpoint's request, a worker runs it exactly
as the endpoint would, `GET /v1/jobs/{id}` follows it, `DELETE` stops it.

Two backends behind one interface (`api.jobs.life.JobQueue`): `Embedded`, worker
processes of the service itself (the default), and `RedisJobs`, an RQ queue in Redis that
`binome worker` processes on any number of machines take from (`BINOME_REDIS_URL`).
`Jobs` is what the application holds: the backend its settings name, started on first use
(an app that never sees a job starts no process)."""

from __future__ import annotations

import threading
from typing import Any

from api.jobs.life import JobQueue, cancel, submit
from api.jobs.model import Job, JobAccepted, JobEnvelope, JobProgress, JobSubmission, shown
from api.settings import Settings

__all__ = [
    "Job",
    "JobAccepted",
    "JobEnvelope",
    "JobProgress",
    "JobQueue",
    "JobSubmission",
    "Jobs",
    "cancel",
    "shown",
    "submit",
]


class Jobs:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._backend: Any = None

    @property
    def started(self) -> bool:
        return self._backend is not None

    @property
    def backend(self) -> JobQueue:
        with self._lock:
            if self._backend is None:
                if self.settings.redis_url:
                    from api.jobs.redis_backend import RedisJobs

                    self._backend = RedisJobs(self.settings)
                else:
                    from api.jobs.embedded import Embedded

                    self._backend = Embedded(self.settings)
            backend: JobQueue = self._backend
            return backend

    def gauges(self) -> dict[str, float]:
        """Queue depth, jobs running and workers alive (nothing started to say so)."""
        if not self.started and not self.settings.redis_url:
            return {'what="queued"': 0, 'what="running"': 0, 'what="workers"': 0}
        backend = self.backend
        running = sum(1 for r in backend.store.active() if r["status"] == "running")
        return {
            'what="queued"': backend.depth(),
            'what="running"': running,
            'what="workers"': backend.workers(),
        }

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
            self._backend = None

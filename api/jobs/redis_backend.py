"""The Redis backend (`BINOME_REDIS_URL`): the queue is an RQ queue, the jobs are in Redis
(`RedisStore`), and `binome worker`, started on any number of machines, takes them. A
service restart loses nothing: the queue, the records and the results are Redis's. Each
service and each worker sweeps lost jobs (`api.jobs.life.sweep`; every change is a
transaction, so two sweeping the same job act once)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue, SimpleWorker, Worker, get_current_job

from api.jobs.life import sweep
from api.jobs.redis_store import RedisStore
from api.jobs.runner import perform
from api.jobs.store import JobStore, Ticker
from api.observe import configure_logging
from api.settings import Settings
from solver import runtime

log = logging.getLogger("binome.jobs")
QUEUE = "binome"
WORKER_TTL_S = 30  # a worker silent this long is no longer counted alive (RQ's heartbeat)


def run_queued(job_id: str) -> None:
    """What RQ runs for a job: `perform` it with the worker's settings and connection."""
    job = get_current_job()
    assert job is not None
    perform(RedisStore(job.connection), job_id, Settings())


class RedisJobs:
    def __init__(self, settings: Settings, watch: bool = True) -> None:
        self.settings = settings
        self.redis = Redis.from_url(settings.redis_url)
        self.store: JobStore = RedisStore(self.redis)
        self.queue = Queue(QUEUE, connection=self.redis)
        period = min(settings.job_heartbeat_s / 2, 0.5)
        self.watcher = Ticker(period, self._watch, "binome-jobs") if watch else None

    def _watch(self) -> None:
        sweep(self, self.settings)

    def put(self, job_id: str, attempt: int) -> None:
        self.queue.enqueue(
            run_queued,
            job_id,
            job_id=f"{job_id}-{attempt}",
            job_timeout=-1,  # a job's own time limit bounds it; a lost worker, the heartbeat
            result_ttl=0,  # the result is the job's, in the store
            failure_ttl=int(self.settings.job_ttl_s),
        )

    def depth(self) -> int:
        return int(self.queue.count)

    def workers(self) -> int:
        """Workers that said they were alive within their TTL (a killed one drops out)."""
        seen = [w.last_heartbeat for w in Worker.all(queue=self.queue)]
        since = datetime.now(UTC) - timedelta(seconds=WORKER_TTL_S)
        return sum(1 for at in seen if at is not None and _aware(at) >= since)

    def close(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self.redis.close()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def run_worker(settings: Settings, burst: bool = False) -> None:
    """`binome worker`: take jobs from Redis until stopped (with `burst`, until none is left),
    one at a time in this process (RQ's `SimpleWorker`: warm, no fork per job; a job killed
    with its worker is noticed by the heartbeat and runs again); lost jobs swept meanwhile."""
    configure_logging(settings.log_format)
    runtime.configure(block_threads=settings.block_threads)
    jobs = RedisJobs(settings)
    worker = SimpleWorker([jobs.queue], connection=jobs.redis, worker_ttl=WORKER_TTL_S)
    try:
        worker.work(burst=burst, logging_level="WARNING")
    finally:
        jobs.close()

"""The embedded backend: jobs run in worker processes of the service itself, so `make run`
needs nothing else. A `multiprocessing` manager process holds the jobs (`MemoryStore`) and
the queue; `BINOME_JOB_WORKERS` processes (started with `spawn`: a clean interpreter, not
a copy of the service's threads) take jobs from it one at a time. A watcher thread of the
service starts a worker again when one dies and sweeps lost jobs (`api.jobs.life.sweep`).
Nothing outlives the service: when it stops, the jobs still queued or running are lost,
and the log says which (their ids)."""

from __future__ import annotations

import logging
import multiprocessing
from multiprocessing.process import BaseProcess
from typing import Any

from api.jobs.life import sweep
from api.jobs.runner import perform
from api.jobs.store import JobStore, MemoryStore, Ticker
from api.observe import configure_logging
from api.settings import Settings
from solver import runtime

log = logging.getLogger("binome.jobs")


def work(store: MemoryStore, tasks: Any, settings: Settings) -> None:
    """A worker process: take a job, run it, take the next."""
    configure_logging(settings.log_format)
    runtime.configure(block_threads=settings.block_threads)
    while True:
        job_id = tasks.get()
        if job_id is None:
            return
        perform(store, job_id, settings)


class Embedded:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.manager = self.context.Manager()
        self.memory = MemoryStore(self.manager)
        self.store: JobStore = self.memory
        self.tasks = self.manager.Queue()
        self.processes = [self._started() for _ in range(settings.job_workers)]
        self.watcher = Ticker(min(settings.job_heartbeat_s / 2, 0.5), self._watch, "binome-jobs")

    def _started(self) -> BaseProcess:
        process = self.context.Process(
            target=work, args=(self.memory, self.tasks, self.settings), daemon=True
        )
        process.start()
        return process

    def _watch(self) -> None:
        for k, process in enumerate(self.processes):
            if not process.is_alive():
                log.warning("job worker %s ended (%s): started again", k, process.exitcode)
                self.processes[k] = self._started()
        sweep(self, self.settings)

    def put(self, job_id: str, attempt: int) -> None:
        self.tasks.put(job_id)

    def depth(self) -> int:
        return sum(1 for record in self.store.active() if record["status"] == "queued")

    def workers(self) -> int:
        return sum(1 for process in self.processes if process.is_alive())

    def close(self) -> None:
        """Stop the workers; say which jobs this loses."""
        self.watcher.stop()
        lost = [record["id"] for record in self.store.active()]
        if lost:
            log.warning("service stopping: %s jobs lost", len(lost), extra={"jobs": lost})
        for process in self.processes:
            process.kill()
            process.join(5)
        self.manager.shutdown()

"""Jobs on Redis, one worker against two: `python -m bench.jobs --jobs 24 --size 400x140`.

A real `redis-server` on a free loopback port, then for each worker count: that many
`binome worker` processes started and registered (their start-up is not timed), a batch of
what-if (`scenarios`) jobs submitted at once, each a seeded pool and `--variants` variants
(capacity and weights changed), and the seconds until every job has ended, all of them
`succeeded`. Throughput is jobs per second; the load average is printed beside it, for
the cores are shared. Speed is measured here, never in unit tests.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from rq import Worker

from api.jobs.life import submit
from api.jobs.model import ENDED
from api.jobs.redis_backend import RedisJobs
from api.settings import Settings
from bench.run import machine
from generator.pools import generate_pool
from tests.redis_server import redis_server, start_worker, stop_worker


def batch(jobs: int, mentees: int, mentors: int, variants: int) -> list[dict[str, Any]]:
    """`jobs` what-if requests, each its own seeded pool and `variants` variants."""
    found = []
    for k in range(jobs):
        base = generate_pool(mentees, mentors, seed=k, program={"mentor_capacity": 3})
        changes = [
            {"name": f"capacity {c}", "patch": {"program": {"mentor_capacity": c}}}
            for c in range(2, 2 + variants)
        ]
        found.append({"base": base, "variants": changes})
    return found


def run(url: str, workers: int, requests: list[dict[str, Any]]) -> float:
    """Seconds for `workers` workers to end every job of the batch (each must succeed)."""
    settings = Settings(redis_url=url, max_queued_jobs=10_000)
    jobs = RedisJobs(settings, watch=False)
    started = [start_worker(url, settings.job_heartbeat_s) for _ in range(workers)]
    try:
        while Worker.count(queue=jobs.queue) < workers:
            time.sleep(0.1)
        began = time.perf_counter()
        ids = [submit(jobs, settings, "scenarios", r, "en", None)[0]["id"] for r in requests]
        waiting = set(ids)
        while waiting:
            for job_id in list(waiting):
                record = jobs.store.get(job_id)
                if record is not None and record["status"] in ENDED:
                    assert record["status"] == "succeeded", record
                    waiting.discard(job_id)
            time.sleep(0.05)
        return time.perf_counter() - began
    finally:
        for process in started:
            stop_worker(process)
        jobs.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=24)
    parser.add_argument("--size", default="400x140", help="MENTEESxMENTORS of each pool")
    parser.add_argument("--variants", type=int, default=3)
    parser.add_argument("--workers", default="1,2", help="worker counts to compare")
    args = parser.parse_args(argv)
    mentees, mentors = (int(x) for x in args.size.split("x"))
    requests = batch(args.jobs, mentees, mentors, args.variants)
    os.environ["BINOME_SCENARIO_WORKERS"] = "1"  # one solve at a time in each worker
    print(f"Machine: {machine()}")
    print(f"{args.jobs} scenarios jobs, {args.size}, {args.variants} variants each\n")
    print("| workers | seconds | jobs/s | speed-up | load average before |")
    print("|---|---|---|---|---|")
    with redis_server() as url:
        first = None
        for count in (int(w) for w in args.workers.split(",")):
            load = os.getloadavg()[0]
            seconds = run(url, count, requests)
            first = first or seconds
            print(
                f"| {count} | {seconds:.1f} | {args.jobs / seconds:.2f} | "
                f"{first / seconds:.2f} | {load:.2f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

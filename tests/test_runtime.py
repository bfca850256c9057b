"""Process state is explicit: the collector pause never stays on, the block threads follow
their setting, and one solver slot is held per solve running at once."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from solver import runtime
from solver.runtime import CollectorPause
from tests.pools import random_pool


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Cycle:
    """Garbage only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector_on() -> Any:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_two_overlapping_solves_leave_the_collector_on_in_either_order(collector_on: Any) -> None:
    pause = CollectorPause()
    for first_out in ("a", "b"):
        a, b = pause.paused(), pause.paused()
        a.__enter__()
        b.__enter__()
        assert not gc.isenabled() and pause.running == 2
        (a if first_out == "a" else b).__exit__(None, None, None)
        assert not gc.isenabled()  # the other solve still runs
        (b if first_out == "a" else a).__exit__(None, None, None)
        assert gc.isenabled() and pause.running == 0


def test_under_overlapping_load_cycles_are_still_collected(collector_on: Any) -> None:
    """Some solve is always running; once the pause has lasted max_pause_s, the next solve
    to start or end runs a full collection."""
    clock = Clock()
    pause = CollectorPause(max_pause_s=5.0, clock=clock)
    running = [pause.paused()]
    running[0].__enter__()
    garbage = Cycle()
    gone = weakref.ref(garbage)
    del garbage
    for step in range(4):  # solves overlap: a new one starts before the old one ends
        clock.now += 2.0
        running.append(pause.paused())
        running[-1].__enter__()
        running.pop(0).__exit__(None, None, None)
        assert not gc.isenabled(), step
    assert pause.collections >= 1 and gone() is None
    running.pop().__exit__(None, None, None)
    assert gc.isenabled()


def test_a_failing_solve_gives_the_collector_back(collector_on: Any) -> None:
    pause = CollectorPause()
    with pytest.raises(ZeroDivisionError), pause.paused():
        _ = 1 / 0
    assert gc.isenabled() and pause.running == 0


def test_threads_overlapping_for_real_leave_the_collector_on(collector_on: Any) -> None:
    pause, started, release = CollectorPause(), threading.Barrier(3), threading.Event()

    def solve() -> None:
        with pause.paused():
            started.wait()
            release.wait()

    workers = [threading.Thread(target=solve) for _ in range(3)]
    for worker in workers:
        worker.start()
    while pause.running < 3:
        time.sleep(0.001)
    assert not gc.isenabled()
    release.set()
    for worker in workers:
        worker.join()
    assert gc.isenabled()


def test_the_block_threads_follow_their_setting() -> None:
    before = runtime.BLOCK_THREADS.size
    try:
        create_app(Settings(block_threads=1))
        assert runtime.BLOCK_THREADS.size == 1
        assert runtime.in_blocks(lambda k: k * k, range(5)) == [0, 1, 4, 9, 16]
        create_app(Settings(block_threads=3))
        assert runtime.BLOCK_THREADS.size == 3
        names: set[str] = set()
        barrier = threading.Barrier(3)

        def work(k: int) -> int:
            barrier.wait(timeout=10)  # only three threads at once can pass together
            names.add(threading.current_thread().name)
            return k

        assert runtime.in_blocks(work, range(3)) == [0, 1, 2]
        assert len(names) == 3
    finally:
        runtime.configure(block_threads=before)


def test_a_what_if_call_holds_one_slot_per_solve_running_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = create_app(Settings(max_concurrent_solves=3, scenario_workers=2))
    slots, seen = app.state.slots, []
    routes = __import__("api.work", fromlist=["run_scenarios"])  # the route's work
    original = routes.run_scenarios

    def spy(request: Any, options: Any, *, workers: int, **rest: Any) -> Any:
        seen.append((workers, slots.busy))
        return original(request, options, workers=workers, **rest)

    monkeypatch.setattr(routes, "run_scenarios", spy)
    client = TestClient(app)
    base = random_pool(7, n_mentees=6, n_mentors=3)
    variant = {"name": "cap 1", "patch": {"program": {"mentor_capacity": 1}}}
    body = {"base": base, "variants": [variant]}
    assert client.post("/v1/scenarios", json=body).status_code == 200
    assert seen[-1] == (2, 2)  # two workers, two slots
    assert slots.take(2) == 2  # another caller holds two of the three
    try:
        assert client.post("/v1/scenarios", json=body).status_code == 200
        assert seen[-1] == (1, 3)  # one slot left: one worker
        assert slots.take(1) == 1
        assert client.post("/v1/scenarios", json=body).status_code == 503
        assert client.post("/v1/match", json=base).status_code == 503
    finally:
        slots.give_back(3)
    assert slots.busy == 0


def test_a_solving_request_keeps_the_collector_paused_until_its_answer_is_written(
    collector_on: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer is serialised after the solve's own pause has ended: the request's pause
    (`api.running.CollectorPaused`) still holds then, and ends with the request."""
    from api.routes import match as route

    seen: list[bool] = []
    original = route.as_json

    async def spy(answer: Any, language: str) -> Any:
        seen.append(gc.isenabled())
        return await original(answer, language)

    monkeypatch.setattr(route, "as_json", spy)
    client = TestClient(create_app(Settings()))
    pool = random_pool(3, n_mentees=6, n_mentors=3)
    assert client.post("/v1/match", json=pool).status_code == 200
    assert seen == [False]  # paused while the answer was written
    assert gc.isenabled() and runtime.COLLECTOR.running == 0  # and on again after
    assert client.get("/healthz").status_code == 200 and gc.isenabled()


ROOT = Path(__file__).resolve().parent.parent
HELD_AFTER_FREEING = """
import numpy as np
import api.main  # the service's entry: settings read, memory policy set, app built
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
block = np.ones(300 * 2**20, dtype=np.uint8)
held = rss()
del block
print(held - rss())
"""


@pytest.mark.parametrize(("retain_mb", "kept"), [(1024, True), (0, False)])
def test_the_service_process_keeps_freed_memory_for_the_next_request(
    retain_mb: int, kept: bool
) -> None:
    """`BINOME_RETAIN_MB` (api.memory): the service keeps what a request freed resident for
    the next (which then need not fault it in again), or hands it back at once with 0."""
    env = {**os.environ, "BINOME_RETAIN_MB": str(retain_mb), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", HELD_AFTER_FREEING],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    released = int(done.stdout.split()[-1])  # MB handed back when the block was freed
    assert (released < 30) if kept else (released > 250), done.stdout

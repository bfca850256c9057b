"""Process state, made explicit: the block threads and the garbage-collector policy.

Two things outlive a single solve, and both are here, each one documented object:

- `BLOCK_THREADS`: the dense passes of large requests (candidates, the proof,
  blocking pairs, suggestions) read the score matrix a block of mentees at a time, and
  numpy releases the GIL inside each operation on a block: two threads do the same
  passes in about 0.6 of the time. Results come back in block order, so every answer
  is the one a single thread gives. Its size is a setting (`configure`; the service's
  `BINOME_BLOCK_THREADS`). Work given to it must not itself call `in_blocks`.
- `COLLECTOR`: Python's cyclic garbage collector, paused while solves run, never for
  long (see `CollectorPause`).

`Cancel` is per solve, not per process: the caller sets it (a client that hung up) and
running searches stop.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

BLOCK = 1024  # mentees per block: temporaries of a few tens of MB
CACHE_BLOCK = 128  # mentees per block of the passes whose temporaries must stay in cache

T = TypeVar("T")


class BlockThreads:
    """A small thread pool for loops over blocks, built on first use at its configured size."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._size = max(1, size)
        self._pool: ThreadPoolExecutor | None = None

    @property
    def size(self) -> int:
        return self._size

    def resize(self, size: int) -> None:
        """From now on, `size` threads (the old pool finishes what it was given)."""
        with self._lock:
            old, self._pool, self._size = self._pool, None, max(1, size)
        if old is not None:
            old.shutdown(wait=False)

    def map(self, work: Callable[[int], T], starts: Sequence[int]) -> list[T]:
        """[work(start) for start in starts], on up to `size` threads, in order."""
        if self._size == 1 or len(starts) < 2:
            return [work(start) for start in starts]
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._size, thread_name_prefix="binome-blocks")
            pool = self._pool
        return list(pool.map(work, starts))


BLOCK_THREADS = BlockThreads(min(2, os.cpu_count() or 1))


def in_blocks(work: Callable[[int], T], starts: Sequence[int]) -> list[T]:
    """[work(start) for start in starts], on the block threads, in order."""
    return BLOCK_THREADS.map(work, starts)


def in_turn(work: Callable[[int], T], starts: Sequence[int]) -> list[T]:
    """[work(start) for start in starts] on this thread: for work whose own matrix products
    already run on BLAS's threads (two block threads over them were slower: 1.1 against
    0.6 s for a screened proof pass at 30,000 × 10,000)."""
    return [work(start) for start in starts]


def configure(*, block_threads: int) -> None:
    """Size the process's block threads (the service calls this with its settings)."""
    BLOCK_THREADS.resize(block_threads)


class CollectorPause:
    """Python's cyclic garbage collector, paused while solves run, never for long.

    Why pause: a large answer is hundreds of thousands of new objects, none of them cyclic
    garbage; the collector scanning them again and again cost 0.6-0.9 s of a 10k × 3.4k
    answer. Why not for long: under overlapping load some solve is always running, and a
    pause held until the last one ends might never end. So whenever a solve starts or ends
    while the collector has been paused for `max_pause_s` or more, one full collection
    runs and the pause starts again; when the last solve ends, the collector is back on
    (unless it was off before the first began). Solves run in threads: the count is
    shared and locked."""

    def __init__(self, max_pause_s: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.max_pause_s, self.clock = max_pause_s, clock
        self._lock = threading.Lock()
        self.running, self.collections = 0, 0
        self._restore, self._since = False, 0.0

    @contextmanager
    def paused(self) -> Iterator[None]:
        with self._lock:
            if self.running == 0:
                self._restore, self._since = gc.isenabled(), self.clock()
                gc.disable()
            self.running += 1
            self._catch_up()
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1
                if self.running == 0:
                    if self._restore:
                        gc.enable()
                else:
                    self._catch_up()

    def _catch_up(self) -> None:
        """One full collection when the pause has lasted `max_pause_s` (lock held)."""
        if self.clock() - self._since >= self.max_pause_s:
            gc.collect()
            self.collections += 1
            self._since = self.clock()


COLLECTOR = CollectorPause()


class Cancelled(RuntimeError):
    """The caller cancelled the solve before an answer could be given."""


Progress = Callable[[str, float | None, float | None], None]  # (search, objective, bound)


class Cancel:
    """Set when the caller no longer wants the answer (a client that hung up): searches
    running now are stopped through the callbacks they registered, and the next stage of a
    solve does not start. `stop` (a job cancelled by its owner) stops the searches too but
    lets the solve answer the best it has, as when its time runs out. A caller that wants
    to follow a search gives `on_progress`: searches report to it the objective and bound
    of the level they search, as they improve (`report`)."""

    def __init__(self, on_progress: Progress | None = None) -> None:
        self._lock = threading.Lock()
        self._set = False
        self._stopped = False
        self._stops: dict[int, Callable[[], None]] = {}
        self.on_progress = on_progress

    @property
    def cancelled(self) -> bool:
        return self._set

    @property
    def stopped(self) -> bool:
        """Cancelled, or stopped keeping the best found."""
        return self._set or self._stopped

    def cancel(self) -> None:
        with self._lock:
            self._set, stops = True, list(self._stops.values())
        for stop in stops:
            stop()

    def stop(self) -> None:
        """Stop the searches now and start no other, but answer the best found so far."""
        with self._lock:
            self._stopped, stops = True, list(self._stops.values())
        for stop in stops:
            stop()

    def report(self, search: str, objective: float | None, bound: float | None) -> None:
        """A search's progress, handed to `on_progress` (if any)."""
        if self.on_progress is not None:
            self.on_progress(search, objective, bound)

    @contextmanager
    def stopping(self, stop: Callable[[], None]) -> Iterator[None]:
        """While inside, `cancel` and `stop` call `stop` (at once if already stopped)."""
        with self._lock:
            key = id(stop)
            self._stops[key] = stop
            now = self._set or self._stopped
        if now:
            stop()
        try:
            yield
        finally:
            with self._lock:
                self._stops.pop(key, None)

    def check(self) -> None:
        """Raise `Cancelled` when cancelled (between the stages of a solve)."""
        if self._set:
            raise Cancelled("the solve was cancelled")

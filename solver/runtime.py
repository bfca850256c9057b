"""Loops over blocks of mentees, run on the machine's cores.

The dense passes of large requests (candidates, the proof, blocking pairs,
suggestions) read the score matrix a block of mentees at a time, and numpy
releases the GIL inside each operation on a block: two threads do the same
passes in about 0.6 of the time. Results come back in block order, so every
answer is the one a single thread gives. Work given here must not itself call
`in_blocks` (the pool is small and shared).
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

log = logging.getLogger(__name__)


BLOCK = 1024  # mentees per block: temporaries of a few tens of MB


T = TypeVar("T")


WORKERS = max(1, min(2, os.cpu_count() or 1))


_lock = threading.Lock()


_pool: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="binome-blocks")
        return _pool


def in_blocks(work: Callable[[int], T], starts: Sequence[int]) -> list[T]:
    """[work(start) for start in starts], on up to WORKERS threads, in order."""
    if WORKERS == 1 or len(starts) < 2:
        return [work(start) for start in starts]
    return list(_executor().map(work, starts))


log = logging.getLogger(__name__)


class _Collector:
    """Python's cyclic garbage collector, paused while any solve runs (solves run in
    threads). A large answer is hundreds of thousands of objects, none of them cyclic
    garbage; scanning them again and again cost 0.6-0.9 s of a 10k x 3.4k answer. Cycles
    made meanwhile are collected once the last solve ends."""

    def __init__(self) -> None:
        self.lock, self.running, self.restore = threading.Lock(), 0, False

    @contextmanager
    def paused(self) -> Iterator[None]:
        with self.lock:
            if self.running == 0:
                self.restore = gc.isenabled()
                gc.disable()
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if self.running == 0 and self.restore:
                    gc.enable()


COLLECTOR = _Collector()

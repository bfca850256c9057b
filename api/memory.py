"""How the service process keeps memory between requests: set once, when it starts.

A large pool allocates and frees the same few hundred MB of arrays in every request (the
score matrix, rule masks, blocks of gains). glibc's defaults hand them back to the system
as soon as they are freed (arrays from 32 MB are mapped on their own, and each solve
thread gets an arena of its own that shrinks too), so every request faults its memory in
again: about 1 GB of fresh pages a request at 10,000 × 3,400. On this VM that cost
from nothing to about 0.45 s a request, depending on the machine's state
(`python -m bench.retain`). Retained, the process keeps what
it freed for the next request, up to `retain_mb` free at the top of its heap: one arena for
every thread, no separate mappings, the trim threshold at `retain_mb`. The peak (what
the memory targets measure) is the same; what changes is that the process no longer
shrinks below it between requests while it holds less than `retain_mb` free. Only glibc
is tuned (through `mallopt`); elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_MAX, M_ARENA_MAX = -1, -2, -4, -8  # glibc's mallopt
TOP_PAD = 64 * 2**20  # grown by at least this much at a time


def retain_freed_memory(retain_mb: int) -> bool:
    """Keep freed memory for the next request (`retain_mb` > 0, see the module); True when
    the allocator took every setting."""
    if retain_mb <= 0:
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return False
    retained = min(retain_mb * 2**20, 2**31 - 1)  # mallopt takes an int
    settings = {
        M_ARENA_MAX: 1,
        M_MMAP_MAX: 0,
        M_TRIM_THRESHOLD: retained,
        M_TOP_PAD: min(TOP_PAD, retained),
    }
    taken = all(mallopt(option, value) == 1 for option, value in settings.items())
    log.info("allocator: retain up to %d MB freed (taken: %s)", retain_mb, taken)
    return taken

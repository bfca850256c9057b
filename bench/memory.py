"""A process's own peak resident memory, for the measures of the benches and the tests.

Not `resource.getrusage(...).ru_maxrss`: on Linux a child started with vfork or
posix_spawn (as `subprocess` does) carries its parent's high-water mark through `exec`,
so a fresh process started by a large test run reported the runner's peak (258 MB for a
solve that peaks at 120 when started from a shell). `VmHWM` is the peak of this process's
own address space.
"""

from __future__ import annotations

import resource


def peak_mb() -> float:
    """The peak resident memory of this process's address space, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_mb(pid: int, field: str = "VmHWM") -> float:
    """Another process's resident memory in MB: its peak (`VmHWM`) or now (`VmRSS`); 0 once
    it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0

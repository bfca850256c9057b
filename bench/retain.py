"""Memory kept between requests against handed back, interleaved in one run (the VM's
speed drifts within minutes, so each round tries both settings, in fresh servers):

    python -m bench.retain --sizes 10000x3400 --rounds 2 --repeats 5

For each round and each `BINOME_RETAIN_MB` (2048, the default, and 0, glibc's own
policy), a fresh server answers the generated pool (seed 1) once to warm up, then
`repeats` times; the table gives the median over the rounds, the page faults a request
(the server's `minflt` from /proc) and the server's peak (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import statistics
from typing import Any

from bench.compact import KINDS, post
from bench.live import serving
from bench.memory import process_mb
from bench.run import calibration, machine, sizes_of
from generator.pools import generate_pool

SETTINGS = ("2048", "0")


def faults(pid: int) -> int:
    """Minor page faults of a process so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[7])


def served(raw: bytes, headers: dict[str, str], retain: str, repeats: int) -> dict[str, Any]:
    with serving({"BINOME_RETAIN_MB": retain}) as live:
        post(live.port, raw, headers)  # warm: first calls are not timed
        before = faults(live.pid)
        times = [post(live.port, raw, headers)[0] for _ in range(repeats)]
        return {
            "times": times,
            "faults": (faults(live.pid) - before) / repeats,
            "peak": process_mb(live.pid),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000x3400", help="MENTEESxMENTORS,...")
    parser.add_argument("--kinds", default="pairs,full", help=", ".join(KINDS))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}; rounds: {args.rounds}; repeats: {args.repeats}")
    print(f"Calibration (a fixed flow and pass, p50): {calibration():.3f} s\n")
    print("| pool | answer | BINOME_RETAIN_MB | median | faults a request | server peak |")
    print("|---|---|---|---|---|---|")
    for mentees, mentors in sizes_of(args.sizes):
        body = generate_pool(mentees, mentors, 1)
        for kind in args.kinds.split(","):
            program, headers = KINDS[kind]
            raw = json.dumps({**body, "program": {**body["program"], **program}}).encode()
            found: dict[str, list[dict[str, Any]]] = {retain: [] for retain in SETTINGS}
            for _ in range(args.rounds):
                for retain in SETTINGS:
                    found[retain].append(served(raw, headers, retain, args.repeats))
            for retain, runs in found.items():
                median = statistics.median(t for run in runs for t in run["times"])
                fault = statistics.mean(run["faults"] for run in runs)
                peak = max(run["peak"] for run in runs)
                print(
                    f"| {mentees} × {mentors} | {kind} | {retain} | {median:.2f} s "
                    f"| {fault:,.0f} | {peak:.0f} MB |"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The budget's calibration: for request shapes from plain pools to hostile ones, the
estimate of `solver.budget` beside the peak memory, answer size and seconds measured in a
fresh process per shape (peak above the process once the request is read).

    python -m bench.budget                         # every shape, one Markdown table
    python -m bench.budget --one plain-10000x3400  # one of them

The constants of `solver/budget.py` come from this table (docs/operations.md#the-budget).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.memory import peak_mb
from bench.proportion import Body, flat
from generator.pools import generate_pool

GAPS = {"rules": {"max_timezone_gap_hours": 6, "min_seniority_gap": 2}}
SIDE: dict[str, Any] = {  # a cross share, max-same and fair (issue 16)
    "diversity": {"cross": {"department": 0.8}, "max_same_per_mentor": {"department": 1}},
    "objective": "fair",
    "time_limit_s": 20,
}


def shared(mentees: int, mentors: int, items: int) -> Body:
    """Mentee k and mentor k share `items` goals nobody else lists: a large shared vocabulary."""
    own = [[f"g{k}-{t}" for t in range(items)] for k in range(max(mentees, mentors))]
    return {
        "mentors": [{"id": f"m{j}", "skills": own[j]} for j in range(mentors)],
        "mentees": [{"id": f"e{i}", "goals": own[i]} for i in range(mentees)],
    }


def plain(mentees: int, mentors: int, **program: Any) -> Body:
    return generate_pool(mentees, mentors, 1, program=program)


SHAPES: dict[str, Any] = {
    "plain-1000x350": lambda: plain(1000, 350),
    "plain-3000x1000": lambda: plain(3000, 1000),
    "plain-5000x1700": lambda: plain(5000, 1700),
    "plain-10000x3400": lambda: plain(10000, 3400),
    "suggestions50-3000x1000": lambda: plain(3000, 1000, suggestions=50),
    "suggestions50-5000x1700": lambda: plain(5000, 1700, suggestions=50),
    "gaps-5000x1700": lambda: plain(5000, 1700, **GAPS),
    "flat-10000x3400": lambda: flat(10000, 3400),
    "shared-300x300x100": lambda: shared(300, 300, 100),
    "shared-600x600x100": lambda: shared(600, 600, 100),
    "max_same-3000x1000": lambda: plain(3000, 1000, diversity={"max_same_per_mentor": {"site": 1}}),
    "cross-1000x350": lambda: plain(1000, 350, diversity={"cross": {"department": 0.8}}),
    "balance-1000x350": lambda: plain(1000, 350, diversity={"balance": {"department": True}}),
    "balance-3000x1000": lambda: plain(3000, 1000, diversity={"balance": {"department": True}}),
    "balance-10000x3400": lambda: plain(10000, 3400, diversity={"balance": {"department": True}}),
    "group-600x200": lambda: plain(600, 200, format="group", group={"min_size": 2}),
    "stable-10000x3400": lambda: plain(10000, 3400, stable=True),
    "cross+max_same-10000x3400": lambda: plain(
        10000, 3400, diversity={"cross": {"department": 0.8}, "max_same_per_mentor": {"site": 1}}
    ),
    "group-2000x700": lambda: plain(2000, 700, format="group", group={"min_size": 3}),
    "group-10000x3400": lambda: plain(10000, 3400, format="group", group={"min_size": 3}),
    "group8-10000x3400": lambda: plain(
        10000, 3400, format="group", group={"min_size": 3}, mentor_capacity=8, time_limit_s=30
    ),
    "side-rules-1000x350": lambda: plain(1000, 350, **SIDE),
    "side-rules-10000x3400": lambda: plain(10000, 3400, **SIDE),
}


def rss_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def measure(path: str) -> dict[str, Any]:
    """The request in the JSON file at `path`, in this process: its estimate, then its
    solve measured (the peak above the resident memory once the request is read)."""
    from solver import MatchRequest, match
    from solver.budget import estimate

    with open(path, encoding="utf-8") as file:
        request = MatchRequest.model_validate_json(file.read())
    cost = estimate(request)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    try:
        answer_mb = len(match(request).model_dump_json()) / 2**20
    except ValueError:  # refused as written (a search out of time): memory still counts
        answer_mb = 0.0
    seconds = time.perf_counter() - started
    peak = peak_mb()
    return {
        "path": cost.path,
        "memory": [round(cost.memory_mb), round(peak - before)],
        "answer": [round(cost.answer_mb, 1), round(answer_mb, 1)],
        "seconds": [round(cost.seconds, 1), round(seconds, 1)],
    }


def measured(name: str) -> dict[str, Any]:
    """One shape measured in a fresh process, its body written by this one."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(SHAPES[name](), file)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.budget", "--file", file.name],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(file.name)
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", help="one request's JSON, measured in this process")
    parser.add_argument("--one", choices=sorted(SHAPES), help="one shape, in its own process")
    args = parser.parse_args()
    if args.file:
        print(json.dumps(measure(args.file)), flush=True)
        return
    print("| shape | path | memory MB: estimate / measured | answer MB | seconds |")
    print("|---|---|---|---|---|")
    for name in [args.one] if args.one else list(SHAPES):
        try:
            row = measured(name)
        except subprocess.CalledProcessError as exc:
            print(f"| {name} | failed: {exc.stderr.strip().splitlines()[-1][:60]} | | | |")
            continue
        cells = [" / ".join(str(v) for v in row[k]) for k in ("memory", "answer", "seconds")]
        print(f"| {name} | {row['path']} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()

"""`format: "group"` with `group.min_size` at scale: status, gap, seconds and peak memory,
each case in a fresh process (its own peak, `bench/memory.py`).

    python -m bench.groups                                   # the issue's table (issue 16)
    python -m bench.groups --sizes 1000x350 --min-sizes 3 --capacities 8
    python -m bench.groups --one 1000x350 --min-size 2       # one case, in this process

Pools come from the seeded generator (`generate_pool(mentees, mentors, 1)`). With the
default `mentor_capacity` of 3 they have fewer places than mentees, and the plain optimum
already fills every mentor that can open: groups rarely bind. A larger capacity
(`--capacities 8`) leaves room to spare, so the plain optimum spreads mentees thinly and
the rule binds. `engine s` is the solver alone (`solver.match.solve`: score, rules,
solve, prove); `answer s` the whole answer without HTTP (`solver.match`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from bench.memory import peak_mb
from generator.pools import generate_pool

SIZES = "1000x350,10000x3400"


def run(size: str, minimum: int, capacity: int, limit: float) -> dict[str, Any]:
    """One case in this process: the engine alone, then the whole answer."""
    from solver import MatchRequest, match
    from solver.match import solve

    mentees, mentors = (int(v) for v in size.split("x"))
    program = {
        "format": "group",
        "group": {"min_size": minimum},
        "mentor_capacity": capacity,
        "time_limit_s": limit,
    }
    request = MatchRequest.model_validate(generate_pool(mentees, mentors, 1, program=program))
    started = time.perf_counter()
    solved = solve(request)
    engine_s = time.perf_counter() - started
    started = time.perf_counter()
    answer = match(request)
    answer_s = time.perf_counter() - started
    smallest = min((len(g.mentees) for g in answer.groups), default=0)
    return {
        "size": size,
        "min_size": minimum,
        "capacity": capacity,
        "engine": solved.engine,
        "status": answer.status,
        "gap": answer.gap,
        "objective": answer.objective,
        "bound": answer.bound,
        "matched": len(answer.pairings),
        "smallest": smallest,
        "engine_s": round(engine_s, 2),
        "answer_s": round(answer_s, 2),
        "peak_mib": round(peak_mb()),
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = "| size | min_size | capacity | status | gap | objective | bound | matched | smallest"
    head += " group | engine s | answer s | peak MiB |"
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        lines.append(
            f"| {r['size']} | {r['min_size']} | {r['capacity']} | {r['status']} | "
            f"{r['gap']:.2e} | {r['objective']:.3f} | {r['bound']:.3f} | {r['matched']} | "
            f"{r['smallest']} | {r['engine_s']} | {r['answer_s']} | {r['peak_mib']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=SIZES)
    parser.add_argument("--min-sizes", default="2,3")
    parser.add_argument("--capacities", default="3")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--one", help="one size, run in this process (prints JSON)")
    parser.add_argument("--min-size", type=int, default=2)
    parser.add_argument("--capacity", type=int, default=3)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one, args.min_size, args.capacity, args.time_limit)))
        return
    from bench.run import calibration

    print(f"Calibration (a fixed flow and pass, p50): {calibration():.3f} s\n")
    rows = []
    for size in args.sizes.split(","):
        for capacity in (int(c) for c in args.capacities.split(",")):
            for minimum in (int(k) for k in args.min_sizes.split(",")):
                command = [sys.executable, "-m", "bench.groups", "--one", size]
                command += ["--min-size", str(minimum), "--capacity", str(capacity)]
                command += ["--time-limit", str(args.time_limit)]
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()

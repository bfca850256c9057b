"""A whole multinational's pool, read by blocks (issue 17.5): a plain attribute pool with the
compact answer, end to end over the solver entry the HTTP route calls (`match_as_asked`),
in a fresh process of its own so that its peak memory (VmHWM) is its own:

    nice -n 10 python -m bench.huge --size 100000x34000

The pool is the generator's (seed 1), written once to build/ (generating 134,000 people
takes minutes) and read back as the route reads a body: JSON, then the request's model.
Each run prints one row: the request's validation, the solve and answer, the status, the
gap, the pairs made, the budget's estimate and the measured peak; and the load beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.memory import peak_mb
from generator.pools import generate_pool

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
PROGRAM = {"answer": "pairs", "time_limit_s": 600}


def pool_file(mentees: int, mentors: int, seed: int) -> Path:
    """The generator's pool of that size, written once."""
    path = BUILD / f"huge_{mentees}x{mentors}_{seed}.json"
    if not path.exists():
        BUILD.mkdir(exist_ok=True)
        body = generate_pool(mentees, mentors, seed, program=PROGRAM)
        path.write_text(json.dumps(body), encoding="utf-8")
    return path


def child(path: Path) -> dict[str, object]:
    """One request, as the route serves it: parsed, validated, budgeted, solved, answered."""
    from solver import Budget, MatchRequest, match_as_asked
    from solver.budget import estimate
    from solver.dispatch import SolveOptions

    started = time.perf_counter()
    request = MatchRequest.model_validate_json(path.read_bytes())
    read = time.perf_counter() - started
    cost = estimate(request, Budget(memory_mb=1e9))
    began = time.perf_counter()
    answer = match_as_asked(request, SolveOptions(max_time_limit_s=600))
    solved = time.perf_counter() - began
    body = answer.model_dump_json()
    return {
        "read_s": round(read, 1),
        "solve_s": round(solved, 1),
        "total_s": round(time.perf_counter() - started, 1),
        "status": answer.status,
        "gap": answer.gap,
        "pairs": len(answer.pairings),
        "objective": answer.objective,
        "answer_mb": round(len(body) / 1e6, 1),
        "path": cost.path,
        "estimate_mb": round(cost.memory_mb),
        "peak_mb": round(peak_mb()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100000x34000", help="MENTEESxMENTORS")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    mentees, mentors = (int(x) for x in args.size.split("x"))
    path = pool_file(mentees, mentors, args.seed)
    load = os.getloadavg()[0]
    run = [sys.executable, "-m", "bench.huge", "--child", str(path)]
    done = subprocess.run(run, check=True, capture_output=True, text=True, cwd=ROOT)
    row = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"load before: {load:.2f}, after: {os.getloadavg()[0]:.2f}")
    print(
        "| pool | read + validate | solve + compact answer | end to end | status | gap "
        "| pairs | budget's estimate | peak (VmHWM) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {mentees:,} × {mentors:,} | {row['read_s']} s | {row['solve_s']} s "
        f"| {row['total_s']} s | {row['status']} | {row['gap']} | {row['pairs']:,} "
        f"| {row['estimate_mb']:,} MB ({row['path']}) | {row['peak_mb']:,} MB |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

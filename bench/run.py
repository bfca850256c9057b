"""Benchmarks: `make bench` (or `python -m bench.run --sizes 300x100,1000x350`).

Program rules go in `--program` as JSON, merged into every generated pool:
    python -m bench.run --sizes 1000x350 --program \
      '{"diversity": {"cross": {"department": 0.95}}, "objective": "fair"}'

Times, on pools from the seeded generator and on the bundled example:
- binome end to end over real HTTP (uvicorn on 127.0.0.1: parse, score, solve,
  explain, serialise), p50 over repeats;
- binome's solver alone, the engine (`solver.match.solve`: score, rules, solve,
  prove; what the baselines do), and its whole answer without HTTP (`solver.match`:
  the engine plus reasons, suggestions, unmatched reasons, metrics);
and prints one Markdown table. Speed is measured here, never in unit tests.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from generator.pools import generate_pool
from solver import MatchRequest, match
from solver.match import solve

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "examples" / "company_pool.json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server() -> Iterator[int]:
    """uvicorn serving api.main:app on a free loopback port, stopped on exit."""
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port)]
    process = subprocess.Popen(
        command + ["--host", "127.0.0.1", "--log-level", "warning"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def post(
    port: int, body: bytes, path: str = "/v1/match", timeout: float = 600
) -> tuple[float, dict[str, Any]]:
    """Seconds to the answer's last byte, and the answer read (orjson: answers of tens of MB)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    connection.request("POST", path, body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {payload[:300]!r}")
    said: dict[str, Any] = orjson.loads(payload)
    return elapsed, said


def p50(values: list[float]) -> float:
    return statistics.median(values)


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def bench_pool(name: str, body: dict[str, Any], port: int, repeats: int) -> dict[str, Any]:
    raw = json.dumps(body).encode()
    request = MatchRequest.model_validate(body)
    result, (_, answer) = match(request), post(port, raw)  # warm: first calls are not timed
    # Each column in a loop of its own: the server is idle during the in-process loops, and
    # nothing from one kind of call (a 42 MB answer being freed) lands in another's time.
    engine_times = [_timed(lambda: solve(request)) for _ in range(repeats)]
    solver_times = [_timed(lambda: match(request)) for _ in range(repeats)]
    http_times = []
    for _ in range(repeats):
        elapsed, answer = post(port, raw)
        http_times.append(elapsed)
    return {
        "pool": name,
        "mentees": len(body["mentees"]),
        "mentors": len(body["mentors"]),
        "status": result.status,
        "engine": result.engine,
        "gap": result.gap,
        "pairs": len(result.pairings),
        "objective": result.objective,
        "http_status": answer["status"],
        "engine_p50_s": p50(engine_times),
        "solver_p50_s": p50(solver_times),
        "http_p50_s": p50(http_times),
    }


def calibration() -> float:
    """p50 seconds of a fixed workload (a seeded min-cost flow and a pass over 34 M floats):
    this VM's speed drifts by up to ~1.8x over minutes, so each run says how fast it was."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    rng = np.random.default_rng(0)
    tails = np.repeat(np.arange(3000), 60)
    heads = 3000 + rng.integers(0, 1000, len(tails))
    values = np.empty((10_000, 3_400))

    def work() -> None:
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            tails, heads, np.ones(len(tails), dtype=np.int64), -rng.integers(0, 10**9, len(tails))
        )
        flow.add_arcs_with_capacity_and_unit_cost(
            3000 + np.arange(1000), np.full(1000, 4000), np.full(1000, 3), np.zeros(1000, np.int64)
        )
        nodes = np.r_[np.arange(2900), 4000]
        flow.set_nodes_supplies(nodes, np.r_[np.ones(2900, dtype=np.int64), -2900])
        if flow.solve() != flow.OPTIMAL:
            raise RuntimeError("calibration flow not optimal")
        values.fill(0.5)
        np.rint(values * 1e9, out=values)

    return p50([_timed(work) for _ in range(3)])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| pool | mentees × mentors | status | engine | gap | pairs | objective "
        "| solver alone (engine) p50 | whole answer, no HTTP p50 | end to end over HTTP p50 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['pool']} | {r['mentees']} × {r['mentors']} | {r['status']} | {r['engine']} "
            f"| {r['gap']:.2g} | {r['pairs']} "
            f"| {r['objective']:.4f} | {r['engine_p50_s']:.3f} s | {r['solver_p50_s']:.3f} s "
            f"| {r['http_p50_s']:.3f} s |"
        )
    return "\n".join(lines)


def sizes_of(text: str) -> list[tuple[int, int]]:
    """ "300x100,1000x350" as [(300, 100), (1000, 350)]: mentees × mentors per pool."""
    found = []
    for size in text.split(","):
        mentees, mentors = (int(x) for x in size.split("x"))
        found.append((mentees, mentors))
    return found


def report(settings: str, rows_table: str) -> None:
    """The machine, the run's settings, this moment's calibration, then the table."""
    print(f"Machine: {machine()}; {settings}")
    print(f"Calibration (a fixed flow and pass, p50): {calibration():.3f} s\n")
    print(rows_table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="300x100,1000x350", help="MENTEESxMENTORS,...")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--program", type=json.loads, default={}, help="JSON program rules")
    parser.add_argument("--no-example", action="store_true", help="skip the bundled example")
    args = parser.parse_args(argv)
    pools = [] if args.no_example else [("example", json.loads(EXAMPLE.read_text("utf-8")))]
    for mentees, mentors in sizes_of(args.sizes):
        body = generate_pool(mentees, mentors, args.seed, program=args.program)
        pools.append((f"generated seed {args.seed}", body))
    with server() as port:
        rows = [bench_pool(name, body, port, args.repeats) for name, body in pools]
    report(f"repeats: {args.repeats}; program: {json.dumps(args.program)}", table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

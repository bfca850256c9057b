"""The compact answer beside the full one, over real HTTP, against scipy's
`linear_sum_assignment` alone on the same pool's matrix, in one run (issue 17.4):

    python -m bench.compact --sizes 10000x3400 --repeats 3

For each pool (the generator's, seed 1): scipy's call alone (`bench.baselines`' own child,
mentor places replicated, in a process of its own), then each answer in a fresh server
(so that its peak memory, VmHWM, is its own): `program.answer: "pairs"`, the full default
answer, and the full one asked with `Accept-Encoding: gzip`. Each is posted once to warm
up, then `repeats` times; the table gives the p50, its ratio to scipy's call, the answer's
bytes as sent, and the server's peak.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import statistics
import time
from typing import Any

from bench.baselines import measure
from bench.live import HOST, serving
from bench.memory import process_mb
from bench.run import calibration, machine, sizes_of
from generator.pools import generate_pool

KINDS = {  # name: (program fields, request headers)
    "pairs": ({"answer": "pairs"}, {}),
    "full": ({}, {}),
    "full, gzip": ({}, {"Accept-Encoding": "gzip"}),
}


def post(port: int, body: bytes, headers: dict[str, str]) -> tuple[float, bytes, str]:
    """Seconds to the last byte of the answer, the answer as sent, its status field."""
    connection = http.client.HTTPConnection(HOST, port, timeout=600)
    started = time.perf_counter()
    connection.request("POST", "/v1/match", body, {"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {payload[:300]!r}")
    gzipped = response.getheader("Content-Encoding") == "gzip"
    plain = gzip.decompress(payload) if gzipped else payload
    said: dict[str, Any] = json.loads(plain)
    return elapsed, payload, f"{said['status']}, {len(said['pairings'])} pairs"


def kind_row(body: dict[str, Any], kind: str, repeats: int) -> dict[str, Any]:
    program, headers = KINDS[kind]
    raw = json.dumps({**body, "program": {**body.get("program", {}), **program}}).encode()
    with serving() as live:
        post(live.port, raw, headers)  # warm: first calls are not timed
        times, sent, said = [], b"", ""
        for _ in range(repeats):
            elapsed, sent, said = post(live.port, raw, headers)
            times.append(elapsed)
        peak = process_mb(live.pid)
    return {
        "kind": kind,
        "p50": statistics.median(times),
        "bytes": len(sent),
        "peak": peak,
        "said": said,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000x3400", help="MENTEESxMENTORS,...")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"Machine: {machine()}; repeats: {args.repeats}")
    print(f"Calibration (a fixed flow and pass, p50): {calibration():.3f} s\n")
    print(
        "| pool | answer | end to end over HTTP p50 | × scipy's call | answer as sent "
        "| server peak | status |"
    )
    print("|---|---|---|---|---|---|---|")
    for mentees, mentors in sizes_of(args.sizes):
        body = generate_pool(mentees, mentors, args.seed)
        scipy = measure("scipy", (mentees, mentors), args.seed, 600)
        call = scipy.get("solve_seconds") or float("nan")
        size = f"{mentees} × {mentors}"
        print(
            f"| {size} | scipy `linear_sum_assignment` alone | {call:.2f} s (its process "
            f"{scipy['seconds']:.2f} s) | 1.00 | | {scipy['rss_mb']:.0f} MB | "
            f"{scipy['pairs']} pairs |",
            flush=True,
        )
        for kind in KINDS:
            r = kind_row(body, kind, args.repeats)
            print(
                f"| {size} | {kind} | {r['p50']:.2f} s | {r['p50'] / call:.2f} "
                f"| {r['bytes'] / 1e6:.1f} MB | {r['peak']:.0f} MB | {r['said']} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Load test: `make load` (or `python -m bench.load --seconds 20 --concurrency 4`).

Starts uvicorn on 127.0.0.1, runs bounded request loops with a mix of pool sizes
(the bundled example, small and medium generated pools) from several client
threads, then a burst far beyond the solver slots, then checks that the service
answers normally again. Prints p50/p99 latency per pool, throughput, and the
count of errors (5xx or failed connections) and of 503s (refused when busy).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from collections import Counter, defaultdict
from typing import Any

from bench.run import EXAMPLE, machine, server
from generator.pools import generate_pool


def pools() -> dict[str, bytes]:
    return {
        "example 80×40": EXAMPLE.read_bytes(),
        "small 20×10": json.dumps(generate_pool(20, 10, 5)).encode(),
        "medium 300×100": json.dumps(generate_pool(300, 100, 6)).encode(),
    }


def post(port: int, body: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("POST", "/v1/match", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        connection.close()
        status = response.status
    except OSError:
        status = 0  # the connection failed: counted as an error
    return status, time.perf_counter() - started


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.codes: Counter[int] = Counter()

    def add(self, pool: str, status: int, seconds: float) -> None:
        with self.lock:
            self.codes[status] += 1
            if status == 200:
                self.latency[pool].append(seconds)


def loop(port: int, bodies: dict[str, bytes], tally: Tally, until: float, offset: int) -> None:
    names = list(bodies)
    k = offset
    while time.monotonic() < until:
        name = names[k % len(names)]
        tally.add(name, *post(port, bodies[name]))
        k += 1


def run(port: int, bodies: dict[str, bytes], seconds: float, concurrency: int) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=loop, args=(port, bodies, tally, until, k))
        for k in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(title: str, tally: Tally, seconds: float) -> str:
    total = sum(tally.codes.values())
    errors = sum(n for code, n in tally.codes.items() if code == 0 or code >= 500 and code != 503)
    lines = [
        f"**{title}**: {total} requests in {seconds:.0f} s, "
        f"{total / seconds:.1f} requests/s; 200: {tally.codes[200]}, "
        f"503 (busy): {tally.codes[503]}, errors: {errors}",
        "",
        "| pool | answered | p50 | p99 |",
        "|---|---|---|---|",
    ]
    for name, values in sorted(tally.latency.items()):
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.3f} s "
            f"| {percentile(values, 0.99):.3f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=2, help="within the solver slots")
    parser.add_argument("--burst", type=int, default=16, help="clients in the burst")
    args = parser.parse_args(argv)
    bodies = pools()
    with server() as port:
        steady = run(port, bodies, args.seconds, args.concurrency)
        burst_bodies = {"medium 300×100": bodies["medium 300×100"]}
        burst = run(port, burst_bodies, max(args.seconds / 2, 5), args.burst)
        status, seconds = post(port, bodies["example 80×40"])
    out: dict[str, Any] = {"recovered": status == 200, "after_burst_s": round(seconds, 3)}
    print(f"Machine: {machine()}\n")
    print(report(f"Steady, {args.concurrency} clients", steady, args.seconds))
    print()
    print(
        report(f"Burst, {args.burst} clients on the medium pool", burst, max(args.seconds / 2, 5))
    )
    print(f"\nAfter the burst: {json.dumps(out)}")
    failed = any(
        code == 0 or (code >= 500 and code != 503) for t in (steady, burst) for code in t.codes
    )
    return 1 if failed or not out["recovered"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Hostile and unlucky clients (issue 13): `python -m bench.hostile [--root DIR] [NAME ...]`.

Each measurement starts a uvicorn of its own on 127.0.0.1 (the code in `--root`, this
checkout by default) and prints one line of figures:

- parse: three clients send 1.5 MB bodies of 99,999 participants (413s); the worst
  /healthz meanwhile;
- auth: with API keys set, three anonymous clients send 17 MB bodies; the worst /healthz;
- buffers: 40 connections each send 30 MiB less one byte and stall; the server's memory
  then and 20 s later, and what the connections were answered;
- writes: 30 clients ask for a 3,000 × 1,000 answer (12.5 MB) and never read it; the
  server's memory then and 20 s later;
- abandon: two slow CP-SAT requests (~117 KB, time limit 60 s) abandoned after 0.5 s; how
  long until a request beyond the small lane is served again;
- fair: 4 clients re-sending a 3,000 × 1,000 pool and 16 sending 1 × 1 pools for 30 s;
  the codes each kind got; fair-one: 2 and 1 for 20 s;
- labels: 2,000 made-up methods; the series of binome_requests_total;
- head: HEAD /healthz.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from api.settings import Settings
from bench.live import ROOT, Live, head, read_status, serving
from generator.pools import generate_pool

KEY = "k-bench-0123456789abcdef"


def participants(count: int) -> bytes:
    return json.dumps({"mentors": [], "mentees": [{"id": f"e{k}"} for k in range(count)]}).encode()


def tiny() -> bytes:
    return json.dumps({"mentors": [{"id": "m1"}], "mentees": [{"id": "e1"}]}).encode()


def slow_cpsat(time_limit_s: float = 60) -> bytes:
    """~117 KB: 200 mentees, 80 mentors in groups of two, on CP-SAT: it runs to its limit."""
    body = generate_pool(200, 80, 1)
    program = {"format": "group", "group": {"min_size": 2}, "engine": "cpsat"}
    body["program"] = {**body.get("program", {}), **program, "time_limit_s": time_limit_s}
    return json.dumps(body).encode()


@contextlib.contextmanager
def healthz_watch(live: Live, every_s: float = 0.05) -> Iterator[list[float]]:
    """Times /healthz from another thread while the block runs: the seconds of each."""
    times: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            live.status("GET", "/healthz", timeout=60)
            times.append(time.perf_counter() - started)
            stop.wait(every_s)

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        yield times
    finally:
        stop.set()
        thread.join()


def clients(count: int, work: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=work, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def burst(live: Live, body: bytes, clients_n: int, repeats: int, **kw: Any) -> dict[str, Any]:
    codes: list[int] = []  # appended to by many threads

    def send(_: int) -> None:
        for _ in range(repeats):
            codes.append(live.status("POST", "/v1/match", body, timeout=120, **kw))

    with healthz_watch(live) as times:
        clients(clients_n, send)
    worst = round(max(times), 3)
    return {"codes": dict(Counter(codes)), "healthz_worst_s": worst, "polls": len(times)}


def parse(root: Path) -> dict[str, Any]:
    with serving(root=root) as live:
        return burst(live, participants(Settings().max_participants + 1), 3, 3)


def auth(root: Path) -> dict[str, Any]:
    with serving({"BINOME_API_KEYS": KEY}, root=root) as live:
        return burst(live, participants(1_000_000), 3, 2)


def stalled_upload(live: Live, length: int, codes: list[int]) -> socket.socket | None:
    """Sends `length` bytes less one and stalls; None (its code counted) when the server
    refused it on the way."""
    sock = live.connect()
    try:
        sock.sendall(head("POST", "/v1/match", length))
        sock.sendall(b" " * (length - 1))
    except OSError:
        codes.append(read_status(sock))
        sock.close()
        return None
    return sock


def buffers(root: Path) -> dict[str, Any]:
    with serving(root=root) as live:
        baseline, codes = live.rss_mb(), list[int]()  # appended to by many threads
        sockets: list[socket.socket | None] = []
        clients(40, lambda _: sockets.append(stalled_upload(live, 30 * 2**20, codes)))
        time.sleep(2)
        held = live.rss_mb() - baseline
        time.sleep(20)
        later = live.rss_mb() - baseline
        for sock in filter(None, sockets):
            sock.settimeout(0.2)
            codes.append(read_status(sock))
            sock.close()
    counted = dict(Counter(codes))
    return {"added_mb": round(held), "added_20s_later_mb": round(later), "codes": counted}


def solves(live: Live) -> float:
    return live.metric("binome_solves_total")


def writes(root: Path) -> dict[str, Any]:
    body = json.dumps(generate_pool(3000, 1000, 1)).encode()
    # one malloc arena, large blocks always mapped: the RSS follows what the server holds,
    # not how many threads it ran nor how its heap fragments
    memory = {"MALLOC_ARENA_MAX": "1", "MALLOC_MMAP_THRESHOLD_": str(2**20)}
    with serving(memory, root=root) as live:
        live.request("POST", "/v1/match", body, timeout=120)  # a read answer: the baseline
        baseline, sockets = live.rss_mb(), []
        for _ in range(30):
            done = solves(live)
            sock = live.connect(receive_buffer=4096)
            sock.sendall(head("POST", "/v1/match", len(body)) + body)
            sockets.append(sock)
            for _ in range(600):
                if solves(live) > done:
                    break
                time.sleep(0.05)
        time.sleep(1)
        held = live.rss_mb() - baseline
        time.sleep(20)
        later = live.rss_mb() - baseline
        for sock in sockets:
            sock.close()
    return {"added_mb": round(held), "added_20s_later_mb": round(later)}


def abandon(root: Path) -> dict[str, Any]:
    probe = json.dumps(generate_pool(300, 100, 2)).encode()  # 30,000 pairs: no small lane
    with serving(root=root) as live:
        for _ in range(2):
            sock = live.connect()
            body = slow_cpsat()
            sock.sendall(head("POST", "/v1/match", len(body)) + body)
            time.sleep(0.5)
            sock.close()
        started, codes = time.monotonic(), Counter[int]()
        while time.monotonic() - started < 120:
            code = live.status("POST", "/v1/match", probe, timeout=120)
            codes[code] += 1
            if code == 200:
                break
            time.sleep(0.5)
    return {"served_again_after_s": round(time.monotonic() - started, 1), "codes": dict(codes)}


def mixed(root: Path, large_clients: int, tiny_clients: int, seconds: float) -> dict[str, Any]:
    """Clients re-sending a 3,000 × 1,000 pool and clients sending 1 × 1 pools: the codes
    each kind got."""
    large = json.dumps(generate_pool(3000, 1000, 1)).encode()
    small = tiny()
    codes: dict[str, list[int]] = {"large": [], "tiny": []}  # appended to by many threads
    with serving(root=root) as live:
        until = time.monotonic() + seconds

        def send(k: int) -> None:
            kind, body = ("large", large) if k < large_clients else ("tiny", small)
            while time.monotonic() < until:
                codes[kind].append(live.status("POST", "/v1/match", body, timeout=120))

        clients(large_clients + tiny_clients, send)
    return {kind: dict(Counter(counted)) for kind, counted in codes.items()}


def fair(root: Path) -> dict[str, Any]:
    return mixed(root, 4, 16, 30)


def fair_one(root: Path) -> dict[str, Any]:
    return mixed(root, 2, 1, 20)


def labels(root: Path) -> dict[str, Any]:
    with serving(root=root) as live:
        for k in range(2000):
            live.status(f"M{k:04d}", "/healthz")
        text = live.request("GET", "/metrics")[2].decode()
    series = [line for line in text.splitlines() if line.startswith("binome_requests_total{")]
    return {"binome_requests_total series": len(series)}


def head_healthz(root: Path) -> dict[str, Any]:
    with serving(root=root) as live:
        return {"HEAD /healthz": live.status("HEAD", "/healthz")}


MEASURES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "parse": parse,
    "auth": auth,
    "buffers": buffers,
    "writes": writes,
    "abandon": abandon,
    "fair": fair,
    "fair-one": fair_one,
    "labels": labels,
    "head": head_healthz,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"some of {', '.join(MEASURES)} (all)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - MEASURES.keys())
    if unknown:
        parser.error(f"unknown measure {', '.join(unknown)}")
    for name in args.names or list(MEASURES):
        print(name, json.dumps(MEASURES[name](args.root)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Dense caller scores (`program.score_matrix`) over real HTTP, against scipy's
`linear_sum_assignment` alone on the same matrix, in one run (issue 17.1):

    python -m bench.dense --sizes 2623x1373,5062x2840 --repeats 3

Each pool has the shape of a conference's reviewer data (CVPR 2017: 2,623 × 1,373, 3.6 M
pairs; CVPR 2018: 5,062 × 2,840, 14.4 M pairs): scores drawn uniformly in [-1, 1] with 2
decimals (seed 1), every pair a candidate, mentor capacity 2 (enough places for every
mentee). scipy sees the same matrix with each mentor's column repeated once per place
(5,062 × 5,680 for CVPR 2018), in a process of its own; its call alone is timed. binome
gets the matrix as JSON (orjson's bytes, about 5.7 bytes a pair) posted to a fresh uvicorn
server (`bench.live`, so that its peak memory, VmHWM, is this request's), once to warm up,
then `repeats` times: the table gives the p50 from the first byte sent to the last byte
of the answer, its ratio to scipy's call, the server's peak and whether both found the
same total (binome's `objective` against scipy's exact total of the same pairs' count).
`--answer full` asks for the full answer (reasons, sentences, suggestions) instead of the
compact one (`program.answer: "pairs"`).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np
import orjson

from bench.live import serving
from bench.memory import peak_mb, process_mb
from bench.run import calibration, machine, post, sizes_of

CAPACITY = 2
ENV = {"BINOME_MAX_TIME_LIMIT_S": "600"}


def matrix(mentees: int, mentors: int, seed: int) -> np.ndarray:
    """Scores in [-1, 1], 2 decimals, as platforms' affinities are."""
    return np.round(np.random.default_rng(seed).uniform(-1.0, 1.0, (mentees, mentors)), 2)


def body(values: np.ndarray, answer: str) -> bytes:
    n, m = values.shape
    mentees, mentors = [f"e{i}" for i in range(n)], [f"m{j}" for j in range(m)]
    request = {
        "mentors": [{"id": j} for j in mentors],
        "mentees": [{"id": i} for i in mentees],
        "program": {
            "mentor_capacity": CAPACITY,
            "answer": answer,
            "time_limit_s": 600,
            "score_matrix": {"mentees": mentees, "mentors": mentors, "values": values},
        },
    }
    return orjson.dumps(request, option=orjson.OPT_SERIALIZE_NUMPY)


def scipy_child(mentees: int, mentors: int, seed: int) -> None:
    """scipy's call on the replicated matrix: its seconds, the pairs and their exact total."""
    from scipy.optimize import linear_sum_assignment

    values = matrix(mentees, mentors, seed)
    places = np.repeat(values, CAPACITY, axis=1)  # each mentor once per place
    started = time.perf_counter()
    rows, cols = linear_sum_assignment(places, maximize=True)
    seconds = time.perf_counter() - started
    total = math.fsum(places[rows, cols].tolist())
    shape = f"{places.shape[0]} × {places.shape[1]}"
    found = {"seconds": seconds, "pairs": len(rows), "total": total, "shape": shape}
    print(json.dumps({**found, "rss_mb": peak_mb()}))


def scipy_alone(mentees: int, mentors: int, seed: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.dense", "--child", f"{mentees}x{mentors}"]
    done = subprocess.run(
        [*command, "--seed", str(seed)], capture_output=True, text=True, check=True
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def binome_row(values: np.ndarray, answer: str, repeats: int) -> dict[str, Any]:
    raw = body(values, answer)
    with serving(ENV) as live:
        post(live.port, raw, timeout=1200)  # warm: the first call is not timed
        times, said = [], {}
        for _ in range(repeats):
            elapsed, said = post(live.port, raw, timeout=1200)
            times.append(elapsed)
        peak = process_mb(live.pid)
    return {"p50": statistics.median(times), "peak": peak, "said": said, "bytes": len(raw)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2623x1373,5062x2840", help="MENTEESxMENTORS,...")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--answer", default="pairs", choices=["pairs", "full"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        [(mentees, mentors)] = sizes_of(args.child)
        scipy_child(mentees, mentors, args.seed)
        return 0
    print(f"Machine: {machine()}; repeats: {args.repeats}; answer: {args.answer}")
    print(f"Calibration (a fixed flow and pass, p50): {calibration():.3f} s\n")
    print(
        "| pool | method | end to end over HTTP p50 | × scipy's call | body | peak memory "
        "| pairs | total | same optimum |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for mentees, mentors in sizes_of(args.sizes):
        size = f"{mentees:,} × {mentors:,} ({mentees * mentors / 1e6:.1f} M pairs)"
        scipy = scipy_alone(mentees, mentors, args.seed)
        print(
            f"| {size} | scipy `linear_sum_assignment` alone, {scipy['shape']} | "
            f"{scipy['seconds']:.2f} s (its call) | 1.00 | | {scipy['rss_mb']:.0f} MB "
            f"| {scipy['pairs']} | {scipy['total']:.2f} | |",
            flush=True,
        )
        r = binome_row(matrix(mentees, mentors, args.seed), args.answer, args.repeats)
        said = r["said"]
        same = len(said["pairings"]) == scipy["pairs"] and abs(
            said["objective"] - scipy["total"]
        ) < 1e-6 * max(1, scipy["pairs"])
        print(
            f"| {size} | binome `score_matrix`, answer {args.answer!r} | {r['p50']:.2f} s "
            f"| {r['p50'] / scipy['seconds']:.2f} | {r['bytes'] / 1e6:.0f} MB "
            f"| {r['peak']:.0f} MB | {len(said['pairings'])} ({said['status']}) "
            f"| {said['objective']:.2f} | {'yes' if same else 'NO'} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Re-matching benchmark: `python -m bench.rematch --sizes 3000x1000,10000x3400`.

Each pool from the seeded generator is matched once; that answer is the running
program. Seeded feedback then rates some pairs low (they end), some high (they
are kept), asks to end a few, and 1 % of the mentors leave. Timed, p50 over repeats, each
in its own loop: `solver.rematch` in process (the whole re-match answer) and
`POST /v1/rematch` over real HTTP. Speed is measured here, never in unit tests.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from bench.run import _timed, p50, post, report, server, sizes_of
from generator.pools import generate_pool
from solver import MatchRequest, match
from solver.contract.rematch import RematchRequest
from solver.rematch import rematch

LEAVING = 0.01  # the share of mentors who leave the program


def rematch_body(mentees: int, mentors: int, seed: int) -> dict[str, Any]:
    """A pool, its first answer running, and seeded feedback on that answer's pairs."""
    rng = np.random.default_rng(seed)
    pool = generate_pool(mentees, mentors, seed)
    first = match(MatchRequest.model_validate(pool))
    current = [{"mentor": p.mentor, "mentee": p.mentee} for p in first.pairings]
    feedback = []
    for pair in current:
        draw = rng.random()
        if draw < 0.10:
            feedback.append({**pair, "rating": int(rng.integers(1, 3))})
        elif draw < 0.50:
            feedback.append({**pair, "rating": int(rng.integers(4, 6))})
        elif draw < 0.55:
            feedback.append({**pair, "end": True})
    pool["program"]["rematch"] = {"change_penalty": 0.02}
    leaving = [p["id"] for p in pool["mentors"][: max(1, round(LEAVING * mentors))]]
    return {"pool": pool, "current": current, "feedback": feedback, "leaving": leaving}


def bench_size(mentees: int, mentors: int, seed: int, port: int, repeats: int) -> dict[str, Any]:
    body = rematch_body(mentees, mentors, seed)
    request = RematchRequest.model_validate(body)
    raw = json.dumps(body).encode()
    answer, _ = rematch(request), post(port, raw, "/v1/rematch")  # warm: not timed
    solver_times = [_timed(lambda: rematch(request)) for _ in range(repeats)]
    http_times = [post(port, raw, "/v1/rematch")[0] for _ in range(repeats)]
    return {**summary(body, answer), "solver": p50(solver_times), "http": p50(http_times)}


def summary(body: dict[str, Any], answer: Any) -> dict[str, Any]:
    """A table row without its times: the pool, and what the re-match did."""
    pool = body["pool"]
    return {
        "size": f"{len(pool['mentees'])} × {len(pool['mentors'])}",
        "current": len(body["current"]),
        "status": answer.result.status,
        "engine": answer.result.engine,
        "pairs": len(answer.result.pairings),
        "kept": len(answer.kept),
        "ended": len(answer.ended),
        "new": len(answer.new),
        "moved": len(answer.moved),
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| pool | running pairs | status | engine | pairs | kept | ended | new | moved "
        "| re-match p50 (no HTTP) | end to end over HTTP p50 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']} | {r['current']} | {r['status']} | {r['engine']} | {r['pairs']} "
            f"| {r['kept']} | {r['ended']} | {r['new']} | {r['moved']} "
            f"| {r['solver']:.3f} s | {r['http']:.3f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3000x1000,10000x3400", help="MENTEESxMENTORS,...")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with server() as port:
        rows = [bench_size(n, m, args.seed, port, args.repeats) for n, m in sizes_of(args.sizes)]
    report(f"repeats: {args.repeats}", table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

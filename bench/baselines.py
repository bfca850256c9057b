"""binome against what a user would otherwise reach for, on the same pools.

    python -m bench.baselines --sizes 300x100,1000x350 --cap 60

For each generated pool (every mentee a volunteer with no waiting rounds, so that
binome's lexicographic optimum is "most pairs, then the best total score"), each
method runs in its own process (peak memory is its own) and must find the same
objective:

- binome: `solver.match.solve`, the engine (scoring, rules, flow, proof), which is
  what the baselines do;
- answer: `solver.match`, binome's whole answer (the engine plus reasons,
  explanations, suggestions and metrics), for reference;
- scipy: `linear_sum_assignment` on the dense matrix, mentor places replicated;
- cpsat: one boolean per eligible pair, OR-Tools CP-SAT (2 workers; `bench/naive.py`);
- cbc: the same model in PuLP, solved by CBC.

Baselines get binome's own scores and eligibility (so only the solve is compared)
and a time cap; the objective is "pairs × BIG + total score", reported as pairs
and score. Prints one Markdown table: wall time, ratio to binome, equal objective,
peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

import numpy as np

from bench.memory import peak_mb
from generator.pools import generate_pool

SOLVE_SECONDS: list[float] = []  # a baseline's solver call alone, once its model is built
BIG = 10**6  # per pair: more pairs always beats a better total (scores are at most 1)


def pool(mentees: int, mentors: int, seed: int) -> dict[str, Any]:
    body = generate_pool(mentees, mentors, seed)
    for mentee in body["mentees"]:
        mentee["volunteer"], mentee["waiting_rounds"] = True, 0
    return body


def arrays(body: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from solver import MatchRequest
    from solver.encode.problem import encode

    problem = encode(MatchRequest.model_validate(body))
    return problem.score, problem.eligible & (problem.capacity > 0)[None, :], problem.capacity


def run_binome(body: dict[str, Any], cap: float) -> tuple[int, float]:
    """binome's engine: scoring, rules, solve and proof, as the baselines do (no reasons)."""
    from solver import MatchRequest
    from solver.match import solve

    solved = solve(MatchRequest.model_validate(body))
    return solved.pairs, solved.total


def run_answer(body: dict[str, Any], cap: float) -> tuple[int, float]:
    """binome's whole answer: the engine plus reasons, suggestions, metrics (no HTTP)."""
    from solver import MatchRequest, match

    answer = match(MatchRequest.model_validate(body))
    return len(answer.pairings), sum(p.score for p in answer.pairings)


def run_scipy(body: dict[str, Any], cap: float) -> tuple[int, float]:
    from scipy.optimize import linear_sum_assignment

    score, eligible, capacity = arrays(body)
    slots = np.repeat(np.arange(len(capacity)), capacity)
    weight = np.where(eligible[:, slots], BIG + score[:, slots], -BIG)
    started = time.perf_counter()
    rows, cols = linear_sum_assignment(weight, maximize=True)
    SOLVE_SECONDS.append(time.perf_counter() - started)
    made = eligible[rows, slots[cols]]
    return int(made.sum()), float(score[rows[made], slots[cols[made]]].sum())


def run_cpsat(body: dict[str, Any], cap: float) -> tuple[int, float]:
    """One boolean per eligible pair in CP-SAT (2 workers): `bench/naive.py`'s model, which
    also takes the program rules (the rules table, `bench/rules.py`); here there are none."""
    from bench.naive import solve_naive
    from solver import MatchRequest
    from solver.encode.problem import encode

    problem = encode(MatchRequest.model_validate(body))
    naive = solve_naive(problem, cap)
    SOLVE_SECONDS.append(naive.solve_seconds)
    matched = np.flatnonzero(naive.assignment >= 0)
    return len(matched), float(problem.score[matched, naive.assignment[matched]].sum())


def run_cbc(body: dict[str, Any], cap: float) -> tuple[int, float]:
    import pulp

    score, eligible, capacity = arrays(body)
    rows, cols = np.nonzero(eligible)
    problem = pulp.LpProblem("dense", pulp.LpMaximize)
    x = [problem.add_variable(f"x{k}", 0, 1, cat=pulp.LpBinary) for k in range(len(rows))]
    problem += pulp.lpSum(
        (1000 + float(score[i, j])) * v for i, j, v in zip(rows, cols, x, strict=True)
    )
    for i in range(score.shape[0]):
        problem += pulp.lpSum(x[k] for k in np.nonzero(rows == i)[0]) <= 1
    for j in range(score.shape[1]):
        problem += pulp.lpSum(x[k] for k in np.nonzero(cols == j)[0]) <= int(capacity[j])
    started = time.perf_counter()
    problem.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=cap))
    SOLVE_SECONDS.append(time.perf_counter() - started)
    chosen = np.array([(v.value() or 0) > 0.5 for v in x], dtype=bool)
    return int(chosen.sum()), float(score[rows[chosen], cols[chosen]].sum())


METHODS = {
    "binome": run_binome,
    "answer": run_answer,
    "scipy": run_scipy,
    "cpsat": run_cpsat,
    "cbc": run_cbc,
}


def child(method: str, mentees: int, mentors: int, seed: int, cap: float) -> None:
    """Runs one method in this process and prints its result as JSON."""
    body = pool(mentees, mentors, seed)
    METHODS[method](pool(20, 10, seed), cap)  # warm up: imports and first calls are not timed
    SOLVE_SECONDS.clear()
    started = time.perf_counter()
    pairs, total = METHODS[method](body, cap)
    seconds = time.perf_counter() - started
    rss = peak_mb()
    solve = SOLVE_SECONDS[-1] if SOLVE_SECONDS else None
    found = {"pairs": pairs, "score": total, "seconds": seconds, "rss_mb": rss}
    print(json.dumps({**found, "solve_seconds": solve}))


def measure(method: str, size: tuple[int, int], seed: int, cap: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.baselines", "--child", method]
    command += ["--sizes", f"{size[0]}x{size[1]}", "--seed", str(seed), "--cap", str(cap)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap * 3 + 120)
    except subprocess.TimeoutExpired:
        return {"pairs": 0, "score": 0.0, "seconds": float("inf"), "rss_mb": 0.0}
    if done.returncode != 0:
        return {"pairs": 0, "score": 0.0, "seconds": float("nan"), "rss_mb": 0.0}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="300x100,1000x350")
    parser.add_argument("--methods", default="binome,answer,scipy,cpsat,cbc")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cap", type=float, default=60.0, help="time cap per baseline, s")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
    if args.child:
        child(args.child, sizes[0][0], sizes[0][1], args.seed, args.cap)
        return 0
    lines = [
        "| pool | method | wall time | its solver call | vs binome | pairs | total score "
        "| same optimum | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        found = {m: measure(m, size, args.seed, args.cap) for m in args.methods.split(",")}
        reference = found.get("binome", next(iter(found.values())))
        for method, r in found.items():
            close = max(1e-4, 1e-6 * r["pairs"])  # binome's answer sums 6-decimal scores
            same = r["pairs"] == reference["pairs"] and abs(r["score"] - reference["score"]) < close
            ratio = r["seconds"] / reference["seconds"] if reference["seconds"] else float("nan")
            call = r.get("solve_seconds")
            call_text = "—" if call is None else f"{call:.2f} s"
            lines.append(
                f"| {size[0]} × {size[1]} | {method} | {r['seconds']:.2f} s | {call_text} "
                f"| {ratio:.1f}× "
                f"| {r['pairs']} | {r['score']:.4f} | {'yes' if same else 'NO'} "
                f"| {r['rss_mb']:.0f} MB |"
            )
    print(f"Time cap per baseline: {args.cap:g} s\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

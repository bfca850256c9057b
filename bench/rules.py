"""The rules table: each program rule alone and in combinations, binome against the
baseline a user would try, at the sizes of a real company (issue 16).

    python -m bench.rules --sizes 1000x350,10000x3400 --repeats 3 --cap 60
    python -m bench.rules --sizes 1000x350 --rules stable,group2 --repeats 1 --cap 30

Each row is a generated pool whose mentees are all volunteers with no waiting rounds (the
order is then: the rules' own levels, most pairs, with `fair` the lowest score, the total
score), with `time_limit_s` set to the cap. Per row and size:

- binome's engine (`solver.match.solve`), p50 over repeats in a process of its own, after
  a warm-up on a 20 × 10 pool with the same rules; its status, gap and objective from one
  whole answer (`solver.match`) after them; the peak memory (VmHWM) of the engine runs;
- end to end over real HTTP (uvicorn on 127.0.0.1, `BINOME_MAX_TIME_LIMIT_S` = the cap,
  other settings the defaults), p50 over repeats, and the server's peak memory;
- the baseline, once, in a process of its own after the same warm-up: for `stable`, the
  `matching` library's deferred acceptance on binome's strict orders (`bench/deferred.py`);
  for every other row, one CP-SAT boolean per usable pair with the rules as constraints,
  2 workers, the cap as its time limit (`bench/naive.py`);
- both answers judged by the same code, none of binome's solver (`bench/judge.py`): the
  rules they break, blocking pairs where `stable` is asked, and which is ahead in the
  lexicographic order. For `stable`, binome's total must be at least the library's, with
  0 blocking pairs.

Each process is stopped past its time or `--memory-limit`, and the table says so.
Prints the machine, this moment's calibration, then one Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.judge import Worth
from bench.memory import peak_mb, process_mb
from bench.watch import Outcome, post_watched, run_watched

CROSS = {"cross": {"department": 0.9}}  # binds with the department criterion off
NO_DEPARTMENT = {"weights": {"department": 0}}
BALANCE = {"balance": {"site": True}}  # on these pools, site's targets bind
MAX_SAME = {"max_same_per_mentor": {"department": 1}}
FAIR = {"objective": "fair"}
STABLE = {"stable": True}


def _group(size: int) -> dict[str, Any]:
    return {"format": "group", "group": {"min_size": size}}


ROWS: dict[str, tuple[str, dict[str, Any]]] = {  # name → (label, program)
    "stable": ("`stable`", STABLE),
    "balance": ("`balance` (site)", {"diversity": BALANCE}),
    "group2": ("`group`, `min_size` 2", _group(2)),
    "group3": ("`group`, `min_size` 3", _group(3)),
    "cross-maxsame-fair": (
        "`cross` + `max_same` + `fair`",
        {"diversity": {**CROSS, **MAX_SAME}, **FAIR, **NO_DEPARTMENT},
    ),
    "stable-fair": ("`stable` + `fair`", {**STABLE, **FAIR}),
    "balance-group2": ("`balance` + `group` 2", {"diversity": BALANCE, **_group(2)}),
    "cross-balance": ("`cross` + `balance`", {"diversity": {**CROSS, **BALANCE}, **NO_DEPARTMENT}),
    "group2-maxsame": ("`group` 2 + `max_same`", {"diversity": MAX_SAME, **_group(2)}),
}
LIBRARY_ROWS = {"stable"}  # rows whose baseline is the matching library
BASELINES = {"cpsat": "CP-SAT, a boolean per pair", "matching": "`matching`, deferred acceptance"}
WARM = (20, 10)  # the warm-up pool: imports and first calls are not timed
ANSWERED = {"optimal", "feasible", "stable"}  # baseline statuses that come with an answer


def body_for(name: str, size: tuple[int, int], seed: int, cap: float) -> dict[str, Any]:
    """The row's request: a generated pool, every mentee a volunteer who never waited."""
    from generator.pools import generate_pool

    program = {**ROWS[name][1], "time_limit_s": cap}
    body = generate_pool(size[0], size[1], seed, program=program)
    for mentee in body["mentees"]:
        mentee["volunteer"], mentee["waiting_rounds"] = True, 0
    return body


def baseline_of(name: str) -> str:
    return "matching" if name in LIBRARY_ROWS else "cpsat"


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def assignment_of(body: dict[str, Any], answer: Any) -> np.ndarray:
    """Each mentee's mentor index (-1 for none) in an answer's pairings."""
    mentors = {p["id"]: j for j, p in enumerate(body["mentors"])}
    mentees = {p["id"]: i for i, p in enumerate(body["mentees"])}
    assignment = np.full(len(mentees), -1, dtype=np.int64)
    for pairing in answer.pairings:
        assignment[mentees[pairing.mentee]] = mentors[pairing.mentor]
    return assignment


def child_engine(name: str, folder: Path, repeats: int, cap: float) -> dict[str, Any]:
    """binome in this process: the engine `repeats` times, then one whole answer, whose
    pairs are saved for the judge."""
    from solver import MatchRequest, match
    from solver.contract.references import InvalidRequest
    from solver.dispatch import SolveOptions
    from solver.match import solve

    options = SolveOptions(max_time_limit_s=cap)
    with contextlib.suppress(InvalidRequest):
        match(MatchRequest.model_validate(body_for(name, WARM, 1, cap)), options)
    body = json.loads((folder / "request.json").read_text("utf-8"))
    request = MatchRequest.model_validate(body)
    found: dict[str, Any] = {}
    try:
        times = [_timed(lambda: solve(request, options)) for _ in range(repeats)]
        found.update(engine_s=statistics.median(times), peak_mb=peak_mb())
        answer = match(request, options)
    except InvalidRequest as error:
        return {"peak_mb": peak_mb(), **found, "status": "422", "detail": str(error)}
    np.save(folder / "binome.npy", assignment_of(body, answer))
    said = {"status": answer.status, "engine": answer.engine, "gap": answer.gap}
    return {**found, **said, "objective": answer.objective}


def run_baseline(kind: str, problem: Any, cap: float) -> tuple[str, float, np.ndarray]:
    """(status, seconds of the solver call, answer) of one baseline on one problem."""
    if kind == "matching":
        from bench.deferred import deferred_acceptance, orders

        found = orders(problem)
        started = time.perf_counter()
        assignment = deferred_acceptance(found, len(problem.request.mentees))
        return "stable", time.perf_counter() - started, assignment
    from bench.naive import solve_naive

    naive = solve_naive(problem, cap)
    return naive.status, naive.solve_seconds, naive.assignment


def child_baseline(name: str, folder: Path, cap: float) -> dict[str, Any]:
    """The row's baseline in this process (request read, encoded, solved); its answer saved."""
    from solver import MatchRequest
    from solver.encode.problem import encode

    kind = baseline_of(name)
    run_baseline(kind, encode(MatchRequest.model_validate(body_for(name, WARM, 1, cap))), cap)
    body = json.loads((folder / "request.json").read_text("utf-8"))
    started = time.perf_counter()
    status, solve_s, assignment = run_baseline(kind, encode(MatchRequest.model_validate(body)), cap)
    seconds = time.perf_counter() - started
    if status in ANSWERED:  # not "unknown" (nothing found in time) nor "model_invalid"
        np.save(folder / "baseline.npy", assignment)
    return {"status": status, "seconds": seconds, "solve_s": solve_s, "peak_mb": peak_mb()}


def end_to_end(
    name: str, body: dict[str, Any], repeats: int, cap: float, memory: float
) -> dict[str, Any]:
    """p50 seconds of POST /v1/match to a server of its own, its answers' status, its peak."""
    from bench.live import serving

    raw, warm = json.dumps(body).encode(), json.dumps(body_for(name, WARM, 1, cap)).encode()
    with serving({"BINOME_MAX_TIME_LIMIT_S": str(cap)}) as live:
        post_watched(live, warm, cap + 30, memory)
        answers = []
        for _ in range(repeats):
            answers.append(post_watched(live, raw, cap + 30, memory))
            if answers[-1].stopped is not None or answers[-1].http != 200:
                break
        peak = process_mb(live.pid)
    last = answers[-1]
    if last.stopped is not None or last.http != 200:
        said = last.stopped or f"HTTP {last.http}: {_short(str(last.status))}"
        return {"said": said, "peak_mb": peak}
    seconds = statistics.median(a.seconds for a in answers)
    return {"said": f"{seconds:.2f} s", "status": last.status, "peak_mb": peak}


def _child(role: str, name: str, folder: Path, args: argparse.Namespace, seconds: float) -> Outcome:
    command = [sys.executable, "-m", "bench.rules", "--child", role, "--rules", name]
    command += ["--dir", str(folder), "--repeats", str(args.repeats), "--cap", str(args.cap)]
    return run_watched(command, seconds, args.memory_limit)


def judged(folder: Path, body: dict[str, Any]) -> dict[str, Worth | None]:
    """binome's and the baseline's answers (those saved) under the row's rules."""
    from bench.judge import Judge
    from solver import MatchRequest
    from solver.encode.problem import encode

    judge = Judge.of(encode(MatchRequest.model_validate(body)))
    saved = {who: folder / f"{who}.npy" for who in ("binome", "baseline")}
    return {
        f"{who}_worth": judge.worth(np.load(path)) if path.exists() else None
        for who, path in saved.items()
    }


def measure(
    name: str, size: tuple[int, int], args: argparse.Namespace, folder: Path
) -> dict[str, Any]:
    """One row at one size: binome's engine, end to end, the baseline, the judge."""
    folder.mkdir(parents=True, exist_ok=True)
    body = body_for(name, size, args.seed, args.cap)
    (folder / "request.json").write_text(json.dumps(body), "utf-8")
    per_run = args.cap + 30
    engine = _child("engine", name, folder, args, (args.repeats + 1) * per_run + 60)
    http = end_to_end(name, body, args.repeats, args.cap, args.memory_limit)
    baseline = _child("baseline", name, folder, args, 2 * args.cap + 60)
    worths = judged(folder, body)
    return {
        "name": name,
        "size": size,
        "engine": engine,
        "http": http,
        "baseline": baseline,
        **worths,
    }


def _short(text: str) -> str:
    return textwrap.shorten(text, 72, placeholder=" …")


def _mib(value: float | None) -> str:
    return f"{value:.0f}" if value else "—"  # 0: the process was gone before it was read


def _objective(worth: Worth | None) -> str:
    return "—" if worth is None else f"{worth.total:.4f} ({worth.pairs})"


def _binome(engine: Outcome) -> tuple[str, str]:
    """binome's status (engine) and gap, or why there is none."""
    r = engine.result
    if r is None:
        return engine.stopped or "no answer", "—"
    if r["status"] == "422":
        return f"422: {_short(r['detail'])}", "—"
    return f"{r['status']} ({r['engine']})", f"{r['gap']:.2g}"


def _baseline(outcome: Outcome) -> tuple[str, str]:
    """The baseline's status and seconds (its solver call's in brackets)."""
    r = outcome.result
    if r is None:
        return outcome.stopped or "no answer", "—"
    return r["status"], f"{r['seconds']:.2f} s ({r['solve_s']:.2f} s)"


def table_row(found: dict[str, Any]) -> str:
    from bench.judge import compare

    engine, http = found["engine"].result or {}, found["http"]
    status, gap = _binome(found["engine"])
    engine_s = f"{engine['engine_s']:.2f} s" if "engine_s" in engine else "—"
    http_said = http["said"]
    if http.get("status") not in (None, engine.get("status")):
        http_said += f" ({http['status']})"  # the answer over HTTP said otherwise
    peak = " / ".join(_mib(value) for value in (engine.get("peak_mb"), http["peak_mb"]))
    said, seconds = _baseline(found["baseline"])
    versus = compare(found["binome_worth"], found["baseline_worth"])
    n, m = found["size"]
    cells = [ROWS[found["name"]][0], f"{n} × {m}", status, gap, _objective(found["binome_worth"])]
    cells += [engine_s, http_said, peak, BASELINES[baseline_of(found["name"])], said]
    cells += [_objective(found["baseline_worth"]), seconds, versus]
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| rules | pool | binome | gap | objective (pairs) | engine p50 | end to end p50 "
    "| peak MiB engine / server | baseline | its status | its objective (pairs) "
    "| its time (solver call) | binome vs baseline |"
)


def table(rows: list[dict[str, Any]]) -> str:
    return "\n".join([HEADER, "|---" * HEADER.count(" | ") + "|---|", *map(table_row, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000x350,10000x3400", help="MENTEESxMENTORS,...")
    parser.add_argument("--rules", default=",".join(ROWS), help="rows, by name: " + ", ".join(ROWS))
    parser.add_argument("--repeats", type=lambda text: max(1, int(text)), default=3)
    parser.add_argument("--cap", type=float, default=60.0, help="time limit of every solve, s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-limit", type=float, default=8192, help="MiB per process")
    parser.add_argument("--child", choices=["engine", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    names = args.rules.split(",")
    if unknown := [n for n in names if n not in ROWS]:
        parser.error(f"unknown rows: {', '.join(unknown)}")
    if args.child == "engine":
        print(json.dumps(child_engine(names[0], args.dir, args.repeats, args.cap)))
        return 0
    if args.child == "baseline":
        print(json.dumps(child_baseline(names[0], args.dir, args.cap)))
        return 0
    from bench.run import report, sizes_of

    with tempfile.TemporaryDirectory() as scratch:
        rows = [
            measure(name, size, args, Path(scratch) / f"{name}-{size[0]}x{size[1]}")
            for size in sizes_of(args.sizes)
            for name in names
        ]
    settings = (
        f"repeats: {args.repeats}; cap: {args.cap:g} s; memory limit: {args.memory_limit:g} MiB"
    )
    report(settings, table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

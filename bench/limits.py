"""Every pair of program rules within its time limit (issue 16): `python -m bench.limits`.

    python -m bench.limits      # every pair and combination, both pools, 2 and 5 s
    python -m bench.limits --sizes 1000x350 --limits 2 --rules cross+group --phases

For each pair of program rules and a few larger combinations, on pools from the seeded
generator: one `solver.match` per pool and limit, in this process after a warm-up, and
its status, engine, gap, matched mentees, the whole request's seconds and their ratio to
`time_limit_s` (the issue allows a second more). A refusal prints its 422 message.
The last line is the process's peak memory over every row. `--phases` adds where the
time went, each step timed around its function: encoding, the instance, the flow's
hint, the repair of the start, the model's building and its stages, the reduced LP, the
bound, the diagnosis, blocking pairs and the answer (of which the explanations).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from bench.memory import peak_mb
from generator.pools import generate_pool
from solver import InvalidRequest, MatchRequest, match

RULES: dict[str, dict[str, Any]] = {
    "cross": {"diversity": {"cross": {"department": 0.6}}},
    "max_same": {"diversity": {"max_same_per_mentor": {"department": 1}}},
    "balance": {"diversity": {"balance": {"site": True}}},
    "group": {"format": "group", "group": {"min_size": 2}},
    "stable": {"stable": True},
    "fair": {"objective": "fair"},
    "max_same2": {"diversity": {"max_same_per_mentor": {"department": 1, "site": 2}}},
    "balance2": {"diversity": {"balance": {"site": True, "generation": True}}},
}
SINGLE = ["cross", "max_same", "balance", "group", "stable", "fair"]
COMBINATIONS = ["cross+max_same+fair", "balance2+max_same2", "cross+group+fair"]

PHASES = [  # (module, function looked up there, label)
    ("solver.match", "encode", "encode"),
    ("solver.dispatch", "instance", "instance"),
    ("solver.dispatch", "prepared", "targets"),
    ("solver.dispatch", "flow_answer", "flow"),
    ("solver.dispatch", "solve_reduced", "reduced"),
    ("solver.engines.general", "flow_answer", "hint"),
    ("solver.engines.general", "start_from", "repair"),
    ("solver.engines.cpsat", "build", "build"),
    ("solver.engines.cpsat", "_stage", "stages"),
    ("solver.engines.mip", "_model", "build"),
    ("solver.engines.mip", "_run_stage", "stages"),
    ("solver.engines.general", "_bounded", "bound"),
    ("solver.match", "diagnose", "diagnosis"),
    ("solver.dispatch", "blocking_on_arcs", "blocking"),
    ("solver.dispatch", "blocking_pairs", "blocking"),
    ("solver.match", "respond", "answer"),
    ("solver.answer.respond", "pairings", "explanations"),
]


def program_of(rules: str) -> dict[str, Any]:
    """The program of rules named with `+` (`RULES`), merged."""
    program: dict[str, Any] = {}
    for name in rules.split("+"):
        for field, value in RULES[name].items():
            if isinstance(value, dict):
                program[field] = {**program.get(field, {}), **value}
            else:
                program[field] = value
    return program


def every_rules() -> list[str]:
    return ["+".join(pair) for pair in itertools.combinations(SINGLE, 2)] + COMBINATIONS


@contextlib.contextmanager
def phases() -> Iterator[dict[str, float]]:
    """Seconds per phase while the block runs (each function wrapped where it is looked up)."""
    spent: dict[str, float] = defaultdict(float)
    saved: list[tuple[Any, str, Callable[..., Any]]] = []

    def timed(function: Callable[..., Any], label: str) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.monotonic() - started

        return run

    for module_name, name, label in PHASES:
        module = importlib.import_module(module_name)
        function = getattr(module, name)
        saved.append((module, name, function))
        setattr(module, name, timed(function, label))
    try:
        yield spent
    finally:
        for module, name, function in saved:
            setattr(module, name, function)


def one(body: dict[str, Any], rules: str, limit: float) -> dict[str, Any]:
    """One request's outcome and seconds."""
    request = MatchRequest.model_validate(
        {**body, "program": {**program_of(rules), "time_limit_s": limit}}
    )
    started = time.monotonic()
    row: dict[str, Any] = {"rules": rules, "limit": limit}
    try:
        answer = match(request)
        row |= {"status": answer.status, "engine": answer.engine, "gap": f"{answer.gap:.4f}"}
        row["matched"] = answer.metrics.matched_mentees
    except InvalidRequest as refused:
        row |= {"status": "422", "engine": str(refused.errors[0][1])[:60], "gap": "", "matched": 0}
    row["seconds"] = time.monotonic() - started
    return row


def line(row: dict[str, Any], with_phases: bool) -> str:
    cells = [
        row["rules"],
        row["pool"],
        f"{row['limit']:g} s",
        row["status"],
        row["engine"],
        row["gap"],
        str(row["matched"]),
        f"{row['seconds']:.2f}",
        f"{row['seconds'] / row['limit']:.2f}",
    ]
    if with_phases:
        spent = sorted(row["phases"].items(), key=lambda item: -item[1])
        cells.append(", ".join(f"{label} {s:.2f}" for label, s in spent if s >= 0.05))
    return "| " + " | ".join(cells) + " |"


HEADER = "| rules | pool | limit | status | engine | gap | matched | seconds | ratio |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300x100,1000x350", help="MENTEESxMENTORS,...")
    parser.add_argument("--limits", default="2,5", help="time_limit_s values, comma-separated")
    parser.add_argument("--rules", default=None, help="rules joined by +, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--phases", action="store_true", help="where the time went")
    args = parser.parse_args(argv)
    rules = every_rules() if args.rules is None else args.rules.split(",")
    limits = [float(limit) for limit in args.limits.split(",")]
    match(MatchRequest.model_validate(generate_pool(20, 8, args.seed)))  # warm-up
    print(HEADER + (" where the time went (s) |" if args.phases else ""))
    print("|---" * (9 + args.phases) + "|")
    for size in args.sizes.split(","):
        mentees, mentors = (int(part) for part in size.split("x"))
        body = generate_pool(mentees, mentors, args.seed)
        for name, limit in itertools.product(rules, limits):
            with phases() as spent:
                row = one(body, name, limit)
            row |= {"pool": f"{mentees} × {mentors}", "phases": dict(spent)}
            print(line(row, args.phases), flush=True)
    print(f"\nPeak memory of the process over every row: {peak_mb():.0f} MB (VmHWM).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

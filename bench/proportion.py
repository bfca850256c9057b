"""Small, valid bodies that once made the service work out of proportion (issue 13), and
how much work each takes now: seconds and the peak memory of a fresh process per case.

    python -m bench.proportion vocab --mentees 1000     # one case, in this process
    python -m bench.proportion --all                    # every case, each in its own process

The bodies are also the hostile corpus of the tests (`tests/test_hostile_work.py`), which
assert counted work and sizes, never time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.memory import peak_mb
from generator.pools import generate_pool

Body = dict[str, Any]


def people(prefix: str, count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{k}", **fields} for k in range(count)]


def vocabulary(
    mentees: int = 1000, mentors: int = 2, items: int = 200, lists: tuple[str, ...] = ("goals",)
) -> Body:
    """Every mentee lists `items` goals (or other `lists`) nobody else lists."""
    team = people("e", mentees)
    for k, mentee in enumerate(team):
        own = [f"g{k}-{t}" for t in range(items)]
        mentee |= dict.fromkeys(lists, own)
    each = {"skills": ["python"], "interests": ["chess"], "availability": ["mon-am"]}
    return {"mentors": people("m", mentors, **each), "mentees": team}


def chain(mentees: int = 3000, mentors: int = 10, cycle: bool = False) -> Body:
    """One reporting line through every mentee (e0 reports to e1 ...), closed when `cycle`."""
    team = people("e", mentees)
    for k, person in enumerate(team):
        if k + 1 < mentees or cycle:
            person["manager_id"] = f"e{(k + 1) % mentees}"
    return {"mentors": people("m", mentors), "mentees": team}


def pinned_twice(mentees: int = 29_990, mentors: int = 10) -> Body:
    """Every mentee pinned to two mentors."""
    pins = [
        {"mentor": f"m{(k + s) % mentors}", "mentee": f"e{k}"}
        for k in range(mentees)
        for s in (0, 1)
    ]
    program = {"pinned": pins, "mentor_capacity": 1000}
    return {"mentors": people("m", mentors), "mentees": people("e", mentees), "program": program}


def too_few_places(mentees: int = 3000, mentors: int = 1000) -> Body:
    """`match_all_mentees` with two places per mentor for three mentees per mentor."""
    program = {"mentor_capacity": 2, "rules": {"match_all_mentees": True}}
    return generate_pool(mentees, mentors, 1, program=program)


def flat(mentees: int = 10_000, mentors: int = 3400) -> Body:
    """Ids only: every pair scores 0."""
    return {"mentors": people("m", mentors), "mentees": people("e", mentees)}


def plain(mentees: int = 10_000, mentors: int = 3400) -> Body:
    return generate_pool(mentees, mentors, 1)


def leaving(copies: int = 50_000, mentees: int = 10_000, mentors: int = 3400) -> Body:
    """A re-match whose `leaving` lists one id `copies` times."""
    return {"pool": plain(mentees, mentors), "leaving": ["e0001"] * copies}


def scenarios(variants: int = 50, mentees: int = 10_000, mentors: int = 3400) -> Body:
    """`variants` what-if variants of a plain pool, each one mentor fewer."""
    base = plain(mentees, mentors)
    changes = [{"name": f"v{k}", "remove": [f"m{k:04d}"]} for k in range(variants)]
    return {"base": base, "variants": changes}


CASES: dict[str, Callable[..., Body]] = {
    "vocab": vocabulary,
    "vocab3": lambda mentees=1000, mentors=2: vocabulary(
        mentees, mentors, lists=("goals", "interests", "availability")
    ),
    "chain": chain,
    "cycle": lambda mentees=2000, mentors=10: chain(mentees, mentors, cycle=True),
    "pins": pinned_twice,
    "hall": too_few_places,
    "flat": flat,
    "plain": plain,
    "leaving": leaving,
    "scenarios": scenarios,
}


def _served(case: str, body: Body) -> str:
    """What the service does with the body (the budget first, where there is one): the
    answer's status."""
    import solver

    budget = getattr(solver, "Budget", None)  # none before issue 13
    if case == "leaving":
        again = solver.RematchRequest.model_validate(body)
        if budget is not None:
            solver.within_budget(again.pool, budget(), ("pool",))
        return str(solver.rematch(again).result.status)
    if case == "scenarios":
        whatif = solver.ScenarioRequest.model_validate(body)
        options = {} if budget is None else {"budget": budget()}
        return str(solver.run_scenarios(whatif, **options).base.status)
    request = solver.MatchRequest.model_validate(body)
    if budget is not None:
        solver.within_budget(request, budget())
    return str(solver.match(request).status)


def run(case: str, sizes: dict[str, int]) -> dict[str, Any]:
    """Serve one case in this process: its status, seconds and peak memory."""
    body = CASES[case](**sizes)
    size = len(json.dumps(body))
    started = time.perf_counter()
    try:
        status = _served(case, body)
    except (ValueError, MemoryError) as exc:
        status = f"{type(exc).__name__}: {str(exc)[:80]}"
    seconds = time.perf_counter() - started
    peak = peak_mb()
    return {
        "case": case,
        **sizes,
        "body_mb": round(size / 2**20, 2),
        "status": status,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", choices=sorted(CASES))
    parser.add_argument("--all", action="store_true", help="every case, a process each")
    parser.add_argument("--mentees", type=int)
    parser.add_argument("--mentors", type=int)
    parser.add_argument("--copies", type=int)
    parser.add_argument("--variants", type=int)
    args = parser.parse_args()
    if args.all:
        for case in sorted(CASES):
            subprocess.run([sys.executable, "-m", "bench.proportion", case], check=False)
        return
    names = ("mentees", "mentors", "copies", "variants")
    sizes = {k: getattr(args, k) for k in names if getattr(args, k) is not None}
    print(json.dumps(run(args.case, sizes)), flush=True)


if __name__ == "__main__":
    main()

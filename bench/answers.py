"""Answers, not timings: status, objective, matched and unmatched counts of a fixed set of
requests (the benchmark pools, and each program rule), as one Markdown table.

A refactoring must leave this table unchanged: run it before and after and compare.

    python -m bench.answers              # every row (the 10k rows take about a minute)
    python -m bench.answers --small      # without the 3k and 10k pools
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

try:  # the generator's home since the layout of issue 12
    from generator import generate_pool
except ImportError:  # pragma: no cover - the layout before it
    from generator.pools import generate_pool

from solver import MatchRequest, match

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "examples" / "company_pool.json"

RULES: dict[str, dict[str, Any]] = {
    "plain": {},
    "cross 0.8": {"diversity": {"cross": {"department": 0.8}}, "weights": {"department": 0}},
    "fair": {"objective": "fair"},
    "max same 1": {"diversity": {"max_same_per_mentor": {"department": 1}}},
    "max same 2 attrs": {"diversity": {"max_same_per_mentor": {"department": 1, "site": 2}}},
    "stable": {"stable": True},
    "group 2": {"format": "group", "group": {"min_size": 2}},
    "balance": {"diversity": {"balance": {"department": True}}},
    "cross + fair": {"diversity": {"cross": {"department": 0.8}}, "objective": "fair"},
    "match all": {"rules": {"match_all_mentees": True}},
    "reverse": {"format": "reverse"},
}


def requests(small: bool) -> list[tuple[str, str, dict[str, Any]]]:
    """(pool, rules, request body): every rule on the example and a 60 × 20 pool, the
    benchmark pools plain, and the 10k pool with a cross share and with fair."""
    found = []
    example = json.loads(EXAMPLE.read_text("utf-8"))
    pools = {"example": example, "60x20": generate_pool(60, 20, 3)}
    for pool, body in pools.items():
        for name, program in RULES.items():
            merged = {**body, "program": {**body.get("program", {}), **program}}
            found.append((pool, name, merged))
    sizes = [(300, 100), (1000, 350)] + ([] if small else [(3000, 1000), (10000, 3400)])
    for mentees, mentors in sizes:
        found.append((f"{mentees}x{mentors}", "plain", generate_pool(mentees, mentors, 1)))
    for name in ("cross 0.8", "fair", "max same 1"):
        found.append(("1000x350", name, generate_pool(1000, 350, 1, program=RULES[name])))
    if not small:
        cross = {"diversity": {"cross": {"department": 0.9}}, "weights": {"department": 0}}
        found.append(("10000x3400", "cross 0.9", generate_pool(10000, 3400, 1, program=cross)))
        found.append(("10000x3400", "fair", generate_pool(10000, 3400, 1, program=RULES["fair"])))
    return found


def row(pool: str, rules: str, body: dict[str, Any]) -> str:
    try:
        answer = match(MatchRequest.model_validate(body))
    except ValueError as exc:  # InvalidRequest: refused as written
        return f"| {pool} | {rules} | refused | | | | | {str(exc)[:60]} |"
    mentees = sum(u.role == "mentee" for u in answer.unmatched)
    mentors = sum(u.role == "mentor" for u in answer.unmatched)
    return (
        f"| {pool} | {rules} | {answer.status} | {answer.objective:.6f} | {answer.gap:.2g} | "
        f"{answer.metrics.matched_mentees} | {mentees} | {mentors} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="skip the 3k and 10k pools")
    args = parser.parse_args()
    print("| pool | rules | status | objective | gap | matched | unmatched mentees | mentors |")
    print("|---|---|---|---|---|---|---|---|")
    for pool, rules, body in requests(args.small):
        print(row(pool, rules, body), flush=True)


if __name__ == "__main__":
    main()

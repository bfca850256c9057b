"""Seeded, realistic participant pools: the bundled example and benchmark inputs.

A pool looks like a mid-size company's program: departments with their own
skill vocabulary plus shared leadership topics, sites in several time zones
with their languages, mentors more senior than mentees, a few reporting lines,
ranked preferences, `avoid` lists, non-volunteers and people who waited a
round already. Same arguments, same pool (numpy's PCG64 with the given seed).

    python -m generator --mentees 1000 --mentors 350 --seed 1 --out pool.json
    python -m generator --example   # rewrites scenarios/examples/company_pool.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "examples" / "company_pool.json"


DEPARTMENT_SKILLS = {
    "Engineering": ["python", "system design", "code review", "cloud architecture"],
    "Data": ["machine learning", "AI", "statistics", "data visualisation"],
    "Sales": ["negotiation", "account management", "prospecting", "retail"],
    "Marketing": ["brand strategy", "content writing", "market research", "retail"],
    "Finance": ["budgeting", "financial modelling", "audit", "risk management"],
    "HR": ["recruiting", "employee relations", "compensation", "coaching"],
    "Operations": ["supply chain", "process improvement", "lean", "project management"],
    "Product": ["product discovery", "roadmapping", "user research", "project management"],
}


SHARED_SKILLS = [
    "leadership",
    "public speaking",
    "career planning",
    "networking",
    "managing a team",
    "work-life balance",
    "feedback",
    "stakeholder management",
]


SITES = {  # site → (time zone, languages spoken there, relative head count)
    "Paris": ("Europe/Paris", ["fr", "en"], 5),
    "Lyon": ("Europe/Paris", ["fr"], 2),
    "London": ("Europe/London", ["en"], 3),
    "Montreal": ("America/Toronto", ["fr", "en"], 2),
    "New York": ("America/New_York", ["en"], 2),
    "Singapore": ("Asia/Singapore", ["en", "zh"], 1),
}


SLOTS = [f"{day}-{half}" for day in ("mon", "tue", "wed", "thu", "fri") for half in ("am", "pm")]


INTERESTS = ["running", "music", "chess", "cooking", "hiking", "photography", "volunteering"]


JOB_FAMILIES = {"Engineering": "tech", "Data": "tech", "Product": "tech"}


FIRST = ["Alex", "Camille", "Sam", "Noor", "Jules", "Mei", "Ines", "Omar", "Lea", "Ravi", "Ana"]


LAST = ["Martin", "Bernard", "Smith", "Nguyen", "Dubois", "Khan", "Garcia", "Leroy", "Chen"]


def _pick(
    rng: np.random.Generator, items: list[str] | np.ndarray, low: int, high: int
) -> list[str]:
    """Between `low` and `high` distinct items (an array of ids is drawn from as the list
    is, without converting it again for every person: large pools took minutes)."""
    k = int(rng.integers(low, min(high, len(items)) + 1))
    return [str(x) for x in rng.choice(items, size=k, replace=False)]


def _generation(seniority: float, rng: np.random.Generator) -> str:
    age = 22 + seniority + float(rng.integers(0, 6))
    return "gen_z" if age < 29 else "millennial" if age < 45 else "gen_x"


def _person(rng: np.random.Generator, pid: str, *, mentor: bool) -> dict[str, Any]:
    department = str(rng.choice(list(DEPARTMENT_SKILLS)))
    weights = np.array([count for _, _, count in SITES.values()], dtype=float)
    site = str(rng.choice(list(SITES), p=weights / weights.sum()))
    zone, spoken, _ = SITES[site]
    languages = list(spoken) if rng.random() < 0.8 else [spoken[0]]
    if rng.random() < 0.15:
        languages.append(str(rng.choice(["es", "de", "it"])))
    seniority = float(rng.integers(8, 26)) if mentor else float(rng.integers(0, 9))
    own = DEPARTMENT_SKILLS[department]
    topics_own = _pick(rng, own, 1, 3)
    topics_shared = _pick(rng, SHARED_SKILLS, 1, 3)
    person: dict[str, Any] = {
        "id": pid,
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "department": department,
        "site": site,
        "job_family": JOB_FAMILIES.get(department, "business"),
        "seniority": seniority,
        "languages": languages,
        "timezone": zone,
        "availability": _pick(rng, SLOTS, 2, 5),
        "interests": _pick(rng, INTERESTS, 0, 2),
        "attributes": {"generation": _generation(seniority, rng)},
    }
    if mentor:
        person["skills"] = topics_own + topics_shared
    else:
        stretch = _pick(rng, [s for d in DEPARTMENT_SKILLS.values() for s in d], 0, 1)
        person["goals"] = list(dict.fromkeys(topics_own[:1] + topics_shared[:2] + stretch))
        person["volunteer"] = bool(rng.random() < 0.85)
        person["waiting_rounds"] = int(rng.choice([0, 0, 0, 0, 1, 1, 2]))
    return person


def _link(rng: np.random.Generator, mentors: list[dict[str, Any]], mentees: list[dict[str, Any]]):
    """Preferences, avoid lists and reporting lines between the two sides."""
    mentor_ids = np.array([m["id"] for m in mentors])
    mentee_ids = np.array([e["id"] for e in mentees])
    for mentee in mentees:
        if len(mentor_ids) and rng.random() < 0.6:
            mentee["preferences"] = _pick(rng, mentor_ids, 1, 3)
        if len(mentor_ids) and rng.random() < 0.05:
            mentee["avoid"] = _pick(rng, mentor_ids, 1, 1)
        if len(mentor_ids) and rng.random() < 0.08:
            manager = mentors[int(rng.integers(len(mentors)))]
            mentee["manager_id"] = manager["id"]
            mentee["department"] = manager["department"]
    for mentor in mentors:
        if len(mentee_ids) and rng.random() < 0.3:
            mentor["preferences"] = _pick(rng, mentee_ids, 1, 3)
        draw = rng.random()
        if draw < 0.08:
            mentor["capacity"] = 0
        elif draw < 0.3:
            mentor["capacity"] = int(rng.integers(1, 3))


def generate_pool(
    mentees: int, mentors: int, seed: int = 0, *, program: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A match request with `mentees` and `mentors` people, the same for the same seed."""
    rng = np.random.default_rng(seed)
    mentor_list = [_person(rng, f"m{j:04d}", mentor=True) for j in range(mentors)]
    mentee_list = [_person(rng, f"e{i:04d}", mentor=False) for i in range(mentees)]
    _link(rng, mentor_list, mentee_list)
    return {"mentors": mentor_list, "mentees": mentee_list, "program": dict(program or {})}


def example_pool() -> dict[str, Any]:
    """The bundled example: 40 mentors, 80 mentees, a 1:2 program across time zones."""
    program = {"mentor_capacity": 2, "rules": {"max_timezone_gap_hours": 8}}
    return generate_pool(80, 40, seed=2026, program=program)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=80)
    parser.add_argument("--mentors", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write here instead of stdout")
    parser.add_argument("--example", action="store_true", help="rewrite the bundled example")
    args = parser.parse_args(argv)
    if args.example:
        pool, out = example_pool(), EXAMPLE
    else:
        pool, out = generate_pool(args.mentees, args.mentors, args.seed), args.out
    text = json.dumps(pool, indent=1, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

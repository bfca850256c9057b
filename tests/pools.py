"""Small random pools for property, brute-force and engine-agreement tests."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

TOPICS = ["networking", "public speaking", "planning", "leadership", "AI", "retail"]
LANGUAGES = ["fr", "en", "es"]
SLOTS = ["mon-am", "tue-pm", "thu-am"]
ZONES = ["Europe/Paris", "Europe/London", "America/New_York", "Asia/Singapore"]
DEPARTMENTS = ["Sales", "HR", "Engineering"]


def _subset(rng: np.random.Generator, items: list[str], high: int) -> list[str]:
    k = int(rng.integers(0, min(high, len(items)) + 1))
    return [str(x) for x in rng.choice(items, size=k, replace=False)]


def _maybe(rng: np.random.Generator, value: Any, p: float = 0.8) -> Any:
    return value if rng.random() < p else None


def random_person(rng: np.random.Generator, pid: str, others: list[str]) -> dict[str, Any]:
    person: dict[str, Any] = {
        "id": pid,
        "skills": _subset(rng, TOPICS, 4),
        "goals": _subset(rng, TOPICS, 3),
        "languages": _subset(rng, LANGUAGES, 2),
        "availability": _subset(rng, SLOTS, 3),
        "interests": _subset(rng, TOPICS, 2),
        "department": _maybe(rng, str(rng.choice(DEPARTMENTS))),
        "timezone": _maybe(rng, str(rng.choice(ZONES))),
        "seniority": _maybe(rng, float(rng.integers(0, 20))),
        "volunteer": bool(rng.random() < 0.8),
        "waiting_rounds": int(rng.choice([0, 0, 0, 1, 2])),
        "preferences": _subset(rng, others, 2),
        "avoid": _subset(rng, others, 1) if rng.random() < 0.2 else [],
    }
    return {k: v for k, v in person.items() if v is not None}


def random_pool(seed: int, n_mentees: int, n_mentors: int, **program: Any) -> dict[str, Any]:
    """A valid request with every criterion and several rules in play."""
    rng = np.random.default_rng(seed)
    mentor_ids = [f"m{j}" for j in range(n_mentors)]
    mentee_ids = [f"e{i}" for i in range(n_mentees)]
    mentors = [random_person(rng, pid, mentee_ids) for pid in mentor_ids]
    for mentor in mentors:
        if rng.random() < 0.5:
            mentor["capacity"] = int(rng.integers(0, 3))
    mentees = [random_person(rng, pid, mentor_ids) for pid in mentee_ids]
    if mentors and mentees and rng.random() < 0.3:
        mentees[0]["manager_id"] = mentor_ids[0]
    return {"mentors": mentors, "mentees": mentees, "program": program}


pools = st.builds(
    random_pool,
    seed=st.integers(0, 2**32 - 1),
    n_mentees=st.integers(0, 7),
    n_mentors=st.integers(0, 4),
    mentor_capacity=st.integers(0, 3),
)


def solved(mentors: list[dict[str, Any]], mentees: list[dict[str, Any]], **program: Any) -> Any:
    """The answer to a tiny request, checked by the validator (every exact test's oracle)."""
    from solver import MatchRequest, match, validate

    request = MatchRequest.model_validate(
        {"mentors": mentors, "mentees": mentees, "program": program}
    )
    response = match(request)
    assert validate(request, response) == []
    return response


def paired(response: Any) -> set[tuple[str, str]]:
    """(mentor, mentee) of every pairing."""
    return {(p.mentor, p.mentee) for p in response.pairings}

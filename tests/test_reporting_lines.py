"""`no_reporting_line` from the contracted forest of managers equals the validator's walk up
each chain, pair by pair (`by_pair._reports_to`), and its work grows with the pairs, not
with the pairs times the length of the chains."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from bench.proportion import chain
from solver import MatchRequest, match, validate
from solver.contract.request import Participant
from solver.encode.problem import encode
from solver.rules.by_pair import _reports_to
from solver.rules.reporting import along_lines
from tests.work import lines_run


def oracle(mentors: list[Participant], mentees: list[Participant]) -> np.ndarray:
    managers: dict[str, str] = {}
    for person in [*mentors, *mentees]:
        if person.manager_id and person.id not in managers:
            managers[person.id] = person.manager_id
    return np.array(
        [
            [
                e.id != m.id and (_reports_to(e, m.id, managers) or _reports_to(m, e.id, managers))
                for m in mentors
            ]
            for e in mentees
        ],
        dtype=bool,
    ).reshape(len(mentees), len(mentors))


def people(pairs: list[tuple[str, str | None]]) -> list[Participant]:
    return [Participant(id=pid, manager_id=boss) for pid, boss in pairs]


@pytest.mark.parametrize("seed", range(300))
def test_random_reporting_lines_match_the_validators_walk(seed: int) -> None:
    """Chains, trees, cycles, self-managers, managers outside the request, people in both
    lists (with different managers in each)."""
    rng = random.Random(seed)
    ids = [f"p{k}" for k in range(rng.randint(1, 14))]
    bosses = [*ids, "outside", "elsewhere"]

    def side() -> list[Participant]:
        chosen = rng.sample(ids, rng.randint(0, len(ids)))
        return people(
            [(pid, rng.choice(bosses) if rng.random() < 0.75 else None) for pid in chosen]
        )

    mentors, mentees = side(), side()
    assert along_lines(mentors, mentees).tolist() == oracle(mentors, mentees).tolist()


CASES: dict[str, tuple[list[tuple[str, str | None]], list[tuple[str, str | None]]]] = {
    "chain": ([("a", "b"), ("c", None)], [("b", "c"), ("d", "a")]),
    "cycle": ([("a", "b"), ("x", None)], [("b", "c"), ("c", "a"), ("d", "c")]),
    "self": ([("a", "a")], [("b", "a"), ("a", None)]),
    "outside ends it": ([("a", "zz")], [("zz", None), ("b", "a")]),
    "both lists": ([("a", "b"), ("b", None)], [("a", "c"), ("b", "a"), ("c", None)]),
    "tree": ([("r", None), ("x", "r")], [("y", "x"), ("z", "r"), ("w", "y")]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_named_shapes_match_the_validators_walk(name: str) -> None:
    mentors, mentees = (people(side) for side in CASES[name])
    assert along_lines(mentors, mentees).tolist() == oracle(mentors, mentees).tolist()


def test_everyone_in_a_cycle_is_above_everyone_else_in_it() -> None:
    mentors = people([("a", "b"), ("b", "c"), ("c", "a"), ("out", None)])
    mentees = people([("a", None), ("b", None), ("c", None), ("below", "c")])
    expected = [[False, True, True, False], [True, False, True, False]]
    expected += [[True, True, False, False], [True, True, True, False]]
    assert along_lines(mentors, mentees).tolist() == expected


def test_a_manager_listed_as_a_mentor_and_its_report_as_a_mentee_is_excluded() -> None:
    body = chain(mentees=5, mentors=0)
    body["mentors"] = [{"id": "e3"}, {"id": "free"}]
    answer = match(MatchRequest.model_validate(body))
    assert validate(MatchRequest.model_validate(body), answer) == []
    made = {(p.mentor, p.mentee) for p in answer.pairings}
    assert made <= {("e3", "e4"), ("free", "e0"), ("free", "e1"), ("free", "e2"), ("free", "e4")}


def _work(mentees: int) -> int:
    """Lines the encoder runs on a chain of `mentees` (the rule reads it whole)."""
    request = MatchRequest.model_validate(chain(mentees=mentees, mentors=10))
    problem, lines = lines_run(lambda: encode(request))
    assert not problem.excluded["no_reporting_line"].any()  # the mentors manage nobody
    return lines


def test_a_long_chain_takes_work_linear_in_its_length() -> None:
    """A chain of 3,000 mentees: each person is walked once (the old chains were rebuilt
    for each person with a `not in` on a list: 3.6 M lines at 1,000, 91 s at 4,000)."""
    small, large = _work(300), _work(3000)
    assert large < 12 * small  # linear: about 10 times; quadratic would be 100 times
    assert large < 150 * 3000


def test_a_long_cycle_takes_work_linear_in_its_length() -> None:
    request = MatchRequest.model_validate(chain(mentees=2000, mentors=3, cycle=True))
    body: dict[str, Any] = request.model_dump()
    body["mentors"] = [{"id": "e5"}, {"id": "free"}]  # a mentor inside the cycle
    request = MatchRequest.model_validate(body)
    mask, lines = lines_run(lambda: along_lines(request.mentors, request.mentees))
    assert mask[:, 0].sum() == 1999 and not mask[:, 1].any()
    assert lines < 40 * 2000

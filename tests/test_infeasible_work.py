"""Why a request cannot hold, found in work linear in the request: pins grouped once, Hall
violators from one search over the pairs in which every mentor and mentee is visited once."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import solver.diagnosis as diagnosis
from bench.proportion import pinned_twice, too_few_places
from solver import MatchRequest, match, validate
from solver.answer.infeasible import _stuck_together, pin_conflicts
from solver.encode.instance import instance
from solver.encode.problem import encode
from solver.engines.flow import solve_flow
from tests.pools import random_pool
from tests.work import lines_run


def _pin_work(mentees: int) -> tuple[int, int]:
    problem = encode(MatchRequest.model_validate(pinned_twice(mentees=mentees, mentors=10)))
    found, lines = lines_run(lambda: pin_conflicts(problem, "en"))
    twice = [c for c in found if "is pinned to 2 mentors" in c.detail]
    assert len(twice) == mentees
    assert twice[1].ids == ["e1", "m1", "m2"]  # the mentee, then its mentors in the pins' order
    return len(found), lines


def test_pins_of_every_mentee_to_two_mentors_are_grouped_once() -> None:
    """29,990 mentees pinned twice each took 24 s to answer infeasible (each mentee's pins
    were looked for among all the pins)."""
    (_, small), (count, large) = _pin_work(300), _pin_work(3000)
    assert count == 3000  # each mentee pinned twice; 600 pins a mentor fit its 1,000 places
    assert large < 12 * small
    assert large < 100 * 2 * 3000  # a few tens of lines per pin


def reachable(problem: Any, assignment: np.ndarray, start: int) -> tuple[set[int], set[int]]:
    """The search from one unmatched mentee, as the old code did it: the reference."""
    pinned = {i for i, _ in problem.pins}
    mentees, mentors, queue = {start}, set(), [start]
    while queue:
        i = queue.pop()
        if i in pinned:
            continue
        for j in np.nonzero(problem.eligible[i] & (problem.capacity > 0))[0].tolist():
            if j not in mentors:
                mentors.add(j)
                for k in np.nonzero(assignment == j)[0].tolist():
                    if k not in mentees:
                        mentees.add(k)
                        queue.append(k)
    return mentees, mentors


def merged(found: list[tuple[set[int], set[int]]]) -> list[tuple[set[int], set[int]]]:
    """Searches that share a mentor, merged until none does."""
    groups: list[tuple[set[int], set[int]]] = []
    for mentees, mentors in found:
        mentees, mentors = set(mentees), set(mentors)
        for other in [g for g in groups if g[1] & mentors]:
            groups.remove(other)
            mentees |= other[0]
            mentors |= other[1]
        groups.append((mentees, mentors))
    return sorted(groups, key=lambda g: min(g[0]))


@pytest.mark.parametrize("seed", range(40))
def test_hall_groups_are_the_merged_searches_of_every_unmatched_mentee(seed: int) -> None:
    body = random_pool(seed, n_mentees=14, n_mentors=5, mentor_capacity=1)
    problem = encode(MatchRequest.model_validate(body))
    assignment = solve_flow(instance(problem)).assignment.copy()
    for i, j in problem.pins:
        assignment[i] = j
    unmatched = np.nonzero(assignment < 0)[0].tolist()
    expected = merged([reachable(problem, assignment, i) for i in unmatched])
    found = [(set(e), set(m)) for e, m in _stuck_together(problem, assignment)]
    assert sorted(found, key=lambda g: min(g[0])) == expected
    for mentees, mentors in found:
        assert len(mentees) > sum(int(problem.capacity[j]) for j in mentors)  # Hall fails


def _hall_work(mentees: int, mentors: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, int]:
    counted: list[int] = []
    original = diagnosis.coverage_conflicts

    def coverage(*args: Any) -> Any:
        found, lines = lines_run(lambda: original(*args))
        counted.append(lines)
        return found

    monkeypatch.setattr(diagnosis, "coverage_conflicts", coverage)
    request = MatchRequest.model_validate(too_few_places(mentees, mentors))
    answer = match(request)
    assert answer.status == "infeasible" and validate(request, answer) == []
    return answer, counted[0]


def test_too_few_places_for_match_all_is_one_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """3,000 mentees for 1,000 mentors of 2 places: every unmatched mentee restarted a
    search that scanned rows and `assignment == j` per node (55 s)."""
    _, small = _hall_work(300, 100, monkeypatch)
    answer, large = _hall_work(3000, 1000, monkeypatch)
    assert large < 12 * small
    assert large < 25 * (3000 + 1000)
    hall = [c for c in answer.conflicts if c.rule == "match_all_mentees"]
    assert hall and len({i for c in hall for i in c.ids}) == sum(len(c.ids) for c in hall)

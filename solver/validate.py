"""A solver-free re-check of a response against its request: the oracle of every test.

Every hard rule is re-checked pair by pair from the participants themselves (not from the
solver's arrays, `rules/by_pair.py`), scores, the objective and the metrics are
recomputed, each program rule is re-checked by its own class (`violations`), nobody may be
lost, and a claimed optimum of a tiny request is checked by enumeration (`optimum.py`).
`validate` returns the problems found; [] means the response is valid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from solver.answer.metrics import compute_metrics
from solver.contract.request import MatchRequest
from solver.contract.response import MatchResponse
from solver.optimum import optimality_problems
from solver.rules.by_pair import (
    TOLERANCE,
    Bonus,
    count_blocking,
    managers_of,
    pair_violations,
    scorer,
)
from solver.rules.program import PROGRAM_RULES


def _everyone_accounted(request: MatchRequest, response: MatchResponse) -> list[str]:
    problems = []
    for role, people in (("mentor", request.mentors), ("mentee", request.mentees)):
        paired = {getattr(p, role) for p in response.pairings}
        listed = Counter(u.id for u in response.unmatched if u.role == role)
        for person in people:
            if person.id in paired and listed[person.id]:
                problems.append(f"{role} {person.id} is both paired and unmatched")
            if person.id not in paired and listed[person.id] != 1:
                problems.append(f"{role} {person.id} is lost (listed {listed[person.id]} times)")
    return problems


def _unknown_ids(request: MatchRequest, response: MatchResponse) -> list[str]:
    mentors, mentees = {p.id for p in request.mentors}, {p.id for p in request.mentees}
    return [
        f"pairing {p.mentor}-{p.mentee} names an unknown id"
        for p in response.pairings
        if p.mentor not in mentors or p.mentee not in mentees
    ]


def _pairs_valid(request: MatchRequest, response: MatchResponse) -> list[str]:
    mentors = {p.id: p for p in request.mentors}
    mentees = {p.id: p for p in request.mentees}
    managers, program, problems = managers_of(request), request.program, []
    score_of = scorer(request)
    for pairing in response.pairings:
        mentor, mentee = mentors[pairing.mentor], mentees[pairing.mentee]
        expected = score_of(mentor, mentee)
        if expected is None:
            problems.append(f"pair {mentor.id}-{mentee.id} is not among the caller's scores")
        elif abs(expected - pairing.score) > TOLERANCE:
            problems.append(f"pair {mentor.id}-{mentee.id} score {pairing.score} != {expected}")
        for rule in pair_violations(mentor, mentee, program, managers, pairing.score):
            problems.append(f"pair {mentor.id}-{mentee.id} breaks {rule}")
    return problems


def _capacities_and_pins(request: MatchRequest, response: MatchResponse) -> list[str]:
    program, problems = request.program, []
    per_mentee = Counter(p.mentee for p in response.pairings)
    problems += [f"mentee {e} paired {n} times" for e, n in per_mentee.items() if n > 1]
    load = Counter(p.mentor for p in response.pairings)
    for mentor in request.mentors:
        capacity = program.mentor_capacity if mentor.capacity is None else mentor.capacity
        if load[mentor.id] > capacity:
            problems.append(f"mentor {mentor.id} has {load[mentor.id]} mentees for {capacity}")
        if response.mentor_load.get(mentor.id, 0) != load[mentor.id]:
            problems.append(f"mentor_load of {mentor.id} is wrong")
    made = {(p.mentor, p.mentee) for p in response.pairings}
    for pin in program.pinned:
        if (pin.mentor, pin.mentee) not in made:
            problems.append(f"pinned pair {pin.mentor}-{pin.mentee} is missing")
    missing = [e.id for e in request.mentees if e.id not in per_mentee]
    if program.rules.match_all_mentees and missing:
        problems.append(f"match_all_mentees is set but {', '.join(missing)} unmatched")
    return problems


def _totals(request: MatchRequest, response: MatchResponse) -> list[str]:
    problems = []
    total = sum(p.score for p in response.pairings)
    if abs(total - response.objective) > TOLERANCE * max(1, len(response.pairings)):
        problems.append(f"objective {response.objective} != sum of scores {total}")
    if response.bound < response.objective - TOLERANCE:
        problems.append("bound below objective")
    scores = [p.score for p in response.pairings]
    if scores != sorted(scores, reverse=True):
        problems.append("pairings are not sorted by score")
    if [p.rank for p in response.pairings] != list(range(1, len(scores) + 1)):
        problems.append("ranks are not 1..n")
    pairs = [(p.mentor, p.mentee, p.score) for p in response.pairings]
    expected = compute_metrics(request, pairs, blocking_pairs=count_blocking(request, response))
    for name, value in expected:
        if getattr(response.metrics, name) != value:
            problems.append(f"metric {name} is {getattr(response.metrics, name)}, not {value}")
    return problems


def validate(
    request: MatchRequest,
    response: MatchResponse,
    *,
    bonus: Bonus | None = None,
    extra_waiting: Mapping[str, int] | None = None,
) -> list[str]:
    """Every problem of a response for its request; [] when it is valid. `bonus`: the extra
    score a re-match gives some (mentor, mentee) pairs, which its optimum counts."""
    problems = _everyone_accounted(request, response)
    if response.status == "infeasible":
        if response.pairings:
            problems.append("an infeasible response has pairings")
        if not response.conflicts:
            problems.append("an infeasible response names no conflict")
        return problems
    if unknown := _unknown_ids(request, response):
        return problems + unknown  # every later check reads the participants of each pair
    return (
        problems
        + _pairs_valid(request, response)
        + _capacities_and_pins(request, response)
        + _totals(request, response)
        + _program_rules(request, response)
        + optimality_problems(request, response, bonus or {}, extra_waiting)
    )


def _program_rules(request: MatchRequest, response: MatchResponse) -> list[str]:
    """Every program rule, re-checked on the whole pairing (pins included) by its own class."""
    pairs = [(p.mentor, p.mentee, p.score) for p in response.pairings]
    return [problem for rule in PROGRAM_RULES for problem in rule.violations(request, pairs)]

"""Why a request cannot hold, in words: pins that break rules or capacities, Hall violators of
`match_all_mentees`, and cores of clashing program rules."""

from __future__ import annotations

import logging
from collections import Counter, deque

import numpy as np

from solver.answer.unmatched import _rule_counts
from solver.contract.request import Program
from solver.contract.response import Conflict
from solver.encode.problem import Problem
from solver.messages import render
from solver.rules.program import owner

LISTED = 5  # how many ids a sentence names before it stops listing


def pin_conflicts(problem: Problem, language: str) -> list[Conflict]:
    """Pins that cannot hold: a rule forbids the pair, a mentee pinned twice, a full mentor."""
    pool, found = problem.pool, []
    for i, j in problem.pins:
        broken = [
            render(language, f"rule.{n}") for n, mask in problem.excluded.items() if mask[i, j]
        ]
        if broken:
            ids = [pool.mentors[j].id, pool.mentees[i].id]
            detail = render(
                language, "conflict.pin_rule", mentor=ids[0], mentee=ids[1], rules=broken
            )
            found.append(Conflict(rule="pinned", ids=ids, detail=detail))
    per_mentee = Counter(i for i, _ in problem.pins)
    for i, n in sorted(per_mentee.items()):
        if n > 1:
            mentors = [pool.mentors[j].id for k, j in problem.pins if k == i]
            detail = render(
                language, "conflict.pin_twice", mentee=pool.mentees[i].id, n=n, items=mentors
            )
            found.append(Conflict(rule="pinned", ids=[pool.mentees[i].id, *mentors], detail=detail))
    per_mentor = Counter(j for _, j in problem.pins)
    for j, n in sorted(per_mentor.items()):
        if n > problem.capacity[j]:
            mentor = pool.mentors[j].id
            detail = render(
                language,
                "conflict.pin_capacity",
                mentor=mentor,
                n=n,
                capacity=int(problem.capacity[j]),
            )
            found.append(Conflict(rule="capacity", ids=[mentor], detail=detail))
    return found


def _stuck_together(
    problem: Problem, assignment: np.ndarray, start: int
) -> tuple[set[int], set[int]]:
    """Mentees reachable from an unmatched one by alternating paths, and their mentors.

    In a maximum matching every such mentor is full, so these mentees outnumber
    the places of the mentors they can have: Hall's condition fails on them.
    """
    pinned = {i for i, _ in problem.pins}
    mentees, mentors = {start}, set()
    queue = deque([start])
    while queue:
        i = queue.popleft()
        if i in pinned:  # a pinned mentee stays with its mentor
            continue
        for j in np.nonzero(problem.eligible[i] & (problem.capacity > 0))[0].tolist():
            if j in mentors:
                continue
            mentors.add(j)
            for k in np.nonzero(assignment == j)[0].tolist():
                if k not in mentees:
                    mentees.add(k)
                    queue.append(k)
    return mentees, mentors


def coverage_conflicts(problem: Problem, assignment: np.ndarray, language: str) -> list[Conflict]:
    """Why `match_all_mentees` cannot hold, from a maximum matching that leaves mentees out."""
    pool, found, explained = problem.pool, [], set()
    for i in np.nonzero(assignment < 0)[0].tolist():
        if i in explained:
            continue
        mentees, mentors = _stuck_together(problem, assignment, i)
        explained |= mentees
        if not mentors:
            rules = _rule_counts(problem, language, i=i) or render(language, "unmatched.no_mentors")
            mentee = pool.mentees[i].id
            detail = render(language, "conflict.no_eligible", mentee=mentee, rules=rules)
            found.append(Conflict(rule="match_all_mentees", ids=[mentee], detail=detail))
            continue
        mentee_ids = sorted(pool.mentees[k].id for k in mentees)
        mentor_ids = sorted(pool.mentors[j].id for j in mentors)
        places = int(sum(problem.capacity[j] for j in mentors))
        detail = render(
            language,
            "conflict.hall",
            n=len(mentee_ids),
            items=mentee_ids[:LISTED] + (["…"] if len(mentee_ids) > LISTED else []),
            k=len(mentor_ids),
            mentors=mentor_ids[:LISTED] + (["…"] if len(mentor_ids) > LISTED else []),
            places=places,
        )
        found.append(Conflict(rule="match_all_mentees", ids=mentee_ids + mentor_ids, detail=detail))
    return found


log = logging.getLogger(__name__)


def describe_rule(program: Program, family: str, language: str) -> str:
    """What a rule family of the diagnosis demands, in the manager's words."""
    rule = owner(program, family)
    if rule is not None:
        return rule.describe(program, family, language)
    return render(language, f"rule.{family}")  # capacity, match_all_mentees


def core_conflicts(program: Program, core: list[str], language: str) -> list[Conflict]:
    """A core of rule families that cannot hold together, one conflict per family."""
    said = {family: describe_rule(program, family, language) for family in core}
    conflicts = []
    for family in core:
        others = [said[other] for other in core if other != family]
        if others:
            detail = render(language, "conflict.core", rule=said[family], others=others)
        else:
            detail = render(language, "conflict.core_alone", rule=said[family])
        conflicts.append(Conflict(rule=family, ids=[], detail=detail))
    return conflicts

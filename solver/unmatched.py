"""Why someone is not paired, and which rules clash when a request cannot hold.

Nobody leaves a response silently: every unpaired mentee and mentor gets a
reason code and a sentence built from the rules and capacities that decided it.
"""

from __future__ import annotations

from collections import Counter, deque

import numpy as np

from solver.encoder import Problem
from solver.explain import top_mentors
from solver.messages import render
from solver.schema import Conflict, Unmatched

LISTED = 5  # how many ids a sentence names before it stops listing
NAMED = 3  # the best mentors named to a mentee left out for capacity


def _rule_counts(
    problem: Problem, language: str, i: int | None = None, j: int | None = None
) -> str:
    """'avoid list (1), no common language (12)' for one mentee's row or one mentor's column."""
    parts = []
    for name, mask in problem.excluded.items():
        line = mask[i] if i is not None else mask[:, j]
        if n := int(line.sum()):
            parts.append(render(language, "rule.count", rule=render(language, f"rule.{name}"), n=n))
    return ", ".join(parts)


def _mentee_reason(
    problem: Problem, i: int, language: str, eligible: int, best: np.ndarray
) -> Unmatched:
    """`eligible`: mentors open to mentee i; `best`: the first of them, best first."""
    mentee = problem.pool.mentees[i]
    if eligible == 0:
        rules = _rule_counts(problem, language, i=i)
        if not rules:
            detail = render(language, "unmatched.no_mentors")
        else:
            detail = render(language, "unmatched.no_eligible_mentor", rules=rules)
        return Unmatched(id=mentee.id, role="mentee", reason="no_eligible_mentor", detail=detail)
    if not mentee.volunteer:
        detail = render(language, "unmatched.not_volunteer", n=eligible)
        return Unmatched(id=mentee.id, role="mentee", reason="not_volunteer", detail=detail)
    ids = [problem.pool.mentors[j].id for j in best.tolist()]
    detail = render(language, "unmatched.capacity", n=eligible, items=ids)
    return Unmatched(id=mentee.id, role="mentee", reason="capacity", detail=detail)


def _mentor_reason(problem: Problem, j: int, language: str) -> Unmatched:
    mentor = problem.pool.mentors[j]
    if problem.capacity[j] == 0:
        detail = render(language, "unmatched.mentor.not_taking")
        return Unmatched(id=mentor.id, role="mentor", reason="not_taking_mentees", detail=detail)
    eligible = int(problem.eligible[:, j].sum())
    if not problem.pool.mentees:
        detail = render(language, "unmatched.mentor.no_mentees")
        return Unmatched(id=mentor.id, role="mentor", reason="no_eligible_mentee", detail=detail)
    if eligible == 0:
        rules = _rule_counts(problem, language, j=j)
        detail = render(language, "unmatched.mentor.no_eligible_mentee", rules=rules)
        return Unmatched(id=mentor.id, role="mentor", reason="no_eligible_mentee", detail=detail)
    detail = render(language, "unmatched.mentor.not_needed", n=eligible)
    return Unmatched(id=mentor.id, role="mentor", reason="not_needed", detail=detail)


def unmatched(problem: Problem, assignment: np.ndarray, language: str) -> list[Unmatched]:
    """Every mentee without a mentor and every mentor without a mentee, with the reason."""
    busy = set(assignment[assignment >= 0].tolist())
    alone = np.nonzero(assignment < 0)[0]
    open_ = problem.capacity > 0
    eligible = np.count_nonzero(problem.eligible[alone] & open_[None, :], axis=1).tolist()
    best = top_mentors(problem, NAMED, alone)
    found = [
        _mentee_reason(problem, i, language, eligible[k], best[k])
        for k, i in enumerate(alone.tolist())
    ]
    found += [
        _mentor_reason(problem, j, language)
        for j in range(len(problem.pool.mentors))
        if j not in busy
    ]
    return found


def everyone_unmatched(problem: Problem, language: str) -> list[Unmatched]:
    """An infeasible request pairs nobody; everyone is still listed."""
    detail = render(language, "unmatched.infeasible")
    mentors = [
        Unmatched(id=p.id, role="mentor", reason="infeasible", detail=detail)
        for p in problem.pool.mentors
    ]
    mentees = [
        Unmatched(id=p.id, role="mentee", reason="infeasible", detail=detail)
        for p in problem.pool.mentees
    ]
    return mentors + mentees


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

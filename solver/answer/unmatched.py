"""Why someone is not paired, and which rules clash when a request cannot hold.

Nobody leaves a response silently: every unpaired mentee and mentor gets a
reason code and a sentence built from the rules and capacities that decided it.
"""

from __future__ import annotations

import numpy as np

from solver.answer.suggestions import top_mentors
from solver.contract.response import Unmatched
from solver.encode.problem import Problem
from solver.messages import render

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

"""Why someone is not paired, and which rules clash when a request cannot hold.

Nobody leaves a response silently: every unpaired mentee and mentor gets a
reason code and a sentence built from the rules and capacities that decided it.
"""

from __future__ import annotations

import numpy as np

from solver.answer.suggestions import top_mentors
from solver.contract.request import Participant
from solver.contract.response import Unmatched
from solver.encode.problem import Problem
from solver.messages import catalogue, render
from solver.messages.formats import Person, person
from solver.rules.program import asked

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


def program_rules_said(problem: Problem, language: str) -> str:
    """The program's constraints in words ('' when it sets none): what can leave someone
    out although a place is free."""
    program = problem.request.program
    said = [
        rule.describe(program, family, language)
        for rule in asked(program)
        for family in rule.families(program)
    ]
    return catalogue(language)["reason_separator"].join(said)


def _left_out(
    problem: Problem, mentee: Participant, language: str, with_room: list[Person]
) -> Unmatched:
    """A mentee unmatched while eligible mentors have room: the program's rules decided,
    or (no rule could) the search stopped before placing them."""
    rules = program_rules_said(problem, language)
    if rules:
        detail = render(language, "unmatched.rule", n=len(with_room), items=with_room, rules=rules)
        return Unmatched(id=mentee.id, role="mentee", reason="rule", detail=detail)
    detail = render(language, "unmatched.search_stopped", n=len(with_room), items=with_room)
    return Unmatched(id=mentee.id, role="mentee", reason="search_stopped", detail=detail)


def _mentee_reason(
    problem: Problem,
    i: int,
    language: str,
    eligible: int,
    best: np.ndarray,
    with_room: list[Person],
) -> Unmatched:
    """`eligible`: mentors open to mentee i; `best`: the first of them, best first;
    `with_room`: the eligible mentors the answer leaves room with (best first, a few)."""
    mentee = problem.pool.mentees[i]
    if eligible and with_room:
        return _left_out(problem, mentee, language, with_room)
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
    named = [person(problem.pool.mentors[j]) for j in best.tolist()]
    detail = render(language, "unmatched.capacity", n=eligible, items=named)
    return Unmatched(id=mentee.id, role="mentee", reason="capacity", detail=detail)


def _mentor_reason(problem: Problem, j: int, language: str, waiting: int) -> Unmatched:
    """`waiting`: the eligible mentees the answer leaves unpaired."""
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
    if waiting and (rules := program_rules_said(problem, language)):
        detail = render(language, "unmatched.mentor.rule", n=waiting, rules=rules)
        return Unmatched(id=mentor.id, role="mentor", reason="rule", detail=detail)
    detail = render(language, "unmatched.mentor.not_needed", n=eligible)
    return Unmatched(id=mentor.id, role="mentor", reason="not_needed", detail=detail)


def unmatched(problem: Problem, assignment: np.ndarray, language: str) -> list[Unmatched]:
    """Every mentee without a mentor and every mentor without a mentee, with the reason."""
    load = np.bincount(assignment[assignment >= 0], minlength=len(problem.pool.mentors))
    alone = np.nonzero(assignment < 0)[0]
    open_ = problem.capacity > 0
    usable = problem.eligible[alone] & open_[None, :]
    eligible = np.count_nonzero(usable, axis=1).tolist()
    best = top_mentors(problem, NAMED, alone)
    roomy = load < problem.capacity
    found = [
        _mentee_reason(problem, i, language, eligible[k], best[k], _with_room(problem, i, roomy))
        for k, i in enumerate(alone.tolist())
    ]
    waiting = np.count_nonzero(usable, axis=0)  # per mentor: eligible mentees left unpaired
    found += [
        _mentor_reason(problem, j, language, int(waiting[j]))
        for j in np.nonzero(load == 0)[0].tolist()
    ]
    return found


def _with_room(problem: Problem, i: int, roomy: np.ndarray) -> list[Person]:
    """Up to NAMED eligible mentors of mentee i who still have room in the answer."""
    found = np.nonzero(problem.eligible[i] & roomy)[0][:NAMED]
    return [person(problem.pool.mentors[j]) for j in found.tolist()]


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

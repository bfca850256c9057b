"""Why someone is not paired, and which rules clash when a request cannot hold.

Nobody leaves a response silently: every unpaired mentee and mentor gets a
reason code and a sentence built from the rules and capacities that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from solver.answer.suggestions import top_mentors
from solver.contract.response import Unmatched
from solver.encode.problem import Problem
from solver.messages import catalogue, render
from solver.messages.formats import Person, person
from solver.rules.program import asked
from solver.runtime import BLOCK

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


@dataclass(frozen=True)
class LeftOut:
    """Someone the answer leaves unpaired, and why, as a code (`Unmatched.reason`):
    `index` into their side of the pool; `eligible`, the mentors open to a mentee (the
    mentees eligible for a mentor); `waiting`, a mentor's eligible mentees left unpaired."""

    index: int
    role: Literal["mentor", "mentee"]
    reason: str
    eligible: int
    waiting: int = 0


def _mentee_code(eligible: int, room: bool, volunteer: bool, ruled: bool) -> str:
    """`room`: an eligible mentor keeps room in the answer; `ruled`: the program sets rules."""
    if eligible and room:  # the program's rules decided, or the search stopped first
        return "rule" if ruled else "search_stopped"
    if eligible == 0:
        return "no_eligible_mentor"
    return "capacity" if volunteer else "not_volunteer"


def _mentor_code(problem: Problem, j: int, eligible: int, waiting: int, ruled: bool) -> str:
    """`eligible`: mentees eligible for mentor j; `waiting`: those left unpaired."""
    if problem.capacity[j] == 0:
        return "not_taking_mentees"
    if not problem.pool.mentees or eligible == 0:
        return "no_eligible_mentee"
    return "rule" if waiting and ruled else "not_needed"


def left_out(problem: Problem, assignment: np.ndarray) -> list[LeftOut]:
    """Every mentee without a mentor, then every mentor without a mentee, with the reason
    code alone: no sentence, no name."""
    load = np.bincount(assignment[assignment >= 0], minlength=len(problem.pool.mentors))
    alone = np.nonzero(assignment < 0)[0]
    eligible, room, waiting = _alone_counts(problem, alone, load)
    ruled = bool(program_rules_said(problem, "en"))
    mentees = problem.pool.mentees
    found = [
        LeftOut(i, "mentee", _mentee_code(n, room[k], mentees[i].volunteer, ruled), n)
        for k, (i, n) in enumerate(zip(alone.tolist(), eligible, strict=True))
    ]
    idle = np.nonzero(load == 0)[0]
    open_to = np.zeros(len(idle), dtype=np.int64)
    n = len(mentees)
    for first in range(0, n if len(idle) else 0, BLOCK):  # a block of rows at a time
        open_to += np.count_nonzero(problem.eligible[first : first + BLOCK][:, idle], axis=0)
    for j, count in zip(idle.tolist(), open_to.tolist(), strict=True):
        code = _mentor_code(problem, j, count, int(waiting[j]), ruled)
        found.append(LeftOut(j, "mentor", code, count, int(waiting[j])))
    return found


def _alone_counts(
    problem: Problem, alone: np.ndarray, load: np.ndarray
) -> tuple[list[int], list[bool], np.ndarray]:
    """For each mentee left alone: the mentors with places open to them, and whether one
    keeps room in the answer; per mentor, the mentees left alone open to them. Read a block
    of rows at a time: the eligibility of a large pool is never unpacked whole."""
    taking, roomy = (problem.capacity > 0)[None, :], (load < problem.capacity)[None, :]
    eligible, room = [], []
    waiting = np.zeros(len(problem.pool.mentors), dtype=np.int64)
    for first in range(0, len(alone), BLOCK):
        rows = problem.eligible[alone[first : first + BLOCK]]
        usable = rows & taking
        eligible += np.count_nonzero(usable, axis=1).tolist()
        room += (np.count_nonzero(rows & roomy, axis=1) > 0).tolist()
        waiting += np.count_nonzero(usable, axis=0)
    return eligible, room, waiting


def unmatched(problem: Problem, assignment: np.ndarray, language: str) -> list[Unmatched]:
    """Every mentee without a mentor and every mentor without a mentee, with the reason."""
    found = left_out(problem, assignment)
    load = np.bincount(assignment[assignment >= 0], minlength=len(problem.pool.mentors))
    roomy = load < problem.capacity
    full = np.array([who.index for who in found if who.reason == "capacity"], dtype=np.int64)
    best = dict(zip(full.tolist(), top_mentors(problem, NAMED, full), strict=True))
    rules = program_rules_said(problem, language)
    return [_said(problem, who, language, rules, roomy, best) for who in found]


def _said(
    problem: Problem,
    who: LeftOut,
    language: str,
    rules: str,
    roomy: np.ndarray,
    best: dict[int, np.ndarray],
) -> Unmatched:
    """The reason of someone left out, in words."""
    if who.role == "mentor":
        person_id = problem.pool.mentors[who.index].id
        key, params = _mentor_said(problem, who, language, rules)
    else:
        person_id = problem.pool.mentees[who.index].id
        key, params = _mentee_said(problem, who, language, rules, roomy, best)
    detail = render(language, key, **params)
    return Unmatched(id=person_id, role=who.role, reason=who.reason, detail=detail)


Said = tuple[str, dict[str, object]]  # a message key and its parameters


def _mentee_said(
    problem: Problem,
    who: LeftOut,
    language: str,
    rules: str,
    roomy: np.ndarray,
    best: dict[int, np.ndarray],
) -> Said:
    i, n = who.index, who.eligible
    if who.reason in ("rule", "search_stopped"):
        with_room = _with_room(problem, i, roomy)
        if who.reason == "rule":
            return "unmatched.rule", {"n": len(with_room), "items": with_room, "rules": rules}
        return "unmatched.search_stopped", {"n": len(with_room), "items": with_room}
    if who.reason == "no_eligible_mentor":
        counts = _rule_counts(problem, language, i=i)
        if not counts:
            return "unmatched.no_mentors", {}
        return "unmatched.no_eligible_mentor", {"rules": counts}
    if who.reason == "not_volunteer":
        return "unmatched.not_volunteer", {"n": n}
    named = [person(problem.pool.mentors[j]) for j in best[i].tolist()]
    return "unmatched.capacity", {"n": n, "items": named}


def _mentor_said(problem: Problem, who: LeftOut, language: str, rules: str) -> Said:
    j = who.index
    if who.reason == "not_taking_mentees":
        return "unmatched.mentor.not_taking", {}
    if who.reason == "no_eligible_mentee":
        if not problem.pool.mentees:
            return "unmatched.mentor.no_mentees", {}
        return "unmatched.mentor.no_eligible_mentee", {
            "rules": _rule_counts(problem, language, j=j)
        }
    if who.reason == "rule":
        return "unmatched.mentor.rule", {"n": who.waiting, "rules": rules}
    return "unmatched.mentor.not_needed", {"n": who.eligible}


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

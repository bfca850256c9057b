"""Why a request cannot hold, in words: pins that break rules or capacities, Hall violators of
`match_all_mentees`, and cores of clashing program rules."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict

import numpy as np

from solver.answer.unmatched import _rule_counts
from solver.contract.request import Program
from solver.contract.response import Conflict
from solver.encode.problem import Problem
from solver.messages import render
from solver.messages.formats import Person, person
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
            mentor, mentee = person(pool.mentors[j]), person(pool.mentees[i])
            detail = render(
                language, "conflict.pin_rule", mentor=mentor, mentee=mentee, rules=broken
            )
            found.append(Conflict(rule="pinned", ids=ids, detail=detail))
    found += _pinned_twice(problem, language)
    per_mentor = Counter(j for _, j in problem.pins)
    for j, n in sorted(per_mentor.items()):
        if n > problem.capacity[j]:
            detail = render(
                language,
                "conflict.pin_capacity",
                mentor=person(pool.mentors[j]),
                n=n,
                capacity=int(problem.capacity[j]),
            )
            found.append(Conflict(rule="capacity", ids=[pool.mentors[j].id], detail=detail))
    return found


def _pinned_twice(problem: Problem, language: str) -> list[Conflict]:
    """Mentees pinned to more than one mentor, each with their mentors."""
    pool, found = problem.pool, []
    pinned_to: dict[int, list[int]] = defaultdict(list)  # grouped once, in the pins' order
    for i, j in problem.pins:
        pinned_to[i].append(j)
    for i, columns in sorted(pinned_to.items()):
        if len(columns) > 1:
            mentors = [pool.mentors[j] for j in columns]
            detail = render(
                language,
                "conflict.pin_twice",
                mentee=person(pool.mentees[i]),
                n=len(columns),
                items=[person(mentor) for mentor in mentors],
            )
            ids = [pool.mentees[i].id, *(mentor.id for mentor in mentors)]
            found.append(Conflict(rule="pinned", ids=ids, detail=detail))
    return found


def _mentees_of(assignment: np.ndarray, m: int) -> list[list[int]]:
    """Each mentor's mentees in the assignment, listed once."""
    matched = np.nonzero(assignment >= 0)[0]
    order = matched[np.argsort(assignment[matched], kind="stable")]
    first = np.searchsorted(assignment[order], np.arange(m + 1)).tolist()
    listed = order.tolist()
    return [listed[first[j] : first[j + 1]] for j in range(m)]


def _stuck_together(problem: Problem, assignment: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Groups of (mentees, mentors): the mentees reachable from the unmatched ones by
    alternating paths, and their mentors, one search over the pairs.

    In a maximum matching every such mentor is full, so a group's mentees outnumber the
    places of the mentors they can have: Hall's condition fails on them. Each mentor and
    each mentee is visited once overall, each mentee's row read once: searches that meet
    are merged (a union of Hall violators is one), the smaller group into the larger."""
    n, m = problem.score.shape
    pinned = np.zeros(n, dtype=bool)
    pinned[[i for i, _ in problem.pins]] = True  # a pinned mentee stays with its mentor
    open_, mentees_of = problem.capacity > 0, _mentees_of(assignment, m)
    starts = np.nonzero(assignment < 0)[0].tolist()
    group = np.arange(n)  # each search's group, by the start that stands for it
    members = {start: [start] for start in starts}
    by_mentee, by_mentor = np.full(n, -1), np.full(m, -1)  # the search that got there
    for start in starts:
        by_mentee[start], queue = start, [start]
        while queue:
            i = queue.pop()
            row = problem.eligible[i] & open_ & ~pinned[i]
            met = by_mentor[row]
            for other in np.unique(group[met[met >= 0]]).tolist():
                mine = int(group[start])
                if other != mine:
                    small, large = sorted((mine, other), key=lambda g: len(members[g]))
                    group[members[small]] = large
                    members[large] += members.pop(small)
            for j in np.nonzero(row & (by_mentor < 0))[0].tolist():
                by_mentor[j] = by_mentee[mentees_of[j]] = start
                queue += mentees_of[j]
    return _grouped(members, group, by_mentee, by_mentor)


def _grouped(
    members: dict[int, list[int]], group: np.ndarray, by_mentee: np.ndarray, by_mentor: np.ndarray
) -> list[tuple[list[int], list[int]]]:
    """The mentees and mentors of each group, groups in the order of their first unmatched
    mentee."""
    found: dict[int, tuple[list[int], list[int]]] = {g: ([], []) for g in members}
    for side, owners in enumerate((by_mentee, by_mentor)):
        for k in np.nonzero(owners >= 0)[0].tolist():
            found[int(group[owners[k]])][side].append(k)
    return [found[g] for g in sorted(members, key=lambda g: min(members[g]))]


def _by_id(named: Person) -> str:
    return named.id


def _first(people: list[Person]) -> list[Person | str]:
    """The first LISTED people a sentence names, and "…" for the rest."""
    return [*people[:LISTED], *(["…"] if len(people) > LISTED else [])]


def coverage_conflicts(problem: Problem, assignment: np.ndarray, language: str) -> list[Conflict]:
    """Why `match_all_mentees` cannot hold, from a maximum matching that leaves mentees out."""
    pool, found = problem.pool, []
    for mentees, mentors in _stuck_together(problem, assignment):
        if not mentors:
            [i] = mentees  # a search that reached no mentor met no other
            rules = _rule_counts(problem, language, i=i) or render(language, "unmatched.no_mentors")
            mentee = person(pool.mentees[i])
            detail = render(language, "conflict.no_eligible", mentee=mentee, rules=rules)
            found.append(Conflict(rule="match_all_mentees", ids=[mentee.id], detail=detail))
            continue
        named_mentees = sorted((person(pool.mentees[k]) for k in mentees), key=_by_id)
        named_mentors = sorted((person(pool.mentors[j]) for j in mentors), key=_by_id)
        mentee_ids = [p.id for p in named_mentees]
        mentor_ids = [p.id for p in named_mentors]
        places = int(sum(problem.capacity[j] for j in mentors))
        detail = render(
            language,
            "conflict.hall",
            n=len(mentee_ids),
            items=_first(named_mentees),
            k=len(mentor_ids),
            mentors=_first(named_mentors),
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

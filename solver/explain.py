"""Reasons, explanations and suggestions, built from evidence only for what is returned."""

from __future__ import annotations

import numpy as np

from solver.criteria import CRITERIA
from solver.encoder import Problem
from solver.messages import catalogue, render
from solver.schema import Participant, Reason, Suggestion

EXPLAINED_REASONS = 2  # how many reasons the one-sentence explanation cites


def display_name(person: Participant) -> str:
    return person.name or person.id


def reasons(problem: Problem, i: int, j: int, language: str) -> list[Reason]:
    """Per-criterion reasons for one pair, strongest contribution first."""
    mentor, mentee = problem.pool.mentors[j], problem.pool.mentees[i]
    found = []
    if problem.caller_scores:
        score = round(float(problem.score[i, j]), 6)
        detail = render(language, "scores.caller")
        found.append(
            Reason(criterion="scores", weight=1, value=score, contribution=score, detail=detail)
        )
    total = sum(problem.weights.values())
    for name, weight in problem.weights.items():
        evidence = CRITERIA[name].evidence(mentor, mentee)
        # With the caller's scores the criteria are shown for information only.
        used = 0.0 if problem.caller_scores else weight
        found.append(
            Reason(
                criterion=name,
                weight=used,
                value=round(evidence.value, 4),
                contribution=round(used * evidence.value / total, 4) if total else 0.0,
                detail=render(language, evidence.key, **evidence.params),
            )
        )
    return sorted(found, key=lambda r: -r.contribution)


def explanation(
    problem: Problem, i: int, j: int, found: list[Reason], pinned: bool, language: str
) -> str:
    """One sentence a manager can read: who, how well, and the main reasons why."""
    cited = [r.detail for r in found if r.contribution > 0][:EXPLAINED_REASONS]
    key = "explanation.pinned" if pinned else "explanation.pair"
    return render(
        language,
        key,
        mentor=display_name(problem.pool.mentors[j]),
        mentee=display_name(problem.pool.mentees[i]),
        score=round(float(problem.score[i, j]), 2),
        reasons=catalogue(language)["reason_separator"].join(cited)
        or render(language, "explanation.no_reason"),
    )


def ranked_mentors(problem: Problem, i: int) -> np.ndarray:
    """The mentors eligible for mentee i who take mentees, best score first."""
    candidates = np.nonzero(problem.eligible[i] & (problem.capacity > 0))[0]
    order = np.lexsort((candidates, -problem.score[i, candidates]))
    return candidates[order]


def suggestions(
    problem: Problem, assignment: np.ndarray, load: np.ndarray, count: int, language: str
) -> dict[str, list[Suggestion]]:
    """The top `count` eligible mentors per mentee, the assigned one flagged and always shown."""
    if count == 0:
        return {}
    found = {}
    for i, mentee in enumerate(problem.pool.mentees):
        ranked = ranked_mentors(problem, i)[:count].tolist()
        assigned = int(assignment[i])
        if assigned >= 0 and assigned not in ranked:
            ranked.append(assigned)
        found[mentee.id] = [
            Suggestion(
                mentor=problem.pool.mentors[j].id,
                score=round(float(problem.score[i, j]), 6),
                assigned=j == assigned,
                has_room=bool(load[j] < problem.capacity[j]),
                reasons=reasons(problem, i, j, language),
            )
            for j in ranked
        ]
    return found

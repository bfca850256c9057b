"""The response: pairings explained, groups, suggestions, unmatched reasons, metrics, bound."""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from solver.answer.explain import Explainer
from solver.answer.metrics import compute_metrics
from solver.answer.unmatched import everyone_unmatched, unmatched
from solver.contract.request import Program
from solver.contract.response import Conflict, Group, MatchResponse, Metrics, Pairing, trusted
from solver.encode.instance import Solution
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.rules.program import asked

PairFields = tuple[int, int, dict[str, object]]  # mentee, mentor, the fields

log = logging.getLogger(__name__)


def ranked(problem: Problem, assignment: np.ndarray) -> list[tuple[float, int, int]]:
    """Every pair made as (score, mentee, mentor), best score first (ties by mentor id,
    then mentee id)."""
    matched = np.nonzero(assignment >= 0)[0]
    scores = problem.display[matched, assignment[matched]].tolist()
    mentors, mentees = problem.pool.mentors, problem.pool.mentees
    return sorted(
        zip(scores, matched.tolist(), assignment[matched].tolist(), strict=True),
        key=lambda pair: (-pair[0], mentors[pair[2]].id, mentees[pair[1]].id),
    )


def pair_fields(problem: Problem, made: list[tuple[float, int, int]]) -> list[PairFields]:
    """Each ranked pair's mentee and mentor indices and the fields every answer gives it:
    rank, ids, score (rounded once), pinned."""
    pinned = set(problem.pins)
    mentors, mentees = problem.pool.mentors, problem.pool.mentees
    return [
        (
            i,
            j,
            {
                "rank": rank,
                "mentor": mentors[j].id,
                "mentee": mentees[i].id,
                "score": round(score, 6),
                "pinned": (i, j) in pinned,
            },
        )
        for rank, (score, i, j) in enumerate(made, start=1)
    ]


def pairings(problem: Problem, assignment: np.ndarray, explainer: Explainer) -> list[Pairing]:
    """Every pair made, best score first (ties by mentor id, then mentee id), explained."""
    made = ranked(problem, assignment)
    explainer.prepare([(i, j) for _, i, j in made])
    return [
        trusted(  # values computed here: no re-validation
            Pairing,
            {
                **fields,
                "reasons": explainer.reasons(i, j),
                "explanation": explainer.explanation(i, j, fields["pinned"] is True),
            },
        )
        for i, j, fields in pair_fields(problem, made)
    ]


def bound(problem: Problem, assignment: np.ndarray, solution: Solution, objective: float) -> float:
    """An upper bound on the total score: the proof, the engine's bound, or each mentee's best."""
    if solution.proven:
        return objective
    shown = problem.display
    pinned_total = math.fsum(float(shown[i, j]) for i, j in problem.pins)
    if solution.gain_bound is not None:  # engine units, on as many free pairs as were made
        free_pairs = int(np.count_nonzero(assignment >= 0)) - len(problem.pins)
        gains = problem.units.caller(solution.gain_bound / SCORE_SCALE, free_pairs)
        return round(pinned_total + gains, 6)
    free = np.ones(len(problem.pool.mentees), dtype=bool)
    free[[i for i, _ in problem.pins]] = False
    best = np.where(problem.eligible, shown, 0.0).max(axis=1, initial=0.0)
    return round(pinned_total + math.fsum(best[free].tolist()), 6)


def totals(
    problem: Problem, assignment: np.ndarray, solution: Solution
) -> tuple[float, float, float]:
    """The objective (the exact sum of the pairs' unrounded scores, rounded once), the bound
    and the gap."""
    matched = np.nonzero(assignment >= 0)[0]
    objective = round(math.fsum(problem.display[matched, assignment[matched]].tolist()), 6)
    upper = max(bound(problem, assignment, solution, objective), objective)
    return objective, upper, relative_gap(objective, upper)


def metrics_of(problem: Problem, pairs: list[tuple[str, str, float]], blocking: int) -> Metrics:
    """`compute_metrics` of the pairs made, each value normalised once (the pool's folding),
    not once per pair: the metrics of both answers."""
    with problem.pool.folding.active():
        return compute_metrics(problem.request, pairs, blocking_pairs=blocking)


def relative_gap(objective: float, upper: float) -> float:
    """(bound − objective) over the larger of |bound|, |objective| and the difference: the
    usual (bound − objective) / bound when both are positive, and still honest, in [0, 1],
    when caller scores make the totals zero or negative."""
    missing = upper - objective
    if missing <= 0:
        return 0.0
    return round(missing / max(abs(upper), abs(objective), missing), 6)


def respond(
    problem: Problem,
    assignment: np.ndarray,
    solution: Solution,
    started: float,
    language: str,
    engine: str,
    blocking: int,
) -> MatchResponse:
    request = problem.request
    explainer = Explainer(problem, language)
    made = pairings(problem, assignment, explainer)
    load = np.bincount(assignment[assignment >= 0], minlength=len(problem.pool.mentors))
    objective, upper, gap = totals(problem, assignment, solution)
    by_mentor: dict[str, list[str]] = {}
    for pairing in made:
        by_mentor.setdefault(pairing.mentor, []).append(pairing.mentee)
    groups = [Group(mentor=m, mentees=by_mentor[m]) for m in sorted(by_mentor)]
    suggestions = explainer.suggestions(assignment, load, request.program.suggestions)
    left_out = unmatched(problem, assignment, language)
    metrics = metrics_of(problem, [(p.mentor, p.mentee, p.score) for p in made], blocking)
    return MatchResponse(
        status="optimal" if solution.proven else "feasible",
        objective=objective,
        bound=upper,
        gap=gap,
        engine=engine,
        solve_seconds=round(time.perf_counter() - started, 4),  # everything above included
        pairings=made,
        groups=groups,
        suggestions=suggestions,
        unmatched=left_out,
        mentor_load={m.id: int(load[j]) for j, m in enumerate(problem.pool.mentors)},
        metrics=metrics,
        proof=proof_said(request.program, language, solution.proven),
    )


def proof_said(program: Program, language: str, proven: bool) -> str | None:
    """What the status proves, from each rule asked that has something to say."""
    said = [s for rule in asked(program) if (s := rule.proof(program, language, proven))]
    return " ".join(said) or None


def infeasible(
    problem: Problem,
    conflicts: list[Conflict],
    started: float,
    language: str,
    engine: str,
) -> MatchResponse:
    request = problem.request
    return MatchResponse(
        status="infeasible",
        objective=0.0,
        bound=0.0,
        gap=0.0,
        engine=engine,
        solve_seconds=round(time.perf_counter() - started, 4),
        pairings=[],
        groups=[],
        suggestions={},
        unmatched=everyone_unmatched(problem, language),
        mentor_load={m.id: 0 for m in request.mentors},
        metrics=compute_metrics(request, []),
        conflicts=conflicts,
    )

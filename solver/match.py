"""The solver's front door: a request in, a complete, explained response out."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from solver.cpsat import solve_cpsat
from solver.encoder import SCORE_SCALE, Instance, Problem, Solution, encode, instance
from solver.explain import Explainer
from solver.flow import solve_flow
from solver.metrics import compute_metrics
from solver.mip import solve_mip
from solver.schema import (
    Conflict,
    Group,
    Loc,
    MatchRequest,
    MatchResponse,
    Pairing,
    Program,
    reference_errors,
)
from solver.unmatched import coverage_conflicts, everyone_unmatched, pin_conflicts, unmatched

log = logging.getLogger(__name__)


class InvalidRequest(ValueError):
    """A request that cannot be solved as written; `errors` name each field and the problem."""

    def __init__(self, errors: list[tuple[Loc, str]]) -> None:
        super().__init__("; ".join(msg for _, msg in errors))
        self.errors = errors


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings the service clamps; the request's own limits apply within them."""

    language: str = "en"
    num_workers: int = 1
    max_time_limit_s: float = 60.0


def unsupported(program: Program) -> list[tuple[Loc, str]]:
    """Program features this version cannot model yet: refused, never silently ignored."""
    errors: list[tuple[Loc, str]] = []
    if program.diversity:
        errors.append((("program", "diversity"), "diversity rules are not supported yet"))
    if program.objective != "total":
        errors.append((("program", "objective"), "only the 'total' objective is supported yet"))
    if program.stable:
        errors.append((("program", "stable"), "stable matching is not supported yet"))
    if program.format != "one_to_one":
        errors.append((("program", "format"), "only the 'one_to_one' format is supported yet"))
    return errors


def _run_engine(program: Program, inst: Instance, time_limit_s: float, workers: int) -> Solution:
    if program.engine == "mip":
        return solve_mip(inst, time_limit_s=time_limit_s)
    if program.engine == "cpsat":
        started = time.monotonic()
        hint = solve_flow(inst).assignment
        remaining = max(time_limit_s - (time.monotonic() - started), 0.01)
        return solve_cpsat(
            inst, time_limit_s=remaining, seed=program.seed, num_workers=workers, hint=hint
        )
    return solve_flow(inst)


def _engine_name(program: Program) -> str:
    return "flow" if program.engine == "auto" else program.engine


def match(request: MatchRequest, options: SolveOptions | None = None) -> MatchResponse:
    """The lexicographic optimum of a request, explained; raises InvalidRequest on bad input."""
    options = options or SolveOptions()
    errors = reference_errors(request) + unsupported(request.program)
    if errors:
        raise InvalidRequest(errors)
    started = time.perf_counter()
    problem = encode(request)
    conflicts = pin_conflicts(problem, options.language)
    if conflicts:
        return _infeasible(problem, conflicts, started, options.language)
    inst = instance(problem)
    time_limit = min(request.program.time_limit_s, options.max_time_limit_s)
    solution = _run_engine(request.program, inst, time_limit, options.num_workers)
    assignment = solution.assignment.copy()
    for i, j in problem.pins:
        assignment[i] = j
    if request.program.rules.match_all_mentees and (assignment < 0).any():
        conflicts = coverage_conflicts(problem, assignment, options.language)
        return _infeasible(problem, conflicts, started, options.language)
    log.info(
        "solved mentors=%d mentees=%d arcs=%d matched=%d proven=%s",
        inst.n_mentors,
        inst.n_mentees,
        len(inst.rows),
        int((assignment >= 0).sum()),
        solution.proven,
    )
    return _respond(problem, assignment, solution, started, options.language)


def _pairings(problem: Problem, assignment: np.ndarray, explainer: Explainer) -> list[Pairing]:
    pinned = set(problem.pins)
    matched = np.nonzero(assignment >= 0)[0].tolist()
    order = sorted(
        matched,
        key=lambda i: (
            -problem.score[i, assignment[i]],
            problem.pool.mentors[assignment[i]].id,
            problem.pool.mentees[i].id,
        ),
    )
    found = []
    for rank, i in enumerate(order, start=1):
        j = int(assignment[i])
        found.append(
            Pairing(
                rank=rank,
                mentor=problem.pool.mentors[j].id,
                mentee=problem.pool.mentees[i].id,
                score=round(float(problem.score[i, j]), 6),
                pinned=(i, j) in pinned,
                reasons=explainer.reasons(i, j),
                explanation=explainer.explanation(i, j, (i, j) in pinned),
            )
        )
    return found


def _bound(problem: Problem, assignment: np.ndarray, solution: Solution, objective: float) -> float:
    """An upper bound on the total score: the proof, the engine's bound, or each mentee's best."""
    if solution.proven:
        return objective
    pinned_total = sum(float(problem.score[i, j]) for i, j in problem.pins)
    if solution.gain_bound is not None:
        return round(pinned_total + solution.gain_bound / SCORE_SCALE, 6)
    free = np.ones(len(problem.pool.mentees), dtype=bool)
    free[[i for i, _ in problem.pins]] = False
    best = np.where(problem.eligible, problem.score, 0.0).max(axis=1, initial=0.0)
    return round(pinned_total + float(best[free].sum()), 6)


def _respond(
    problem: Problem, assignment: np.ndarray, solution: Solution, started: float, language: str
) -> MatchResponse:
    request = problem.request
    explainer = Explainer(problem, language)
    pairings = _pairings(problem, assignment, explainer)
    load = np.bincount(assignment[assignment >= 0], minlength=len(problem.pool.mentors))
    objective = round(sum(p.score for p in pairings), 6)
    bound = max(_bound(problem, assignment, solution, objective), objective)
    by_mentor: dict[str, list[str]] = {}
    for pairing in pairings:
        by_mentor.setdefault(pairing.mentor, []).append(pairing.mentee)
    groups = [Group(mentor=m, mentees=by_mentor[m]) for m in sorted(by_mentor)]
    return MatchResponse(
        status="optimal" if solution.proven else "feasible",
        objective=objective,
        bound=bound,
        gap=round((bound - objective) / bound, 6) if bound > 0 else 0.0,
        engine=_engine_name(request.program),
        solve_seconds=round(time.perf_counter() - started, 4),
        pairings=pairings,
        groups=groups,
        suggestions=explainer.suggestions(assignment, load, request.program.suggestions),
        unmatched=unmatched(problem, assignment, language),
        mentor_load={m.id: int(load[j]) for j, m in enumerate(problem.pool.mentors)},
        metrics=compute_metrics(request, [(p.mentor, p.mentee, p.score) for p in pairings]),
    )


def _infeasible(
    problem: Problem, conflicts: list[Conflict], started: float, language: str
) -> MatchResponse:
    request = problem.request
    return MatchResponse(
        status="infeasible",
        objective=0.0,
        bound=0.0,
        gap=0.0,
        engine=_engine_name(request.program),
        solve_seconds=round(time.perf_counter() - started, 4),
        pairings=[],
        groups=[],
        suggestions={},
        unmatched=everyone_unmatched(problem, language),
        mentor_load={m.id: 0 for m in request.mentors},
        metrics=compute_metrics(request, []),
        conflicts=conflicts,
    )

"""The compact answer (`program.answer: "pairs"`): the full answer's pairs, unmatched
people, metrics, status and bound, built without what it leaves out. No reason, sentence,
suggestion or name is made: the pairs are ranked and totalled as in the full answer
(`respond.ranked`, `respond.totals`), the unmatched get the full answer's reason codes
(`unmatched.left_out`), the metrics are the same function's."""

from __future__ import annotations

import time

import numpy as np

from solver.answer.metrics import compute_metrics
from solver.answer.respond import metrics_of, pair_fields, ranked, totals
from solver.answer.unmatched import left_out
from solver.contract.response import Conflict, PairIds, PairsResponse, UnmatchedId, trusted
from solver.encode.instance import Solution
from solver.encode.problem import Problem


def pair_ids(problem: Problem, assignment: np.ndarray) -> list[PairIds]:
    """Every pair made, ranked as the full answer ranks them, with ids and scores alone."""
    made = pair_fields(problem, ranked(problem, assignment))
    return [trusted(PairIds, fields) for _, _, fields in made]  # computed here: not re-validated


def respond_pairs(
    problem: Problem,
    assignment: np.ndarray,
    solution: Solution,
    started: float,
    language: str,
    engine: str,
    blocking: int,
) -> PairsResponse:
    """The compact answer of a solved request (`language` is that of `respond`'s
    signature: nothing here is in words)."""
    made = pair_ids(problem, assignment)
    objective, upper, gap = totals(problem, assignment, solution)
    metrics = metrics_of(problem, [(p.mentor, p.mentee, p.score) for p in made], blocking)
    sides = {"mentor": problem.pool.mentors, "mentee": problem.pool.mentees}
    return PairsResponse(
        answer="pairs",
        status="optimal" if solution.proven else "feasible",
        objective=objective,
        bound=upper,
        gap=gap,
        engine=engine,
        solve_seconds=round(time.perf_counter() - started, 4),  # everything above included
        pairings=made,
        unmatched=[
            UnmatchedId(id=sides[who.role][who.index].id, role=who.role, reason=who.reason)
            for who in left_out(problem, assignment)
        ],
        metrics=metrics,
    )


def infeasible_pairs(
    problem: Problem, conflicts: list[Conflict], started: float, language: str, engine: str
) -> PairsResponse:
    """The compact answer of a request that cannot hold: nobody paired, the conflicts."""
    request = problem.request
    return PairsResponse(
        answer="pairs",
        status="infeasible",
        objective=0.0,
        bound=0.0,
        gap=0.0,
        engine=engine,
        solve_seconds=round(time.perf_counter() - started, 4),
        pairings=[],
        unmatched=[  # as `everyone_unmatched`: mentors, then mentees
            *(
                UnmatchedId(id=p.id, role="mentor", reason="infeasible")
                for p in problem.pool.mentors
            ),
            *(
                UnmatchedId(id=p.id, role="mentee", reason="infeasible")
                for p in problem.pool.mentees
            ),
        ],
        metrics=compute_metrics(request, []),
        conflicts=conflicts,
    )

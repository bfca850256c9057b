"""The solver's front door: a request in, a complete, explained response out."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from solver.answer.compact import infeasible_pairs, respond_pairs
from solver.answer.infeasible import pin_conflicts
from solver.answer.respond import infeasible, respond
from solver.contract.references import InvalidRequest, reference_errors
from solver.contract.request import MatchRequest
from solver.contract.response import Conflict, MatchResponse, PairsResponse
from solver.diagnosis import diagnose
from solver.dispatch import SolveOptions, by_blocks, engine_errors, engine_for, optimise
from solver.encode.instance import Instance, Solution
from solver.encode.problem import Problem, encode
from solver.runtime import COLLECTOR, Cancel

log = logging.getLogger(__name__)


A = TypeVar("A", MatchResponse, PairsResponse)


@dataclass(frozen=True)
class Answering(Generic[A]):
    """How an answer is built: once solved, and when the request cannot hold."""

    # (problem, assignment, solution, started, language, engine, blocking pairs)
    solved: Callable[[Problem, np.ndarray, Solution, float, str, str, int], A]
    infeasible: Callable[[Problem, list[Conflict], float, str, str], A]


PAIRS = Answering(respond_pairs, infeasible_pairs)


def match(
    request: MatchRequest,
    options: SolveOptions | None = None,
    *,
    bonus: dict[tuple[str, str], float] | None = None,
    extra_waiting: Mapping[str, int] | None = None,
) -> MatchResponse:
    """The lexicographic optimum of a request, explained; raises InvalidRequest on bad input.

    Re-matching adjusts the objective: `bonus` adds score units to some (mentor, mentee)
    pairs (the reported scores and objective stay the plain scores) and `extra_waiting`
    adds waiting rounds to some mentees (served first). Always the full answer, whatever
    `program.answer` says (`match_as_asked` reads it)."""
    with COLLECTOR.paused():
        full = Answering(respond, infeasible)  # read now: benches time `respond`
        return _match(request, options, full, bonus=bonus, extra_waiting=extra_waiting)


def match_as_asked(
    request: MatchRequest, options: SolveOptions | None = None
) -> MatchResponse | PairsResponse:
    """The answer `program.answer` asks for: the full one (`match`), or the compact one,
    built without reasons, sentences or suggestions."""
    if request.program.answer == "full":
        return match(request, options)
    with COLLECTOR.paused():
        return _match(request, options, PAIRS)


def _match(
    request: MatchRequest,
    options: SolveOptions | None,
    answering: Answering[A],
    *,
    bonus: dict[tuple[str, str], float] | None = None,
    extra_waiting: Mapping[str, int] | None = None,
) -> A:
    program = request.program
    options = (options or SolveOptions()).started(program)  # the limit is the request's
    errors = reference_errors(request) + engine_errors(program)
    if errors:
        raise InvalidRequest(errors)
    started = time.perf_counter()
    blocks = answering is PAIRS and by_blocks(request, options.thresholds)  # compact only
    problem = encode(request, extra_waiting, blocks)
    conflicts = pin_conflicts(problem, options.language)
    if conflicts:
        engine = engine_for(program, None, options.thresholds)
        return answering.infeasible(problem, conflicts, started, options.language, engine)
    cancel = options.cancel or Cancel()
    engine, inst, solution, blocking = optimise(problem, options, bonus)
    cancel.check()
    assignment = _with_pins(problem, solution)
    everyone = not (assignment < 0).any()
    unproven = not solution.proven and (program.rules.match_all_mentees and not everyone)
    if (not solution.feasible and not solution.proven) or unproven:  # no proof there is none
        message = (
            f"no pairing that keeps every rule was found within {options.time_limit(program)} s"
        )
        raise InvalidRequest([(("program", "time_limit_s"), message + "; allow more time")])
    if not solution.feasible or (program.rules.match_all_mentees and not everyone):
        conflicts = diagnose(problem, inst, assignment, options)
        return answering.infeasible(problem, conflicts, started, options.language, engine)
    _log_solved(engine, inst, assignment, solution)
    said = (options.language, engine, blocking(assignment))
    return answering.solved(problem, assignment, solution, started, *said)


@dataclass(frozen=True)
class Solved:
    engine: str
    solution: Solution
    pairs: int
    total: float  # the plain scores of the pairs made, pins included


def solve(request: MatchRequest, options: SolveOptions | None = None) -> Solved:
    """The engine alone, for benchmarks: score every pair, apply the rules, solve and prove;
    no explanations, suggestions or metrics (what `match` adds on top)."""
    errors = reference_errors(request) + engine_errors(request.program)
    if errors:
        raise InvalidRequest(errors)
    with COLLECTOR.paused():
        options = options or SolveOptions()
        problem = encode(request, by_blocks=by_blocks(request, options.thresholds))
        engine, _, solution, _ = optimise(problem, options, None)
    assignment = _with_pins(problem, solution)
    matched = np.nonzero(assignment >= 0)[0]
    total = math.fsum(problem.display[matched, assignment[matched]].tolist())
    return Solved(engine, solution, len(matched), total)


def _log_solved(engine: str, inst: Instance, assignment: np.ndarray, solution: Solution) -> None:
    """One line per solve: sizes and outcome, ids and counts only."""
    log.info(
        "solved engine=%s mentors=%d mentees=%d arcs=%d matched=%d proven=%s",
        engine,
        inst.n_mentors,
        inst.n_mentees,
        len(inst.rows),
        int((assignment >= 0).sum()),
        solution.proven,
    )


def _with_pins(problem: Problem, solution: Solution) -> np.ndarray:
    """Each mentee's mentor in the answer: the engine's, pinned mentees with their pins."""
    assignment = solution.assignment.copy()
    for i, j in problem.pins:
        assignment[i] = j
    return assignment

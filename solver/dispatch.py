"""Which engine runs a request, and running it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from solver.answer.infeasible import coverage_conflicts, describe_rule
from solver.answer.messages import render
from solver.answer.stability import (
    blocking_pairs,
    count_blocking_pairs,
    count_blocking_pairs_lazily,
)
from solver.contract.references import InvalidRequest
from solver.contract.request import Loc, Program
from solver.contract.response import Conflict
from solver.encode.instance import Instance, Solution, instance, with_bonus
from solver.encode.orders import mentee_keys, mentor_keys
from solver.encode.problem import Problem
from solver.encode.usable import Usable, usable_pairs
from solver.engines.conflicts import clashing_rules, rule_families
from solver.engines.cpsat import solve_cpsat
from solver.engines.flow import flow_relaxation, solve_flow, with_balance_targets
from solver.engines.large.fair import solve_fair
from solver.engines.large.pairs import LARGE_FROM, arcs_instance, bonus_of
from solver.engines.large.plain import solve_large
from solver.engines.large.priced_share import share_row, solve_share
from solver.engines.large.reduced_share import REDUCIBLE, solve_reduced
from solver.engines.mip import solve_mip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings the service clamps; the request's own limits apply within them."""

    language: str = "en"
    num_workers: int = 1
    max_time_limit_s: float = 60.0


FLOW_RULES = {"diversity.max_same_per_mentor", "objective: fair"}


MIP_MAX_PAIRS = 50_000  # PuLP builds one variable at a time: beyond this it is too slow


STABLE_MAX_TERMS = 3_000_000  # stability rows grow with pairs × preference depth


REDUCE_FROM_PAIRS = 2_000  # above this, CP-SAT only sees pairs that survive an LP proof


LAGRANGE_FROM = 2_000_000  # usable pairs from which a cross share is priced, not reduced


def program_rules(program: Program) -> set[str]:
    """The program's rules beyond the plain assignment, by the name the API uses."""
    diversity, found = program.diversity, set()
    if diversity.cross:
        found.add("diversity.cross")
    if len(diversity.max_same_per_mentor) == 1:
        found.add("diversity.max_same_per_mentor")
    if len(diversity.max_same_per_mentor) > 1:
        found.add("diversity.max_same_per_mentor (several attributes)")
    if any(diversity.balance.values()):
        found.add("diversity.balance")
    if program.format == "group" and program.group.min_size > 1:
        found.add("group.min_size")
    if program.stable:
        found.add("stable")
    if program.objective == "fair":
        found.add("objective: fair")
    return found


def engine_errors(program: Program) -> list[tuple[Loc, str]]:
    """An engine asked for a rule it cannot model is refused, naming the rule."""
    beyond = sorted(program_rules(program) - FLOW_RULES)
    if program.engine == "flow" and beyond:
        message = f"the flow engine cannot model {', '.join(beyond)}; use 'auto', 'cpsat' or 'mip'"
        return [(("program", "engine"), message)]
    return []


def size_errors(program: Program, inst: Instance) -> list[tuple[Loc, str]]:
    pairs = len(inst.rows)
    if program.engine == "mip" and pairs > MIP_MAX_PAIRS and not reducible(program, inst):
        message = f"the mip engine takes at most {MIP_MAX_PAIRS} candidate pairs, not {pairs}"
        return [(("program", "engine"), message + "; use 'auto' or 'cpsat'")]
    terms = pairs * (pairs / max(inst.n_mentees, 1) + pairs / max(inst.n_mentors, 1))
    if program.stable and terms > STABLE_MAX_TERMS:
        message = f"stable matching takes at most {STABLE_MAX_TERMS} stability terms "
        return [
            (("program", "stable"), message + f"(candidate pairs × their rivals), not {terms:.0f}")
        ]
    return []


def reducible(program: Program, inst: Instance) -> bool:
    """Large, and only rules `reduce` handles: an LP proof shrinks the candidate set first."""
    return len(inst.rows) > REDUCE_FROM_PAIRS and program_rules(program) <= REDUCIBLE


def engine_for(program: Program, inst: Instance | None = None) -> str:
    """`auto` picks the fastest engine that models every rule of the request."""
    if program.engine != "auto":
        return program.engine
    if program_rules(program) <= FLOW_RULES:
        return "flow"
    return "mip" if inst is not None and reducible(program, inst) else "cpsat"


def _run_engine(
    engine: str, program: Program, inst: Instance, time_limit_s: float, workers: int
) -> tuple[str, Solution]:
    """The engine that actually ran, and its solution."""
    if engine == "flow":
        return engine, solve_flow(inst)
    started = time.monotonic()
    if reducible(program, inst):
        reduced = solve_reduced(
            inst, exact=engine, time_limit_s=time_limit_s, seed=program.seed, num_workers=workers
        )
        if reduced is not None:
            return engine, reduced
    remaining = max(time_limit_s - (time.monotonic() - started), 0.01)
    if engine == "mip" and len(inst.rows) <= MIP_MAX_PAIRS:
        return engine, solve_mip(inst, time_limit_s=remaining)
    hint = solve_flow(flow_relaxation(inst)).assignment
    solution = solve_cpsat(
        inst, time_limit_s=remaining, seed=program.seed, num_workers=workers, hint=hint
    )
    return "cpsat", solution


def _optimise(
    problem: Problem, options: SolveOptions, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Callable[[np.ndarray], int]]:
    """The engine that ran, the arcs it saw, its solution, and how to count blocking pairs."""
    program = problem.request.program
    time_limit = min(program.time_limit_s, options.max_time_limit_s)
    if (large := _solve_large(problem, bonus)) is not None:
        engine, inst, solution, usable = large
        return engine, inst, solution, partial(blocking_pairs, problem, usable)
    inst = instance(problem)
    if errors := size_errors(program, inst):
        raise InvalidRequest(errors)
    plain = inst  # scores alone: what blocking pairs are ranked by, re-match bonus or not
    inst = with_balance_targets(with_bonus(inst, problem, bonus or {}))
    engine = engine_for(program, inst)
    engine, solution = _run_engine(engine, program, inst, time_limit, options.num_workers)
    return engine, inst, solution, partial(_blocking_pairs, problem, replace(inst, gain=plain.gain))


def _solve_large(
    problem: Problem, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Usable] | None:
    """Large requests solved from the score matrix, no arc list: plain and fair ones proven
    optimal (engine `flow`), one cross share with a proven bound (engine `lagrangian`)."""
    program = problem.request.program
    n, m = problem.score.shape
    rules = program_rules(program)
    share = rules == {"diversity.cross"} and len(program.diversity.cross) == 1
    fair = rules == {"objective: fair"}
    if (bonus and rules) or n * m < LARGE_FROM or (rules and not (share or fair)):
        return None
    if program.engine not in ("auto", "flow") or (share and program.engine != "auto"):
        return None
    usable = usable_pairs(problem)
    pairs = int(np.count_nonzero(usable.mask))
    if pairs < LARGE_FROM or (share and pairs < LAGRANGE_FROM):
        return None
    if share:
        [(attribute, fraction)] = program.diversity.cross.items()
        priced = solve_share(problem, usable, share_row(problem, attribute, fraction))
        if priced is None:
            return None
        solution, keys = priced
        return "lagrangian", arcs_instance(problem, usable, keys), solution, usable
    if fair:
        found = solve_fair(problem, usable)
    else:
        found = solve_large(problem, usable, bonus_of(problem, usable, bonus) if bonus else None)
    return None if found is None else ("flow", *found, usable)


def _diagnose(
    problem: Problem, inst: Instance, assignment: np.ndarray, language: str
) -> list[Conflict]:
    """Why no pairing satisfies the request: Hall's condition, or a core of clashing rules."""
    match_all = problem.request.program.rules.match_all_mentees
    if not program_rules(problem.request.program) - {"objective: fair"}:
        return coverage_conflicts(problem, assignment, language)
    free = np.ones(inst.n_mentees, dtype=bool)
    free[[i for i, _ in problem.pins]] = False
    core = clashing_rules(inst, free, match_all) or rule_families(inst, match_all)
    if set(core) <= {"capacity", "match_all_mentees"}:
        return coverage_conflicts(problem, assignment, language)
    said = {rule: describe_rule(problem.request.program, rule, language) for rule in core}
    conflicts = []
    for rule in core:
        others = [said[other] for other in core if other != rule]
        if others:
            detail = render(language, "conflict.core", rule=said[rule], others=others)
        else:
            detail = render(language, "conflict.core_alone", rule=said[rule])
        conflicts.append(Conflict(rule=rule, ids=[], detail=detail))
    return conflicts


def _blocking_pairs(problem: Problem, inst: Instance, assignment: np.ndarray) -> int:
    if inst.side.stability is not None:
        return count_blocking_pairs(inst, inst.side.stability, assignment)
    rows, cols, gain = inst.rows, inst.cols, inst.gain
    return count_blocking_pairs_lazily(
        inst,
        mentee_keys(problem, rows, cols, gain),
        lambda arcs: mentor_keys(problem, rows[arcs], cols[arcs], gain[arcs]),
        assignment,
    )

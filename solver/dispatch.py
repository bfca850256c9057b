"""Which engine runs a request, and running it.

The table, in order: the first row that applies decides.

1. No program rule, `fair` alone, one balance attribute or one cross share, and at least
   `large_from` usable pairs (a share: `priced_share_from`): the matrix path (`engines/large/`),
   proven for every pair from the score matrix; engine `flow`, or `lagrangian` for the share.
2. Only rules the flow models (`ProgramRule.flow_models`: one max-same attribute,
   `fair`, one balance attribute): `flow` (`engines/flow.py`, `engines/balance_flow.py`;
   on candidates, proven for all, when plain with at least `sparse_from` arcs).
3. Only rules the reduced LP proves (`ProgramRule.reducible`) and more than
   `reduce_from` arcs: `mip`, HiGHS branch and bound on the pairs that survive the
   LP's reduced costs (`engines/large/reduced_share.py`).
4. Anything else: `cpsat` (`engines/cpsat.py`), warm-started by the flow on the rules
   it models; `mip` (`engines/mip.py`) when asked, up to `mip_max_pairs` arcs.

A request may name its engine (`program.engine`); rows 2-4 then follow it.
Every size at which the choice changes is a field of `Thresholds`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from solver.answer.infeasible import core_conflicts, coverage_conflicts
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
from solver.engines.conflicts import CAPACITY, MATCH_ALL, clashing_rules, rule_families
from solver.engines.cpsat import solve_cpsat
from solver.engines.flow import flow_relaxation, prepared
from solver.engines.large.arcs import flow_answer
from solver.engines.large.balance import solve_balance_large
from solver.engines.large.fair import solve_fair
from solver.engines.large.pairs import arcs_instance, bonus_of
from solver.engines.large.plain import solve_large
from solver.engines.large.priced_share import share_row, solve_share
from solver.engines.large.reduced_share import solve_reduced
from solver.engines.mip import solve_mip
from solver.engines.repair import fallback
from solver.rules.program import Balance, CrossShare, Fair, ProgramRule, Stable, asked
from solver.runtime import Cancel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    """Every size at which the engine changes."""

    large_from: int = 100_000  # usable pairs from which reading the matrix beats listing arcs
    priced_share_from: int = 100_000  # usable pairs from which a cross share is priced
    sparse_from: int = 2_000_000  # arcs from which a plain flow runs on candidates, proven
    reduce_from: int = 2_000  # arcs above which CP-SAT or HiGHS see only pairs the LP keeps
    mip_max_pairs: int = 50_000  # the general HiGHS model; beyond, CP-SAT (not re-measured)
    stable_max_terms: int = 3_000_000  # stability rows grow with pairs × preference depth


THRESHOLDS = Thresholds()  # what a solve uses unless its options name others
MIN_SECONDS = 0.05  # what a stage gets once the request's time is spent
BUILD_SECONDS_PER_TERM = 5e-6  # CP-SAT and PuLP build models at 1-6 µs a term (measured)


@dataclass(frozen=True)
class SolveOptions:
    """Solver settings the service clamps; the request's own limits apply within them."""

    language: str = "en"
    num_workers: int = 1
    max_time_limit_s: float = 60.0
    sizes: Thresholds | None = None  # None: THRESHOLDS
    cancel: Cancel | None = None  # set by the caller when it no longer wants the answer
    deadline: float | None = None  # time.monotonic() by which the whole request is answered

    @property
    def thresholds(self) -> Thresholds:
        return THRESHOLDS if self.sizes is None else self.sizes

    def time_limit(self, program: Program) -> float:
        return min(program.time_limit_s, self.max_time_limit_s)

    def started(self, program: Program) -> SolveOptions:
        """These options with the request's deadline set, from now (kept if already set)."""
        if self.deadline is not None:
            return self
        return replace(self, deadline=time.monotonic() + self.time_limit(program))

    def remaining(self, program: Program) -> float:
        """Seconds left of the request's time limit (a little, never none)."""
        if self.deadline is None:
            return self.time_limit(program)
        return max(self.deadline - time.monotonic(), MIN_SECONDS)


def engine_errors(program: Program) -> list[tuple[Loc, str]]:
    """An engine asked for a rule it cannot model is refused, naming the rule."""
    beyond = sorted(rule.label(program) for rule in asked(program) if not rule.flow_models(program))
    if program.engine == "flow" and beyond:
        message = f"the flow engine cannot model {', '.join(beyond)}; use 'auto', 'cpsat' or 'mip'"
        return [(("program", "engine"), message)]
    return []


def size_errors(program: Program, inst: Instance, limits: Thresholds) -> list[tuple[Loc, str]]:
    pairs = len(inst.rows)
    if program.engine == "mip" and pairs > limits.mip_max_pairs and not reducible(inst, limits):
        message = (
            f"the mip engine takes at most {limits.mip_max_pairs} candidate pairs, not {pairs}"
        )
        return [(("program", "engine"), message + "; use 'auto' or 'cpsat'")]
    terms = pairs * (pairs / max(inst.n_mentees, 1) + pairs / max(inst.n_mentors, 1))
    if Stable.asked(program) and terms > limits.stable_max_terms:
        message = f"stable matching takes at most {limits.stable_max_terms} stability terms "
        return [(Stable.loc, message + f"(candidate pairs × their rivals), not {terms:.0f}")]
    return []


def reducible(inst: Instance, limits: Thresholds) -> bool:
    """Large, and only rules the reduced LP proves: it shrinks the candidate set first."""
    return len(inst.rows) > limits.reduce_from and all(rule.reducible for rule in inst.rules)


def engine_for(program: Program, inst: Instance | None, limits: Thresholds) -> str:
    """`auto` picks the fastest engine that models every rule of the request."""
    if program.engine != "auto":
        return program.engine
    if all(rule.flow_models(program) for rule in asked(program)):
        return "flow"
    return "mip" if inst is not None and reducible(inst, limits) else "cpsat"


def _build_seconds(inst: Instance) -> float:
    """A generous estimate of how long building a general model takes."""
    terms = 3 * len(inst.rows) + sum(rule.terms(inst) for rule in inst.rules)
    return terms * BUILD_SECONDS_PER_TERM


def _run_engine(
    engine: str, program: Program, inst: Instance, options: SolveOptions
) -> tuple[str, Solution]:
    """The engine that actually ran, and its solution: the flow, the reduced LP path, then a
    general model within the time left, then (nothing found) an answer to fall back on."""
    limits, workers = options.thresholds, options.num_workers
    if engine == "flow":
        return engine, flow_answer(inst, limits.sparse_from)
    if reducible(inst, limits):
        reduced = solve_reduced(
            inst,
            exact=engine,
            time_limit_s=options.remaining(program),
            seed=program.seed,
            num_workers=workers,
            cancel=options.cancel,
        )
        if reduced is not None:
            return engine, reduced
    hint = flow_answer(flow_relaxation(inst), limits.sparse_from).assignment
    solution = _general(engine, program, inst, options, hint)
    engine = "mip" if engine == "mip" and len(inst.rows) <= limits.mip_max_pairs else "cpsat"
    found_nothing = not solution.feasible and not solution.proven
    if found_nothing and (fallen := fallback(inst, [hint])) is not None:
        return "fallback", fallen
    return engine, solution


def _general(
    engine: str, program: Program, inst: Instance, options: SolveOptions, hint: np.ndarray
) -> Solution:
    """CP-SAT (or MIP when asked, up to its size) in the time left; nothing when the model
    could not even be built in half of it."""
    remaining = options.remaining(program)
    if _build_seconds(inst) > remaining / 2:
        log.info("general model too large for %.1f s: %d arcs", remaining, len(inst.rows))
        return Solution(np.full(inst.n_mentees, -1, dtype=np.int64), proven=False, feasible=False)
    if engine == "mip" and len(inst.rows) <= options.thresholds.mip_max_pairs:
        return solve_mip(inst, time_limit_s=remaining, hint=hint, cancel=options.cancel)
    return solve_cpsat(
        inst,
        time_limit_s=remaining,
        seed=program.seed,
        num_workers=options.num_workers,
        hint=hint,
        cancel=options.cancel,
    )


Blocking = Callable[[np.ndarray], int]


def optimise(
    problem: Problem, options: SolveOptions, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Blocking]:
    """The engine that ran, the arcs it saw, its solution, and how to count blocking pairs."""
    program = problem.request.program
    if (large := _solve_large(problem, options.thresholds, bonus)) is not None:
        engine, inst, solution, usable = large
        return engine, inst, solution, partial(blocking_pairs, problem, usable)
    inst = instance(problem)
    if errors := size_errors(program, inst, options.thresholds):
        raise InvalidRequest(errors)
    plain = inst  # scores alone: what blocking pairs are ranked by, re-match bonus or not
    inst = prepared(with_bonus(inst, problem, bonus or {}))
    engine = engine_for(program, inst, options.thresholds)
    engine, solution = _run_engine(engine, program, inst, options)
    return engine, inst, solution, partial(_blocking_pairs, problem, replace(inst, gain=plain.gain))


MATRIX_PATHS: dict[frozenset[type[ProgramRule]], str] = {
    frozenset(): "flow",
    frozenset({Fair}): "flow",
    frozenset({CrossShare}): "lagrangian",
    frozenset({Balance}): "flow",  # one attribute (`Balance.flow_models`): its levels
}


def matrix_path(problem: Problem, limits: Thresholds, bonus: bool) -> str | None:
    """The engine of the matrix path when it applies (the table's first row), else None."""
    program = problem.request.program
    rules = frozenset(asked(program))
    share, one = CrossShare in rules, Balance not in rules or Balance.flow_models(program)
    engine = MATRIX_PATHS.get(rules) if one else None
    if engine is None or (bonus and rules) or (share and len(program.diversity.cross) != 1):
        return None
    if program.engine not in ("auto", "flow") or (share and program.engine != "auto"):
        return None
    n, m = problem.score.shape
    return engine if n * m >= limits.large_from else None


def _solve_large(
    problem: Problem, limits: Thresholds, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Usable] | None:
    """Large requests solved from the score matrix, no arc list: plain, fair and balanced ones
    proven optimal (engine `flow`), one cross share with a proven bound (`lagrangian`)."""
    engine = matrix_path(problem, limits, bool(bonus))
    if engine is None:
        return None
    usable = usable_pairs(problem)
    pairs = int(np.count_nonzero(usable.mask))
    if pairs < max(limits.large_from, limits.priced_share_from if engine == "lagrangian" else 0):
        return None
    if engine == "lagrangian":
        [attribute] = problem.request.program.diversity.cross
        priced = solve_share(problem, usable, share_row(problem, attribute))
        if priced is None:
            return None
        solution, keys = priced
        return engine, arcs_instance(problem, usable, keys), solution, usable
    if Balance.asked(problem.request.program):
        found = solve_balance_large(problem, usable)
    elif Fair.asked(problem.request.program):
        found = solve_fair(problem, usable)
    else:
        found = solve_large(problem, usable, bonus_of(problem, usable, bonus) if bonus else None)
    return None if found is None else (engine, *found, usable)


def diagnose(
    problem: Problem, inst: Instance, assignment: np.ndarray, options: SolveOptions
) -> list[Conflict]:
    """Why no pairing satisfies the request: Hall's condition, or a core of clashing rules
    (searched in the time left; every family named when there is none)."""
    program, language = problem.request.program, options.language
    match_all = program.rules.match_all_mentees
    if not any(rule.families(program) for rule in asked(program)):
        return coverage_conflicts(problem, assignment, language)
    free = np.ones(inst.n_mentees, dtype=bool)
    free[[i for i, _ in problem.pins]] = False
    time_left = options.remaining(program)
    core = clashing_rules(inst, free, match_all, time_left) or rule_families(inst, match_all)
    if set(core) <= {CAPACITY, MATCH_ALL}:
        return coverage_conflicts(problem, assignment, language)
    return core_conflicts(program, core, language)


def _blocking_pairs(problem: Problem, inst: Instance, assignment: np.ndarray) -> int:
    if stable := inst.all(Stable):
        return count_blocking_pairs(inst, stable[0], assignment)
    rows, cols, gain = inst.rows, inst.cols, inst.gain
    return count_blocking_pairs_lazily(
        inst,
        mentee_keys(problem, rows, cols, gain),
        lambda arcs: mentor_keys(problem, rows[arcs], cols[arcs], gain[arcs]),
        assignment,
    )

"""Which engine runs a request, and running it.

The table, in order: the first row that applies decides.

1. No program rule, `fair` alone, one balance attribute or one cross share, and at least
   `large_from` usable pairs (a share: `priced_share_from`): the matrix path (`engines/large/`),
   proven for every pair from the score matrix; engine `flow`, or `lagrangian` for the share.
   Max-same (one attribute) with or without `fair` and one share, or a share with `fair`,
   from `side_rules_from`: the same, every rule proven (`engines/large/side_rules.py`).
   `stable` (any other rules with it): deferred acceptance from both sides, then the
   general engine on the arcs between the ends (`engines/stable/`).
   Otherwise, from `candidates_from` usable pairs (`flow_candidates_from` when the flow
   models every rule): rows 3-5 on candidate pairs only (`engines/large/on_candidates.py`),
   `feasible`, bounded over every pair by prices on the mentors' places.
2. `group.min_size` alone (`engine: "auto"`): `groups` (`engines/groups/`), flows on
   plans of open mentors with a proven bound; from `groups_matrix_from` usable pairs
   read from the score matrix (`engines/groups/large.py`), never listed as arcs.
3. Only rules the flow models (`ProgramRule.flow_models`: one max-same attribute,
   `fair`, one balance attribute): `flow` (`engines/flow.py`, `engines/balance_flow.py`;
   on candidates, proven for all, when plain with at least `sparse_from` arcs).
4. Only rules the reduced LP proves (`ProgramRule.reducible`) and more than
   `reduce_from` arcs: `mip`, HiGHS branch and bound on the pairs that survive the
   LP's reduced costs (`engines/large/reduced_share.py`).
5. Anything else: `cpsat` (`engines/cpsat.py`), warm-started by the flow on the rules
   it models; `mip` (`engines/mip.py`) when asked, up to `mip_max_pairs` arcs. One cross
   share with one balance attribute (`auto`) is first priced on balance's network
   (`engines/priced_balance.py`, engine `lagrangian`); out of reach there, as above.

A request may name its engine (`program.engine`); rows 3-5 then follow it.
Every size at which the choice changes is a field of `Thresholds`.

Long because the table and the entry of each of its paths are one decision, read in one
place: each path's own work lives in its engine's module.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from solver.answer.stability import blocking_on_arcs, blocking_pairs
from solver.contract.references import InvalidRequest
from solver.contract.request import Loc, MatchRequest, Program
from solver.encode.blocks import pair_count
from solver.encode.instance import Instance, Solution, instance, with_bonus
from solver.encode.problem import Problem
from solver.encode.usable import Usable, usable_pairs
from solver.engines.balance_face import models as models_cross_balance
from solver.engines.cpsat import solve_cpsat
from solver.engines.flow import prepared
from solver.engines.general import Search, build_seconds, solve_general
from solver.engines.groups import handles
from solver.engines.groups.engine import solve_groups
from solver.engines.groups.large import solve_groups_large
from solver.engines.large.arcs import flow_answer
from solver.engines.large.balance import solve_balance_large
from solver.engines.large.fair import solve_fair
from solver.engines.large.on_candidates import candidate_instance, unproven
from solver.engines.large.pairs import arcs_instance, bonus_of
from solver.engines.large.plain import solve_large
from solver.engines.large.priced_share import share_row, solve_share
from solver.engines.large.reduced_share import solve_reduced
from solver.engines.large.side_rules import SIDE_RULES, solve_side
from solver.engines.mip import solve_mip
from solver.engines.priced_balance import solve_priced_balance
from solver.engines.repair import fallback
from solver.engines.stable.best import solve_stable
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
    candidates_from: int = 2_000_000  # usable pairs from which rules without a matrix path
    flow_candidates_from: int = 10_000_000  # (flow-modelled ones: this) run on candidates
    groups_matrix_from: int = 2_000_000  # pairs from which groups are read from the matrix
    side_rules_from: int = 100_000  # max-same, or a share with fair (`large/side_rules.py`)
    blocks_from: int = 200_000_000  # pairs from which a plain compact request is read by blocks


THRESHOLDS = Thresholds()  # what a solve uses unless its options name others
MIN_SECONDS = 0.05  # what a stage gets once the request's time is spent
# The answer's own work, kept from the engines' time (reasons, suggestions, metrics,
# blocking pairs): 0.1 s, 0.4 ms per mentee, 0.2 µs per mentor × mentee pair (measured:
# 0.2 s at 300 × 100, 0.5 s at 1,000 × 350, 1.5 s at 3,000 × 1,000, 3 s at 5,000 × 1,700)
ANSWER_SECONDS, ANSWER_SECONDS_PER_MENTEE, ANSWER_SECONDS_PER_PAIR = 0.1, 4e-4, 2e-7


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

    def reserving(self, seconds: float, program: Program) -> SolveOptions:
        """These options with `seconds` of the request's time kept for the work after the
        engines (at most half of what is left)."""
        started = self.started(program)
        kept = min(seconds, started.remaining(program) / 2)
        return replace(started, deadline=(started.deadline or 0.0) - kept)

    def remaining(self, program: Program) -> float:
        """Seconds left of the request's time limit (a little, never none)."""
        if self.deadline is None:
            return self.time_limit(program)
        return max(self.deadline - time.monotonic(), MIN_SECONDS)


def by_blocks(request: MatchRequest, limits: Thresholds) -> bool:
    """Whether the request is solved without its score matrix (`encode/blocks.py`): from
    `blocks_from` pairs, a plain request (no program rule, pin or caller score) on the
    matrix path of the flow (the table's first row). Only the compact answer and the
    engine alone (`match.solve`) are built from such a problem."""
    program = request.program
    pairs = len(request.mentees) * len(request.mentors)
    return (
        pairs >= limits.blocks_from
        and program.engine in ("auto", "flow")
        and program.scores is None
        and not program.pinned
        and not asked(program)
    )


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
    return []


def reducible(inst: Instance, limits: Thresholds) -> bool:
    """Large, and only rules the reduced LP proves: it shrinks the candidate set first."""
    return len(inst.rows) > limits.reduce_from and all(rule.reducible for rule in inst.rules)


def engine_for(program: Program, inst: Instance | None, limits: Thresholds) -> str:
    """`auto` picks the fastest engine that models every rule of the request."""
    if program.engine != "auto":
        return program.engine
    if handles(program):
        return "groups"
    if all(rule.flow_models(program) for rule in asked(program)):
        return "flow"
    return "mip" if inst is not None and reducible(inst, limits) else "cpsat"


def _run_engine(
    engine: str, program: Program, inst: Instance, options: SolveOptions
) -> tuple[str, Solution]:
    """The engine that actually ran, and its solution: the flow, the reduced LP path, then a
    general model from a start that keeps every rule, within the time left."""
    limits, workers = options.thresholds, options.num_workers
    if engine == "flow":
        return engine, flow_answer(inst, limits.sparse_from)
    if engine == "groups":
        deadline = time.monotonic() + options.remaining(program)
        return engine, solve_groups(inst, deadline, cancel=options.cancel)
    if program.engine == "auto" and models_cross_balance(inst):
        deadline = time.monotonic() + options.remaining(program)
        priced = solve_priced_balance(inst, deadline, options.cancel)
        if priced is not None:
            return "lagrangian", priced
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
    deadline = time.monotonic() + options.remaining(program)
    sizes = (limits.mip_max_pairs, limits.sparse_from, program.engine != "auto")
    search = Search(engine, deadline, program.seed, workers, options.cancel, *sizes)
    return solve_general(inst, search)


Blocking = Callable[[np.ndarray], int]


def optimise(
    problem: Problem, options: SolveOptions, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Blocking]:
    """The engine that ran, the arcs it saw, its solution, and how to count blocking pairs."""
    program = problem.request.program
    if Stable.asked(program):
        return _solve_stable(problem, options, bonus)
    large = _solve_large(problem, options.started(program), bonus)
    if (large := large or _large_groups(problem, options, bonus)) is not None:
        engine, inst, solution, usable = large
        return engine, inst, solution, partial(blocking_pairs, problem, usable)
    if (found := _on_candidates(problem, options, bonus)) is not None:
        return found
    inst = instance(problem)
    if errors := size_errors(program, inst, options.thresholds):
        raise InvalidRequest(errors)
    plain = inst  # scores alone: what blocking pairs are ranked by, re-match bonus or not
    inst = prepared(with_bonus(inst, problem, bonus or {}))
    engine = engine_for(program, inst, options.thresholds)
    timed = options.reserving(_answer_seconds(problem), program)
    engine, solution = _run_engine(engine, program, inst, timed)
    return (
        engine,
        inst,
        solution,
        partial(blocking_on_arcs, problem, replace(inst, gain=plain.gain)),
    )


def _answer_seconds(problem: Problem) -> float:
    """What the answer's own work needs, kept from the request's time (`reserving`)."""
    n, m = problem.score.shape
    return ANSWER_SECONDS + ANSWER_SECONDS_PER_MENTEE * n + ANSWER_SECONDS_PER_PAIR * n * m


def _solve_stable(
    problem: Problem, options: SolveOptions, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Blocking]:
    """`stable`: deferred acceptance from both sides, then the general engine on the arcs
    between them (`engines/stable/`); blocking pairs counted on every usable pair."""
    program, limits = problem.request.program, options.thresholds
    options = options.reserving(_answer_seconds(problem), program)
    usable = usable_pairs(problem)

    def general(inst: Instance, start: np.ndarray) -> tuple[str, Solution]:
        """From the better end, which keeps stability (and may break the other rules)."""
        mip = program.engine in ("auto", "mip") and len(inst.rows) <= limits.mip_max_pairs
        seconds = options.remaining(program)
        if build_seconds(inst) > seconds / 2:
            solution = Solution(start, proven=False, feasible=False)
        elif mip:
            solution = solve_mip(inst, time_limit_s=seconds, hint=start, cancel=options.cancel)
        else:
            solution = solve_cpsat(
                inst,
                time_limit_s=seconds,
                seed=program.seed,
                num_workers=options.num_workers,
                hint=start,
                cancel=options.cancel,
            )
        found_nothing = not solution.feasible and not solution.proven
        if found_nothing and (fallen := fallback(inst, [start])) is not None:
            return "fallback", fallen
        return "mip" if mip else "cpsat", solution

    extra = bonus_of(problem, usable, bonus) if bonus else None
    found = solve_stable(problem, usable, extra, general)
    return found.engine, found.inst, found.solution, partial(blocking_pairs, problem, usable)


def on_candidates(program: Program, pairs: int, limits: Thresholds) -> bool:
    """Whether a request without a matrix path runs on candidate pairs (`auto` only: an
    engine asked for by name sees every pair, and the budget weighs it so)."""
    flow = all(rule.flow_models(program) for rule in asked(program))
    least = limits.flow_candidates_from if flow else limits.candidates_from
    return program.engine == "auto" and pairs >= least


def _on_candidates(
    problem: Problem, options: SolveOptions, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Blocking] | None:
    """Large and no matrix path: the engine table on candidate pairs, never proven."""
    program, limits = problem.request.program, options.thresholds
    n, m = problem.score.shape  # a matrix read by blocks has no `size`
    if not on_candidates(program, n * m, limits):
        return None
    options = options.reserving(_answer_seconds(problem), program)
    usable = usable_pairs(problem)
    inst = candidate_instance(problem, usable, bonus_of(problem, usable, bonus) if bonus else None)
    inst = prepared(inst)
    engine, solution = _run_engine(engine_for(program, inst, limits), program, inst, options)
    solution = unproven(problem, usable, solution) if solution.feasible else solution
    return engine, inst, solution, partial(blocking_pairs, problem, usable)


MATRIX_PATHS: dict[frozenset[type[ProgramRule]], str] = {
    frozenset(): "flow",
    frozenset({Fair}): "flow",
    frozenset({CrossShare}): "lagrangian",
    frozenset({Balance}): "flow",  # one attribute (`Balance.flow_models`): its levels
    **SIDE_RULES,  # max-same on one attribute, or a share with fair
}


def matrix_path(problem: Problem, limits: Thresholds, bonus: bool) -> str | None:
    """The engine of the matrix path when it applies (the table's first row), else None."""
    program = problem.request.program
    rules = frozenset(asked(program))
    share, one = CrossShare in rules, Balance not in rules or Balance.flow_models(program)
    engine = MATRIX_PATHS.get(rules) if one else None
    if engine is None or (bonus and rules) or (share and len(program.diversity.cross) != 1):
        return None
    if len(program.diversity.max_same_per_mentor) > 1:
        return None
    if program.engine not in ("auto", "flow") or (share and program.engine != "auto"):
        return None
    n, m = problem.score.shape
    return engine if n * m >= limits.large_from else None


def _solve_large(
    problem: Problem, options: SolveOptions, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Usable] | None:
    """Large requests solved from the score matrix, no arc list: plain, fair and balanced ones
    proven optimal (engine `flow`), one cross share with a proven bound (`lagrangian`), and
    the side rules (`large/side_rules.py`) within the request's time."""
    limits = options.thresholds
    engine = matrix_path(problem, limits, bool(bonus))
    if engine is None:
        return None
    usable = usable_pairs(problem)
    side = frozenset(asked(problem.request.program)) in SIDE_RULES
    least = limits.priced_share_from if engine == "lagrangian" else 0
    least = max(limits.large_from, limits.side_rules_from if side else least)
    if pair_count(usable.mask) < least:
        return None
    if side:
        timed = options.reserving(_answer_seconds(problem), problem.request.program)
        found = solve_side(problem, usable, timed.deadline, timed.cancel)
    elif engine == "lagrangian":
        [attribute] = problem.request.program.diversity.cross
        priced = solve_share(problem, usable, share_row(problem, attribute))
        if priced is None:
            return None
        solution, keys = priced
        return engine, arcs_instance(problem, usable, keys), solution, usable
    elif Balance.asked(problem.request.program):
        found = solve_balance_large(problem, usable)
    elif Fair.asked(problem.request.program):
        found = solve_fair(problem, usable)
    else:
        found = solve_large(problem, usable, bonus_of(problem, usable, bonus) if bonus else None)
    return None if found is None else (engine, *found, usable)


def _large_groups(
    problem: Problem, options: SolveOptions, bonus: dict[tuple[str, str], float] | None
) -> tuple[str, Instance, Solution, Usable] | None:
    """`group.min_size` alone on a large pool, searched from the score matrix."""
    program, (n, m) = problem.request.program, problem.score.shape
    if bonus or engine_for(program, None, options.thresholds) != "groups":
        return None
    if n * m < options.thresholds.groups_matrix_from:
        return None
    usable = usable_pairs(problem)
    deadline = time.monotonic() + options.remaining(program)
    found = solve_groups_large(problem, usable, deadline, options.cancel)
    return None if found is None else ("groups", *found, usable)

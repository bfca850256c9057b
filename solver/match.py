"""The solver's front door: a request in, a complete, explained response out."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from solver.blocking import blocking_pairs, count_blocking_pairs, count_blocking_pairs_lazily
from solver.bottleneck import solve_fair
from solver.cpsat import solve_cpsat
from solver.diagnose import clashing_rules, rule_families
from solver.encoder import (
    SCORE_SCALE,
    Instance,
    Problem,
    Solution,
    encode,
    instance,
    mentee_keys,
    mentor_keys,
    with_bonus,
)
from solver.explain import Explainer
from solver.flow import flow_relaxation, solve_flow, with_balance_targets
from solver.lagrange import share_row, solve_share
from solver.large import (
    LARGE_FROM,
    Usable,
    arcs_instance,
    bonus_of,
    solve_large,
    usable_pairs,
)
from solver.messages import render
from solver.metrics import compute_metrics
from solver.mip import solve_mip
from solver.reduce import REDUCIBLE, solve_reduced
from solver.schema import (
    Conflict,
    Group,
    Loc,
    MatchRequest,
    MatchResponse,
    Pairing,
    Program,
    reference_errors,
    trusted,
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


class _Collector:
    """Python's cyclic garbage collector, paused while any solve runs (solves run in
    threads). A large answer is hundreds of thousands of objects, none of them cyclic
    garbage; scanning them again and again cost 0.6-0.9 s of a 10k x 3.4k answer. Cycles
    made meanwhile are collected once the last solve ends."""

    def __init__(self) -> None:
        self.lock, self.running, self.restore = threading.Lock(), 0, False

    @contextmanager
    def paused(self) -> Iterator[None]:
        with self.lock:
            if self.running == 0:
                self.restore = gc.isenabled()
                gc.disable()
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if self.running == 0 and self.restore:
                    gc.enable()


COLLECTOR = _Collector()


def match(
    request: MatchRequest,
    options: SolveOptions | None = None,
    *,
    bonus: dict[tuple[str, str], float] | None = None,
) -> MatchResponse:
    """The lexicographic optimum of a request, explained; raises InvalidRequest on bad input.

    `bonus` (re-matching) adds score units to the objective of some (mentor, mentee) pairs;
    the reported scores and objective stay the plain scores."""
    with COLLECTOR.paused():
        return _match(request, options, bonus=bonus)


def _match(
    request: MatchRequest,
    options: SolveOptions | None = None,
    *,
    bonus: dict[tuple[str, str], float] | None = None,
) -> MatchResponse:
    options = options or SolveOptions()
    program = request.program
    errors = reference_errors(request) + engine_errors(program)
    if errors:
        raise InvalidRequest(errors)
    started = time.perf_counter()
    problem = encode(request)
    conflicts = pin_conflicts(problem, options.language)
    if conflicts:
        return _infeasible(problem, conflicts, started, options.language)
    time_limit = min(program.time_limit_s, options.max_time_limit_s)
    engine, inst, solution, blocking = _optimise(problem, options, bonus)
    assignment = _with_pins(problem, solution)
    everyone = not (assignment < 0).any()
    if not solution.feasible and not solution.proven:
        message = f"no pairing that keeps every rule was found within {time_limit} s"
        raise InvalidRequest([(("program", "time_limit_s"), message + "; allow more time")])
    if not solution.feasible or (program.rules.match_all_mentees and not everyone):
        conflicts = _diagnose(problem, inst, assignment, options.language)
        return _infeasible(problem, conflicts, started, options.language, engine)
    log.info(
        "solved engine=%s mentors=%d mentees=%d arcs=%d matched=%d proven=%s",
        engine,
        inst.n_mentors,
        inst.n_mentees,
        len(inst.rows),
        int((assignment >= 0).sum()),
        solution.proven,
    )
    return _respond(
        problem, assignment, solution, started, options.language, engine, blocking(assignment)
    )


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
        problem = encode(request)
        engine, _, solution, _ = _optimise(problem, options or SolveOptions(), None)
    assignment = _with_pins(problem, solution)
    matched = np.nonzero(assignment >= 0)[0]
    total = float(problem.score[matched, assignment[matched]].sum())
    return Solved(engine, solution, len(matched), total)


def _with_pins(problem: Problem, solution: Solution) -> np.ndarray:
    """Each mentee's mentor in the answer: the engine's, pinned mentees with their pins."""
    assignment = solution.assignment.copy()
    for i, j in problem.pins:
        assignment[i] = j
    return assignment


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


def describe_rule(program: Program, rule: str, language: str) -> str:
    """What a rule family of the diagnosis demands, in the manager's words."""
    family, _, attribute = rule.removeprefix("diversity.").partition(".")
    if family == "cross":
        share = round(100 * program.diversity.cross[attribute], 1)
        return render(language, "rule.cross", share=share, attribute=attribute)
    if family == "max_same_per_mentor":
        k = program.diversity.max_same_per_mentor[attribute]
        return render(language, "rule.max_same", k=k, attribute=attribute)
    if family == "group":
        return render(language, "rule.group_min", k=program.group.min_size)
    return render(language, f"rule.{family}")


def _pairings(problem: Problem, assignment: np.ndarray, explainer: Explainer) -> list[Pairing]:
    """Every pair made, best score first (ties by mentor id, then mentee id), explained."""
    pinned = set(problem.pins)
    matched = np.nonzero(assignment >= 0)[0]
    scores = problem.score[matched, assignment[matched]].tolist()
    mentors, mentees = problem.pool.mentors, problem.pool.mentees
    made = sorted(
        zip(scores, matched.tolist(), assignment[matched].tolist(), strict=True),
        key=lambda pair: (-pair[0], mentors[pair[2]].id, mentees[pair[1]].id),
    )
    explainer.prepare([(i, j) for _, i, j in made])
    return [
        trusted(  # values computed here: no re-validation
            Pairing,
            {
                "rank": rank,
                "mentor": mentors[j].id,
                "mentee": mentees[i].id,
                "score": round(score, 6),
                "pinned": (i, j) in pinned,
                "reasons": explainer.reasons(i, j),
                "explanation": explainer.explanation(i, j, (i, j) in pinned),
            },
        )
        for rank, (score, i, j) in enumerate(made, start=1)
    ]


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
    pairings = _pairings(problem, assignment, explainer)
    load = np.bincount(assignment[assignment >= 0], minlength=len(problem.pool.mentors))
    objective = round(sum(p.score for p in pairings), 6)
    bound = max(_bound(problem, assignment, solution, objective), objective)
    by_mentor: dict[str, list[str]] = {}
    for pairing in pairings:
        by_mentor.setdefault(pairing.mentor, []).append(pairing.mentee)
    groups = [Group(mentor=m, mentees=by_mentor[m]) for m in sorted(by_mentor)]
    suggestions = explainer.suggestions(assignment, load, request.program.suggestions)
    left_out = unmatched(problem, assignment, language)
    metrics = compute_metrics(
        request, [(p.mentor, p.mentee, p.score) for p in pairings], blocking_pairs=blocking
    )
    return MatchResponse(
        status="optimal" if solution.proven else "feasible",
        objective=objective,
        bound=bound,
        gap=round((bound - objective) / bound, 6) if bound > 0 else 0.0,
        engine=engine,
        solve_seconds=round(time.perf_counter() - started, 4),  # everything above included
        pairings=pairings,
        groups=groups,
        suggestions=suggestions,
        unmatched=left_out,
        mentor_load={m.id: int(load[j]) for j, m in enumerate(problem.pool.mentors)},
        metrics=metrics,
    )


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


def _infeasible(
    problem: Problem,
    conflicts: list[Conflict],
    started: float,
    language: str,
    engine: str | None = None,
) -> MatchResponse:
    request = problem.request
    return MatchResponse(
        status="infeasible",
        objective=0.0,
        bound=0.0,
        gap=0.0,
        engine=engine or engine_for(request.program),
        solve_seconds=round(time.perf_counter() - started, 4),
        pairings=[],
        groups=[],
        suggestions={},
        unmatched=everyone_unmatched(problem, language),
        mentor_load={m.id: 0 for m in request.mentors},
        metrics=compute_metrics(request, []),
        conflicts=conflicts,
    )

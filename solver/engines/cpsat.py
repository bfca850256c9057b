"""CP-SAT engine: one boolean per candidate pair, every program rule, lexicographic stages.

Data → variables → constraints → stages. The constraints are the assignment (a mentee
has at most one mentor, a mentor at most their places left) and every program rule's
solver-neutral rows (`ProgramRule.linear`), with the rules' own integer variables.
Each stage maximises one level and then pins its value for the next:
[balance shortfall] → volunteers → matched → waiting served → [lowest score] → total.
Every stage is hinted with the best assignment known (the start, then each stage's own
best), and keeps a start that keeps every row when CP-SAT ends with worse
(`engines/start.py`). A level the best known takes to its ceiling (its most, or the flow
relaxation's optimum of it) is proven without a search. A stage starts only when the
time left covers its overhead (`STAGE_SECONDS_PER_ARC`); `cancel` stops the search
running and raises `Cancelled` before the next stage. `dispatch` sends it requests
whose rules break the network and that are small enough for a boolean per pair, or the
pairs that survive the reduced LP's proof.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from solver.encode.instance import Instance, Solution
from solver.encode.keys import arcs_by
from solver.engines.start import (
    Outcome,
    Relaxed,
    better,
    ceilings,
    levels,
    rows_of_rules,
    start_values,
)
from solver.rules.program import Linear
from solver.rules.program.base import NO_BOUND
from solver.runtime import Cancel

log = logging.getLogger(__name__)

STAGE_SECONDS_PER_ARC = 1e-5  # a stage loads the model afresh: 0.14 s past its limit at
# 22,760 arcs, 0.69 s at 64,681 (measured); a stage starts only if the time left covers it


@dataclass
class Stage:
    name: str
    expression: cp_model.LinearExprT


def _add_assignment(model: cp_model.CpModel, x: list[cp_model.IntVar], inst: Instance) -> None:
    """A mentee has at most one mentor; a mentor at most their places left."""
    for arcs in arcs_by(inst.rows):
        model.add_at_most_one(x[k] for k in arcs)
    for arcs in arcs_by(inst.cols):
        j = int(inst.cols[arcs[0]])
        if len(arcs) > inst.capacity[j]:
            model.add(sum(x[k] for k in arcs) <= int(inst.capacity[j]))


def own_variables(model: cp_model.CpModel, linear: Linear, name: str) -> list[cp_model.IntVar]:
    """A rule's own integer variables, within their bounds."""
    bounds = zip(linear.own_lower.tolist(), linear.own_upper.tolist(), strict=True)
    return [model.new_int_var(low, high, f"{name}{a}") for a, (low, high) in enumerate(bounds)]


def constraints(
    model: cp_model.CpModel, variables: list[cp_model.IntVar], linear: Linear
) -> list[cp_model.Constraint]:
    """The rows of a rule over these variables (arcs first, then the rule's own)."""
    found = []
    bounds = zip(linear.lower.tolist(), linear.upper.tolist(), strict=True)
    for (index, coef), (low, high) in zip(linear.by_row(), bounds, strict=True):
        expression = cp_model.LinearExpr.weighted_sum([variables[v] for v in index], coef.tolist())
        if low > -NO_BOUND and high < NO_BOUND:
            found.append(model.add_linear_constraint(expression, low, high))
        elif low > -NO_BOUND:
            found.append(model.add(expression >= low))
        else:
            found.append(model.add(expression <= high))
    return found


def _weighted(
    variables: list[cp_model.IntVar], index: np.ndarray, coef: np.ndarray
) -> cp_model.LinearExprT:
    return cp_model.LinearExpr.weighted_sum([variables[v] for v in index], coef.tolist())


def build(
    inst: Instance, linears: list[Linear] | None = None
) -> tuple[cp_model.CpModel, list[cp_model.IntVar], list[Stage]]:
    """Data → variables → constraints → stages (objectives). The variables: the arcs' 0/1,
    then each rule's own, in the order of `linears` (the rules' rows, `start.rows_of_rules`)."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(inst.rows))]
    _add_assignment(model, x, inst)
    every = list(x)
    first: list[Stage] = []
    last: list[Stage] = []
    for k, linear in enumerate(rows_of_rules(inst) if linears is None else linears):
        own = own_variables(model, linear, f"r{k}_")
        variables = x + own
        every += own
        constraints(model, variables, linear)
        for stage in linear.stages:
            level = Stage(stage.name, _weighted(variables, stage.var, stage.coef))
            (first if stage.before == "volunteers" else last).append(level)
    core = [inst.volunteer[inst.rows], np.ones(len(x), dtype=np.int64), inst.waiting[inst.rows]]
    stages = first + [
        Stage(name, cp_model.LinearExpr.weighted_sum(x, w.astype(int).tolist()))
        for name, w in zip(("volunteers", "matched", "waiting"), core, strict=True)
    ]
    total = Stage("total score", cp_model.LinearExpr.weighted_sum(x, inst.gain.tolist()))
    return model, every, [*stages, *last, total]


def _assignment(inst: Instance, values: np.ndarray | None) -> np.ndarray:
    """Each mentee's mentor in an assignment given as every variable's value (None: nobody)."""
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    if values is not None:
        chosen = values[: len(inst.rows)] > 0
        assignment[inst.rows[chosen]] = inst.cols[chosen]
    return assignment


def _solver(time_limit_s: float, seed: int, num_workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.01)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = num_workers
    return solver


def _hint(model: cp_model.CpModel, indices: np.ndarray, values: np.ndarray | None) -> None:
    """Hint these values for the first variables (the arcs' alone, or every one), straight
    into the model's proto (`add_hint` per variable took 0.2 s at 22,000 arcs)."""
    hint = model.proto.solution_hint
    hint.vars.clear()
    hint.values.clear()
    if values is not None:
        hint.vars.extend(indices[: len(values)].tolist())
        hint.values.extend(values.astype(np.int64).tolist())


def _stage(
    model: cp_model.CpModel,
    indices: np.ndarray,
    stage: Stage,
    time_limit_s: float,
    settings: tuple[int, int, Cancel],
) -> tuple[cp_model.CpSolverStatus, np.ndarray | None, cp_model.CpSolver]:
    """One lexicographic level: CP-SAT's status, its incumbent (every variable's value, None
    without one), the solver."""
    seed, num_workers, cancel = settings
    model.maximize(stage.expression)
    cancel.check()
    solver = _solver(time_limit_s, seed, num_workers)
    listener = _Reporting(cancel, f"cpsat:{stage.name}") if cancel.on_progress else None
    if listener is not None:
        solver.best_bound_callback = listener.bound_found
        cancel.report(listener.search, None, None)  # this level's search starts
    with cancel.stopping(solver.stop_search):
        status = solver.solve(model, listener)
    cancel.check()
    log.debug("cpsat %s: %s in %.3fs", stage.name, solver.status_name(status), solver.wall_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None, solver
    return status, np.asarray(solver.response_proto.solution, dtype=np.int64)[indices], solver


class _Reporting(cp_model.CpSolverSolutionCallback):
    """Each new incumbent's objective and each better bound, reported to the caller
    (`Cancel.report`) while the stage searches."""

    def __init__(self, cancel: Cancel, search: str) -> None:
        super().__init__()
        self.cancel, self.search = cancel, search
        self.bound: float | None = None

    def on_solution_callback(self) -> None:
        self.bound = self.best_objective_bound
        self.cancel.report(self.search, self.objective_value, self.bound)

    def bound_found(self, bound: float) -> None:
        self.bound = bound
        self.cancel.report(self.search, None, bound)


@dataclass(frozen=True)
class _Run:
    """One solve's model and what its stages share."""

    inst: Instance
    model: cp_model.CpModel
    indices: np.ndarray  # every variable's index in the model: arcs, then the rules' own
    deadline: float
    settings: tuple[int, int, Cancel]

    def search(self, stage: Stage, hint: np.ndarray | None) -> Outcome:
        """One stage's search, hinted, in the time left less the stage's overhead."""
        seconds = self.deadline - time.monotonic() - STAGE_SECONDS_PER_ARC * len(self.inst.rows)
        if seconds <= 0 or self.settings[2].stopped:
            return Outcome("stopped")
        _hint(self.model, self.indices, hint)
        status, incumbent, solver = _stage(self.model, self.indices, stage, seconds, self.settings)
        if status == cp_model.INFEASIBLE:
            return Outcome("infeasible")
        if status != cp_model.OPTIMAL:
            bound = int(solver.best_objective_bound) if status == cp_model.FEASIBLE else None
            return Outcome("stopped", incumbent=incumbent, bound=bound)
        return Outcome("optimal", int(round(solver.objective_value)), incumbent)


def solve_cpsat(
    inst: Instance,
    *,
    time_limit_s: float,
    seed: int = 0,
    num_workers: int = 1,
    hint: np.ndarray | None = None,
    relaxed: Relaxed | None = None,
    cancel: Cancel | None = None,
) -> Solution:
    """The lexicographic optimum by CP-SAT, the best found when time runs out, or none
    (the module's docstring says how); `relaxed` is the flow relaxation and its optimum."""
    deadline = time.monotonic() + time_limit_s  # building the model counts too
    linears = rows_of_rules(inst)
    model, variables, stages = build(inst, linears)
    indices = np.array([var.index for var in variables], dtype=np.int64)
    run = _Run(inst, model, indices, deadline, (seed, num_workers, cancel or Cancel()))
    start = None if hint is None else hint[inst.rows] == inst.cols
    kept = start_values(inst, linears, start)  # None when the start breaks a row
    weights, ceiling = levels(inst, linears), ceilings(inst, linears, relaxed)
    found = None  # only assignments known to keep every row: a hint may break the side rules
    for level, stage in enumerate(stages):
        known = better(weights[level:], found, kept)
        value = None if known is None else int(weights[level] @ known)
        if value is None or not ceiling.reached(level, value):
            outcome = run.search(stage, start if known is None else known)
            if outcome.status == "infeasible":
                return Solution(_assignment(inst, None), proven=True, feasible=False)
            mine = found if outcome.incumbent is None else outcome.incumbent
            known = better(weights[level:], mine, kept)
            if outcome.status == "stopped":
                bound = outcome.bound if stage is stages[-1] else None
                return Solution(_assignment(inst, known), False, bound, known is not None)
            value = outcome.value
        model.add(stage.expression == value)
        ceiling.fixed(level, value)
        found = known
        if kept is not None and int(weights[level] @ kept) < value:
            kept = None  # beaten on this level: it no longer keeps the pinned value
    return Solution(_assignment(inst, found), proven=True)

"""CP-SAT engine: one boolean per candidate pair, every program rule, lexicographic stages.

Data → variables → constraints → stages. The constraints are the assignment (a mentee
has at most one mentor, a mentor at most their places left) and every program rule's
solver-neutral rows (`ProgramRule.linear`), with the rules' own integer variables.
Each stage maximises one level and then pins its value for the next:
[balance shortfall] → volunteers → matched → waiting served → [lowest score] → total.
Every stage is hinted with the best assignment known (the flow's answer, then each
stage's own best), and on a plain request keeps the flow's when CP-SAT ends with worse
(`engines/start.py`). `dispatch` sends it requests whose rules break the network and that are small
enough for a boolean per pair, or the pairs that survive the reduced LP's proof.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from solver.encode.instance import Instance, Solution
from solver.encode.keys import arcs_by
from solver.engines.start import better, kept_start, plain_levels
from solver.rules.program import Linear
from solver.rules.program.base import NO_BOUND
from solver.runtime import Cancel

log = logging.getLogger(__name__)


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


def build(inst: Instance) -> tuple[cp_model.CpModel, list[cp_model.IntVar], list[Stage]]:
    """Data → variables → constraints → stages (objectives)."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(inst.rows))]
    _add_assignment(model, x, inst)
    first: list[Stage] = []
    last: list[Stage] = []
    for k, linear in enumerate(lin for rule in inst.rules for lin in rule.linear(inst)):
        variables = x + own_variables(model, linear, f"r{k}_")
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
    return model, x, [*stages, *last, total]


def _assignment(inst: Instance, chosen: np.ndarray | None) -> np.ndarray:
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    if chosen is not None:
        assignment[inst.rows[chosen]] = inst.cols[chosen]
    return assignment


def _solver(time_limit_s: float, seed: int, num_workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.01)
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = num_workers
    return solver


def _hint(model: cp_model.CpModel, x: list[cp_model.IntVar], start: np.ndarray | None) -> None:
    model.clear_hints()
    if start is not None:
        for var, value in zip(x, start.tolist(), strict=True):
            model.add_hint(var, value)


def _stage(
    model: cp_model.CpModel,
    x: list[cp_model.IntVar],
    stage: Stage,
    time_limit_s: float,
    settings: tuple[int, int, Cancel],
) -> tuple[cp_model.CpSolverStatus, np.ndarray | None, cp_model.CpSolver]:
    """One lexicographic level: CP-SAT's status, its incumbent (None without one), the solver."""
    seed, num_workers, cancel = settings
    model.maximize(stage.expression)
    cancel.check()
    solver = _solver(time_limit_s, seed, num_workers)
    with cancel.stopping(solver.stop_search):
        status = solver.solve(model)
    cancel.check()
    log.debug("cpsat %s: %s in %.3fs", stage.name, solver.status_name(status), solver.wall_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None, solver
    return status, np.array([solver.boolean_value(v) for v in x], dtype=bool), solver


def solve_cpsat(
    inst: Instance,
    *,
    time_limit_s: float,
    seed: int = 0,
    num_workers: int = 1,
    hint: np.ndarray | None = None,
    cancel: Cancel | None = None,
) -> Solution:
    """The lexicographic optimum by CP-SAT, the best found when time runs out, or none;
    `cancel` stops the search running and raises `Cancelled` before the next stage.
    Each stage is hinted with the best assignment known; a start that keeps every row
    (`start.kept_start`) is the stage's answer whenever CP-SAT ends with worse."""
    settings = (seed, num_workers, cancel or Cancel())
    deadline = time.monotonic() + time_limit_s  # building the model counts too
    model, x, stages = build(inst)
    start = None if hint is None else hint[inst.rows] == inst.cols
    kept = kept_start(inst, start)  # a flow's answer on a plain request, else None
    levels = plain_levels(inst) if kept is not None else []
    found = None  # only assignments known to keep every row: a hint may break the side rules
    for level, stage in enumerate(stages):
        known = better(levels[level:], found, kept)
        _hint(model, x, known if known is not None else start)
        status, incumbent, solver = _stage(model, x, stage, deadline - time.monotonic(), settings)
        if status == cp_model.INFEASIBLE:
            return Solution(_assignment(inst, None), proven=True, feasible=False)
        best = better(levels[level:], incumbent if incumbent is not None else found, kept)
        if status != cp_model.OPTIMAL:
            last = status == cp_model.FEASIBLE and level == len(stages) - 1
            bound = int(solver.best_objective_bound) if last else None
            return Solution(
                _assignment(inst, best), proven=False, gain_bound=bound, feasible=best is not None
            )
        value = int(round(solver.objective_value))
        model.add(stage.expression == value)
        found = best
        if kept is not None and int(levels[level][kept].sum()) < value:
            kept = None  # beaten on this level: it no longer keeps the pinned value
    return Solution(_assignment(inst, found), proven=True)

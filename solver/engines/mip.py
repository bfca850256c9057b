"""MIP engine through PuLP (HiGHS, CBC when HiGHS is missing): every rule, lexicographic stages.

The same model as CP-SAT: the assignment, every program rule's rows with its own
integer variables, and the same stages. PuLP builds models one variable at a time, so
this engine takes at most `Thresholds.mip_max_pairs` candidate pairs; `auto` picks it
only for large requests with rules the reduced LP path proves (`dispatch`), where
HiGHS's branch and bound runs on the pairs that survive the LP, not through PuLP.
"""

from __future__ import annotations

import time
from typing import TypeAlias

import numpy as np
import pulp

from solver.encode.instance import Instance, Solution
from solver.encode.keys import arcs_by
from solver.rules.program import Linear
from solver.rules.program.base import NO_BOUND

Expression: TypeAlias = pulp.LpAffineExpression


def _solver(time_limit_s: float) -> pulp.LpSolver:
    limit = max(time_limit_s, 0.01)
    # Every stage objective is integral: a gap below one unit proves the optimum.
    if "HiGHS" in pulp.listSolvers(onlyAvailable=True):
        return pulp.HiGHS(msg=False, timeLimit=limit, gapRel=0, gapAbs=0.5, threads=1)
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=limit, gapRel=0, gapAbs=0.5, threads=1)


def _weighted(variables: list[pulp.LpVariable], index: np.ndarray, coef: np.ndarray) -> Expression:
    return pulp.lpSum(
        int(c) * variables[v] for v, c in zip(index.tolist(), coef.tolist(), strict=True) if c
    )


def _assignment_rows(problem: pulp.LpProblem, x: list[pulp.LpVariable], inst: Instance) -> None:
    for arcs in arcs_by(inst.rows):
        problem += pulp.lpSum(x[k] for k in arcs) <= 1
    for arcs in arcs_by(inst.cols):
        problem += pulp.lpSum(x[k] for k in arcs) <= int(inst.capacity[int(inst.cols[arcs[0]])])


def _rule_rows(problem: pulp.LpProblem, variables: list[pulp.LpVariable], linear: Linear) -> None:
    bounds = zip(linear.lower.tolist(), linear.upper.tolist(), strict=True)
    for (index, coef), (low, high) in zip(linear.by_row(), bounds, strict=True):
        expression = _weighted(variables, index, coef)
        if low > -NO_BOUND:
            problem += expression >= low
        if high < NO_BOUND:
            problem += expression <= high


def _model(inst: Instance) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[Expression]]:
    """Data → variables → constraints → stages (objectives)."""
    problem = pulp.LpProblem("binome", pulp.LpMaximize)
    x = [problem.add_variable(f"x{k}", 0, 1, cat=pulp.LpBinary) for k in range(len(inst.rows))]
    _assignment_rows(problem, x, inst)
    first: list[Expression] = []
    last: list[Expression] = []
    for r, linear in enumerate(lin for rule in inst.rules for lin in rule.linear(inst)):
        bounds = zip(linear.own_lower.tolist(), linear.own_upper.tolist(), strict=True)
        own = [
            problem.add_variable(f"r{r}_{a}", low, high, cat=pulp.LpInteger)
            for a, (low, high) in enumerate(bounds)
        ]
        _rule_rows(problem, x + own, linear)
        for stage in linear.stages:
            level = _weighted(x + own, stage.var, stage.coef)
            (first if stage.before == "volunteers" else last).append(level)
    every = np.arange(len(x))
    core = [
        _weighted(x, every, inst.volunteer[inst.rows].astype(np.int64)),
        pulp.lpSum(x),
        _weighted(x, every, inst.waiting[inst.rows]),
    ]
    return problem, x, [*first, *core, *last, _weighted(x, every, inst.gain)]


def solve_mip(inst: Instance, *, time_limit_s: float) -> Solution:
    """The lexicographic optimum by MIP, the best found when time runs out, or none."""
    deadline = time.monotonic() + time_limit_s  # building the model counts too
    problem, x, stages = _model(inst)
    chosen = np.zeros(len(x), dtype=bool)
    for level, objective in enumerate(stages):
        problem.setObjective(objective)
        problem.solve(_solver(deadline - time.monotonic()))
        if problem.status == pulp.LpStatusInfeasible:
            return Solution(_assignment(inst, chosen), proven=True, feasible=False)
        values = np.array([(v.value() or 0) > 0.5 for v in x], dtype=bool)
        if problem.sol_status != pulp.LpSolutionOptimal:
            found = problem.sol_status == pulp.LpSolutionIntegerFeasible
            best = values if found else chosen
            return Solution(_assignment(inst, best), proven=False, feasible=found or level > 0)
        chosen = values
        value = pulp.value(objective) or 0
        problem += objective >= round(value) - 0.5
    return Solution(_assignment(inst, chosen), proven=True)


def _assignment(inst: Instance, chosen: np.ndarray) -> np.ndarray:
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    assignment[inst.rows[chosen]] = inst.cols[chosen]
    return assignment

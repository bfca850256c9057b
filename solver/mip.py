"""MIP engine through PuLP (HiGHS, CBC when HiGHS is missing), lexicographic in stages.

PuLP builds models one variable at a time, so this engine is for requests that
stay small after candidate reduction; `auto` never picks it for large pools.
"""

from __future__ import annotations

import time

import numpy as np
import pulp

from solver.encoder import Instance, Solution


def _solver(time_limit_s: float) -> pulp.LpSolver:
    limit = max(time_limit_s, 0.01)
    # Every stage objective is integral: a gap below one unit proves the optimum.
    if "HiGHS" in pulp.listSolvers(onlyAvailable=True):
        return pulp.HiGHS(msg=False, timeLimit=limit, gapRel=0, gapAbs=0.5, threads=1)
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=limit, gapRel=0, gapAbs=0.5, threads=1)


def solve_mip(inst: Instance, *, time_limit_s: float) -> Solution:
    """The lexicographic optimum by MIP, or the best found when time runs out."""
    n_arcs = len(inst.rows)
    if n_arcs == 0:
        return Solution(np.full(inst.n_mentees, -1, dtype=np.int64), proven=True)
    problem = pulp.LpProblem("binome", pulp.LpMaximize)
    x = [problem.add_variable(f"x{k}", 0, 1, cat=pulp.LpBinary) for k in range(n_arcs)]
    for i in np.unique(inst.rows):
        problem += pulp.lpSum(x[k] for k in np.nonzero(inst.rows == i)[0]) <= 1
    for j in np.unique(inst.cols):
        problem += pulp.lpSum(x[k] for k in np.nonzero(inst.cols == j)[0]) <= int(inst.capacity[j])
    stages = [
        inst.volunteer[inst.rows].astype(np.int64),
        np.ones(n_arcs, dtype=np.int64),
        inst.waiting[inst.rows],
        inst.gain,
    ]
    deadline = time.monotonic() + time_limit_s
    chosen = np.zeros(n_arcs, dtype=bool)
    for coefficients in stages:
        objective = pulp.lpSum(int(c) * v for c, v in zip(coefficients, x, strict=True) if c)
        problem.setObjective(objective)
        problem.solve(_solver(deadline - time.monotonic()))
        values = np.array([(v.value() or 0) > 0.5 for v in x], dtype=bool)
        if problem.sol_status != pulp.LpSolutionOptimal:
            found = problem.sol_status == pulp.LpSolutionIntegerFeasible
            return Solution(_assignment(inst, values if found else chosen), proven=False)
        chosen = values
        value = int(sum(int(c) for c, v in zip(coefficients, chosen, strict=True) if v))
        problem += objective >= value
    return Solution(_assignment(inst, chosen), proven=True)


def _assignment(inst: Instance, chosen: np.ndarray) -> np.ndarray:
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    assignment[inst.rows[chosen]] = inst.cols[chosen]
    return assignment

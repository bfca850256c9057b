"""MIP engine through PuLP (HiGHS, CBC when HiGHS is missing): every rule, lexicographic stages.

PuLP builds models one variable at a time, so this engine is for requests that
stay small (tens of thousands of candidate pairs at most); `auto` never picks it.
"""

from __future__ import annotations

import time
from typing import TypeAlias

import numpy as np
import pulp

from solver.encode.instance import Instance, Solution
from solver.encode.quantise import SCORE_SCALE
from solver.engines.cpsat import arcs_by

Expression: TypeAlias = pulp.LpAffineExpression


def _solver(time_limit_s: float) -> pulp.LpSolver:
    limit = max(time_limit_s, 0.01)
    # Every stage objective is integral: a gap below one unit proves the optimum.
    if "HiGHS" in pulp.listSolvers(onlyAvailable=True):
        return pulp.HiGHS(msg=False, timeLimit=limit, gapRel=0, gapAbs=0.5, threads=1)
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=limit, gapRel=0, gapAbs=0.5, threads=1)


def _weighted(x: list[pulp.LpVariable], weights: np.ndarray, arcs: np.ndarray) -> Expression:
    return pulp.lpSum(int(weights[k]) * x[k] for k in arcs.tolist() if weights[k])


def _constraints(problem: pulp.LpProblem, x: list[pulp.LpVariable], inst: Instance) -> None:
    everything = np.arange(len(x))
    for arcs in arcs_by(inst.rows):
        problem += pulp.lpSum(x[k] for k in arcs) <= 1
    pinned = inst.side_pinned_per_mentor()
    minimum = inst.side.group_min or 1
    for arcs in arcs_by(inst.cols):
        j = int(inst.cols[arcs[0]])
        load = pulp.lpSum(x[k] for k in arcs)
        if minimum > 1 and pinned[j] == 0:
            opened = problem.add_variable(f"open{j}", 0, 1, cat=pulp.LpBinary)
            problem += load <= int(inst.capacity[j]) * opened
            problem += load >= minimum * opened
        else:
            problem += load <= int(inst.capacity[j])
            if minimum > 1:
                problem += load >= max(minimum - int(pinned[j]), 0)
    for cross in inst.side.cross:
        coef, rhs = cross.coefficients()
        problem += _weighted(x, coef, everything) >= rhs
    for same in inst.side.same:
        value = same.value[inst.rows]
        known = np.nonzero(value >= 0)[0]
        for arcs in arcs_by(inst.cols[known] * (int(value.max(initial=0)) + 1) + value[known]):
            j, v = int(inst.cols[known[arcs[0]]]), int(value[known[arcs[0]]])
            problem += pulp.lpSum(x[known[k]] for k in arcs) <= same.k - same.pinned.get((j, v), 0)
    _stability(problem, x, inst)


def _stability(problem: pulp.LpProblem, x: list[pulp.LpVariable], inst: Instance) -> None:
    stability = inst.side.stability
    if stability is None:
        return
    mentee_arcs = {int(inst.rows[a[0]]): a for a in arcs_by(inst.rows)}
    for arcs in arcs_by(inst.cols):
        room = int(inst.capacity[int(inst.cols[arcs[0]])])
        by_mentor = arcs[np.argsort(stability.mentor_rank[arcs])]
        for position, a in enumerate(by_mentor.tolist()):
            mine = mentee_arcs[int(inst.rows[a])]
            better = mine[stability.mentee_rank[mine] < stability.mentee_rank[a]]
            taken = pulp.lpSum([x[a], *(x[k] for k in better)])
            problem += room * taken + pulp.lpSum(x[k] for k in by_mentor[:position]) >= room


def _stages(problem: pulp.LpProblem, x: list[pulp.LpVariable], inst: Instance) -> list[Expression]:
    everything = np.arange(len(x))
    stages = []
    for balance in inst.side.balance:
        value = balance.value[inst.rows]
        shortfall = []
        for v, target in enumerate(balance.target.tolist()):
            missing = target - int(balance.pinned[v])
            if missing > 0:
                gap = problem.add_variable(f"short_{balance.attribute}_{v}", 0, missing)
                arcs = np.nonzero(value == v)[0]
                problem += gap >= missing - pulp.lpSum(x[k] for k in arcs)
                shortfall.append(gap)
        stages.append(-pulp.lpSum(shortfall))
    stages.append(_weighted(x, inst.volunteer[inst.rows].astype(np.int64), everything))
    stages.append(pulp.lpSum(x))
    stages.append(_weighted(x, inst.waiting[inst.rows], everything))
    if inst.side.fair:
        floor = problem.add_variable("lowest_gain", 0, inst.pinned_min_gain or SCORE_SCALE)
        for k, var in enumerate(x):
            problem += floor + SCORE_SCALE * var <= int(inst.gain[k]) + SCORE_SCALE
        stages.append(pulp.lpSum([floor]))
    stages.append(_weighted(x, inst.gain, everything))
    return stages


def solve_mip(inst: Instance, *, time_limit_s: float) -> Solution:
    """The lexicographic optimum by MIP, the best found when time runs out, or none."""
    problem = pulp.LpProblem("binome", pulp.LpMaximize)
    x = [problem.add_variable(f"x{k}", 0, 1, cat=pulp.LpBinary) for k in range(len(inst.rows))]
    _constraints(problem, x, inst)
    stages = _stages(problem, x, inst)
    deadline = time.monotonic() + time_limit_s
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

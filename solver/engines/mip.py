"""MIP engine: HiGHS branch and bound on every rule, lexicographic stages, built from arrays.

The same model as CP-SAT: one 0/1 column per candidate pair, the assignment rows, every
program rule's rows (`ProgramRule.linear`) with its own integer columns, and the same
stages, each maximised and then held (`≥ its value − ½`, every level but the score being
integral) for the next. The model is passed to HiGHS once, as arrays; a stage changes
only the costs and adds one row. Every stage is started (`setSolution`) from the best
assignment known, the flow's answer first, and on a plain request keeps it when HiGHS
ends with worse (`engines/start.py`). Each stage gets what remains of the one deadline.
`auto` picks this model only through the reduced LP path (`engines/large/`).
"""

from __future__ import annotations

import math
import threading
import time

import highspy
import numpy as np

from solver.encode.instance import Instance, Solution
from solver.encode.quantise import SCORE_SCALE
from solver.engines.large.share_lp import highs_with, row_sides, run_highs
from solver.engines.start import better, kept_start, plain_levels
from solver.runtime import Cancel

MIP_ABS_GAP = 1e-7  # score units: the total is proven within this; the other levels exactly
Parts = tuple[
    list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray]
]


def _parts(inst: Instance) -> tuple[Parts, list[float], list[float], list[np.ndarray]]:
    """(rows, columns, values, lower, upper) of the matrix, the columns' bounds, and each
    rule stage's costs (first the stages before volunteers, then the others)."""
    n_arcs, n, m = len(inst.rows), inst.n_mentees, inst.n_mentors
    arcs = np.arange(n_arcs)
    parts: Parts = ([inst.rows, n + inst.cols], [arcs, arcs], [np.ones(n_arcs)] * 2, [], [])
    parts[3].extend([np.zeros(n), np.zeros(m)])
    parts[4].extend([np.ones(n), inst.capacity.astype(float)])
    col_low, col_high = [0.0] * n_arcs, [1.0] * n_arcs
    first_row = n + m
    stages: dict[bool, list[tuple[np.ndarray, np.ndarray]]] = {True: [], False: []}
    for linear in (lin for rule in inst.rules for lin in rule.linear(inst)):
        offset = len(col_low)
        column = np.where(linear.var < n_arcs, linear.var, linear.var - n_arcs + offset)
        col_low.extend(linear.own_lower.astype(float).tolist())
        col_high.extend(linear.own_upper.astype(float).tolist())
        parts[0].append(first_row + linear.row)
        parts[1].append(column)
        parts[2].append(linear.coef / linear.unit)
        parts[3].append(row_sides(linear.lower, linear.unit))
        parts[4].append(row_sides(linear.upper, linear.unit))
        first_row += linear.rows
        for stage in linear.stages:
            index = np.where(stage.var < n_arcs, stage.var, stage.var - n_arcs + offset)
            stages[stage.before == "volunteers"].append((index, stage.coef))
    width = len(col_low)
    costs = [np.bincount(i, weights=c, minlength=width) for i, c in stages[True]]
    rest = [np.bincount(i, weights=c, minlength=width) for i, c in stages[False]]
    core = [np.pad(w.astype(float), (0, width - n_arcs)) for w in plain_levels(inst)]
    core[-1] = core[-1] / SCORE_SCALE
    return parts, col_low, col_high, [*costs, *core[:3], *rest, core[3]]


def _model(inst: Instance) -> tuple[highspy.HighsLp, list[np.ndarray]]:
    """Data → columns → rows → stages (objectives), as one HiGHS model from arrays."""
    (rows, cols, values, lower, upper), col_low, col_high, stages = _parts(inst)
    row, col, value = np.concatenate(rows), np.concatenate(cols), np.concatenate(values)
    order = np.lexsort((row, col))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(col_low), int(sum(len(part) for part in lower))
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.zeros(lp.num_col_)
    lp.col_lower_, lp.col_upper_ = np.array(col_low), np.array(col_high)
    lp.row_lower_, lp.row_upper_ = np.concatenate(lower), np.concatenate(upper)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(col[order], np.arange(lp.num_col_ + 1)).astype(np.int32)
    lp.a_matrix_.index_ = row[order].astype(np.int32)
    lp.a_matrix_.value_ = value[order].astype(float)
    return lp, stages


def _run_stage(
    highs: highspy.Highs, cost: np.ndarray, start: np.ndarray | None, seconds: float, cancel: Cancel
) -> tuple[highspy.HighsModelStatus, np.ndarray | None]:
    """One level: HiGHS's status and its incumbent's columns (None without one)."""
    width = len(cost)
    highs.changeColsCost(width, np.arange(width, dtype=np.int32), cost)
    highs.setOptionValue("time_limit", max(seconds, 0.01))
    if start is not None:
        index = np.arange(len(start), dtype=np.int32)
        highs.setSolution(len(start), index, start.astype(float))
    timer = threading.Timer(max(seconds, 0.01), highs.cancelSolve)  # HiGHS overruns its own
    timer.start()
    try:
        run_highs(highs, cancel)
    finally:
        timer.cancel()
    info = highs.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return highs.getModelStatus(), None
    return highs.getModelStatus(), np.asarray(highs.getSolution().col_value)


def solve_mip(
    inst: Instance,
    *,
    time_limit_s: float,
    hint: np.ndarray | None = None,
    cancel: Cancel | None = None,
) -> Solution:
    """The lexicographic optimum by MIP, the best found when time runs out, or none."""
    cancel = cancel or Cancel()
    deadline = time.monotonic() + time_limit_s  # building the model counts too
    lp, stages = _model(inst)
    n_arcs, total = len(inst.rows), len(stages) - 1
    highs = highs_with(lp, mip_rel_gap=0.0, mip_abs_gap=0.5, presolve="off")
    start = None if hint is None else hint[inst.rows] == inst.cols
    kept = kept_start(inst, start)  # a flow's answer on a plain request, else None
    levels = plain_levels(inst) if kept is not None else []
    found: np.ndarray | None = None
    for level, cost in enumerate(stages):
        if level == total:
            highs.setOptionValue("mip_abs_gap", MIP_ABS_GAP)
        known = better(levels[level:], found, kept)
        known = known if known is not None else start
        status, columns = _run_stage(highs, cost, known, deadline - time.monotonic(), cancel)
        if status == highspy.HighsModelStatus.kInfeasible:
            return Solution(_assignment(inst, None), proven=True, feasible=False)
        incumbent = None if columns is None else columns[:n_arcs] > 0.5
        best = better(levels[level:], incumbent if incumbent is not None else found, kept)
        if status != highspy.HighsModelStatus.kOptimal:
            bound = _bound(highs) if level == total and columns is not None else None
            return Solution(
                _assignment(inst, best), proven=False, gain_bound=bound, feasible=best is not None
            )
        found, value = best, float(highs.getInfo().objective_function_value)
        if level < total:
            _hold(highs, cost, round(value))
            if kept is not None and int(levels[level][kept].sum()) < round(value):
                kept = None  # beaten on this level: it no longer keeps the held value
    return Solution(_assignment(inst, found), proven=True)


def _hold(highs: highspy.Highs, cost: np.ndarray, value: int) -> None:
    """Later stages keep this level at its optimum (integral: within a half)."""
    nonzero = np.nonzero(cost)[0].astype(np.int32)
    highs.addRow(value - 0.5, highspy.kHighsInf, len(nonzero), nonzero, cost[nonzero])


def _bound(highs: highspy.Highs) -> int | None:
    """HiGHS's bound on the total, in gain units (None before it has one)."""
    dual = float(highs.getInfo().mip_dual_bound)
    return round(dual * SCORE_SCALE) if math.isfinite(dual) else None


def _assignment(inst: Instance, chosen: np.ndarray | None) -> np.ndarray:
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    if chosen is not None:
        assignment[inst.rows[chosen]] = inst.cols[chosen]
    return assignment

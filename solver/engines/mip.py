"""MIP engine: HiGHS branch and bound on every rule, lexicographic stages, built from arrays.

The same model as CP-SAT: one 0/1 column per candidate pair, the assignment rows, every
program rule's rows (`ProgramRule.linear`) with its own integer columns, and the same
stages, each maximised and then held (`≥ its value − ½`, every level but the score being
integral) for the next. The model is passed to HiGHS once, as arrays; a stage changes
only the costs and adds one row. Every stage is started (`setSolution`) from the best
assignment known, the start first, and keeps a start that keeps every row when HiGHS
ends with worse (`engines/start.py`). Each stage gets what remains of the one deadline.
`auto` picks this model only through the reduced LP path (`engines/large/`).
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np

from solver.encode.instance import Instance, Solution
from solver.encode.quantise import SCORE_SCALE
from solver.engines.large.share_lp import highs_with, row_sides, run_highs
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
from solver.runtime import Cancel

MIP_ABS_GAP = 1e-7  # score units: the total is proven within this; the other levels exactly
Parts = tuple[
    list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray]
]


def _parts(inst: Instance, linears: list[Linear]) -> tuple[Parts, list[float], list[float]]:
    """(rows, columns, values, lower, upper) of the matrix and the columns' bounds: the
    arcs, then each rule's own variables, in the order of `linears`."""
    n_arcs, n, m = len(inst.rows), inst.n_mentees, inst.n_mentors
    arcs = np.arange(n_arcs)
    parts: Parts = ([inst.rows, n + inst.cols], [arcs, arcs], [np.ones(n_arcs)] * 2, [], [])
    parts[3].extend([np.zeros(n), np.zeros(m)])
    parts[4].extend([np.ones(n), inst.capacity.astype(float)])
    col_low, col_high = [0.0] * n_arcs, [1.0] * n_arcs
    first_row = n + m
    for linear in linears:
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
    return parts, col_low, col_high


def _model(inst: Instance, linears: list[Linear]) -> highspy.HighsLp:
    """Data → columns → rows, as one HiGHS model from arrays."""
    (rows, cols, values, lower, upper), col_low, col_high = _parts(inst, linears)
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
    return lp


def _run_stage(
    highs: highspy.Highs, cost: np.ndarray, start: np.ndarray | None, seconds: float, cancel: Cancel
) -> tuple[highspy.HighsModelStatus, np.ndarray | None]:
    """One level: HiGHS's status and its incumbent's columns (None without one)."""
    width = len(cost)
    highs.changeColsCost(width, np.arange(width, dtype=np.int32), cost)
    if start is not None:
        index = np.arange(len(start), dtype=np.int32)
        highs.setSolution(len(start), index, start.astype(float))
    run_highs(highs, cancel, seconds)
    info = highs.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return highs.getModelStatus(), None
    return highs.getModelStatus(), np.asarray(highs.getSolution().col_value)


def _search(
    highs: highspy.Highs,
    weights: np.ndarray,
    last: bool,
    start: np.ndarray | None,
    run: tuple[float, Cancel],
) -> Outcome:
    """One stage's search in the time left (`run`: seconds and cancel); the total in score
    units, proven within MIP_ABS_GAP, the other levels integral."""
    cost = weights / SCORE_SCALE if last else weights.astype(float)
    if last:
        highs.setOptionValue("mip_abs_gap", MIP_ABS_GAP)
    status, columns = _run_stage(highs, cost, start, *run)
    incumbent = None if columns is None else np.rint(columns).astype(np.int64)
    if status == highspy.HighsModelStatus.kInfeasible:
        return Outcome("infeasible")
    if status != highspy.HighsModelStatus.kOptimal:
        return Outcome("stopped", incumbent=incumbent, bound=_bound(highs) if last else None)
    return Outcome("optimal", round(highs.getInfo().objective_function_value), incumbent)


def solve_mip(
    inst: Instance,
    *,
    time_limit_s: float,
    hint: np.ndarray | None = None,
    relaxed: Relaxed | None = None,
    cancel: Cancel | None = None,
) -> Solution:
    """The lexicographic optimum by MIP, the best found when time runs out, or none; a
    level the best known takes to its ceiling (`start.ceilings`; `relaxed` is the flow
    relaxation and its optimum) is proven without a search."""
    deadline = time.monotonic() + time_limit_s  # building the model counts too
    linears = rows_of_rules(inst)
    highs = highs_with(_model(inst, linears), mip_rel_gap=0.0, mip_abs_gap=0.5, presolve="off")
    cancel = cancel or Cancel()
    weights, ceiling = levels(inst, linears), ceilings(inst, linears, relaxed)
    start = None if hint is None else hint[inst.rows] == inst.cols
    kept = start_values(inst, linears, start)  # None when the start breaks a row
    found: np.ndarray | None = None
    for level, stage in enumerate(weights):
        known = better(weights[level:], found, kept)
        value = None if known is None else int(stage @ known)
        if value is None or not ceiling.reached(level, value):
            last, run = level == len(weights) - 1, (deadline - time.monotonic(), cancel)
            outcome = _search(highs, stage, last, start if known is None else known, run)
            if outcome.status == "infeasible":
                return Solution(_assignment(inst, None), proven=True, feasible=False)
            mine = found if outcome.incumbent is None else outcome.incumbent
            known = better(weights[level:], mine, kept)
            if outcome.status == "stopped":
                return Solution(_assignment(inst, known), False, outcome.bound, known is not None)
            value = outcome.value if not last else int(stage @ known)
        if level < len(weights) - 1:
            _hold(highs, stage.astype(float), value)
        ceiling.fixed(level, value)
        found = known
        if kept is not None and int(stage @ kept) < value:
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


def _assignment(inst: Instance, values: np.ndarray | None) -> np.ndarray:
    """Each mentee's mentor in an assignment given as every column's value (None: nobody)."""
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    if values is not None:
        chosen = values[: len(inst.rows)] > 0
        assignment[inst.rows[chosen]] = inst.cols[chosen]
    return assignment

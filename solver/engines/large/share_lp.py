"""The reduced share's linear program, built from arrays: class counts, one mentor per
mentee, capacities and the program rules' rows over the kept arcs, for HiGHS (its LP and its
branch and bound), which a cancel interrupts."""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from functools import partial
from typing import Any

import highspy
import numpy as np

from solver.encode.instance import Instance
from solver.encode.quantise import SCORE_SCALE
from solver.rules.program.base import NO_BOUND
from solver.runtime import Cancel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counts:
    classes: np.ndarray
    counts: np.ndarray


def row_sides(values: np.ndarray, unit: int) -> np.ndarray:
    """Row sides for HiGHS: divided by the rows' unit, ±NO_BOUND as infinite."""
    side = values.astype(float) / unit
    side[values >= NO_BOUND] = highspy.kHighsInf
    side[values <= -NO_BOUND] = -highspy.kHighsInf
    return side


def coordinates(inst: Instance, counts: Counts, keep: np.ndarray) -> tuple[list[np.ndarray], ...]:
    """(rows, columns, values, lower, upper) parts of the LP: class counts (row c: class c,
    0 is empty), one mentor per mentee, capacities, then the rules' rows over kept arcs."""
    rows, cols = inst.rows[keep], inst.cols[keep]
    n_arcs, n, m, k = len(rows), inst.n_mentees, inst.n_mentors, len(counts.counts)
    arcs = np.arange(n_arcs)
    entry_rows = [counts.classes[rows], k + rows, k + n + cols]
    entry_cols, entry_values = [arcs] * 3, [np.ones(n_arcs)] * 3
    lower = [counts.counts.astype(float), np.zeros(n), np.zeros(m)]
    upper = [counts.counts.astype(float), np.ones(n), inst.capacity.astype(float)]
    column = np.full(len(inst.rows), -1)
    column[keep] = arcs
    first = k + n + m
    for linear in (lin for rule in inst.rules for lin in rule.linear(inst)):
        if linear.family is None:
            continue  # a level only (fair): handled by the score floor
        chosen = column[linear.var] >= 0
        entry_rows.append(first + linear.row[chosen])
        entry_cols.append(column[linear.var[chosen]])
        entry_values.append(linear.coef[chosen] / linear.unit)
        lower.append(row_sides(linear.lower, linear.unit))
        upper.append(row_sides(linear.upper, linear.unit))
        first += linear.rows
    return entry_rows, entry_cols, entry_values, lower, upper


def share_model(inst: Instance, counts: Counts, keep: np.ndarray) -> highspy.HighsLp:
    """The matching with its side rows as an LP over the kept arcs, built from arrays."""
    entry_rows, entry_cols, entry_values, lower, upper = coordinates(inst, counts, keep)
    row, col = np.concatenate(entry_rows), np.concatenate(entry_cols)
    value = np.concatenate(entry_values)
    order = np.lexsort((row, col))
    n_arcs = int(keep.sum())
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_arcs, int(sum(len(part) for part in lower))
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = inst.gain[keep] / SCORE_SCALE
    lp.col_lower_, lp.col_upper_ = np.zeros(n_arcs), np.ones(n_arcs)
    lp.row_lower_, lp.row_upper_ = np.concatenate(lower), np.concatenate(upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(col[order], np.arange(n_arcs + 1)).astype(np.int32)
    lp.a_matrix_.index_ = row[order].astype(np.int32)
    lp.a_matrix_.value_ = value[order].astype(float)
    return lp


def highs_with(lp: highspy.HighsLp, **options: float | int | bool | str) -> highspy.Highs:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    for name, value in options.items():
        highs.setOptionValue(name, value)
    highs.passModel(lp)
    return highs


def _improved(cancel: Cancel, event: Any) -> None:
    """A better MIP incumbent: its objective and the dual bound, to the caller."""
    bound = float(event.data_out.mip_dual_bound)
    found = float(event.data_out.objective_function_value)
    cancel.report("mip", found, bound if math.isfinite(bound) else None)


def run_highs(highs: highspy.Highs, cancel: Cancel, seconds: float | None = None) -> None:
    """HiGHS's search, which `cancel` interrupts (then `Cancelled` is raised) and, when
    `seconds` are given, a timer stops after them: HiGHS checks its own time limit too
    seldom (an LP on 260,000 columns ran 0.7 s past it)."""
    highs.HandleUserInterrupt = True
    timer = None
    if seconds is not None:
        highs.setOptionValue("time_limit", max(seconds, 0.01))
        timer = threading.Timer(max(seconds, 0.01), highs.cancelSolve)
        timer.start()
    listening = cancel.on_progress is not None
    if listening:
        highs.cbMipImprovingSolution.subscribe(partial(_improved, cancel))
    try:
        with cancel.stopping(highs.cancelSolve):
            highs.run()
    finally:
        if listening:
            highs.cbMipImprovingSolution.clear()
        if timer is not None:
            timer.cancel()
    cancel.check()

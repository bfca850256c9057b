"""Large requests with a cross share: a proven optimum without a boolean per pair.

CP-SAT with one boolean per pair does not scale (1,000 × 350 dense: 60 s and
still 16 % from optimal). The cross share is a single row on top of a network,
so:

1. flows fix how many mentees of each priority class are matched, check that
   the share is reachable with those counts and, for `fair`, find the highest
   score floor that keeps both;
2. a Lagrangian penalty on the share row, tuned by bisection, gives a feasible
   flow solution close to the optimum (the incumbent);
3. the LP relaxation (HiGHS, built from numpy arrays) gives an upper bound and
   reduced costs; a pair whose reduced cost is below (incumbent − bound) cannot
   be in any better solution, so it is dropped (reduced-cost fixing);
4. an exact search on the few pairs left, started from the incumbent, proves
   the optimum, and that optimum is the optimum of the whole request: HiGHS
   branch and bound (`exact="mip"`, what `auto` uses: the LP is its strength)
   or CP-SAT (`exact="cpsat"`). "Proven" is up to MIP_ABS_GAP of the total.

Returns None when the request is not of this shape; the caller then uses the
general model of the engine. When the time runs out before the LP's bound, the
incumbent is the answer (feasible: it keeps the share, the counts and the floor).
"""

from __future__ import annotations

import logging
import math
import time

import highspy
import numpy as np

from solver.encode.instance import Instance, Solution, priority_class
from solver.encode.quantise import SCORE_SCALE
from solver.engines.cpsat import solve_cpsat
from solver.engines.flow import (
    class_counts,
    fair_floor,
    fair_threshold,
    flow_relaxation,
    score_flow,
)
from solver.engines.large.share_lp import Counts, highs_with, run_highs, share_model
from solver.rules.program import CrossShare, Fair, MaxSamePerMentor
from solver.rules.program.base import NO_BOUND
from solver.rules.program.cross import SHARE_SCALE
from solver.runtime import Cancel

log = logging.getLogger(__name__)


SAFETY = 1e-6  # score units kept beyond the reduced-cost threshold, for LP round-off


MIP_ABS_GAP = 1e-7  # score units: HiGHS stops when the total is proven within this
SPENT = 0.05  # seconds: an LP that ended with less left than this was stopped by the time
LP_SECONDS_PER_ARC = 1e-5  # the share's LP (simplex) took 2.6 s on 263,720 arcs (measured)


def _cross_value(
    cross: CrossShare, assignment: np.ndarray, inst: Instance, keep: np.ndarray
) -> int:
    coef, _ = cross.coefficients()
    used = keep & (assignment[inst.rows] == inst.cols)
    return int(coef[used].sum())


def _best_cross(inst: Instance, counts: Counts, keep: np.ndarray) -> np.ndarray | None:
    """The assignment with the most share credit among arcs kept, or None if counts fail."""
    coef, _ = inst.all(CrossShare)[0].coefficients()
    return score_flow(flow_relaxation(inst), counts.classes, counts.counts, coef, keep)


def _reachable(inst: Instance, counts: Counts, keep: np.ndarray) -> bool:
    cross = inst.all(CrossShare)[0]
    assignment = _best_cross(inst, counts, keep)
    _, rhs = cross.coefficients()
    return assignment is not None and _cross_value(cross, assignment, inst, keep) >= rhs


def _incumbent(
    inst: Instance, counts: Counts, keep: np.ndarray, deadline: float
) -> tuple[np.ndarray | None, int]:
    """Bisection on the penalty λ of the share row: the best feasible flow solution found,
    and the lowest Lagrangian bound met on the way. For every λ ≥ 0 the penalised flow's
    optimum, less λ × the row's right-hand side, bounds every answer that keeps the share
    with these counts (weak duality); costs rounded to integers move it by at most ½ a
    unit per pair made, which the bound adds."""
    coef, rhs = inst.all(CrossShare)[0].coefficients()
    relaxed = flow_relaxation(inst)
    slack = (int(counts.counts.sum()) + 1) // 2 + 1
    best, bound = None, NO_BOUND
    low, high = 0.0, float(SCORE_SCALE) / SHARE_SCALE * (inst.n_mentees + 1)
    for step in range(41):
        if step and (time.monotonic() > deadline or high - low < 1e-6):
            break
        penalty = 0.0 if step == 0 else (low + high) / 2
        costs = inst.gain + np.rint(penalty * coef).astype(np.int64)
        found = score_flow(relaxed, counts.classes, counts.counts, costs, keep)
        if found is None:
            return None, NO_BOUND
        used = keep & (found[inst.rows] == inst.cols)
        value = int(costs[used].sum()) - math.floor(penalty * rhs)
        bound = min(bound, value + (slack if step else 0))
        if int(coef[used].sum()) >= rhs:
            best, high = found, penalty
            if step == 0:
                break  # the plain optimum keeps the share: it is the optimum
        else:
            low = penalty
    return (best if best is not None else _best_cross(inst, counts, keep)), bound


def _lp_reduced_costs(
    inst: Instance, counts: Counts, keep: np.ndarray, deadline: float, cancel: Cancel
) -> tuple[float, np.ndarray] | None:
    """LP bound (score units) and reduced costs of the kept arcs, or None if HiGHS fails or
    the time left runs out."""
    highs = highs_with(share_model(inst, counts, keep))
    run_highs(highs, cancel, deadline - time.monotonic())
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        log.warning("LP bound not optimal: %s", highs.modelStatusToString(highs.getModelStatus()))
        return None
    bound = float(highs.getInfo().objective_function_value)
    return bound, np.asarray(highs.getSolution().col_dual)


def _mip_optimum(
    inst: Instance,
    counts: Counts,
    keep: np.ndarray,
    incumbent: np.ndarray,
    deadline: float,
    cancel: Cancel,
) -> Solution | None:
    """HiGHS branch and bound on the surviving arcs, started from the incumbent."""
    lp = share_model(inst, counts, keep)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    highs = highs_with(lp, mip_rel_gap=0.0, mip_abs_gap=MIP_ABS_GAP)
    start = (incumbent[inst.rows[keep]] == inst.cols[keep]).astype(float)
    highs.setSolution(lp.num_col_, np.arange(lp.num_col_, dtype=np.int32), start)
    run_highs(highs, cancel, deadline - time.monotonic())
    status = highs.getModelStatus()
    info = highs.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None
    chosen = np.zeros(len(inst.rows), dtype=bool)
    chosen[np.nonzero(keep)[0]] = np.asarray(highs.getSolution().col_value) > 0.5
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    assignment[inst.rows[chosen]] = inst.cols[chosen]
    if status == highspy.HighsModelStatus.kOptimal:
        return Solution(assignment, proven=True)
    dual = float(info.mip_dual_bound)
    if not math.isfinite(dual):  # stopped before any bound: the caller's LP bound holds
        return Solution(assignment, proven=False)
    return Solution(assignment, proven=False, gain_bound=round(dual * SCORE_SCALE))


def _floored(inst: Instance, counts: Counts) -> np.ndarray:
    """The arcs an answer may use: all of them, or with `fair` those at or above the highest
    score floor that keeps the counts and the share."""
    if not inst.has(Fair):
        return np.ones(len(inst.rows), dtype=bool)
    threshold = fair_threshold(
        inst, counts.classes, counts.counts, lambda kept: _reachable(inst, counts, kept)
    )
    return inst.gain >= fair_floor(inst, threshold)


def _survivors(
    inst: Instance,
    counts: Counts,
    keep: np.ndarray,
    incumbent: np.ndarray,
    deadline: float,
    cancel: Cancel,
) -> tuple[float, np.ndarray] | None:
    """The LP bound (score units) and the arcs whose reduced cost leaves them a chance to be
    in a better answer than the incumbent (its own arcs kept); None: no trustworthy bound."""
    used = keep & (incumbent[inst.rows] == inst.cols)
    value = float(inst.gain[used].sum()) / SCORE_SCALE
    relaxation = _lp_reduced_costs(inst, counts, keep, deadline, cancel)
    if relaxation is None or relaxation[0] < value - SAFETY:
        return None
    bound, reduced = relaxation
    survivors = keep.copy()
    survivors[keep] = reduced >= (value - bound) - SAFETY
    survivors |= used
    log.info(
        "reduced pairs=%d kept=%d survivors=%d gap=%.3g",
        len(inst.rows),
        int(keep.sum()),
        int(survivors.sum()),
        bound - value,
    )
    return bound, survivors


def _exact(
    inst: Instance,
    counts: Counts,
    survivors: np.ndarray,
    incumbent: np.ndarray,
    deadline: float,
    exact: str,
    seed: int,
    num_workers: int,
    cancel: Cancel,
) -> Solution | None:
    """The exact search on the surviving arcs: HiGHS branch and bound, or CP-SAT."""
    if exact == "mip":
        return _mip_optimum(inst, counts, survivors, incumbent, deadline, cancel)
    return solve_cpsat(
        inst.subset(survivors),
        time_limit_s=max(deadline - time.monotonic(), 0.01),
        seed=seed,
        num_workers=num_workers,
        hint=incumbent,
        cancel=cancel,
    )


def solve_reduced(
    inst: Instance,
    *,
    exact: str,
    time_limit_s: float,
    seed: int,
    num_workers: int,
    cancel: Cancel | None = None,
) -> Solution | None:
    """The proven optimum of a large request with one cross share, or None to fall back
    (the share changes how many can be matched, or the LP gives no trustworthy bound: the
    general model decides)."""
    if len(inst.all(CrossShare)) != 1 or len(inst.all(MaxSamePerMentor)) > 1 or not len(inst.rows):
        return None
    deadline = time.monotonic() + time_limit_s
    cancel = cancel or Cancel()
    classes = priority_class(inst)
    counts = Counts(classes, class_counts(flow_relaxation(inst), classes))
    if not _reachable(inst, counts, np.ones(len(inst.rows), dtype=bool)):
        return None
    keep = _floored(inst, counts)
    incumbent, lagrangian = _incumbent(inst, counts, keep, deadline)
    if incumbent is None:
        return None
    found = _found(inst, incumbent, lagrangian)
    if found.proven or deadline - time.monotonic() < LP_SECONDS_PER_ARC * int(keep.sum()):
        return found  # proven by its bound, or no time left for the LP: the best found
    reduced = _survivors(inst, counts, keep, incumbent, deadline, cancel)
    if reduced is None:
        return found if deadline - time.monotonic() < SPENT else None
    bound, survivors = reduced
    solution = _exact(
        inst, counts, survivors, incumbent, deadline, exact, seed, num_workers, cancel
    )
    if solution is not None and solution.proven:
        return solution
    gain_bound = min(round(bound * SCORE_SCALE), lagrangian)  # both hold for the request
    best = incumbent if solution is None or not solution.feasible else solution.assignment
    return Solution(best, proven=False, gain_bound=gain_bound)


def _found(inst: Instance, incumbent: np.ndarray, bound: int) -> Solution:
    """The incumbent with its Lagrangian bound: proven when they meet (within the search's
    tolerance, as HiGHS's)."""
    chosen = incumbent[inst.rows] == inst.cols
    value = int(inst.gain[chosen].sum())
    if bound - value <= MIP_ABS_GAP * SCORE_SCALE:
        return Solution(incumbent, proven=True)
    return Solution(incumbent, proven=False, gain_bound=max(bound, value))

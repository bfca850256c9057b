"""Closing the gap of a priced share on balance's face: an exact model on the arcs that can
still matter.

At the λ of the lowest L(λ), potentials π proving its circulation x* optimal give every
arc a reduced cost r. For any circulation y of the face, its priced total is L(λ) less
Σ |r| · |y − x*| over the arcs (complementary slackness: an arc with r ≠ 0 sits at a
bound in x*). An answer y that meets the share totals at most its priced total, so if
it is at least as good as the best answer found, P, then Σ |r| · |y − x*| ≤ L(λ) − P:
every arc whose |r| exceeds that gap keeps its flow in x*. HiGHS's branch and bound on
the other arcs (flow conservation at every node they touch, the share's row, integer
flows), started from P, gives the optimum with the share on the whole face. Stopped by
the deadline, its incumbent and its bound still count (max(its bound, P) holds).

Before it, two cheaper models find a better P: one on the arcs where the two ends of the
pricing differ (the answers on either side of λ differ by cycles, and most of the gap is
which of them to flip), one on the arcs within a quarter of the gap.
"""

from __future__ import annotations

import logging
import math

import highspy
import numpy as np

from solver.encode.quantise import SCORE_SCALE
from solver.engines.balance_face import Face, Late, Point
from solver.engines.large.share_lp import highs_with, run_highs
from solver.engines.lexflow import Network, level_potentials
from solver.engines.mip import MIP_ABS_GAP
from solver.runtime import Cancel

log = logging.getLogger(__name__)


MOST_ARCS = 200_000  # arcs of the exact model at most: beyond, the gap stays as it is
TRIES = 3  # models on the arcs near λ at most: a quarter of the gap, then the gap left
UNTIMED = 60.0  # seconds the model gets when the request has no deadline
PRESOLVE_UP_TO = 50_000  # columns up to which HiGHS presolves the model (see `exact_options`)


def exact_options(columns: int, seconds: float) -> dict[str, float | str]:
    """HiGHS's options for an exact model of this many columns in this many seconds.

    Above `PRESOLVE_UP_TO` columns, no presolve: at 10,000 × 3,400 (cross + balance) the
    model on 149,885 arcs presolved in 2 s, then spent 25 s more before its first LP
    iteration in work HiGHS does not interrupt, for a budget of 8 s (the request, limited
    to 30 s, answered in 35.7 s). Without presolve its root LP starts at 0.6 s and stops
    within 3 s of the budget. Smaller models (those that prove 1,000 × 350) keep it."""
    options: dict[str, float | str] = {
        "mip_rel_gap": 0.0,
        "mip_abs_gap": MIP_ABS_GAP,
        "time_limit": seconds,
    }
    if columns > PRESOLVE_UP_TO:
        options["presolve"] = "off"
    return options


def reduced_costs(face: Face, lowest: Point) -> np.ndarray:
    """Each arc's reduced cost at `lowest`'s λ, from potentials proving its flows optimal."""
    net = face.net
    cost = -(face.gain + lowest.steps * face.credit)
    potential = level_potentials(net, cost, lowest.flows)
    return cost + potential[net.tail] - potential[net.head]


def model(face: Face, flows: np.ndarray, free: np.ndarray) -> highspy.HighsLp:
    """Integer flows on the free arcs, the others fixed at `flows`: conservation at each node
    a free arc touches, the share's row, the total to maximise (score units)."""
    net, arcs = face.net, np.nonzero(free)[0]
    fixed = np.where(free, 0, flows)
    inflow = np.bincount(net.head, weights=fixed, minlength=net.nodes)
    outflow = np.bincount(net.tail, weights=fixed, minlength=net.nodes)
    touched = np.unique(np.r_[net.tail[arcs], net.head[arcs]])
    row_of = np.full(net.nodes, -1)
    row_of[touched] = np.arange(len(touched))
    share_row = len(touched)
    k = len(arcs)
    rows = np.r_[row_of[net.head[arcs]], row_of[net.tail[arcs]], np.full(k, share_row)]
    cols = np.r_[np.arange(k), np.arange(k), np.arange(k)]
    values = np.r_[np.ones(k), -np.ones(k), face.credit[arcs].astype(float)]
    keep = values != 0
    rows, cols, values = rows[keep], cols[keep], values[keep]
    balance = (outflow - inflow)[touched]  # free inflow − free outflow at each node
    rest = float(face.rhs - int(face.credit @ fixed))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = k, len(touched) + 1
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = face.gain[arcs] / SCORE_SCALE
    lp.col_lower_, lp.col_upper_ = net.lower[arcs].astype(float), net.upper[arcs].astype(float)
    lp.row_lower_ = np.r_[balance, rest]
    lp.row_upper_ = np.r_[balance, highspy.kHighsInf]
    order = np.lexsort((rows, cols))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(k + 1)).astype(np.int32)
    lp.a_matrix_.index_ = rows[order].astype(np.int32)
    lp.a_matrix_.value_ = values[order]
    lp.integrality_ = [highspy.HighsVarType.kInteger] * k
    return lp


def close(
    face: Face, lowest: Point, ends: tuple[Point, Point], best: Point, bound: int, late: Late
) -> tuple[Point, int]:
    """The best answer and bound after the exact models: first on the arcs where the two
    ends of the pricing differ (the cycles between them, a better answer at once), then on
    the arcs within a quarter of the gap (fast), then within the whole gap left (the proof).
    As given when the arcs are too many or the models find nothing better."""
    low, high = ends
    best = _exact(face, high.flows, low.flows != high.flows, best, late, False)[0]
    lagrangian, reduced = lowest.at(lowest.steps), reduced_costs(face, lowest)
    margin = (lagrangian - best.gain) // 4 + 1
    for _ in range(TRIES):
        needed = lagrangian - best.gain  # a better answer moves only arcs within this
        if needed <= MIP_ABS_GAP * SCORE_SCALE or late():
            break
        margin = min(margin, needed)
        free = (face.net.upper > face.net.lower) & (np.abs(reduced) <= margin)
        log.info("priced balance closure: %d arcs within %d of %d", int(free.sum()), margin, needed)
        if int(free.sum()) > MOST_ARCS:
            break
        best, proven = _exact(face, lowest.flows, free, best, late, margin >= needed)
        if margin >= needed:  # every answer better than the start was in the model
            bound = min(bound, proven)
            break
        margin = lagrangian - best.gain
    return best, max(bound, best.gain)


def _exact(
    face: Face, flows: np.ndarray, free: np.ndarray, best: Point, late: Late, last: bool
) -> tuple[Point, int]:
    """HiGHS on the free arcs, the others at `flows`, started from `best` (which must keep
    them), in the time left (half of it unless `last`): the better of its answer and
    `best`, and the bound it proves on the model (gain units)."""
    lp = model(face, flows, free)
    seconds = late.left(UNTIMED) / (1 if last else 2)
    highs = highs_with(lp, **exact_options(lp.num_col_, seconds))
    arcs = np.nonzero(free)[0]
    start = best.flows[arcs].astype(float)
    highs.setSolution(lp.num_col_, np.arange(lp.num_col_, dtype=np.int32), start)
    run_highs(highs, late.cancel or Cancel(), seconds)
    status, info = highs.getModelStatus(), highs.getInfo()
    log.info("priced balance exact: %d arcs, %s", len(arcs), highs.modelStatusToString(status))
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        found = np.where(free, 0, flows)
        found[arcs] = np.rint(np.asarray(highs.getSolution().col_value)).astype(np.int64)
        point = Point(found, int(face.gain @ found), int(face.credit @ found) - face.rhs, -1)
        if _circulates(face.net, found) and point.excess >= 0 and point.gain > best.gain:
            best = point
    tolerance = int(MIP_ABS_GAP * SCORE_SCALE)
    dual = float(info.mip_dual_bound)
    proven = math.ceil(dual * SCORE_SCALE) + tolerance if math.isfinite(dual) else 2**62
    if status == highspy.HighsModelStatus.kOptimal:  # its incumbent, at least `best`'s
        proven = min(proven, best.gain + tolerance)
    return best, max(proven, best.gain)


def _circulates(net: Network, flows: np.ndarray) -> bool:
    """Whether the flows are a circulation within the face's bounds (HiGHS's answer,
    rounded, is checked before it is kept)."""
    inflow = np.bincount(net.head, weights=flows, minlength=net.nodes)
    outflow = np.bincount(net.tail, weights=flows, minlength=net.nodes)
    within = bool(((flows >= net.lower) & (flows <= net.upper)).all())
    return within and bool(np.array_equal(inflow, outflow))

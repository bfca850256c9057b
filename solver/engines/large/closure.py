"""Closing the gap a priced share leaves: an exact model on the pairs that can still matter.

At the λ of the lowest proven bound L(λ), the proof's potentials give every pair a reduced
cost rc ≥ 0 (pairs made aside). For any answer y with the proven class counts, its
penalised total is L(λ) + λ · rhs less Σ rc over the pairs it makes that the proof's
answer does not (and less other nonnegative terms): complementary slackness on the flow
with its (mentor, value) nodes. An answer y that meets the share totals at most its
penalised total less λ · rhs, so if it beats the best answer found, P, every pair it adds
has rc < L(λ) − P, the gap. Those pairs, with the pairs of the proof's answer and of the
best answer, are every arc a better answer can use: HiGHS's branch and bound on them (the
counts as equalities, each mentee once, the places, the max-same rows, the share row;
`share_lp.share_model`), started from the best answer, finds the optimum of the whole
request. It runs in the time the request has left; stopped early, its incumbent and its
bound still count (a better answer than P lies among the arcs, so max(its bound, P) holds).
When too many pairs are that close, nothing is built.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import highspy
import numpy as np

from solver.encode.instance import Solution, priority_class
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.large.pairs import arcs_instance
from solver.engines.large.priced_share import Priced, total
from solver.engines.large.proof import failing_pairs
from solver.engines.large.reduced_share import MIP_ABS_GAP
from solver.engines.large.rooms import rooms_of
from solver.engines.large.share_lp import Counts, highs_with, run_highs, share_model
from solver.rules.program import CrossShare
from solver.runtime import Cancel

if TYPE_CHECKING:
    from solver.engines.large.side_rules import SideRules

log = logging.getLogger(__name__)


MOST_ARCS = 200_000  # arcs of the exact model at most: beyond, the gap stays as it is


UNTIMED = 60.0  # seconds the model gets when the request has no deadline


def close(
    problem: Problem, usable: Usable, rules: SideRules, counts: np.ndarray, priced: Priced
) -> Solution | None:
    """The exact answer on the pairs that can still matter, or as far as the time goes;
    None when nothing was built (too many such pairs, no proof to read them from)."""
    keys = _could_matter(problem, usable, rules, priced)
    if keys is None:
        return None
    inst = arcs_instance(problem, usable, keys, same=rules.same)
    shares = CrossShare.bind(problem, inst.rows, inst.cols, inst.gain)
    inst = replace(inst, rules=inst.rules + tuple(shares))
    lp = share_model(inst, Counts(priority_class(inst), counts), np.ones(len(keys), dtype=bool))
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    left = UNTIMED if rules.deadline is None else max(rules.deadline - time.monotonic(), 0.01)
    highs = highs_with(lp, mip_rel_gap=0.0, mip_abs_gap=MIP_ABS_GAP, time_limit=left)
    start = (priced.best[inst.rows] == inst.cols).astype(float)
    highs.setSolution(lp.num_col_, np.arange(lp.num_col_, dtype=np.int32), start)
    run_highs(highs, rules.cancel or Cancel())
    log.info(
        "closure arcs=%d status=%s", len(keys), highs.modelStatusToString(highs.getModelStatus())
    )
    return _solution(problem, highs, inst.rows, inst.cols, priced)


def _could_matter(
    problem: Problem, usable: Usable, rules: SideRules, priced: Priced
) -> np.ndarray | None:
    """Keys of the pairs with a reduced cost below the gap, and of both answers."""
    proof, row = priced.proof, rules.row
    if proof is None or proof.distance is None or proof.assignment is None or row is None:
        return None
    if priced.bound is None or proof.inst is None:
        return None
    gap = priced.bound - total(problem, priced.best)
    penalty, rooms = row.penalty(priced.steps), rooms_of(proof.inst)
    near = failing_pairs(
        problem, usable, proof.distance, proof.assignment, None, penalty, gap + 1, None, True, rooms
    )
    if not near.complete or len(near.keys) > MOST_ARCS:
        log.info("closure: too many pairs within the gap (%d listed)", len(near.keys))
        return None
    m = problem.score.shape[1]
    made = [_made(answer, m) for answer in (proof.assignment, priced.best)]
    return distinct([near.keys, *made])


def _made(assignment: np.ndarray, m: int) -> np.ndarray:
    matched = np.nonzero(assignment >= 0)[0]
    return matched * m + assignment[matched]


def _solution(
    problem: Problem, highs: highspy.Highs, rows: np.ndarray, cols: np.ndarray, priced: Priced
) -> Solution | None:
    """The model's answer: proven, or the better of its incumbent and the priced answer
    with the lower of the two bounds."""
    info = highs.getInfo()
    best = priced.best
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        chosen = np.asarray(highs.getSolution().col_value) > 0.5
        found = np.full(len(best), -1, dtype=np.int64)
        found[rows[chosen]] = cols[chosen]
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            return Solution(found, proven=True)
        if total(problem, found) > total(problem, best):
            best = found
    bound = priced.bound if priced.bound is not None else 2**62
    dual = float(info.mip_dual_bound)
    if math.isfinite(dual):
        bound = min(bound, max(math.ceil(dual * SCORE_SCALE), total(problem, best)))
    return Solution(best, proven=False, gain_bound=bound)

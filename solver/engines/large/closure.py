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
from solver.engines.large.near import Pass
from solver.engines.large.pairs import arcs_instance, total
from solver.engines.large.priced_share import Priced
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


TRIES = 3  # models built at most: within a quarter of the gap, then within the gap left


UNTIMED = 60.0  # seconds the model gets when the request has no deadline


def close(
    problem: Problem,
    usable: Usable,
    rules: SideRules,
    counts: np.ndarray,
    priced: Priced,
    bound: int,
) -> Solution | None:
    """The exact answer on the pairs that can still matter, or as far as the time goes
    (`bound`: the best bound known); None without a proven L(λ). The first model sees the
    pairs within a quarter of the gap (a better answer, fast), the next ones those within
    the gap left: a model proves the optimum once every pair within it was in it."""
    lagrangian, best = priced.bound, _between(problem, usable, rules, counts, priced)
    if lagrangian is None:
        return None
    margin = (lagrangian - total(problem, best)) // 4 + 1
    for attempt in range(TRIES):
        near = _near(problem, usable, rules, priced, margin)
        if near is None or len(near.keys) > MOST_ARCS:
            log.info("closure: too many pairs within the gap, or no proof to list them")
            break
        keys = distinct([near.keys, *(_made(a, problem) for a in _answers(priced, best))])
        covers = near.complete and margin >= lagrangian - total(problem, best)
        found, proven, dual = _exact(
            problem, usable, rules, counts, keys, best, covers or attempt == TRIES - 1
        )
        if found is not None and total(problem, found) > total(problem, best):
            best = found
        needed = lagrangian - total(problem, best)  # a better answer's pairs: below this
        if near.complete and margin >= needed:  # every pair a better answer may use
            if proven:
                return Solution(best, proven=True)
            if dual is not None:
                bound = min(bound, max(dual, total(problem, best)))
            break
        if rules.late() or (margin == needed and not near.complete):
            break  # out of time, or the same pairs would be listed again
        margin = needed
    return Solution(best, bound - total(problem, best) <= MIP_ABS_GAP * SCORE_SCALE, bound)


def _between(
    problem: Problem, usable: Usable, rules: SideRules, counts: np.ndarray, priced: Priced
) -> np.ndarray:
    """The best answer on the pairs of the answers pricing found, each mentee choosing among
    its partners there: the share met and missed on either side of λ differ by cycles, and
    the model picks the cycles to flip (most of the Lagrangian gap is that choice)."""
    if priced.missed is None:
        return priced.best
    keys = distinct([_made(a, problem) for a in [priced.missed, *_answers(priced, priced.best)]])
    found, _, _ = _exact(problem, usable, rules, counts, keys, priced.best, False)
    if found is None or total(problem, found) <= total(problem, priced.best):
        return priced.best
    return found


def _answers(priced: Priced, best: np.ndarray) -> list[np.ndarray]:
    proof = priced.proof
    return [best] if proof is None or proof.assignment is None else [best, proof.assignment]


def _near(
    problem: Problem, usable: Usable, rules: SideRules, priced: Priced, margin: int
) -> Pass | None:
    """The pairs with a Lagrangian reduced cost below the margin (at most the pass's caps)."""
    proof, row = priced.proof, rules.row
    if proof is None or proof.distance is None or proof.assignment is None or row is None:
        return None
    if proof.inst is None:
        return None
    penalty, rooms = row.penalty(priced.steps), rooms_of(proof.inst)
    return failing_pairs(
        problem, usable, proof.distance, proof.assignment, None, penalty, margin, None, True, rooms
    )


def _made(assignment: np.ndarray, problem: Problem) -> np.ndarray:
    matched = np.nonzero(assignment >= 0)[0]
    return matched * problem.score.shape[1] + assignment[matched]


def _exact(
    problem: Problem,
    usable: Usable,
    rules: SideRules,
    counts: np.ndarray,
    keys: np.ndarray,
    best: np.ndarray,
    last: bool,
) -> tuple[np.ndarray | None, bool, int | None]:
    """HiGHS's branch and bound on these arcs, started from `best`, in the time left (half
    of it unless `last`): its answer, whether proven, and its bound (gain units)."""
    inst = arcs_instance(problem, usable, keys, same=rules.same)
    shares = CrossShare.bind(problem, inst.rows, inst.cols, inst.gain)
    inst = replace(inst, rules=inst.rules + tuple(shares))
    lp = share_model(inst, Counts(priority_class(inst), counts), np.ones(len(keys), dtype=bool))
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    left = UNTIMED if rules.deadline is None else max(rules.deadline - time.monotonic(), 0.01)
    seconds = left if last else left / 2
    highs = highs_with(lp, mip_rel_gap=0.0, mip_abs_gap=MIP_ABS_GAP, time_limit=seconds)
    start = (best[inst.rows] == inst.cols).astype(float)
    highs.setSolution(lp.num_col_, np.arange(lp.num_col_, dtype=np.int32), start)
    run_highs(highs, rules.cancel or Cancel(), seconds)
    status = highs.getModelStatus()
    log.info("closure arcs=%d status=%s", len(keys), highs.modelStatusToString(status))
    info = highs.getInfo()
    dual = float(info.mip_dual_bound)
    bound = math.ceil(dual * SCORE_SCALE) if math.isfinite(dual) else None
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None, False, bound
    chosen = np.asarray(highs.getSolution().col_value) > 0.5
    found = np.full(len(best), -1, dtype=np.int64)
    found[inst.rows[chosen]] = inst.cols[chosen]
    return found, status == highspy.HighsModelStatus.kOptimal, bound

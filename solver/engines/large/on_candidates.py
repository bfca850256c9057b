"""Large requests whose rules no matrix path proves: the engines on candidate pairs only.

Listing every pair of 10,000 × 3,400 as arcs with their rules' rows takes gigabytes and
minutes (a max-same flow on all 34 million arcs: 3.5 GB, 140 s). Here each mentee's and
each mentor's best pairs (`candidates.py`, read from the score matrix in blocks) are
the arcs, the program's rules are bound on them, and the engine table runs on that
instance within the request's time. The answer keeps every rule (the engines and the
validator see to it), but its optimum is only the candidates': it is `feasible`, and
its bound is one over every pair, by prices on the mentors' places (`dual_bound`),
never a bound of the candidates alone.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.encode.keys import distinct
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE, quantise
from solver.encode.usable import Usable, pair_gains
from solver.engines.large.candidates import candidates
from solver.engines.large.pairs import Bonus, arcs_instance
from solver.rules.program import bind as program_rules
from solver.runtime import BLOCK, in_blocks


def candidate_instance(problem: Problem, usable: Usable, bonus: Bonus | None) -> Instance:
    """The instance on candidate pairs (and a re-match's rewarded pairs), rules bound on
    them with the plain scores, as `encode.instance` binds them on every pair."""
    keys = candidates(problem, usable)
    if bonus is not None:
        keys = distinct([keys, bonus.keys])
    inst = arcs_instance(problem, usable, keys, bonus=bonus)
    plain = pair_gains(problem, keys)
    pinned = [int(quantise(np.array([problem.score[i, j]]))[0]) for i, j in problem.pins]
    return replace(
        inst,
        rules=program_rules(problem, inst.rows, inst.cols, plain),
        pinned_min_gain=min(pinned) if pinned else None,
    )


def unproven(problem: Problem, usable: Usable, solution: Solution) -> Solution:
    """The candidates' answer as an answer to the whole request: never proven, bounded by
    prices over every pair (`dual_bound`), not by a bound of the candidates alone."""
    bound = dual_bound(problem, usable, solution.assignment)
    return replace(solution, proven=False, gain_bound=bound)


PRICE_ROUNDS = 8  # subgradient steps on the mentors' prices: each one pass over the matrix


def _pass(problem: Problem, usable: Usable, price: np.ndarray) -> tuple[float, np.ndarray]:
    """Σ_i max(0, max_j (s_ij − p_j)) over free mentees, and how many pick each mentor."""
    n, m = problem.score.shape

    def block(first: int) -> tuple[float, np.ndarray]:
        last = min(first + BLOCK, n)
        value = np.where(usable.mask[first:last], problem.score[first:last] - price, -np.inf)
        best = value.max(axis=1, initial=0.0)
        picks = value.argmax(axis=1)[best > 0]
        return float(best.sum()), np.bincount(picks, minlength=m)

    found = in_blocks(block, range(0, n, BLOCK))
    return sum(f for f, _ in found), np.sum([p for _, p in found], axis=0)


def dual_bound(problem: Problem, usable: Usable, assignment: np.ndarray) -> int:
    """An upper bound, in gain units, on the total score of any pairing of the request (the
    pins' aside): for any prices p ≥ 0 on the mentors' places, Σ_i max(0, max_j (s_ij − p_j))
    + Σ_j places_j · p_j (weak duality of the assignment LP). Prices start at each full
    mentor's lowest score in the answer and follow a few subgradient steps."""
    n, m = problem.score.shape
    places = usable.capacity.astype(np.float64)
    price = np.zeros(m)
    rows = np.nonzero(assignment >= 0)[0]
    if len(rows):
        lowest = np.full(m, np.inf)
        np.minimum.at(lowest, assignment[rows], problem.score[rows, assignment[rows]])
        full = np.bincount(assignment[rows], minlength=m) >= places
        price = np.where(full & np.isfinite(lowest), lowest, 0.0)
    best = np.inf
    step = 0.05
    for _ in range(PRICE_ROUNDS):
        spent, picks = _pass(problem, usable, price)
        best = min(best, spent + float(places @ price))
        price = np.maximum(
            price - step * (places - picks) / max(1.0, float(np.abs(places - picks).max())), 0.0
        )
        step *= 0.6
    return int(np.ceil(best * SCORE_SCALE)) + n  # one unit per mentee: rounding, upwards

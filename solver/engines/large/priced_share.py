"""A cross share on large pools: Lagrangian flows on the score matrix, with a proven bound.

`reduce` proves the optimum of a cross share exactly, but its LP has a column per
pair: at 10,000 × 3,400 that is 25 M columns. The share is a single row
`Σ coef · x ≥ rhs` over a network, so it is priced instead:

1. the plain optimum (`large.prove`) fixes how many mentees of each priority
   class are matched; if it meets the share, it is the optimum;
2. otherwise each pair's gain gets `λ · coef` (λ a multiple of 1/g, g the gcd
   of the two coefficients, so that penalties are integers); the matched
   counts stay fixed. On the arcs at hand (a flow per try, no proof) λ is
   bracketed, each try extrapolated from the last two, then narrowed by
   regula falsi to the smallest λ whose answer meets the share, until the
   gap that answer leaves, λ × its excess, is small or no λ splits the jump;
3. at that λ the penalised problem is proven on every pair (`large.prove`):
   its optimum `L(λ) = max Σ (gain + λ coef) x − λ rhs` bounds the share's
   optimum from above (weak duality), and its answer meets the share, so it
   is feasible. When the proof moves the answer below the share, λ goes on
   up; when the gap is still wide, step 2 runs again on the proof's arcs for
   a better answer (the bound holds for every pair already).

The answer is reported `feasible` with the best answer and the bound, or
`optimal` when the gap is below MIP_ABS_GAP (the tolerance `reduce` proves
to). Returns None when the share cannot be met with the plain counts on these
flows; the caller then uses the general engines.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance, Solution, priority_class
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.flow import score_flow
from solver.engines.large.candidates import candidates
from solver.engines.large.pairs import Penalty, arcs_instance
from solver.engines.large.proof import Proof, prove
from solver.engines.large.reduced_share import MIP_ABS_GAP
from solver.rules.program import CrossShare
from solver.rules.program.cross import SHARE_SCALE

log = logging.getLogger(__name__)


NARROWINGS = 12  # flows tried between the bracket's ends, at most


PROOFS = 3  # proofs at a λ whose answer met the share on the arcs at hand, at most


FIRST_PENALTY = SCORE_SCALE // 100  # λ first tried: a share point moved is worth 0.01


GAP_TARGET = 2e-4  # the gap λ · excess aimed at, relative to the plain total


WIDEST = 64 * SCORE_SCALE  # the largest penalty tried on a pair: beyond, no answer here


@dataclass(frozen=True)
class Share:
    """`Σ coef · x ≥ rhs` for one attribute, in integers (coefficients per pair kind)."""

    mentee: np.ndarray  # attribute codes, -1 when missing
    mentor: np.ndarray
    crossing: int  # coefficient of a pair whose two people differ
    same: int  # coefficient of a pair whose two people agree
    rhs: int

    @property
    def unit(self) -> int:
        """g, the gcd of the two coefficients: λ moves in steps of 1/g."""
        return math.gcd(self.crossing, self.same) or 1

    def penalty(self, steps: int) -> Penalty:
        """λ · coef with λ = steps / g: integers for every pair."""
        return Penalty(
            self.mentee,
            self.mentor,
            steps * (self.crossing // self.unit),
            steps * (self.same // self.unit),
        )

    def value(self, assignment: np.ndarray) -> int:
        """Σ coef · x of an assignment (free mentees only; pins are in `rhs`)."""
        matched = np.nonzero(assignment >= 0)[0]
        return int(self.penalty(self.unit).of(matched, assignment[matched]).sum())

    def steps_bound(self) -> int:
        """The most steps tried: a pair's penalty stays within WIDEST."""
        return max(WIDEST // max(self.penalty(1).largest, 1), 1)


def share_row(problem: Problem, attribute: str) -> Share:
    """The integer row of `diversity.cross[attribute]` with the pins as constants."""
    kinds = CrossShare.kinds(problem, attribute)
    return Share(kinds.mentee, kinds.mentor, kinds.crossing, kinds.same, kinds.rhs)


def _flow(inst: Instance, counts: np.ndarray) -> np.ndarray | None:
    return score_flow(inst, priority_class(inst), counts, inst.gain)


def _total(problem: Problem, assignment: np.ndarray) -> int:
    matched = np.nonzero(assignment >= 0)[0]
    gains = np.rint(problem.score[matched, assignment[matched]] * SCORE_SCALE)
    return int(gains.astype(np.int64).sum())


def solve_share(problem: Problem, usable: Usable, row: Share) -> tuple[Solution, np.ndarray] | None:
    """The best assignment found that meets the share, with a proven bound (see above),
    and the arcs it was found on."""
    plain = prove(problem, usable, Proof(candidates(problem, usable), None))
    if plain.assignment is None or plain.counts is None:
        return None
    if row.value(plain.assignment) >= row.rhs:
        return Solution(plain.assignment, proven=True), plain.keys
    keys, counts = plain.keys, plain.counts
    tolerance = GAP_TARGET * max(_total(problem, plain.assignment), SCORE_SCALE)
    best: np.ndarray | None = None  # the best answer meeting the share, so far
    bound: int | None = None  # the lowest proven L(λ), so far
    search = _Search(problem, usable, row, counts, keys, 0)
    found = search.bracket(row.value(plain.assignment) - row.rhs)
    for _ in range(PROOFS):
        if found is None:
            log.info("share: not met with the plain counts up to %d steps", search.limit)
            break
        low, high, answer = search.narrow(*found, tolerance)
        best = _better(problem, best, answer)
        proof = prove(problem, usable, Proof(search.keys, counts), row.penalty(high))
        if proof.assignment is None:
            break
        keys, proven = proof.keys, proof.assignment
        bound = _lowest(bound, _bound(problem, row, high, proven))
        excess = row.value(proven) - row.rhs
        search = _Search(problem, usable, row, counts, keys, high)
        if excess < 0:  # the proof moved the answer below the share: λ goes on up
            found = search.bracket(excess)
            continue
        best = _better(problem, best, proven)
        if bound - _total(problem, best) > tolerance:  # a better answer on the proof's arcs
            # (the bound holds for every pair: no second proof is needed)
            best = _better(problem, best, search.lower(low, found[0], high, proven, tolerance))
        break
    if best is None:
        return None
    return _answer(problem, usable, best, bound), keys


def _better(problem: Problem, best: np.ndarray | None, other: np.ndarray) -> np.ndarray:
    if best is None or _total(problem, other) > _total(problem, best):
        return other
    return best


def _lowest(bound: int | None, other: int) -> int:
    return other if bound is None else min(bound, other)


def _further(before: int, before_excess: int, at: int, excess: int) -> int:
    """The next λ to try above `at`, whose answer missed the share: where the line through
    the last two answers' excesses meets the share, a quarter beyond, 1.5 to 8 times `at`."""
    grow = 2.0
    if excess > before_excess and at > before:
        meets = at + (at - before) * (-excess) / (excess - before_excess)
        grow = 1.25 * meets / at
    return int(at * min(max(grow, 1.5), 8.0)) + 1


class _Search:
    """λ (in steps) on fixed arcs: a flow per step tried, no proof."""

    def __init__(
        self,
        problem: Problem,
        usable: Usable,
        row: Share,
        counts: np.ndarray,
        keys: np.ndarray,
        low: int,
    ) -> None:
        self.problem, self.usable, self.row, self.counts = problem, usable, row, counts
        self.keys, self.low, self.limit = keys, low, row.steps_bound()

    def excess(self, steps: int) -> tuple[int, np.ndarray | None]:
        """Σ coef · x − rhs of the penalised optimum on the arcs (−inf-like when none)."""
        penalty = self.row.penalty(steps)
        found = _flow(arcs_instance(self.problem, self.usable, self.keys, penalty), self.counts)
        if found is None:
            return -(2**62), None
        log.info(
            "share steps=%d arcs=%d excess=%d",
            steps,
            len(self.keys),
            self.row.value(found) - self.row.rhs,
        )
        return self.row.value(found) - self.row.rhs, found

    def bracket(self, low_excess: int | None = None) -> tuple[int, int, int, np.ndarray] | None:
        """(low, its excess, high, its answer): the share missed at low, met at high."""
        row, low = self.row, self.low
        high = max(2 * low, FIRST_PENALTY * row.unit // SHARE_SCALE, 1)
        if low_excess is None:
            low_excess, _ = self.excess(low)
        while high <= self.limit:
            excess, found = self.excess(high)
            if found is not None and excess >= 0:
                return low, low_excess, high, found
            low, low_excess, high = high, excess, _further(low, low_excess, high, excess)
        return None

    def lower(
        self, low: int, lowest: int, high: int, answer: np.ndarray, tolerance: float
    ) -> np.ndarray:
        """The answer at the smallest λ that meets the share on these arcs, from `high`
        (met) down: `low`, then `lowest`, then 0 are tried until one misses the share."""
        for below in (low, lowest, 0):
            excess, found = self.excess(below)
            if found is None or excess < 0:
                return self.narrow(below, excess, high, answer, tolerance)[2]
            high, answer = below, found
        return answer

    def narrow(
        self, low: int, low_excess: int, high: int, answer: np.ndarray, tolerance: float
    ) -> tuple[int, int, np.ndarray]:
        """(low, high, high's answer): the share met at `high` with λ · excess (the gap it
        leaves) within tolerance, or as close as the steps allow, and still missed at
        `low`: regula falsi, kept from stalling by a floor on the step. λ · excess is in
        gain units: steps × excess / g."""
        unit = self.row.unit
        high_excess = self.row.value(answer) - self.row.rhs
        for _ in range(NARROWINGS):
            if high - low <= max(1, high // 4096) or high * high_excess / unit <= tolerance:
                break  # close enough, or at a jump of the share that no λ splits
            share = -low_excess / max(high_excess - low_excess, 1)
            middle = low + int((high - low) * min(max(share, 1 / 8), 7 / 8))
            excess, found = self.excess(middle)
            if found is not None and excess >= 0:
                high, high_excess, answer = middle, excess, found
            else:
                low, low_excess = middle, excess
        return low, high, answer


def _bound(problem: Problem, row: Share, steps: int, proven: np.ndarray) -> int:
    """L(λ) = Σ (gain + λ coef) x − λ rhs at the proven optimum x of the penalised gains:
    an upper bound on the total gain of every assignment meeting the share."""
    penalty = row.penalty(steps)
    matched = np.nonzero(proven >= 0)[0]
    priced = _total(problem, proven) + int(penalty.of(matched, proven[matched]).sum())
    return priced - math.floor(steps * row.rhs / row.unit)  # λ · rhs, rounded for the bound


def _answer(problem: Problem, usable: Usable, best: np.ndarray, bound: int | None) -> Solution:
    """The best answer meeting the share, with the lowest proven bound (or, without one,
    each free mentee's best pair)."""
    if bound is None:
        best_pairs = np.where(usable.mask, problem.score, 0.0).max(axis=1, initial=0.0)
        bound = int(np.rint(best_pairs.sum() * SCORE_SCALE))
    gap = bound - _total(problem, best)
    log.info("share gap=%d gain units", gap)
    if gap <= MIP_ABS_GAP * SCORE_SCALE:
        return Solution(best, proven=True)
    return Solution(best, proven=False, gain_bound=bound)

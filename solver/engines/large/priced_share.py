"""A cross share on large pools: Lagrangian flows on the score matrix, with a proven bound.

`reduce` proves the optimum of a cross share exactly, but its LP has a column per
pair: at 10,000 × 3,400 that is 25 M columns. The share is a single row
`Σ coef · x ≥ rhs` over a network, so it is priced instead:

1. the plain optimum (`large.prove`) fixes how many mentees of each priority
   class are matched; if it meets the share, it is the optimum;
2. otherwise each pair's gain gets `λ · coef` (λ a multiple of 1/g, g the gcd
   of the two coefficients, so that penalties are integers); the matched
   counts stay fixed. On the arcs at hand (a flow per try, no proof) λ is
   bracketed, each try extrapolated from the last two, then narrowed (where the
   lines of the two ends' answers meet, in λ) to the smallest λ whose answer meets the
   share, until the gap that answer leaves, λ × its excess, is small or no λ splits the jump;
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
import time
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Solution
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.large.candidates import candidates
from solver.engines.large.multiplier import Search
from solver.engines.large.pairs import Penalty, total
from solver.engines.large.proof import Proof, prove
from solver.engines.large.reduced_share import MIP_ABS_GAP
from solver.rules.program import CrossShare, MaxSamePerMentor

log = logging.getLogger(__name__)


PROOFS = 3  # proofs at a λ whose answer met the share on the arcs at hand, at most


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


def solve_share(problem: Problem, usable: Usable, row: Share) -> tuple[Solution, np.ndarray] | None:
    """The best assignment found that meets the share, with a proven bound (see above),
    and the arcs it was found on."""
    plain = prove(problem, usable, Proof(candidates(problem, usable), None))
    if plain.assignment is None or plain.counts is None:
        return None
    if row.value(plain.assignment) >= row.rhs:
        return Solution(plain.assignment, proven=True), plain.keys
    priced = price(problem, usable, row, plain)
    if priced is None:
        return None
    return answer(problem, usable, priced.best, priced.bound), priced.keys


@dataclass(frozen=True)
class Priced:
    """What pricing ends with: the best answer found that meets the share, the lowest
    proven bound L(λ) (None: none proven) with its proof and λ (in steps), the arcs."""

    best: np.ndarray
    bound: int | None
    keys: np.ndarray
    proof: Proof | None = None
    steps: int = 0
    missed: np.ndarray | None = None  # the answer closest to the share that misses it


def price(
    problem: Problem,
    usable: Usable,
    row: Share,
    plain: Proof,
    same: MaxSamePerMentor | None = None,
    target: float = GAP_TARGET,
    deadline: float | None = None,
    lower: bool = True,
) -> Priced | None:
    """Steps 2 and 3 above from the proven plain optimum (`plain`, which misses the share):
    the best answer found that meets the share and the lowest L(λ) proven; with `same`,
    max-same on one attribute holds throughout; `target`: the gap aimed at, relative to the
    plain total; `lower`: a gap still wide is narrowed by flows at lower λs on the proof's
    arcs. None when no λ tried meets the share (on these flows, in the time)."""
    if plain.assignment is None or plain.counts is None:
        return None
    tolerance = target * max(total(problem, plain.assignment), SCORE_SCALE)
    pricing = _Pricing(problem, usable, row, plain.counts, same, deadline, tolerance)
    pricing.lower = lower
    search = Search(problem, usable, row, plain.counts, plain.keys, 0, same, deadline)
    found = search.bracket(row.value(plain.assignment) - row.rhs)
    pricing.keys = plain.keys
    for _ in range(PROOFS):
        if found is None:
            log.info("share: not met with the plain counts up to %d steps", search.limit)
            break
        search, found = pricing.step(search, found)
        if pricing.done:
            break
    return pricing.result()


class _Pricing:
    """The best answer meeting the share and the lowest proven L(λ), as λs are proven."""

    def __init__(
        self,
        problem: Problem,
        usable: Usable,
        row: Share,
        counts: np.ndarray,
        same: MaxSamePerMentor | None,
        deadline: float | None,
        tolerance: float,
    ) -> None:
        self.problem, self.usable, self.row, self.counts = problem, usable, row, counts
        self.same, self.deadline, self.tolerance = same, deadline, tolerance
        self.best: np.ndarray | None = None  # the best answer meeting the share, so far
        self.lowest: Priced | None = None  # the lowest proven L(λ), so far, with its proof
        self.keys = np.zeros(0, dtype=np.int64)
        self.missed: tuple[int, np.ndarray] | None = None  # the closest miss of the last search
        self.done, self.lower = False, True

    def step(
        self, search: Search, found: tuple[int, int, int, np.ndarray]
    ) -> tuple[Search, tuple[int, int, int, np.ndarray] | None]:
        """Narrow the bracket, prove its high λ on every pair; the next search and bracket
        when the proof moved the answer below the share (else done)."""
        problem, row = self.problem, self.row
        low, high, met = search.narrow(*found, self.tolerance)
        self.best = _better(problem, self.best, met)
        self.missed = search.missed if search.missed is not None else self.missed
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.done = True  # no time for the proof: the caller's bound stands
            return search, None
        start = Proof(search.keys, self.counts)
        proof = prove(
            problem, self.usable, start, row.penalty(high), same=self.same, deadline=self.deadline
        )
        if proof.assignment is None:
            self._cut_short(proof, high)
            self.done = True
            return search, None
        self.keys, proven = proof.keys, proof.assignment
        bound = _bound(problem, row, high, proven)
        if self.lowest is None or self.lowest.bound is None or bound < self.lowest.bound:
            self.lowest = Priced(proven, bound, proof.keys, proof, high)
        excess = row.value(proven) - row.rhs
        search = Search(
            problem, self.usable, row, self.counts, proof.keys, high, self.same, self.deadline
        )
        if excess < 0:  # the proof moved the answer below the share: λ goes on up
            return search, search.bracket(excess)
        self.best, self.done = _better(problem, self.best, proven), True
        if self.lower and bound - total(problem, self.best) > self.tolerance and not search.late():
            # a better answer on the proof's arcs (the bound holds for every pair already)
            lower = search.lower(low, found[0], high, proven, self.tolerance)
            self.best = _better(problem, self.best, lower)
        return search, None

    def _cut_short(self, proof: Proof, high: int) -> None:
        """A proof the deadline stopped still bounds L(λ): its last answer's penalised total
        gains at most what its last pass found (`Pass.worst`) with the same counts."""
        last, worst = proof.last, proof.worst
        if last is None or worst is None or proof.counts is None:
            return
        if not np.array_equal(proof.counts, self.counts):
            return
        bound = _bound(self.problem, self.row, high, last) + math.ceil(worst)
        if self.lowest is None or self.lowest.bound is None or bound < self.lowest.bound:
            self.lowest = Priced(last, bound, proof.keys, None, high)
        if self.row.value(last) >= self.row.rhs:
            self.best = _better(self.problem, self.best, last)

    def result(self) -> Priced | None:
        if self.best is None:
            return None
        missed = None if self.missed is None else self.missed[1]
        if self.lowest is None:
            return Priced(self.best, None, self.keys, missed=missed)
        lowest = self.lowest
        return Priced(self.best, lowest.bound, self.keys, lowest.proof, lowest.steps, missed)


def _better(problem: Problem, best: np.ndarray | None, other: np.ndarray) -> np.ndarray:
    if best is None or total(problem, other) > total(problem, best):
        return other
    return best


def _bound(problem: Problem, row: Share, steps: int, proven: np.ndarray) -> int:
    """L(λ) = Σ (gain + λ coef) x − λ rhs at the proven optimum x of the penalised gains:
    an upper bound on the total gain of every assignment meeting the share."""
    penalty = row.penalty(steps)
    matched = np.nonzero(proven >= 0)[0]
    priced = total(problem, proven) + int(penalty.of(matched, proven[matched]).sum())
    return priced - math.floor(steps * row.rhs / row.unit)  # λ · rhs, rounded for the bound


def answer(problem: Problem, usable: Usable, best: np.ndarray, bound: int | None) -> Solution:
    """The best answer meeting the share, with the lowest proven bound (or, without one,
    each free mentee's best pair)."""
    if bound is None:
        best_pairs = np.where(usable.mask, problem.score, 0.0).max(axis=1, initial=0.0)
        bound = int(np.rint(best_pairs.sum() * SCORE_SCALE))
    gap = bound - total(problem, best)
    log.info("share gap=%d gain units", gap)
    if gap <= MIP_ABS_GAP * SCORE_SCALE:
        return Solution(best, proven=True)
    return Solution(best, proven=False, gain_bound=bound)

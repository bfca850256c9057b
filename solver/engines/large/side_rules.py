"""A cross share, max-same on one attribute and `fair`, in any combination, on large pools:
flows on candidates read from the score matrix, every step proven for every pair.

At 10,000 × 3,400 the arc-based reduction (`reduced_share.py`) lists 34 M arcs and an LP
column per pair. Here no step lists more than the candidates:

1. **counts**: the plain optimum with max-same as (mentor, value) nodes of the flow
   (`rooms.py`) fixes how many mentees of each priority class are matched, proven on every
   pair (`large.prove`); no answer keeping the rules can match more, and with the share
   reachable at those counts, the optimum matches exactly those;
2. **the share within reach**: if the plain optimum misses the share, the most share
   credit with those counts (a flow whose gains are the credit alone) must reach it: on
   the candidates, or else proven on every pair. Out of reach: None, the general engines
   decide (they may match fewer);
3. **the floor** (`fair`): `floor.py`, the highest score floor at which both the counts
   and the share still hold, proven;
4. **the total** above the floor: the plain optimum there, proven; if it meets the share
   it is the optimum. Otherwise the share is priced (`priced_share.price`): the best
   answer found that meets it, and the lowest proven L(λ), an upper bound on every answer
   that does (weak duality). A gap left above MIP_ABS_GAP is closed by an exact model on
   the pairs whose Lagrangian reduced cost is below the gap (`closure.py`): every better
   answer lies among them.

`optimal` only ever comes from proofs (and the exact model's); otherwise `feasible` with
the bound. The request's deadline is checked between flows and proof rounds (a flow itself
cannot be stopped; each runs on the candidates only): once it has passed, the best answer
known that keeps every rule is returned with the plain optimum's total as its bound.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.large.candidates import candidates
from solver.engines.large.closure import close
from solver.engines.large.floor import counts_floor, floored, no_gain, share_floor
from solver.engines.large.multiplier import flow
from solver.engines.large.pairs import Penalty, arcs_instance, total
from solver.engines.large.priced_share import Share, answer, price, share_row
from solver.engines.large.proof import Proof, prove
from solver.engines.large.rooms import fits
from solver.rules.program import CrossShare, Fair, MaxSamePerMentor, ProgramRule
from solver.runtime import Cancel

log = logging.getLogger(__name__)


GAP_TARGET = 1e-4  # the gap λ · excess the pricing aims at, relative to the plain total (the
# exact models of `closure.py` close most of it: the answers on either side of λ, then more)


@dataclass(frozen=True)
class SideRules:
    """What the request asks of this path: each rule, or None / False when not asked."""

    same: MaxSamePerMentor | None
    row: Share | None
    fair: bool
    deadline: float | None = None
    cancel: Cancel | None = None

    @property
    def credit(self) -> Penalty | None:
        """The share's credit alone as gains (None without a share)."""
        if self.row is None:
            return None
        one = self.row.penalty(1)
        return Penalty(one.mentee, one.mentor, one.crossing, one.same, scored=False)

    def meets(self, assignment: np.ndarray) -> bool:
        return self.row is None or self.row.value(assignment) >= self.row.rhs

    def late(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline


def side_rules(problem: Problem, deadline: float | None, cancel: Cancel | None) -> SideRules | None:
    """The request's rules for this path, or None when they are not all of its kind."""
    program = problem.request.program
    cross, same = program.diversity.cross, program.diversity.max_same_per_mentor
    if len(cross) > 1 or len(same) > 1:
        return None
    row = share_row(problem, next(iter(cross))) if cross else None
    rule = None
    if same:
        no_arcs = np.zeros(0, dtype=np.int64)  # the rule reads mentees and pins, not arcs
        [rule] = MaxSamePerMentor.bind(problem, no_arcs, no_arcs, no_arcs)
        if not fits(rule, problem.score.shape[1]):
            return None
    return SideRules(rule, row, Fair.asked(program), deadline, cancel)


SIDE_RULES: dict[frozenset[type[ProgramRule]], str] = {  # the sets it models, and the engine
    frozenset(rules): "lagrangian" if CrossShare in rules else "flow"
    for rules in (
        {MaxSamePerMentor},
        {MaxSamePerMentor, Fair},
        {CrossShare, MaxSamePerMentor},
        {CrossShare, Fair},
        {CrossShare, MaxSamePerMentor, Fair},
    )
}


def solve_side(
    problem: Problem, usable: Usable, deadline: float | None, cancel: Cancel | None
) -> tuple[Instance, Solution] | None:
    """The request's answer on this path and the arcs it was found on, or None (the rules
    are not all of its kind, or it found no answer: the general engines decide)."""
    rules = side_rules(problem, deadline, cancel)
    found = None if rules is None else solve_side_rules(problem, usable, rules)
    if found is None:
        return None
    solution, keys = found
    return arcs_instance(problem, usable, keys), solution


def solve_side_rules(
    problem: Problem, usable: Usable, rules: SideRules
) -> tuple[Solution, np.ndarray] | None:
    """The answer and the arcs it was found on (see above); None: the general engines."""
    start = Proof(candidates(problem, usable), None)
    only_counts = no_gain(problem) if rules.fair else None  # fair: the total comes later
    plain = prove(problem, usable, start, only_counts, same=rules.same, deadline=rules.deadline)
    if plain.assignment is None or plain.counts is None:  # cut short: its last answer, if any
        known = _Known(problem, usable, rules, None).add(plain.last)
        return known.answer(plain.keys, plain.counts)
    counts, keys = plain.counts, plain.keys
    known = _Known(problem, usable, rules, None if rules.fair else total(problem, plain.assignment))
    known.add(plain.assignment)
    kept, ceiling = usable, 0
    if rules.fair:
        found = counts_floor(problem, usable, rules, counts, keys)
        if found is None:
            return known.answer(keys, counts)
        ceiling, keys = found
        kept, keys = floored(problem, usable, ceiling, keys)
    if rules.late():
        return known.answer(keys, counts)
    first = flow(arcs_instance(problem, kept, keys, same=rules.same), counts)
    if first is not None and not rules.meets(first):  # the share binds: priced, λ = 0 unproven
        unproven = Proof(keys, counts, None, first)
        return _share(problem, (usable, kept), rules, unproven, ceiling, known)
    best = prove(problem, kept, Proof(keys, counts), same=rules.same, deadline=rules.deadline)
    if best.assignment is None:
        return known.unproven(best, counts) or known.answer(best.keys, counts)
    if rules.meets(best.assignment):
        return Solution(best.assignment, proven=True), best.keys
    return _share(problem, (usable, kept), rules, best, ceiling, known)


def _share(
    problem: Problem,
    pairs: tuple[Usable, Usable],
    rules: SideRules,
    best: Proof,
    ceiling: int,
    known: _Known,
) -> tuple[Solution, np.ndarray] | None:
    """The best total above the floor (`best`, on the pairs kept: `pairs[1]`) misses the
    share: priced there when within reach; with `fair` and out of reach, at the share's
    floor below the counts' (`ceiling`); without, the general engines."""
    usable, kept = pairs
    counts = best.counts
    assert counts is not None
    reached = _within_reach(problem, kept, rules, counts, best.keys)
    if reached is not None:
        known.add(reached[1])
    elif rules.fair:  # the share sets the floor, below the counts'
        below = _below(problem, usable, rules, counts, best.keys, ceiling)
        if below is None:
            return known.answer(best.keys, counts)
        kept, best, witness = below
        known.add(witness)
        if best.assignment is not None and rules.meets(best.assignment):
            return Solution(best.assignment, proven=True), best.keys
    else:
        return None
    return _priced(problem, kept, rules, best) or known.answer(best.keys, counts)


def _within_reach(
    problem: Problem, usable: Usable, rules: SideRules, counts: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Arcs on which the share is met with the counts and an answer that meets it, or None:
    proven out of reach, or no proof."""
    credit = arcs_instance(problem, usable, keys, rules.credit, same=rules.same)
    found = flow(credit, counts)
    if found is not None and rules.meets(found):
        return keys, found
    if rules.late():
        return None
    start = Proof(keys, counts)
    most = prove(problem, usable, start, rules.credit, same=rules.same, deadline=rules.deadline)
    if most.assignment is None or most.counts is None or not rules.meets(most.assignment):
        log.info("side rules: the share is out of reach with the plain counts")
        return None
    if not np.array_equal(most.counts, counts):
        return None
    return most.keys, most.assignment


def _priced(
    problem: Problem, kept: Usable, rules: SideRules, best: Proof
) -> tuple[Solution, np.ndarray] | None:
    """The share priced above the floor, its gap closed by the exact model if time allows.
    Bounded by L(λ) and, when `best` is proven (it has its instance), by the best total
    above the floor without the share."""
    assert rules.row is not None and best.counts is not None and best.assignment is not None
    priced = price(problem, kept, rules.row, best, rules.same, GAP_TARGET, rules.deadline, False)
    if priced is None:
        return None
    bounds = [priced.bound] + ([total(problem, best.assignment)] if best.inst is not None else [])
    bound = min((b for b in bounds if b is not None), default=None)
    solution = answer(problem, kept, priced.best, bound)
    if not solution.proven and not rules.late() and bound is not None:
        solution = close(problem, kept, rules, best.counts, priced, bound) or solution
    return solution, priced.keys


def _below(
    problem: Problem,
    usable: Usable,
    rules: SideRules,
    counts: np.ndarray,
    keys: np.ndarray,
    ceiling: int,
) -> tuple[Usable, Proof, np.ndarray] | None:
    """The share's floor below the counts' (`floor.share_floor`): the pairs above it, the
    proven best total there and an answer there that keeps every rule; None: the share out
    of reach at any floor, no proof, or out of time."""
    reached = _within_reach(problem, usable, rules, counts, keys)
    if reached is None:
        return None
    found = share_floor(problem, usable, rules, counts, reached[0], ceiling)
    if found is None:
        return None
    floor, keys, witness = found
    kept, keys = floored(problem, usable, floor, keys)
    if rules.late():
        return None
    best = prove(problem, kept, Proof(keys, counts), same=rules.same, deadline=rules.deadline)
    return None if best.assignment is None else (kept, best, witness)


class _Known:
    """The best answer known that keeps every rule, for when the proofs run out of time or
    rounds; its bound: the plain optimum's total, or without one each mentee's best pair."""

    def __init__(self, problem: Problem, usable: Usable, rules: SideRules, bound: int | None):
        self.problem, self.usable, self.rules, self.bound = problem, usable, rules, bound
        self.best: np.ndarray | None = None

    def add(self, assignment: np.ndarray | None) -> _Known:
        """Keep the assignment if it keeps every rule and totals more than the best."""
        if assignment is None or not self.rules.meets(assignment):
            return self
        if self.best is None or total(self.problem, assignment) > total(self.problem, self.best):
            self.best = assignment
        return self

    def unproven(self, proof: Proof, counts: np.ndarray) -> tuple[Solution, np.ndarray] | None:
        """The last answer of a proof cut short, when it keeps every rule, bounded by what
        its last pass found (`Pass.worst`): it gains at most that much over it."""
        last, worst = proof.last, proof.worst
        if last is None or worst is None or proof.counts is None or not self.rules.meets(last):
            return None
        if not np.array_equal(proof.counts, counts):
            return None
        log.info("side rules: unproven, the last answer found, within %.0f", worst)
        bound = total(self.problem, last) + int(np.ceil(worst))
        return Solution(last, proven=False, gain_bound=bound), proof.keys

    def answer(
        self, keys: np.ndarray, counts: np.ndarray | None
    ) -> tuple[Solution, np.ndarray] | None:
        """The best answer known; with none yet, the most share credit the arcs allow with
        these counts (one flow on the candidates), if it meets the share."""
        if self.best is None and counts is not None and self.rules.row is not None:
            rules = self.rules
            credit = arcs_instance(self.problem, self.usable, keys, rules.credit, same=rules.same)
            self.add(flow(credit, counts))
        if self.best is None:
            return None
        log.info("side rules: unproven, the best answer known")
        bound = self.bound
        if bound is None:
            best = np.where(self.usable.mask, self.problem.score, 0.0).max(axis=1, initial=0.0)
            bound = int(np.ceil(best.sum() * SCORE_SCALE))
        return Solution(self.best, proven=False, gain_bound=bound), keys

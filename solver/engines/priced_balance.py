"""A cross share with one balance attribute: balance's network, the share priced into its
score level, the gap closed by an exact model on the arcs that can still matter.

The share is a hard row and balance's levels come before the score (the contract's
order: the rule first, then the least shortfall, volunteers, matched, waiting, the total).

1. **the upper levels** (`balance_flow.py`): the shortfall, volunteers, matched and
   waiting, solved on the network without the share, each level's optimal face kept
   exactly (`lexflow.optimal_face`). No answer, share or not, does better on them;
2. **the share within reach**: the most share credit on that face (one flow). Below the
   share: None, the general engines decide (the optimum then gives up an upper level);
   otherwise every optimum with the share lies on the face, and the levels above the
   score are the best possible;
3. **the score**, on the face: the best total; if it meets the share, the optimum.
   Otherwise λ prices the share, λ in gain units per step of the share's row divided by
   its gcd: `L(λ) = max over the face of total + λ · (credit − rhs)` bounds every answer
   that meets it (weak duality). Each flow's answer is a line in λ; the next λ is where
   the lines of the two ends meet (as `large/multiplier.py` narrows), until a flow finds
   no line above them there: that λ is the lowest L, up to the rounding of λ;
4. **the gap**: closed by HiGHS on the arcs whose reduced cost at that λ lies within it
   (`balance_closure.py`), started from the best answer: every better answer is there.

`optimal` only when the gap is within MIP_ABS_GAP (or the exact model proves it);
otherwise `feasible` with the lowest L(λ) (or the exact model's bound) as the bound. The
deadline is checked between flows (a flow itself is not stopped).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from solver.encode.instance import Instance, Solution
from solver.encode.quantise import SCORE_SCALE
from solver.engines.balance_closure import close
from solver.engines.balance_face import Face, Late, Point, face_of, point
from solver.engines.balance_flow import assignment_of
from solver.engines.lexflow import LexFlowError
from solver.engines.mip import MIP_ABS_GAP
from solver.runtime import Cancel

log = logging.getLogger(__name__)


NARROWINGS = 40  # flows tried between the ends, at most
FIRST_FLOWS = 4  # the upper levels, the most credit, the best total, a first λ
SECONDS_PER_ARC = 1.5e-6  # a flow on the face: 0.4 s at 263,720 pair arcs (load 7, 2 cores)


@dataclass
class Pricing:
    """The lines found: the best answer meeting the share, the lowest L(λ) and its point."""

    best: Point  # meets the share
    lowest: Point | None = None  # the point of the lowest L(λ) proven so far
    ends: tuple[Point, Point] | None = None  # the last answers below and above the share
    flows: int = 0

    @property
    def bound(self) -> int | None:
        return None if self.lowest is None else self.lowest.at(self.lowest.steps)

    def add(self, found: Point) -> None:
        self.flows += 1
        if found.excess >= 0 and found.gain > self.best.gain:
            self.best = found
        if found.steps >= 0 and (self.bound is None or found.at(found.steps) < self.bound):
            self.lowest = found

    def gap(self) -> int | None:
        return None if self.bound is None else self.bound - self.best.gain


def price(face: Face, plain: Point, most: Point, late: Late) -> Pricing:
    """The lowest L(λ) found from the ends `plain` (λ = 0, below the share) and `most` (the
    most credit, above it): λ where the two ends' lines meet, until no line lies above."""
    pricing = Pricing(most, ends=(plain, most))
    pricing.add(plain)
    low, high = plain, most
    for _ in range(NARROWINGS):
        if late():
            break
        steps = max(math.ceil((low.gain - high.gain) / (high.excess - low.excess)), 0)
        found = point(face, steps)
        pricing.add(found)
        if found.at(steps) <= max(low.at(steps), high.at(steps)):
            break  # no line above the two ends' where they meet: the lowest L, up to rounding
        if found.excess >= 0:
            high = found
        else:
            low = found
        pricing.ends = low, high
        if (gap := pricing.gap()) is not None and gap <= MIP_ABS_GAP * SCORE_SCALE:
            break
    log.info("priced balance: %d flows, gap %s gain units", pricing.flows, pricing.gap())
    return pricing


def solve_priced_balance(
    inst: Instance, deadline: float | None, cancel: Cancel | None = None
) -> Solution | None:
    """The best answer found with the share met and balance's upper levels at their optimum,
    with its bound; None when the share is out of reach there (see above), when its first
    flows would not fit in the time left, or when a flow fails (costs out of range): the
    general engines then decide."""
    late = Late(deadline, cancel)
    if late.left(math.inf) < FIRST_FLOWS * SECONDS_PER_ARC * len(inst.rows):
        log.info("priced balance: no time for its first flows on %d arcs", len(inst.rows))
        return None
    try:
        return _solve(inst, late)
    except LexFlowError as failed:
        log.warning("priced balance: a flow failed (%s)", failed)
        return None


def _solve(inst: Instance, late: Late) -> Solution | None:
    face = face_of(inst)
    most = point(face, -1)
    if most.excess < 0:
        log.info("priced balance: the share is out of reach at balance's levels")
        return None
    plain = point(face, 0)
    if plain.excess >= 0:
        return Solution(assignment_of(inst, plain.flows, face.where), proven=True)
    pricing = price(face, plain, most, late)
    best, bound = pricing.best, pricing.bound
    assert bound is not None  # λ = 0 is proven: the best total on the face
    ends, lowest = pricing.ends, pricing.lowest
    if bound - best.gain > MIP_ABS_GAP * SCORE_SCALE and not late() and lowest and ends:
        best, bound = close(face, lowest, ends, best, bound, late)
    proven = bound - best.gain <= MIP_ABS_GAP * SCORE_SCALE
    assignment = assignment_of(inst, best.flows, face.where)
    return Solution(assignment, proven=proven, gain_bound=None if proven else bound)

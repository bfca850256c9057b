"""The multiplier λ of a cross share, searched on fixed arcs: a flow per λ tried, no proof
(`priced_share.py` proves the λ this search ends at).

λ is counted in steps of 1/g (g: the gcd of the share's two coefficients), so that every
penalty is an integer. `bracket` finds a λ whose answer meets the share above one whose
answer misses it, each try extrapolated from the last two; `narrow` closes the bracket where
the lines of its two ends' answers meet (regula falsi where a line is unknown) until the
gap the answer leaves, λ × its excess, is within a tolerance or no λ splits the jump. A
deadline (`time.monotonic()`) stops both between flows, early enough
for one more proof.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

import numpy as np

from solver.encode.instance import Instance, priority_class
from solver.encode.problem import Problem
from solver.encode.quantise import SCORE_SCALE
from solver.encode.usable import Usable
from solver.engines.flow import score_flow
from solver.engines.large.pairs import arcs_instance, total
from solver.rules.program import MaxSamePerMentor
from solver.rules.program.cross import SHARE_SCALE

if TYPE_CHECKING:
    from solver.engines.large.priced_share import Share

log = logging.getLogger(__name__)


NARROWINGS = 12  # flows tried between the bracket's ends, at most


FIRST_PENALTY = SCORE_SCALE // 100  # λ first tried: a share point moved is worth 0.01


MISSED = -(2**62)  # the excess of no answer at all


def flow(inst: Instance, counts: np.ndarray) -> np.ndarray | None:
    """The best assignment of the instance's gains with these class counts, or None."""
    return score_flow(inst, priority_class(inst), counts, inst.gain)


def further(before: int, before_excess: int, at: int, excess: int) -> int:
    """The next λ to try above `at`, whose answer missed the share: where the line through
    the last two answers' excesses meets the share, a quarter beyond, 1.5 to 8 times `at`."""
    grow = 2.0
    if excess > before_excess and at > before:
        meets = at + (at - before) * (-excess) / (excess - before_excess)
        grow = 1.25 * meets / at
    return int(at * min(max(grow, 1.5), 8.0)) + 1


class Search:
    """λ (in steps) on fixed arcs: a flow per step tried, no proof; with `same`, max-same
    on one attribute holds in every flow."""

    def __init__(
        self,
        problem: Problem,
        usable: Usable,
        row: Share,
        counts: np.ndarray,
        keys: np.ndarray,
        low: int,
        same: MaxSamePerMentor | None = None,
        deadline: float | None = None,
    ) -> None:
        self.problem, self.usable, self.row, self.counts = problem, usable, row, counts
        self.keys, self.low, self.limit = keys, low, row.steps_bound()
        self.same, self.deadline = same, deadline
        self.took = 0.0  # seconds of the last flow
        self.missed: tuple[int, np.ndarray] | None = None  # the closest miss: excess, answer
        self.lines: dict[int, tuple[int, int]] = {}  # steps tried → its answer's (gain, excess)

    def late(self) -> bool:
        """Whether the deadline leaves no time for two more flows (one more flow and the
        proof of its λ, which costs about as much)."""
        return self.deadline is not None and time.monotonic() + 2 * self.took > self.deadline

    def excess(self, steps: int) -> tuple[int, np.ndarray | None]:
        """Σ coef · x − rhs of the penalised optimum on the arcs (MISSED when none)."""
        penalty = self.row.penalty(steps)
        started = time.monotonic()
        inst = arcs_instance(self.problem, self.usable, self.keys, penalty, same=self.same)
        found = flow(inst, self.counts)
        self.took = time.monotonic() - started
        if found is None:
            return MISSED, None
        excess = self.row.value(found) - self.row.rhs
        self.lines[steps] = (total(self.problem, found), excess)
        log.info("share steps=%d arcs=%d excess=%d", steps, len(self.keys), excess)
        if excess < 0 and (self.missed is None or excess > self.missed[0]):
            self.missed = excess, found
        return excess, found

    def bracket(self, low_excess: int | None = None) -> tuple[int, int, int, np.ndarray] | None:
        """(low, its excess, high, its answer): the share missed at low, met at high."""
        row, low = self.row, self.low
        high = max(2 * low, FIRST_PENALTY * row.unit // SHARE_SCALE, 1)
        if low_excess is None:
            low_excess, _ = self.excess(low)
        while high <= self.limit and not self.late():
            excess, found = self.excess(high)
            if found is not None and excess >= 0:
                return low, low_excess, high, found
            low, low_excess, high = high, excess, further(low, low_excess, high, excess)
        return None

    def lower(
        self, low: int, lowest: int, high: int, answer: np.ndarray, tolerance: float
    ) -> np.ndarray:
        """The answer at the smallest λ that meets the share on these arcs, from `high`
        (met) down: `low`, then `lowest`, then 0 are tried until one misses the share."""
        for below in (low, lowest, 0):
            if self.late():
                break
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
        `low`. Each answer x is a line in λ, gain(x) + λ · excess(x), and the flow at λ
        finds the highest: the next λ tried is where the lines of the two ends meet (the
        cutting planes of L(λ)); when the answer there is one of the ends, no λ between
        them gives another line, and `high` is the smallest λ at which its answer is best.
        Regula falsi, kept from stalling by a floor on the step, where a line is unknown.
        λ · excess is in gain units: steps × excess / g."""
        high_line = (total(self.problem, answer), self.row.value(answer) - self.row.rhs)
        for _ in range(NARROWINGS):
            if self._narrow_enough(low, high, high_line[1], tolerance) or self.late():
                break
            low_line = self.lines.get(low)
            middle = self._middle(low, low_excess, low_line, high, high_line)
            excess, found = self.excess(middle)
            line = self.lines.get(middle) if found is not None else None
            if line is not None and line in (low_line, high_line):
                return low, middle, answer  # the two ends' lines meet here: no λ splits them
            if found is not None and excess >= 0:
                high, high_line, answer = middle, self.lines[middle], found
            else:
                low, low_excess = middle, excess
        return low, high, answer

    def _narrow_enough(self, low: int, high: int, high_excess: int, tolerance: float) -> bool:
        """Close enough, or at a jump of the share that no λ splits."""
        unit = self.row.unit
        return high - low <= max(1, high // 4096) or high * high_excess / unit <= tolerance

    def _middle(
        self,
        low: int,
        low_excess: int,
        low_line: tuple[int, int] | None,
        high: int,
        high_line: tuple[int, int],
    ) -> int:
        """Where the two ends' lines meet (rounded up: the met end's side), or by regula
        falsi; strictly between low and high."""
        high_excess = high_line[1]
        if low_line is not None and high_excess > low_line[1]:
            meets = (low_line[0] - high_line[0]) * self.row.unit / (high_excess - low_line[1])
            middle = math.ceil(meets)
        else:
            share = -low_excess / max(high_excess - low_excess, 1)
            middle = low + int((high - low) * min(max(share, 1 / 8), 7 / 8))
        return min(max(middle, low + 1), high - 1)

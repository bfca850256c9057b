"""The caller's own score units, and the [0, 1] scale the engines work in.

Caller scores (`program.scores`, `program.score_matrix`) may be any finite numbers. The
engines quantise scores in [0, 1] to integer steps of 1e-9 (`encode.quantise`), so scores
outside [0, 1] are mapped onto it by the range seen: the lowest to 0, the highest to 1.
The map is increasing and affine, so it changes no comparison of pairs, no lowest pair
(`fair`) and, the matched count being decided before the total, no optimum: two totals of
the same number of pairs differ by the same sign in both units. Scores already in [0, 1]
are used as they are. What the answer reports (pair scores, objective, bound, metrics) is
read from the caller's own values, never mapped back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.contract.request import Program


@dataclass(frozen=True)
class Units:
    """Engine score = (caller score - low) / width."""

    low: float = 0.0
    width: float = 1.0

    def engine(self, caller: np.ndarray) -> np.ndarray:
        """Caller scores (NaN where a pair is not scored) in engine units, 0 where NaN.
        Every engine score is at least 0 (`low` is the lowest score, or 0 when the scores
        are within [0, 1]), so fmax(score, 0) only replaces the NaNs: one pass, in place."""
        if self.low == 0.0 and self.width == 1.0:
            return np.fmax(caller, 0.0)
        score = np.subtract(caller, self.low)
        score /= self.width
        return np.fmax(score, 0.0, out=score)

    def caller(self, engine_total: float, pairs: int) -> float:
        """A total of `pairs` pairs' engine scores, in the caller's units."""
        return engine_total * self.width + self.low * pairs


def units_of(low: float, high: float) -> Units:
    """Identity for scores within [0, 1]; else the range seen mapped onto it."""
    if low >= 0.0 and high <= 1.0:
        return Units()
    return Units(low, high - low if high > low else 1.0)


def caller_range(program: Program) -> tuple[float, float] | None:
    """The lowest and highest caller score given (None: no caller score, or none given)."""
    if program.score_matrix is not None:
        values = program.score_matrix.values.array
        if values.size == 0:
            return None
        low = float(np.fmin.reduce(values, axis=None))  # NaN is skipped, unless all are NaN
        return None if np.isnan(low) else (low, float(np.fmax.reduce(values, axis=None)))
    if program.scores:
        scores = [pair.score for pair in program.scores]
        return min(scores), max(scores)
    return None

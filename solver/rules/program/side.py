"""Program rules beyond the plain assignment, as arrays over an instance's arcs.

- `cross`: at least a share of the pairs differ on an attribute (one global row);
- `max_same_per_mentor`: among one mentor's mentees, at most k share a value;
- `balance`: each value among mentees is matched at least in proportion to its
  share of the pool, as far as capacity allows (equitable access);
- `group`: a mentor gets no mentee or at least `min_size`;
- `stable`: no blocking pair (preferences first, then score);
- `fair`: raise the worst pair first, then the total.

Pinned pairs are constants here: their counts are passed along so that each
rule is checked on the whole pairing, pins included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SHARE_SCALE = 10**6  # shares are compared exactly at 1e-6


@dataclass(frozen=True)
class CrossShare:
    attribute: str
    share: float
    crosses: np.ndarray  # per arc: mentor and mentee differ on the attribute (both known)
    known: np.ndarray  # per arc: both have the attribute
    pinned_cross: int
    pinned_known: int

    def coefficients(self) -> tuple[np.ndarray, int]:
        """Integer row `coef · x >= rhs` for: crossing pairs >= share × pairs where both are
        known (missing data is neutral: it neither counts for nor against the share)."""
        share = round(self.share * SHARE_SCALE)
        coef = self.crosses.astype(np.int64) * SHARE_SCALE - share * self.known.astype(np.int64)
        rhs = share * self.pinned_known - SHARE_SCALE * self.pinned_cross
        return coef, rhs


@dataclass(frozen=True)
class SameCap:
    attribute: str
    k: int
    value: np.ndarray  # per mentee: value code, -1 when unknown (never counted)
    pinned: dict[tuple[int, int], int]  # (mentor, value) -> pinned mentees


@dataclass(frozen=True)
class Balance:
    attribute: str
    value: np.ndarray  # per mentee: value code, -1 when unknown
    target: np.ndarray  # per value: matched at least this many (pins included)
    pinned: np.ndarray  # per value: pinned mentees


@dataclass(frozen=True)
class Stability:
    """Per arc, order keys (lower is preferred): the mentee's view of the mentor, and the
    mentor's view of the mentee. Only their order within one person's arcs means anything."""

    mentee_rank: np.ndarray
    mentor_rank: np.ndarray


@dataclass(frozen=True)
class Side:
    cross: list[CrossShare] = field(default_factory=list)
    same: list[SameCap] = field(default_factory=list)
    balance: list[Balance] = field(default_factory=list)
    group_min: int | None = None
    stability: Stability | None = None
    fair: bool = False

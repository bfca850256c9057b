"""The Lagrangian bound of `group.min_size`: the assignment rows priced, each mentor alone.

Every mentee i gets a price π_i (in gain units). Alone, mentor j takes the set of its
mentees worth most at those prices: nobody (unless pinned), or between `needed_j` and its
places, the best ones:

    value_j(π) = max(0, max over t in [needed_j, capacity_j] of the t best g_ij − π_i).

For any prices, Σ_i π_i + Σ_j value_j(π) bounds the total gain of every answer in which
each mentee of `exact` is matched exactly once (its price of any sign) and every other
mentee at most once (its price at least 0): weak duality of the assignment rows, since
every answer is a choice each mentor could make alone. At its best prices this is the LP
of the strong formulation (x_ij ≤ y_j: a pair only in an open group), far tighter than the
flow's when groups bind. `Descent` moves the prices there by subgradient steps; every
value is computed in integers, so each bound is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.engines.groups.plan import Sizes


@dataclass(frozen=True)
class Priced:
    """The mentors' choices at some prices: the bound, how often each mentee is taken, and
    which mentors open."""

    bound: int
    taken: np.ndarray
    opened: np.ndarray


class Dual:
    """The mentors' choices over some arcs (mentee `rows`, mentor `cols`, integer `gain`),
    kept sorted by mentor."""

    def __init__(
        self,
        arcs: tuple[np.ndarray, np.ndarray, np.ndarray],
        capacity: np.ndarray,
        found: Sizes,
        exact: np.ndarray,
    ) -> None:
        rows, cols, gain = arcs
        order = np.argsort(cols, kind="stable")
        self.rows, self.cols, self.gain = rows[order], cols[order], gain[order]
        self.capacity, self.sizes, self.exact = capacity, found, exact
        self.n, self.m = len(exact), len(capacity)
        self.degree = np.bincount(self.cols, minlength=self.m)
        self.first = np.r_[0, np.cumsum(self.degree)]
        self.places = np.minimum(capacity, self.degree)

    def project(self, prices: np.ndarray) -> np.ndarray:
        """Prices of mentees matched at most once are at least 0."""
        return np.where(self.exact, prices, np.maximum(prices, 0))

    def priced(self, prices: np.ndarray) -> Priced:
        """The bound at these prices (integers, gain units), and the mentors' choices. A
        mentor with between `needed` and its places pairs worth more than their price takes
        exactly those; only the others' pairs are sorted, to take their best."""
        reduced = self.gain - prices[self.rows]
        worth = reduced > 0
        positive = np.bincount(self.cols, weights=worth, minlength=self.m).astype(np.int64)
        needed, forced = self.sizes.needed, self.sizes.forced
        take = np.minimum(np.maximum(positive, needed), self.places)
        can = ((take >= needed) & (self.capacity > 0)) | forced
        plain = can & (take == positive)  # takes exactly its pairs worth more than their price
        value = np.bincount(self.cols, weights=np.where(worth, reduced, 0), minlength=self.m)
        value = np.rint(value).astype(np.int64)
        chosen = worth & plain[self.cols]
        sorted_ = can & ~plain & ((positive > 0) | forced)
        if sorted_.any():
            value[sorted_], picked = self._best(reduced, sorted_, take)
            chosen[picked] = True
        opened = can & ((value > 0) | forced)
        chosen &= opened[self.cols]
        taken = np.bincount(self.rows[chosen], minlength=self.n)
        bound = int(prices.sum(dtype=np.int64)) + int(np.where(opened, value, 0).sum())
        return Priced(bound, taken, opened)

    def _best(
        self, reduced: np.ndarray, mentors: np.ndarray, take: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For these mentors, the value of their `take` best pairs and those pairs' arcs."""
        arcs = np.nonzero(mentors[self.cols])[0]  # grouped by mentor, in mentor order
        cols, values = self.cols[arcs], reduced[arcs]
        span = 4.0 * float(np.abs(values).max(initial=1) + 1)
        if self.m * span < 2.0**52:
            order = np.argsort(cols * span - values)
        else:
            order = np.lexsort((-values, cols))
        arcs, cols, values = arcs[order], cols[order], values[order]
        starts = np.r_[0, np.cumsum(self.degree[mentors])]
        rank = np.arange(len(arcs)) - np.repeat(starts[:-1], self.degree[mentors])
        picked = rank < take[cols]
        sums = np.bincount(cols[picked], weights=values[picked], minlength=self.m)
        return np.rint(sums[mentors]).astype(np.int64), arcs[picked]


def start_prices(dual: Dual, assignment: np.ndarray) -> np.ndarray:
    """Prices read from a flow's answer: a full mentor charges its lowest pair's gain, each
    mentee pays its best pair at those charges (a feasible dual of the flow's relaxation)."""
    rows, cols, gain = dual.rows, dual.cols, dual.gain
    used = assignment[rows] == cols
    load = np.bincount(cols[used], minlength=dual.m)
    lowest = np.full(dual.m, np.iinfo(np.int64).max)
    np.minimum.at(lowest, cols[used], gain[used])
    charge = np.where((load >= dual.capacity) & (load > 0), lowest, 0)
    prices = np.zeros(dual.n, dtype=np.int64)
    np.maximum.at(prices, rows, gain - charge[cols])
    return dual.project(prices)


class Descent:
    """Subgradient steps on the prices towards the lowest bound, Polyak's step aimed at the
    best answer's total (`target`); the step shrinks when the bound stops falling."""

    SHRINK, PATIENCE, SMALLEST = 0.7, 5, 1e-4

    def __init__(self, dual: Dual, prices: np.ndarray, target: int) -> None:
        self.dual, self.target = dual, target
        self.prices = prices.astype(np.float64)
        self.step_size, self.waited = 1.0, 0
        self.best: Priced | None = None
        self.best_prices = prices.astype(np.int64)

    @property
    def spent(self) -> bool:
        return self.step_size < self.SMALLEST

    def step(self) -> Priced:
        """One step: the choices at the current prices, then new prices."""
        prices = np.rint(self.prices).astype(np.int64)
        found = self.dual.priced(prices)
        if self.best is None or found.bound < self.best.bound:
            self.best, self.best_prices, self.waited = found, prices, 0
        else:
            self.waited += 1
            if self.waited > self.PATIENCE:
                self.step_size, self.waited = self.step_size * self.SHRINK, 0
        slope = 1.0 - found.taken
        slope[~self.dual.exact & (slope > 0) & (self.prices <= 0)] = 0.0
        norm = float(slope @ slope)
        if norm > 0:
            gap = max(found.bound - self.target, 1)
            self.prices = self.dual.project(self.prices - self.step_size * gap / norm * slope)
        return found

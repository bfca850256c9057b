"""What an answer is worth under a request's program rules, re-read from the request.

The rules table (`bench.rules`) puts binome's answer and a baseline's side by side; both
are judged here, by the same code and none of binome's solver: the usable pairs and their
scores come from binome's encoding (as every baseline gets them), the rules are re-read
from the participants, and an answer is worth its lexicographic key under the rules the
program asks for: the least balance shortfall, then the most pairs, then (with `fair`) the
highest lowest score, then the total score. Every mentee of a benchmark pool is a
volunteer with no waiting rounds, so "most pairs" is the whole count part of the order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench import deferred
from bench.deferred import Orders, blocking_pairs
from solver.contract.request import MatchRequest, Participant, Program, attribute_value
from solver.encode.problem import Problem

TOLERANCE = 1e-6  # per pair, on float totals
LEVELS = ("balance shortfall", "pairs", "lowest score", "total")  # Worth.key, in order


@dataclass(frozen=True)
class Asked:
    """The program rules of a request, as plain values."""

    cross: dict[str, float]
    max_same: dict[str, int]
    balance: list[str]
    group_min: int | None
    stable: bool
    fair: bool

    @classmethod
    def of(cls, program: Program) -> Asked:
        group = program.format == "group" and program.group.min_size > 1
        return cls(
            cross=dict(program.diversity.cross),
            max_same=dict(program.diversity.max_same_per_mentor),
            balance=[name for name, on in program.diversity.balance.items() if on],
            group_min=program.group.min_size if group else None,
            stable=program.stable,
            fair=program.objective == "fair",
        )


@dataclass(frozen=True)
class Arcs:
    """The usable pairs (eligible, mentor with a place) and what the rules read of them."""

    request: MatchRequest
    rows: np.ndarray
    cols: np.ndarray
    score: np.ndarray
    capacity: np.ndarray

    @classmethod
    def of(cls, problem: Problem) -> Arcs:
        usable = problem.eligible & (problem.capacity > 0)[None, :]
        rows, cols = (axis.astype(np.int64) for axis in np.nonzero(usable))
        capacity = problem.capacity.astype(np.int64)
        return cls(problem.request, rows, cols, problem.score[rows, cols], capacity)

    @property
    def n_mentees(self) -> int:
        return len(self.request.mentees)

    @property
    def n_mentors(self) -> int:
        return len(self.request.mentors)

    def codes(self, attribute: str) -> tuple[np.ndarray, np.ndarray]:
        """Each mentee's and each mentor's value of the attribute, one code per value
        across both sides, -1 where the person has none."""
        found: dict[str, int] = {}

        def coded(people: list[Participant]) -> np.ndarray:
            values = [(attribute_value(p, attribute) or "").strip().casefold() for p in people]
            return np.array([found.setdefault(v, len(found)) if v else -1 for v in values])

        return coded(self.request.mentees), coded(self.request.mentors)


def most_matched(arcs: Arcs, mentees: np.ndarray) -> int:
    """The most of these mentees (a boolean mask) matched at once: a max flow."""
    from ortools.graph.python import max_flow

    n, m = arcs.n_mentees, arcs.n_mentors
    source, sink = n + m, n + m + 1
    chosen = np.flatnonzero(mentees)
    tails = np.r_[np.full(len(chosen), source), arcs.rows, n + np.arange(m)]
    heads = np.r_[chosen, n + arcs.cols, np.full(m, sink)]
    capacities = np.r_[np.ones(len(chosen) + len(arcs.rows)), arcs.capacity]
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(tails, heads, capacities.astype(np.int64))
    if flow.solve(source, sink) != flow.OPTIMAL:
        raise RuntimeError("max flow not optimal")
    return int(flow.optimal_flow())


def targets(arcs: Arcs, value: np.ndarray) -> np.ndarray:
    """Each value's balance target: its share of the mentees times the most that can be
    matched, rounded down, and never more than can be matched of that value."""
    most = most_matched(arcs, np.ones(arcs.n_mentees, dtype=bool))
    found = np.zeros(int(value.max(initial=-1)) + 1, dtype=np.int64)
    for v in range(len(found)):
        share = int(np.count_nonzero(value == v)) * most // max(arcs.n_mentees, 1)
        found[v] = min(share, most_matched(arcs, value == v))
    return found


@dataclass(frozen=True)
class Worth:
    """An answer under the rules: its key's parts, the rules it breaks, its blocking pairs
    (counted when `stable` is asked)."""

    pairs: int
    total: float
    shortfall: int
    floor: float
    broken: list[str]
    blocking: int | None

    def key(self) -> tuple[int, int, float, float]:
        return (-self.shortfall, self.pairs, self.floor, self.total)


@dataclass(frozen=True)
class Judge:
    """What judging answers to one request needs, computed once: the usable pairs, the
    rules asked, each balance attribute's mentee values and targets, the orders (stable)."""

    arcs: Arcs
    asked: Asked
    balance: list[tuple[np.ndarray, np.ndarray]]  # (mentee values, targets) per attribute
    orders: Orders | None

    @classmethod
    def of(cls, problem: Problem) -> Judge:
        arcs, asked = Arcs.of(problem), Asked.of(problem.request.program)
        values = [arcs.codes(attribute)[0] for attribute in asked.balance]
        balance = [(value, targets(arcs, value)) for value in values]
        return cls(arcs, asked, balance, deferred.orders(problem) if asked.stable else None)

    def worth(self, assignment: np.ndarray) -> Worth:
        """What an answer (each mentee's mentor, -1 for none) is worth."""
        arcs = self.arcs
        keys = arcs.rows * arcs.n_mentors + arcs.cols
        matched = np.flatnonzero(assignment >= 0)
        made = np.isin(keys, matched * arcs.n_mentors + assignment[matched])
        broken = [] if made.sum() == len(matched) else ["a pair that is not usable"]
        broken += _broken(arcs, self.asked, made)
        shortfall = 0
        for value, goal in self.balance:
            counted = value[arcs.rows[made]]
            counts = np.bincount(counted[counted >= 0], minlength=len(goal))
            shortfall += int(np.maximum(goal - counts, 0).sum())
        floor = float(arcs.score[made].min(initial=1.0)) if self.asked.fair else 0.0
        blocking = None if self.orders is None else blocking_pairs(self.orders, assignment)
        broken += [f"stable: {blocking} blocking pairs"] if blocking else []
        total = float(arcs.score[made].sum())
        return Worth(int(made.sum()), total, shortfall, floor, broken, blocking)


def _broken(arcs: Arcs, asked: Asked, made: np.ndarray) -> list[str]:
    """The rules (beyond stability) that the arcs made break."""
    load = np.bincount(arcs.cols[made], minlength=arcs.n_mentors)
    broken = ["capacity"] if (load > arcs.capacity).any() else []
    for attribute, share in asked.cross.items():
        e, m = arcs.codes(attribute)
        known = made & (e[arcs.rows] >= 0) & (m[arcs.cols] >= 0)
        crossing = known & (e[arcs.rows] != m[arcs.cols])
        if crossing.sum() < share * known.sum() - TOLERANCE:
            broken.append(f"cross {attribute}")
    for attribute, k in asked.max_same.items():
        e = arcs.codes(attribute)[0]
        known = made & (e[arcs.rows] >= 0)
        width = int(e.max(initial=0)) + 1
        _, same = np.unique(arcs.cols[known] * width + e[arcs.rows[known]], return_counts=True)
        if (same > k).any():
            broken.append(f"max same {attribute}")
    if asked.group_min is not None and ((load > 0) & (load < asked.group_min)).any():
        broken.append("group size")
    return broken


def compare(binome: Worth | None, baseline: Worth | None) -> str:
    """binome's answer against the baseline's, in words."""
    if binome is None or baseline is None:
        return "no binome answer" if binome is None else "no baseline answer"
    said = [f"binome breaks {', '.join(binome.broken)}"] if binome.broken else []
    said += [f"baseline breaks {', '.join(baseline.broken)}"] if baseline.broken else []
    close = (0.5, 0.5, 1e-9, TOLERANCE * max(binome.pairs, baseline.pairs, 1))
    ahead = _first_difference(binome.key(), baseline.key(), close)
    if ahead is None:
        verdict = "same"
    else:
        level, sign = LEVELS[abs(ahead) - 1], ahead > 0
        verdict = f"{'binome' if sign else 'baseline'} ahead on {level}"
    difference = round(binome.total - baseline.total, 4) + 0.0  # no "-0.0000"
    delta = f"total {difference:+.4f}, pairs {binome.pairs - baseline.pairs:+d}"
    if binome.blocking is not None:
        delta += f"; blocking {binome.blocking} vs {baseline.blocking}"
    return "; ".join([f"{verdict} ({delta})", *said])


def _first_difference(
    a: tuple[float, ...], b: tuple[float, ...], close: tuple[float, ...]
) -> int | None:
    """k when a is better at level k (from 1), the first where they differ, -k when b is,
    None when they are equal."""
    for k, (mine, theirs, near) in enumerate(zip(a, b, close, strict=True), start=1):
        if abs(mine - theirs) > near:
            return k if mine > theirs else -k
    return None

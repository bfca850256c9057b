"""The model a user would write first: one CP-SAT boolean per usable pair, the program's
rules as constraints over them, one weighted objective, the time cap as the limit.

    x[a] ∈ {0, 1} for every usable pair a = (mentee i, mentor j)
    each mentee at most once; each mentor within its places
    format group:  min_size · open[j] ≤ Σ_i x[i, j] ≤ places[j] · open[j]
    cross share:   Σ crossing x ≥ share · Σ known x
    max same:      per mentor and value, Σ x ≤ k
    balance:       per value, short[v] + Σ x over its mentees ≥ target[v]
    fair:          floor ≤ score[a] + S · (1 − x[a]) on every pair
    stable:        per pair, r · (x[a] + Σ x over the mentors i prefers)
                   + Σ x over the mentees j prefers ≥ r   (r: j's places)

The objective weighs the lexicographic levels into one sum (−shortfall, then pairs, then
the floor, then the total score), each level's weight above everything the levels after
it can add. Scores are integers at S = 10⁶ steps unless the weighted sum would not fit
CP-SAT's 62 bits; then S is lowered by tens. The balance targets are the rule's own
(`bench.judge.targets`), and the usable pairs, scores and orders are binome's, as every
baseline gets them. The benchmark pools have no pins, so the model has none.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from bench.deferred import orders
from bench.judge import Arcs, Asked, targets
from solver.encode.problem import Problem

LIMIT = 2**62  # CP-SAT's objective must stay within int64


@dataclass(frozen=True)
class Naive:
    """The model's answer (each mentee's mentor, -1 for none), CP-SAT's status, the solve
    call's seconds and the score steps used."""

    assignment: np.ndarray
    status: str
    solve_seconds: float
    scale: int


def owned(owner: np.ndarray) -> list[np.ndarray]:
    """The arcs of each owner (mentee or mentor) that has any, in arc order."""
    order = np.argsort(owner, kind="stable")
    starts = np.flatnonzero(np.r_[True, owner[order][1:] != owner[order][:-1]])
    return np.split(order, starts[1:]) if len(order) else []


def weights(ranges: list[int]) -> tuple[list[int], int]:
    """Each level's weight (most important first) so that one unit of a level beats all
    that the levels after it can add, and the largest value of the weighted sum."""
    found, span = [0] * len(ranges), 0
    for k in reversed(range(len(ranges))):
        found[k] = span + 1
        span += found[k] * ranges[k]
    return found, span


def _levels(arcs: Arcs, asked: Asked, gaps: int, scale: int) -> list[int]:
    """How far each level of the order can range, most important first: the balance
    shortfall, the pairs, the floor (fair), the total at these score steps."""
    places = int(min(arcs.n_mentees, arcs.capacity.sum()))
    best = np.zeros(arcs.n_mentees, dtype=np.int64)
    np.maximum.at(best, arcs.rows, np.rint(arcs.score * scale).astype(np.int64))
    levels = [gaps] if asked.balance else []
    return levels + [places] + ([scale] if asked.fair else []) + [int(best.sum())]


def _scale(arcs: Arcs, asked: Asked, gaps: int) -> int:
    """The finest score steps (10⁶ at most) whose weighted objective fits CP-SAT, which
    also bounds the sum of every term's largest value (the total's over every pair)."""
    scale = 10**6
    while scale > 1:
        every_pair = int(np.rint(arcs.score * scale).sum())
        if weights(_levels(arcs, asked, gaps, scale))[1] + every_pair < LIMIT:
            return scale
        scale //= 10
    return 1


def solve_naive(problem: Problem, cap: float, workers: int = 2) -> Naive:
    """Build the model, solve it within `cap` seconds, read the answer."""
    arcs, asked = Arcs.of(problem), Asked.of(problem.request.program)
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(len(arcs.rows))]
    _places(model, x, arcs, asked)
    _diversity(model, x, arcs, asked)
    shorts = _balance(model, x, arcs, asked)
    scale = _scale(arcs, asked, sum(gap for _, gap in shorts))
    gain = np.rint(arcs.score * scale).astype(np.int64)
    floor = _fair(model, x, gain, scale) if asked.fair else None
    if asked.stable:
        _stable(model, x, problem)
    _objective(model, x, arcs, asked, gain, shorts, floor, scale)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = cap
    solver.parameters.num_workers = workers
    started = time.perf_counter()
    status = solver.solve(model)
    seconds = time.perf_counter() - started
    assignment = np.full(arcs.n_mentees, -1, dtype=np.int64)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        assignment[arcs.rows[chosen]] = arcs.cols[chosen]
    return Naive(assignment, solver.status_name(status).lower(), seconds, scale)


Model = cp_model.CpModel
Vars = list[Any]  # CP-SAT's boolean variables, one per arc


def _sum(x: Vars, arcs: np.ndarray) -> Any:
    return cp_model.LinearExpr.sum([x[a] for a in arcs.tolist()])


def _places(model: Model, x: Vars, arcs: Arcs, asked: Asked) -> None:
    """Each mentee at most once; each mentor within its places (a group: open or not)."""
    for mine in owned(arcs.rows):
        model.add_at_most_one(x[a] for a in mine.tolist())
    for mine in owned(arcs.cols):
        places = int(arcs.capacity[int(arcs.cols[mine[0]])])
        if asked.group_min is None:
            model.add(_sum(x, mine) <= places)
            continue
        opened = model.new_bool_var("")
        model.add(_sum(x, mine) >= asked.group_min * opened)
        model.add(_sum(x, mine) <= places * opened)


def _diversity(model: Model, x: Vars, arcs: Arcs, asked: Asked) -> None:
    """Cross shares (in millionths) and at most k mentees of one value per mentor."""
    for attribute, share in asked.cross.items():
        e, m = arcs.codes(attribute)
        known = (e[arcs.rows] >= 0) & (m[arcs.cols] >= 0)
        crossing = known & (e[arcs.rows] != m[arcs.cols])
        coef = crossing * 10**6 - known * round(share * 10**6)
        used = np.flatnonzero(coef)
        terms = [x[a] for a in used.tolist()]
        model.add(cp_model.LinearExpr.weighted_sum(terms, coef[used].tolist()) >= 0)
    for attribute, k in asked.max_same.items():
        e = arcs.codes(attribute)[0]
        known = np.flatnonzero(e[arcs.rows] >= 0)
        width = int(e.max(initial=0)) + 1
        for group in owned(arcs.cols[known] * width + e[arcs.rows[known]]):
            if len(group) > k:
                model.add(_sum(x, known[group]) <= k)


def _balance(model: Model, x: Vars, arcs: Arcs, asked: Asked) -> list[tuple[Any, int]]:
    """Per value short of its target: short[v] + Σ x over its mentees ≥ target[v]."""
    shorts = []
    for attribute in asked.balance:
        value = arcs.codes(attribute)[0]
        for v, target in enumerate(targets(arcs, value).tolist()):
            if target > 0:
                short = model.new_int_var(0, target, "")
                model.add(short + _sum(x, np.flatnonzero(value[arcs.rows] == v)) >= target)
                shorts.append((short, target))
    return shorts


def _fair(model: Model, x: Vars, gain: np.ndarray, scale: int) -> Any:
    """The lowest score made: floor ≤ gain[a] + S · (1 − x[a]) on every pair."""
    floor = model.new_int_var(0, scale, "")
    for a, g in enumerate(gain.tolist()):
        model.add(floor + scale * x[a] <= g + scale)
    return floor


def _stable(model: Model, x: Vars, problem: Problem) -> None:
    """No blocking pair, one row per pair, over everyone's strict order."""
    found = orders(problem)
    if len(found.rows) != len(x):
        raise ValueError("the orders and the model see different pairs")
    by_mentee = {int(found.rows[arcs[0]]): arcs for arcs in found.by_mentee()}
    for mine in found.by_mentor():
        places = int(found.capacity[int(found.cols[mine[0]])])
        for position, a in enumerate(mine.tolist()):
            theirs = by_mentee[int(found.rows[a])]
            better = theirs[: int(found.mentee_rank[a])].tolist()
            terms = [x[a]] + [x[b] for b in better] + [x[c] for c in mine[:position].tolist()]
            coef = [places] * (1 + len(better)) + [1] * position
            model.add(cp_model.LinearExpr.weighted_sum(terms, coef) >= places)


def _objective(
    model: Model,
    x: Vars,
    arcs: Arcs,
    asked: Asked,
    gain: np.ndarray,
    shorts: list[tuple[Any, int]],
    floor: Any,
    scale: int,
) -> None:
    """One weighted sum: −shortfall, then pairs, then the floor, then the total score. The
    pairs are one integer variable, so that no pair's coefficient carries a level's weight
    (CP-SAT refuses a model whose terms could add up past 64 bits)."""
    gaps = sum(gap for _, gap in shorts)
    levels = _levels(arcs, asked, gaps, scale)
    weight, _ = weights(levels)
    pairs = model.new_int_var(0, levels[1 if asked.balance else 0], "")
    model.add(pairs == cp_model.LinearExpr.sum(x))
    terms, coef = list(x), gain.tolist()
    terms += [short for short, _ in shorts] + [pairs]
    coef += [-weight[0]] * len(shorts) + [weight[1 if asked.balance else 0]]
    if floor is not None:
        terms, coef = terms + [floor], coef + [weight[-2]]
    model.maximize(cp_model.LinearExpr.weighted_sum(terms, coef))

"""The answer a general engine starts from, and keeps unless it finds better.

A flow answers a plain request (no program rule) optimally in a fraction of a second;
CP-SAT or HiGHS asked for the same request (`engine: "cpsat"` or `"mip"`) may not
even reach it within the limit. With program rules, the flow's answer on the rules it
models, made to keep the others by each rule's repair (`engines/repair.py`), is a start
as good. So each lexicographic stage is warm-started from the best assignment known
(the start, then each stage's own best), and a stage whose search ends (time limit,
cancel) with an incumbent worse than that start answers the start instead.

A start is only *kept* when it provably keeps every row of the model: each mentee once,
each mentor within their places, and every rule's rows with the values of the rule's
own variables that go with it (`ProgramRule.own_values`). A start that breaks a row is a
hint only. Assignments here are vectors over every variable of the model: the arcs'
0/1, then each rule's own variables, in the order the models create them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance
from solver.rules.program import Linear
from solver.rules.program.base import row_values_hold


@dataclass(frozen=True)
class Outcome:
    """How one stage's search ended: `optimal` at `value`, `infeasible`, or `stopped` (by
    the time, or no time left for it), with the engine's incumbent (every variable's
    value) and its bound on the stage."""

    status: str
    value: int = 0
    incumbent: np.ndarray | None = None
    bound: int | None = None


def rows_of_rules(inst: Instance) -> list[Linear]:
    """Every rule's rows, in the order the models add them and their own variables."""
    return [linear for rule in inst.rules for linear in rule.linear(inst)]


def start_values(
    inst: Instance, linears: list[Linear], chosen: np.ndarray | None
) -> np.ndarray | None:
    """Every variable's value for these chosen arcs (a boolean per arc) when they keep every
    row of the model, else None."""
    if chosen is None:
        return None
    per_mentee = np.bincount(inst.rows[chosen], minlength=inst.n_mentees)
    per_mentor = np.bincount(inst.cols[chosen], minlength=inst.n_mentors)
    if (per_mentee > 1).any() or (per_mentor > inst.capacity).any():
        return None
    own = [values for rule in inst.rules for values in rule.own_values(inst, chosen)]
    if len(own) != len(linears):
        raise ValueError("a rule's own values do not follow its rows")
    if not all(row_values_hold(lin, chosen, v) for lin, v in zip(linears, own, strict=True)):
        return None
    return np.concatenate([chosen.astype(np.int64), *own]).astype(np.int64)


def _stages(inst: Instance, linears: list[Linear]) -> list[tuple[str, np.ndarray]]:
    """Each lexicographic stage's name and integer weights over every variable of the model,
    in the models' order: the rules' first levels, volunteers, matched, waiting, the rules'
    last levels, total score."""
    arcs = len(inst.rows)
    width = arcs + sum(len(linear.own_lower) for linear in linears)
    first: list[tuple[str, np.ndarray]] = []
    last: list[tuple[str, np.ndarray]] = []
    offset = arcs
    for linear in linears:
        for stage in linear.stages:
            weights = np.zeros(width, dtype=np.int64)
            index = np.where(stage.var < arcs, stage.var, stage.var - arcs + offset)
            np.add.at(weights, index, stage.coef.astype(np.int64))
            (first if stage.before == "volunteers" else last).append((stage.name, weights))
        offset += len(linear.own_lower)
    core = [inst.volunteer[inst.rows], np.ones(arcs), inst.waiting[inst.rows], inst.gain]
    plain = [np.pad(w.astype(np.int64), (0, width - arcs)) for w in core]
    names = ("volunteers", "matched", "waiting", "total score")
    return [*first, *zip(names[:3], plain[:3], strict=True), *last, (names[3], plain[3])]


def levels(inst: Instance, linears: list[Linear]) -> list[np.ndarray]:
    """Each stage's integer weights over every variable of the model, in the models' order."""
    return [weights for _, weights in _stages(inst, linears)]


@dataclass(frozen=True)
class Ceiling:
    """What a level can reach: never more than `most`; nor more than `relaxed`, the flow
    relaxation's optimum of it, while every level of the relaxation before it was reached
    (a relaxation's lexicographic optimum bounds each level given the ones before)."""

    most: int
    relaxed: int | None


class Ceilings:
    """A level whose best known value meets its ceiling is proven without a search."""

    def __init__(self, ceilings: list[Ceiling]) -> None:
        self.ceilings = ceilings
        self.chain = True  # every level of the relaxation so far met its relaxed value

    def reached(self, level: int, value: int) -> bool:
        ceiling = self.ceilings[level]
        relaxed = self.chain and ceiling.relaxed is not None and value >= ceiling.relaxed
        return value >= ceiling.most or relaxed

    def fixed(self, level: int, value: int) -> None:
        relaxed = self.ceilings[level].relaxed
        self.chain = self.chain and (relaxed is None or value == relaxed)


@dataclass(frozen=True)
class Relaxed:
    """A relaxation of the request (the instance with only some of its rules, as
    `flow.flow_relaxation` gives it) and its lexicographic optimum, a mentee → mentor
    assignment: every answer to the request is one of the relaxation's."""

    instance: Instance
    assignment: np.ndarray


def ceilings(inst: Instance, linears: list[Linear], relaxed: Relaxed | None) -> Ceilings:
    """Each stage's ceiling: its weights on the variables' bounds, and the relaxation's
    optimum of each of the relaxation's own levels (by name)."""
    stages = _stages(inst, linears)
    arcs = len(inst.rows)
    low = np.concatenate([np.zeros(arcs, dtype=np.int64), *(lin.own_lower for lin in linears)])
    high = np.concatenate([np.ones(arcs, dtype=np.int64), *(lin.own_upper for lin in linears)])
    values: dict[str, int] = {}
    if relaxed is not None:
        relaxation = relaxed.instance
        rows = rows_of_rules(relaxation)
        chosen = relaxed.assignment[relaxation.rows] == relaxation.cols
        kept = start_values(relaxation, rows, chosen)
        if kept is not None:
            values = {name: int(w @ kept) for name, w in _stages(relaxation, rows)}
    return Ceilings(
        [Ceiling(int(np.maximum(w * low, w * high).sum()), values.get(name)) for name, w in stages]
    )


def proven(
    inst: Instance, linears: list[Linear], kept: np.ndarray, relaxed: Relaxed | None
) -> bool:
    """Whether an assignment that keeps every row (every variable's value) meets each
    level's ceiling in turn: then it is the lexicographic optimum, with no search. So is
    the flow relaxation's optimum whenever it keeps every rule."""
    ceiling = ceilings(inst, linears, relaxed)
    for level, weights in enumerate(levels(inst, linears)):
        value = int(weights @ kept)
        if not ceiling.reached(level, value):
            return False
        ceiling.fixed(level, value)
    return True


def better(
    levels: list[np.ndarray], found: np.ndarray | None, start: np.ndarray | None
) -> np.ndarray | None:
    """The lexicographically better of two assignments (values of every variable) on these
    levels, the search's on a tie; either when the other is missing."""
    if found is None or start is None:
        return start if found is None else found
    mine = tuple(int(w @ found) for w in levels)
    theirs = tuple(int(w @ start) for w in levels)
    return start if theirs > mine else found

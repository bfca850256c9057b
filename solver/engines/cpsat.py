"""CP-SAT engine: one boolean per candidate pair, every program rule, lexicographic stages.

Each stage maximises one level and then pins its value for the next:
[balance shortfall] → volunteers → matched → waiting served → objective
(`total`: the sum of gains; `fair`: the lowest gain, then the sum). It is the
engine for rules that break the network structure; a hint (the flow's answer,
when it is feasible) warm-starts every stage. Large instances reach it only
after `reduce` has shrunk their candidate set.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from solver.encode.instance import Instance, Solution
from solver.encode.quantise import SCORE_SCALE

log = logging.getLogger(__name__)


def arcs_by(keys: np.ndarray) -> list[np.ndarray]:
    """Arc indices grouped by key (one vectorised sort, no scan per key)."""
    if len(keys) == 0:
        return []
    order = np.argsort(keys, kind="stable")
    cuts = np.nonzero(np.diff(keys[order]))[0] + 1
    return np.split(order, cuts)


@dataclass
class Stage:
    name: str
    expression: cp_model.LinearExprT


def _add_assignment(model: cp_model.CpModel, x: list[cp_model.IntVar], inst: Instance) -> None:
    """A mentee has at most one mentor; a mentor at most their places left."""
    for arcs in arcs_by(inst.rows):
        model.add_at_most_one(x[k] for k in arcs)
    for arcs in arcs_by(inst.cols):
        j = int(inst.cols[arcs[0]])
        if len(arcs) > inst.capacity[j]:
            model.add(sum(x[k] for k in arcs) <= int(inst.capacity[j]))


def _add_diversity(model: cp_model.CpModel, x: list[cp_model.IntVar], inst: Instance) -> None:
    side = inst.side
    for cross in side.cross:
        coef, rhs = cross.coefficients()
        model.add(cp_model.LinearExpr.weighted_sum(x, coef.tolist()) >= rhs)
    for same in side.same:
        value = same.value[inst.rows]
        known = np.nonzero(value >= 0)[0]
        for arcs in arcs_by(inst.cols[known] * (int(value.max(initial=0)) + 1) + value[known]):
            j, v = int(inst.cols[known[arcs[0]]]), int(value[known[arcs[0]]])
            room = same.k - same.pinned.get((j, v), 0)
            if len(arcs) > room:
                model.add(sum(x[known[k]] for k in arcs) <= room)


def _add_groups(model: cp_model.CpModel, x: list[cp_model.IntVar], inst: Instance) -> None:
    """Format group: a mentor gets no mentee or at least `min_size` (pins included)."""
    minimum = inst.side.group_min
    if not minimum or minimum <= 1:
        return
    pinned = inst.side_pinned_per_mentor()
    for arcs in arcs_by(inst.cols):
        j = int(inst.cols[arcs[0]])
        load = sum(x[k] for k in arcs)
        if pinned[j] > 0:
            model.add(load >= max(minimum - int(pinned[j]), 0))
            continue
        opened = model.new_bool_var(f"open{j}")
        model.add(load >= minimum).only_enforce_if(opened)
        model.add(load == 0).only_enforce_if(~opened)


def _add_stability(model: cp_model.CpModel, x: list[cp_model.IntVar], inst: Instance) -> None:
    """No blocking pair: the arc is taken, its mentee has better, or its mentor is full."""
    stability = inst.side.stability
    if stability is None:
        return
    for arcs in arcs_by(inst.cols):
        j = int(inst.cols[arcs[0]])
        room = int(inst.capacity[j])
        by_mentor = arcs[np.argsort(stability.mentor_rank[arcs])]
        for position, a in enumerate(by_mentor.tolist()):
            i = int(inst.rows[a])
            mine = inst_arcs_of_mentee(inst, i)
            better_mentors = mine[stability.mentee_rank[mine] < stability.mentee_rank[a]]
            better_mentees = by_mentor[:position]
            taken = [x[a], *(x[k] for k in better_mentors)]
            model.add(room * sum(taken) + sum(x[k] for k in better_mentees) >= room)


def inst_arcs_of_mentee(inst: Instance, i: int) -> np.ndarray:
    start, stop = np.searchsorted(inst.rows, [i, i + 1])
    return np.arange(start, stop)


def _stages(model: cp_model.CpModel, x: list[cp_model.IntVar], inst: Instance) -> list[Stage]:
    """The lexicographic levels, most important first, as expressions to maximise."""
    stages = []
    for balance in inst.side.balance:
        value = balance.value[inst.rows]
        shortfall = []
        for v, target in enumerate(balance.target.tolist()):
            missing = target - int(balance.pinned[v])
            if missing <= 0:
                continue
            arcs = np.nonzero(value == v)[0]
            gap = model.new_int_var(0, missing, f"short_{balance.attribute}_{v}")
            model.add(gap >= missing - sum(x[k] for k in arcs))
            shortfall.append(gap)
        stages.append(Stage(f"balance {balance.attribute}", -sum(shortfall)))
    weights = [inst.volunteer[inst.rows], np.ones(len(x), dtype=np.int64), inst.waiting[inst.rows]]
    for name, w in zip(("volunteers", "matched", "waiting"), weights, strict=True):
        stages.append(Stage(name, cp_model.LinearExpr.weighted_sum(x, w.astype(int).tolist())))
    if inst.side.fair:
        floor = model.new_int_var(0, SCORE_SCALE, "lowest_gain")
        if inst.pinned_min_gain is not None:
            model.add(floor <= inst.pinned_min_gain)
        for k, var in enumerate(x):
            model.add(floor + SCORE_SCALE * var <= int(inst.gain[k]) + SCORE_SCALE)
        stages.append(Stage("lowest score", floor))
    stages.append(Stage("total score", cp_model.LinearExpr.weighted_sum(x, inst.gain.tolist())))
    return stages


def build(inst: Instance) -> tuple[cp_model.CpModel, list[cp_model.IntVar], list[Stage]]:
    """Data → variables → constraints → stages (objectives)."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(inst.rows))]
    _add_assignment(model, x, inst)
    _add_diversity(model, x, inst)
    _add_groups(model, x, inst)
    _add_stability(model, x, inst)
    return model, x, _stages(model, x, inst)


def _assignment(inst: Instance, chosen: np.ndarray) -> np.ndarray:
    assignment = np.full(inst.n_mentees, -1, dtype=np.int64)
    assignment[inst.rows[chosen]] = inst.cols[chosen]
    return assignment


def solve_cpsat(
    inst: Instance,
    *,
    time_limit_s: float,
    seed: int = 0,
    num_workers: int = 1,
    hint: np.ndarray | None = None,
) -> Solution:
    """The lexicographic optimum by CP-SAT, the best found when time runs out, or none."""
    model, x, stages = build(inst)
    hinted = None if hint is None else hint[inst.rows] == inst.cols
    found = None  # only what CP-SAT itself proved feasible: a hint may break the side rules
    deadline = time.monotonic() + time_limit_s
    for level, stage in enumerate(stages):
        model.maximize(stage.expression)
        model.clear_hints()
        start = found if found is not None else hinted
        if start is not None:
            for var, value in zip(x, start.tolist(), strict=True):
                model.add_hint(var, value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(deadline - time.monotonic(), 0.01)
        solver.parameters.random_seed = seed
        solver.parameters.num_workers = num_workers
        status = solver.solve(model)
        log.debug("cpsat %s: %s in %.3fs", stage.name, solver.status_name(status), solver.wall_time)
        if status == cp_model.INFEASIBLE:
            return Solution(
                np.full(inst.n_mentees, -1, dtype=np.int64), proven=True, feasible=False
            )
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        found = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        if status == cp_model.FEASIBLE:
            last = level == len(stages) - 1
            bound = int(solver.best_objective_bound) if last else None
            return Solution(_assignment(inst, found), proven=False, gain_bound=bound)
        model.add(stage.expression == int(round(solver.objective_value)))
    else:
        assert found is not None
        return Solution(_assignment(inst, found), proven=True)
    if found is None:
        return Solution(np.full(inst.n_mentees, -1, dtype=np.int64), proven=False, feasible=False)
    return Solution(_assignment(inst, found), proven=False)

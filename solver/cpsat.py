"""CP-SAT engine: one boolean per candidate pair, lexicographic objective in stages.

Each stage maximises one level (volunteers, matched, waiting served, total
gain) and then pins its value as a constraint for the next. It is the engine
for side constraints that break the network structure; on plain requests it
reaches the flow's optimum, which the tests check. A hint (the flow's answer)
warm-starts every stage.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from ortools.sat.python import cp_model

from solver.encoder import Instance, Solution

log = logging.getLogger(__name__)


def _stages(inst: Instance) -> list[np.ndarray]:
    """Per-arc coefficients of each lexicographic level, most important first."""
    ones = np.ones(len(inst.rows), dtype=np.int64)
    return [
        inst.volunteer[inst.rows].astype(np.int64),
        ones,
        inst.waiting[inst.rows],
        inst.gain,
    ]


def _build(inst: Instance) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(inst.rows))]
    for i in np.unique(inst.rows):
        model.add_at_most_one(x[k] for k in np.nonzero(inst.rows == i)[0])
    for j in np.unique(inst.cols):
        arcs = np.nonzero(inst.cols == j)[0]
        if len(arcs) > inst.capacity[j]:
            model.add(sum(x[k] for k in arcs) <= int(inst.capacity[j]))
    return model, x


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
    """The lexicographic optimum by CP-SAT, or the best found when time runs out."""
    if len(inst.rows) == 0:
        return Solution(np.full(inst.n_mentees, -1, dtype=np.int64), proven=True)
    model, x = _build(inst)
    chosen = None if hint is None else hint[inst.rows] == inst.cols
    deadline = time.monotonic() + time_limit_s
    stages = _stages(inst)
    for level, coefficients in enumerate(stages):
        objective = cp_model.LinearExpr.weighted_sum(x, coefficients.tolist())
        model.maximize(objective)
        model.clear_hints()
        if chosen is not None:
            for var, value in zip(x, chosen.tolist(), strict=True):
                model.add_hint(var, value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(deadline - time.monotonic(), 0.01)
        solver.parameters.random_seed = seed
        solver.parameters.num_workers = num_workers
        status = solver.solve(model)
        log.debug(
            "cpsat stage %d: %s in %.3fs", level, solver.status_name(status), solver.wall_time
        )
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        if status == cp_model.FEASIBLE:
            last = level == len(stages) - 1
            bound = int(solver.best_objective_bound) if last else None
            return Solution(_assignment(inst, chosen), proven=False, gain_bound=bound)
        model.add(objective == int(round(solver.objective_value)))
    else:
        assert chosen is not None
        return Solution(_assignment(inst, chosen), proven=True)
    if chosen is None:
        return Solution(np.full(inst.n_mentees, -1, dtype=np.int64), proven=False)
    return Solution(_assignment(inst, chosen), proven=False)

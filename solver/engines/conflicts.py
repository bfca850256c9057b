"""Which rules clash, when no pairing can satisfy them all.

Every family of rules (capacities, `match_all_mentees`, each diversity rule,
groups, stability) is switched on by one assumption literal; CP-SAT's
infeasible core names a small set of families that cannot hold together.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from solver.encode.instance import Instance
from solver.engines.cpsat import arcs_by


def rule_families(inst: Instance, match_all: bool) -> list[str]:
    found = ["capacity"]
    found += ["match_all_mentees"] if match_all else []
    found += [f"diversity.cross.{c.attribute}" for c in inst.side.cross]
    found += [f"diversity.max_same_per_mentor.{s.attribute}" for s in inst.side.same]
    found += ["group.min_size"] if (inst.side.group_min or 1) > 1 else []
    found += ["stable"] if inst.side.stability is not None else []
    return found


def clashing_rules(inst: Instance, free_mentees: np.ndarray, match_all: bool) -> list[str]:
    """A small set of rule families that cannot all hold; [] if they can (or time ran out)."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(inst.rows))]
    switch = {name: model.new_bool_var(name) for name in rule_families(inst, match_all)}
    for arcs in arcs_by(inst.rows):
        model.add_at_most_one(x[k] for k in arcs)
    if match_all:
        has_arc = np.zeros(inst.n_mentees, dtype=bool)
        has_arc[inst.rows] = True
        if (free_mentees & ~has_arc).any():
            return ["match_all_mentees"]
        for arcs in arcs_by(inst.rows):
            model.add(sum(x[k] for k in arcs) == 1).only_enforce_if(switch["match_all_mentees"])
    for arcs in arcs_by(inst.cols):
        j = int(inst.cols[arcs[0]])
        model.add(sum(x[k] for k in arcs) <= int(inst.capacity[j])).only_enforce_if(
            switch["capacity"]
        )
    for cross in inst.side.cross:
        coef, rhs = cross.coefficients()
        model.add(cp_model.LinearExpr.weighted_sum(x, coef.tolist()) >= rhs).only_enforce_if(
            switch[f"diversity.cross.{cross.attribute}"]
        )
    _other_rules(model, x, inst, switch)
    model.add_assumptions(list(switch.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    solver.parameters.num_workers = 1
    if solver.solve(model) != cp_model.INFEASIBLE:
        return []
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [name for name, literal in switch.items() if literal.index in core]


def _other_rules(
    model: cp_model.CpModel,
    x: list[cp_model.IntVar],
    inst: Instance,
    switch: dict[str, cp_model.IntVar],
) -> None:
    for same in inst.side.same:
        value = same.value[inst.rows]
        known = np.nonzero(value >= 0)[0]
        on = switch[f"diversity.max_same_per_mentor.{same.attribute}"]
        for arcs in arcs_by(inst.cols[known] * (int(value.max(initial=0)) + 1) + value[known]):
            j, v = int(inst.cols[known[arcs[0]]]), int(value[known[arcs[0]]])
            room = same.k - same.pinned.get((j, v), 0)
            model.add(sum(x[known[k]] for k in arcs) <= room).only_enforce_if(on)
    minimum = inst.side.group_min or 1
    if minimum > 1:
        pinned = inst.side_pinned_per_mentor()
        on = switch["group.min_size"]
        for arcs in arcs_by(inst.cols):
            j = int(inst.cols[arcs[0]])
            load = sum(x[k] for k in arcs)
            opened = model.new_bool_var(f"open{j}")
            model.add(load + int(pinned[j]) >= minimum).only_enforce_if([opened, on])
            model.add(load + int(pinned[j]) == 0).only_enforce_if([~opened, on])

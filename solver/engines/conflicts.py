"""Which rules clash, when no pairing can satisfy them all.

Every family of rules (capacities, `match_all_mentees`, each constraint family of the
program rules) is switched on by one assumption literal; CP-SAT's infeasible core names
a small set of families that cannot hold together.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from solver.encode.instance import Instance
from solver.encode.keys import arcs_by
from solver.engines.cpsat import constraints, own_variables
from solver.rules.program import Linear

CAPACITY = "capacity"
MATCH_ALL = "match_all_mentees"
CORE_SECONDS = 10.0


def rule_families(inst: Instance, match_all: bool) -> list[str]:
    """Every family the diagnosis can name, in order: capacities, coverage, then rules."""
    found = [CAPACITY] + ([MATCH_ALL] if match_all else [])
    return found + [lin.family for lin in _rule_rows(inst) if lin.family is not None]


def _rule_rows(inst: Instance) -> list[Linear]:
    return [lin for rule in inst.rules for lin in rule.linear(inst) if lin.family is not None]


def _assignment(
    model: cp_model.CpModel,
    x: list[cp_model.IntVar],
    inst: Instance,
    switch: dict[str, cp_model.IntVar],
) -> None:
    """A mentee has at most one mentor; capacities and coverage under their switches."""
    for arcs in arcs_by(inst.rows):
        model.add_at_most_one(x[k] for k in arcs)
        if MATCH_ALL in switch:
            model.add(sum(x[k] for k in arcs) == 1).only_enforce_if(switch[MATCH_ALL])
    for arcs in arcs_by(inst.cols):
        j = int(inst.cols[arcs[0]])
        load = sum(x[k] for k in arcs)
        model.add(load <= int(inst.capacity[j])).only_enforce_if(switch[CAPACITY])


def clashing_rules(
    inst: Instance, free_mentees: np.ndarray, match_all: bool, time_limit_s: float = CORE_SECONDS
) -> list[str]:
    """A small set of rule families that cannot all hold; [] if they can (or time ran out)."""
    if match_all:
        has_arc = np.zeros(inst.n_mentees, dtype=bool)
        has_arc[inst.rows] = True
        if (free_mentees & ~has_arc).any():
            return [MATCH_ALL]
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(inst.rows))]
    switch = {name: model.new_bool_var(name) for name in rule_families(inst, match_all)}
    _assignment(model, x, inst, switch)
    for k, linear in enumerate(_rule_rows(inst)):
        variables = x + own_variables(model, linear, f"r{k}_")
        for constraint in constraints(model, variables, linear):
            constraint.only_enforce_if(switch[str(linear.family)])
    model.add_assumptions(list(switch.values()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = min(time_limit_s, CORE_SECONDS)
    solver.parameters.num_workers = 1
    if solver.solve(model) != cp_model.INFEASIBLE:
        return []
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return [name for name, literal in switch.items() if literal.index in core]

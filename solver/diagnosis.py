"""Why no pairing satisfies a request: Hall's condition, or a core of clashing rules."""

from __future__ import annotations

import numpy as np

from solver.answer.infeasible import core_conflicts, coverage_conflicts
from solver.contract.response import Conflict
from solver.dispatch import SolveOptions
from solver.encode.instance import Instance
from solver.encode.problem import Problem
from solver.engines.conflicts import CAPACITY, MATCH_ALL, clashing_rules, rule_families
from solver.engines.general import build_seconds
from solver.rules.program import asked


def diagnose(
    problem: Problem, inst: Instance, assignment: np.ndarray, options: SolveOptions
) -> list[Conflict]:
    """Why no pairing satisfies the request: Hall's condition, or a core of clashing rules
    (searched in the time left when its model builds in half of it; every family named
    when there is none)."""
    program, language = problem.request.program, options.language
    match_all = program.rules.match_all_mentees
    if not any(rule.families(program) for rule in asked(program)):
        return coverage_conflicts(problem, assignment, language)
    free = np.ones(inst.n_mentees, dtype=bool)
    free[[i for i, _ in problem.pins]] = False
    time_left = options.remaining(program)
    searched = build_seconds(inst) <= time_left / 2  # its model is as large as the engines'
    core = searched and clashing_rules(inst, free, match_all, time_left)
    core = core or rule_families(inst, match_all)
    if set(core) <= {CAPACITY, MATCH_ALL}:
        return coverage_conflicts(problem, assignment, language)
    return core_conflicts(program, core, language)

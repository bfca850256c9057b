"""Which engine path a request takes, as far as its sizes tell (`solver/dispatch.py`):
the budget prices each path's memory per pair (`budget.PER_PAIR`)."""

from __future__ import annotations

from solver.contract.request import MatchRequest
from solver.dispatch import MATRIX_PATHS, SIDE_RULES, THRESHOLDS, by_blocks, on_candidates
from solver.engines.groups import handles
from solver.rules.program import Balance, CrossShare, Stable, asked


def path_of(request: MatchRequest) -> str:
    """Which engine path the dispatch takes, as far as sizes tell (`solver/dispatch.py`)."""
    program, pairs = request.program, len(request.mentees) * len(request.mentors)
    rules = asked(program)
    if program.answer == "pairs" and by_blocks(request, THRESHOLDS):
        return "blocks"
    if Stable in rules:
        return "deferred"
    share, side = CrossShare in rules, frozenset(rules) in SIDE_RULES
    least = max(THRESHOLDS.large_from, THRESHOLDS.priced_share_from if share else 0)
    least = max(THRESHOLDS.large_from, THRESHOLDS.side_rules_from) if side else least
    engines = ("auto",) if share else ("auto", "flow")
    single = len(program.diversity.cross) <= 1 and len(program.diversity.max_same_per_mentor) <= 1
    if Balance in rules:  # one attribute, as on the flow (`dispatch.matrix_path`)
        single = Balance.flow_models(program)
    matrix = frozenset(rules) in MATRIX_PATHS and single and program.engine in engines
    if matrix and pairs >= least:
        return "rules" if side else "matrix"
    if handles(program) and program.engine == "auto":  # `engines/groups/`
        return "matrix" if pairs >= THRESHOLDS.groups_matrix_from else "levels"
    if on_candidates(program, pairs, THRESHOLDS):
        return "candidates"
    if all(rule.flow_models(program) for rule in rules) and program.engine in ("auto", "flow"):
        return "levels" if Balance in rules else "flow"
    if pairs > THRESHOLDS.reduce_from and all(rule.reducible for rule in rules):
        return "reduced"
    return "cpsat"

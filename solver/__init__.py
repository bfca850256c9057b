"""binome's matching engine: pure Python and numpy over OR-Tools, nothing of HTTP.

The public surface: the front doors (`match`, `match_as_asked`: full or compact, `solve`, `rematch`,
`run_scenarios`), the contract's models, `SolveOptions`, `InvalidRequest` and
`VariantError`, `validate` (the solver-free re-check of any answer), and the budget
(`Budget`, `within_budget`, `OverBudget`: what a request will cost, checked before it is
solved).
"""

from solver.budget import Budget, OverBudget, within_budget
from solver.contract.references import InvalidRequest
from solver.contract.rematch import RematchRequest, RematchResponse
from solver.contract.request import MatchRequest, Participant
from solver.contract.response import MatchResponse, PairsResponse
from solver.contract.whatif import ScenarioRequest, ScenarioResponse
from solver.dispatch import SolveOptions, Thresholds
from solver.match import match, match_as_asked, solve
from solver.rematch import rematch
from solver.validate import validate
from solver.whatif import VariantError, run_scenarios

__all__ = [
    "Budget",
    "InvalidRequest",
    "MatchRequest",
    "MatchResponse",
    "OverBudget",
    "PairsResponse",
    "Participant",
    "RematchRequest",
    "RematchResponse",
    "ScenarioRequest",
    "ScenarioResponse",
    "SolveOptions",
    "Thresholds",
    "VariantError",
    "match",
    "match_as_asked",
    "rematch",
    "run_scenarios",
    "solve",
    "validate",
    "within_budget",
]

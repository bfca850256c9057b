"""binome's matching engine: pure Python and numpy over OR-Tools, nothing of HTTP.

The public surface: the front doors (`match`, `solve`, `rematch`, `run_scenarios`), the
contract's models, `SolveOptions`, `InvalidRequest` and `VariantError`, and `validate`
(the solver-free re-check of any answer).
"""

from solver.contract.references import InvalidRequest
from solver.contract.rematch import RematchRequest, RematchResponse
from solver.contract.request import MatchRequest, Participant
from solver.contract.response import MatchResponse
from solver.contract.whatif import ScenarioRequest, ScenarioResponse
from solver.dispatch import SolveOptions, Thresholds
from solver.match import match, solve
from solver.rematch import rematch
from solver.validate import validate
from solver.whatif import VariantError, run_scenarios

__all__ = [
    "InvalidRequest",
    "MatchRequest",
    "MatchResponse",
    "Participant",
    "RematchRequest",
    "RematchResponse",
    "ScenarioRequest",
    "ScenarioResponse",
    "SolveOptions",
    "Thresholds",
    "VariantError",
    "match",
    "rematch",
    "run_scenarios",
    "solve",
    "validate",
]

"""binome's matching engine: pure Python and numpy over OR-Tools, nothing of HTTP.

The public surface is `match`, the schema models and `validate`.
"""

from solver.contract.references import InvalidRequest
from solver.contract.request import MatchRequest
from solver.contract.response import MatchResponse
from solver.dispatch import SolveOptions
from solver.match import match
from solver.validate import validate

__all__ = ["InvalidRequest", "MatchRequest", "MatchResponse", "SolveOptions", "match", "validate"]

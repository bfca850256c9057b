"""binome's matching engine: pure Python and numpy over OR-Tools, nothing of HTTP.

The public surface is `match`, the schema models and `validate`.
"""

from solver.match import InvalidRequest, SolveOptions, match
from solver.schema import MatchRequest, MatchResponse
from solver.validate import validate

__all__ = ["InvalidRequest", "MatchRequest", "MatchResponse", "SolveOptions", "match", "validate"]

"""The one place a score becomes an integer.

Scores are floats in [0, 1]; engines work on integers, so each score is quantised to
`SCORE_SCALE` steps (1e-9). The optimum found is exact for scores at that resolution - far
below any difference a manager sees, unlike a cast such as `int(100 * score)`, which
merges scores 0.01 apart.
"""

from __future__ import annotations

import numpy as np

SCORE_SCALE = 10**9


def quantise(score: np.ndarray) -> np.ndarray:
    """Scores in [0, 1] as int64 steps of 1 / SCORE_SCALE, rounded to the nearest."""
    return np.rint(score * SCORE_SCALE).astype(np.int64)

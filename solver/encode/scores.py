"""Every pair's score: the weighted mean of the criteria, from their factor forms (one matrix
product) or, for criteria without one, their own matrix in blocks of mentees."""

from __future__ import annotations

import numpy as np

from solver.encode.pool import Pool
from solver.rules.criteria import criteria_for
from solver.rules.factors import Factors, factors_for

SCORE_BLOCK = 1024  # mentees per block for criteria scored densely


def score_matrix(pool: Pool, weights: dict[str, float], program_format: str) -> np.ndarray:
    """Pair score: the weighted mean of the criterion values, in [0, 1]."""
    criteria, forms = criteria_for(program_format), factors_for(program_format)
    active = {name: w for name, w in weights.items() if w > 0}
    total = sum(active.values())
    found: dict[str, Factors] = {}
    for name in active:
        if name in forms and (factors := forms[name](pool)) is not None:
            found[name] = factors
    score = np.zeros(pool.shape)
    if found:
        left = np.hstack([f.left * (active[name] / total) for name, f in found.items()])
        right = np.hstack([f.right for f in found.values()])
        if left.shape[1]:
            np.matmul(left, right.T, out=score)
    for name, f in found.items():
        if f.rows is not None and f.cols is not None and f.value is not None:
            np.add.at(score, (f.rows, f.cols), f.value * (active[name] / total))
    dense = [name for name in active if name not in found]
    for first in range(0, pool.shape[0] if dense else 0, SCORE_BLOCK):
        last = min(first + SCORE_BLOCK, pool.shape[0])
        part = pool.mentee_rows(first, last)
        for name in dense:
            score[first:last] += (active[name] / total) * criteria[name].matrix(part)
    np.clip(score, 0.0, 1.0, out=score)
    return score

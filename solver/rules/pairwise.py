"""The criteria's formulas over whole arrays: mentees' rows against mentors' rows.

Each is written once and read twice: by a criterion's `matrix` (every mentor) and by its
factor form (`factors.py`: each distinct mentor value once)."""

from __future__ import annotations

import numpy as np

SENIORITY_FULL_GAP = 5.0  # years more experience that earn the full seniority value


TIMEZONE_ZERO_GAP = 12.0  # hours apart that earn nothing


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator in float64, 0 where the denominator is 0.

    Counts come from float32 products, exact for small integers; dividing them
    in float32 would err by 1e-8 and split equal scores at the 1e-9 quantum.
    A zero denominator always has a zero numerator here (no items, nothing in
    common), so dividing by max(denominator, 1) gives the 0 in one pass.
    """
    share = numerator.astype(np.float64)
    share /= np.maximum(denominator, 1).astype(np.float64)
    return share


def any_shared(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Mentees' 0/1 item rows against mentors' (or distinct mentor rows): 1 if any shared."""
    return ((mine @ theirs.T) > 0).astype(np.float64)


def jaccard(
    mine: np.ndarray, theirs: np.ndarray, mine_count: np.ndarray, theirs_count: np.ndarray
) -> np.ndarray:
    """Shared items over all items of the two people together, every row pair: the rows
    hold the shared vocabulary, the counts every distinct item each person lists."""
    shared = mine @ theirs.T
    union = mine_count[:, None] + theirs_count[None, :] - shared
    return _share(shared, union)


def closeness(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Mentees' UTC offsets against mentors' (or distinct offsets): 1 same, 0 at 12 h."""
    gap = np.abs(mine[:, None] - theirs[None, :]) % 24
    gap = np.minimum(gap, 24 - gap)
    return np.nan_to_num(1 - gap / TIMEZONE_ZERO_GAP, nan=0.0)


def _years_ahead(gap: np.ndarray) -> np.ndarray:
    return np.nan_to_num(np.clip(gap / SENIORITY_FULL_GAP, 0.0, 1.0), nan=0.0)


def mentor_ahead(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Mentees' years against mentors' (or distinct years): the mentor's lead, capped."""
    return _years_ahead(theirs[None, :] - mine[:, None])


def mentee_ahead(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """The same with the mentee's lead (reverse mentoring)."""
    return _years_ahead(mine[:, None] - theirs[None, :])


def crossing(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Mentees' category codes against mentors' (or distinct codes): 1 if both known and
    different."""
    e, m = mine[:, None], theirs[None, :]
    return ((e >= 0) & (m >= 0) & (e != m)).astype(np.float64)

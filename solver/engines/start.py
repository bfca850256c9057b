"""The answer a general engine starts from, and keeps unless it finds better.

A flow answers a plain request (no program rule) optimally in a fraction of a second;
CP-SAT or HiGHS asked for the same request (`engine: "cpsat"` or `"mip"`) may not
even reach it within the limit. So each of their lexicographic stages is warm-started
from the best assignment known (the flow's, then each stage's own best), and a stage
whose search ends (time limit, cancel) with an incumbent worse than that start
answers the start instead. The start is only *kept* when it provably keeps every row
of the model: a plain request, each mentee once, each mentor within their places.
With program rules the flow's answer may break them, so it is a hint only.
"""

from __future__ import annotations

import numpy as np

from solver.encode.instance import Instance


def kept_start(inst: Instance, start: np.ndarray | None) -> np.ndarray | None:
    """The start's arcs (a boolean per arc) when it keeps every row of the model, else None."""
    if start is None or inst.rules:
        return None
    per_mentee = np.bincount(inst.rows[start], minlength=inst.n_mentees)
    per_mentor = np.bincount(inst.cols[start], minlength=inst.n_mentors)
    if (per_mentee > 1).any() or (per_mentor > inst.capacity).any():
        return None
    return start


def plain_levels(inst: Instance) -> list[np.ndarray]:
    """The weights per arc of a plain request's stages: volunteers, matched, waiting, total."""
    arcs = len(inst.rows)
    return [
        inst.volunteer[inst.rows].astype(np.int64),
        np.ones(arcs, dtype=np.int64),
        inst.waiting[inst.rows].astype(np.int64),
        inst.gain.astype(np.int64),
    ]


def better(
    levels: list[np.ndarray], found: np.ndarray | None, start: np.ndarray | None
) -> np.ndarray | None:
    """The lexicographically better of two assignments (booleans per arc) on these levels,
    the search's on a tie; either when the other is missing."""
    if found is None or start is None:
        return start if found is None else found
    mine = tuple(int(w[found].sum()) for w in levels)
    theirs = tuple(int(w[start].sum()) for w in levels)
    return start if theirs > mine else found

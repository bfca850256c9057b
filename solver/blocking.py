"""Blocking pairs: a mentor and a mentee who would both rather be together.

A pair (mentee i, mentor j), eligible and not made, blocks when i is unpaired
or ranks j above its mentor, and j has room or ranks i above one of its
mentees. Orders are the stated preferences, then the score, then id order.
Pinned pairs are the manager's decision: they never block and cannot be
displaced, but they do fill their mentor's places.
"""

from __future__ import annotations

import numpy as np

from solver.encoder import Instance
from solver.side import Stability

UNRANKED = np.iinfo(np.int64).max


def count_blocking_pairs(inst: Instance, stability: Stability, assignment: np.ndarray) -> int:
    """How many pairs block the assignment (free mentees and places only)."""
    if len(inst.rows) == 0:
        return 0
    made = assignment[inst.rows] == inst.cols
    current = np.full(inst.n_mentees, UNRANKED, dtype=np.int64)
    current[inst.rows[made]] = stability.mentee_rank[made]
    load = np.bincount(inst.cols[made], minlength=inst.n_mentors)
    worst = np.full(inst.n_mentors, -1, dtype=np.int64)
    np.maximum.at(worst, inst.cols[made], stability.mentor_rank[made])
    mentee_wants = stability.mentee_rank < current[inst.rows]
    mentor_wants = (load[inst.cols] < inst.capacity[inst.cols]) | (
        stability.mentor_rank < worst[inst.cols]
    )
    return int((~made & mentee_wants & mentor_wants).sum())

"""Blocking pairs: a mentor and a mentee who would both rather be together.

A pair (mentee i, mentor j), eligible and not made, blocks when i is unpaired
or ranks j above its mentor, and j has room or ranks i above one of its
mentees. Orders are the stated preferences, then the score, then id order.
Pinned pairs are the manager's decision: they never block and cannot be
displaced, but they do fill their mentor's places.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from solver.encoder import Instance
from solver.side import Stability

UNRANKED = np.iinfo(np.int64).max


def count_blocking_pairs(inst: Instance, stability: Stability, assignment: np.ndarray) -> int:
    """How many pairs block the assignment (free mentees and places only)."""
    return count_blocking_pairs_lazily(
        inst, stability.mentee_rank, lambda arcs: stability.mentor_rank[arcs], assignment
    )


def count_blocking_pairs_lazily(
    inst: Instance,
    mentee_key: np.ndarray,
    mentor_keys_of: Callable[[np.ndarray], np.ndarray],
    assignment: np.ndarray,
) -> int:
    """The same count, with the mentors' orders built only where they can matter: on the
    arcs made and on the arcs whose mentee would rather take them (few, at scale)."""
    if len(inst.rows) == 0:
        return 0
    made = assignment[inst.rows] == inst.cols
    current = np.full(inst.n_mentees, UNRANKED, dtype=np.int64)
    current[inst.rows[made]] = mentee_key[made]
    mentee_wants = mentee_key < current[inst.rows]
    needed = np.nonzero(mentee_wants | made)[0]
    mentor_key = mentor_keys_of(needed)
    cols, made_needed = inst.cols[needed], made[needed]
    load = np.bincount(inst.cols[made], minlength=inst.n_mentors)
    worst = np.full(inst.n_mentors, -1, dtype=np.int64)
    np.maximum.at(worst, cols[made_needed], mentor_key[made_needed])
    mentor_wants = (load[cols] < inst.capacity[cols]) | (mentor_key < worst[cols])
    return int((~made_needed & mentee_wants[needed] & mentor_wants).sum())

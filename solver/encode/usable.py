"""Which pairs an engine may make once pins are placed, read straight from the problem's arrays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from solver.encode.blocks import PackedMask
from solver.encode.problem import Problem, free_places
from solver.encode.quantise import quantise


@dataclass(frozen=True)
class Usable:
    """Which pairs an engine may make: eligible, mentee not pinned, mentor with room."""

    mask: np.ndarray  # mentees × mentors
    capacity: np.ndarray  # places left per mentor once pins are placed
    pinned_load: np.ndarray


def usable_pairs(problem: Problem) -> Usable:
    free, capacity = free_places(problem)
    if isinstance(problem.eligible, PackedMask):  # a large pool read by blocks
        packed = problem.eligible.restricted(free, capacity > 0)
        return Usable(
            cast(np.ndarray, packed), np.maximum(capacity, 0), problem.capacity - capacity
        )
    mask = problem.eligible & free[:, None]
    mask &= (capacity > 0)[None, :]
    return Usable(mask, np.maximum(capacity, 0), problem.capacity - capacity)


def pair_gains(problem: Problem, keys: np.ndarray) -> np.ndarray:
    """Quantised gains of the pairs with these row-major keys."""
    m = problem.score.shape[1]
    return quantise(problem.score[keys // m, keys % m])

"""Which mentors can hold a group at all, and the plan every answer lies in.

A mentor takes at most its places left (`capacity`) and at most the mentees it has arcs
to; an open group needs `min_size` less its pinned mentees. A mentor that cannot reach
that is closed in every answer; a mentor with pins is open in every answer (its pins
stay), so when it cannot reach the minimum no answer exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance
from solver.engines.groups.network import Plan
from solver.rules.program import GroupSize


@dataclass(frozen=True)
class Sizes:
    """Per mentor: free mentees an open group needs, and whether it must or may open."""

    needed: np.ndarray  # min_size less the pins, at least 0
    forced: np.ndarray  # pinned: open in every answer
    openable: np.ndarray  # can reach `needed` within its places and its arcs

    @property
    def infeasible(self) -> bool:
        """A pinned mentor that cannot reach the minimum: no answer keeps the rule."""
        return bool((self.forced & ~self.openable).any())


def sizes(inst: Instance) -> Sizes:
    [rule] = inst.all(GroupSize)
    pinned = inst.pinned_per_mentor()
    needed = np.maximum(rule.minimum - pinned, 0)
    reach = np.minimum(inst.capacity, np.bincount(inst.cols, minlength=inst.n_mentors))
    return Sizes(needed, pinned > 0, reach >= needed)


def root_plan(inst: Instance, found: Sizes) -> Plan:
    """The plan every answer keeps: mentors that cannot open closed, pinned ones at least
    their minimum, the others anywhere from none to their places."""
    upper = np.where(found.openable, inst.capacity, 0)
    lower = np.where(found.forced, found.needed, 0)
    return Plan(lower.astype(np.int64), upper.astype(np.int64))


def loads(inst: Instance, assignment: np.ndarray) -> np.ndarray:
    """Free mentees per mentor."""
    return np.bincount(assignment[assignment >= 0], minlength=inst.n_mentors)


def small(inst: Instance, found: Sizes, assignment: np.ndarray) -> np.ndarray:
    """Mentors whose group is started (or pinned) but below the minimum (a boolean per
    mentor)."""
    load = loads(inst, assignment)
    return ((load > 0) | found.forced) & (load < found.needed)


def closed(plan: Plan, mentors: np.ndarray) -> Plan:
    """The plan with these mentors taking nobody."""
    return Plan(np.where(mentors, 0, plan.lower), np.where(mentors, 0, plan.upper))


def opened(plan: Plan, mentors: np.ndarray, found: Sizes) -> Plan:
    """The plan with these mentors taking at least their minimum."""
    return Plan(np.where(mentors, np.maximum(plan.lower, found.needed), plan.lower), plan.upper)

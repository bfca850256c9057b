"""`group.min_size` (format `group`): a mentor gets no mentee or at least `min_size`.

"Each group meets with at least three mentees." Pinned mentees count towards the group;
a mentor with pins must reach the minimum.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from solver.encode.keys import arcs_by
from solver.messages import render
from solver.rules.program.base import NO_BOUND, Linear, Pair, ProgramRule, rows_of

if TYPE_CHECKING:
    from solver.contract.request import MatchRequest, Program
    from solver.encode.instance import Instance
    from solver.encode.problem import Problem


@dataclass(frozen=True)
class GroupSize(ProgramRule):
    name: ClassVar[str] = "group.min_size"
    loc: ClassVar[tuple[str, ...]] = ("program", "group", "min_size")

    minimum: int

    @classmethod
    def asked(cls, program: Program) -> bool:
        return program.format == "group" and program.group.min_size > 1

    @classmethod
    def families(cls, program: Program) -> list[str]:
        return [cls.name] if cls.asked(program) else []

    @classmethod
    def describe(cls, program: Program, family: str, language: str) -> str:
        return render(language, "rule.group_min", k=program.group.min_size)

    @classmethod
    def bind(
        cls, problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
    ) -> list[GroupSize]:
        return [cls(problem.request.program.group.min_size)]

    @classmethod
    def violations(cls, request: MatchRequest, pairs: list[Pair]) -> list[str]:
        program = request.program
        if program.format != "group":
            return []
        load = Counter(m for m, _, _ in pairs)
        small = [m for m, n in load.items() if n < program.group.min_size]
        return [f"group of mentor {m} is below min_size" for m in small]

    def _loads(self, inst: Instance, chosen: np.ndarray) -> np.ndarray:
        made = np.bincount(inst.cols[chosen], minlength=inst.n_mentors)
        return made + inst.pinned_per_mentor()

    def holds(self, inst: Instance, chosen: np.ndarray) -> bool:
        load = self._loads(inst, chosen)
        return bool(((load == 0) | (load >= self.minimum)).all())

    def repair(self, inst: Instance, chosen: np.ndarray) -> np.ndarray:
        """Close the groups that stay below the minimum (mentors without pins)."""
        load = self._loads(inst, chosen)
        small = (load > 0) & (load < self.minimum) & (inst.pinned_per_mentor() == 0)
        return chosen & ~small[inst.cols]

    def own_values(self, inst: Instance, chosen: np.ndarray) -> list[np.ndarray]:
        """`open` of each mentor without pins that has arcs: whether they get anyone."""
        reached = np.unique(inst.cols)
        load = np.bincount(inst.cols[chosen], minlength=inst.n_mentors)
        free = reached[inst.pinned_per_mentor()[reached] == 0]
        return [(load[free] > 0).astype(np.int64)]

    def linear(self, inst: Instance) -> list[Linear]:
        """Per mentor: with pins, its load reaches the minimum (a row that cannot hold when
        it has no arc left to fill it); without, an own 0/1 variable `open` and
        `minimum · open ≤ load ≤ capacity · open`."""
        pinned = inst.pinned_per_mentor()
        arcs_n, rows, opened = len(inst.rows), [], 0
        reached = np.zeros(inst.n_mentors, dtype=bool)
        reached[inst.cols] = True
        for j in np.nonzero(~reached & (pinned > 0) & (pinned < self.minimum))[0].tolist():
            none = np.zeros(0, dtype=np.int64)  # pins alone, too few, and no arc to add
            rows.append((none, none, self.minimum - int(pinned[j]), NO_BOUND))
        for arcs in arcs_by(inst.cols):
            j = int(inst.cols[arcs[0]])
            ones = np.ones(len(arcs), dtype=np.int64)
            if pinned[j] > 0:
                rows.append((arcs, ones, max(self.minimum - int(pinned[j]), 0), NO_BOUND))
                continue
            own = np.array([arcs_n + opened])
            variables = np.concatenate([arcs, own])
            rows.append((variables, np.r_[ones, -self.minimum], 0, NO_BOUND))
            rows.append((variables, np.r_[ones, -int(inst.capacity[j])], -NO_BOUND, 0))
            opened += 1
        bounds = (np.zeros(opened), np.ones(opened))
        return [rows_of(self.name, rows, own=bounds)]

"""`objective: "fair"`: raise the worst pair first, then the total.

After the matched counts of the lexicographic order, the lowest pair score is
maximised, then the total score with that floor kept. Pinned pairs count: the floor is
never above the lowest pinned score. The flow models it natively (the highest score
threshold that keeps the counts, by bisection).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from solver.encode.quantise import SCORE_SCALE
from solver.messages import render
from solver.rules.program.base import NO_BOUND, Linear, Pair, ProgramRule, Stage

if TYPE_CHECKING:
    from solver.contract.request import MatchRequest, Program
    from solver.encode.instance import Instance
    from solver.encode.problem import Problem


@dataclass(frozen=True)
class Fair(ProgramRule):
    name: ClassVar[str] = "objective: fair"
    loc: ClassVar[tuple[str, ...]] = ("program", "objective")
    reducible: ClassVar[bool] = True

    @classmethod
    def asked(cls, program: Program) -> bool:
        return program.objective == "fair"

    @classmethod
    def flow_models(cls, program: Program) -> bool:
        return True

    @classmethod
    def describe(cls, program: Program, family: str, language: str) -> str:
        return render(language, "rule.fair")

    @classmethod
    def bind(
        cls, problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
    ) -> list[Fair]:
        return [cls()]

    @classmethod
    def violations(cls, request: MatchRequest, pairs: list[Pair]) -> list[str]:
        return []  # the floor is an objective level: the optimality check reads it

    def holds(self, inst: Instance, chosen: np.ndarray) -> bool:
        return True  # the floor is a level of the objective

    def _top(self, inst: Instance) -> int:
        """The highest floor: a whole score, or the lowest pinned pair's."""
        pinned = inst.pinned_min_gain
        return SCORE_SCALE if pinned is None else min(SCORE_SCALE, pinned)

    def own_values(self, inst: Instance, chosen: np.ndarray) -> list[np.ndarray]:
        """The floor of these arcs: their lowest gain (the highest floor when none)."""
        floor = min(self._top(inst), int(inst.gain[chosen].min(initial=SCORE_SCALE)))
        return [np.array([floor], dtype=np.int64)]

    def linear(self, inst: Instance) -> list[Linear]:
        """An own variable `floor` ∈ [0, lowest pinned gain] with floor + S · x_k ≤ gain_k + S
        on every arc k (S the score scale): the floor is at most every pair made."""
        arcs = len(inst.rows)
        top = self._top(inst)
        every = np.arange(arcs, dtype=np.int64)
        stage = Stage("lowest score", "total", np.array([arcs]), np.array([1]))
        return [
            Linear(
                family=None,
                row=np.repeat(every, 2),
                var=np.column_stack([np.full(arcs, arcs), every]).ravel(),
                coef=np.tile(np.array([1, SCORE_SCALE], dtype=np.int64), arcs),
                lower=np.full(arcs, -NO_BOUND, dtype=np.int64),
                upper=inst.gain.astype(np.int64) + SCORE_SCALE,
                own_lower=np.zeros(1, dtype=np.int64),
                own_upper=np.array([top], dtype=np.int64),
                stages=(stage,),
            )
        ]

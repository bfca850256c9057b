"""`diversity.max_same_per_mentor`: among one mentor's mentees, at most k share a value.

"No mentor takes more than one mentee from the same department." Mentees without the
attribute are never counted. With one attribute the rule stays a network: a mentee
reaches a mentor through a (mentor, value) node of capacity k.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from solver.contract.request import attribute_value
from solver.encode.keys import arcs_by
from solver.messages import render
from solver.messages.formats import Attribute
from solver.rules.items import normalise
from solver.rules.program.base import NO_BOUND, Linear, Pair, ProgramRule, rows_of

if TYPE_CHECKING:
    from solver.contract.request import MatchRequest, Program
    from solver.encode.instance import Instance
    from solver.encode.problem import Problem


@dataclass(frozen=True)
class MaxSamePerMentor(ProgramRule):
    name: ClassVar[str] = "diversity.max_same_per_mentor"
    loc: ClassVar[tuple[str, ...]] = ("program", "diversity", "max_same_per_mentor")
    reducible: ClassVar[bool] = True

    attribute: str
    k: int
    value: np.ndarray  # per mentee: value code, -1 when unknown (never counted)
    pinned: dict[tuple[int, int], int]  # (mentor, value) -> pinned mentees

    @classmethod
    def asked(cls, program: Program) -> bool:
        return bool(program.diversity.max_same_per_mentor)

    @classmethod
    def flow_models(cls, program: Program) -> bool:
        return len(program.diversity.max_same_per_mentor) == 1

    @classmethod
    def label(cls, program: Program) -> str:
        several = len(program.diversity.max_same_per_mentor) > 1
        return f"{cls.name} (several attributes)" if several else cls.name

    @classmethod
    def families(cls, program: Program) -> list[str]:
        return [f"{cls.name}.{attribute}" for attribute in program.diversity.max_same_per_mentor]

    @classmethod
    def describe(cls, program: Program, family: str, language: str) -> str:
        attribute = family.removeprefix(f"{cls.name}.")
        k = program.diversity.max_same_per_mentor[attribute]
        return render(language, "rule.max_same", k=k, attribute=Attribute(attribute))

    @classmethod
    def bind(
        cls, problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
    ) -> list[MaxSamePerMentor]:
        found = []
        for attribute, k in problem.request.program.diversity.max_same_per_mentor.items():
            e, _ = problem.pool.attribute_codes(attribute)
            pinned: dict[tuple[int, int], int] = {}
            for i, j in problem.pins:
                if e[i] >= 0:
                    pinned[(j, int(e[i]))] = pinned.get((j, int(e[i])), 0) + 1
            found.append(cls(attribute, k, e, pinned))
        return found

    @classmethod
    def violations(cls, request: MatchRequest, pairs: list[Pair]) -> list[str]:
        mentees = {p.id: p for p in request.mentees}
        problems = []
        for attribute, k in request.program.diversity.max_same_per_mentor.items():
            counts = Counter(
                (m, normalise(value))
                for m, e, _ in pairs
                if (value := attribute_value(mentees[e], attribute))
            )
            problems += [
                f"mentor {m} has {n} mentees with one {attribute}"
                for (m, _), n in counts.items()
                if n > k
            ]
        return problems

    def room(self, mentor: int, value: int) -> int:
        """Places left for mentees of this value with this mentor, once pins are counted."""
        return self.k - self.pinned.get((mentor, value), 0)

    def groups(self, inst: Instance) -> list[tuple[int, int, np.ndarray]]:
        """(mentor, value, arcs) for every (mentor, value) the instance's arcs reach."""
        value = self.value[inst.rows]
        known = np.nonzero(value >= 0)[0]
        width = int(value.max(initial=0)) + 1
        found = []
        for arcs in arcs_by(inst.cols[known] * width + value[known]):
            chosen = known[arcs]
            found.append((int(inst.cols[chosen[0]]), int(value[chosen[0]]), chosen))
        return found

    def repair(self, inst: Instance, chosen: np.ndarray) -> np.ndarray:
        """Leave out, per (mentor, value), the lowest-scored pairs beyond its room."""
        kept = chosen.copy()
        for j, v, arcs in self.groups(inst):
            made = arcs[chosen[arcs]]
            extra = len(made) - max(self.room(j, v), 0)
            if extra > 0:
                kept[made[np.argsort(inst.gain[made], kind="stable")[:extra]]] = False
        return kept

    def linear(self, inst: Instance) -> list[Linear]:
        rows = [
            (arcs, np.ones(len(arcs)), -NO_BOUND, self.room(j, v))
            for j, v, arcs in self.groups(inst)
            if len(arcs) > self.room(j, v)
        ]
        return [rows_of(f"{self.name}.{self.attribute}", rows)]

"""`diversity.balance`: each value is matched at least in proportion to its share of the
mentees, as far as capacity allows (equitable access).

"Women are matched at least as often as men." A value's target is its share of the
mentees times the most mentees that can be matched, capped by how many of that value
can be matched at all. Falling short of a target is allowed but comes first in the
lexicographic order: the total shortfall is minimised before anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from solver.messages import render
from solver.messages.formats import Attribute
from solver.rules.program.base import (
    NO_BOUND,
    Linear,
    MostMatched,
    Pair,
    ProgramRule,
    Stage,
    rows_of,
)

if TYPE_CHECKING:
    from solver.contract.request import MatchRequest, Program
    from solver.encode.instance import Instance
    from solver.encode.problem import Problem


@dataclass(frozen=True)
class Balance(ProgramRule):
    name: ClassVar[str] = "diversity.balance"
    loc: ClassVar[tuple[str, ...]] = ("program", "diversity", "balance")

    attribute: str
    value: np.ndarray  # per mentee: value code, -1 when unknown
    target: np.ndarray  # per value: matched at least this many (pins included)
    pinned: np.ndarray  # per value: pinned mentees

    @classmethod
    def asked(cls, program: Program) -> bool:
        return any(program.diversity.balance.values())

    @classmethod
    def flow_models(cls, program: Program) -> bool:
        """One attribute is a network (`engines/balance_flow.py`); several are not, and the
        flow keeps no fair threshold under balance: those go to the general engines."""
        wanted = [attribute for attribute, on in program.diversity.balance.items() if on]
        return len(wanted) == 1 and program.objective != "fair"

    @classmethod
    def describe(cls, program: Program, family: str, language: str) -> str:
        attribute = Attribute(family.removeprefix(f"{cls.name}."))
        return render(language, "rule.balance", attribute=attribute)

    @classmethod
    def bind(
        cls, problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
    ) -> list[Balance]:
        found = []
        for attribute, wanted in problem.request.program.diversity.balance.items():
            if wanted:
                e, _ = problem.pool.attribute_codes(attribute)
                values = int(e.max(initial=-1)) + 1
                pins = [e[i] for i, _ in problem.pins if e[i] >= 0]
                pinned = np.bincount(pins, minlength=values)
                found.append(cls(attribute, e, np.zeros(values, dtype=np.int64), pinned))
        return found

    @classmethod
    def violations(cls, request: MatchRequest, pairs: list[Pair]) -> list[str]:
        return []  # a shortfall is allowed: the optimality check reads the targets

    def prepare(self, inst: Instance, most_matched: MostMatched) -> Balance:
        """The targets: each value's share of the mentees times the most that can be matched
        (pins included), capped by the most of that value that can be matched."""
        pinned = int(inst.pinned_per_mentor().sum())
        most = most_matched(np.ones(inst.n_mentees, dtype=bool)) + pinned
        targets = np.zeros(len(self.pinned), dtype=np.int64)
        for v in range(len(targets)):
            mentees = self.value == v
            share = int(mentees.sum()) * most // max(inst.n_mentees, 1)
            targets[v] = min(share, most_matched(mentees) + int(self.pinned[v]))
        return replace(self, target=targets)

    def holds(self, inst: Instance, chosen: np.ndarray) -> bool:
        return True  # a shortfall is allowed: it is a level of the objective

    def own_values(self, inst: Instance, chosen: np.ndarray) -> list[np.ndarray]:
        """Each value's shortfall for these arcs (the values short of their target only)."""
        value = self.value[inst.rows][chosen]
        made = np.bincount(value[value >= 0], minlength=len(self.target))
        gap = self.target - self.pinned
        wanted = gap > 0
        return [np.maximum(gap[wanted] - made[wanted], 0).astype(np.int64)]

    def linear(self, inst: Instance) -> list[Linear]:
        """Per value short of its target, an own variable `short` ∈ [0, missing] with
        short + Σ x over the value's arcs ≥ missing; the level maximises −Σ short."""
        value = self.value[inst.rows]
        rows: list[tuple[np.ndarray, np.ndarray, int, int]] = []
        missing: list[int] = []
        for v, target in enumerate(self.target.tolist()):
            gap = target - int(self.pinned[v])
            if gap <= 0:
                continue
            arcs = np.nonzero(value == v)[0]
            own = len(inst.rows) + len(missing)
            rows.append((np.r_[arcs, own], np.ones(len(arcs) + 1), gap, NO_BOUND))
            missing.append(gap)
        own_vars = len(inst.rows) + np.arange(len(missing))
        level = -np.ones(len(missing), dtype=np.int64)
        stage = Stage(f"balance {self.attribute}", "volunteers", own_vars, level)
        bounds = (np.zeros(len(missing)), np.array(missing))
        return [rows_of(None, rows, own=bounds, stages=(stage,))]

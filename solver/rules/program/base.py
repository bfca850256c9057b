"""What a program rule is: one class per rule, one file each, read by every engine.

A program rule constrains the whole pairing, not one pair (diversity, groups,
stability, fairness). Its class says, in one place:

- its API name (`name`), the request field it reads (`loc`), whether the program
  asks for it (`asked`) and how people read it (`describe`, through the message
  files);
- its arrays over an instance's arcs (`bind`, one object per attribute where the rule
  takes several), kept in step with the arcs (`subset`) and completed where they
  need a flow (`prepare`);
- the solver-neutral linear rows it adds (`linear`): constraints over the arcs'
  0/1 variables and its own integer variables, and the lexicographic levels those
  variables define. CP-SAT, PuLP and the reduced LP build their models from these
  rows, and the diagnosis switches each constraint family on and off;
- which engines model it natively: the min-cost flow (`flow_models`) and the
  reduced LP path (`reducible`); CP-SAT and MIP model every rule through its rows;
- how the validator re-checks it on an answer (`violations`), from the participants
  themselves: an independent implementation of the same sentence, as criteria have
  a matrix and an evidence function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

if TYPE_CHECKING:
    from typing import Self

    from solver.contract.request import MatchRequest, Program
    from solver.encode.instance import Instance
    from solver.encode.problem import Problem

NO_BOUND = 2**62  # a row side that is not bounded
Before = Literal["volunteers", "total"]  # where a rule's level enters the lexicographic order


@dataclass(frozen=True)
class Stage:
    """A level of the lexicographic objective, to maximise: Σ coef · v over the variables of
    its rows. `before` places it: ahead of every other level, or just before the total."""

    name: str
    before: Before
    var: np.ndarray
    coef: np.ndarray


@dataclass(frozen=True)
class Linear:
    """Rows `lower ≤ Σ coef · v ≤ upper` in coordinate form. Variable v < arcs is the 0/1
    variable of arc v; v = arcs + a is the rule's own integer variable a, bounded by
    `own_lower[a]` and `own_upper[a]`. `family` names the rows in conflicts; None marks
    rows that only define a level and always hold. Float models read `coef / unit` and
    `bound / unit` (shares are counted in millionths)."""

    family: str | None
    row: np.ndarray
    var: np.ndarray
    coef: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    own_lower: np.ndarray
    own_upper: np.ndarray
    stages: tuple[Stage, ...] = ()
    unit: int = 1

    @property
    def rows(self) -> int:
        return len(self.lower)

    def by_row(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(variables, coefficients) of each row, in row order."""
        if self.rows == 0:
            return []
        order = np.argsort(self.row, kind="stable")
        cuts = np.searchsorted(self.row[order], np.arange(1, self.rows))
        return list(
            zip(np.split(self.var[order], cuts), np.split(self.coef[order], cuts), strict=True)
        )


def rows_of(
    family: str | None,
    groups: list[tuple[np.ndarray, np.ndarray, int, int]],
    own: tuple[np.ndarray, np.ndarray] | None = None,
    stages: tuple[Stage, ...] = (),
    unit: int = 1,
) -> Linear:
    """A `Linear` from rows given as (variables, coefficients, lower, upper)."""
    empty = np.zeros(0, dtype=np.int64)
    sizes = [len(variables) for variables, _, _, _ in groups]
    return Linear(
        family=family,
        row=np.repeat(np.arange(len(groups), dtype=np.int64), sizes),
        var=np.concatenate([g[0] for g in groups]).astype(np.int64) if groups else empty,
        coef=np.concatenate([g[1] for g in groups]).astype(np.int64) if groups else empty,
        lower=np.array([g[2] for g in groups], dtype=np.int64),
        upper=np.array([g[3] for g in groups], dtype=np.int64),
        own_lower=empty if own is None else own[0].astype(np.int64),
        own_upper=empty if own is None else own[1].astype(np.int64),
        stages=stages,
        unit=unit,
    )


def row_values_hold(linear: Linear, chosen: np.ndarray, own: np.ndarray | None = None) -> bool:
    """Whether a rule's rows hold for these chosen arcs and, when it has variables of its
    own, these values of them (within their bounds)."""
    if own is None:
        if len(linear.own_lower):
            raise ValueError("rows with variables of their own need the rule's own check")
        own = np.zeros(0, dtype=np.int64)
    if ((own < linear.own_lower) | (own > linear.own_upper)).any():
        return False
    values = np.concatenate([chosen.astype(np.int64), own.astype(np.int64)])
    value = np.bincount(
        linear.row, weights=linear.coef * values[linear.var], minlength=linear.rows
    ).astype(np.int64)
    lower_ok = (linear.lower <= -NO_BOUND) | (value >= linear.lower)
    upper_ok = (linear.upper >= NO_BOUND) | (value <= linear.upper)
    return bool((lower_ok & upper_ok).all())


MostMatched = Callable[[np.ndarray], int]  # the most mentees of a subset matched at once
Pair = tuple[str, str, float]  # mentor id, mentee id, score


class ProgramRule:
    """A rule over the whole pairing; subclasses are registered in `solver.rules.program`."""

    name: ClassVar[str]  # the API name, as errors and conflicts say it
    loc: ClassVar[tuple[str, ...]]  # the request field that asks for it
    reducible: ClassVar[bool] = False  # the reduced LP path models it

    @classmethod
    def asked(cls, program: Program) -> bool:
        raise NotImplementedError

    @classmethod
    def flow_models(cls, program: Program) -> bool:
        """Whether the min-cost flow models the rule as the program asks it."""
        return False

    @classmethod
    def label(cls, program: Program) -> str:
        """How an error names the rule as the program asks it."""
        return cls.name

    @classmethod
    def families(cls, program: Program) -> list[str]:
        """The constraint families the diagnosis can name (none: the rule always holds)."""
        return []

    @classmethod
    def describe(cls, program: Program, family: str, language: str) -> str:
        """What one family of the rule demands, in the manager's words."""
        raise NotImplementedError

    @classmethod
    def proof(cls, program: Program, language: str, proven: bool) -> str | None:
        """What the answer's status proves about the rule, in words (None: nothing to add)."""
        return None

    @classmethod
    def bind(
        cls, problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
    ) -> list[Self]:
        """The rule's arrays over these arcs, pins counted as constants."""
        raise NotImplementedError

    @classmethod
    def violations(cls, request: MatchRequest, pairs: list[Pair]) -> list[str]:
        """Where a pairing, as (mentor id, mentee id, score) pairs with the pins, breaks the
        rule, from the participants themselves."""
        raise NotImplementedError

    @classmethod
    def checker(cls, request: MatchRequest) -> Callable[[list[Pair]], list[str]]:
        """`violations` for many pairings of one request (a brute force tries thousands):
        what the check reads of the request alone, read once."""
        return partial(cls.violations, request)

    def subset(self, keep: np.ndarray) -> Self:
        """The same rule on fewer arcs (a boolean mask over arcs, order kept)."""
        return self

    def prepare(self, inst: Instance, most_matched: MostMatched) -> Self:
        """The rule with what it needs from flows on the instance (balance targets)."""
        return self

    def linear(self, inst: Instance) -> list[Linear]:
        """Its rows over the instance's arcs (a `Linear` per constraint family)."""
        raise NotImplementedError

    def terms(self, inst: Instance) -> int:
        """How many coefficients its rows hold (what building a model of them costs)."""
        return sum(len(linear.var) for linear in self.linear(inst))

    def holds(self, inst: Instance, chosen: np.ndarray) -> bool:
        """Whether the arcs chosen (a boolean mask, pins as constants) keep the rule: its
        rows hold. Rules with variables of their own say it themselves."""
        return all(row_values_hold(linear, chosen) for linear in self.linear(inst))

    def own_values(self, inst: Instance, chosen: np.ndarray) -> list[np.ndarray]:
        """The values of its own variables that go with these chosen arcs, one array per
        `Linear` of `linear(inst)`, the best for its levels (none: it has no variables)."""
        return [np.zeros(0, dtype=np.int64) for _ in self.linear(inst)]

    def repair(self, inst: Instance, chosen: np.ndarray) -> np.ndarray:
        """A cheap way to make chosen arcs keep the rule by leaving some out (an answer to
        fall back on when a search found none in time); as given when there is none."""
        return chosen

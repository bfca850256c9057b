"""`diversity.cross`: at least a share of the pairs differ on an attribute.

"At least 60 % of the pairs cross departments." Only pairs where both people have the
attribute count, for the share and against it: missing data is neutral.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from solver.contract.request import MatchRequest, attribute_value
from solver.messages import render
from solver.messages.formats import Attribute, Percent
from solver.rules.items import normalise
from solver.rules.program.base import NO_BOUND, Linear, Pair, ProgramRule, rows_of

if TYPE_CHECKING:
    from solver.contract.request import Program
    from solver.encode.instance import Instance
    from solver.encode.problem import Problem

SHARE_SCALE = 10**6  # shares are compared exactly at 1e-6
TOLERANCE = 1e-6


@dataclass(frozen=True)
class PairKinds:
    """The share's row by kind of pair, pins as constants: `crossing` for each pair whose two
    people differ, `same` for each pair that agrees, nothing where either lacks the value;
    the row holds when the sum over the pairs made is at least `rhs`."""

    mentee: np.ndarray  # attribute codes, -1 when missing
    mentor: np.ndarray
    crossing: int
    same: int
    rhs: int


def cross_counts(
    request: MatchRequest, pairs: list[tuple[str, str, float]], attribute: str
) -> tuple[int, int]:
    """How many (mentor, mentee, score) pairs differ on the attribute, and how many have it
    known on both sides, read from the participants."""
    mentors = {p.id: p for p in request.mentors}
    mentees = {p.id: p for p in request.mentees}
    values = [
        (attribute_value(mentors[m], attribute), attribute_value(mentees[e], attribute))
        for m, e, _ in pairs
    ]
    known = [(normalise(a), normalise(b)) for a, b in values if a and b]
    known = [(a, b) for a, b in known if a and b]
    return sum(1 for a, b in known if a != b), len(known)


@dataclass(frozen=True)
class CrossShare(ProgramRule):
    name: ClassVar[str] = "diversity.cross"
    loc: ClassVar[tuple[str, ...]] = ("program", "diversity", "cross")
    reducible: ClassVar[bool] = True

    attribute: str
    share: float
    crosses: np.ndarray  # per arc: mentor and mentee differ on the attribute (both known)
    known: np.ndarray  # per arc: both have the attribute
    pinned_cross: int
    pinned_known: int

    @classmethod
    def asked(cls, program: Program) -> bool:
        return bool(program.diversity.cross)

    @classmethod
    def families(cls, program: Program) -> list[str]:
        return [f"{cls.name}.{attribute}" for attribute in program.diversity.cross]

    @classmethod
    def describe(cls, program: Program, family: str, language: str) -> str:
        attribute = family.removeprefix(f"{cls.name}.")
        share = Percent(program.diversity.cross[attribute], 1)
        return render(language, "rule.cross", share=share, attribute=Attribute(attribute))

    @classmethod
    def bind(
        cls, problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
    ) -> list[CrossShare]:
        found = []
        for attribute, share in problem.request.program.diversity.cross.items():
            e, m = problem.pool.attribute_codes(attribute)
            known = (e[rows] >= 0) & (m[cols] >= 0)
            pinned = [(i, j) for i, j in problem.pins if e[i] >= 0 and m[j] >= 0]
            crossing = sum(1 for i, j in pinned if e[i] != m[j])
            differ = known & (e[rows] != m[cols])
            found.append(cls(attribute, share, differ, known, crossing, len(pinned)))
        return found

    @classmethod
    def kinds(cls, problem: Problem, attribute: str) -> PairKinds:
        """The row of `diversity.cross[attribute]` by kind of pair, for every pair at once."""
        e, m = problem.pool.attribute_codes(attribute)
        scaled = round(problem.request.program.diversity.cross[attribute] * SHARE_SCALE)
        known = [(i, j) for i, j in problem.pins if e[i] >= 0 and m[j] >= 0]
        crossing = sum(1 for i, j in known if e[i] != m[j])
        rhs = scaled * len(known) - SHARE_SCALE * crossing
        return PairKinds(e, m, SHARE_SCALE - scaled, -scaled, rhs)

    @classmethod
    def violations(cls, request: MatchRequest, pairs: list[Pair]) -> list[str]:
        problems = []
        for attribute, share in request.program.diversity.cross.items():
            crossing, known = cross_counts(request, pairs, attribute)
            if crossing < share * known - TOLERANCE:
                problems.append(f"{crossing} of {known} pairs cross {attribute}, below {share}")
        return problems

    def coefficients(self) -> tuple[np.ndarray, int]:
        """Integer row `coef · x >= rhs` for: crossing pairs >= share × pairs where both are
        known (missing data is neutral: it neither counts for nor against the share)."""
        share = round(self.share * SHARE_SCALE)
        coef = self.crosses.astype(np.int64) * SHARE_SCALE - share * self.known.astype(np.int64)
        rhs = share * self.pinned_known - SHARE_SCALE * self.pinned_cross
        return coef, rhs

    def subset(self, keep: np.ndarray) -> CrossShare:
        return replace(self, crosses=self.crosses[keep], known=self.known[keep])

    def repair(self, inst: Instance, chosen: np.ndarray) -> np.ndarray:
        """Leave out pairs that agree on the attribute, lowest score first, until the share
        holds (as given if even that cannot make it hold)."""
        coef, rhs = self.coefficients()
        short = rhs - int(coef[chosen].sum())
        if short <= 0:
            return chosen
        agreeing = np.nonzero(chosen & (coef < 0))[0]
        agreeing = agreeing[np.argsort(inst.gain[agreeing], kind="stable")]
        gained = np.cumsum(-coef[agreeing])
        if not len(gained) or gained[-1] < short:
            return chosen
        kept = chosen.copy()
        kept[agreeing[: int(np.searchsorted(gained, short)) + 1]] = False
        return kept

    def linear(self, inst: Instance) -> list[Linear]:
        coef, rhs = self.coefficients()
        arcs = np.nonzero(coef)[0]
        row = (arcs, coef[arcs], rhs, NO_BOUND)
        return [rows_of(f"{self.name}.{self.attribute}", [row], unit=SHARE_SCALE)]

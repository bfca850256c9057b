"""Program rules: rules over the whole pairing, one class per rule (see `base.py`).

Adding a rule is one file here, its registration below, its sentences in the message
files, its field in the contract, and its test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from solver.rules.program.balance import Balance
from solver.rules.program.base import Linear, ProgramRule, Stage
from solver.rules.program.cross import CrossShare
from solver.rules.program.fair import Fair
from solver.rules.program.group import GroupSize
from solver.rules.program.max_same import MaxSamePerMentor
from solver.rules.program.stable import Stable

if TYPE_CHECKING:
    import numpy as np

    from solver.contract.request import Program
    from solver.encode.problem import Problem

# In this order: a rule's objective levels enter the lexicographic order in it.
PROGRAM_RULES: tuple[type[ProgramRule], ...] = (
    CrossShare,
    MaxSamePerMentor,
    Balance,
    GroupSize,
    Stable,
    Fair,
)


def asked(program: Program) -> list[type[ProgramRule]]:
    """The program's rules beyond the plain assignment."""
    return [rule for rule in PROGRAM_RULES if rule.asked(program)]


def bind(
    problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
) -> tuple[ProgramRule, ...]:
    """Every rule the program asks for, as arrays over these arcs."""
    program = problem.request.program
    return tuple(bound for rule in asked(program) for bound in rule.bind(problem, rows, cols, gain))


def owner(program: Program, family: str) -> type[ProgramRule] | None:
    """The rule a constraint family of the diagnosis belongs to."""
    return next((rule for rule in PROGRAM_RULES if family in rule.families(program)), None)


__all__ = [
    "PROGRAM_RULES",
    "Balance",
    "CrossShare",
    "Fair",
    "GroupSize",
    "Linear",
    "MaxSamePerMentor",
    "ProgramRule",
    "Stable",
    "Stage",
    "asked",
    "bind",
    "owner",
]

"""`group.min_size` without a boolean per pair: flows on fixed plans of open mentors, a
search over those plans, prices for the bound (`engine.py`; `large.py` on large pools)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solver.rules.program import GroupSize, asked

if TYPE_CHECKING:
    from solver.contract.request import Program


def handles(program: Program) -> bool:
    """The groups engine models the program: `group.min_size` and no other program rule."""
    return asked(program) == [GroupSize]

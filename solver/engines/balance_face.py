"""Balance's network with its upper levels at their optimum (the face every optimum with a
cross share lies on, when the share is within reach there), and circulations on it at a
price λ of the share (`priced_balance.py`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from solver.encode.instance import Instance
from solver.engines.balance_flow import balance_network, level_costs
from solver.engines.lexflow import Network, NoCirculation, circulation, merged, optimal_face
from solver.rules.program import Balance, CrossShare
from solver.runtime import Cancel


@dataclass(frozen=True)
class Face:
    """Balance's network with its upper levels at their optimum, and the score level and
    the share's row as values per arc (pair arcs only): `credit · flows ≥ rhs`."""

    net: Network
    where: dict[str, slice]
    gain: np.ndarray
    credit: np.ndarray
    rhs: int


@dataclass(frozen=True)
class Point:
    """A circulation of the face and its line in λ: total + λ · excess."""

    flows: np.ndarray
    gain: int
    excess: int
    steps: int  # the λ it was found at (-1: the most credit, no λ)

    def at(self, steps: int) -> int:
        return self.gain + steps * self.excess


def models(inst: Instance) -> bool:
    """Whether the rules are exactly one cross share and one balance attribute."""
    kinds = {type(rule) for rule in inst.rules}
    return kinds == {CrossShare, Balance} and len(inst.rules) == 2


def face_of(inst: Instance) -> Face:
    """The network of every circulation optimal on balance's upper levels."""
    [balance], [cross] = inst.all(Balance), inst.all(CrossShare)
    net, where = balance_network(inst, balance)
    levels = level_costs(inst, balance, net, where)
    for cost in merged(net, levels[:-1]):
        flows = circulation(net, cost)
        if flows is None:
            raise NoCirculation("the network's bounds admit no circulation")
        net = optimal_face(net, cost, flows)
    coef, rhs = cross.coefficients()
    unit = int(np.gcd.reduce(np.abs(coef))) or 1
    gain = np.zeros(len(net.tail), dtype=np.int64)
    credit = np.zeros(len(net.tail), dtype=np.int64)
    gain[where["pairs"]], credit[where["pairs"]] = inst.gain, coef // unit
    return Face(net, where, gain, credit, -(-rhs // unit))


def point(face: Face, steps: int) -> Point:
    """The best circulation of the face at λ = steps (steps < 0: the most credit alone)."""
    cost = -face.credit if steps < 0 else -(face.gain + steps * face.credit)
    flows = circulation(face.net, cost)
    if flows is None:
        raise NoCirculation("the face admits no circulation")
    excess = int(face.credit @ flows) - face.rhs
    return Point(flows, int(face.gain @ flows), excess, steps)


@dataclass(frozen=True)
class Late:
    """Whether the deadline (a `time.monotonic()`) has passed; the cancel is checked too."""

    deadline: float | None
    cancel: Cancel | None = None

    def __call__(self) -> bool:
        if self.cancel is not None:
            self.cancel.check()
        return self.deadline is not None and time.monotonic() > self.deadline

    def left(self, untimed: float) -> float:
        if self.deadline is None:
            return untimed
        return max(self.deadline - time.monotonic(), 0.01)

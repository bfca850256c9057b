"""`stable`: no blocking pair — no mentor and mentee who would both rather be together.

Each side's order is its stated preferences, then the score, then id order (strict).
A pair (mentee i, mentor j), eligible and not made, blocks when i is free or ranks j
above its mentor, and j has room or ranks i above one of its mentees. Pinned pairs
never block and cannot be displaced, but they fill their mentor's places.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from solver.encode.keys import arcs_by
from solver.encode.orders import mentee_keys, mentor_keys
from solver.messages import render
from solver.rules.by_pair import blocking_finder, eligible_scores
from solver.rules.program.base import NO_BOUND, Linear, Pair, ProgramRule, rows_of

if TYPE_CHECKING:
    from solver.contract.request import MatchRequest, Program
    from solver.encode.instance import Instance
    from solver.encode.problem import Problem


@dataclass(frozen=True)
class Bracket:
    """What the arcs of a bracketed instance (`engines/stable/bracket.py`) leave out and
    every stable matching keeps: each mentor's load and who is matched (the same in all of
    them), and the pairs that are not arcs but could still block (`rows`, `cols` and their
    two order keys)."""

    load: np.ndarray  # per mentor
    matched: np.ndarray  # per mentee
    rows: np.ndarray
    cols: np.ndarray
    mentee_key: np.ndarray
    mentor_key: np.ndarray


@dataclass(frozen=True)
class Stable(ProgramRule):
    """Per arc, order keys (lower is preferred): the mentee's view of the mentor, and the
    mentor's view of the mentee. Only their order within one person's arcs means anything."""

    name: ClassVar[str] = "stable"
    loc: ClassVar[tuple[str, ...]] = ("program", "stable")

    mentee_rank: np.ndarray
    mentor_rank: np.ndarray
    bracket: Bracket | None = None  # set when the arcs are only those stable matchings use

    @classmethod
    def asked(cls, program: Program) -> bool:
        return program.stable

    @classmethod
    def families(cls, program: Program) -> list[str]:
        return [cls.name] if program.stable else []

    @classmethod
    def describe(cls, program: Program, family: str, language: str) -> str:
        return render(language, "rule.stable")

    @classmethod
    def proof(cls, program: Program, language: str, proven: bool) -> str | None:
        return render(language, "proof.stable" if proven else "proof.stable_found")

    @classmethod
    def bind(
        cls, problem: Problem, rows: np.ndarray, cols: np.ndarray, gain: np.ndarray
    ) -> list[Stable]:
        return [cls(mentee_keys(problem, rows, cols, gain), mentor_keys(problem, rows, cols, gain))]

    @classmethod
    def violations(cls, request: MatchRequest, pairs: list[Pair]) -> list[str]:
        return cls.checker(request)(pairs)

    @classmethod
    def checker(cls, request: MatchRequest) -> Callable[[list[Pair]], list[str]]:
        """Each blocking pair named; the eligible pairs and everyone's orders read once."""
        if not request.program.stable:
            return lambda pairs: []
        find = blocking_finder(request, eligible_scores(request))

        def check(pairs: list[Pair]) -> list[str]:
            blocking = find((m, e) for m, e, _ in pairs)
            return [f"stable is set but {m}-{e} is a blocking pair" for m, e in blocking]

        return check

    def subset(self, keep: np.ndarray) -> Stable:
        return replace(self, mentee_rank=self.mentee_rank[keep], mentor_rank=self.mentor_rank[keep])

    def terms(self, inst: Instance) -> int:
        """Per arc, its mentee's better arcs and its mentor's better ones: about arcs ×
        (arcs per mentee + arcs per mentor) / 2, known without building them."""
        arcs = len(inst.rows)
        return int(arcs * (arcs / max(inst.n_mentees, 1) + arcs / max(inst.n_mentors, 1)) / 2)

    def own_values(self, inst: Instance, chosen: np.ndarray) -> list[np.ndarray]:
        return [np.zeros(0, dtype=np.int64)]  # no variables of its own (rows not built)

    def repair(self, inst: Instance, chosen: np.ndarray) -> np.ndarray:
        """The mentee-proposing deferred acceptance on the arcs (whatever was chosen): a
        stable matching, the start of a search when other rules are asked too."""
        by_mentee = {
            int(inst.rows[arcs[0]]): arcs[np.argsort(self.mentee_rank[arcs], kind="stable")]
            for arcs in arcs_by(inst.rows)
        }
        turn = dict.fromkeys(by_mentee, 0)
        held: list[list[tuple[int, int]]] = [[] for _ in range(inst.n_mentors)]
        free = list(by_mentee)
        while free:
            i = free.pop()
            if turn[i] == len(by_mentee[i]):
                continue  # refused by every mentor they could have
            a = int(by_mentee[i][turn[i]])
            turn[i] += 1
            j = int(inst.cols[a])
            heapq.heappush(held[j], (-int(self.mentor_rank[a]), a))  # the worst on top
            if len(held[j]) > inst.capacity[j]:
                free.append(int(inst.rows[heapq.heappop(held[j])[1]]))
        kept = np.zeros(len(inst.rows), dtype=bool)
        kept[[a for offers in held for _, a in offers]] = True
        return kept

    def linear(self, inst: Instance) -> list[Linear]:
        """Per arc a = (i, j), with r the places j has left: r · (x_a + Σ x over the mentors
        i prefers) + Σ x over the mentees j prefers ≥ r — the arc is taken, its mentee has
        better, or its mentor is full of better mentees. A bracket adds the same row for
        each pair it left out, and fixes each mentor's load and who is matched."""
        mentee_arcs = {int(inst.rows[a[0]]): a for a in arcs_by(inst.rows)}
        rows = []
        for arcs in arcs_by(inst.cols):
            room = int(inst.capacity[int(inst.cols[arcs[0]])])
            by_mentor = arcs[np.argsort(self.mentor_rank[arcs], kind="stable")]
            for position, a in enumerate(by_mentor.tolist()):
                mine = mentee_arcs[int(inst.rows[a])]
                better = mine[self.mentee_rank[mine] < self.mentee_rank[a]]
                variables = np.concatenate([[a], better, by_mentor[:position]])
                coef = np.r_[np.full(1 + len(better), room), np.ones(position)]
                rows.append((variables, coef, room, NO_BOUND))
        if self.bracket is not None:
            rows += self._bracket_rows(inst, self.bracket, mentee_arcs)
        return [rows_of(self.name, rows)]

    def _bracket_rows(
        self, inst: Instance, bracket: Bracket, mentee_arcs: dict[int, np.ndarray]
    ) -> list[tuple[np.ndarray, np.ndarray, int, int]]:
        none = np.zeros(0, dtype=np.int64)
        mentor_arcs = {int(inst.cols[a[0]]): a for a in arcs_by(inst.cols)}
        rows = []
        for p in range(len(bracket.rows)):
            i, j = int(bracket.rows[p]), int(bracket.cols[p])
            room = int(inst.capacity[j])
            mine, theirs = mentee_arcs.get(i, none), mentor_arcs.get(j, none)
            better = mine[self.mentee_rank[mine] < bracket.mentee_key[p]]
            preferred = theirs[self.mentor_rank[theirs] < bracket.mentor_key[p]]
            coef = np.r_[np.full(len(better), room), np.ones(len(preferred))]
            rows.append((np.concatenate([better, preferred]), coef, room, NO_BOUND))
        for j, arcs in mentor_arcs.items():
            load = int(bracket.load[j])
            rows.append((arcs, np.ones(len(arcs)), load, load))
        for i, arcs in mentee_arcs.items():
            if bracket.matched[i]:
                rows.append((arcs, np.ones(len(arcs)), 1, 1))
        return rows

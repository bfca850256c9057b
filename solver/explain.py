"""Reasons, explanations and suggestions, built from evidence only for what is returned."""

from __future__ import annotations

import numpy as np

from solver.criteria import criteria_for
from solver.encoder import Problem
from solver.messages import catalogue, render
from solver.schema import Participant, Reason, Suggestion

EXPLAINED_REASONS = 2  # how many reasons the one-sentence explanation cites


def display_name(person: Participant) -> str:
    return person.name or person.id


def ranked_mentors(problem: Problem, i: int) -> np.ndarray:
    """The mentors eligible for mentee i who take mentees, best score first."""
    candidates = np.nonzero(problem.eligible[i] & (problem.capacity > 0))[0]
    order = np.lexsort((candidates, -problem.score[i, candidates]))
    return candidates[order]


RANK_BLOCK = 1024


def top_mentors(problem: Problem, count: int) -> list[np.ndarray]:
    """For every mentee, `ranked_mentors(problem, i)[:count]`, found block by block: the
    count-th best score per row by partition, then only the few at or above it sorted."""
    n, _ = problem.score.shape
    open_ = problem.capacity > 0
    found: list[np.ndarray] = []
    for first in range(0, n, RANK_BLOCK):
        last = min(first + RANK_BLOCK, n)
        usable = problem.eligible[first:last] & open_[None, :]
        masked = np.where(usable, problem.score[first:last], -np.inf)
        k = min(count, masked.shape[1])
        if k == 0:
            found += [np.zeros(0, dtype=np.int64)] * (last - first)
            continue
        kth = np.partition(masked, -k, axis=1)[:, -k]
        for row, limit in zip(masked, kth, strict=True):
            candidates = np.nonzero((row >= limit) & np.isfinite(row))[0]
            order = np.lexsort((candidates, -row[candidates]))
            found.append(candidates[order][:count])
    return found


class Explainer:
    """Explains the pairs of one response in one language; each pair's reasons built once."""

    def __init__(self, problem: Problem, language: str) -> None:
        self.problem, self.language = problem, language
        self._reasons: dict[tuple[int, int], list[Reason]] = {}
        # The same evidence gives the same reason ("same time zone", "no shared interest"):
        # each distinct one is rendered and built once, then shared (reasons are read only).
        self._said: dict[tuple[object, ...], Reason] = {}

    def reasons(self, i: int, j: int) -> list[Reason]:
        """Per-criterion reasons for one pair, strongest contribution first."""
        if (i, j) not in self._reasons:
            self._reasons[(i, j)] = self._build_reasons(i, j)
        return self._reasons[(i, j)]

    def _build_reasons(self, i: int, j: int) -> list[Reason]:
        problem, language = self.problem, self.language
        mentor, mentee = problem.pool.mentors[j], problem.pool.mentees[i]
        found = []
        if problem.caller_scores:
            score = round(float(problem.score[i, j]), 6)
            detail = render(language, "scores.caller")
            found.append(
                Reason.model_construct(
                    criterion="scores", weight=1, value=score, contribution=score, detail=detail
                )
            )
        total = sum(problem.weights.values())
        criteria = criteria_for(problem.request.program.format)
        for name, weight in problem.weights.items():
            evidence = criteria[name].evidence(mentor, mentee)
            # With the caller's scores the criteria are shown for information only.
            used = 0.0 if problem.caller_scores else weight
            params = tuple(
                (k, tuple(v) if isinstance(v, list) else v) for k, v in evidence.params.items()
            )
            said = (name, used, evidence.value, evidence.key, params)
            if said not in self._said:
                self._said[said] = Reason.model_construct(  # checked values: no re-validation
                    criterion=name,
                    weight=used,
                    value=round(evidence.value, 4),
                    contribution=round(used * evidence.value / total, 4) if total else 0.0,
                    detail=render(language, evidence.key, **evidence.params),
                )
            found.append(self._said[said])
        return sorted(found, key=lambda r: -r.contribution)

    def explanation(self, i: int, j: int, pinned: bool) -> str:
        """One sentence a manager can read: who, how well, and the main reasons why."""
        problem, language = self.problem, self.language
        cited = [r.detail for r in self.reasons(i, j) if r.contribution > 0][:EXPLAINED_REASONS]
        separator = catalogue(language)["reason_separator"]
        return render(
            language,
            "explanation.pinned" if pinned else "explanation.pair",
            mentor=display_name(problem.pool.mentors[j]),
            mentee=display_name(problem.pool.mentees[i]),
            score=round(float(problem.score[i, j]), 2),
            reasons=separator.join(cited) or render(language, "explanation.no_reason"),
        )

    def suggestions(
        self, assignment: np.ndarray, load: np.ndarray, count: int
    ) -> dict[str, list[Suggestion]]:
        """The top `count` eligible mentors per mentee; the assigned one flagged, always shown."""
        if count == 0:
            return {}
        problem, found = self.problem, {}
        tops = top_mentors(problem, count)
        for i, mentee in enumerate(problem.pool.mentees):
            ranked = tops[i].tolist()
            assigned = int(assignment[i])
            if assigned >= 0 and assigned not in ranked:
                ranked.append(assigned)
            found[mentee.id] = [
                Suggestion(
                    mentor=problem.pool.mentors[j].id,
                    score=round(float(problem.score[i, j]), 6),
                    assigned=j == assigned,
                    has_room=bool(load[j] < problem.capacity[j]),
                    reasons=self.reasons(i, j),
                )
                for j in ranked
            ]
        return found

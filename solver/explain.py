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


def top_mentors(
    problem: Problem, count: int, mentees: np.ndarray | None = None
) -> list[np.ndarray]:
    """For every mentee (or those given), `ranked_mentors(problem, i)[:count]`, found block
    by block: the count-th best score per row by partition, then only the pairs at or above
    it ordered (score down, then mentor index), all rows of a block at once."""
    n, m = problem.score.shape
    rows_of = np.arange(n) if mentees is None else mentees
    open_ = problem.capacity > 0
    found: list[np.ndarray] = []
    for first in range(0, len(rows_of), RANK_BLOCK):
        part = rows_of[first : first + RANK_BLOCK]
        whole = mentees is None
        chosen = slice(part[0], part[-1] + 1) if whole else part
        usable = problem.eligible[chosen] & open_[None, :]
        masked = np.where(usable, problem.score[chosen], -np.inf)
        k = min(count, m)
        if k == 0:
            found += [np.zeros(0, dtype=np.int64)] * len(part)
            continue
        kth = np.partition(masked, m - k, axis=1)[:, m - k]
        rows, cols = np.nonzero((masked >= kth[:, None]) & usable)
        order = np.lexsort((cols, -masked[rows, cols], rows))
        rows, cols = rows[order], cols[order]
        starts = np.searchsorted(rows, np.arange(len(part) + 1))
        found += [cols[a : min(b, a + count)] for a, b in zip(starts[:-1], starts[1:], strict=True)]
    return found


def _signature(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _field_codes(people: list[Participant], field: str) -> list[int]:
    """A small integer per person, equal exactly when the field is equal."""
    seen: dict[object, int] = {}
    return [seen.setdefault(_signature(getattr(p, field)), len(seen)) for p in people]


class Explainer:
    """Explains the pairs of one response in one language; each pair's reasons built once.

    Evidence depends only on the fields a criterion reads (`Criterion.reads`): pairs with
    equal fields share one reason, found by the fields' codes without asking the evidence
    function again ("same time zone" is worked out once per pair of zones)."""

    def __init__(self, problem: Problem, language: str) -> None:
        self.problem, self.language = problem, language
        self._reasons: dict[tuple[int, int], list[Reason]] = {}
        self._criteria = criteria_for(problem.request.program.format)
        self._total = sum(problem.weights.values())
        self._codes: dict[str, tuple[list[int], list[int]]] = {}
        for name in problem.weights:
            if (reads := self._criteria[name].reads) is not None:
                self._codes[name] = (
                    _field_codes(problem.pool.mentees, reads[0]),
                    _field_codes(problem.pool.mentors, reads[1]),
                )
        self._by_code: dict[tuple[str, int, int], Reason] = {}
        # The same evidence gives the same reason ("no shared interest"): each distinct
        # one is rendered and built once, then shared (reasons are read only).
        self._said: dict[tuple[object, ...], Reason] = {}

    def reasons(self, i: int, j: int) -> list[Reason]:
        """Per-criterion reasons for one pair, strongest contribution first."""
        if (i, j) not in self._reasons:
            self._reasons[(i, j)] = self._build_reasons(i, j)
        return self._reasons[(i, j)]

    def _build_reasons(self, i: int, j: int) -> list[Reason]:
        problem = self.problem
        found = []
        if problem.caller_scores:
            score = round(float(problem.score[i, j]), 6)
            detail = render(self.language, "scores.caller")
            found.append(
                Reason.model_construct(
                    criterion="scores", weight=1, value=score, contribution=score, detail=detail
                )
            )
        for name, weight in problem.weights.items():
            codes = self._codes.get(name)
            key = (name, codes[0][i], codes[1][j]) if codes is not None else None
            reason = self._by_code.get(key) if key is not None else None
            if reason is None:
                reason = self._reason(name, weight, i, j)
                if key is not None:
                    self._by_code[key] = reason
            found.append(reason)
        return sorted(found, key=lambda r: -r.contribution)

    def _reason(self, name: str, weight: float, i: int, j: int) -> Reason:
        mentor, mentee = self.problem.pool.mentors[j], self.problem.pool.mentees[i]
        evidence = self._criteria[name].evidence(mentor, mentee)
        # With the caller's scores the criteria are shown for information only.
        used = 0.0 if self.problem.caller_scores else weight
        params = tuple(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in evidence.params.items()
        )
        said = (name, used, evidence.value, evidence.key, params)
        if said not in self._said:
            total = self._total
            self._said[said] = Reason.model_construct(  # checked values: no re-validation
                criterion=name,
                weight=used,
                value=round(evidence.value, 4),
                contribution=round(used * evidence.value / total, 4) if total else 0.0,
                detail=render(self.language, evidence.key, **evidence.params),
            )
        return self._said[said]

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
                Suggestion.model_construct(  # values computed here: no re-validation
                    mentor=problem.pool.mentors[j].id,
                    score=round(float(problem.score[i, j]), 6),
                    assigned=j == assigned,
                    has_room=bool(load[j] < problem.capacity[j]),
                    reasons=self.reasons(i, j),
                )
                for j in ranked
            ]
        return found

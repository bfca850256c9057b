"""Reasons, explanations and suggestions, built from evidence only for what is returned."""

from __future__ import annotations

from itertools import islice

import numpy as np

from solver.answer.evidence_keys import ItemCodes, as_int64, groups, groups_of_keys
from solver.answer.suggestions import top_mentors
from solver.contract.request import Participant
from solver.contract.response import Reason, Suggestion, trusted
from solver.encode.problem import Problem
from solver.messages import catalogue, render
from solver.messages.formats import Decimal, person
from solver.rules.criteria import CountsRead, criteria_for

EXPLAINED_REASONS = 2  # how many reasons the one-sentence explanation cites


def _signature(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def _field_codes(people: list[Participant], field: str) -> list[int]:
    """A small integer per person, equal exactly when the field is equal."""
    seen: dict[object, int] = {}
    return [seen.setdefault(_signature(getattr(p, field)), len(seen)) for p in people]


class Explainer:
    """Explains the pairs of one response in one language; each pair's reasons built once.

    Pairs whose evidence must be equal share one reason, found by a key without asking
    the evidence function again ("same time zone" is worked out once per pair of zones):
    the codes of the two fields a criterion reads (`Criterion.reads`), for list fields
    the items they share and how many each lists (`common`), or the criterion's own
    `key` (preference ranks)."""

    def __init__(self, problem: Problem, language: str) -> None:
        self.problem, self.language = problem, language
        self._reasons: dict[tuple[int, int], list[Reason]] = {}
        self._criteria = criteria_for(problem.request.program.format)
        self._total = sum(problem.weights.values())
        self._codes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._items: dict[str, tuple[list[dict[str, str]], list[dict[str, str]], CountsRead]] = {}
        pool = problem.pool
        for name in problem.weights:
            criterion = self._criteria[name]
            if criterion.reads is None:
                continue
            if criterion.common is not None:  # the pool's item sets, built for the scores
                self._items[name] = (*pool.item_sets[criterion.reads], criterion.common)
            else:
                mentee_field, mentor_field = criterion.reads
                self._codes[name] = (
                    as_int64(_field_codes(pool.mentees, mentee_field)),
                    as_int64(_field_codes(pool.mentors, mentor_field)),
                )
        self._item_codes: dict[str, ItemCodes] = {}
        self._by_code: dict[str, dict[object, Reason]] = {}
        # The same evidence gives the same reason ("no shared interest"): each distinct
        # one is rendered and built once, then shared (reasons are read only).
        self._said: dict[tuple[object, ...], Reason] = {}

    def reasons(self, i: int, j: int) -> list[Reason]:
        """Per-criterion reasons for one pair, strongest contribution first."""
        if (i, j) not in self._reasons:
            self.prepare([(i, j)])
        return self._reasons[(i, j)]

    def prepare(self, pairs: list[tuple[int, int]]) -> None:
        """The reasons of many (mentee, mentor) pairs at once, criterion by criterion: the
        same reasons as one pair at a time, with the Python work done in tight loops."""
        with self.problem.pool.folding.active():  # the evidence's items, once each
            self._prepare(pairs)

    def _prepare(self, pairs: list[tuple[int, int]]) -> None:
        todo = [pair for pair in dict.fromkeys(pairs) if pair not in self._reasons]
        if not todo:
            return
        at = np.asarray(todo, dtype=np.intp).reshape(-1, 2)
        columns = [self._column(name, w, todo, at) for name, w in self.problem.weights.items()]
        if self.problem.caller_scores:
            columns.insert(0, ([self._caller_reason(i, j) for i, j in todo], np.arange(len(todo))))
        table = np.empty((len(todo), len(columns)), dtype=object)
        contributions = np.empty(table.shape)
        for c, (found, inverse) in enumerate(columns):
            # fromiter: a slice assignment would ask each model for an array interface
            table[:, c] = np.fromiter(found, dtype=object, count=len(found))[inverse]
            contributions[:, c] = np.fromiter((r.contribution for r in found), float)[inverse]
        # stable, so equal contributions keep the criteria's order, as by -contribution
        order = np.argsort(-contributions, axis=1, kind="stable")
        ranked = np.take_along_axis(table, order, axis=1).tolist()
        self._reasons.update(zip(todo, ranked, strict=True))

    def _caller_reason(self, i: int, j: int) -> Reason:
        score = round(float(self.problem.display[i, j]), 6)
        detail = render(self.language, "scores.caller")
        return trusted(  # values computed here: no re-validation
            Reason,
            {
                "criterion": "scores",
                "weight": 1,
                "value": score,
                "contribution": score,
                "detail": detail,
            },
        )

    def _column(
        self, name: str, weight: float, pairs: list[tuple[int, int]], at: np.ndarray
    ) -> tuple[list[Reason], np.ndarray]:
        """One criterion's distinct reasons among these pairs, and which one each pair has:
        pairs whose evidence must be equal (same key) share the reason, and the evidence
        function runs once per key (`solver.answer.evidence_keys` groups the pairs)."""
        rows, cols = at[:, 0], at[:, 1]
        if (items := self._items.get(name)) is not None:
            mine, theirs, read = items  # the shared items, and what is read of the counts
            if name not in self._item_codes:
                self._item_codes[name] = ItemCodes(mine, theirs, read)
            keyed = self._item_codes[name].keys(rows, cols)
            first, inverse = (
                groups(keyed)
                if keyed is not None
                else groups_of_keys([self._items_key(name, i, j) for i, j in pairs])
            )
        elif (field_codes := self._codes.get(name)) is not None:
            first, inverse = groups([field_codes[0][rows], field_codes[1][cols]])
        elif (key := self._criteria[name].key) is not None:
            mentors, mentees = self.problem.pool.mentors, self.problem.pool.mentees
            first, inverse = groups_of_keys([key(mentors[j], mentees[i]) for i, j in pairs])
        else:
            return [self._reason(name, weight, i, j) for i, j in pairs], np.arange(len(pairs))
        known = self._by_code.setdefault(name, {})
        found = []
        for i, j in at[first].tolist():
            evidence_key = self._key(name, i, j)
            reason = known.get(evidence_key)
            if reason is None:
                reason = known[evidence_key] = self._reason(name, weight, i, j)
            found.append(reason)
        return found, inverse

    def _items_key(self, name: str, i: int, j: int) -> object:
        """A list criterion's key of one pair: the items shared, as the mentee wrote them
        in the mentee's order, and what the criterion reads of the counts."""
        mine, theirs, read = self._items[name]
        shared = tuple(text for k, text in mine[i].items() if k in theirs[j])
        return shared, read(len(mine[i]), len(theirs[j]))

    def _key(self, name: str, i: int, j: int) -> object:
        """The key of one pair, equal for two pairs exactly when their evidence must be."""
        if name in self._items:
            return self._items_key(name, i, j)
        if (field_codes := self._codes.get(name)) is not None:
            return int(field_codes[0][i]), int(field_codes[1][j])
        key = self._criteria[name].key
        assert key is not None
        return key(self.problem.pool.mentors[j], self.problem.pool.mentees[i])

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
            self._said[said] = trusted(  # values computed here: no re-validation
                Reason,
                {
                    "criterion": name,
                    "weight": used,
                    "value": round(evidence.value, 4),
                    "contribution": round(used * evidence.value / total, 4) if total else 0.0,
                    "detail": render(self.language, evidence.key, **evidence.params),
                },
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
            mentor=person(problem.pool.mentors[j]),
            mentee=person(problem.pool.mentees[i]),
            score=Decimal(float(problem.display[i, j]), 2, fixed=True),
            reasons=separator.join(cited) or render(language, "explanation.no_reason"),
        )

    def suggestions(
        self, assignment: np.ndarray, load: np.ndarray, count: int
    ) -> dict[str, list[Suggestion]]:
        """The top `count` eligible mentors per mentee; the assigned one flagged, always shown."""
        if count == 0:
            return {}
        problem, found = self.problem, {}
        tops = [top.tolist() for top in top_mentors(problem, count)]
        assigned_to = assignment.tolist()
        for ranked, assigned in zip(tops, assigned_to, strict=True):
            if assigned >= 0 and assigned not in ranked:
                ranked.append(assigned)
        pairs = [(i, j) for i, ranked in enumerate(tops) for j in ranked]
        self.prepare(pairs)
        at = np.asarray(pairs, dtype=np.intp).reshape(-1, 2)
        scores = iter(problem.display[at[:, 0], at[:, 1]].tolist())  # in the pairs' order
        ids = [mentor.id for mentor in problem.pool.mentors]
        room = (load < problem.capacity).tolist()
        reasons = self._reasons
        for i, (mentee, ranked) in enumerate(zip(problem.pool.mentees, tops, strict=True)):
            assigned = assigned_to[i]
            found[mentee.id] = [
                trusted(  # values computed here: no re-validation
                    Suggestion,
                    {
                        "mentor": ids[j],
                        "score": round(score, 6),
                        "assigned": j == assigned,
                        "has_room": room[j],
                        "reasons": reasons[(i, j)],
                    },
                )
                for j, score in zip(ranked, islice(scores, len(ranked)), strict=True)
            ]
        return found

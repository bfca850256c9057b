"""Program-level metrics of a pairing, from ids and scores alone (no solver state)."""

from __future__ import annotations

from collections import Counter

from solver.contract.request import MatchRequest, attribute_value
from solver.contract.response import Metrics, ScoreRange
from solver.encode.units import caller_range
from solver.rules.items import normalise
from solver.rules.program.cross import cross_counts


def cross_share(
    request: MatchRequest, pairs: list[tuple[str, str, float]], attribute: str
) -> float:
    """Among pairs where both values are known, the share that differ (0 when none is known)."""
    crossing, known = cross_counts(request, pairs, attribute)
    return round(crossing / known, 6) if known else 0.0


def compute_metrics(
    request: MatchRequest, pairs: list[tuple[str, str, float]], blocking_pairs: int = 0
) -> Metrics:
    """Metrics of (mentor id, mentee id, score) pairs for a request."""
    mentees = {p.id: p for p in request.mentees}
    matched = {mentee for _, mentee, _ in pairs}
    scores = [score for _, _, score in pairs]
    with_wishes = [(m, e) for m, e, _ in pairs if mentees[e].preferences]
    first_choice = sum(1 for m, e in with_wishes if mentees[e].preferences[0] == m)
    attributes = ["department", *request.program.diversity.cross]
    return Metrics(
        match_rate=round(len(matched) / len(mentees), 6) if mentees else 0.0,
        matched_mentees=len(matched),
        matched_volunteers=sum(1 for e in matched if mentees[e].volunteer),
        mean_score=round(sum(scores) / len(scores), 6) if scores else 0.0,
        min_score=round(min(scores), 6) if scores else 0.0,
        first_choice_rate=round(first_choice / len(with_wishes), 6) if with_wishes else 0.0,
        cross_share={a: cross_share(request, pairs, a) for a in attributes},
        blocking_pairs=blocking_pairs,
        max_same_per_mentor={
            a: most_alike(request, pairs, a) for a in request.program.diversity.max_same_per_mentor
        },
        match_rate_by={
            a: match_rate_by(request, matched, a)
            for a, wanted in request.program.diversity.balance.items()
            if wanted
        },
        smallest_group=smallest_group(request, pairs),
        score_range=None
        if (seen := caller_range(request.program)) is None
        else ScoreRange(min=seen[0], max=seen[1]),
    )


def most_alike(request: MatchRequest, pairs: list[tuple[str, str, float]], attribute: str) -> int:
    """The most mentees of one mentor who share one value of the attribute."""
    mentees = {p.id: p for p in request.mentees}
    alike = Counter(
        (m, normalise(value))
        for m, e, _ in pairs
        if (value := attribute_value(mentees[e], attribute))
    )
    return max(alike.values(), default=0)


def match_rate_by(request: MatchRequest, matched: set[str], attribute: str) -> dict[str, float]:
    """Each value's match rate among the mentees who have it (equitable access, at a glance)."""
    everyone: Counter[str] = Counter()
    served: Counter[str] = Counter()
    label: dict[str, str] = {}  # "Sales" and "sales" are one value, shown as first written
    for mentee in request.mentees:
        if value := attribute_value(mentee, attribute):
            key = label.setdefault(normalise(value), value)
            everyone[key] += 1
            served[key] += mentee.id in matched
    return {value: round(served[value] / n, 6) for value, n in sorted(everyone.items())}


def smallest_group(request: MatchRequest, pairs: list[tuple[str, str, float]]) -> int | None:
    if request.program.format != "group":
        return None
    return min(Counter(m for m, _, _ in pairs).values(), default=0)

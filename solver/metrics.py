"""Program-level metrics of a pairing, from ids and scores alone (no solver state)."""

from __future__ import annotations

from solver.features import normalise
from solver.schema import MatchRequest, Metrics


def compute_metrics(request: MatchRequest, pairs: list[tuple[str, str, float]]) -> Metrics:
    """Metrics of (mentor id, mentee id, score) pairs for a request."""
    mentors = {p.id: p for p in request.mentors}
    mentees = {p.id: p for p in request.mentees}
    matched = {mentee for _, mentee, _ in pairs}
    scores = [score for _, _, score in pairs]
    with_wishes = [(m, e) for m, e, _ in pairs if mentees[e].preferences]
    first_choice = sum(1 for m, e in with_wishes if mentees[e].preferences[0] == m)
    departments = [
        (mentors[m].department, mentees[e].department)
        for m, e, _ in pairs
        if mentors[m].department and mentees[e].department
    ]
    crossing = sum(1 for a, b in departments if normalise(a or "") != normalise(b or ""))
    return Metrics(
        match_rate=round(len(matched) / len(mentees), 6) if mentees else 0.0,
        matched_mentees=len(matched),
        matched_volunteers=sum(1 for e in matched if mentees[e].volunteer),
        mean_score=round(sum(scores) / len(scores), 6) if scores else 0.0,
        min_score=round(min(scores), 6) if scores else 0.0,
        first_choice_rate=round(first_choice / len(with_wishes), 6) if with_wishes else 0.0,
        cross_share={"department": round(crossing / len(departments), 6) if departments else 0.0},
    )

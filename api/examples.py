"""The example request of each endpoint, and its answer (`api.answer_examples`), shown on the
OpenAPI page (each request is tested to get a 200 from its endpoint, and that answer)."""

from __future__ import annotations

from typing import Any

from api import answer_examples as answers

POOL: dict[str, Any] = {
    "mentors": [
        {"id": "m1", "skills": ["public speaking", "negotiation"], "languages": ["fr", "en"]},
        {"id": "m2", "skills": ["data analysis"], "languages": ["en"], "capacity": 1},
    ],
    "mentees": [
        {"id": "e1", "goals": ["public speaking"], "languages": ["fr"], "preferences": ["m1"]},
        {"id": "e2", "goals": ["data analysis"], "languages": ["en"]},
        {"id": "e3", "goals": ["negotiation"], "languages": ["en"]},
    ],
    "program": {"mentor_capacity": 2},
}

SCORED: dict[str, Any] = {  # a platform's own affinities, dense, in its own units
    "mentors": [{"id": "m1"}, {"id": "m2", "capacity": 1}],
    "mentees": [{"id": "e1"}, {"id": "e2"}, {"id": "e3"}],
    "program": {
        "mentor_capacity": 2,
        "score_matrix": {
            "mentees": ["e1", "e2", "e3"],
            "mentors": ["m1", "m2"],
            "values": [[0.82, -0.1], [0.4, 0.95], [None, 1.02]],
        },
    },
}
MATCH = {
    "pool": {"summary": "Two mentors, three mentees", "value": POOL},
    "scores": {"summary": "A platform's own scores, a dense matrix", "value": SCORED},
}
MATCHED = {"pool": {"summary": "Each mentee paired (abridged)", "value": answers.MATCH_ANSWER}}

SCENARIOS = {
    "capacity": {
        "summary": "What if mentors took one mentee each, or m2 left?",
        "value": {
            "base": POOL,
            "variants": [
                {"name": "capacity 1", "patch": {"program": {"mentor_capacity": 1}}},
                {"name": "m2 leaves", "remove": ["m2"]},
            ],
        },
    }
}

COMPARED = {
    "capacity": {
        "summary": "capacity 1 leaves e3 out (abridged)",
        "value": answers.SCENARIOS_ANSWER,
    }
}

REMATCH = {
    "feedback": {
        "summary": "One pair rated badly, one well",
        "value": {
            "pool": POOL,
            "current": [{"mentor": "m1", "mentee": "e1"}, {"mentor": "m2", "mentee": "e2"}],
            "feedback": [
                {"mentor": "m1", "mentee": "e1", "rating": 5},
                {"mentor": "m2", "mentee": "e2", "rating": 1},
            ],
        },
    }
}

REMATCHED = {
    "feedback": {
        "summary": "e1's pair kept, e2's ended and re-paired (abridged)",
        "value": answers.REMATCH_ANSWER,
    }
}
INTAKE_READ = {
    "pool": {
        "summary": "One mentor, one mentee, an e-mail column ignored",
        "value": answers.INTAKE_ANSWER,
    }
}
INTAKE_REMATCH_READ = {
    "feedback": {"summary": "Two pairs rated", "value": answers.INTAKE_REMATCH_ANSWER}
}

ONE_PAIR: dict[str, Any] = {
    "mentors": [{"id": "m1", "name": "Claire", "skills": ["public speaking"]}],
    "mentees": [{"id": "e1", "name": "Léa", "goals": ["public speaking"]}],
}
REASON = {"criterion": "goals", "weight": 3.0, "value": 1.0, "contribution": 0.3333}
ONE_PAIR_ANSWER: dict[str, Any] = {  # abridged: one reason of each list
    "status": "optimal",
    "objective": 0.333333,
    "bound": 0.333333,
    "gap": 0.0,
    "engine": "flow",
    "solve_seconds": 0.01,
    "pairings": [
        {
            "rank": 1,
            "mentor": "m1",
            "mentee": "e1",
            "score": 0.333333,
            "pinned": False,
            "reasons": [{**REASON, "detail": "covers 1 of 1 goal: public speaking"}],
            "explanation": "Claire (m1) mentors Léa (e1) (score 0.33) — covers 1 of 1 goal: "
            "public speaking.",
        }
    ],
    "groups": [{"mentor": "m1", "mentees": ["e1"]}],
    "suggestions": {},
    "unmatched": [],
    "mentor_load": {"m1": 1},
    "metrics": {
        "match_rate": 1.0,
        "matched_mentees": 1,
        "matched_volunteers": 1,
        "mean_score": 0.333333,
        "min_score": 0.333333,
        "first_choice_rate": 0.0,
        "cross_share": {"department": 0.0},
        "blocking_pairs": 0,
    },
}

EXPORT = {
    "workbook": {
        "summary": "One pair, as a workbook",
        "value": {"format": "xlsx", "request": ONE_PAIR, "answer": ONE_PAIR_ANSWER},
    },
    "csv": {
        "summary": "The same pair, as a CSV table",
        "value": {"format": "csv", "request": ONE_PAIR, "answer": ONE_PAIR_ANSWER},
    },
}

"""The answer each endpoint gives its example request (`api.examples`), shown on the OpenAPI
page beside it; abridged where a list repeats itself (each pair's first reasons of eight,
one mentee's suggestions, one variant of two). Each is tested to be what its endpoint
answers, but for `solve_seconds` and what is left out."""

from __future__ import annotations

from typing import Any


def _reason(criterion: str, weight: float, value: float, contribution: float, detail: str) -> Any:
    return {
        "criterion": criterion,
        "weight": weight,
        "value": value,
        "contribution": contribution,
        "detail": detail,
    }


GOAL_E1 = _reason("goals", 3.0, 1.0, 0.2727, "covers 1 of 1 goal: public speaking")
FRENCH = _reason("languages", 1.0, 1.0, 0.0909, "both speak French")
ENGLISH = _reason("languages", 1.0, 1.0, 0.0909, "both speak English")
CHOICE = _reason("preferences", 2.0, 0.5, 0.0909, "mentee's choice no. 1")
METRICS: dict[str, Any] = {
    "match_rate": 1.0,
    "matched_mentees": 3,
    "matched_volunteers": 3,
    "mean_score": 0.393939,
    "min_score": 0.363636,
    "first_choice_rate": 1.0,
    "cross_share": {"department": 0.0},
    "blocking_pairs": 0,
    "max_same_per_mentor": {},
    "match_rate_by": {},
    "smallest_group": None,
    "score_range": None,
}


def _pairing(rank: int, mentor: str, mentee: str, score: float, reasons: list[Any]) -> Any:
    said = "; ".join(r["detail"] for r in reasons[:2])
    return {
        "rank": rank,
        "mentor": mentor,
        "mentee": mentee,
        "score": score,
        "pinned": False,
        "reasons": reasons,
        "explanation": f"{mentor} mentors {mentee} (score {score:.2f}) — {said}.",
    }


MATCH_ANSWER: dict[str, Any] = {
    "status": "optimal",
    "objective": 1.181818,  # 13/11, the exact total rounded once
    "bound": 1.181818,
    "gap": 0.0,
    "engine": "flow",
    "solve_seconds": 0.0649,
    "pairings": [
        _pairing(1, "m1", "e1", 0.454545, [GOAL_E1, FRENCH, CHOICE]),
        _pairing(
            2,
            "m1",
            "e3",
            0.363636,
            [GOAL_E1 | {"detail": "covers 1 of 1 goal: negotiation"}, ENGLISH],
        ),
        _pairing(
            3,
            "m2",
            "e2",
            0.363636,
            [GOAL_E1 | {"detail": "covers 1 of 1 goal: data analysis"}, ENGLISH],
        ),
    ],
    "groups": [{"mentor": "m1", "mentees": ["e1", "e3"]}, {"mentor": "m2", "mentees": ["e2"]}],
    "suggestions": {
        "e1": [
            {
                "mentor": "m1",
                "score": 0.454545,
                "assigned": True,
                "has_room": False,
                "reasons": [GOAL_E1, FRENCH, CHOICE],
            }
        ]
    },
    "unmatched": [],
    "mentor_load": {"m1": 2, "m2": 1},
    "metrics": METRICS,
}

CAPACITY_1: dict[str, Any] = {
    "name": "capacity 1",
    "status": "optimal",
    "objective": 0.818182,
    "metrics": METRICS
    | {"match_rate": 0.666667, "matched_mentees": 2, "matched_volunteers": 2}
    | {"mean_score": 0.409091},
    "unmatched": [
        {
            "id": "e3",
            "role": "mentee",
            "reason": "capacity",
            "detail": "the 2 eligible mentors are full; best of them: m1 and m2",
        }
    ],
    "solve_seconds": 0.0158,
    "delta": {"objective": -0.363636, "match_rate": -0.333333, "matched_mentees": -1.0},
    "changed_pairs": [{"mentee": "e3", "before": "m1", "after": None}],
    "warnings": [],
}
SCENARIOS_ANSWER: dict[str, Any] = {
    "base": {
        "name": "base",
        "status": "optimal",
        "objective": 1.181818,
        "metrics": METRICS,
        "unmatched": [],
        "solve_seconds": 0.0041,
    },
    "variants": [CAPACITY_1],
}

PINNED = {
    "pinned": True,  # kept: a well-rated pair is pinned for the re-match
    "explanation": "Pinned by the program manager: m1 mentors e1 (score 0.45) — covers 1 of 1 "
    "goal: public speaking; both speak French.",
}
REMATCH_ANSWER: dict[str, Any] = {
    "result": MATCH_ANSWER
    | {
        "objective": 0.636364,
        "bound": 0.636364,
        "pairings": [
            _pairing(1, "m1", "e1", 0.454545, [GOAL_E1, FRENCH]) | PINNED,
            _pairing(2, "m1", "e2", 0.090909, [ENGLISH]),
            _pairing(3, "m2", "e3", 0.090909, [ENGLISH]),
        ],
        "groups": [{"mentor": "m1", "mentees": ["e1", "e2"]}, {"mentor": "m2", "mentees": ["e3"]}],
        "metrics": METRICS | {"mean_score": 0.212121, "min_score": 0.090909, "blocking_pairs": 1},
    },
    "kept": [
        {"mentor": "m1", "mentee": "e1", "reason": "rated_well", "detail": "kept: well rated"}
    ],
    "ended": [
        {
            "mentor": "m2",
            "mentee": "e2",
            "reason": "low_rating",
            "detail": "ended after a 1/5 rating",
        }
    ],
    "new": [
        {
            "mentor": "m1",
            "mentee": "e2",
            "reason": "replaces_ended",
            "detail": "a new mentor after the previous pair ended",
        },
        {
            "mentor": "m2",
            "mentee": "e3",
            "reason": "was_waiting",
            "detail": "was not paired so far (waiting or new joiner)",
        },
    ],
    "moved": [],
}

INTAKE_ANSWER: dict[str, Any] = {
    "pool": {
        "mentors": [{"id": "m1", "name": "Claire Martin", "skills": ["python", "cloud"]}],
        "mentees": [{"id": "e1", "name": "Léa Bernard", "goals": ["python"], "seniority": 2.5}],
    },
    "warnings": [
        {
            "file": "mentees.csv",
            "row": None,
            "column": "Courriel",
            "value": None,
            "msg": "not a participant field: ignored",
        }
    ],
    "columns": {
        "mentors.csv": {"id": "Identifiant", "name": "Prénom Nom", "skills": "Compétences"},
        "mentees.csv": {"id": "Identifiant", "name": "Prénom Nom", "goals": "Objectifs"},
    },
}
INTAKE_REMATCH_ANSWER: dict[str, Any] = {
    "current": [{"mentor": "m1", "mentee": "e1"}, {"mentor": "m2", "mentee": "e2"}],
    "feedback": [
        {"mentor": "m1", "mentee": "e1", "rating": 5, "end": False, "by": None},
        {"mentor": "m2", "mentee": "e2", "rating": 1, "end": False, "by": None},
    ],
    "leaving": [],
}
EXPORT_CSV = (
    "Row,Rank,Mentor,Mentor id,Mentor department,Mentee,Mentee id,Mentee department,Score,"
    "Goals,Explanation,Reason\r\npair,1,Claire,m1,,Léa,e1,,0.3333,covers 1 of 1 goal: public "
    "speaking,Claire (m1) mentors Léa (e1) (score 0.33) — covers 1 of 1 goal: public speaking.,"
    "\r\n"
)
METRICS_TEXT = """# HELP binome_requests_total HTTP requests by route and status code.
# TYPE binome_requests_total counter
binome_requests_total{method="POST",route="/v1/match",code="200"} 1
"""

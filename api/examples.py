"""The example request of each solving endpoint, shown on the OpenAPI page (each is tested
to get a 200 from its endpoint)."""

from __future__ import annotations

from typing import Any

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

MATCH = {"pool": {"summary": "Two mentors, three mentees", "value": POOL}}

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

"""The HTTP contract as pydantic models (`docs/CONTRACT.md`): requests, answers, re-matching
and what-if, and the whole-request checks that locate each problem."""

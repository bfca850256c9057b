"""Large requests whose rules no matrix path proves run on candidate pairs
(`engines/large/on_candidates.py`): forced here on medium pools by a zero threshold. The
answers keep every rule (the validator), are never claimed optimal, and their bound holds
over every pair: at least the optimum the all-pairs engines prove."""

from __future__ import annotations

from typing import Any

import pytest

from generator import generate_pool
from solver import MatchRequest, SolveOptions, Thresholds, match, validate

EVERYWHERE = Thresholds(candidates_from=0, flow_candidates_from=0)
PROGRAMS: dict[str, dict[str, Any]] = {
    "max_same": {"diversity": {"max_same_per_mentor": {"department": 1}}},
    "cross+max_same": {
        "diversity": {"cross": {"department": 0.8}, "max_same_per_mentor": {"site": 1}}
    },
    "cross+fair": {"diversity": {"cross": {"department": 0.8}}, "objective": "fair"},
    "balance+max_same": {
        "diversity": {"balance": {"department": True}, "max_same_per_mentor": {"site": 2}}
    },
    "group+cross": {
        "format": "group",
        "group": {"min_size": 2},
        "diversity": {"cross": {"department": 0.6}},
    },
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_on_candidates_the_rules_hold_and_the_bound_covers_the_proven_optimum(name: str) -> None:
    request = MatchRequest.model_validate(
        generate_pool(120, 40, 1, program={**PROGRAMS[name], "time_limit_s": 20})
    )
    found = match(request, SolveOptions(sizes=EVERYWHERE))
    assert found.status == "feasible" and validate(request, found) == []
    assert found.bound >= found.objective and found.gap >= 0
    everything = match(request)  # every pair an arc: optimal, or its answer ≤ the optimum
    assert found.bound >= everything.objective - 1e-6
    if everything.status == "optimal":
        assert found.objective <= everything.objective + 1e-6


def test_below_the_threshold_every_pair_is_an_arc() -> None:
    request = MatchRequest.model_validate(generate_pool(60, 20, 1, program=PROGRAMS["max_same"]))
    assert match(request).status == "optimal"

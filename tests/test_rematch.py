"""Re-matching: kept pairs stay, ended pairs never re-form, nobody is dropped, and brute force
confirms that no answer as good moves fewer people."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.main import app
from solver import MatchRequest, match, validate
from solver.contract.rematch import RematchRequest, RematchResponse
from solver.rematch import _next_request, _verdicts, rematch, served_first
from solver.rules.by_pair import expected_score, managers_of, pair_violations
from tests.pools import random_pool

client = TestClient(app)


def people(prefix: str, n: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{k}", **fields} for k in range(1, n + 1)]


def scored(scores: dict[tuple[str, str], float], **program: Any) -> dict[str, Any]:
    """A pool of 3 mentors and 3 mentees with the caller's scores (every pair listed)."""
    listed = [
        {"mentor": f"m{j}", "mentee": f"e{i}", "score": scores.get((f"m{j}", f"e{i}"), 0.1)}
        for i in range(1, 4)
        for j in range(1, 4)
    ]
    return {
        "mentors": people("m", 3),
        "mentees": people("e", 3),
        "program": {"mentor_capacity": 1, "scores": listed, **program},
    }


CURRENT = [{"mentor": f"m{k}", "mentee": f"e{k}"} for k in range(1, 4)]


def pairs(answer: RematchResponse) -> set[tuple[str, str]]:
    return {(p.mentor, p.mentee) for p in answer.result.pairings}


def run(pool: dict[str, Any], **body: Any) -> RematchResponse:
    return rematch(RematchRequest.model_validate({"pool": pool, "current": CURRENT, **body}))


def test_a_badly_rated_pair_ends_and_never_re_forms_even_when_it_is_the_best() -> None:
    pool = scored({("m1", "e1"): 0.9})
    answer = run(pool, feedback=[{"mentor": "m1", "mentee": "e1", "rating": 1, "by": "mentee"}])
    assert ("m1", "e1") not in pairs(answer)
    (ended,) = answer.ended
    assert (ended.mentor, ended.mentee, ended.reason) == ("m1", "e1", "low_rating")
    assert ended.detail == "ended after a 1/5 rating"


def test_an_end_request_ends_the_pair() -> None:
    answer = run(
        scored({}), feedback=[{"mentor": "m2", "mentee": "e2", "end": True, "by": "mentor"}]
    )
    assert ("m2", "e2") not in pairs(answer)
    assert [(n.reason, n.detail) for n in answer.ended] == [
        ("end_requested", "ended at the mentor's request")
    ]


def test_a_well_rated_pair_is_kept_even_when_a_change_would_score_more() -> None:
    pool = scored({("m1", "e1"): 0.2, ("m2", "e1"): 0.9, ("m1", "e2"): 0.9, ("m2", "e2"): 0.2})
    answer = run(pool, feedback=[{"mentor": "m1", "mentee": "e1", "rating": 5}])
    assert {("m1", "e1"), ("m2", "e2")} <= pairs(answer)
    assert ("m1", "e1", "rated_well") in {(n.mentor, n.mentee, n.reason) for n in answer.kept}


@pytest.mark.parametrize(("penalty", "swapped"), [(0.5, False), (0.1, True)])
def test_a_running_pair_changes_only_when_the_gain_beats_the_penalty(
    penalty: float, swapped: bool
) -> None:
    # swapping e1 and e2 gains 2 × 0.6 − 2 × 0.4 = 0.4 of score and breaks two pairs
    scores = {("m1", "e1"): 0.4, ("m2", "e2"): 0.4, ("m1", "e2"): 0.6, ("m2", "e1"): 0.6}
    pool = scored(scores, rematch={"change_penalty": penalty})
    answer = run(pool)
    assert (("m1", "e2") in pairs(answer)) is swapped
    assert len(answer.moved) == (2 if swapped else 0)
    if swapped:
        assert {(m.mentee, m.before, m.after) for m in answer.moved} == {
            ("e1", "m1", "m2"),
            ("e2", "m2", "m1"),
        }


def test_a_leaver_s_pair_ends_and_the_mentee_is_re_paired_first() -> None:
    pool = scored({("m2", "e1"): 0.2})
    pool["mentees"].append({"id": "newcomer"})
    pool["program"]["scores"].append({"mentor": "m2", "mentee": "newcomer", "score": 0.9})
    pool["program"]["mentor_capacity"] = 2
    answer = run(pool, leaving=["m1"])
    assert [(n.mentor, n.mentee, n.reason) for n in answer.ended] == [("m1", "e1", "mentor_left")]
    assert all("m1" not in pair for pair in pairs(answer))
    assert ("m2", "e1") in pairs(answer)  # served before the newcomer, though it scores less
    new = {(n.mentee, n.reason) for n in answer.new}
    assert ("e1", "replaces_ended") in new


def test_a_comment_is_never_returned() -> None:
    secret = "Zyx-private-remark-4417"
    body = {
        "pool": scored({}),
        "current": CURRENT,
        "feedback": [{"mentor": "m1", "mentee": "e1", "rating": 3, "comment": secret}],
    }
    response = client.post("/v1/rematch", json=body)
    assert response.status_code == 200
    assert secret not in response.text


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"current": [{"mentor": "mX", "mentee": "e1"}]}, ["body", "current", 0, "mentor"]),
        (
            {"current": CURRENT[:1], "feedback": [{"mentor": "m2", "mentee": "e2", "rating": 1}]},
            ["body", "feedback", 0],
        ),
        ({"leaving": ["nobody"]}, ["body", "leaving", 0]),
        (
            {"current": [{"mentor": "m1", "mentee": "e1"}, {"mentor": "m2", "mentee": "e1"}]},
            ["body", "current", 1, "mentee"],
        ),
        (
            {"feedback": [{"mentor": "m1", "mentee": "e1", "rating": 9}]},
            ["body", "feedback", 0, "rating"],
        ),
    ],
)
def test_bad_references_are_422s_naming_the_field(body: dict[str, Any], loc: list[Any]) -> None:
    response = client.post("/v1/rematch", json={"pool": scored({}), **body})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert loc in [e["loc"] for e in response.json()["errors"]]


# --- brute force ---------------------------------------------------------------------------


def random_rematch(seed: int) -> RematchRequest:
    rng = np.random.default_rng(seed)
    body = random_pool(seed, n_mentees=5, n_mentors=3, mentor_capacity=2)
    first = match(MatchRequest.model_validate(body))
    current = [{"mentor": p.mentor, "mentee": p.mentee} for p in first.pairings]
    feedback = []
    for pair in current:
        draw = rng.random()
        if draw < 0.2:
            feedback.append({**pair, "rating": int(rng.integers(1, 3))})
        elif draw < 0.4:
            feedback.append({**pair, "rating": int(rng.integers(4, 6))})
        elif draw < 0.5:
            feedback.append({**pair, "end": True})
    everyone = [p["id"] for p in body["mentors"] + body["mentees"]]
    leaving = [str(rng.choice(everyone))] if rng.random() < 0.3 else []
    body["program"]["rematch"] = {"change_penalty": float(rng.choice([0.0, 0.02, 0.2]))}
    return RematchRequest.model_validate(
        {"pool": body, "current": current, "feedback": feedback, "leaving": leaving}
    )


def assignments(request: MatchRequest) -> list[list[tuple[str, str, float]]]:
    """Every assignment that keeps pins, capacities and hard rules."""
    program, managers = request.program, managers_of(request)
    pinned = {p.mentee: p.mentor for p in program.pinned}
    options = []
    for mentee in request.mentees:
        choices: list[tuple[str, str, float] | None] = [] if mentee.id in pinned else [None]
        for mentor in request.mentors:
            score = expected_score(request, mentor, mentee)
            if score is None or pair_violations(mentor, mentee, program, managers, score):
                continue
            if mentee.id not in pinned or pinned[mentee.id] == mentor.id:
                choices.append((mentor.id, mentee.id, score))
        options.append(choices)
    capacity = {
        m.id: program.mentor_capacity if m.capacity is None else m.capacity for m in request.mentors
    }
    found = []
    for combo in itertools.product(*options):
        chosen = [c for c in combo if c is not None]
        load: dict[str, int] = {}
        for mentor, _, _ in chosen:
            load[mentor] = load.get(mentor, 0) + 1
        if all(n <= capacity[m] for m, n in load.items()):
            found.append(chosen)
    return found


@pytest.mark.parametrize("seed", range(25))
def test_brute_force_finds_no_answer_as_good_that_moves_fewer(seed: int) -> None:
    request = random_rematch(seed)
    answer = rematch(request)
    ended, keep = _verdicts(request)
    leaving = set(request.leaving)
    kept_pins = {pair for pair in keep if pair in pairs(answer)}
    next_request = _next_request(request, ended, kept_pins)
    assert not set(ended) & pairs(answer)  # an ended pair never re-forms
    everyone = {p.id for p in request.pool.mentors + request.pool.mentees} - leaving
    listed = {u.id for u in answer.result.unmatched} | {x for p in pairs(answer) for x in p}
    assert listed == everyone  # nobody dropped, nobody who left comes back
    current = {(p.mentor, p.mentee) for p in request.current}
    flexible = current - set(ended) - kept_pins
    extra = served_first(request)
    waiting = {p.id: p.waiting_rounds + extra.get(p.id, 0) for p in next_request.mentees}
    volunteer = {p.id: p.volunteer for p in next_request.mentees}
    penalty = request.pool.program.rematch.change_penalty
    # optimal for the re-match's objective: a running pair kept earns the change penalty
    bonus = dict.fromkeys(flexible, penalty)
    assert validate(next_request, answer.result, bonus=bonus, extra_waiting=extra) == []

    def key(chosen: list[tuple[str, str, float]]) -> tuple[int, int, int]:
        return (
            sum(volunteer[e] for _, e, _ in chosen),
            len(chosen),
            sum(waiting[e] for _, e, _ in chosen),
        )

    def broken(chosen: list[tuple[str, str, float]]) -> int:
        return len(flexible - {(m, e) for m, e, _ in chosen})

    mine = [(p.mentor, p.mentee, p.score) for p in answer.result.pairings]
    score = sum(s for _, _, s in mine)
    every = assignments(next_request)
    best = max(key(chosen) for chosen in every)
    assert key(mine) == best
    rivals = [chosen for chosen in every if key(chosen) == best]
    for chosen in rivals:
        total = sum(s for _, _, s in chosen)
        assert total - penalty * broken(chosen) <= score - penalty * broken(mine) + 1e-5
        if total >= score - 1e-5:  # reported scores have 6 decimals
            assert broken(chosen) >= broken(mine)  # as good, and moving no fewer
    assert len(answer.moved) == broken(mine)


def test_a_well_rated_pair_a_rule_now_forbids_is_not_kept_and_nothing_breaks() -> None:
    pool = scored({("m1", "e1"): 0.9})
    pool["mentors"][0]["languages"] = ["fr"]  # m1 and e1 no longer share a language
    pool["mentees"][0]["languages"] = ["en"]
    answer = run(pool, feedback=[{"mentor": "m1", "mentee": "e1", "rating": 5}])
    assert answer.result.status == "optimal"
    assert ("m1", "e1") not in pairs(answer)
    assert ("m1", "e1") not in {(n.mentor, n.mentee) for n in answer.kept}

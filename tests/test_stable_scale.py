"""`stable` by deferred acceptance from both sides and an exact model between them
(`engines/stable/`), checked against what does not share its code:

- a textbook Gale-Shapley written here, from the request's own orders, from each side;
- every answer lies between those two ends, in every mentee's order;
- blocking pairs counted by the validator (0), and the brute-force optimum on tiny pools
  with random full preference lists (several stable matchings, so the exact model works);
- the former model (stability rows on every arc, CP-SAT) on medium pools.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from solver import MatchRequest, MatchResponse, match, validate
from solver.encode.instance import instance
from solver.encode.problem import encode
from solver.engines.cpsat import solve_cpsat
from solver.optimum import assignments, holds_program_rules, key_function
from solver.rules.by_pair import eligible_scores

SCALE = 10**9


def preference_pool(
    seed: int, n: int, m: int, ties: bool = False, stated: bool = True, **program: Any
) -> MatchRequest:
    """Random full preference lists on both sides, random caller scores (rounded to one
    decimal with `ties`) and as many places as mentees: orders far from the scores' in a
    balanced market, so stable matchings are many."""
    rng = np.random.default_rng(seed)
    mentor_ids, mentee_ids = [f"m{j}" for j in range(m)], [f"e{i}" for i in range(n)]
    mentors = [
        {"id": pid, "capacity": n // m + (j < n % m), "preferences": _some(rng, mentee_ids, stated)}
        for j, pid in enumerate(mentor_ids)
    ]
    mentees = [
        {
            "id": pid,
            "volunteer": bool(rng.random() < 0.8),
            "preferences": _some(rng, mentor_ids, stated),
        }
        for pid in mentee_ids
    ]
    digits = 1 if ties else 4
    scores = [
        {"mentor": a, "mentee": b, "score": round(float(rng.uniform(0.05, 1)), digits)}
        for a in mentor_ids
        for b in mentee_ids
        if rng.random() < 0.95
    ]
    body = {"mentors": mentors, "mentees": mentees}
    return MatchRequest.model_validate(
        {**body, "program": {"stable": True, "scores": scores, "time_limit_s": 30, **program}}
    )


def _some(rng: np.random.Generator, ids: list[str], stated: bool = True) -> list[str]:
    if not stated:
        return []
    keep = len(ids) if rng.random() < 0.8 else int(rng.integers(0, len(ids) + 1))
    return [str(x) for x in rng.permutation(ids)[: min(keep, 200)]]


def orders(request: MatchRequest) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each side's strict order over the pairs it may make: stated preferences first, then
    the higher score, then the other's position in the request."""
    scores = eligible_scores(request)
    mentors, mentees = request.mentors, request.mentees
    place = {p.id: k for k, p in enumerate([*mentors, *mentees])}

    def order(person: Any, others: list[str], score_of: Any) -> list[str]:
        stated = {o: r for r, o in enumerate(person.preferences)}
        ok = [o for o in others if score_of(o) is not None]
        return sorted(ok, key=lambda o: (stated.get(o, 255), -round(score_of(o) * SCALE), place[o]))

    mentor_ids, mentee_ids = [p.id for p in mentors], [p.id for p in mentees]
    by_mentee = {e.id: order(e, mentor_ids, lambda o, e=e: scores.get((o, e.id))) for e in mentees}
    by_mentor = {m.id: order(m, mentee_ids, lambda o, m=m: scores.get((m.id, o))) for m in mentors}
    return by_mentee, by_mentor


def gale_shapley(request: MatchRequest, mentees_propose: bool) -> dict[str, str]:
    """Textbook deferred acceptance, one proposal at a time: mentee id → mentor id."""
    by_mentee, by_mentor = orders(request)
    room = {m.id: m.capacity if m.capacity is not None else 3 for m in request.mentors}
    rank_of_mentee = {m: {e: r for r, e in enumerate(o)} for m, o in by_mentor.items()}
    rank_of_mentor = {e: {m: r for r, m in enumerate(o)} for e, o in by_mentee.items()}
    held: dict[str, list[str]] = {m: [] for m in by_mentor}  # mentor → mentees
    partner: dict[str, str] = {}  # mentee → mentor
    if mentees_propose:
        free, nxt = list(by_mentee), dict.fromkeys(by_mentee, 0)
        while free:
            e = free.pop()
            if nxt[e] >= len(by_mentee[e]):
                continue
            m = by_mentee[e][nxt[e]]
            nxt[e] += 1
            if e not in rank_of_mentee[m]:
                free.append(e)
                continue
            held[m] = sorted([*held[m], e], key=rank_of_mentee[m].__getitem__)
            if len(held[m]) > room[m]:
                free.append(held[m].pop())
        return {e: m for m, es in held.items() for e in es}
    wanting, nxt = [m for m in by_mentor for _ in range(room[m])], dict.fromkeys(by_mentor, 0)
    while wanting:
        m = wanting.pop()
        if nxt[m] >= len(by_mentor[m]):
            continue
        e = by_mentor[m][nxt[m]]
        nxt[m] += 1
        if m not in rank_of_mentor[e]:
            wanting.append(m)
        elif e not in partner or rank_of_mentor[e][m] < rank_of_mentor[e][partner[e]]:
            if e in partner:
                wanting.append(partner[e])
            partner[e] = m
        else:
            wanting.append(m)
    return partner


def made(response: MatchResponse) -> dict[str, str]:
    return {p.mentee: p.mentor for p in response.pairings}


def assert_between_the_ends(request: MatchRequest, response: MatchResponse) -> None:
    best, worst = gale_shapley(request, True), gale_shapley(request, False)
    by_mentee, _ = orders(request)
    got = made(response)
    assert set(got) == set(best) == set(worst)  # the same mentees matched in every one
    for e, m in got.items():
        rank = by_mentee[e].index
        assert rank(best[e]) <= rank(m) <= rank(worst[e]), e


def best_key(request: MatchRequest) -> tuple[int, ...]:
    every = assignments(request, eligible_scores(request))
    key, holds = key_function(request, [], {}), holds_program_rules(request)
    return max(key(pairs) for pairs in every if holds(pairs))


def key_of(request: MatchRequest, response: MatchResponse) -> tuple[int, ...]:
    scores = eligible_scores(request)
    key = key_function(request, [], {})
    return key([(p.mentor, p.mentee, scores[(p.mentor, p.mentee)]) for p in response.pairings])


@pytest.mark.parametrize("seed", range(40))
def test_the_best_stable_matching_is_the_brute_force_optimum(seed: int) -> None:
    request = preference_pool(seed, 6, 3, ties=seed % 2 == 1)
    response = match(request)
    assert response.status == "optimal"
    assert validate(request, response) == []
    assert response.metrics.blocking_pairs == 0
    found, best = key_of(request, response), best_key(request)
    assert found[:-1] == best[:-1] and abs(found[-1] - best[-1]) <= 64


@pytest.mark.parametrize("seed", range(12))
def test_every_answer_lies_between_both_sides_deferred_acceptance(seed: int) -> None:
    request = preference_pool(100 + seed, 40, 15, ties=seed % 3 == 0)
    response = match(request)
    assert response.status == "optimal"
    assert validate(request, response) == []
    assert response.metrics.blocking_pairs == 0
    assert_between_the_ends(request, response)


def test_the_ends_agree_with_the_textbook_algorithm() -> None:
    """Where the stable matching is unique (orders from the scores alone), it is the answer."""
    plain = preference_pool(7, 50, 20, stated=False)
    response = match(plain)
    assert response.engine == "deferred_acceptance" and response.status == "optimal"
    assert made(response) == gale_shapley(plain, True) == gale_shapley(plain, False)


@pytest.mark.parametrize("seed", range(6))
def test_the_exact_model_between_the_ends_matches_the_model_on_every_arc(seed: int) -> None:
    """The former model (every arc, a stability row each) proves the same optimum."""
    request = preference_pool(200 + seed, 24, 9)
    response = match(request)
    inst = instance(encode(request))
    full = solve_cpsat(inst, time_limit_s=60, seed=0, num_workers=1)
    assert full.proven and response.status == "optimal"
    pairs = zip(inst.rows.tolist(), inst.cols.tolist(), strict=True)
    gain = dict(zip(pairs, inst.gain.tolist(), strict=True))
    expected = sum(gain[(i, int(j))] for i, j in enumerate(full.assignment) if j >= 0)
    assert response.objective == pytest.approx(expected / SCALE, abs=1e-6)

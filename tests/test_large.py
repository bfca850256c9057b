"""Large plain requests solved from the score matrix: the same optimum and the same counts
as the arc-based engines, on small pools sent down that path with tiny candidate sets and
blocks (so that rounds of added pairs and block edges are exercised)."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest

from bench.rematch import rematch_body
from generator.pools import generate_pool
from solver import MatchRequest, match, validate
from solver.contract.rematch import RematchRequest
from solver.dispatch import SolveOptions, Thresholds
from solver.encode.instance import instance, lexicographic_key, priority_class, with_bonus
from solver.encode.keys import best_of_rows
from solver.encode.problem import encode
from solver.encode.quantise import SCORE_SCALE
from solver.engines.flow import class_counts, solve_flow
from solver.rematch import rematch

candidates = importlib.import_module("solver.engines.large.candidates")
proof = importlib.import_module("solver.engines.large.proof")
near_module = importlib.import_module("solver.engines.large.near")
plain = importlib.import_module("solver.engines.large.plain")
pairs = importlib.import_module("solver.engines.large.pairs")
usable_module = importlib.import_module("solver.encode.usable")
blocking = importlib.import_module("solver.answer.stability")
match_module = importlib.import_module("solver.dispatch")


@pytest.fixture
def everything_large(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    solved: list[Any] = []
    original = plain.solve_large

    def spy(problem: Any, usable: Any, bonus: Any = None) -> Any:
        found = original(problem, usable, bonus)
        solved.append(found)
        return found

    monkeypatch.setattr(match_module, "THRESHOLDS", Thresholds(large_from=0))
    monkeypatch.setattr(match_module, "solve_large", spy)
    monkeypatch.setattr(candidates, "PER_MENTEE", 2)
    monkeypatch.setattr(candidates, "PER_MENTOR", 1)
    monkeypatch.setattr(proof, "ROUNDS", 40)
    monkeypatch.setattr(candidates, "BLOCK", 7)
    monkeypatch.setattr(proof, "PROOF_BLOCK", 5)
    return solved


def _arc_path(request: Any, answer: Any = match) -> Any:
    """`answer(request)` (a match, or a re-match) with the large path turned off."""
    return answer(request, SolveOptions(sizes=Thresholds(large_from=10**12)))


@pytest.mark.parametrize("narrow", [False, True])  # True: every round may leave arcs out
@pytest.mark.parametrize("near", [0, proof.NEAR])  # 0: rounds add only failing pairs
@pytest.mark.parametrize("seed", range(8))
def test_the_large_path_finds_the_optimum_of_every_pair(
    seed: int,
    near: int,
    narrow: bool,
    everything_large: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a stored matrix too, whatever a narrowed round leaves out (`near.Arcs`)."""
    monkeypatch.setattr(proof, "NEAR", near)
    if narrow:
        monkeypatch.setattr(near_module, "FEW", 0)  # every pass counts as one with few failures
        monkeypatch.setattr(near_module, "KEEP_BELOW", 1)  # nearly every arc left out
    kept = near_module.kept_arcs
    narrowed: list[int] = []

    def spy(*args: Any) -> Any:
        narrowed.append(1)
        return kept(*args)

    monkeypatch.setattr(near_module, "kept_arcs", spy)
    request = MatchRequest.model_validate(generate_pool(70, 22, seed))
    answer = match(request)
    assert everything_large and everything_large[-1] is not None, "no proof"
    assert answer.status == "optimal" and validate(request, answer) == []
    assert bool(narrowed) == narrow
    reference = _arc_path(request)
    assert answer.objective == pytest.approx(reference.objective, abs=1e-5)  # ties: 6 decimals
    assert len(answer.pairings) == len(reference.pairings)
    problem = encode(request)
    inst = instance(problem)
    _, solution = everything_large[-1]
    best = solve_flow(inst).assignment
    assert lexicographic_key(inst, solution.assignment) == lexicographic_key(inst, best)


@pytest.mark.parametrize("seed", range(6))
def test_blocking_pairs_from_the_matrix_equal_the_count_on_every_arc(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = generate_pool(90, 25, seed)
    for k, mentor in enumerate(body["mentors"]):  # mentors list mentees too
        mentor["preferences"] = [body["mentees"][(3 * k + d) % 90]["id"] for d in range(3)]
    body["program"] = {"pinned": [{"mentor": body["mentors"][0]["id"], "mentee": "x"}]}
    body["program"]["pinned"][0]["mentee"] = body["mentees"][5]["id"]
    body["mentees"][5]["avoid"] = []
    problem = encode(MatchRequest.model_validate(body))
    usable = usable_module.usable_pairs(problem)
    assignment = solve_flow(instance(problem)).assignment
    assignment[5] = 0
    expected = match_module.blocking_on_arcs(problem, instance(problem), assignment)
    for block in (1, 7, 1024):
        monkeypatch.setattr(blocking, "PLAIN_BLOCK", block)
        assert blocking.blocking_pairs(problem, usable, assignment) == expected
    rng = np.random.default_rng(seed)  # any assignment, not only optimal ones
    shuffled = assignment.copy()
    shuffled[rng.choice(90, 20, replace=False)] = -1
    expected = match_module.blocking_on_arcs(problem, instance(problem), shuffled)
    assert blocking.blocking_pairs(problem, usable, shuffled) == expected


def test_without_a_proof_the_arc_engines_answer(
    everything_large: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proof, "ROUNDS", 1)  # one round on 2 + 1 candidates: no proof yet
    request = MatchRequest.model_validate(generate_pool(70, 22, 3))
    answer = match(request)
    assert everything_large == [None]
    assert answer.status == "optimal" and validate(request, answer) == []
    assert answer.objective == pytest.approx(_arc_path(request).objective, abs=1e-5)


@pytest.mark.parametrize("size", [(40, 12), (400, 120)])
def test_the_engine_alone_finds_the_answers_pairs(size: tuple[int, int]) -> None:
    from solver.match import solve

    request = MatchRequest.model_validate(generate_pool(*size, 4))
    solved, answer = solve(request), match(request)
    assert solved.solution.proven and answer.status == "optimal"
    assert solved.pairs == len(answer.pairings)
    assert solved.total == pytest.approx(answer.objective, abs=1e-6 * solved.pairs)  # rounding


@pytest.mark.parametrize("seed", range(6))
def test_fair_on_the_large_path_is_the_fair_optimum(
    seed: int, everything_large: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    fair: list[Any] = []
    original = match_module.solve_fair
    monkeypatch.setattr(
        match_module, "solve_fair", lambda *a: fair.append(original(*a)) or fair[-1]
    )
    body = generate_pool(70, 22, seed)
    body["program"] = {"objective": "fair"}
    if seed % 2:  # a pin below the floor lowers it: pins cannot move
        body["program"]["pinned"] = [
            {"mentor": body["mentors"][1]["id"], "mentee": body["mentees"][2]["id"]}
        ]
        body["mentees"][2]["avoid"] = []
    request = MatchRequest.model_validate(body)
    answer = match(request)
    reference = _arc_path(request)
    assert answer.status == reference.status
    if reference.status != "optimal":
        return
    assert fair and fair[-1] is not None  # proven on the large path
    assert validate(request, answer) == []
    assert answer.metrics.min_score == reference.metrics.min_score
    assert len(answer.pairings) == len(reference.pairings)
    assert answer.objective == pytest.approx(reference.objective, abs=1e-6 * len(answer.pairings))


@pytest.mark.parametrize("name", ["Pairing", "Suggestion", "Reason", "PairNote", "Move"])
def test_trusted_models_are_what_validation_builds(name: str) -> None:
    """`trusted` skips validation: only for models it cannot get wrong, and equal to them."""
    import solver.contract.rematch as rematch_schema
    import solver.contract.response as schema

    model = getattr(schema, name, None) or getattr(rematch_schema, name)
    assert model.__pydantic_post_init__ is None and model.model_config.get("extra") != "allow"
    for field in model.model_fields.values():
        assert field.alias is None and field.validation_alias is None and field.is_required()
    if name in ("Pairing", "Suggestion", "Reason"):
        answer = match(MatchRequest.model_validate(generate_pool(12, 5, 2)))
        found = [answer.pairings[0], next(iter(answer.suggestions.values()))[0]]
        found += answer.pairings[0].reasons
    else:
        found = []
        for seed in range(6):  # a few pools: some re-match moves somebody
            again = rematch(_rematch_of(seed, 40, 12))
            found += [*again.kept, *again.ended, *again.new, *again.moved]
    built = next(item for item in found if type(item) is model)
    checked = model.model_validate(built.model_dump())
    assert built == checked
    assert built.model_dump_json() == checked.model_dump_json()


@pytest.mark.parametrize("seed", range(4))
def test_the_proof_reads_every_pair_below_the_margin(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(candidates, "PER_MENTEE", 2)
    monkeypatch.setattr(candidates, "PER_MENTOR", 1)
    monkeypatch.setattr(proof, "PROOF_BLOCK", 5)
    problem = encode(MatchRequest.model_validate(generate_pool(60, 20, seed)))
    usable = usable_module.usable_pairs(problem)
    inst = pairs.arcs_instance(problem, usable, candidates.candidates(problem, usable))
    classes = priority_class(inst)
    counts = class_counts(inst, classes)
    assignment, distance = proof._optimum(inst, classes, counts, None, SCORE_SCALE)
    assert distance is not None
    n, m = problem.score.shape
    reduced = -np.rint(problem.score * SCORE_SCALE) + distance[:n, None] - distance[None, n:-2]
    left_out = usable.mask.copy()
    made = np.nonzero(assignment >= 0)[0]
    left_out[made, assignment[made]] = False
    seen = []
    for near in (0, SCORE_SCALE // 100, SCORE_SCALE // 10):
        checked = proof.failing_pairs(problem, usable, distance, assignment, near=near)
        found, negative = checked.keys, checked.negative
        assert checked.complete and checked.failing == int(negative.sum())
        expected = np.nonzero((left_out & (reduced < near)).ravel())[0]
        assert found.tolist() == expected.tolist()
        assert negative.tolist() == (reduced.ravel()[found] < 0).tolist()
        seen.append(len(found))
    assert seen[0] > 0 and seen[0] < seen[-1], "the margins should make a difference here"


def _rematch_of(seed: int, n_mentees: int, n_mentors: int) -> RematchRequest:
    """A re-match request: a pool's first answer running, feedback on some of its pairs."""
    return RematchRequest.model_validate(rematch_body(n_mentees, n_mentors, seed))


@pytest.mark.parametrize("seed", range(6))
def test_a_re_match_bonus_on_the_large_path_is_the_optimum_with_the_bonus(
    seed: int, everything_large: list[Any]
) -> None:
    request = _rematch_of(seed, 70, 22)
    bonuses: list[dict[tuple[str, str], float]] = []
    original = importlib.import_module("solver.match").match

    def kept(pool: MatchRequest, options: Any = None, *, bonus: Any = None, **more: Any) -> Any:
        bonuses.append(bonus)
        return original(pool, options, bonus=bonus, **more)

    rematch_module = importlib.import_module("solver.rematch")
    saved, rematch_module.match = rematch_module.match, kept
    try:
        answer = rematch(request)
    finally:
        rematch_module.match = saved
    assert everything_large and everything_large[-1] is not None, "no proof"
    assert bonuses[-1], "the request should reward running pairs"
    assert answer.result.status == "optimal"
    pool = rematch_module._next_request(request, *rematch_module._verdicts(request))
    problem = encode(pool, rematch_module.served_first(request))
    inst = with_bonus(instance(problem), problem, bonuses[-1])
    _, solution = everything_large[-1]
    best = solve_flow(inst).assignment
    assert lexicographic_key(inst, solution.assignment) == lexicographic_key(inst, best)
    reference = _arc_path(request, rematch)
    assert answer.result.objective == pytest.approx(reference.result.objective, abs=1e-5)
    assert len(answer.moved) == len(reference.moved)


def test_a_bonus_only_on_pairs_the_engine_may_make() -> None:
    problem = encode(MatchRequest.model_validate(generate_pool(30, 10, 2)))
    usable = usable_module.usable_pairs(problem)
    j, i = np.nonzero(~usable.mask.T)  # a pair that may not be made, and one that may
    fine_i, fine_j = (int(x[0]) for x in np.nonzero(usable.mask))
    mentors, mentees = problem.pool.mentors, problem.pool.mentees
    bonus = {
        (mentors[int(j[0])].id, mentees[int(i[0])].id): 0.5,
        (mentors[fine_j].id, mentees[fine_i].id): 0.25,
        ("nobody", mentees[0].id): 0.1,
    }
    found = pairs.bonus_of(problem, usable, bonus)
    assert found.keys.tolist() == [fine_i * 10 + fine_j]
    assert found.gain.tolist() == [SCORE_SCALE // 4]
    assert found.of(np.array([fine_i * 10 + fine_j, 0 if fine_i or fine_j else 1])).tolist() == [
        SCORE_SCALE // 4,
        0,
    ]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(4))
def test_each_rows_best_cells_are_the_rows_best(seed: int, dtype: type) -> None:
    """`best_of_rows` (a bar from group maxima, no partition of whole rows) gives each row
    exactly its k highest finite cells, best first, the earlier column among equals, at
    every shape: ties, rows with fewer finite cells than k, k above the width, -inf cells
    that are never candidates, and blocks that ties fill (a partition of each row)."""
    rng = np.random.default_rng(seed)
    for _ in range(60):
        b, m, k = int(rng.integers(1, 50)), int(rng.integers(1, 500)), int(rng.integers(1, 120))
        block = np.round(rng.random((b, m)), int(rng.integers(1, 4))).astype(dtype)
        block[rng.random((b, m)) < rng.random()] = -np.inf
        if rng.random() < 0.2:
            block[np.isfinite(block)] = 0.5  # ties fill the block
        rows, columns = best_of_rows(block, k)
        assert np.all(np.diff(rows) >= 0)
        for i in range(b):
            finite = np.nonzero(np.isfinite(block[i]))[0]
            wanted = finite[np.lexsort((finite, -block[i, finite]))][:k]
            assert columns[rows == i].tolist() == wanted.tolist()
    tied = np.full((6, 300), 0.5, dtype=dtype)  # 300 cells a row at the bar: partitioned
    tied[2, :] = -np.inf
    rows, columns = best_of_rows(tied, 4)
    assert rows.tolist() == [0] * 4 + [1] * 4 + [3] * 4 + [4] * 4 + [5] * 4
    assert columns.tolist() == [0, 1, 2, 3] * 5

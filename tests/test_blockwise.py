"""Large pools read by blocks (issue 17.5): scores recomputed from the factor tables equal the
stored matrix bit for bit, the blockwise path reaches the whole-matrix path's answer, and it
never allocates the whole matrix."""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest

from api.settings import Settings
from generator.pools import generate_pool
from solver import (
    Budget,
    MatchRequest,
    OverBudget,
    dispatch,
    match,
    match_as_asked,
    validate,
    within_budget,
)
from solver.budget import estimate
from solver.contract.response import PairsResponse
from solver.dispatch import SolveOptions, Thresholds
from solver.encode.blocks import BlockScores, PackedMask
from solver.encode.pool import Pool
from solver.encode.problem import encode
from solver.encode.scores import score_matrix, score_tables
from solver.engines.large import candidates, near, proof
from solver.rules.criteria import criteria_for

BLOCKS = SolveOptions(sizes=Thresholds(blocks_from=1))  # every request read by blocks


def _tables(body: dict[str, Any]) -> tuple[Any, np.ndarray]:
    request = MatchRequest.model_validate(body)
    weights = {k: w for k, w in request.program.effective_weights().items() if w > 0}
    pool = Pool(request.mentors, request.mentees)
    return score_tables(pool, weights, request.program.format), score_matrix(
        pool, weights, request.program.format
    )


@pytest.mark.parametrize("program_format", ["one_to_one", "reverse"])
@pytest.mark.parametrize("seed", [1, 7])
def test_blocks_of_every_size_recompute_the_stored_scores_bit_for_bit(
    seed: int, program_format: str
) -> None:
    body = generate_pool(700, 230, seed, program={"format": program_format})
    tables, stored = _tables(body)
    n, m = stored.shape
    for size in (1, 64, 100, 333, 1024):  # 700 rows: every size but 1 ends on a ragged block
        blocks = [tables.rows(first, min(first + size, n)) for first in range(0, n, size)]
        assert np.array_equal(np.concatenate(blocks), stored)  # exact, not close
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(0, n, 5_000), rng.integers(0, m, 5_000)
    assert np.array_equal(tables.cells(rows, cols), stored[rows, cols])
    some_rows, some_cols = np.sort(rng.choice(n, 90, replace=False)), rng.choice(m, 40)
    assert np.array_equal(tables.sub(some_rows, some_cols), stored[np.ix_(some_rows, some_cols)])
    every_row, few_cols = np.arange(n), np.sort(rng.choice(m, 30, replace=False))  # distinct
    assert np.array_equal(tables.sub(every_row, few_cols), stored[:, few_cols])
    wished = np.nonzero(tables.wish_values)[0][:200]  # the ranked wishes' pairs, exactly
    keys = tables.wish_keys[wished]
    assert np.array_equal(tables.cells(keys // m, keys % m), stored[keys // m, keys % m])


def test_the_grid_keeps_scores_within_a_hair_of_each_criterions_own_matrix() -> None:
    """The grid is as fine as a float64 rounding: the weighted mean of the criteria's own
    matrices (no factors, no grid) agrees to far below a gain's 1e-9."""
    body = generate_pool(300, 100, 3)
    tables, stored = _tables(body)
    assert tables.left.shape[1] > 0
    bits = tables.grid_bits
    assert bits >= 48
    assert np.all(np.ldexp(tables.left, bits) == np.rint(np.ldexp(tables.left, bits)))
    request = MatchRequest.model_validate(body)
    weights = {k: w for k, w in request.program.effective_weights().items() if w > 0}
    criteria = criteria_for("one_to_one")
    plain = sum(w * criteria[name].matrix(tables.pool) for name, w in weights.items())
    plain = np.clip(plain / sum(weights.values()), 0.0, 1.0)
    assert np.abs(stored - plain).max() < 1e-13


def _same_compact(body: dict[str, Any]) -> tuple[PairsResponse, PairsResponse]:
    request = MatchRequest.model_validate(body)
    whole = match_as_asked(request)
    blocks = match_as_asked(request, BLOCKS)
    assert isinstance(whole, PairsResponse) and isinstance(blocks, PairsResponse)
    return whole, blocks


@pytest.mark.parametrize(("mentees", "mentors", "seed"), [(900, 300, 1), (1_500, 500, 5)])
def test_the_blockwise_path_gives_the_whole_matrix_paths_answer(
    mentees: int, mentors: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With candidates chosen from the exact scores, the blockwise path's answer is the
    whole-matrix path's, pair for pair (its proof and its blocking pairs read through the
    float32 screen change nothing)."""
    monkeypatch.setattr(candidates, "screen_of", lambda score: None)
    body = generate_pool(mentees, mentors, seed, program={"answer": "pairs"})
    whole, blocks = _same_compact(body)
    assert blocks.status == whole.status == "optimal"
    assert blocks.engine == whole.engine == "flow"
    assert blocks.objective == whole.objective and blocks.bound == whole.bound
    assert blocks.pairings == whole.pairings
    assert blocks.unmatched == whole.unmatched
    assert blocks.metrics == whole.metrics  # blocking pairs too, counted by blocks
    request = MatchRequest.model_validate({**body, "program": {}})
    full = match(request)  # the full answer of the same pool, checked by the oracle
    assert not validate(request, full)
    assert [(p.mentor, p.mentee, p.score) for p in full.pairings] == [
        (p.mentor, p.mentee, p.score) for p in blocks.pairings
    ]


@pytest.mark.parametrize(("mentees", "mentors", "seed"), [(900, 300, 1), (1_500, 500, 5)])
def test_candidates_from_the_float32_product_reach_the_same_optimum(
    mentees: int, mentors: int, seed: int
) -> None:
    """Candidates chosen from the float32 product (the blockwise default) may pick another
    of several tied optima, never a worse one: the same proven objective and bound, the
    same people matched in each priority class, and every pair eligible, within its
    mentors' places and scored as the stored matrix scores it."""
    body = generate_pool(mentees, mentors, seed, program={"answer": "pairs"})
    whole, blocks = _same_compact(body)
    assert blocks.status == whole.status == "optimal" and blocks.gap == 0
    assert blocks.objective == whole.objective and blocks.bound == whole.bound
    assert len(blocks.pairings) == len(whole.pairings)
    assert blocks.metrics.matched_volunteers == whole.metrics.matched_volunteers
    _assert_pairs_keep_the_rules(MatchRequest.model_validate(body), blocks)


def _assert_pairs_keep_the_rules(request: MatchRequest, compact: PairsResponse) -> None:
    """Every pair eligible, each mentee once, within its mentor's places, scored as the
    stored matrix scores it, and everyone either paired or unmatched."""
    stored = encode(request)
    mentor_at = {p.id: j for j, p in enumerate(request.mentors)}
    mentee_at = {p.id: i for i, p in enumerate(request.mentees)}
    rows = np.array([mentee_at[p.mentee] for p in compact.pairings])
    cols = np.array([mentor_at[p.mentor] for p in compact.pairings])
    assert len(set(rows.tolist())) == len(rows) and stored.eligible[rows, cols].all()
    assert (np.bincount(cols, minlength=len(request.mentors)) <= stored.capacity).all()
    shown = [round(float(v), 6) for v in stored.score[rows, cols]]
    assert shown == [p.score for p in compact.pairings]
    unmatched = {u.id for u in compact.unmatched}
    assert set(mentee_at) == {p.mentee for p in compact.pairings} | (unmatched & set(mentee_at))


def test_the_blockwise_problem_holds_no_matrix_and_refuses_a_whole_read() -> None:
    body = generate_pool(400, 150, 2, program={"answer": "pairs"})
    request = MatchRequest.model_validate(body)
    problem = encode(request, by_blocks=True)
    assert problem.blockwise
    assert isinstance(problem.score, BlockScores) and isinstance(problem.eligible, PackedMask)
    assert problem.eligible.bits.nbytes == 400 * ((150 + 7) // 8)  # one bit a pair
    stored = encode(request)
    assert np.array_equal(problem.eligible[0:400], stored.eligible)
    assert np.array_equal(problem.score[0:400], stored.score)
    with pytest.raises(TypeError):
        problem.score[:, 3]  # a column of every mentee is the whole matrix read
    with pytest.raises(TypeError):
        problem.eligible[:, 3]


def _peak_bytes(request: MatchRequest, options: SolveOptions | None) -> int:
    tracemalloc.start()  # numpy reports its arrays' buffers to tracemalloc
    try:
        match_as_asked(request, options)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_blockwise_path_never_allocates_the_whole_matrix() -> None:
    """The traced peak of a solve by blocks stays below the whole-matrix path's by more
    than the score matrix alone (float64, 8 bytes a pair): the blocks, the factor tables
    and the answer are what it holds."""
    mentees, mentors = 8_000, 400  # 20 blocks of mentees, each a small part of the pool
    body = generate_pool(mentees, mentors, 4, program={"answer": "pairs"})
    request = MatchRequest.model_validate(body)
    matrix = 8 * mentees * mentors  # 25.6 MB
    whole, blocks = _peak_bytes(request, None), _peak_bytes(request, BLOCKS)
    assert whole > matrix  # the whole-matrix path does hold it
    assert blocks + matrix < whole


def _replicated(mentees: int, mentors: int, program: dict[str, Any]) -> MatchRequest:
    """A request of that size, its people copies of a small pool's (the estimate reads
    sizes, lists and fields, never ids)."""
    small = MatchRequest.model_validate(generate_pool(300, 100, 1, program=program))
    return MatchRequest.model_construct(
        mentors=[small.mentors[j % 100] for j in range(mentors)],
        mentees=[small.mentees[i % 300] for i in range(mentees)],
        program=small.program,
    )


def test_a_multinationals_pool_passes_the_limits_and_is_budgeted_by_blocks() -> None:
    """134,000 participants pass the default limits; their compact plain answer is
    estimated on the blockwise path (no matrix: under 8 GiB), the full answer on the stored
    matrix (tens of GB), and the default memory budget refuses both, naming itself."""
    settings = Settings()
    assert settings.max_participants >= 134_000
    assert settings.max_candidate_pairs >= 100_000 * 34_000
    compact = estimate(_replicated(100_000, 34_000, {"answer": "pairs"}))
    assert compact.path == "blocks"
    assert 2_000 < compact.memory_mb < 8_192
    full = estimate(_replicated(100_000, 34_000, {}))
    assert full.path == "matrix" and full.memory_mb > 27 * 1024  # the 27 GB matrix and more
    with pytest.raises(OverBudget) as refused:
        within_budget(_replicated(100_000, 34_000, {"answer": "pairs"}), Budget())
    assert "memory budget" in str(refused.value) and "1,536 MB" in str(refused.value)
    assert (
        within_budget(
            _replicated(100_000, 34_000, {"answer": "pairs"}), Budget(memory_mb=8_192)
        ).path
        == "blocks"
    )


def test_the_packed_rules_exclude_exactly_the_pairs_the_masks_exclude() -> None:
    """The packed path clears the listed rules' pairs from their lists and reads a shared
    language from each set's packed row: the same pairs as every rule's own mask, on a pool
    with avoid lists on both sides, forbidden pairs, a person on both sides and reporting
    lines, with a mentor count that leaves spare bits in each row's last byte."""
    body = generate_pool(500, 173, 9, program={"answer": "pairs"})
    body["mentors"][0]["id"] = body["mentees"][0]["id"]  # one person on both sides
    for k in range(0, 60, 3):
        body["mentors"][k]["avoid"] = [body["mentees"][k + 1]["id"], body["mentees"][k + 2]["id"]]
    body["program"]["forbidden"] = [
        {"mentor": body["mentors"][k]["id"], "mentee": body["mentees"][2 * k]["id"]}
        for k in range(1, 40)
    ]
    request = MatchRequest.model_validate(body)
    assert any(p.avoid for p in request.mentees) and request.program.rules.shared_language
    problem, stored = encode(request, by_blocks=True), encode(request)
    assert isinstance(problem.eligible, PackedMask)
    assert np.array_equal(problem.eligible[0:500], stored.eligible)
    assert problem.eligible.count() == int(stored.eligible.sum())  # no spare bit set
    for name in ("avoid", "forbidden", "not_self", "shared_language", "no_reporting_line"):
        assert stored.excluded[name].any(), name  # each rule did exclude pairs


@pytest.mark.parametrize("keep_below", [1, 10**7])  # one gain unit: nearly every arc dropped
def test_rounds_after_few_failures_keep_few_arcs_and_still_prove_the_optimum(
    keep_below: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a pass with few failing pairs the next round's flow keeps only the pairs made
    and the arcs near the potentials' bar; whatever it leaves out, the next pass reads
    every pair, so the answer is still the proven optimum (rounds may follow)."""
    monkeypatch.setattr(near, "FEW", 0)  # every pass counts as one with few failures
    monkeypatch.setattr(candidates, "PER_MENTEE", 2)  # few candidates: pairs fail, rounds run
    monkeypatch.setattr(candidates, "PER_MENTOR", 1)
    monkeypatch.setattr(near, "KEEP_BELOW", keep_below)
    kept: list[tuple[int, int]] = []
    real = near.kept_arcs

    def spy(inst: Any, *args: Any) -> np.ndarray:
        found = real(inst, *args)
        kept.append((len(inst.rows), len(found)))
        return found

    monkeypatch.setattr(near, "kept_arcs", spy)
    body = generate_pool(1_500, 500, 5, program={"answer": "pairs"})
    whole, blocks = _same_compact(body)
    assert kept and all(after < before for before, after in kept)  # arcs were dropped
    assert blocks.status == whole.status == "optimal" and blocks.gap == 0
    assert blocks.objective == whole.objective and blocks.bound == whole.bound
    assert len(blocks.pairings) == len(whole.pairings)


def test_a_proof_out_of_rounds_answers_the_last_round_unproven_and_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A blockwise proof that runs out of rounds still answers: its last round's pairing,
    `feasible`, every rule kept, with a bound over every pair that the proven optimum
    (the same request with the rounds it needs) lies within."""
    monkeypatch.setattr(proof, "ROUNDS", 1)
    monkeypatch.setattr(candidates, "PER_MENTEE", 1)  # few candidates: the first pass fails
    monkeypatch.setattr(candidates, "PER_MENTOR", 1)
    request = MatchRequest.model_validate(generate_pool(900, 300, 1, program={"answer": "pairs"}))
    cut = match_as_asked(request, BLOCKS)
    assert isinstance(cut, PairsResponse) and cut.status == "feasible"
    assert cut.engine == "flow" and cut.bound is not None
    _assert_pairs_keep_the_rules(request, cut)
    monkeypatch.setattr(proof, "ROUNDS", 6)
    proven = match_as_asked(request, BLOCKS)
    assert isinstance(proven, PairsResponse) and proven.status == "optimal"
    assert cut.objective < proven.objective <= cut.bound


def test_a_blockwise_pool_without_a_proof_falls_back_to_the_candidates_engines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the large path gives nothing, the request runs on candidate pairs read by
    blocks (the whole matrix is never asked for), `feasible` and bounded, every rule kept."""
    monkeypatch.setattr(dispatch, "solve_large", lambda *args: None)
    request = MatchRequest.model_validate(generate_pool(900, 300, 1, program={"answer": "pairs"}))
    sizes = Thresholds(blocks_from=1, flow_candidates_from=1)
    answer = match_as_asked(request, SolveOptions(sizes=sizes))
    assert isinstance(answer, PairsResponse) and answer.status == "feasible"
    assert answer.bound is not None and answer.bound >= answer.objective
    _assert_pairs_keep_the_rules(request, answer)

"""The float32 screen of large pools (`solver/encode/screen.py`): it never rules out a cell
above its threshold, it does rule out nearly all the others, and a proof pass through it
lists exactly what the dense pass lists."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from generator.pools import generate_pool
from solver import MatchRequest
from solver.answer import stability
from solver.encode.blocks import BlockScores
from solver.encode.problem import Problem, encode
from solver.encode.quantise import SCORE_SCALE
from solver.encode.screen import Screen, screen_of
from solver.encode.usable import Usable, usable_pairs
from solver.engines.large import proof
from solver.engines.large.candidates import candidates
from solver.engines.large.pairs import arcs_instance
from solver.engines.large.proof import NEAR, _counted_optimum, failing_pairs


def _problem(mentees: int, mentors: int, seed: int) -> tuple[Problem, Problem]:
    body = generate_pool(mentees, mentors, seed, program={"answer": "pairs"})
    request = MatchRequest.model_validate(body)
    return encode(request, by_blocks=True), encode(request)


@pytest.mark.parametrize("seed", [1, 7])
@pytest.mark.parametrize("offset", [0.0, -240_024.6])  # potentials carry the classes' offsets
def test_the_screen_keeps_every_cell_above_its_threshold_and_few_others(
    seed: int, offset: float
) -> None:
    blocks, stored = _problem(700, 230, seed)
    screen = screen_of(blocks.score)
    assert isinstance(screen, Screen)
    score = stored.score
    n, m = score.shape
    rng = np.random.default_rng(seed)
    cols = np.sort(rng.choice(m, 200, replace=False))
    column = offset + rng.normal(0, 0.05, len(cols))
    column[:3] += 60_000  # a few mentors far from the others (another class)
    columns = screen.columns(cols, column)
    rows = np.arange(100, 356)
    total = score[np.ix_(rows, cols)] + column[None, :]
    row = np.quantile(total, 0.99, axis=1)  # about 1 % of each row's cells are above it
    row[:20] = total[:20].max(axis=1)  # some thresholds met exactly by a cell (a tie)
    found = screen.above(rows, columns, row, None)
    assert found is not None
    read, r, c = found
    assert np.array_equal(read, cols)
    kept = set(zip(r.tolist(), c.tolist(), strict=True))
    above = np.argwhere(total > row[:, None])
    assert len(above) > 0
    assert {(int(i), int(j)) for i, j in above} <= kept  # none above is ruled out
    wishes = _wished(screen, rows, cols)
    assert wishes <= kept
    ties = np.argwhere(total >= row[:, None])
    assert len(kept) <= len(ties) + len(wishes) + 3 * len(rows)  # the far mentors' cells
    assert len(kept) < total.size // 20  # and it rules out nearly everything else


def _wished(screen: Screen, rows: np.ndarray, cols: np.ndarray) -> set[tuple[int, int]]:
    m = screen.tables.shape[1]
    keys = screen.tables.wish_keys
    row_of, col_of = (
        {int(v): k for k, v in enumerate(rows)},
        {int(v): k for k, v in enumerate(cols)},
    )
    return {
        (row_of[int(key // m)], col_of[int(key % m)])
        for key in keys
        if int(key // m) in row_of and int(key % m) in col_of
    }


def test_a_block_where_too_many_cells_pass_is_left_to_the_exact_read() -> None:
    blocks, _ = _problem(300, 100, 3)
    screen = screen_of(blocks.score)
    assert screen is not None
    cols = np.arange(100)
    columns = screen.columns(cols, np.zeros(100))
    assert screen.above(np.arange(64), columns, np.full(64, -1.0), None) is None  # all pass
    assert screen.above(np.arange(64), columns, np.full(64, 2.0), None) is not None


def test_scores_stored_whole_do_not_screen() -> None:
    _, stored = _problem(200, 60, 2)
    assert screen_of(stored.score) is None


def _round(problem: Problem, usable: Usable) -> tuple[Any, np.ndarray, np.ndarray]:
    keys = candidates(problem, usable)
    inst = arcs_instance(problem, usable, keys, None, None, None)
    _, assignment, found = _counted_optimum(inst, None, None, SCORE_SCALE)
    assert found is not None
    return inst, assignment, found


REAL_ABOVE = Screen.above


def _watch_screen(monkeypatch: pytest.MonkeyPatch, screened: list[bool]) -> list[bool]:
    """`Screen.above` made to note, for each block it reads, whether it screened it."""

    def above(self: Screen, *args: Any) -> Any:
        kept = REAL_ABOVE(self, *args)
        screened.append(kept is not None)
        return kept

    monkeypatch.setattr(Screen, "above", above)
    return screened


@pytest.mark.parametrize(("mentees", "mentors", "seed"), [(1_200, 400, 1), (900, 300, 6)])
def test_a_proof_pass_through_the_screen_lists_what_the_dense_pass_lists(
    mentees: int, mentors: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem, _ = _problem(mentees, mentors, seed)
    usable = usable_pairs(problem)
    inst, assignment, found = _round(problem, usable)
    arcs = inst.rows * mentors + inst.cols
    screened = _watch_screen(monkeypatch, [])
    rng = np.random.default_rng(seed)
    shift = np.zeros_like(found, dtype=np.float64)
    shift[mentees:] = rng.integers(0, 3, len(shift) - mentees) * 1e6  # some mentors moved
    for near, moved in ((NEAR, None), (0, None), (0, shift)):
        with_screen = failing_pairs(
            problem, usable, found, assignment, moved, None, near, arcs, True
        )
        assert screened and all(screened)  # every block went through the screen
        screened.clear()
        monkeypatch.setattr(proof, "screened_pass", lambda *args: None)
        dense = failing_pairs(problem, usable, found, assignment, moved, None, near, arcs, True)
        monkeypatch.undo()
        _watch_screen(monkeypatch, screened)
        assert not screened
        assert np.array_equal(with_screen.keys, dense.keys)
        assert np.array_equal(with_screen.negative, dense.negative)
        assert (with_screen.failing, with_screen.complete) == (dense.failing, dense.complete)
        assert with_screen.worst == dense.worst
        if near:
            assert len(dense.keys) > dense.failing > 0  # the pass did find pairs to list


@pytest.mark.parametrize(("mentees", "mentors", "seed"), [(1_500, 500, 1), (900, 300, 4)])
def test_blocking_pairs_through_the_screen_are_the_dense_count(
    mentees: int, mentors: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem, stored = _problem(mentees, mentors, seed)
    usable = usable_pairs(problem)
    _, assignment, _ = _round(problem, usable)
    assignment = assignment.copy()
    assignment[::7] = -1  # mentees left unpaired and mentors with room block too
    screened = _watch_screen(monkeypatch, [])
    count = stability.blocking_pairs(problem, usable, assignment)
    assert screened.count(True) > len(screened) // 2  # crowded blocks are read densely
    monkeypatch.setattr(stability, "screened_count", lambda *args: None)
    assert count == stability.blocking_pairs(problem, usable, assignment) > 0
    assert count == stability.blocking_pairs(stored, usable_pairs(stored), assignment)


def test_the_float32_scores_for_choosing_candidates_are_within_the_bound() -> None:
    blocks, stored = _problem(700, 230, 5)
    screen = screen_of(blocks.score)
    assert screen is not None
    bound = 2 * (screen.width + 3) * 2.0**-24 * screen.row_sum.max()
    near = np.abs(screen.approximate(100, 400) - stored.score[100:400])
    assert near.max() <= bound and near.max() > 0  # float32, not the exact scores
    rows, cols = np.arange(0, 700, 3), np.sort(np.random.default_rng(5).choice(230, 50, False))
    some = screen.approximate_of(rows, cols)
    assert np.abs(some - stored.score[np.ix_(rows, cols)]).max() <= bound
    m = stored.score.shape[1]
    every = screen.approximate_of(np.arange(700), np.arange(m))
    assert np.abs(every - stored.score).max() <= bound  # the wishes are in:
    wished = screen.tables.wish_keys
    bare = np.clip(screen.left[:, : screen.width] @ screen.right.T, 0.0, 1.0)
    left_out = np.abs(bare.flat[wished] - stored.score.flat[wished])
    assert len(wished) and np.count_nonzero(left_out > bound) > len(wished) // 2  # without


def test_tables_outside_the_bounds_assumptions_do_not_screen() -> None:
    blocks, _ = _problem(200, 60, 2)
    assert isinstance(blocks.score, BlockScores)
    tables = blocks.score.tables
    assert screen_of(BlockScores(tables)) is not None
    negative = tables.left.copy()
    negative[3, 0] = -0.25
    halves = tables.right * 0.5
    for changed in (replace(tables, left=negative), replace(tables, right=halves)):
        assert screen_of(BlockScores(changed)) is None

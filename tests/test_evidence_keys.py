"""The explanations' keys found with numpy: groups of pairs exactly as a dictionary of the
keys would make them, and reasons equal to each pair's own whichever way the keys are
computed (integer codes, or the Python keys when a list is too long to code)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from solver import MatchRequest
from solver.answer import evidence_keys
from solver.answer.evidence_keys import groups, groups_of_keys
from solver.answer.explain import Explainer
from solver.encode.problem import encode
from tests.pools import random_pool


def by_dictionary(keys: list[object]) -> tuple[list[int], list[int]]:
    """The reference: first row of each key in order of appearance, and each row's group."""
    first: dict[object, int] = {}
    inverse = [first.setdefault(key, len(first)) for key in keys]
    rows = {key: row for row, key in reversed(list(enumerate(keys)))}
    return [rows[key] for key in first], inverse


@pytest.mark.parametrize("seed", range(6))
def test_groups_number_keys_in_order_of_first_appearance(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 400))
    columns = [
        rng.integers(-3, int(rng.integers(1, 12)), size) for _ in range(int(rng.integers(1, 4)))
    ]
    keys: list[object] = list(zip(*(c.tolist() for c in columns), strict=True))
    first, inverse = groups(columns)
    assert (first.tolist(), inverse.tolist()) == by_dictionary(keys)
    first, inverse = groups_of_keys(keys)
    assert (first.tolist(), inverse.tolist()) == by_dictionary(keys)


def test_no_rows_no_groups() -> None:
    first, inverse = groups([np.zeros(0, dtype=np.int64)])
    assert len(first) == 0 and len(inverse) == 0


@pytest.mark.parametrize("coded", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_reasons_by_coded_keys_are_each_pairs_own(
    seed: int, coded: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the integer codes, and with every list sent to the Python keys (a code that
    never fits), each pair's reasons equal those of its own evidence, in the same order."""
    if not coded:
        monkeypatch.setattr(evidence_keys, "INT64_ROOM", 1)
    body = random_pool(seed, n_mentees=30, n_mentors=10, scores=None)
    body["mentees"][0]["goals"] = ["ai", "Public-Speaking", "sql"]  # spellings of the same
    body["mentees"][1]["goals"] = ["Public Speaking", "AI", "SQL"]  # items, another order
    body["mentees"][2]["goals"] = ["AI", "Public Speaking", "SQL"]
    body["mentors"][0]["skills"] = ["sql", "ai", "public speaking"]
    problem = encode(MatchRequest.model_validate(body))
    n, m = problem.score.shape
    pairs = [(i, j) for i in range(n) for j in range(m)]
    shared = Explainer(problem, "fr")
    shared.prepare(pairs[::2])  # in two calls, the second reusing what the first found
    shared.prepare(pairs)
    alone = Explainer(problem, "fr")
    alone._items, alone._codes = {}, {}
    alone._criteria = {name: replace(c, key=None) for name, c in alone._criteria.items()}
    for i, j in pairs:
        assert shared.reasons(i, j) == alone.reasons(i, j), (i, j)
    spelt = [{r.criterion: r.detail for r in shared.reasons(i, 0)}["goals"] for i in range(3)]
    assert len(set(spelt)) == 3  # each mentee's own spelling and order of the shared goals

"""The full answer's head start: the suggestions' ranking and reasons done in a thread of
their own while the engine runs give the very answer done after it, and what fails there
fails the solve."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace

import numpy as np
import pytest

from generator.pools import generate_pool
from solver import MatchRequest, match
from solver.answer import explain as explain_module
from solver.answer import respond as respond_module
from solver.answer.explain import Explainer
from solver.dispatch import SolveOptions
from solver.encode.problem import Problem


def answered(body: dict[str, object], language: str) -> str:
    said = match(MatchRequest.model_validate(body), SolveOptions(language=language))
    plain = json.loads(said.model_dump_json())
    plain.pop("solve_seconds")
    return json.dumps(plain, ensure_ascii=False)


@pytest.mark.parametrize(("seed", "language", "count"), [(1, "fr", 5), (2, "en", 3), (3, "en", 0)])
def test_a_head_start_gives_the_answer_done_after_the_engine(
    seed: int, language: str, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = generate_pool(240, 80, seed)
    body["program"] = {**body.get("program", {}), "suggestions": count}  # type: ignore[dict-item]
    ranked_on: list[str] = []  # the threads that ranked the suggestions' mentors
    top_mentors = explain_module.top_mentors

    def spied(problem: Problem, how_many: int) -> list[np.ndarray]:
        ranked_on.append(threading.current_thread().name)
        return top_mentors(problem, how_many)

    monkeypatch.setattr(explain_module, "top_mentors", spied)
    ahead = answered(body, language)
    assert ranked_on == (["binome-head-start"] if count else [])
    monkeypatch.setattr(respond_module, "BLOCK_THREADS", SimpleNamespace(size=1))
    ranked_on.clear()
    after = answered(body, language)
    assert ranked_on == ([threading.current_thread().name] if count else [])
    assert ahead == after


def test_what_fails_in_the_head_start_fails_the_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Explainer, how_many: int) -> None:
        raise RuntimeError("the head start broke")

    monkeypatch.setattr(Explainer, "rank", broken)
    with pytest.raises(RuntimeError, match="the head start broke"):
        match(MatchRequest.model_validate(generate_pool(30, 10, 1)))


def test_mentors_ranked_for_one_count_are_not_reused_for_another() -> None:
    from solver.answer.suggestions import ranked_mentors
    from solver.encode.problem import encode

    problem = encode(MatchRequest.model_validate(generate_pool(40, 12, 4)))
    n, m = problem.score.shape
    assignment = np.full(n, -1, dtype=np.int64)
    load = np.zeros(m, dtype=np.int64)
    ranked_before = Explainer(problem, "en")
    ranked_before.rank(2)
    fresh = Explainer(problem, "en")
    assert ranked_before.suggestions(assignment, load, 5) == fresh.suggestions(assignment, load, 5)
    wanted = [len(ranked_mentors(problem, i)[:5]) for i in range(n)]
    assert [len(s) for s in fresh.suggestions(assignment, load, 5).values()] == wanted
    assert max(wanted) > 2

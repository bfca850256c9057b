"""The benchmarks' own requests are valid and their tables say what they measured (no
timing here: speed is measured by `make bench`, never by unit tests)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench import huge
from bench.deferred import Orders, blocking_pairs, deferred_acceptance, orders
from bench.judge import Judge, compare
from bench.naive import solve_naive
from bench.rematch import rematch_body, summary, table
from bench.rules import HEADER, ROWS, assignment_of, body_for
from bench.rules import main as rules_main
from generator.pools import generate_pool
from solver import MatchRequest, match
from solver.contract.rematch import RematchRequest
from solver.encode.problem import encode
from solver.rematch import rematch


def test_the_re_match_benchmark_sends_a_valid_request_with_feedback_and_leavers() -> None:
    body = rematch_body(60, 20, 1)
    request = RematchRequest.model_validate(body)
    assert request.current and request.feedback and request.leaving == ["m0000"]
    answer = rematch(request)
    assert answer.result.status == "optimal"
    running = {(p.mentor, p.mentee) for p in request.current}
    assert {(p.mentor, p.mentee) for p in answer.kept} <= running
    assert answer.ended, "low ratings, end requests and the leaver end some pairs"
    row = {**summary(body, answer), "solver": 0.5, "http": 0.75}
    lines = table([row]).splitlines()
    assert len(lines) == 3 and lines[2].startswith("| 60 × 20 |")
    assert lines[2].endswith("| 0.500 s | 0.750 s |")


def test_the_limits_benchmark_covers_every_pair_and_says_where_the_time_went() -> None:
    import importlib

    from bench.limits import COMBINATIONS, every_rules, line, one, phases, program_of
    from generator import generate_pool

    front = importlib.import_module("solver.match")  # the module, not the function

    assert len(every_rules()) == 15 + len(COMBINATIONS)  # each pair of six rules, and more
    program = program_of("cross+max_same+fair")
    assert set(program["diversity"]) == {"cross", "max_same_per_mentor"}
    assert program["objective"] == "fair"
    encode = front.encode
    with phases() as spent:
        row = one(generate_pool(30, 10, 1), "cross+group", 2.0)
    assert front.encode is encode  # every function given back
    assert row["status"] in ("optimal", "feasible") and row["matched"] > 0
    assert spent["encode"] > 0 and spent["answer"] > 0
    cells = line({**row, "pool": "30 × 10", "phases": dict(spent)}, True).split(" | ")
    assert cells[0] == "| cross+group" and cells[2] == "2 s" and len(cells) == 10


def _orders(mentee_rank: list[int], mentor_rank: list[int]) -> Orders:
    """Two mentees, two mentors of one place each, every pair usable (arcs e0-m0, e0-m1,
    e1-m0, e1-m1)."""
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    return Orders(rows, cols, np.array(mentee_rank), np.array(mentor_rank), np.array([1, 1]))


def test_the_blocking_pair_count_finds_a_planted_blocking_pair() -> None:
    both_want_m0 = _orders([0, 1, 0, 1], [0, 0, 1, 1])  # every mentor ranks e0 first
    assert blocking_pairs(both_want_m0, np.array([0, 1])) == 0  # e1 envies m0, who has e0
    assert blocking_pairs(both_want_m0, np.array([1, 0])) == 1  # planted: e0 and m0
    assert blocking_pairs(both_want_m0, np.array([0, -1])) == 1  # e1 free, m1 has room
    assert blocking_pairs(both_want_m0, np.array([-1, -1])) == 4  # nobody paired: every pair


def test_the_blocking_pair_count_agrees_with_binome_s_and_with_deferred_acceptance() -> None:
    """Two counts written apart agree on the plain optimum (which has blocking pairs), the
    library's answer has none, and binome's stable optimum is worth at least as much."""
    body = body_for("stable", (60, 20), 1, 10)
    problem = encode(MatchRequest.model_validate(body))
    found = orders(problem)
    plain = {**body, "program": {}}
    answer = match(MatchRequest.model_validate(plain))
    counted = blocking_pairs(found, assignment_of(body, answer))
    assert counted == answer.metrics.blocking_pairs > 0
    library = deferred_acceptance(found, len(body["mentees"]))
    judge = Judge.of(problem)
    assert judge.worth(library).blocking == 0 and judge.worth(library).broken == []
    stable = judge.worth(assignment_of(body, match(MatchRequest.model_validate(body))))
    assert stable.blocking == 0 and stable.total >= judge.worth(library).total - 1e-9


@pytest.mark.parametrize("name", list(ROWS))
def test_the_naive_model_and_binome_reach_the_same_optimum(name: str) -> None:
    """On a pool small enough for both to prove it, the one-boolean CP-SAT model of each
    row's rules and binome are worth the same, and neither breaks a rule: the baseline and
    the judge read the rules as binome does."""
    body = body_for(name, (30, 10), 1, 20)
    request = MatchRequest.model_validate(body)
    problem = encode(request)
    answer, naive = match(request), solve_naive(problem, 20)
    assert (answer.status, naive.status) == ("optimal", "optimal")
    judge = Judge.of(problem)
    binome, baseline = judge.worth(assignment_of(body, answer)), judge.worth(naive.assignment)
    assert binome.broken == baseline.broken == []
    assert compare(binome, baseline).startswith("same ("), compare(binome, baseline)


def test_the_rules_table_has_a_row_per_rule_and_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        rules_main(
            ["--sizes", "60x20", "--rules", "stable,balance", "--repeats", "1", "--cap", "2"]
        )
        == 0
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("|")]
    assert len(lines) == 4 and lines[0] == HEADER
    assert lines[1] == "|---" * 13 + "|"
    cells = [line.removeprefix("| ").removesuffix(" |").split(" | ") for line in lines]
    assert len(cells[0]) == len(cells[2]) == len(cells[3]) == 13
    stable, balance = cells[2], cells[3]
    assert stable[:2] == ["`stable`", "60 × 20"] and balance[:2] == [ROWS["balance"][0], "60 × 20"]
    assert stable[2].startswith("optimal") and "blocking 0 vs 0" in stable[12]
    assert not stable[12].startswith("baseline ahead")
    assert stable[8].startswith("`matching`") and balance[8].startswith("CP-SAT")


def test_the_jobs_benchmark_submits_valid_what_if_requests_each_its_own_pool() -> None:
    from bench.jobs import batch
    from solver import ScenarioRequest

    requests = [ScenarioRequest.model_validate(body) for body in batch(3, 30, 10, 2)]
    assert [[v.name for v in r.variants] for r in requests] == [["capacity 2", "capacity 3"]] * 3
    assert len({r.base.mentees[0].model_dump_json() for r in requests}) == 3  # seeds differ


def test_the_huge_benchmark_answers_its_pool_through_the_routes_entry(tmp_path: Path) -> None:
    """`bench.huge`'s child reads a pool as the route does and says what it measured (a
    small pool here: the flow on listed arcs, far below `blocks_from`)."""
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(generate_pool(300, 100, 1, program=huge.PROGRAM)))
    row = huge.child(path)
    assert row["status"] == "optimal" and row["gap"] == 0.0
    assert row["path"] == "flow" and isinstance(row["pairs"], int) and row["pairs"] > 0
    assert isinstance(row["peak_mb"], int) and row["peak_mb"] > 0


def test_the_dense_benchmark_finds_scipy_s_optimum_over_http(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bench.dense import main as dense_main

    assert dense_main(["--sizes", "40x25", "--repeats", "1"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 40 × 25")]
    assert len(rows) == 2
    assert "scipy `linear_sum_assignment` alone, 40 × 50" in rows[0]
    assert rows[1].endswith("| yes |") and "40 (optimal)" in rows[1]


def test_the_retention_benchmark_serves_each_setting_in_its_own_server(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bench.retain import main as retain_main

    argv = ["--sizes", "20x10", "--kinds", "pairs", "--rounds", "1", "--repeats", "1"]
    assert retain_main(argv) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 20 × 10")]
    assert [row.split(" | ")[2] for row in rows] == ["2048", "0"]
    assert all(row.endswith(" MB |") and " s | " in row for row in rows)

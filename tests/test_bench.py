"""The benchmarks' own requests are valid and their tables say what they measured (no
timing here: speed is measured by `make bench`, never by unit tests)."""

from __future__ import annotations

from bench.rematch import rematch_body, summary, table
from solver.contract.rematch import RematchRequest
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
